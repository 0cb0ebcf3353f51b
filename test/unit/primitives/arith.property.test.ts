import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ArithmeticError,
  checkedAdd,
  checkedSub,
  divRound,
  fixedU128,
  isqrt,
  mulDiv,
  perbill,
  permill,
  saturatingAdd,
  saturatingSub,
  U128_MAX,
  type FixedU128,
  type Perbill,
} from '../../../src/primitives/arith.js';

const u128 = fc.bigInt({ min: 0n, max: U128_MAX });
const positiveU128 = fc.bigInt({ min: 1n, max: U128_MAX });
const E18 = 10n ** 18n;

describe('mulDiv properties', () => {
  it('down ≤ exact ≤ up, up − down ∈ {0, 1}, and nearest is one of them and within half', () => {
    fc.assert(
      fc.property(u128, u128, positiveU128, (a, b, c) => {
        const down = mulDiv(a, b, c, 'down');
        const up = mulDiv(a, b, c, 'up');
        const nearest = mulDiv(a, b, c, 'nearest');
        const p = a * b;
        // down·c ≤ a·b ≤ up·c
        expect(down * c <= p).toBe(true);
        expect(up * c >= p).toBe(true);
        expect(up - down === 0n || up - down === 1n).toBe(true);
        // up = down exactly when the division is exact
        expect(up === down).toBe(p % c === 0n);
        expect(nearest === down || nearest === up).toBe(true);
        // |nearest·c − a·b| ≤ c/2, i.e. 2·|…| ≤ c
        const diff = nearest * c - p;
        expect(2n * (diff < 0n ? -diff : diff) <= c).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('divRound matches the definition of floor and ceiling with small operands', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10_000n }), fc.bigInt({ min: 1n, max: 100n }), (a, b) => {
        const down = divRound(a, b, 'down');
        const up = divRound(a, b, 'up');
        expect(down * b <= a && a < (down + 1n) * b).toBe(true);
        expect((up - 1n) * b < a && a <= up * b).toBe(true);
      }),
    );
  });
});

describe('checked / saturating properties', () => {
  it('checkedAdd either returns the exact sum within max or throws Overflow; saturatingAdd agrees', () => {
    fc.assert(
      fc.property(u128, u128, (a, b) => {
        const sum = a + b;
        if (sum <= U128_MAX) {
          expect(checkedAdd(a, b)).toBe(sum);
          expect(saturatingAdd(a, b)).toBe(sum);
        } else {
          expect(() => checkedAdd(a, b)).toThrow(ArithmeticError);
          expect(saturatingAdd(a, b)).toBe(U128_MAX);
        }
      }),
    );
  });

  it('checkedSub inverts checkedAdd; saturatingSub floors at zero', () => {
    fc.assert(
      fc.property(u128, u128, (a, b) => {
        if (b <= a) {
          expect(checkedAdd(checkedSub(a, b), b)).toBe(a);
          expect(saturatingSub(a, b)).toBe(a - b);
        } else {
          let kind: string | undefined;
          try {
            checkedSub(a, b);
          } catch (e) {
            kind = (e as ArithmeticError).kind;
          }
          expect(kind).toBe('Underflow');
          expect(saturatingSub(a, b)).toBe(0n);
        }
      }),
    );
  });
});

describe('isqrt properties', () => {
  it('isqrt(n)² ≤ n < (isqrt(n) + 1)² for n up to 2^256', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 256n }), (n) => {
        const r = isqrt(n);
        expect(r * r <= n).toBe(true);
        expect((r + 1n) * (r + 1n) > n).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('is exact on perfect squares and their neighbours', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 128n }), (r) => {
        expect(isqrt(r * r)).toBe(r);
        expect(isqrt(r * r - 1n)).toBe(r - 1n);
        expect(isqrt(r * r + 2n * r)).toBe(r); // (r+1)² − 1
      }),
    );
  });
});

describe('FixedU128 properties', () => {
  // Values up to about 2^64 as fixed point (inner up to 2^64·1e18 < 2^128), non-zero divisors.
  const fixedArb = fc.bigInt({ min: 0n, max: (1n << 64n) * E18 }).map((x) => x as FixedU128);
  const nonZeroFixed = fc.bigInt({ min: 1n, max: (1n << 64n) * E18 }).map((x) => x as FixedU128);

  it('mul bounds: down ≤ a·b ≤ up, within one unit of the last place', () => {
    fc.assert(
      fc.property(fixedArb, fixedArb, (a, b) => {
        const exactScaled = a * b; // = true product · 1e36
        let down: bigint, up: bigint;
        try {
          down = fixedU128.mul(a, b, 'down');
          up = fixedU128.mul(a, b, 'up');
        } catch (e) {
          // Only overflow is allowed, and only when the true product does not fit.
          expect((e as ArithmeticError).kind).toBe('Overflow');
          expect(exactScaled / E18 >= U128_MAX).toBe(true);
          return;
        }
        expect(down * E18 <= exactScaled && exactScaled <= up * E18).toBe(true);
        expect(up - down <= 1n).toBe(true);
      }),
    );
  });

  it('div then mul brackets the original: mul(div(a,b,down),b,down) ≤ a ≤ mul(div(a,b,up),b,up)', () => {
    fc.assert(
      fc.property(fixedArb, nonZeroFixed, (a, b) => {
        let qDown: FixedU128, qUp: FixedU128;
        try {
          qDown = fixedU128.div(a, b, 'down');
          qUp = fixedU128.div(a, b, 'up');
        } catch (e) {
          expect((e as ArithmeticError).kind).toBe('Overflow');
          return;
        }
        expect(fixedU128.mul(qDown, b, 'down') <= a).toBe(true);
        let back: bigint;
        try {
          back = fixedU128.mul(qUp, b, 'up');
        } catch (e) {
          expect((e as ArithmeticError).kind).toBe('Overflow');
          return;
        }
        expect(back >= a).toBe(true);
      }),
    );
  });

  it('mulInt lies within one of the exact product and fromInt/toIntFloor round-trip', () => {
    fc.assert(
      fc.property(fixedArb, fc.bigInt({ min: 0n, max: 1n << 64n }), (f, n) => {
        const down = fixedU128.mulInt(f, n, 'down');
        const up = fixedU128.mulInt(f, n, 'up');
        expect(down * E18 <= f * n && f * n <= up * E18).toBe(true);
        expect(up - down <= 1n).toBe(true);
        expect(fixedU128.toIntFloor(fixedU128.fromInt(n))).toBe(n);
        expect(fixedU128.toIntFloor(f) <= fixedU128.toIntCeil(f)).toBe(true);
      }),
    );
  });

  it('decimal text round-trips', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: U128_MAX }), (inner) => {
        const f = fixedU128.fromInner(inner);
        expect(fixedU128.fromDecimalString(fixedU128.toDecimalString(f))).toBe(f);
      }),
    );
  });
});

describe('per-thing properties', () => {
  const perbillArb = fc.bigInt({ min: 0n, max: 1_000_000_000n }).map((x) => perbill.fromParts(x));

  it('Perbill mul is monotone in the proportion and in x, and never exceeds x', () => {
    fc.assert(
      fc.property(perbillArb, perbillArb, u128, u128, (p, q, x, y) => {
        const [lo, hi] = p <= q ? [p, q] : [q, p];
        const [xs, xl] = x <= y ? [x, y] : [y, x];
        for (const r of ['down', 'up', 'nearest'] as const) {
          expect(perbill.mul(lo, x, r) <= perbill.mul(hi, x, r)).toBe(true);
          expect(perbill.mul(p, xs, r) <= perbill.mul(p, xl, r)).toBe(true);
          expect(perbill.mul(p, x, r) <= x).toBe(true);
        }
      }),
    );
  });

  it('mul by p plus mul by its complement covers x within rounding', () => {
    fc.assert(
      fc.property(perbillArb, u128, (p: Perbill, x) => {
        const c = perbill.complement(p);
        const down = perbill.mul(p, x, 'down') + perbill.mul(c, x, 'down');
        const up = perbill.mul(p, x, 'up') + perbill.mul(c, x, 'up');
        expect(down <= x && x <= up).toBe(true);
        expect(x - down <= 1n && up - x <= 1n).toBe(true);
      }),
    );
  });

  it('fromRational always lies in [0, ONE] and brackets n/d', () => {
    fc.assert(
      fc.property(u128, positiveU128, (n, d) => {
        const down = permill.fromRational(n, d, 'down');
        const up = permill.fromRational(n, d, 'up');
        expect(permill.isValid(down) && permill.isValid(up)).toBe(true);
        if (n < d) {
          expect(down * d <= n * permill.ACCURACY && n * permill.ACCURACY <= up * d).toBe(true);
        } else {
          expect(down).toBe(permill.ONE);
        }
      }),
    );
  });
});
