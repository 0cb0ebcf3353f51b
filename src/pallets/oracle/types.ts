/**
 * SCALE schemas of the Oracle pallet and the TypeScript types derived from them.
 */
import { struct, u128, u32, u64, type ValueOf } from '../../primitives/scale/index.js';
import { U64_MAX } from '../../primitives/arith.js';
import type { EnsureOrigin } from '../../runtime/dispatch.js';

/** One feeder's latest value: the price (FixedU128 inner, UDST per XFG) and the block time (ms) it was fed at. */
export const FedValueCodec = struct(['pallet_oracle', 'FedValue'], { price: u128, at: u64 }, { typeName: { price: 'FixedU128', at: 'Moment' } });

/** The value of {@link FedValueCodec}. */
export type FedValueValue = ValueOf<typeof FedValueCodec>;

/** The governance-adjustable parameters (see `math.ts` for their bounds and steps). */
export const OracleParams = struct(
  ['pallet_oracle', 'OracleParams'],
  { priceLifetimeMs: u64, minFeeders: u32, priceMin: u128, priceMax: u128 },
  { typeName: { priceLifetimeMs: 'Moment', minFeeders: 'u32', priceMin: 'FixedU128', priceMax: 'FixedU128' } },
);

/**
 * The `at` of a value set at genesis: "fed at the first block". Such a value is fresh (it has no age: its time is
 * after every block time) until the first block's `onFinalize` stamps it with that block's time, so a new chain has a
 * price for `priceLifetimeMs` after its first block, whatever wall-clock time that block has.
 */
export const GENESIS_FED_AT = U64_MAX;

/** What Oracle needs from the chain. */
export interface OracleConfig {
  /** Who may replace the feeders and change the parameters (this chain: Root; governance later). */
  adminOrigin: EnsureOrigin<unknown>;
}

/** Pallet index of Oracle (fixed: part of every call's encoding). */
export const ORACLE_INDEX = 11;
