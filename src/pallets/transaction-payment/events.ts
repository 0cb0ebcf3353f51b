/**
 * Events of the TransactionPayment pallet.
 */
import { enumeration, fields, u128 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { eventFactory } from '../../runtime/pallet.js';

/** Events of TransactionPayment. */
export const TransactionPaymentEvents = enumeration(
  ['pallet_transaction_payment', 'pallet', 'Event'],
  { TransactionFeePaid: fields({ who: AccountId32, actualFee: u128, tip: u128 }) },
  { params: [{ name: 'T' }], variantDocs: { TransactionFeePaid: ['A transaction fee `actual_fee`, of which `tip` was added to the minimum inclusion fee, has been paid by `who`.'] } },
);
/** Typed constructor of TransactionPayment events. */
export const transactionPaymentEvent = eventFactory('TransactionPayment', TransactionPaymentEvents);
