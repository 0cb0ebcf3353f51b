/**
 * What other pallets use of Oracle: the {@link PriceOracle}. Other pallets import this file (or index.ts), never
 * `storage.ts`.
 */
import type { DispatchContext } from '../../runtime/dispatch.js';
import type { StateReader } from '../../runtime/state.js';

/** The XFG price. */
export interface PriceOracle {
  /**
   * The median of fresh feeder values (FixedU128: UDST per XFG, whole token to whole token, 1e18 = 1) at the block
   * time, or `undefined` when fewer than `minFeeders` fresh values exist (fail closed: no new loans, no collateral
   * withdrawals, no liquidations). Reading an unavailable price deposits `PriceUnavailable` once per block.
   */
  price(ctx: DispatchContext): bigint | undefined;
  /** The same without side effects (queries). */
  peekPrice(st: StateReader): bigint | undefined;
}
