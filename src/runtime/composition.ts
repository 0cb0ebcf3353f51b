/**
 * The pallets composed after the core ones (System, Timestamp, Balances, TransactionPayment, ValidatorSet):
 * FRAME's `construct_runtime!` list for this chain's own pallets. Each entry gets the core services it needs and
 * names its genesis section. Indices are fixed in each pallet (10 and up for the credit pallets).
 */
import type { CoreServices, PalletModule } from './runtime.js';

/** Build the non-core pallets, in any order (the runtime sorts by index). */
export function composePallets(core: CoreServices): PalletModule[] {
  void core;
  return [];
}
