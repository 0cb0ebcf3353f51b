/**
 * Integer arithmetic for the state transition: exact `bigint` maths with a named rounding, checked and
 * saturating operations for unsigned widths, integer square root, per-things (Perbill, Permill, Percent)
 * and the `FixedU128` fixed-point type (18 decimals).
 *
 * Pure and deterministic: no floats, no I/O. Every division names its rounding; every operation that can
 * leave the unsigned range throws an {@link ArithmeticError} whose `kind` matches Substrate's
 * `sp_arithmetic::ArithmeticError` (so dispatch can map it to `DispatchError::Arithmetic(kind)`).
 * Negative arguments are programming errors, not arithmetic outcomes: they throw a `RangeError`.
 */

/** The largest `u32`. */
export const U32_MAX = (1n << 32n) - 1n;
/** The largest `u64`. */
export const U64_MAX = (1n << 64n) - 1n;
/** The largest `u128` (the width of balances). */
export const U128_MAX = (1n << 128n) - 1n;

/**
 * How a quotient that is not exact is rounded. All operands here are non-negative, so:
 * - `down`: towards zero (floor);
 * - `up`: away from zero (ceiling);
 * - `nearest`: to the nearest integer, an exact half rounded up (`5/2 → 3`, `3/2 → 2`).
 */
export type Rounding = 'down' | 'up' | 'nearest';

/** The names of `sp_arithmetic::ArithmeticError`. */
export type ArithmeticErrorKind = 'Underflow' | 'Overflow' | 'DivisionByZero';

/** An arithmetic operation left its range or divided by zero; `kind` says which (Substrate's names). */
export class ArithmeticError extends Error {
  /** Which of Substrate's arithmetic errors this is. */
  readonly kind: ArithmeticErrorKind;

  /** An error of `kind`, with an optional detail for logs. */
  constructor(kind: ArithmeticErrorKind, detail?: string) {
    super(detail === undefined ? kind : `${kind}: ${detail}`);
    this.name = 'ArithmeticError';
    this.kind = kind;
  }
}

function requireUnsigned(x: bigint, name: string): void {
  if (x < 0n) throw new RangeError(`${name} must be non-negative, got ${x}`);
}

/** `a / b` with the named rounding; `a ≥ 0`, `b ≥ 0`; throws `ArithmeticError('DivisionByZero')` when `b = 0`. */
export function divRound(a: bigint, b: bigint, rounding: Rounding): bigint {
  requireUnsigned(a, 'dividend');
  requireUnsigned(b, 'divisor');
  if (b === 0n) throw new ArithmeticError('DivisionByZero');
  const q = a / b; // bigint division truncates, which is the floor for non-negative operands
  const r = a % b;
  if (r === 0n) return q;
  switch (rounding) {
    case 'down':
      return q;
    case 'up':
      return q + 1n;
    case 'nearest':
      // r/b ≥ 1/2 ⇔ 2r ≥ b: the half goes up.
      return 2n * r >= b ? q + 1n : q;
  }
}

/**
 * `a · b / c` computed exactly (no intermediate overflow: bigints are unbounded) and rounded once with the named
 * rounding. All arguments must be ≥ 0; throws `ArithmeticError('DivisionByZero')` when `c = 0`.
 * The result is not range-checked: callers that store it in a fixed width check it (or use {@link checkedMulDiv}).
 */
export function mulDiv(a: bigint, b: bigint, c: bigint, rounding: Rounding): bigint {
  requireUnsigned(a, 'a');
  requireUnsigned(b, 'b');
  return divRound(a * b, c, rounding);
}

/** {@link mulDiv}, then `ArithmeticError('Overflow')` when the result exceeds `max` (default `u128`). */
export function checkedMulDiv(a: bigint, b: bigint, c: bigint, rounding: Rounding, max: bigint = U128_MAX): bigint {
  const out = mulDiv(a, b, c, rounding);
  if (out > max) throw new ArithmeticError('Overflow', `mulDiv result exceeds ${max}`);
  return out;
}

/** `a + b` for unsigned values; `ArithmeticError('Overflow')` when the sum exceeds `max` (default `u128`). */
export function checkedAdd(a: bigint, b: bigint, max: bigint = U128_MAX): bigint {
  requireUnsigned(a, 'a');
  requireUnsigned(b, 'b');
  const out = a + b;
  if (out > max) throw new ArithmeticError('Overflow', `${a} + ${b} exceeds ${max}`);
  return out;
}

/** `a − b` for unsigned values; `ArithmeticError('Underflow')` when `b > a`. */
export function checkedSub(a: bigint, b: bigint): bigint {
  requireUnsigned(a, 'a');
  requireUnsigned(b, 'b');
  if (b > a) throw new ArithmeticError('Underflow', `${a} - ${b} is negative`);
  return a - b;
}

/** `a · b` for unsigned values; `ArithmeticError('Overflow')` when the product exceeds `max` (default `u128`). */
export function checkedMul(a: bigint, b: bigint, max: bigint = U128_MAX): bigint {
  requireUnsigned(a, 'a');
  requireUnsigned(b, 'b');
  const out = a * b;
  if (out > max) throw new ArithmeticError('Overflow', `${a} * ${b} exceeds ${max}`);
  return out;
}

/** `min(a + b, max)` for unsigned values (default `max`: `u128`). */
export function saturatingAdd(a: bigint, b: bigint, max: bigint = U128_MAX): bigint {
  requireUnsigned(a, 'a');
  requireUnsigned(b, 'b');
  const out = a + b;
  return out > max ? max : out;
}

/** `max(a − b, 0)` for unsigned values. */
export function saturatingSub(a: bigint, b: bigint): bigint {
  requireUnsigned(a, 'a');
  requireUnsigned(b, 'b');
  return b > a ? 0n : a - b;
}

/** `min(a · b, max)` for unsigned values (default `max`: `u128`). */
export function saturatingMul(a: bigint, b: bigint, max: bigint = U128_MAX): bigint {
  requireUnsigned(a, 'a');
  requireUnsigned(b, 'b');
  const out = a * b;
  return out > max ? max : out;
}

/** The smaller of two bigints. */
export function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** The larger of two bigints. */
export function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** Floor square root: the largest `r` with `r² ≤ n`; exact for any size (Newton's method on bigints). `n ≥ 0`. */
export function isqrt(n: bigint): bigint {
  requireUnsigned(n, 'n');
  if (n < 2n) return n;
  // Start above the root: n < 16^hexDigits, so 2^(2·hexDigits) = 4^hexDigits > √n. hexDigits ≤ 2^30 or so.
  const hexDigits = n.toString(16).length;
  let x = 1n << BigInt(2 * hexDigits);
  // From any start ≥ ⌊√n⌋, the Newton step strictly decreases until it reaches ⌊√n⌋ (integer Newton for sqrt).
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Per-things

declare const perThingBrand: unique symbol;

/** A proportion in parts per billion, `0 ..= 1_000_000_000` (Substrate `Perbill`). */
export type Perbill = bigint & { readonly [perThingBrand]: 'Perbill' };
/** A proportion in parts per million, `0 ..= 1_000_000` (Substrate `Permill`). */
export type Permill = bigint & { readonly [perThingBrand]: 'Permill' };
/** A proportion in percent, `0 ..= 100` (Substrate `Percent`). */
export type Percent = bigint & { readonly [perThingBrand]: 'Percent' };

/** Operations of one per-thing type `P` (a branded bigint holding its parts; always within `[0, ACCURACY]`). */
export interface PerThingOps<P extends bigint> {
  /** Parts in one whole (1e9 for Perbill). */
  readonly ACCURACY: bigint;
  /** Zero. */
  readonly ZERO: P;
  /** One whole (`ACCURACY` parts). */
  readonly ONE: P;
  /** From raw parts; more than `ACCURACY` saturates to `ONE` (as Substrate's `from_parts`); negative throws. */
  fromParts(parts: bigint): P;
  /** From a whole percentage `0..=100` (more saturates to `ONE`). */
  fromPercent(percent: bigint): P;
  /** `n / d` with the named rounding, saturating to `ONE` when `n > d`; `d = 0` throws `DivisionByZero`. */
  fromRational(n: bigint, d: bigint, rounding: Rounding): P;
  /** `x · p` rounded as named (never more than `x`, so never overflows). */
  mul(p: P, x: bigint, rounding: Rounding): bigint;
  /** `ONE − p`. */
  complement(p: P): P;
  /** `min(p + q, ONE)`. */
  saturatingAdd(p: P, q: P): P;
  /** `max(p − q, 0)`. */
  saturatingSub(p: P, q: P): P;
  /** `p · q` in this accuracy, rounded as named. */
  mulPer(p: P, q: P, rounding: Rounding): P;
  /** True when `x` is a bigint within `[0, ACCURACY]` (a valid value of this type, e.g. after decoding). */
  isValid(x: bigint): x is P;
}

function makePerThing<P extends bigint>(accuracy: bigint): PerThingOps<P> {
  const wrap = (x: bigint): P => x as P;
  const clamp = (x: bigint): P => wrap(x > accuracy ? accuracy : x);
  return {
    ACCURACY: accuracy,
    ZERO: wrap(0n),
    ONE: wrap(accuracy),
    fromParts(parts) {
      requireUnsigned(parts, 'parts');
      return clamp(parts);
    },
    fromPercent(percent) {
      requireUnsigned(percent, 'percent');
      // Exact for every accuracy that is a multiple of 100 (all three are).
      return clamp(mulDiv(percent, accuracy, 100n, 'down'));
    },
    fromRational(n, d, rounding) {
      requireUnsigned(n, 'n');
      requireUnsigned(d, 'd');
      if (d === 0n) throw new ArithmeticError('DivisionByZero');
      if (n >= d) return wrap(accuracy);
      return wrap(mulDiv(n, accuracy, d, rounding));
    },
    mul(p, x, rounding) {
      return mulDiv(x, p, accuracy, rounding);
    },
    complement(p) {
      return wrap(accuracy - p);
    },
    saturatingAdd(p, q) {
      return clamp(p + q);
    },
    saturatingSub(p, q) {
      const a: bigint = p;
      const b: bigint = q;
      return wrap(b > a ? 0n : a - b);
    },
    mulPer(p, q, rounding) {
      return wrap(mulDiv(p, q, accuracy, rounding));
    },
    isValid(x): x is P {
      return x >= 0n && x <= accuracy;
    },
  };
}

/** Parts per billion (`Perbill`). */
export const perbill: PerThingOps<Perbill> = makePerThing<Perbill>(1_000_000_000n);
/** Parts per million (`Permill`). */
export const permill: PerThingOps<Permill> = makePerThing<Permill>(1_000_000n);
/** Parts per hundred (`Percent`). */
export const percent: PerThingOps<Percent> = makePerThing<Percent>(100n);

// ---------------------------------------------------------------------------------------------------------------
// FixedU128

declare const fixedBrand: unique symbol;

/**
 * An unsigned fixed-point number with 18 decimals stored as its inner `u128` (`value · 10^18`), like Substrate's
 * `FixedU128`: `1.5` is `1_500_000_000_000_000_000n`. Range `[0, U128_MAX / 10^18]` (about 3.4e20).
 */
export type FixedU128 = bigint & { readonly [fixedBrand]: 'FixedU128' };

/** `10^18`: the inner value of `1`. */
const FIXED_DIV = 1_000_000_000_000_000_000n;

function fixedChecked(inner: bigint, what: string): FixedU128 {
  if (inner > U128_MAX) throw new ArithmeticError('Overflow', `FixedU128 ${what} exceeds u128`);
  return inner as FixedU128;
}

/** Operations on {@link FixedU128}. Every result is checked against `u128` (throws `Overflow`), never saturated. */
export const fixedU128 = {
  /** `10^18`, the inner value of one. */
  DIV: FIXED_DIV,
  /** Zero. */
  ZERO: 0n as FixedU128,
  /** One. */
  ONE: FIXED_DIV as FixedU128,
  /** The largest representable value. */
  MAX: U128_MAX as FixedU128,

  /** From the raw inner value (`value · 10^18`); must be within `[0, U128_MAX]`. */
  fromInner(inner: bigint): FixedU128 {
    requireUnsigned(inner, 'inner');
    return fixedChecked(inner, 'inner');
  },

  /** The raw inner value. */
  toInner(f: FixedU128): bigint {
    return f;
  },

  /** The integer `n` as a fixed-point number; `Overflow` beyond about 3.4e20. */
  fromInt(n: bigint): FixedU128 {
    requireUnsigned(n, 'n');
    return fixedChecked(n * FIXED_DIV, 'fromInt');
  },

  /** `n / d` rounded as named at the 18th decimal; `d = 0` throws `DivisionByZero`, too large throws `Overflow`. */
  fromRational(n: bigint, d: bigint, rounding: Rounding): FixedU128 {
    return fixedChecked(mulDiv(n, FIXED_DIV, d, rounding), 'fromRational');
  },

  /** From a Perbill (exact: 10^18 is a multiple of 10^9). */
  fromPerbill(p: Perbill): FixedU128 {
    return (p * (FIXED_DIV / perbill.ACCURACY)) as FixedU128;
  },

  /** `a + b`, checked. */
  add(a: FixedU128, b: FixedU128): FixedU128 {
    return checkedAdd(a, b, U128_MAX) as FixedU128;
  },

  /** `a − b`, `Underflow` when `b > a`. */
  sub(a: FixedU128, b: FixedU128): FixedU128 {
    return checkedSub(a, b) as FixedU128;
  },

  /** `a · b` rounded as named, checked. */
  mul(a: FixedU128, b: FixedU128, rounding: Rounding): FixedU128 {
    return fixedChecked(mulDiv(a, b, FIXED_DIV, rounding), 'mul');
  },

  /** `a / b` rounded as named, checked; `b = 0` throws `DivisionByZero`. */
  div(a: FixedU128, b: FixedU128, rounding: Rounding): FixedU128 {
    return fixedChecked(mulDiv(a, FIXED_DIV, b, rounding), 'div');
  },

  /** `f · n` as an integer, rounded as named; `Overflow` when the integer exceeds `u128`. */
  mulInt(f: FixedU128, n: bigint, rounding: Rounding): bigint {
    return checkedMulDiv(f, n, FIXED_DIV, rounding, U128_MAX);
  },

  /** `n / f` as an integer, rounded as named; `f = 0` throws `DivisionByZero`, `Overflow` beyond `u128`. */
  divInt(n: bigint, f: FixedU128, rounding: Rounding): bigint {
    return checkedMulDiv(n, FIXED_DIV, f, rounding, U128_MAX);
  },

  /** `f^exp` by repeated squaring, each product rounded as named (so `down` gives a lower bound); checked. */
  pow(f: FixedU128, exp: bigint, rounding: Rounding): FixedU128 {
    requireUnsigned(exp, 'exp');
    let result = FIXED_DIV as FixedU128;
    let base = f;
    let e = exp;
    while (e > 0n) {
      if ((e & 1n) === 1n) result = fixedU128.mul(result, base, rounding);
      e >>= 1n;
      // Square only while bits remain, so a large base with a small exponent does not overflow needlessly.
      if (e > 0n) base = fixedU128.mul(base, base, rounding);
    }
    return result;
  },

  /** The integer part (floor). */
  toIntFloor(f: FixedU128): bigint {
    return f / FIXED_DIV;
  },

  /** The ceiling as an integer. */
  toIntCeil(f: FixedU128): bigint {
    return divRound(f, FIXED_DIV, 'up');
  },

  /** The nearest integer, halves up. */
  toIntRound(f: FixedU128): bigint {
    return divRound(f, FIXED_DIV, 'nearest');
  },

  /** Exact decimal text without trailing zeros, e.g. `"1.5"`, `"0.000000000000000001"`, `"3"` (for logs and RPC). */
  toDecimalString(f: FixedU128): string {
    const int = f / FIXED_DIV;
    const frac = f % FIXED_DIV;
    if (frac === 0n) return int.toString();
    return `${int}.${frac.toString().padStart(18, '0').replace(/0+$/, '')}`;
  },

  /** Parse exact decimal text (`"1.5"`, `"42"`); at most 18 decimals; throws `RangeError` on anything else. */
  fromDecimalString(s: string): FixedU128 {
    const m = /^(\d+)(?:\.(\d{1,18}))?$/.exec(s);
    if (m === null) throw new RangeError(`not a FixedU128 decimal: ${JSON.stringify(s)}`);
    const int = BigInt(m[1]);
    const frac = m[2] === undefined ? 0n : BigInt(m[2].padEnd(18, '0'));
    return fixedChecked(int * FIXED_DIV + frac, 'fromDecimalString');
  },

  /** True when `x` is a valid inner value (`0 ..= U128_MAX`). */
  isValid(x: bigint): x is FixedU128 {
    return x >= 0n && x <= U128_MAX;
  },
} as const;
