/**
 * Storage of the TransactionPayment pallet.
 */
import { u128 } from '../../primitives/scale/index.js';
import { StorageBuilder } from '../../runtime/storage.js';

const s = new StorageBuilder('TransactionPayment');
/** Storage items of TransactionPayment. */
export const TransactionPaymentStorage = {
  /** Multiplier applied to the weight fee (fixed at one on this chain: fees do not float with congestion). */
  NextFeeMultiplier: s.value('NextFeeMultiplier', u128, { default: 1_000_000_000_000_000_000n, docs: ['The fee multiplier (FixedU128); constant one on this chain.'] }),
};

/** Metadata of every TransactionPayment storage item, in declaration order. */
export const TRANSACTION_PAYMENT_STORAGE_INFO = s.infos();
