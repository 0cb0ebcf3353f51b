/**
 * pallet_transaction_payment: what an extrinsic costs and where the fee goes.
 *
 * fee = weightToFee(baseExtrinsicWeight + callWeight) + length × byteFee + tip, charged in XFG before dispatch
 * (the sender must stay above the existential deposit). The fee without the tip is split between the treasury
 * (`treasuryShareBps`) and the block author; the tip goes to the author. Amounts owed round up.
 */
import { u8 } from '../../primitives/scale/index.js';
import { definePallet } from '../../runtime/pallet.js';
import type { StateReader } from '../../runtime/state.js';
import type { Currency } from '../balances/interface.js';
import { TransactionPaymentEvents } from './events.js';
import { checkTransactionPaymentInvariants } from './invariants.js';
import { feeSchedule } from './math.js';
import { TRANSACTION_PAYMENT_STORAGE_INFO } from './storage.js';
import { TRANSACTION_PAYMENT_INDEX, type FeeConfig } from './types.js';

export { TRANSACTION_PAYMENT_INDEX, type FeeConfig, type FeeDetails } from './types.js';
export { TransactionPaymentStorage } from './storage.js';
export { TransactionPaymentEvents } from './events.js';
export { checkTransactionPaymentInvariants } from './invariants.js';

/** The fee schedule and its charging, bound to a currency and a treasury account. */
export function createTransactionPayment(config: FeeConfig, currency: Currency, treasury: Uint8Array) {
  if (config.treasuryShareBps < 0n || config.treasuryShareBps > 10_000n) throw new Error('treasuryShareBps must be within 0..10000');
  const fees = feeSchedule(config, currency, treasury);

  const pallet = definePallet({
    name: 'TransactionPayment',
    index: TRANSACTION_PAYMENT_INDEX,
    crate: 'pallet_transaction_payment',
    docs: ['Transaction fees: computed from weight, length and tip; paid to the treasury and the block author.'],
    storage: TRANSACTION_PAYMENT_STORAGE_INFO,
    events: TransactionPaymentEvents,
    constants: [{ name: 'OperationalFeeMultiplier', codec: u8, value: 5, docs: ['Multiplier of the tip for the priority of operational transactions.'] }],
    hooks: { tryState: checkTransactionPaymentInvariants },
  });

  // What the executive charges extrinsics through (its PaymentServices): the schedule, and whether a fee can be paid.
  const canPay = (st: StateReader, who: Uint8Array, amount: bigint): boolean => currency.canWithdraw(st, who, amount, true);
  return { pallet, ...fees, canPay };
}
