import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArithmeticError } from '../../../src/primitives/arith.js';
import {
  DEFAULT_MIN_FEEDERS,
  DEFAULT_PRICE_LIFETIME_MS,
  isFresh,
  isWithinBounds,
  medianPrice,
  PRICE_ONE,
  udstToXfg,
  xfgToUdst,
  type FedValue,
  type TokenDecimals,
} from '../../../src/pallets/oracle/math.js';

const DEV: TokenDecimals = { xfg: 12, udst: 6 };
const NOW = 10_000_000n;
const LIFE = DEFAULT_PRICE_LIFETIME_MS; // 600_000
const fresh = (...prices: bigint[]): FedValue[] => prices.map((price) => ({ price, at: NOW }));

describe('isFresh', () => {
  it.each([
    ['age 0', NOW, true],
    ['age exactly the lifetime', NOW - LIFE, true],
    ['one ms older than the lifetime', NOW - LIFE - 1n, false],
    ['stamped after now (no age)', NOW + 5n, true],
  ])('%s', (_name, at, expected) => {
    expect(isFresh(at, NOW, LIFE)).toBe(expected);
  });
});

describe('medianPrice', () => {
  it.each<[string, FedValue[], number, bigint | undefined]>([
    ['no values', [], 2, undefined],
    ['one fresh value, two required', fresh(5n), 2, undefined],
    ['one fresh value, one required', fresh(5n), 1, 5n],
    ['nothing fresh and no minimum', [{ price: 5n, at: 0n }], 0, undefined],
    ['three values, odd count: the middle', fresh(3n, 1n, 2n), 2, 2n],
    ['four values, even count: the lower middle', fresh(4n, 1n, 3n, 2n), 2, 2n],
    ['two values: the lower one', fresh(9n, 7n), 2, 7n],
    ['duplicates', fresh(2n, 2n, 1n, 2n), 2, 2n],
    [
      'a stale value is left out (and then too few remain)',
      [
        { price: 100n, at: NOW - LIFE - 1n },
        { price: 1n, at: NOW },
      ],
      2,
      undefined,
    ],
    [
      'a value exactly lifetime old counts',
      [
        { price: 100n, at: NOW - LIFE },
        { price: 1n, at: NOW },
      ],
      2,
      1n,
    ],
    [
      'stale values do not shift the median',
      [
        { price: 1n, at: 0n },
        { price: 1n, at: 0n },
        { price: 50n, at: NOW },
        { price: 60n, at: NOW },
        { price: 70n, at: NOW },
      ],
      2,
      60n,
    ],
    ['a high outlier leaves two agreeing feeders', fresh(100n, 10n ** 30n, 100n), 2, 100n],
    ['a low outlier leaves two agreeing feeders', fresh(100n, 1n, 100n), 2, 100n],
  ])('%s', (_name, values, minFeeders, expected) => {
    expect(medianPrice(values, NOW, LIFE, minFeeders)).toBe(expected);
  });

  it('defaults: 10 min lifetime, 2 feeders', () => {
    expect(DEFAULT_PRICE_LIFETIME_MS).toBe(600_000n);
    expect(DEFAULT_MIN_FEEDERS).toBe(2);
  });

  it('does not reorder the caller’s array', () => {
    const values = fresh(3n, 1n, 2n);
    medianPrice(values, NOW, LIFE, 1);
    expect(values.map((v) => v.price)).toEqual([3n, 1n, 2n]);
  });

  it('rejects a negative or fractional minimum', () => {
    expect(() => medianPrice([], NOW, LIFE, -1)).toThrow(RangeError);
    expect(() => medianPrice([], NOW, LIFE, 1.5)).toThrow(RangeError);
  });

  it('is a fed value with at least half the values on each side (lower middle)', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 1n, max: 10n ** 24n }), { minLength: 1, maxLength: 40 }), (prices) => {
        const m = medianPrice(fresh(...prices), NOW, LIFE, 1)!;
        expect(prices).toContain(m);
        const n = prices.length;
        const atMost = prices.filter((p) => p <= m).length;
        const atLeast = prices.filter((p) => p >= m).length;
        expect(atMost).toBeGreaterThanOrEqual(Math.ceil(n / 2));
        expect(atLeast).toBeGreaterThanOrEqual(Math.floor(n / 2) + 1);
      }),
    );
  });

  it('one feeder cannot move the price when the others agree (three or more fresh values)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 24n }),
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.integer({ min: 2, max: 20 }),
        (honest, outlier, honestCount) => {
          const values = [...fresh(...Array<bigint>(honestCount).fill(honest)), { price: outlier, at: NOW }];
          expect(medianPrice(values, NOW, LIFE, 2)).toBe(honest);
        },
      ),
    );
  });

  it('one feeder moves a median of many feeders at most to a neighbouring honest value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 6n }), { minLength: 2, maxLength: 30 }),
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        (honest, outlier) => {
          const sorted = [...honest].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          const m = medianPrice([...fresh(...honest), { price: outlier, at: NOW }], NOW, LIFE, 1)!;
          expect(m >= sorted[0] && m <= sorted[sorted.length - 1]).toBe(true);
        },
      ),
    );
  });
});

describe('isWithinBounds', () => {
  it.each([
    [99n, false],
    [100n, true],
    [150n, true],
    [200n, true],
    [201n, false],
  ])('price %s within [100, 200]: %s', (price, expected) => {
    expect(isWithinBounds(price, 100n, 200n)).toBe(expected);
  });
});

describe('xfgToUdst / udstToXfg (XFG 12 decimals, UDST 6)', () => {
  const p = (s: string): bigint => {
    const [i, f = ''] = s.split('.');
    return BigInt(i) * PRICE_ONE + BigInt(f.padEnd(18, '0'));
  };

  it.each<[string, bigint, bigint, bigint, bigint]>([
    // name, xfg base units, price, down, up
    ['1 XFG at 2.5', 10n ** 12n, p('2.5'), 2_500_000n, 2_500_000n],
    ['1 XFG at 1', 10n ** 12n, PRICE_ONE, 1_000_000n, 1_000_000n],
    ['1 base unit at 1 (a millionth of a UDST base unit)', 1n, PRICE_ONE, 0n, 1n],
    ['3 XFG at 0.333…', 3n * 10n ** 12n, 333_333_333_333_333_333n, 999_999n, 1_000_000n],
    ['0 XFG', 0n, PRICE_ONE, 0n, 0n],
    ['1 XFG at price 0', 10n ** 12n, 0n, 0n, 0n],
  ])('%s', (_name, xfg, price, down, up) => {
    expect(xfgToUdst(xfg, price, DEV, 'down')).toBe(down);
    expect(xfgToUdst(xfg, price, DEV, 'up')).toBe(up);
  });

  it.each<[string, bigint, bigint, bigint, bigint]>([
    // name, udst base units, price, down, up
    ['2.5 UDST at 2.5', 2_500_000n, p('2.5'), 10n ** 12n, 10n ** 12n],
    ['1 UDST base unit at 3', 1n, p('3'), 333_333n, 333_334n],
  ])('%s', (_name, udst, price, down, up) => {
    expect(udstToXfg(udst, price, DEV, 'down')).toBe(down);
    expect(udstToXfg(udst, price, DEV, 'up')).toBe(up);
  });

  it('equal decimals: whole token to whole token', () => {
    expect(xfgToUdst(10n ** 18n, 2n * PRICE_ONE, { xfg: 18, udst: 18 }, 'down')).toBe(2n * 10n ** 18n);
    expect(xfgToUdst(7n, 2n * PRICE_ONE, { xfg: 0, udst: 0 }, 'down')).toBe(14n);
  });

  it('a zero price cannot be inverted', () => {
    expect(() => udstToXfg(1n, 0n, DEV, 'down')).toThrow(ArithmeticError);
  });

  it('rejects decimals outside 0..=30 and negative amounts', () => {
    expect(() => xfgToUdst(1n, PRICE_ONE, { xfg: 31, udst: 6 }, 'down')).toThrow(RangeError);
    expect(() => xfgToUdst(1n, PRICE_ONE, { xfg: 12, udst: -1 }, 'down')).toThrow(RangeError);
    expect(() => xfgToUdst(1n, PRICE_ONE, { xfg: 1.5, udst: 6 }, 'down')).toThrow(RangeError);
    expect(() => xfgToUdst(-1n, PRICE_ONE, DEV, 'down')).toThrow(RangeError);
  });

  it('down ≤ exact ≤ up, at most one apart; round trips never create value', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 24n }),
        fc.integer({ min: 0, max: 18 }),
        fc.integer({ min: 0, max: 18 }),
        (xfg, price, dx, du) => {
          const d = { xfg: dx, udst: du };
          const down = xfgToUdst(xfg, price, d, 'down');
          const up = xfgToUdst(xfg, price, d, 'up');
          const num = xfg * price * 10n ** BigInt(du);
          const den = PRICE_ONE * 10n ** BigInt(dx);
          expect(down * den <= num && num <= up * den).toBe(true);
          expect(up - down === 0n || up - down === 1n).toBe(true);
          // XFG → UDST (down) → XFG (down) never returns more XFG than went in.
          expect(udstToXfg(down, price, d, 'down') <= xfg).toBe(true);
        },
      ),
    );
  });
});
