import { describe, expect, it } from 'vitest';
import {
  ArithmeticError,
  checkedAdd,
  checkedMul,
  checkedMulDiv,
  checkedSub,
  divRound,
  fixedU128,
  isqrt,
  maxBig,
  minBig,
  mulDiv,
  percent,
  perbill,
  permill,
  saturatingAdd,
  saturatingMul,
  saturatingSub,
  U128_MAX,
  U32_MAX,
  U64_MAX,
  type ArithmeticErrorKind,
  type FixedU128,
  type Rounding,
} from '../../../src/primitives/arith.js';

/** Runs `f` and returns the kind of the ArithmeticError it throws (fails the test when it throws anything else). */
function kindOf(f: () => unknown): ArithmeticErrorKind {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ArithmeticError);
    return (e as ArithmeticError).kind;
  }
  throw new Error('expected an ArithmeticError, nothing was thrown');
}

const E18 = 10n ** 18n;
const fx = (s: string): FixedU128 => fixedU128.fromDecimalString(s);

describe('constants', () => {
  it('are the unsigned maxima', () => {
    expect(U32_MAX).toBe(4_294_967_295n);
    expect(U64_MAX).toBe(18_446_744_073_709_551_615n);
    expect(U128_MAX).toBe(340_282_366_920_938_463_463_374_607_431_768_211_455n);
  });
});

describe('divRound / mulDiv', () => {
  // [a, b, down, up, nearest]
  const table: Array<[bigint, bigint, bigint, bigint, bigint]> = [
    [0n, 1n, 0n, 0n, 0n],
    [0n, 7n, 0n, 0n, 0n],
    [6n, 3n, 2n, 2n, 2n], // exact: no rounding in any mode
    [7n, 3n, 2n, 3n, 2n], // 2.33
    [8n, 3n, 2n, 3n, 3n], // 2.67
    [5n, 2n, 2n, 3n, 3n], // exact half goes up
    [3n, 2n, 1n, 2n, 2n],
    [1n, 2n, 0n, 1n, 1n],
    [1n, 3n, 0n, 1n, 0n],
    [U128_MAX, 1n, U128_MAX, U128_MAX, U128_MAX],
    [U128_MAX, U128_MAX, 1n, 1n, 1n],
    [U128_MAX - 1n, U128_MAX, 0n, 1n, 1n],
    [U128_MAX, 2n, U128_MAX >> 1n, (U128_MAX >> 1n) + 1n, (U128_MAX >> 1n) + 1n],
  ];
  it.each(table)('divRound(%s, %s) = down %s, up %s, nearest %s', (a, b, down, up, nearest) => {
    expect(divRound(a, b, 'down')).toBe(down);
    expect(divRound(a, b, 'up')).toBe(up);
    expect(divRound(a, b, 'nearest')).toBe(nearest);
  });

  it('mulDiv does not lose the intermediate product beyond u128', () => {
    // U128_MAX · U128_MAX / U128_MAX is exactly U128_MAX although the product needs 256 bits.
    expect(mulDiv(U128_MAX, U128_MAX, U128_MAX, 'down')).toBe(U128_MAX);
    expect(mulDiv(U128_MAX, 3n, 4n, 'down')).toBe((U128_MAX * 3n) / 4n);
    expect(mulDiv(U128_MAX, 3n, 4n, 'up')).toBe((U128_MAX * 3n) / 4n + 1n);
    expect(mulDiv(10n, 10n, 3n, 'nearest')).toBe(33n);
    expect(mulDiv(10n, 15n, 100n, 'nearest')).toBe(2n); // 1.5 → 2
    expect(mulDiv(10n, 14n, 100n, 'nearest')).toBe(1n); // 1.4 → 1
  });

  it('throws DivisionByZero on a zero divisor, whatever the rounding', () => {
    for (const r of ['down', 'up', 'nearest'] as Rounding[]) {
      expect(kindOf(() => divRound(1n, 0n, r))).toBe('DivisionByZero');
      expect(kindOf(() => mulDiv(0n, 0n, 0n, r))).toBe('DivisionByZero');
    }
  });

  it('rejects negative arguments with a RangeError', () => {
    expect(() => mulDiv(-1n, 1n, 1n, 'down')).toThrow(RangeError);
    expect(() => mulDiv(1n, -1n, 1n, 'down')).toThrow(RangeError);
    expect(() => mulDiv(1n, 1n, -1n, 'down')).toThrow(RangeError);
    expect(() => divRound(-5n, 2n, 'up')).toThrow(RangeError);
  });

  it('checkedMulDiv reports Overflow beyond the given width', () => {
    expect(checkedMulDiv(U64_MAX, 2n, 2n, 'down', U64_MAX)).toBe(U64_MAX);
    expect(kindOf(() => checkedMulDiv(U64_MAX, 3n, 2n, 'down', U64_MAX))).toBe('Overflow');
    expect(kindOf(() => checkedMulDiv(U128_MAX, 2n, 1n, 'down'))).toBe('Overflow');
  });
});

describe('checked and saturating operations', () => {
  it('checkedAdd at the boundary of each width', () => {
    expect(checkedAdd(U32_MAX - 1n, 1n, U32_MAX)).toBe(U32_MAX);
    expect(kindOf(() => checkedAdd(U32_MAX, 1n, U32_MAX))).toBe('Overflow');
    expect(checkedAdd(U64_MAX, 0n, U64_MAX)).toBe(U64_MAX);
    expect(kindOf(() => checkedAdd(U64_MAX, 1n, U64_MAX))).toBe('Overflow');
    expect(checkedAdd(U128_MAX - 5n, 5n)).toBe(U128_MAX);
    expect(kindOf(() => checkedAdd(U128_MAX, 1n))).toBe('Overflow'); // default width is u128
    expect(checkedAdd(0n, 0n)).toBe(0n);
  });

  it('checkedSub reports Underflow below zero only', () => {
    expect(checkedSub(5n, 5n)).toBe(0n);
    expect(checkedSub(U128_MAX, 1n)).toBe(U128_MAX - 1n);
    expect(kindOf(() => checkedSub(0n, 1n))).toBe('Underflow');
    expect(kindOf(() => checkedSub(4n, 5n))).toBe('Underflow');
  });

  it('checkedMul at the boundary', () => {
    expect(checkedMul(1n << 64n, (1n << 64n) - 1n)).toBe((1n << 128n) - (1n << 64n));
    expect(kindOf(() => checkedMul(1n << 64n, 1n << 64n))).toBe('Overflow');
    expect(checkedMul(0n, U128_MAX)).toBe(0n);
    expect(kindOf(() => checkedMul(1n << 16n, 1n << 16n, U32_MAX))).toBe('Overflow');
  });

  it('saturating variants stop at the bounds', () => {
    expect(saturatingAdd(U32_MAX, 10n, U32_MAX)).toBe(U32_MAX);
    expect(saturatingAdd(1n, 2n)).toBe(3n);
    expect(saturatingAdd(U128_MAX, U128_MAX)).toBe(U128_MAX);
    expect(saturatingSub(3n, 5n)).toBe(0n);
    expect(saturatingSub(5n, 3n)).toBe(2n);
    expect(saturatingMul(U64_MAX, U64_MAX, U64_MAX)).toBe(U64_MAX);
    expect(saturatingMul(3n, 4n)).toBe(12n);
  });

  it('rejects negative operands', () => {
    expect(() => checkedAdd(-1n, 1n)).toThrow(RangeError);
    expect(() => checkedSub(1n, -1n)).toThrow(RangeError);
    expect(() => saturatingSub(-1n, 0n)).toThrow(RangeError);
  });

  it('minBig / maxBig', () => {
    expect(minBig(2n, 3n)).toBe(2n);
    expect(maxBig(2n, 3n)).toBe(3n);
    expect(minBig(U128_MAX, 0n)).toBe(0n);
  });

  it('ArithmeticError carries the kind and a readable message', () => {
    const e = new ArithmeticError('Overflow', 'x');
    expect(e.kind).toBe('Overflow');
    expect(e.name).toBe('ArithmeticError');
    expect(e.message).toBe('Overflow: x');
    expect(e).toBeInstanceOf(Error);
  });
});

describe('isqrt', () => {
  const table: Array<[bigint, bigint]> = [
    [0n, 0n],
    [1n, 1n],
    [2n, 1n],
    [3n, 1n],
    [4n, 2n],
    [8n, 2n],
    [9n, 3n],
    [15n, 3n],
    [16n, 4n],
    [99n, 9n],
    [100n, 10n],
    [U64_MAX, U32_MAX], // (2^32 − 1)² = 2^64 − 2^33 + 1 ≤ 2^64 − 1 < 2^64
    [1n << 128n, 1n << 64n],
    [(1n << 128n) - 1n, (1n << 64n) - 1n],
    [(10n ** 40n) ** 2n, 10n ** 40n],
    [(10n ** 40n) ** 2n - 1n, 10n ** 40n - 1n],
    [(1n << 256n) - 1n, (1n << 128n) - 1n],
  ];
  it.each(table)('isqrt(%s) = %s', (n, r) => {
    expect(isqrt(n)).toBe(r);
  });

  it('rejects negatives', () => {
    expect(() => isqrt(-1n)).toThrow(RangeError);
  });
});

describe('per-things', () => {
  it('have their accuracies', () => {
    expect(perbill.ACCURACY).toBe(1_000_000_000n);
    expect(permill.ACCURACY).toBe(1_000_000n);
    expect(percent.ACCURACY).toBe(100n);
    expect(perbill.ONE).toBe(1_000_000_000n);
    expect(perbill.ZERO).toBe(0n);
  });

  it('fromParts saturates to ONE and rejects negatives', () => {
    expect(perbill.fromParts(500n)).toBe(500n);
    expect(perbill.fromParts(2_000_000_000n)).toBe(perbill.ONE);
    expect(() => perbill.fromParts(-1n)).toThrow(RangeError);
  });

  it('fromPercent', () => {
    expect(perbill.fromPercent(5n)).toBe(50_000_000n);
    expect(permill.fromPercent(100n)).toBe(permill.ONE);
    expect(percent.fromPercent(250n)).toBe(percent.ONE);
  });

  it('fromRational with each rounding, saturating above one', () => {
    expect(perbill.fromRational(1n, 3n, 'down')).toBe(333_333_333n);
    expect(perbill.fromRational(1n, 3n, 'up')).toBe(333_333_334n);
    expect(perbill.fromRational(2n, 3n, 'nearest')).toBe(666_666_667n);
    expect(perbill.fromRational(1n, 2n, 'down')).toBe(500_000_000n);
    expect(perbill.fromRational(0n, 5n, 'up')).toBe(0n);
    expect(perbill.fromRational(7n, 7n, 'down')).toBe(perbill.ONE);
    expect(perbill.fromRational(8n, 7n, 'down')).toBe(perbill.ONE);
    expect(percent.fromRational(1n, 200n, 'nearest')).toBe(1n); // 0.5% → 1%
    expect(percent.fromRational(1n, 201n, 'nearest')).toBe(0n);
    expect(kindOf(() => perbill.fromRational(1n, 0n, 'down'))).toBe('DivisionByZero');
  });

  it('mul rounds as named and never exceeds x', () => {
    const third = perbill.fromRational(1n, 3n, 'down'); // 333_333_333
    expect(perbill.mul(third, 3n, 'down')).toBe(0n);
    expect(perbill.mul(third, 3n, 'up')).toBe(1n);
    expect(perbill.mul(third, 3n, 'nearest')).toBe(1n);
    expect(perbill.mul(perbill.ONE, U128_MAX, 'up')).toBe(U128_MAX);
    expect(perbill.mul(perbill.ZERO, U128_MAX, 'up')).toBe(0n);
    expect(perbill.mul(perbill.fromPercent(50n), 3n, 'nearest')).toBe(2n); // 1.5 → 2
    expect(permill.mul(permill.fromParts(1n), 999_999n, 'down')).toBe(0n);
    expect(permill.mul(permill.fromParts(1n), 999_999n, 'up')).toBe(1n);
  });

  it('complement, saturating add/sub, mulPer, isValid', () => {
    const p = perbill.fromPercent(30n);
    expect(perbill.complement(p)).toBe(700_000_000n);
    expect(perbill.saturatingAdd(p, perbill.fromPercent(80n))).toBe(perbill.ONE);
    expect(perbill.saturatingSub(p, perbill.fromPercent(80n))).toBe(0n);
    expect(perbill.saturatingSub(perbill.fromPercent(80n), p)).toBe(500_000_000n);
    expect(perbill.mulPer(p, p, 'down')).toBe(90_000_000n);
    expect(perbill.isValid(0n)).toBe(true);
    expect(perbill.isValid(1_000_000_000n)).toBe(true);
    expect(perbill.isValid(1_000_000_001n)).toBe(false);
    expect(perbill.isValid(-1n)).toBe(false);
  });
});

describe('FixedU128', () => {
  it('fromInt / toInt / decimal text', () => {
    expect(fixedU128.fromInt(3n)).toBe(3n * E18);
    expect(fixedU128.toIntFloor(fx('2.999999999999999999'))).toBe(2n);
    expect(fixedU128.toIntCeil(fx('2.000000000000000001'))).toBe(3n);
    expect(fixedU128.toIntCeil(fx('2'))).toBe(2n);
    expect(fixedU128.toIntRound(fx('2.5'))).toBe(3n);
    expect(fixedU128.toIntRound(fx('2.499999999999999999'))).toBe(2n);
    expect(fixedU128.toDecimalString(fx('1.5'))).toBe('1.5');
    expect(fixedU128.toDecimalString(fixedU128.fromInner(1n))).toBe('0.000000000000000001');
    expect(fixedU128.toDecimalString(fixedU128.fromInt(42n))).toBe('42');
    expect(() => fixedU128.fromDecimalString('1.0000000000000000001')).toThrow(RangeError);
    expect(() => fixedU128.fromDecimalString('-1')).toThrow(RangeError);
    expect(() => fixedU128.fromDecimalString('1e3')).toThrow(RangeError);
  });

  it('fromInt overflows beyond u128 / 1e18', () => {
    const maxInt = U128_MAX / E18;
    expect(fixedU128.fromInt(maxInt)).toBe(maxInt * E18);
    expect(kindOf(() => fixedU128.fromInt(maxInt + 1n))).toBe('Overflow');
    expect(kindOf(() => fixedU128.fromInner(U128_MAX + 1n))).toBe('Overflow');
  });

  it('fromRational rounds at the 18th decimal', () => {
    expect(fixedU128.fromRational(1n, 3n, 'down')).toBe(333_333_333_333_333_333n);
    expect(fixedU128.fromRational(1n, 3n, 'up')).toBe(333_333_333_333_333_334n);
    expect(fixedU128.fromRational(2n, 3n, 'nearest')).toBe(666_666_666_666_666_667n);
    expect(fixedU128.fromRational(3n, 2n, 'down')).toBe(fx('1.5'));
    expect(kindOf(() => fixedU128.fromRational(1n, 0n, 'down'))).toBe('DivisionByZero');
    expect(kindOf(() => fixedU128.fromRational(U128_MAX, 1n, 'down'))).toBe('Overflow');
  });

  it('mul / div with rounding and overflow', () => {
    expect(fixedU128.mul(fx('1.5'), fx('2'), 'down')).toBe(fx('3'));
    expect(fixedU128.mul(fx('0.000000000000000001'), fx('0.5'), 'down')).toBe(0n);
    expect(fixedU128.mul(fx('0.000000000000000001'), fx('0.5'), 'up')).toBe(1n);
    expect(fixedU128.mul(fx('0.000000000000000001'), fx('0.5'), 'nearest')).toBe(1n);
    expect(fixedU128.div(fx('1'), fx('3'), 'down')).toBe(333_333_333_333_333_333n);
    expect(fixedU128.div(fx('1'), fx('3'), 'up')).toBe(333_333_333_333_333_334n);
    expect(fixedU128.div(fx('3'), fx('1.5'), 'down')).toBe(fx('2'));
    expect(kindOf(() => fixedU128.div(fx('1'), fixedU128.ZERO, 'down'))).toBe('DivisionByZero');
    expect(kindOf(() => fixedU128.mul(fixedU128.MAX, fx('2'), 'down'))).toBe('Overflow');
    expect(kindOf(() => fixedU128.div(fixedU128.MAX, fx('0.5'), 'down'))).toBe('Overflow');
    expect(fixedU128.mul(fixedU128.MAX, fixedU128.ONE, 'down')).toBe(fixedU128.MAX);
  });

  it('mulInt / divInt are checked against u128', () => {
    expect(fixedU128.mulInt(fx('1.5'), 3n, 'down')).toBe(4n);
    expect(fixedU128.mulInt(fx('1.5'), 3n, 'up')).toBe(5n);
    expect(fixedU128.mulInt(fx('1.5'), 3n, 'nearest')).toBe(5n);
    expect(fixedU128.mulInt(fixedU128.ONE, U128_MAX, 'down')).toBe(U128_MAX);
    expect(kindOf(() => fixedU128.mulInt(fx('1.000000000000000001'), U128_MAX, 'down'))).toBe('Overflow');
    expect(fixedU128.divInt(10n, fx('4'), 'down')).toBe(2n);
    expect(fixedU128.divInt(10n, fx('4'), 'up')).toBe(3n);
    expect(kindOf(() => fixedU128.divInt(10n, fixedU128.ZERO, 'down'))).toBe('DivisionByZero');
    expect(kindOf(() => fixedU128.divInt(U128_MAX, fx('0.5'), 'down'))).toBe('Overflow');
  });

  it('add / sub are checked', () => {
    expect(fixedU128.add(fx('1.25'), fx('0.75'))).toBe(fx('2'));
    expect(fixedU128.sub(fx('1.25'), fx('0.25'))).toBe(fx('1'));
    expect(kindOf(() => fixedU128.sub(fx('1'), fx('1.000000000000000001')))).toBe('Underflow');
    expect(kindOf(() => fixedU128.add(fixedU128.MAX, fixedU128.fromInner(1n)))).toBe('Overflow');
  });

  it('pow compounds with a named rounding', () => {
    expect(fixedU128.pow(fx('2'), 10n, 'down')).toBe(fx('1024'));
    expect(fixedU128.pow(fx('1.1'), 0n, 'down')).toBe(fixedU128.ONE);
    expect(fixedU128.pow(fx('1.1'), 2n, 'down')).toBe(fx('1.21'));
    // 1.000000000000000001^2 = 1.000000000000000002000…01: down drops the tail, up keeps one unit.
    expect(fixedU128.pow(fx('1.000000000000000001'), 2n, 'down')).toBe(fx('1.000000000000000002'));
    expect(fixedU128.pow(fx('1.000000000000000001'), 2n, 'up')).toBe(fx('1.000000000000000003'));
    expect(fixedU128.pow(fixedU128.MAX, 1n, 'down')).toBe(fixedU128.MAX);
    expect(kindOf(() => fixedU128.pow(fixedU128.MAX, 2n, 'down'))).toBe('Overflow');
    // 1.05^10 lies between its rounded-down and rounded-up values.
    const lo = fixedU128.pow(fx('1.05'), 10n, 'down');
    const hi = fixedU128.pow(fx('1.05'), 10n, 'up');
    const exact = 105n ** 10n * E18; // scaled by 100^10
    expect(lo * 100n ** 10n <= exact).toBe(true);
    expect(hi * 100n ** 10n >= exact).toBe(true);
  });

  it('fromPerbill is exact', () => {
    expect(fixedU128.fromPerbill(perbill.fromPercent(25n))).toBe(fx('0.25'));
    expect(fixedU128.fromPerbill(perbill.ONE)).toBe(fixedU128.ONE);
  });
});
