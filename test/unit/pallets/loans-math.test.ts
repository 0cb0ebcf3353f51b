import { describe, expect, it } from 'vitest';
import { PRICE_ONE, type TokenDecimals } from '../../../src/pallets/oracle/math.js';
import {
  accrue,
  accrueAccount,
  applyDiscount,
  applyDiscountWithFloor,
  belowLiquidationSince,
  collateralRatioBps,
  collateralTier,
  collateralValue,
  contractRate,
  contractRateFactors,
  DAY_MS,
  discountBps,
  discountSchedule,
  distributeProceeds,
  dueDate,
  dueState,
  extendDueDate,
  HOUR_MS,
  isAutoApproved,
  isDrawWindowOpen,
  isLiquidatable,
  isMarginCall,
  isRepaidOnTime,
  isRepaidPrompt,
  liquidationAmount,
  liquidationLot,
  liquidationPenalty,
  meetsCollateralRatio,
  openAccount,
  owedAt,
  owedNow,
  quoteLoan,
  RATIO_UNBOUNDED,
  reputationScore,
  reputationTier,
  restructureDecision,
  restructuringFee,
  settlePayment,
  splitPayment,
  wholeDays,
  YEAR_MS,
  type DueState,
  type LoanTerms,
  type ScoreInputs,
} from '../../../src/pallets/loans/math.js';

const DEV: TokenDecimals = { xfg: 12, udst: 6 };
const XFG = 10n ** 12n;
const UDST = 10n ** 6n;

describe('units', () => {
  it('a year is 365 days of ms', () => {
    expect(YEAR_MS).toBe(31_536_000_000n);
    expect(DAY_MS).toBe(24n * HOUR_MS);
  });
});

describe('collateral value and ratio', () => {
  it.each<[string, bigint, bigint, bigint]>([
    ['1 XFG at 0.5 UDST', XFG, PRICE_ONE / 2n, 500_000n],
    ['1,500 XFG at 1.2 UDST', 1_500n * XFG, (12n * PRICE_ONE) / 10n, 1_800n * UDST],
    ['1 XFG base unit at 1 UDST: a millionth of a UDST unit, down to 0', 1n, PRICE_ONE, 0n],
    ['999,999 XFG base units at 1 UDST: 0.999999 UDST units, down to 0', 999_999n, PRICE_ONE, 0n],
    ['1,000,000 XFG base units at 1 UDST: exactly 1 UDST unit', 1_000_000n, PRICE_ONE, 1n],
  ])('collateralValue: %s', (_name, xfg, price, value) => {
    expect(collateralValue(xfg, price, DEV)).toBe(value);
  });

  it.each<[bigint, bigint, bigint]>([
    [1_500n, 1_000n, 15_000n],
    [1_199_999n, 1_000_000n, 11_999n], // 11,999.99 → 11,999 (floor)
    [1n, 3n, 3_333n],
    [0n, 1_000n, 0n],
    [1_000n, 0n, RATIO_UNBOUNDED],
  ])('collateralRatioBps(%s, %s) = %s', (value, debt, ratio) => {
    expect(collateralRatioBps(value, debt)).toBe(ratio);
  });

  it('meetsCollateralRatio compares exactly', () => {
    expect(meetsCollateralRatio(1_500n, 1_000n, 15_000n)).toBe(true);
    expect(meetsCollateralRatio(1_499n, 1_000n, 15_000n)).toBe(false);
    expect(meetsCollateralRatio(1_500_000n, 1_000_001n, 15_000n)).toBe(false); // 14,999.98 %
    expect(meetsCollateralRatio(0n, 0n, 15_000n)).toBe(true);
  });
});

describe('contract rate (B 1,200, no premium, minRate 100 bps)', () => {
  const base = { baseRateBps: 1_200n, riskPremiumBps: 0n, minRateBps: 100n };

  // rate = 1,200 · C · R / 1,000 ppb. C and R are multiples of 500, so the ceiling never has anything to round.
  it.each<[bigint, bigint, bigint]>([
    [11_999n, 13_000n, 156_000_000n],
    [12_000n, 10_000n, 120_000_000n],
    [14_999n, 10_000n, 120_000_000n],
    [15_000n, 9_000n, 108_000_000n],
    [19_999n, 9_000n, 108_000_000n],
    [20_000n, 8_000n, 96_000_000n],
    [0n, 13_000n, 156_000_000n],
    [1_000_000n, 8_000n, 96_000_000n],
  ])('ratio %s → C %s → %s ppb (score 600)', (ratioBps, c, rate) => {
    expect(collateralTier(ratioBps)).toBe(c);
    expect(contractRate({ ...base, ratioBps, score: 600n })).toBe(rate);
  });

  it.each<[bigint, bigint, bigint]>([
    [0n, 11_000n, 118_800_000n],
    [499n, 11_000n, 118_800_000n],
    [500n, 10_500n, 113_400_000n],
    [599n, 10_500n, 113_400_000n],
    [600n, 10_000n, 108_000_000n],
    [699n, 10_000n, 108_000_000n],
    [700n, 9_500n, 102_600_000n],
    [799n, 9_500n, 102_600_000n],
    [800n, 9_000n, 97_200_000n],
    [899n, 9_000n, 97_200_000n],
    [900n, 8_000n, 86_400_000n],
    [1_000n, 8_000n, 86_400_000n],
  ])('score %s → R %s → %s ppb (ratio 15,000)', (score, r, rate) => {
    expect(reputationTier(score)).toBe(r);
    expect(contractRate({ ...base, ratioBps: 15_000n, score })).toBe(rate);
  });

  it('the risk premium adds to the base rate', () => {
    expect(contractRate({ ...base, riskPremiumBps: 300n, ratioBps: 15_000n, score: 600n })).toBe(135_000_000n);
  });

  it.each<[bigint, bigint]>([
    [10n, 10_000_000n], // 10 · 8,000 · 8,000 / 1,000 = 640,000 < 10,000,000: the floor
    [100n, 10_000_000n], // 6,400,000 < 10,000,000
    [156n, 10_000_000n], // 9,984,000
    [157n, 10_048_000n], // just above the floor
    [200n, 12_800_000n],
  ])('minimum rate: base %s at the best tiers → %s ppb', (baseRateBps, rate) => {
    expect(contractRate({ ...base, baseRateBps, ratioBps: 20_000n, score: 900n })).toBe(rate);
  });

  it('reports its factors', () => {
    expect(contractRateFactors({ ...base, riskPremiumBps: 50n, ratioBps: 12_000n, score: 850n })).toEqual({
      b: 1_250n,
      c: 10_000n,
      r: 9_000n,
      ratePpb: 112_500_000n,
    });
  });
});

describe('accrue (P = 1,000 UDST, 10 %)', () => {
  const P = 1_000n * UDST;
  const rate = 100_000_000n;
  // One day on time: 1e9 · 1e8 · 86.4e6 / (1e9 · 31.536e9) = 273,972.6 → 273,973. Late: · 1.5 = 410,958.9 → 410,959.
  it.each<[string, bigint, bigint, bigint, bigint, bigint]>([
    // name, from, to, dueAt, onTime, late
    ['a full year on time: exactly 10 %', 0n, YEAR_MS, YEAR_MS, 100_000_000n, 0n],
    ['one day on time', 0n, DAY_MS, 90n * DAY_MS, 273_973n, 0n],
    ['up to the due date exactly: all on time', 0n, DAY_MS, DAY_MS, 273_973n, 0n],
    ['across the due date: one day each side', 0n, 2n * DAY_MS, DAY_MS, 273_973n, 410_959n],
    ['wholly after the due date', 2n * DAY_MS, 3n * DAY_MS, DAY_MS, 0n, 410_959n],
    ['starting at the due date', DAY_MS, 2n * DAY_MS, DAY_MS, 0n, 410_959n],
    ['an empty segment', 5n, 5n, DAY_MS, 0n, 0n],
    ['one ms: rounds up to 1', 0n, 1n, DAY_MS, 1n, 0n],
    ['one late ms: rounds up to 1', DAY_MS, DAY_MS + 1n, DAY_MS, 0n, 1n],
  ])('%s', (_name, from, to, dueAt, onTime, late) => {
    expect(accrue({ principal: P, ratePpb: rate, from, to, dueAt })).toEqual({ onTime, late });
  });

  it('a 1-unit loan at 1 ppb still owes 1 after 1 ms', () => {
    expect(accrue({ principal: 1n, ratePpb: 1n, from: 0n, to: 1n, dueAt: 10n })).toEqual({ onTime: 1n, late: 0n });
  });

  it('no principal or no rate, no interest', () => {
    expect(accrue({ principal: 0n, ratePpb: rate, from: 0n, to: YEAR_MS, dueAt: 0n })).toEqual({ onTime: 0n, late: 0n });
    expect(accrue({ principal: P, ratePpb: 0n, from: 0n, to: YEAR_MS, dueAt: 0n })).toEqual({ onTime: 0n, late: 0n });
  });

  it('the late multiplier can be set', () => {
    expect(accrue({ principal: P, ratePpb: rate, from: 0n, to: YEAR_MS, dueAt: 0n, lateRateBps: 10_000n }).late).toBe(
      100_000_000n,
    );
    expect(accrue({ principal: P, ratePpb: rate, from: 0n, to: YEAR_MS, dueAt: 0n }).late).toBe(150_000_000n);
  });

  it('100 years at 1,000 % on u128::MAX: exact, not saturated', () => {
    const max = (1n << 128n) - 1n;
    const r = accrue({ principal: max, ratePpb: 10_000_000_000n, from: 0n, to: 100n * YEAR_MS, dueAt: 100n * YEAR_MS });
    expect(r.onTime).toBe(max * 1_000n);
    const late = accrue({ principal: max, ratePpb: 10_000_000_000n, from: 0n, to: 100n * YEAR_MS, dueAt: 0n });
    expect(late.late).toBe(max * 1_500n);
  });

  it('refuses a segment that ends before it starts', () => {
    expect(() => accrue({ principal: P, ratePpb: rate, from: 2n, to: 1n, dueAt: 0n })).toThrow(RangeError);
  });
});

describe('prompt-repayment discount', () => {
  const TERM = 90n * DAY_MS;
  it.each<[string, bigint, bigint]>([
    ['at the draw', 0n, 7_500n],
    ['24 h exactly', DAY_MS, 7_500n],
    ['24 h + 1 ms', DAY_MS + 1n, 5_000n],
    ['7 days exactly', 7n * DAY_MS, 5_000n],
    ['7 days + 1 ms', 7n * DAY_MS + 1n, 2_500n],
    ['30 days exactly', 30n * DAY_MS, 2_500n],
    ['30 days + 1 ms', 30n * DAY_MS + 1n, 1_000n],
    ['the due date exactly', TERM, 1_000n],
    ['the due date + 1 ms', TERM + 1n, 0n],
  ])('90-day loan, %s', (_name, since, bps) => {
    expect(discountBps(since, TERM)).toBe(bps);
  });

  it('after the due date comes first, even within a tier', () => {
    expect(discountBps(12n * HOUR_MS, 12n * HOUR_MS)).toBe(7_500n);
    expect(discountBps(13n * HOUR_MS, 12n * HOUR_MS)).toBe(0n);
    expect(discountBps(10n * DAY_MS, 10n * DAY_MS)).toBe(2_500n);
    expect(discountBps(10n * DAY_MS + 1n, 10n * DAY_MS)).toBe(0n);
  });

  it.each<[bigint, { untilMs: bigint; discountBps: bigint }[]]>([
    [
      90n,
      [
        { untilMs: DAY_MS, discountBps: 7_500n },
        { untilMs: 7n * DAY_MS, discountBps: 5_000n },
        { untilMs: 30n * DAY_MS, discountBps: 2_500n },
        { untilMs: 90n * DAY_MS, discountBps: 1_000n },
      ],
    ],
    [
      30n,
      [
        { untilMs: DAY_MS, discountBps: 7_500n },
        { untilMs: 7n * DAY_MS, discountBps: 5_000n },
        { untilMs: 30n * DAY_MS, discountBps: 2_500n },
      ],
    ],
    [
      10n,
      [
        { untilMs: DAY_MS, discountBps: 7_500n },
        { untilMs: 7n * DAY_MS, discountBps: 5_000n },
        { untilMs: 10n * DAY_MS, discountBps: 2_500n },
      ],
    ],
    [1n, [{ untilMs: DAY_MS, discountBps: 7_500n }]],
  ])('discountSchedule of %s days', (days, schedule) => {
    expect(discountSchedule(days * DAY_MS)).toEqual(schedule);
  });

  // P = 1,000 UDST at 10 % for one day: 273,973 on time. minRate 100 bps over a day: 27,397.3 → 27,398.
  it.each<[string, bigint, bigint, bigint, bigint]>([
    // name, onTime, discount, charged, bonus
    ['7,500: ⌈273,973 · 0.25⌉ = 68,494', 273_973n, 7_500n, 68_494n, 205_479n],
    ['5,000: ⌈136,986.5⌉', 273_973n, 5_000n, 136_987n, 136_986n],
    ['1,000: ⌈246,575.7⌉', 273_973n, 1_000n, 246_576n, 27_397n],
    ['no discount', 273_973n, 0n, 273_973n, 0n],
    ['1.2 % loan, 7,500: ⌈8,219.25⌉ = 8,220 is below the 1 % floor 27,398', 32_877n, 7_500n, 27_398n, 5_479n],
    ['a loan at the minimum rate gets no discount', 27_398n, 7_500n, 27_398n, 0n],
  ])('applyDiscount: %s', (_name, onTime, d, charged, bonus) => {
    const r = applyDiscount({ onTimeInterest: onTime, discountBps: d, principal: 1_000n * UDST, minRateBps: 100n, elapsedMs: DAY_MS });
    expect(r).toEqual({ charged, bonus });
  });

  it('the floor never raises the charge above the undiscounted interest', () => {
    expect(applyDiscountWithFloor({ onTimeInterest: 10n, discountBps: 7_500n, floorInterest: 20n })).toEqual({
      charged: 10n,
      bonus: 0n,
    });
  });
});

describe('a loan account: accrual, owed amounts, payments', () => {
  // 1,000 UDST at 10 %, minRate 100 bps, 90 days.
  const P = 1_000n * UDST;
  const terms: LoanTerms = { ratePpb: 100_000_000n, minRateBps: 100n, drawnAt: 0n, dueAt: 90n * DAY_MS };

  it('owes principal plus discounted interest; repayAll closes it', () => {
    const { account, owed } = owedAt(openAccount(P, 0n), terms, DAY_MS);
    expect(owed).toEqual({
      discountBps: 7_500n,
      principal: P,
      onTime: 273_973n,
      chargedOnTime: 68_494n,
      late: 0n,
      interest: 68_494n,
      earlyPaymentBonus: 205_479n,
      total: 1_000_068_494n,
      debt: 1_000_273_973n,
    });
    const s = settlePayment(account, terms, DAY_MS, owed.total);
    expect(s).toEqual({
      ok: true,
      account: { principal: 0n, accruedOnTime: 0n, accruedLate: 0n, accruedFloor: 0n, accruedAt: DAY_MS },
      interestPaid: 68_494n,
      principalPaid: P,
      earlyPaymentBonus: 205_479n,
      closed: true,
    });
  });

  it('refuses an overpayment with the owed amount', () => {
    const { account } = owedAt(openAccount(P, 0n), terms, DAY_MS);
    expect(settlePayment(account, terms, DAY_MS, 1_000_068_495n)).toEqual({ ok: false, owed: 1_000_068_494n });
  });

  it('half the discounted interest clears half the accrued interest (down), then the rest costs the other half', () => {
    const { account } = owedAt(openAccount(P, 0n), terms, DAY_MS);
    const first = settlePayment(account, terms, DAY_MS, 34_247n);
    // Cleared: ⌊34,247 · 273,973 / 68,494⌋ = 136,986 of on-time interest, ⌊34,247 · 27,398 / 68,494⌋ = 13,699 of floor.
    expect(first).toEqual({
      ok: true,
      account: { principal: P, accruedOnTime: 136_987n, accruedLate: 0n, accruedFloor: 13_699n, accruedAt: DAY_MS },
      interestPaid: 34_247n,
      principalPaid: 0n,
      earlyPaymentBonus: 102_739n,
      closed: false,
    });
    if (!first.ok) throw new Error('unreachable');
    // ⌈136,987 · 0.25⌉ = 34,247: the two halves cost what one payment costs.
    expect(owedNow(first.account, terms, DAY_MS).interest).toBe(34_247n);
  });

  it('after the due date: no discount, late interest first', () => {
    const { account, owed } = owedAt(openAccount(P, 0n), terms, 91n * DAY_MS);
    // On time: 90 / 365 · 1e8 = 24,657,534.2 → 24,657,535; late: one day at 15 % = 410,959.
    expect(owed).toMatchObject({ discountBps: 0n, onTime: 24_657_535n, chargedOnTime: 24_657_535n, late: 410_959n });
    const s = settlePayment(account, terms, 91n * DAY_MS, 410_959n);
    expect(s).toMatchObject({ ok: true, interestPaid: 410_959n, principalPaid: 0n, earlyPaymentBonus: 0n });
    if (!s.ok) throw new Error('unreachable');
    expect(s.account).toMatchObject({ accruedLate: 0n, accruedOnTime: 24_657_535n, principal: P });
  });

  it('principal paid after the interest lowers the next segment’s interest', () => {
    const { account, owed } = owedAt(openAccount(P, 0n), terms, DAY_MS);
    const s = settlePayment(account, terms, DAY_MS, owed.interest + P / 2n);
    if (!s.ok) throw new Error('unreachable');
    expect(s.account.principal).toBe(P / 2n);
    // Half the principal for the next day: 136,986.3 → 136,987.
    expect(accrueAccount(s.account, terms, 2n * DAY_MS).accruedOnTime).toBe(136_987n);
  });

  it('owedNow needs an account accrued to now', () => {
    expect(() => owedNow(openAccount(P, 0n), terms, DAY_MS)).toThrow(RangeError);
  });

  it.each<[bigint, bigint, bigint, bigint]>([
    [100n, 40n, 40n, 0n],
    [100n, 140n, 100n, 40n],
    [0n, 50n, 0n, 50n],
    [100n, 0n, 0n, 0n],
  ])('splitPayment(interest %s + principal 1000, %s) = %s + %s', (interest, amount, i, p) => {
    expect(splitPayment({ interest, principal: 1_000n }, amount)).toEqual({ ok: true, interestPaid: i, principalPaid: p });
  });

  it('splitPayment refuses more than owed', () => {
    expect(splitPayment({ interest: 100n, principal: 1_000n }, 1_101n)).toEqual({ ok: false, owed: 1_100n });
  });
});

describe('liquidation (T 15,000, penalty 500)', () => {
  const base = { targetBps: 15_000n, penaltyBps: 500n, minDebt: 0n };

  it.each<[string, bigint, bigint, bigint, bigint | 'all']>([
    // name, D, V, minDebt, X
    ['ratio 108 %: ⌈4,200,000 / 4,500⌉ = 934', 1_000n, 1_080n, 0n, 934n],
    ['same, leaves 66 ≥ minDebt 66', 1_000n, 1_080n, 66n, 934n],
    ['same, leaves 66 < minDebt 100: all', 1_000n, 1_080n, 100n, 'all'],
    ['ratio 135 %: ⌈15,000,000 / 4,500⌉ = 3,334', 10_000n, 13_500n, 0n, 3_334n],
    ['ratio 149.9 %: a small top-up, ⌈10,000 / 4,500⌉ = 3', 1_000n, 1_499n, 0n, 3n],
    ['at the target: nothing', 1_000n, 1_500n, 0n, 0n],
    ['above the target: nothing', 1_000n, 2_000n, 0n, 0n],
    ['ratio 105 %: X = D exactly: all', 1_000n, 1_050n, 0n, 'all'],
    ['ratio 104 %: X > D: all', 1_000n, 1_040n, 0n, 'all'],
    ['no collateral value: all', 1_000n, 0n, 0n, 'all'],
  ])('%s', (_name, debt, collateralValue, minDebt, x) => {
    expect(liquidationAmount({ ...base, debt, collateralValue, minDebt })).toBe(x);
  });

  it('3,334 restores 150 % and 3,333 does not', () => {
    // (13,500 − X · 1.05) / (10,000 − X) ≥ 1.5  ⇔  10,000 · 13,500 − X · 10,500 ≥ 15,000 · (10,000 − X)
    const ok = (x: bigint): boolean => 10_000n * 13_500n - x * 10_500n >= 15_000n * (10_000n - x);
    expect(ok(3_334n)).toBe(true);
    expect(ok(3_333n)).toBe(false);
  });

  it('refuses a target no partial liquidation can reach', () => {
    expect(() => liquidationAmount({ ...base, targetBps: 10_500n, debt: 1n, collateralValue: 1n })).toThrow(RangeError);
  });

  it('penalty and lot', () => {
    expect(liquidationPenalty(934n, 500n)).toBe(47n); // 46.7 → 47
    expect(liquidationPenalty(1_000n, 500n)).toBe(50n);
    // 934 + 47 = 981 UDST units at 1 UDST/XFG: 981 · 10^6 XFG base units.
    expect(
      liquidationLot({ repay: 934n, debt: 1_000n, penaltyBps: 500n, collateralXfg: 1_080n * 1_000_000n, price: PRICE_ONE, decimals: DEV }),
    ).toEqual({ repay: 934n, penalty: 47n, tab: 981n, lotXfg: 981_000_000n });
    expect(
      liquidationLot({ repay: 'all', debt: 1_000n, penaltyBps: 500n, collateralXfg: 5n * XFG, price: PRICE_ONE, decimals: DEV }),
    ).toEqual({ repay: 1_000n, penalty: 50n, tab: 1_050n, lotXfg: 5n * XFG });
    // At 7 UDST/XFG, 981 UDST units need ⌈981 · 10^6 / 7⌉ = ⌈140,142,857.14⌉ XFG units (rounded up).
    expect(
      liquidationLot({ repay: 934n, debt: 1_000n, penaltyBps: 500n, collateralXfg: XFG, price: 7n * PRICE_ONE, decimals: DEV }).lotXfg,
    ).toBe(140_142_858n);
  });

  it.each<[bigint, { interestPaid: bigint; principalPaid: bigint; penaltyPaid: bigint; surplus: bigint }]>([
    [1_000n, { interestPaid: 30n, principalPaid: 951n, penaltyPaid: 19n, surplus: 0n }],
    [1_100n, { interestPaid: 30n, principalPaid: 951n, penaltyPaid: 47n, surplus: 72n }],
    [20n, { interestPaid: 20n, principalPaid: 0n, penaltyPaid: 0n, surplus: 0n }],
  ])('distributeProceeds(%s): interest, principal, penalty, surplus', (proceeds, split) => {
    expect(distributeProceeds(proceeds, { interest: 30n, principal: 951n, penalty: 47n })).toEqual(split);
  });
});

describe('risk and due-date states', () => {
  it('margin call below 12,000', () => {
    expect(isMarginCall(11_999n)).toBe(true);
    expect(isMarginCall(12_000n)).toBe(false);
  });

  it('below-liquidation mark: set, kept, cleared', () => {
    expect(belowLiquidationSince(undefined, 10_999n, 500n)).toBe(500n);
    expect(belowLiquidationSince(500n, 10_000n, 900n)).toBe(500n);
    expect(belowLiquidationSince(500n, 11_000n, 900n)).toBeUndefined();
    expect(belowLiquidationSince(undefined, 11_000n, 900n)).toBeUndefined();
  });

  it.each<[string, bigint, bigint | undefined, bigint, boolean]>([
    ['below the hard floor: at once', 10_499n, undefined, 0n, true],
    ['at the hard floor, no mark', 10_500n, undefined, 0n, false],
    ['below 11,000 for 24 h − 1 ms', 10_900n, 0n, DAY_MS - 1n, false],
    ['below 11,000 for 24 h exactly', 10_900n, 0n, DAY_MS, true],
    ['at 11,000 with an old mark', 11_000n, 0n, 2n * DAY_MS, false],
    ['below 11,000 with no mark yet', 10_999n, undefined, 2n * DAY_MS, false],
  ])('isLiquidatable: %s', (_name, ratioBps, since, now, expected) => {
    expect(isLiquidatable({ ratioBps, belowLiquidationSince: since, now })).toBe(expected);
  });

  const DUE = 100n * DAY_MS;
  it.each<[bigint, DueState]>([
    [0n, 'Current'],
    [93n * DAY_MS - 1n, 'Current'],
    [93n * DAY_MS, 'DueSoon'],
    [DUE, 'DueSoon'],
    [DUE + 1n, 'GracePeriod'],
    [103n * DAY_MS, 'GracePeriod'],
    [103n * DAY_MS + 1n, 'Defaulted'],
  ])('dueState at %s ms (due at day 100)', (now, state) => {
    expect(dueState(now, DUE)).toBe(state);
  });

  it('due date arithmetic', () => {
    expect(dueDate(5n, 30n)).toBe(5n + 30n * DAY_MS);
    expect(extendDueDate(DUE, 14n)).toBe(114n * DAY_MS);
  });
});

describe('application, draw, restructuring', () => {
  it('auto-approval at the limit and the minimum score', () => {
    expect(isAutoApproved({ amount: 1_000n, score: 600n, autoApproveLimit: 1_000n })).toBe(true);
    expect(isAutoApproved({ amount: 1_001n, score: 900n, autoApproveLimit: 1_000n })).toBe(false);
    expect(isAutoApproved({ amount: 1n, score: 599n, autoApproveLimit: 1_000n })).toBe(false);
    expect(isAutoApproved({ amount: 1n, score: 500n, autoApproveLimit: 1_000n, autoApproveMinScore: 500n })).toBe(true);
  });

  it('draw window: 7 days inclusive', () => {
    expect(isDrawWindowOpen(0n, 7n * DAY_MS)).toBe(true);
    expect(isDrawWindowOpen(0n, 7n * DAY_MS + 1n)).toBe(false);
  });

  it('restructuring fee: 50 bps of principal, up', () => {
    expect(restructuringFee(1_000_000n)).toBe(5_000n);
    expect(restructuringFee(1_000_001n)).toBe(5_001n);
    expect(restructuringFee(1n)).toBe(1n);
  });

  const ok = { extraDays: 14n, previousRestructurings: 0n, state: 'Current' as DueState, ratioBps: 12_000n };
  it.each<[string, Partial<typeof ok>, 'automatic' | 'needsApproval']>([
    ['14 days, first time, ratio 12,000', {}, 'automatic'],
    ['1 day', { extraDays: 1n }, 'automatic'],
    ['15 days', { extraDays: 15n }, 'needsApproval'],
    ['a second restructuring', { previousRestructurings: 1n }, 'needsApproval'],
    ['in default', { state: 'Defaulted' }, 'needsApproval'],
    ['in the grace period (late, not in default)', { state: 'GracePeriod' }, 'automatic'],
    ['ratio 11,999', { ratioBps: 11_999n }, 'needsApproval'],
  ])('restructureDecision: %s', (_name, change, expected) => {
    expect(restructureDecision({ ...ok, ...change })).toBe(expected);
  });

  it('restructuring asks for at least one day', () => {
    expect(() => restructureDecision({ ...ok, extraDays: 0n })).toThrow(RangeError);
  });
});

describe('reputation', () => {
  const none: ScoreInputs = { totalLoans: 0n, repaidOnTime: 0n, repaidPrompt: 0n, defaulted: 0n, liquidated: 0n, daysToRepaySum: 0n };
  it.each<[string, Partial<ScoreInputs>, bigint]>([
    ['no loans yet', {}, 600n],
    ['one prompt loan in 3 days: 400 + 400 + 200 + 100 = 1,100 → clamped 1,000', { totalLoans: 1n, repaidOnTime: 1n, repaidPrompt: 1n, daysToRepaySum: 3n }, 1_000n],
    ['one on-time loan in 40 days: 800', { totalLoans: 1n, repaidOnTime: 1n, daysToRepaySum: 40n }, 800n],
    ['average exactly 7 days: no bonus', { totalLoans: 1n, repaidOnTime: 1n, repaidPrompt: 1n, daysToRepaySum: 7n }, 1_000n],
    ['average 6.5 days: bonus (400 + 266 + 66 − 200 + 100)', { totalLoans: 3n, repaidOnTime: 2n, repaidPrompt: 1n, defaulted: 1n, daysToRepaySum: 13n }, 632n],
    ['average exactly 7 days over 2 loans: no bonus (400 + 266 − 200)', { totalLoans: 3n, repaidOnTime: 2n, defaulted: 1n, daysToRepaySum: 14n }, 466n],
    ['each term floored: 400 + ⌊133.3⌋ + ⌊66.7⌋ = 599', { totalLoans: 3n, repaidOnTime: 1n, repaidPrompt: 1n, daysToRepaySum: 10n }, 599n],
    ['default and liquidation: 400 − 600 − 200 → clamped 0', { totalLoans: 1n, defaulted: 1n, liquidated: 1n }, 0n],
    ['one liquidated then repaid, one on time: 400 + 200 − 100', { totalLoans: 2n, repaidOnTime: 1n, liquidated: 1n, daysToRepaySum: 20n }, 500n],
    ['repaid but never on time: no average, no bonus', { totalLoans: 2n }, 400n],
  ])('%s', (_name, rep, score) => {
    expect(reputationScore({ ...none, ...rep })).toBe(score);
  });

  it('whole days, prompt and on time', () => {
    expect(wholeDays(0n, DAY_MS - 1n)).toBe(0n);
    expect(wholeDays(0n, DAY_MS)).toBe(1n);
    expect(isRepaidPrompt(0n, 30n * DAY_MS)).toBe(true);
    expect(isRepaidPrompt(0n, 30n * DAY_MS + 1n)).toBe(false);
    expect(isRepaidOnTime(DAY_MS, DAY_MS)).toBe(true);
    expect(isRepaidOnTime(DAY_MS + 1n, DAY_MS)).toBe(false);
  });
});

describe('quote', () => {
  it('1,000 UDST for 90 days at B 1,200, ratio 15,000, score 600: 10.8 % and the cost at each tier', () => {
    const q = quoteLoan({
      amount: 1_000n * UDST,
      termDays: 90n,
      baseRateBps: 1_200n,
      riskPremiumBps: 0n,
      ratioBps: 15_000n,
      score: 600n,
      minRateBps: 100n,
    });
    expect(q).toEqual({
      b: 1_200n,
      c: 9_000n,
      r: 10_000n,
      ratePpb: 108_000_000n,
      score: 600n,
      schedule: [
        // 1 day: 295,890.4 → 295,891; · 0.25 = 73,972.75 → 73,973.
        { untilMs: DAY_MS, discountBps: 7_500n, interest: 73_973n, earlyPaymentBonus: 221_918n, total: 1_000_073_973n },
        { untilMs: 7n * DAY_MS, discountBps: 5_000n, interest: 1_035_617n, earlyPaymentBonus: 1_035_616n, total: 1_001_035_617n },
        { untilMs: 30n * DAY_MS, discountBps: 2_500n, interest: 6_657_535n, earlyPaymentBonus: 2_219_178n, total: 1_006_657_535n },
        { untilMs: 90n * DAY_MS, discountBps: 1_000n, interest: 23_967_124n, earlyPaymentBonus: 2_663_013n, total: 1_023_967_124n },
      ],
    });
  });
});
