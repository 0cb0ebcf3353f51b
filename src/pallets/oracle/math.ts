/**
 * The pure integer maths of the Oracle pallet (ECONOMICS.md §2): which fed values are fresh, their median, the
 * accepted price range, and the conversion between XFG and UDST amounts at a price.
 *
 * No storage, no clock: the block time comes in as `now`. Prices are `FixedU128` inner values (`1e18` = 1 UDST per
 * XFG, whole token to whole token). Amounts are base units. Every division names its rounding.
 */
import { divRound } from '../../primitives/arith.js';

/** `10^18`: the inner value of a price of exactly 1 UDST per XFG. */
export const PRICE_ONE = 1_000_000_000_000_000_000n;

/** Default `price_lifetime`: a fed value counts for 10 minutes after its block time. */
export const DEFAULT_PRICE_LIFETIME_MS = 600_000n;

/** Default `min_feeders`: a price exists only with at least two fresh values. */
export const DEFAULT_MIN_FEEDERS = 2;

/** The largest number of decimals a token may declare here (`10^30` keeps every product far inside exact bigints). */
export const MAX_TOKEN_DECIMALS = 30;

/** One feeder's latest value: a price (FixedU128 inner) and the block time (ms) it was fed at. */
export interface FedValue {
  /** UDST per XFG, FixedU128 inner value (`1e18` = 1.0). */
  readonly price: bigint;
  /** Block timestamp (ms) of the block that recorded it. */
  readonly at: bigint;
}

/** The decimals of the two tokens, from `chain-spec.json` `properties` (each an integer `0 ..= MAX_TOKEN_DECIMALS`). */
export interface TokenDecimals {
  /** Decimals of XFG (12 on the dev chain). Bound: `0 ..= MAX_TOKEN_DECIMALS`. */
  readonly xfg: number;
  /** Decimals of UDST (6 on the dev chain). Bound: `0 ..= MAX_TOKEN_DECIMALS`. */
  readonly udst: number;
}

function requireNonNegative(x: bigint, name: string): void {
  if (x < 0n) throw new RangeError(`${name} must be non-negative, got ${x}`);
}

function pow10(decimals: number, name: string): bigint {
  if (!Number.isSafeInteger(decimals) || decimals < 0 || decimals > MAX_TOKEN_DECIMALS) {
    throw new RangeError(`${name} decimals must be an integer in 0..=${MAX_TOKEN_DECIMALS}, got ${decimals}`);
  }
  return 10n ** BigInt(decimals);
}

/**
 * True when a value fed at `at` is still fresh at `now`: its age `now − at` is at most `lifetimeMs` ("no older
 * than `price_lifetime`", so a value exactly `lifetimeMs` old still counts). A value stamped after `now` (impossible
 * on chain, where block times only grow) has no age and counts as fresh.
 */
export function isFresh(at: bigint, now: bigint, lifetimeMs: bigint): boolean {
  requireNonNegative(lifetimeMs, 'lifetimeMs');
  return now - at <= lifetimeMs;
}

/**
 * The oracle price at `now`: the median of the fresh values ({@link isFresh}), or `undefined` when fewer than
 * `max(minFeeders, 1)` values are fresh (no price: the pallets fail closed). With an even number of fresh values
 * the lower middle is taken, so the result is always one of the fed values (no division, no rounding).
 *
 * `values` holds one entry per feeder (the pallet keeps only each feeder's latest value); their order does not
 * matter. `minFeeders` is a count bounded by the size of the feeder set (at most a few hundred).
 */
export function medianPrice(
  values: readonly FedValue[],
  now: bigint,
  lifetimeMs: bigint,
  minFeeders: number,
): bigint | undefined {
  if (!Number.isSafeInteger(minFeeders) || minFeeders < 0) {
    throw new RangeError(`minFeeders must be a non-negative integer, got ${minFeeders}`);
  }
  const fresh = values.filter((v) => isFresh(v.at, now, lifetimeMs)).map((v) => v.price);
  // fresh.length ≤ values.length, itself bounded by the feeder set.
  if (fresh.length < minFeeders) return undefined;
  return medianOf(fresh);
}

/**
 * The median of `prices` (any order, not modified): the middle value for an odd count, the lower middle for an even
 * count (index `⌊(n − 1) / 2⌋` of the sorted list), `undefined` for none. Always one of the inputs: no averaging, no
 * rounding. Used on chain ({@link medianPrice}) and by the off-chain feeder over its sources.
 */
export function medianOf(prices: readonly bigint[]): bigint | undefined {
  if (prices.length === 0) return undefined;
  const sorted = [...prices].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Integer arithmetic on a small count (≤ the feeder set or the feeder's source list).
  return sorted[(sorted.length - 1) >> 1];
}

/** True when `price` lies within the accepted range `[priceMin, priceMax]` (both ends included). */
export function isWithinBounds(price: bigint, priceMin: bigint, priceMax: bigint): boolean {
  return price >= priceMin && price <= priceMax;
}

/**
 * True when `price` lies strictly inside `(priceMin, priceMax)`: the rule `oracle.feed` applies. A price equal to a
 * configured bound is refused (issue 5: "a price at a configured bound is refused"), which reads ECONOMICS.md's
 * `[price_min, price_max]` as the range of refused extremes rather than of accepted values; see the README.
 */
export function isWithinOpenBounds(price: bigint, priceMin: bigint, priceMax: bigint): boolean {
  return price > priceMin && price < priceMax;
}

/**
 * The UDST value (base units) of `xfg` XFG base units at `price` (FixedU128 UDST per whole XFG), rounded as named:
 *
 * `udst = xfg · price · 10^udstDecimals / (10^18 · 10^xfgDecimals)`
 *
 * computed exactly and rounded once. With XFG at 12 decimals and UDST at 6, one whole XFG (`10^12`) at price 2.5
 * (`2.5e18`) is `2_500_000` UDST base units (2.5 UDST). Collateral valuation uses `down` (ECONOMICS.md §0).
 */
export function xfgToUdst(
  xfg: bigint,
  price: bigint,
  decimals: TokenDecimals,
  rounding: 'down' | 'up',
): bigint {
  requireNonNegative(xfg, 'xfg');
  requireNonNegative(price, 'price');
  const num = xfg * price * pow10(decimals.udst, 'udst');
  const den = PRICE_ONE * pow10(decimals.xfg, 'xfg');
  return divRound(num, den, rounding);
}

/**
 * The XFG base units worth `udst` UDST base units at `price`, rounded as named: the inverse of {@link xfgToUdst},
 * `xfg = udst · 10^18 · 10^xfgDecimals / (price · 10^udstDecimals)`, exact and rounded once. `price = 0` throws
 * `ArithmeticError('DivisionByZero')` (a zero price is never within the oracle's bounds).
 */
export function udstToXfg(
  udst: bigint,
  price: bigint,
  decimals: TokenDecimals,
  rounding: 'down' | 'up',
): bigint {
  requireNonNegative(udst, 'udst');
  requireNonNegative(price, 'price');
  const num = udst * PRICE_ONE * pow10(decimals.xfg, 'xfg');
  const den = price * pow10(decimals.udst, 'udst');
  return divRound(num, den, rounding);
}

/** The largest feeder set (a bounded vector in storage; also bounds `minFeeders`). */
export const MAX_FEEDERS = 32;

/** Default `price_min`: 0.001 UDST per XFG (exclusive: a feed must be above it). */
export const DEFAULT_PRICE_MIN = PRICE_ONE / 1_000n;

/** Default `price_max`: 1,000 UDST per XFG (exclusive: a feed must be below it). */
export const DEFAULT_PRICE_MAX = PRICE_ONE * 1_000n;

/** The governance-adjustable parameters of the oracle. */
export interface OracleParamsValue {
  /** How long a fed value counts (ms). */
  priceLifetimeMs: bigint;
  /** Fresh values needed for a price. Bound: `PARAM_BOUNDS.minFeeders` (1 ..= MAX_FEEDERS). */
  minFeeders: number;
  /** Exclusive lower bound of a fed price (FixedU128 inner). */
  priceMin: bigint;
  /** Exclusive upper bound of a fed price (FixedU128 inner). */
  priceMax: bigint;
}

/** Genesis defaults of the parameters (ECONOMICS.md §2). */
export const DEFAULT_ORACLE_PARAMS: OracleParamsValue = {
  priceLifetimeMs: DEFAULT_PRICE_LIFETIME_MS,
  minFeeders: DEFAULT_MIN_FEEDERS,
  priceMin: DEFAULT_PRICE_MIN,
  priceMax: DEFAULT_PRICE_MAX,
};

/**
 * Absolute `[min, max]` of every parameter (inclusive). Governance and genesis stay inside them.
 * - `priceLifetimeMs` 1 min ..= 1 h: shorter starves the price between feeds, longer trusts an old price.
 * - `minFeeders` 1 ..= MAX_FEEDERS.
 * - `priceMin` / `priceMax` 10⁻¹² ..= 10¹² UDST per XFG, and `priceMin < priceMax`.
 */
export const PARAM_BOUNDS = {
  priceLifetimeMs: { min: 60_000n, max: 3_600_000n },
  minFeeders: { min: 1, max: MAX_FEEDERS },
  price: { min: 1_000_000n, max: PRICE_ONE * 1_000_000_000_000n },
} as const;

/**
 * The largest change governance may make in one step: the lifetime and each price bound at most doubles or halves
 * (lifetime) or moves by a factor of 10 (price bounds); `minFeeders` moves by at most 1.
 */
export const PARAM_MAX_STEP = { lifetimeFactor: 2n, priceFactor: 10n, minFeeders: 1 } as const;

/** Why a parameter set is refused: which parameter, and whether it is out of bounds or too large a step. */
export type ParamsRefusal = { reason: 'OutOfBounds' | 'StepTooLarge'; param: keyof OracleParamsValue };

/** The first parameter of `p` outside {@link PARAM_BOUNDS} (or `priceMin ≥ priceMax`), or `undefined` when all fit. */
export function checkParamBounds(p: OracleParamsValue): ParamsRefusal | undefined {
  const out = (param: keyof OracleParamsValue): ParamsRefusal => ({ reason: 'OutOfBounds', param });
  const b = PARAM_BOUNDS;
  if (p.priceLifetimeMs < b.priceLifetimeMs.min || p.priceLifetimeMs > b.priceLifetimeMs.max) return out('priceLifetimeMs');
  if (!Number.isSafeInteger(p.minFeeders) || p.minFeeders < b.minFeeders.min || p.minFeeders > b.minFeeders.max) return out('minFeeders');
  if (p.priceMin < b.price.min || p.priceMin > b.price.max) return out('priceMin');
  if (p.priceMax < b.price.min || p.priceMax > b.price.max) return out('priceMax');
  // Bounds are exclusive: at least one price must lie strictly between them.
  if (p.priceMax - p.priceMin < 2n) return out('priceMax');
  return undefined;
}

/** Whether `next` is within `factor` of `prev` both ways: `prev / factor ≤ next ≤ prev · factor` (exact, no division). */
function withinFactor(prev: bigint, next: bigint, factor: bigint): boolean {
  return next <= prev * factor && next * factor >= prev;
}

/**
 * Check a governance change from `prev` to `next`: every parameter within bounds ({@link checkParamBounds}) and each
 * change within {@link PARAM_MAX_STEP}. `undefined` when accepted.
 */
export function checkParamsChange(prev: OracleParamsValue, next: OracleParamsValue): ParamsRefusal | undefined {
  const bounds = checkParamBounds(next);
  if (bounds) return bounds;
  const step = (param: keyof OracleParamsValue): ParamsRefusal => ({ reason: 'StepTooLarge', param });
  if (!withinFactor(prev.priceLifetimeMs, next.priceLifetimeMs, PARAM_MAX_STEP.lifetimeFactor)) return step('priceLifetimeMs');
  if (Math.abs(next.minFeeders - prev.minFeeders) > PARAM_MAX_STEP.minFeeders) return step('minFeeders');
  if (!withinFactor(prev.priceMin, next.priceMin, PARAM_MAX_STEP.priceFactor)) return step('priceMin');
  if (!withinFactor(prev.priceMax, next.priceMax, PARAM_MAX_STEP.priceFactor)) return step('priceMax');
  return undefined;
}
