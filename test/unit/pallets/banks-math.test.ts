import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArithmeticError } from '../../../src/primitives/arith.js';
import {
  absorbLoss,
  amountForShares,
  availableCredit,
  creditCapacity,
  DEFAULT_LEVERAGE_CAP_BPS,
  DEFAULT_ORIGINATION_FEE_BPS,
  DEFAULT_PROTOCOL_FEE_SHARE_BPS,
  freeReserves,
  originationFee,
  protocolFee,
  requiredReserves,
  sharesForDeposit,
  splitInterest,
  withdrawable,
} from '../../../src/pallets/banks/math.js';

describe('sharesForDeposit', () => {
  it.each<[string, bigint, bigint, bigint, bigint]>([
    // name, amount, totalShares, reserves, shares
    ['first deposit, empty bank: 1:1', 1_000n, 0n, 0n, 1_000n],
    ['first deposit, reserves without holders: still 1:1', 1_000n, 0n, 500n, 1_000n],
    ['at par', 500n, 1_000n, 1_000n, 500n],
    ['after interest income: 100 · 1000 / 1100 = 90.9 → 90', 100n, 1_000n, 1_100n, 90n],
    ['worth less than one share: 0 (the pallet refuses it)', 1n, 1_000n, 1_100n, 0n],
    ['after a loss: 100 · 1000 / 800 = 125', 100n, 1_000n, 800n, 125n],
  ])('%s', (_name, amount, totalShares, reserves, shares) => {
    expect(sharesForDeposit(amount, totalShares, reserves)).toBe(shares);
  });

  it('shares with no reserves behind them have no price', () => {
    expect(() => sharesForDeposit(100n, 1_000n, 0n)).toThrow(ArithmeticError);
  });
});

describe('amountForShares', () => {
  it.each<[string, bigint, bigint, bigint, bigint]>([
    // name, shares, totalShares, reserves, amount
    ['all shares take all reserves', 1_000n, 1_000n, 1_100n, 1_100n],
    ['90 of 1090 shares over 1200: 99.08 → 99', 90n, 1_090n, 1_200n, 99n],
    ['no shares, nothing', 0n, 0n, 0n, 0n],
    ['no shares of a funded bank, nothing', 0n, 1_000n, 5_000n, 0n],
    ['shares of a wiped-out bank are worth 0', 10n, 1_000n, 0n, 0n],
  ])('%s', (_name, shares, totalShares, reserves, amount) => {
    expect(amountForShares(shares, totalShares, reserves)).toBe(amount);
  });

  it('cannot redeem more shares than exist', () => {
    expect(() => amountForShares(1_001n, 1_000n, 5_000n)).toThrow(RangeError);
    expect(() => amountForShares(1n, 0n, 0n)).toThrow(RangeError);
  });
});

describe('credit capacity and free reserves', () => {
  it('default leverage cap is 10× reserves', () => {
    expect(DEFAULT_LEVERAGE_CAP_BPS).toBe(100_000n);
  });

  it.each<[string, bigint, bigint, bigint, bigint]>([
    // name, ceiling, reserves, cap bps, capacity
    ['leverage binds: 50k · 10 = 500k', 1_000_000n, 50_000n, 100_000n, 500_000n],
    ['ceiling binds', 300_000n, 50_000n, 100_000n, 300_000n],
    ['rounds down: 333 · 1.5 = 499.5 → 499', 1_000_000n, 333n, 15_000n, 499n],
    ['no reserves, no capacity', 1_000_000n, 0n, 100_000n, 0n],
  ])('creditCapacity: %s', (_name, ceiling, reserves, cap, expected) => {
    expect(creditCapacity(ceiling, reserves, cap)).toBe(expected);
  });

  it('availableCredit is capacity − outstanding, never negative', () => {
    expect(availableCredit(1_000_000n, 50_000n, 100_000n, 480_000n)).toBe(20_000n);
    expect(availableCredit(1_000_000n, 50_000n, 100_000n, 500_000n)).toBe(0n);
    expect(availableCredit(300_000n, 50_000n, 100_000n, 400_000n)).toBe(0n);
  });

  it.each<[string, bigint, bigint, bigint | undefined]>([
    ['500k at 10×: 50k', 500_000n, 100_000n, 50_000n],
    ['499 at 1.5×: 332.67 → 333', 499n, 15_000n, 333n],
    ['nothing outstanding needs nothing', 0n, 100_000n, 0n],
    ['nothing outstanding, zero cap', 0n, 0n, 0n],
    ['credit with a zero cap cannot be backed', 1n, 0n, undefined],
  ])('requiredReserves: %s', (_name, outstanding, cap, expected) => {
    expect(requiredReserves(outstanding, cap)).toBe(expected);
  });

  it('requiredReserves is the least reserve that keeps the credit within capacity', () => {
    // 333 reserves at 1.5× back 499; 332 back only 498.
    expect(creditCapacity(10n ** 9n, 333n, 15_000n)).toBe(499n);
    expect(creditCapacity(10n ** 9n, 332n, 15_000n)).toBe(498n);
  });

  it('freeReserves: reserves above what the credit needs', () => {
    expect(freeReserves(60_000n, 500_000n, 100_000n)).toBe(10_000n);
    expect(freeReserves(40_000n, 500_000n, 100_000n)).toBe(0n);
    expect(freeReserves(60_000n, 0n, 100_000n)).toBe(60_000n);
    expect(freeReserves(60_000n, 1n, 0n)).toBe(0n);
  });

  it('withdrawable: the shares’ value, limited to free reserves', () => {
    const bank = { totalShares: 1_000n, reserves: 60_000n, outstanding: 500_000n, leverageCapBps: 100_000n };
    expect(withdrawable({ ...bank, shares: 100n })).toBe(6_000n); // worth 6,000, 10,000 free
    expect(withdrawable({ ...bank, shares: 500n })).toBe(10_000n); // worth 30,000, 10,000 free
    expect(withdrawable({ ...bank, shares: 500n, outstanding: 0n })).toBe(30_000n);
    expect(withdrawable({ ...bank, shares: 500n, outstanding: 600_000n })).toBe(0n);
  });
});

describe('fees', () => {
  it('defaults: 1,000 bps of interest to the treasury, 50 bps origination', () => {
    expect(DEFAULT_PROTOCOL_FEE_SHARE_BPS).toBe(1_000n);
    expect(DEFAULT_ORIGINATION_FEE_BPS).toBe(50n);
  });

  it.each<[bigint, bigint, bigint]>([
    [12_345n, 1_000n, 1_234n], // 1,234.5 → 1,234 (the treasury is paid: down)
    [10_000n, 1_000n, 1_000n],
    [9n, 1_000n, 0n],
    [12_345n, 0n, 0n],
    [12_345n, 10_000n, 12_345n],
  ])('protocolFee(%s, %s) = %s', (interest, share, fee) => {
    expect(protocolFee(interest, share)).toBe(fee);
    const split = splitInterest(interest, share);
    expect(split).toEqual({ treasury: fee, reserves: interest - fee });
  });

  it.each<[bigint, bigint, bigint]>([
    [1_000_000n, 50n, 5_000n],
    [1_000_001n, 50n, 5_001n], // 5,000.005 → 5,001 (the borrower owes: up)
    [1n, 50n, 1n],
    [0n, 50n, 0n],
  ])('originationFee(%s, %s) = %s', (principal, bps, fee) => {
    expect(originationFee(principal, bps)).toBe(fee);
  });

  it('rejects shares above 100 %', () => {
    expect(() => protocolFee(1n, 10_001n)).toThrow(RangeError);
    expect(() => originationFee(1n, 10_001n)).toThrow(RangeError);
  });

  it('absorbLoss: reserves first, the rest uncovered', () => {
    expect(absorbLoss(100n, 30n)).toEqual({ reserves: 70n, uncovered: 0n });
    expect(absorbLoss(100n, 100n)).toEqual({ reserves: 0n, uncovered: 0n });
    expect(absorbLoss(100n, 130n)).toEqual({ reserves: 0n, uncovered: 30n });
  });
});

describe('bank properties', () => {
  type Op =
    | { kind: 'deposit'; who: number; amount: bigint }
    | { kind: 'withdraw'; who: number; fraction: number }
    | { kind: 'income'; amount: bigint }
    | { kind: 'loss'; amount: bigint }
    | { kind: 'draw'; amount: bigint }
    | { kind: 'repay'; amount: bigint };
  const who = fc.integer({ min: 0, max: 4 });
  const amount = fc.bigInt({ min: 0n, max: 10n ** 15n });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('deposit' as const), who, amount }),
    fc.record({ kind: fc.constant('withdraw' as const), who, fraction: fc.integer({ min: 0, max: 100 }) }),
    fc.record({ kind: fc.constant('income' as const), amount }),
    fc.record({ kind: fc.constant('loss' as const), amount: fc.bigInt({ min: 0n, max: 10n ** 13n }) }),
    fc.record({ kind: fc.constant('draw' as const), amount }),
    fc.record({ kind: fc.constant('repay' as const), amount }),
  );

  it('sum of holders’ shares = totalShares; redemptions never exceed reserves; credit stays within capacity', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.bigInt({ min: 10_000n, max: 200_000n }), (ops, cap) => {
        const holders = new Map<number, bigint>();
        let totalShares = 0n;
        let reserves = 0n;
        let outstanding = 0n;
        const ceiling = 10n ** 18n;
        for (const o of ops) {
          const backedBefore = outstanding <= creditCapacity(ceiling, reserves, cap);
          switch (o.kind) {
            case 'deposit': {
              if (totalShares > 0n && reserves === 0n) break; // refused: wiped-out bank
              const shares = sharesForDeposit(o.amount, totalShares, reserves);
              if (shares === 0n) break; // refused: a gift
              // A deposit never buys shares worth more than it paid, except the documented first deposit into
              // reserves nobody holds shares of (genesis must assign shares for genesis reserves: README).
              if (totalShares > 0n || reserves === 0n) {
                expect(amountForShares(shares, totalShares + shares, reserves + o.amount) <= o.amount).toBe(true);
              }
              holders.set(o.who, (holders.get(o.who) ?? 0n) + shares);
              totalShares += shares;
              reserves += o.amount;
              break;
            }
            case 'withdraw': {
              const held = holders.get(o.who) ?? 0n;
              const shares = (held * BigInt(o.fraction)) / 100n;
              const value = amountForShares(shares, totalShares, reserves);
              const max = withdrawable({ shares, totalShares, reserves, outstanding, leverageCapBps: cap });
              if (value > max) break; // refused: reserves back credit
              holders.set(o.who, held - shares);
              totalShares -= shares;
              reserves -= value;
              break;
            }
            case 'income':
              reserves += o.amount;
              break;
            case 'loss':
              reserves = absorbLoss(reserves, o.amount).reserves;
              break;
            case 'draw':
              if (o.amount <= availableCredit(ceiling, reserves, cap, outstanding)) outstanding += o.amount;
              break;
            case 'repay':
              outstanding -= o.amount < outstanding ? o.amount : outstanding;
              break;
          }
          let sum = 0n;
          let redeemable = 0n;
          for (const s of holders.values()) {
            sum += s;
            redeemable += amountForShares(s, totalShares, reserves);
          }
          expect(sum).toBe(totalShares);
          expect(redeemable <= reserves).toBe(true);
          // Only losses (not withdrawals or draws) can push credit beyond capacity.
          if ((o.kind === 'withdraw' || o.kind === 'draw') && backedBefore) {
            expect(outstanding <= creditCapacity(ceiling, reserves, cap)).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('withdrawing freeReserves keeps credit backed, and one unit more would not', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.bigInt({ min: 0n, max: 10n ** 16n }),
        fc.bigInt({ min: 1n, max: 200_000n }),
        (reserves, outstanding, cap) => {
          const backed = (r: bigint): boolean => (r * cap) / 10_000n >= outstanding;
          const free = freeReserves(reserves, outstanding, cap);
          expect(free >= 0n && free <= reserves).toBe(true);
          if (backed(reserves)) {
            expect(backed(reserves - free)).toBe(true);
            if (free < reserves) expect(backed(reserves - free - 1n)).toBe(false);
          } else {
            expect(free).toBe(0n);
          }
        },
      ),
    );
  });

  it('protocol fee and reserves always add up to the interest', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 0n, max: 10_000n }), (interest, bps) => {
        const { treasury, reserves } = splitInterest(interest, bps);
        expect(treasury + reserves).toBe(interest);
        expect(treasury * 10_000n <= interest * bps).toBe(true);
      }),
    );
  });
});
