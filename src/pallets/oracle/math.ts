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
  if (fresh.length === 0 || fresh.length < minFeeders) return undefined;
  fresh.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // Index ⌊(n − 1) / 2⌋: the middle for odd n, the lower middle for even n. Integer arithmetic on a small count.
  const mid = (fresh.length - 1) >> 1;
  return fresh[mid];
}

/** True when `price` lies within the accepted range `[priceMin, priceMax]` (both ends included). */
export function isWithinBounds(price: bigint, priceMin: bigint, priceMax: bigint): boolean {
  return price >= priceMin && price <= priceMax;
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
