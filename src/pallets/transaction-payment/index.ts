/**
 * pallet_transaction_payment: what an extrinsic costs and where the fee goes.
 *
 * fee = weightToFee(baseExtrinsicWeight + callWeight) + length × byteFee + tip, charged in XFG before dispatch
 * (the sender must stay above the existential deposit). The fee without the tip is split between the treasury
 * (`treasuryShareBps`) and the block author; the tip goes to the author. Amounts owed round up.
 */
import { enumeration, fields, u128, u8 } from '../../primitives/scale/index.js';
import { mulDiv } from '../../primitives/arith.js';
import { AccountId32 } from '../../primitives/types.js';
import type { DispatchContext } from '../../runtime/dispatch.js';
import { definePallet, eventFactory } from '../../runtime/pallet.js';
import { StorageBuilder } from '../../runtime/storage.js';
import type { Currency } from '../balances/index.js';

/** Pallet index of TransactionPayment. */
export const TRANSACTION_PAYMENT_INDEX = 3;

/** Fee parameters. */
export interface FeeConfig {
  /** Weight charged for every extrinsic on top of its call (ref time, ps). */
  baseExtrinsicWeight: bigint;
  /** XFG base units per unit of ref time, as a fraction. */
  weightFeeNumerator: bigint;
  weightFeeDenominator: bigint;
  /** XFG base units per byte of the encoded extrinsic. */
  byteFee: bigint;
  /** Share of the fee (without tip) that goes to the treasury, 0–10,000 bps; the author gets the rest and the tip. */
  treasuryShareBps: bigint;
}

/** The parts of a fee, as `payment_queryFeeDetails` reports them. */
export interface FeeDetails {
  baseFee: bigint;
  lenFee: bigint;
  adjustedWeightFee: bigint;
  tip: bigint;
}

const s = new StorageBuilder('TransactionPayment');
/** Storage items of TransactionPayment. */
export const TransactionPaymentStorage = {
  /** Multiplier applied to the weight fee (fixed at one on this chain: fees do not float with congestion). */
  NextFeeMultiplier: s.value('NextFeeMultiplier', u128, { default: 1_000_000_000_000_000_000n, docs: ['The fee multiplier (FixedU128); constant one on this chain.'] }),
};

/** Events of TransactionPayment. */
export const TransactionPaymentEvents = enumeration(
  ['pallet_transaction_payment', 'pallet', 'Event'],
  { TransactionFeePaid: fields({ who: AccountId32, actualFee: u128, tip: u128 }) },
  { params: [{ name: 'T' }], variantDocs: { TransactionFeePaid: ['A transaction fee `actual_fee`, of which `tip` was added to the minimum inclusion fee, has been paid by `who`.'] } },
);
const event = eventFactory('TransactionPayment', TransactionPaymentEvents);

/** The fee schedule and its charging, bound to a currency and a treasury account. */
export function createTransactionPayment(config: FeeConfig, currency: Currency, treasury: Uint8Array) {
  if (config.treasuryShareBps < 0n || config.treasuryShareBps > 10_000n) throw new Error('treasuryShareBps must be within 0..10000');

  /** weight → fee, rounded up (the payer owes it). */
  const weightToFee = (refTime: bigint): bigint => mulDiv(refTime, config.weightFeeNumerator, config.weightFeeDenominator, 'up');

  /** The fee of an extrinsic of `length` bytes whose call weighs `callWeight`; zero when the call pays no fee. */
  function computeFee(length: number, callWeight: bigint, tip: bigint, paysFee: boolean): FeeDetails {
    if (!paysFee) return { baseFee: 0n, lenFee: 0n, adjustedWeightFee: 0n, tip: 0n };
    return {
      baseFee: weightToFee(config.baseExtrinsicWeight),
      lenFee: BigInt(length) * config.byteFee,
      adjustedWeightFee: weightToFee(callWeight),
      tip,
    };
  }

  /** Total of a fee's parts. */
  const total = (f: FeeDetails) => f.baseFee + f.lenFee + f.adjustedWeightFee + f.tip;

  /** Take the fee from `who` before dispatch (keep-alive). Throws when it cannot be paid. */
  function withdrawFee(ctx: DispatchContext, who: Uint8Array, fee: FeeDetails): void {
    currency.withdraw(ctx, who, total(fee), true);
  }

  /** After dispatch: pay the treasury and the author, emit `TransactionFeePaid`. */
  function distributeFee(ctx: DispatchContext, who: Uint8Array, fee: FeeDetails, author: Uint8Array | undefined): void {
    const all = total(fee);
    if (all === 0n) return;
    const withoutTip = all - fee.tip;
    // The treasury's part rounds down (a payout); the author gets the remainder and the tip.
    const toTreasury = author ? mulDiv(withoutTip, config.treasuryShareBps, 10_000n, 'down') : all;
    const toAuthor = all - toTreasury;
    currency.depositOrBurn(ctx, treasury, toTreasury);
    if (author && toAuthor > 0n) currency.depositOrBurn(ctx, author, toAuthor);
    ctx.deposit(event('TransactionFeePaid', { who, actualFee: all, tip: fee.tip }));
  }

  const pallet = definePallet({
    name: 'TransactionPayment',
    index: TRANSACTION_PAYMENT_INDEX,
    crate: 'pallet_transaction_payment',
    docs: ['Transaction fees: computed from weight, length and tip; paid to the treasury and the block author.'],
    storage: s.infos(),
    events: TransactionPaymentEvents,
    constants: [{ name: 'OperationalFeeMultiplier', codec: u8, value: 5, docs: ['Multiplier of the tip for the priority of operational transactions.'] }],
    hooks: {},
  });

  return { pallet, computeFee, total, withdrawFee, distributeFee, weightToFee };
}
