import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { U128_MAX } from '../../../src/primitives/arith.js';
import { PRICE_ONE, type TokenDecimals } from '../../../src/pallets/oracle/math.js';
import {
  accrue,
  accrueAccount,
  contractRate,
  DAY_MS,
  discountBps,
  liquidationAmount,
  liquidationLot,
  openAccount,
  owedAt,
  owedNow,
  PPB,
  reputationScore,
  settlePayment,
  YEAR_MS,
  type InterestAccount,
  type LoanTerms,
} from '../../../src/pallets/loans/math.js';

const DEV: TokenDecimals = { xfg: 12, udst: 6 };
const principal = fc.bigInt({ min: 1n, max: 10n ** 18n });
const ratePpb = fc.bigInt({ min: 10_000_000n, max: 2_000_000_000n }); // 1 % ..= 200 %
const minRateBps = fc.bigInt({ min: 0n, max: 100n });
const time = fc.bigInt({ min: 0n, max: 400n * DAY_MS });
const termDays = fc.bigInt({ min: 1n, max: 365n });

/** Terms with a contract rate at or above the minimum rate, drawn at 0. */
const terms: fc.Arbitrary<LoanTerms> = fc
  .record({ ratePpb, minRateBps, termDays })
  .map(({ ratePpb: r, minRateBps: m, termDays: d }) => ({
    ratePpb: r < m * 100_000n ? m * 100_000n : r,
    minRateBps: m,
    drawnAt: 0n,
    dueAt: d * DAY_MS,
  }));

const sortedTimes = (n: number): fc.Arbitrary<bigint[]> =>
  fc.array(time, { minLength: 1, maxLength: n }).map((ts) => [...ts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

function accrueThrough(account: InterestAccount, t: LoanTerms, times: bigint[]): InterestAccount {
  let acc = account;
  for (const now of times) acc = accrueAccount(acc, t, now);
  return acc;
}

describe('accrual properties', () => {
  it('interest over [a, c] ≤ over [a, b] + [b, c], at most one unit more per part (touching never lowers what is owed)', () => {
    fc.assert(
      fc.property(principal, ratePpb, sortedTimes(3), time, (P, r, ts, dueAt) => {
        const [a, b, c] = ts.length === 3 ? ts : [ts[0], ts[0], ts[ts.length - 1]];
        const whole = accrue({ principal: P, ratePpb: r, from: a, to: c, dueAt });
        const left = accrue({ principal: P, ratePpb: r, from: a, to: b, dueAt });
        const right = accrue({ principal: P, ratePpb: r, from: b, to: c, dueAt });
        expect(whole.onTime <= left.onTime + right.onTime).toBe(true);
        expect(whole.late <= left.late + right.late).toBe(true);
        expect(left.onTime + right.onTime - whole.onTime <= 1n).toBe(true);
        expect(left.late + right.late - whole.late <= 1n).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('debt and the discounted amount owed never decrease without a payment, and more touches never owe less', () => {
    fc.assert(
      fc.property(principal, terms, sortedTimes(12), (P, t, times) => {
        let acc = openAccount(P, 0n);
        let lastDebt = P;
        let lastTotal = P;
        for (const now of times) {
          const r = owedAt(acc, t, now);
          acc = r.account;
          expect(r.owed.debt >= lastDebt).toBe(true);
          expect(r.owed.total >= lastTotal).toBe(true);
          lastDebt = r.owed.debt;
          lastTotal = r.owed.total;
        }
        const end = times[times.length - 1];
        const once = owedAt(openAccount(P, 0n), t, end).owed;
        expect(lastDebt >= once.debt).toBe(true);
        expect(lastTotal >= once.total).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('no free loans: one unit at any positive rate owes at least 1 once any time passes, discount or not', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1_000n }), fc.bigInt({ min: 1n, max: PPB }), fc.bigInt({ min: 1n, max: 400n * DAY_MS }), termDays, (P, r, dt, days) => {
        const a = accrue({ principal: P, ratePpb: r, from: 0n, to: dt, dueAt: days * DAY_MS });
        expect(a.onTime + a.late >= 1n).toBe(true);
        const owed = owedAt(openAccount(P, 0n), { ratePpb: r, minRateBps: 0n, drawnAt: 0n, dueAt: days * DAY_MS }, dt).owed;
        expect(owed.interest >= 1n).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('many small loans never owe less than one large loan of the same total', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 2, maxLength: 20 }), terms, sortedTimes(3), (parts, t, times) => {
        const big = parts.reduce((s, p) => s + p, 0n);
        const one = owedAt(accrueThrough(openAccount(big, 0n), t, times.slice(0, -1)), t, times[times.length - 1]).owed;
        let interest = 0n;
        let debt = 0n;
        for (const p of parts) {
          const o = owedAt(accrueThrough(openAccount(p, 0n), t, times.slice(0, -1)), t, times[times.length - 1]).owed;
          interest += o.interest;
          debt += o.debt;
        }
        expect(interest >= one.interest).toBe(true);
        expect(debt >= one.debt).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('100 years at up to 1,000 % on up to u128::MAX: the exact ceiling, no throw, no saturation', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: U128_MAX }),
        fc.bigInt({ min: 0n, max: 10n * PPB }),
        fc.bigInt({ min: 0n, max: 100n * YEAR_MS }),
        fc.bigInt({ min: 0n, max: 100n * YEAR_MS }),
        (P, r, span, dueAt) => {
          const a = accrue({ principal: P, ratePpb: r, from: 0n, to: span, dueAt });
          const before = span < dueAt ? span : dueAt;
          const after = span - before;
          const onNum = P * r * before;
          const onDen = PPB * YEAR_MS;
          expect(a.onTime * onDen >= onNum && (a.onTime === 0n || (a.onTime - 1n) * onDen < onNum)).toBe(true);
          const lateNum = P * r * 15_000n * after;
          const lateDen = 10_000n * PPB * YEAR_MS;
          expect(a.late * lateDen >= lateNum && (a.late === 0n || (a.late - 1n) * lateDen < lateNum)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('payment properties', () => {
  it('paying in two parts at the same moment never costs less than paying at once, and clears the loan', () => {
    fc.assert(
      fc.property(principal, terms, time, fc.bigInt({ min: 0n, max: 10n ** 9n }), (P, t, now, cut) => {
        const { account, owed } = owedAt(openAccount(P, 0n), t, now);
        const x1 = cut % (owed.total + 1n);
        const first = settlePayment(account, t, now, x1);
        if (!first.ok) throw new Error('a payment within the total was refused');
        const rest = owedNow(first.account, t, now).total;
        const second = settlePayment(first.account, t, now, rest);
        if (!second.ok) throw new Error('the rest was refused');
        expect(second.closed).toBe(true);
        expect(x1 + rest >= owed.total).toBe(true);
        // Interest paid plus bonus granted never exceeds the interest accrued.
        expect(first.interestPaid + first.earlyPaymentBonus + second.interestPaid + second.earlyPaymentBonus).toBe(
          owed.onTime + owed.late,
        );
        expect(first.principalPaid + second.principalPaid).toBe(P);
      }),
      { numRuns: 500 },
    );
  });

  it('a payment never leaves an account with negative parts, and refuses only amounts above the total', () => {
    fc.assert(
      fc.property(principal, terms, sortedTimes(4), fc.array(fc.bigInt({ min: 0n, max: 10n ** 18n }), { maxLength: 4 }), (P, t, times, amounts) => {
        let acc = openAccount(P, 0n);
        times.forEach((now, i) => {
          acc = accrueAccount(acc, t, now);
          const total = owedNow(acc, t, now).total;
          const amount = amounts[i] ?? 0n;
          const s = settlePayment(acc, t, now, amount);
          expect(s.ok).toBe(amount <= total);
          if (!s.ok) {
            expect(s.owed).toBe(total);
            return;
          }
          acc = s.account;
          for (const v of [acc.principal, acc.accruedOnTime, acc.accruedLate, acc.accruedFloor]) expect(v >= 0n).toBe(true);
          expect(acc.accruedFloor <= acc.accruedOnTime).toBe(true);
          // Paying x lowers what is owed by at most x (a partial payment of discounted interest rounds in the lender’s favour).
          expect(owedNow(acc, t, now).total >= total - amount).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('rate, discount and score properties', () => {
  it('the contract rate is at least minRate and never rises with a better ratio or score', () => {
    const bps = fc.bigInt({ min: 0n, max: 30_000n });
    const score = fc.bigInt({ min: 0n, max: 1_000n });
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 5_000n }), fc.bigInt({ min: 0n, max: 1_000n }), minRateBps, bps, bps, score, score, (b, prem, min, r1, r2, s1, s2) => {
        const rate = (ratioBps: bigint, sc: bigint): bigint =>
          contractRate({ baseRateBps: b, riskPremiumBps: prem, minRateBps: min, ratioBps, score: sc });
        const [rLo, rHi] = r1 <= r2 ? [r1, r2] : [r2, r1];
        const [sLo, sHi] = s1 <= s2 ? [s1, s2] : [s2, s1];
        expect(rate(rLo, sLo) >= min * 100_000n).toBe(true);
        expect(rate(rHi, sLo) <= rate(rLo, sLo)).toBe(true);
        expect(rate(rLo, sHi) <= rate(rLo, sLo)).toBe(true);
      }),
    );
  });

  it('the discount never grows as time passes', () => {
    fc.assert(
      fc.property(time, time, termDays, (a, b, d) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(discountBps(hi, d * DAY_MS) <= discountBps(lo, d * DAY_MS)).toBe(true);
      }),
    );
  });

  it('the score is an integer in 0..=1000', () => {
    const n = fc.bigInt({ min: 0n, max: 1_000n });
    fc.assert(
      fc.property(n, n, n, n, n, fc.bigInt({ min: 0n, max: 100_000n }), (total, onTime, prompt, defaulted, liquidated, days) => {
        const s = reputationScore({ totalLoans: total, repaidOnTime: onTime, repaidPrompt: prompt, defaulted, liquidated, daysToRepaySum: days });
        expect(s >= 0n && s <= 1_000n).toBe(true);
      }),
    );
  });
});

describe('liquidation properties', () => {
  const args = fc
    .record({
      debt: fc.bigInt({ min: 1n, max: 10n ** 15n }),
      value: fc.bigInt({ min: 0n, max: 2n * 10n ** 15n }),
      penaltyBps: fc.bigInt({ min: 0n, max: 2_000n }),
      extra: fc.bigInt({ min: 1n, max: 20_000n }),
      minDebt: fc.bigInt({ min: 0n, max: 10n ** 6n }),
    })
    .map(({ debt, value, penaltyBps, extra, minDebt }) => ({
      debt,
      collateralValue: value,
      penaltyBps,
      targetBps: 10_000n + penaltyBps + extra,
      minDebt,
    }));

  it('a partial liquidation restores the target with the least repayment, within the collateral and above minDebt', () => {
    fc.assert(
      fc.property(args, (a) => {
        const x = liquidationAmount(a);
        const { debt: D, collateralValue: V, targetBps: T, penaltyBps: p } = a;
        const restores = (y: bigint): boolean => 10_000n * V - y * (10_000n + p) >= T * (D - y);
        if (x === 'all') {
          // The least restoring X exists only above the collateral, at or above D, or leaving less than minDebt.
          const exact = (T * D - 10_000n * V + (T - 10_000n - p) - 1n) / (T - 10_000n - p);
          expect(exact * (10_000n + p) > 10_000n * V || exact >= D || D - exact < a.minDebt).toBe(true);
        } else if (x === 0n) {
          expect(T * D <= 10_000n * V).toBe(true);
        } else {
          expect(restores(x)).toBe(true);
          expect(restores(x - 1n)).toBe(false);
          expect(x * (10_000n + p) <= 10_000n * V).toBe(true);
          expect(D - x >= a.minDebt).toBe(true);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('the lot is the least XFG worth the tab, and the tab is the repayment plus a penalty rounded up once', () => {
    fc.assert(
      fc.property(args, fc.bigInt({ min: PRICE_ONE / 1_000n, max: 1_000n * PRICE_ONE }), (a, price) => {
        const x = liquidationAmount(a);
        if (x === 0n || x === 'all') return;
        // Collateral in XFG whose value (down) is the collateral value used above, give or take rounding.
        const collateralXfg = (a.collateralValue * PRICE_ONE * 10n ** 6n + price - 1n) / price;
        const lot = liquidationLot({ repay: x, debt: a.debt, penaltyBps: a.penaltyBps, collateralXfg, price, decimals: DEV });
        expect(lot.tab * 10_000n >= x * (10_000n + a.penaltyBps)).toBe(true);
        expect((lot.tab - 1n) * 10_000n < x * (10_000n + a.penaltyBps)).toBe(true);
        // value(xfg) in UDST units = xfg · price · 10^6 / (10^18 · 10^12).
        const worth = (xfg: bigint): bigint => xfg * price * 10n ** 6n;
        const tabScaled = lot.tab * PRICE_ONE * 10n ** 12n;
        if (lot.lotXfg < collateralXfg) {
          expect(worth(lot.lotXfg) >= tabScaled).toBe(true);
          expect(worth(lot.lotXfg - 1n) < tabScaled).toBe(true);
        } else {
          expect(lot.lotXfg).toBe(collateralXfg);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
