/**
 * Invariants of the TransactionPayment pallet (`tryState`).
 */
import type { StateReader } from '../../runtime/state.js';
import { TransactionPaymentStorage } from './storage.js';

/** FixedU128 one. */
const ONE = 1_000_000_000_000_000_000n;

/** Throw unless the fee multiplier is one (fees do not float with congestion on this chain). */
export function checkTransactionPaymentInvariants(st: StateReader): void {
  const m = TransactionPaymentStorage.NextFeeMultiplier.get(st);
  if (m !== ONE) throw new Error(`TransactionPayment: NextFeeMultiplier ${m} ≠ 1 (FixedU128 ${ONE})`);
}
