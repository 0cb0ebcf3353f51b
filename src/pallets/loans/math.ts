/**
 * The pure integer maths of the Loans pallet (ECONOMICS.md §5): collateral value and ratio, the contract rate,
 * interest accrual split at the due date, the prompt-repayment discount with its minimum-rate floor, how a payment is
 * applied, liquidation sizing and proceeds, risk and due-date states, restructuring, and the reputation score.
 *
 * Pure and deterministic: `bigint` only, no floats, no clock (time comes in as block timestamps in ms), no storage.
 * Every division names its rounding (ECONOMICS.md §0): what a borrower owes rounds up; what anyone is paid or
 * credited rounds down; collateral value rounds down; debt in ratio checks is principal plus interest that was itself
 * rounded up. Results are exact and unbounded (bigints never saturate): the pallet range-checks what it stores.
 *
 * Units: amounts in base units; rates in ppb per year (`1e9` = 100 %); parameters, ratios and tiers in bps
 * (`10_000` = 100 %; a collateral ratio of 12,000 is 120 %); prices FixedU128 inner values (`1e18` = 1 UDST/XFG).
 */
import { divRound, minBig, mulDiv, U128_MAX } from '../../primitives/arith.js';
import { xfgToUdst, udstToXfg, type TokenDecimals } from '../oracle/math.js';
import { DEFAULT_AUTO_APPROVE_MIN_SCORE, DEFAULT_BASE_RATE_BPS, DEFAULT_MIN_COLLATERAL_RATIO_BPS, DEFAULT_MIN_RATE_BPS, DEFAULT_RISK_PREMIUM_BPS } from '../banks/types.js';

// ---------------------------------------------------------------------------------------------------------------
// Units and defaults

/** Basis points in one whole. */
export const BPS = 10_000n;
/** Parts per billion in one whole (rates). */
export const PPB = 1_000_000_000n;
/** ppb per bps: a rate of `x` bps is `x · 100_000` ppb. */
export const PPB_PER_BPS = 100_000n;
/** One hour in ms. */
export const HOUR_MS = 3_600_000n;
/** One day in ms. */
export const DAY_MS = 86_400_000n;
/** One (365-day) year in ms: the denominator of every rate. */
export const YEAR_MS = 365n * DAY_MS;

/** The bank-parameter defaults (owned by Banks), re-exported for the loan maths' default arguments. */
export { DEFAULT_AUTO_APPROVE_MIN_SCORE, DEFAULT_BASE_RATE_BPS, DEFAULT_MIN_COLLATERAL_RATIO_BPS, DEFAULT_MIN_RATE_BPS, DEFAULT_RISK_PREMIUM_BPS };

/** Late interest runs at the contract rate · 15,000 / 10,000 (+50 %) after the due date. */
export const LATE_RATE_MULTIPLIER_BPS = 15_000n;
/** Default `marginCallRatio` (bps). */
export const DEFAULT_MARGIN_CALL_RATIO_BPS = 12_000n;
/** Default `liquidationRatio` (bps). */
export const DEFAULT_LIQUIDATION_RATIO_BPS = 11_000n;
/** Default `hardFloorRatio` (bps). */
export const DEFAULT_HARD_FLOOR_RATIO_BPS = 10_500n;
/** Default `liquidationGrace`: 24 h below the liquidation ratio before liquidation. */
export const DEFAULT_LIQUIDATION_GRACE_MS = 24n * HOUR_MS;
/** Default `liquidationTarget` (bps): the ratio a partial liquidation restores. */
export const DEFAULT_LIQUIDATION_TARGET_BPS = 15_000n;
/** Default liquidation penalty (bps of the debt repaid by the liquidation). */
export const DEFAULT_LIQUIDATION_PENALTY_BPS = 500n;
/** `RepaymentDueSoon` is announced this long before the due date (7 days). */
export const DEFAULT_DUE_SOON_MS = 7n * DAY_MS;
/** Default `dueGrace`: the grace period after the due date before default (3 days). */
export const DEFAULT_DUE_GRACE_MS = 3n * DAY_MS;
/** An approved application must be drawn within 7 days. */
export const DEFAULT_DRAW_WINDOW_MS = 7n * DAY_MS;
/** A loan fully repaid within 30 days of its draw counts as `repaidPrompt`. */
export const PROMPT_REPAYMENT_MS = 30n * DAY_MS;
/** Longest automatic restructuring extension (days). */
export const DEFAULT_RESTRUCTURE_MAX_AUTO_DAYS = 14n;
/** Lowest collateral ratio (bps) for an automatic restructuring. */
export const DEFAULT_RESTRUCTURE_MIN_RATIO_BPS = 12_000n;
/** Restructuring fee (bps of the outstanding principal). */
export const DEFAULT_RESTRUCTURE_FEE_BPS = 50n;
/** The score of an account with no closed loans. */
export const NO_LOANS_SCORE = 600n;
/** The highest reputation score. */
export const MAX_SCORE = 1_000n;
/**
 * The collateral ratio reported for a loan that owes nothing (its ratio is unbounded): larger than any finite ratio a
 * `u128` collateral value can produce, so every "ratio below X" check is false.
 */
export const RATIO_UNBOUNDED = U128_MAX;

function requireNonNegative(x: bigint, name: string): void {
  if (x < 0n) throw new RangeError(`${name} must be non-negative, got ${x}`);
}

function requireBps(x: bigint, name: string): void {
  if (x < 0n || x > BPS) throw new RangeError(`${name} must be within 0..=10_000 bps, got ${x}`);
}

function maxOf(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

// ---------------------------------------------------------------------------------------------------------------
// Collateral

/**
 * The UDST value (base units) of `xfg` XFG base units of collateral at the oracle `price`, rounded down:
 * `⌊xfg · price · 10^udst / (10^18 · 10^xfg)⌋` (see `xfgToUdst`). The decimals come from `chain-spec.json`
 * (`properties`); on the dev chain XFG has 12 and UDST 6, so 1 XFG (`10^12`) at price 0.5 is `500_000`.
 *
 * A loan's certificates are valued together: pass the sum of their XFG, so splitting collateral across several
 * certificates never changes a loan's value (one rounding, not one per certificate).
 */
export function collateralValue(xfg: bigint, price: bigint, decimals: TokenDecimals): bigint {
  return xfgToUdst(xfg, price, decimals, 'down');
}

/**
 * The collateral ratio in bps: `⌊collateralValue · 10_000 / debt⌋` (floor). `debt` is principal plus accrued
 * interest (the interest already rounded up), undiscounted. With no debt the ratio is {@link RATIO_UNBOUNDED}.
 */
export function collateralRatioBps(value: bigint, debt: bigint): bigint {
  requireNonNegative(value, 'value');
  requireNonNegative(debt, 'debt');
  if (debt === 0n) return RATIO_UNBOUNDED;
  return mulDiv(value, BPS, debt, 'down');
}

/**
 * True when `value / amount ≥ minRatioBps / 10_000`, compared exactly (`value · 10_000 ≥ minRatioBps · amount`,
 * which is the same as `collateralRatioBps(value, amount) ≥ minRatioBps` since the ratio floors to an integer).
 * Used for applications (pledged value against the requested amount) and collateral withdrawals.
 */
export function meetsCollateralRatio(value: bigint, amount: bigint, minRatioBps: bigint): boolean {
  requireNonNegative(value, 'value');
  requireNonNegative(amount, 'amount');
  requireNonNegative(minRatioBps, 'minRatioBps');
  return value * BPS >= minRatioBps * amount;
}

// ---------------------------------------------------------------------------------------------------------------
// Contract rate

/** The collateral tier `C` (bps) of a collateral ratio: 8,000 at ≥ 20,000; 9,000 at ≥ 15,000; 10,000 at ≥ 12,000; else 13,000. */
export function collateralTier(ratioBps: bigint): bigint {
  if (ratioBps >= 20_000n) return 8_000n;
  if (ratioBps >= 15_000n) return 9_000n;
  if (ratioBps >= 12_000n) return 10_000n;
  return 13_000n;
}

/** The reputation tier `R` (bps) of a score: 8,000 at ≥ 900; 9,000 ≥ 800; 9,500 ≥ 700; 10,000 ≥ 600; 10,500 ≥ 500; else 11,000. */
export function reputationTier(score: bigint): bigint {
  if (score >= 900n) return 8_000n;
  if (score >= 800n) return 9_000n;
  if (score >= 700n) return 9_500n;
  if (score >= 600n) return 10_000n;
  if (score >= 500n) return 10_500n;
  return 11_000n;
}

/** The inputs of {@link contractRate}. */
export interface ContractRateArgs {
  /** The loan kind's `baseRate` (bps per year). */
  readonly baseRateBps: bigint;
  /** The bank's `riskPremium` (bps per year). */
  readonly riskPremiumBps: bigint;
  /** The collateral ratio at draw (bps). */
  readonly ratioBps: bigint;
  /** The borrower's reputation score at draw (0 ..= 1000). */
  readonly score: bigint;
  /** The bank's `minRate` (bps per year). */
  readonly minRateBps: bigint;
}

/** The factors of a contract rate, as `loans_quote` reports them. */
export interface ContractRateFactors {
  /** `B = baseRate + riskPremium` (bps). */
  readonly b: bigint;
  /** The collateral tier `C` (bps). */
  readonly c: bigint;
  /** The reputation tier `R` (bps). */
  readonly r: bigint;
  /** The contract rate (ppb per year). */
  readonly ratePpb: bigint;
}

/** {@link contractRate} with its factors. */
export function contractRateFactors(args: ContractRateArgs): ContractRateFactors {
  requireNonNegative(args.baseRateBps, 'baseRateBps');
  requireNonNegative(args.riskPremiumBps, 'riskPremiumBps');
  requireNonNegative(args.minRateBps, 'minRateBps');
  const b = args.baseRateBps + args.riskPremiumBps;
  const c = collateralTier(args.ratioBps);
  const r = reputationTier(args.score);
  // bps · bps · bps = 1e-12 of a whole; 1e9 ppb per whole, so ppb = B·C·R / 1_000, rounded up (the borrower owes).
  const tiered = divRound(b * c * r, 1_000n, 'up');
  return { b, c, r, ratePpb: maxOf(args.minRateBps * PPB_PER_BPS, tiered) };
}

/**
 * The contract rate (ppb per year), fixed at draw:
 * `max(minRate · 100_000, ⌈B · C · R / 1_000⌉)` with `B = baseRate + riskPremium` (ECONOMICS.md §5).
 * Example: B 1,200, ratio 15,000 (C 9,000), score 600 (R 10,000) → 108,000,000 ppb (10.8 %).
 */
export function contractRate(args: ContractRateArgs): bigint {
  return contractRateFactors(args).ratePpb;
}

// ---------------------------------------------------------------------------------------------------------------
// Accrual

/** The inputs of {@link accrue}: one segment `[from, to]` of simple interest on a constant principal. */
export interface AccrueArgs {
  /** Outstanding principal during the segment. */
  readonly principal: bigint;
  /** Contract rate (ppb per year). */
  readonly ratePpb: bigint;
  /** Segment start (block time, ms). */
  readonly from: bigint;
  /** Segment end (block time, ms), `≥ from`. */
  readonly to: bigint;
  /** Due date (block time, ms): time up to and including it is on time, after it late. */
  readonly dueAt: bigint;
  /** Late rate as bps of the contract rate (default {@link LATE_RATE_MULTIPLIER_BPS}, +50 %). */
  readonly lateRateBps?: bigint;
}

/** Interest of one segment, split at the due date (each part rounded up on its own). */
export interface Accrued {
  /** Interest for the part of the segment at or before the due date. */
  readonly onTime: bigint;
  /** Interest for the part after the due date, at the late rate. */
  readonly late: bigint;
}

/**
 * Simple interest over one segment `[from, to]`, split at `dueAt` (ECONOMICS.md §5):
 *
 * ```
 * onTime = ⌈P · rate · Δt_beforeDue / (1e9 · YEAR_MS)⌉
 * late   = ⌈P · rate · 15_000 · Δt_afterDue / (10_000 · 1e9 · YEAR_MS)⌉
 * ```
 *
 * each exact and rounded up once (the borrower owes). `Δt_beforeDue = max(0, min(to, dueAt) − from)`,
 * `Δt_afterDue = max(0, to − max(from, dueAt))`. Any positive principal, rate and duration give at least 1 (no free
 * loans by rounding). Splitting a segment never lowers the total: `⌈x + y⌉ ≤ ⌈x⌉ + ⌈y⌉`, so touching a loan more often
 * can only add rounding units, never remove them.
 */
export function accrue(args: AccrueArgs): Accrued {
  const { principal, ratePpb, from, to, dueAt } = args;
  const lateRateBps = args.lateRateBps ?? LATE_RATE_MULTIPLIER_BPS;
  requireNonNegative(principal, 'principal');
  requireNonNegative(ratePpb, 'ratePpb');
  requireNonNegative(lateRateBps, 'lateRateBps');
  if (to < from) throw new RangeError(`segment ends (${to}) before it starts (${from})`);
  const onTimeEnd = to < dueAt ? to : dueAt;
  const beforeDue = onTimeEnd > from ? onTimeEnd - from : 0n;
  const lateStart = from > dueAt ? from : dueAt;
  const afterDue = to > lateStart ? to - lateStart : 0n;
  const onTime = divRound(principal * ratePpb * beforeDue, PPB * YEAR_MS, 'up');
  const late = divRound(principal * ratePpb * lateRateBps * afterDue, BPS * PPB * YEAR_MS, 'up');
  return { onTime, late };
}

// ---------------------------------------------------------------------------------------------------------------
// Prompt-repayment discount

/** One tier of the prompt-repayment discount: payments made at most `untilMs` after the draw get `discountBps`. */
export interface DiscountTier {
  /** The tier's end, in ms since the draw (inclusive). `undefined`: the due date. */
  readonly untilMs: bigint | undefined;
  /** Discount on the on-time interest (bps). */
  readonly discountBps: bigint;
}

/** The discount tiers in order (ECONOMICS.md §5); after the due date there is none. */
export const DISCOUNT_TIERS: readonly DiscountTier[] = [
  { untilMs: DAY_MS, discountBps: 7_500n },
  { untilMs: 7n * DAY_MS, discountBps: 5_000n },
  { untilMs: 30n * DAY_MS, discountBps: 2_500n },
  { untilMs: undefined, discountBps: 1_000n },
];

/**
 * The prompt-repayment discount (bps) for a payment made `sinceDrawMs` after the draw on a loan due `termMs` after
 * its draw (the current due date, after any restructuring): 0 after the due date (`sinceDrawMs > termMs`); else
 * 7,500 within 24 h (inclusive), 5,000 within 7 days, 2,500 within 30 days, and 1,000 up to the due date inclusive.
 * The after-due rule comes first: a 12-hour loan paid at hour 13 is late and gets nothing.
 */
export function discountBps(sinceDrawMs: bigint, termMs: bigint): bigint {
  requireNonNegative(sinceDrawMs, 'sinceDrawMs');
  requireNonNegative(termMs, 'termMs');
  if (sinceDrawMs > termMs) return 0n;
  for (const tier of DISCOUNT_TIERS) {
    if (tier.untilMs === undefined || sinceDrawMs <= tier.untilMs) return tier.discountBps;
  }
  return 0n; // unreachable: the last tier has no end
}

/**
 * The discount schedule of a loan of `termMs`: each tier's last moment (ms since draw, capped at the due date) and
 * discount, ending at the due date. A 10-day loan: `[1 d → 7,500], [7 d → 5,000], [10 d → 2,500]`.
 */
export function discountSchedule(termMs: bigint): { untilMs: bigint; discountBps: bigint }[] {
  requireNonNegative(termMs, 'termMs');
  const out: { untilMs: bigint; discountBps: bigint }[] = [];
  for (const tier of DISCOUNT_TIERS) {
    if (tier.untilMs !== undefined && tier.untilMs < termMs) {
      out.push({ untilMs: tier.untilMs, discountBps: tier.discountBps });
    } else {
      out.push({ untilMs: termMs, discountBps: tier.discountBps });
      break;
    }
  }
  return out;
}

/** The on-time interest after the discount, and the discount granted. */
export interface Discounted {
  /** On-time interest charged: `onTimeInterest − bonus`. */
  readonly charged: bigint;
  /** `earlyPaymentBonus`: the undiscounted minus the charged interest. */
  readonly bonus: bigint;
}

/** The inputs of {@link applyDiscountWithFloor}. */
export interface DiscountWithFloorArgs {
  /** The undiscounted on-time interest. */
  readonly onTimeInterest: bigint;
  /** The discount ({@link discountBps}). */
  readonly discountBps: bigint;
  /** What the same on-time spans would cost at `minRate` (the floor of the discounted interest). */
  readonly floorInterest: bigint;
}

/**
 * The discount on on-time interest with the minimum-rate floor: charged
 * `= min(onTime, max(⌈onTime · (10_000 − discount) / 10_000⌉, floorInterest))`. The discounted interest rounds up
 * (the borrower owes it), never falls below the floor (ECONOMICS.md: the discounted rate never goes below `minRate`)
 * and is never more than the undiscounted interest (a floor above it, impossible while the contract rate is at least
 * `minRate`, cannot raise the charge).
 */
export function applyDiscountWithFloor(args: DiscountWithFloorArgs): Discounted {
  requireNonNegative(args.onTimeInterest, 'onTimeInterest');
  requireBps(args.discountBps, 'discountBps');
  requireNonNegative(args.floorInterest, 'floorInterest');
  const discounted = mulDiv(args.onTimeInterest, BPS - args.discountBps, BPS, 'up');
  const charged = minBig(args.onTimeInterest, maxOf(discounted, args.floorInterest));
  return { charged, bonus: args.onTimeInterest - charged };
}

/** The inputs of {@link applyDiscount}. */
export interface DiscountArgs {
  /** The undiscounted on-time interest accrued on `principal` over `elapsedMs`. */
  readonly onTimeInterest: bigint;
  /** The discount ({@link discountBps}). */
  readonly discountBps: bigint;
  /** The principal the interest accrued on (constant over the span). */
  readonly principal: bigint;
  /** The bank's `minRate` fixed at draw (bps per year). */
  readonly minRateBps: bigint;
  /** The on-time span the interest covers (ms). */
  readonly elapsedMs: bigint;
}

/**
 * {@link applyDiscountWithFloor} for interest accrued on a constant principal over one on-time span: the floor is
 * `⌈principal · minRate · 100_000 · elapsed / (1e9 · YEAR_MS)⌉` (the minimum rate's interest, rounded up like any
 * interest). When the principal changed across the span, the pallet sums the floor per segment instead
 * ({@link accrueAccount} does) and calls {@link applyDiscountWithFloor}.
 */
export function applyDiscount(args: DiscountArgs): Discounted {
  requireNonNegative(args.minRateBps, 'minRateBps');
  requireNonNegative(args.elapsedMs, 'elapsedMs');
  const floorInterest = accrue({
    principal: args.principal,
    ratePpb: args.minRateBps * PPB_PER_BPS,
    from: 0n,
    to: args.elapsedMs,
    dueAt: args.elapsedMs,
  }).onTime;
  return applyDiscountWithFloor({ onTimeInterest: args.onTimeInterest, discountBps: args.discountBps, floorInterest });
}

// ---------------------------------------------------------------------------------------------------------------
// A loan's interest account: accrual between touches and payments

/** The fixed terms of a drawn loan that its interest depends on. */
export interface LoanTerms {
  /** Contract rate fixed at draw (ppb per year). */
  readonly ratePpb: bigint;
  /** The bank's `minRate` fixed at draw (bps per year): the discount floor. */
  readonly minRateBps: bigint;
  /** Draw time (ms). */
  readonly drawnAt: bigint;
  /** Current due date (ms), moved by restructuring. */
  readonly dueAt: bigint;
}

/**
 * A loan's interest state, as the pallet stores it. Interest is accrued lazily: every touch folds the segment
 * `[accruedAt, now]` in ({@link accrueAccount}); payments clear it ({@link settlePayment}).
 */
export interface InterestAccount {
  /** Outstanding principal. */
  readonly principal: bigint;
  /** Accrued, unpaid on-time interest, undiscounted. */
  readonly accruedOnTime: bigint;
  /** Accrued, unpaid late interest. */
  readonly accruedLate: bigint;
  /** What the unpaid on-time spans would cost at `minRate`: the floor of the discounted interest. */
  readonly accruedFloor: bigint;
  /** Block time (ms) up to which interest has been accrued. */
  readonly accruedAt: bigint;
}

/** A freshly drawn loan's account: `principal`, nothing accrued, accrued up to the draw. */
export function openAccount(principal: bigint, drawnAt: bigint): InterestAccount {
  requireNonNegative(principal, 'principal');
  return { principal, accruedOnTime: 0n, accruedLate: 0n, accruedFloor: 0n, accruedAt: drawnAt };
}

/**
 * Folds the segment `[account.accruedAt, now]` into the account ({@link accrue} at the contract rate, and the same
 * segment's on-time part at `minRate` for the floor). `now < accruedAt` throws `RangeError`; `now = accruedAt`
 * changes nothing.
 */
export function accrueAccount(account: InterestAccount, terms: LoanTerms, now: bigint): InterestAccount {
  const seg = { principal: account.principal, from: account.accruedAt, to: now, dueAt: terms.dueAt };
  const { onTime, late } = accrue({ ...seg, ratePpb: terms.ratePpb });
  const floor = accrue({ ...seg, ratePpb: terms.minRateBps * PPB_PER_BPS }).onTime;
  return {
    principal: account.principal,
    accruedOnTime: account.accruedOnTime + onTime,
    accruedLate: account.accruedLate + late,
    accruedFloor: account.accruedFloor + floor,
    accruedAt: now,
  };
}

/** What a loan owes at one moment, with and without the prompt-repayment discount. */
export interface Owed {
  /** The discount in force (bps) for a payment now. */
  readonly discountBps: bigint;
  /** Outstanding principal. */
  readonly principal: bigint;
  /** Undiscounted on-time interest. */
  readonly onTime: bigint;
  /** On-time interest after the discount and its floor. */
  readonly chargedOnTime: bigint;
  /** Late interest (never discounted). */
  readonly late: bigint;
  /** Interest due now: `chargedOnTime + late`. */
  readonly interest: bigint;
  /** The discount a full payment now would receive: `onTime − chargedOnTime`. */
  readonly earlyPaymentBonus: bigint;
  /** Everything owed now: `principal + interest` (what `repayAll` pays). */
  readonly total: bigint;
  /** Debt for ratio checks: principal plus undiscounted interest. */
  readonly debt: bigint;
}

/**
 * What an account (already accrued to `now`) owes for a payment at `now`: the discount by the time since the draw
 * ({@link discountBps} against the current due date), applied to the on-time interest with its floor.
 */
export function owedNow(account: InterestAccount, terms: LoanTerms, now: bigint): Owed {
  if (account.accruedAt !== now) throw new RangeError(`account accrued to ${account.accruedAt}, not to ${now}`);
  const sinceDraw = now > terms.drawnAt ? now - terms.drawnAt : 0n;
  const term = terms.dueAt > terms.drawnAt ? terms.dueAt - terms.drawnAt : 0n;
  const d = discountBps(sinceDraw, term);
  const { charged, bonus } = applyDiscountWithFloor({
    onTimeInterest: account.accruedOnTime,
    discountBps: d,
    floorInterest: account.accruedFloor,
  });
  const interest = charged + account.accruedLate;
  return {
    discountBps: d,
    principal: account.principal,
    onTime: account.accruedOnTime,
    chargedOnTime: charged,
    late: account.accruedLate,
    interest,
    earlyPaymentBonus: bonus,
    total: account.principal + interest,
    debt: account.principal + account.accruedOnTime + account.accruedLate,
  };
}

/** {@link accrueAccount} then {@link owedNow}: the account at `now` and what it owes. */
export function owedAt(account: InterestAccount, terms: LoanTerms, now: bigint): { account: InterestAccount; owed: Owed } {
  const accrued = accrueAccount(account, terms, now);
  return { account: accrued, owed: owedNow(accrued, terms, now) };
}

/** A payment split into interest and principal, or the refusal of an overpayment. */
export type PaymentSplit =
  | { readonly ok: true; readonly interestPaid: bigint; readonly principalPaid: bigint }
  | { readonly ok: false; readonly owed: bigint };

/**
 * Splits a payment: interest due first, then principal. More than `interest + principal` is refused with the owed
 * total (`{ ok: false, owed }`: the pallet's `Overpayment { owed }`). No rounding.
 */
export function splitPayment(owed: { readonly interest: bigint; readonly principal: bigint }, amount: bigint): PaymentSplit {
  requireNonNegative(owed.interest, 'interest');
  requireNonNegative(owed.principal, 'principal');
  requireNonNegative(amount, 'amount');
  const total = owed.interest + owed.principal;
  if (amount > total) return { ok: false, owed: total };
  const interestPaid = minBig(amount, owed.interest);
  return { ok: true, interestPaid, principalPaid: amount - interestPaid };
}

/** The outcome of a payment applied to an account. */
export type Settlement =
  | {
      readonly ok: true;
      /** The account after the payment. */
      readonly account: InterestAccount;
      /** Interest paid (late, then discounted on-time). */
      readonly interestPaid: bigint;
      /** Principal paid (burnt). */
      readonly principalPaid: bigint;
      /** Undiscounted on-time interest the payment cleared beyond what it paid. */
      readonly earlyPaymentBonus: bigint;
      /** True when nothing is owed any more. */
      readonly closed: boolean;
    }
  | { readonly ok: false; readonly owed: bigint };

/**
 * Applies a payment of `amount` at `now` to an account already accrued to `now` (ECONOMICS.md §5 Repayment):
 * late interest first, then the discounted on-time interest, then principal; more than owed is refused with the owed
 * total.
 *
 * Paying the whole discounted on-time interest clears all the accrued on-time interest (and its floor): the
 * difference is the payment's `earlyPaymentBonus`. Paying part `x` of the charged `c` clears the same fraction of the
 * accrued on-time interest and of the floor, rounded down (what the borrower is credited): `⌊x · accrued / c⌋`. So
 * paying in pieces never clears more than paying at once.
 */
export function settlePayment(account: InterestAccount, terms: LoanTerms, now: bigint, amount: bigint): Settlement {
  const owed = owedNow(account, terms, now);
  const split = splitPayment(owed, amount);
  if (!split.ok) return split;
  const latePaid = minBig(split.interestPaid, owed.late);
  const onTimePaid = split.interestPaid - latePaid;
  let clearedOnTime: bigint;
  let clearedFloor: bigint;
  if (onTimePaid === owed.chargedOnTime) {
    clearedOnTime = account.accruedOnTime;
    clearedFloor = account.accruedFloor;
  } else {
    // 0 < onTimePaid < chargedOnTime here, so the divisor is positive.
    clearedOnTime = mulDiv(onTimePaid, account.accruedOnTime, owed.chargedOnTime, 'down');
    clearedFloor = mulDiv(onTimePaid, account.accruedFloor, owed.chargedOnTime, 'down');
  }
  const next: InterestAccount = {
    principal: account.principal - split.principalPaid,
    accruedOnTime: account.accruedOnTime - clearedOnTime,
    accruedLate: account.accruedLate - latePaid,
    accruedFloor: account.accruedFloor - clearedFloor,
    accruedAt: now,
  };
  return {
    ok: true,
    account: next,
    interestPaid: split.interestPaid,
    principalPaid: split.principalPaid,
    earlyPaymentBonus: clearedOnTime - onTimePaid,
    closed: next.principal === 0n && next.accruedOnTime === 0n && next.accruedLate === 0n,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Liquidation

/** The inputs of {@link liquidationAmount}. */
export interface LiquidationArgs {
  /** `D`: principal plus accrued interest (undiscounted). */
  readonly debt: bigint;
  /** `V`: collateral value at the oracle price (rounded down). */
  readonly collateralValue: bigint;
  /** `T`: the ratio to restore (bps, default 15,000). Must exceed `10_000 + penaltyBps`. */
  readonly targetBps: bigint;
  /** `p`: the penalty (bps of the debt repaid, default 500). */
  readonly penaltyBps: bigint;
  /** The bank's `minDebt`: a partial liquidation may not leave less debt than this. */
  readonly minDebt: bigint;
}

/**
 * How much debt a liquidation repays (ECONOMICS.md §5): the least `X` such that selling collateral worth
 * `X · (1 + p)` brings the ratio back to `T`:
 *
 * ```
 * (V − X·(10_000 + p)/10_000) · 10_000 / (D − X) ≥ T
 *   ⇔  X ≥ (T·D − 10_000·V) / (T − 10_000 − p)          (all in bps, exact integers)
 * X = ⌈(T·D − 10_000·V) / (T − 10_000 − p)⌉
 * ```
 *
 * Returns `0n` when the ratio is already at least `T` (nothing to do), and `'all'` when the partial answer needs
 * more than the whole collateral (`X·(10_000 + p) > 10_000·V`), repays the whole debt (`X ≥ D`), or leaves less than
 * `minDebt`. Throws `RangeError` when `T ≤ 10_000 + p` (no partial liquidation can restore such a target).
 */
export function liquidationAmount(args: LiquidationArgs): bigint | 'all' {
  const { debt, collateralValue: value, targetBps, penaltyBps, minDebt } = args;
  requireNonNegative(debt, 'debt');
  requireNonNegative(value, 'collateralValue');
  requireNonNegative(penaltyBps, 'penaltyBps');
  requireNonNegative(minDebt, 'minDebt');
  const den = targetBps - BPS - penaltyBps;
  if (den <= 0n) throw new RangeError(`liquidation target ${targetBps} must exceed 10_000 + penalty ${penaltyBps}`);
  const need = targetBps * debt - BPS * value;
  if (need <= 0n) return 0n;
  const x = divRound(need, den, 'up');
  if (x >= debt || debt - x < minDebt || x * (BPS + penaltyBps) > BPS * value) return 'all';
  return x;
}

/** The liquidation penalty on repaying `repaid` of debt: `⌈repaid · penaltyBps / 10_000⌉` (the borrower owes it). */
export function liquidationPenalty(repaid: bigint, penaltyBps: bigint): bigint {
  requireNonNegative(repaid, 'repaid');
  requireNonNegative(penaltyBps, 'penaltyBps');
  return mulDiv(repaid, penaltyBps, BPS, 'up');
}

/** The inputs of {@link liquidationLot}. */
export interface LiquidationLotArgs {
  /** {@link liquidationAmount}'s answer (`0n` is not a liquidation). */
  readonly repay: bigint | 'all';
  /** The loan's whole debt (principal plus undiscounted interest), used when `repay` is `'all'`. */
  readonly debt: bigint;
  /** The penalty (bps). */
  readonly penaltyBps: bigint;
  /** All XFG pledged to the loan. */
  readonly collateralXfg: bigint;
  /** The oracle price (FixedU128 inner). */
  readonly price: bigint;
  /** Token decimals. */
  readonly decimals: TokenDecimals;
}

/** What goes to auction: the UDST the auction must raise and the XFG it may sell for it. */
export interface LiquidationLot {
  /** The debt the liquidation repays. */
  readonly repay: bigint;
  /** The penalty on it (rounded up). */
  readonly penalty: bigint;
  /** `repay + penalty`: the auction stops selling once it has raised this. */
  readonly tab: bigint;
  /** XFG moved to the auction. */
  readonly lotXfg: bigint;
}

/**
 * The auction lot of a liquidation. Partial: the least XFG worth the tab at the oracle price,
 * `⌈tab / price⌉` in XFG base units (`udstToXfg(…, 'up')`), capped at the collateral; so the seized collateral is
 * worth at least the tab and one base unit less would be worth less. All: the whole debt plus its penalty against
 * the whole collateral. XFG the auction does not need to sell returns to the borrower.
 */
export function liquidationLot(args: LiquidationLotArgs): LiquidationLot {
  const repay = args.repay === 'all' ? args.debt : args.repay;
  requireNonNegative(repay, 'repay');
  requireNonNegative(args.collateralXfg, 'collateralXfg');
  const penalty = liquidationPenalty(repay, args.penaltyBps);
  const tab = repay + penalty;
  const lotXfg =
    args.repay === 'all'
      ? args.collateralXfg
      : minBig(args.collateralXfg, udstToXfg(tab, args.price, args.decimals, 'up'));
  return { repay, penalty, tab, lotXfg };
}

/** How auction proceeds are applied to a liquidated loan. */
export interface ProceedsSplit {
  /** To accrued interest (bank reserves and treasury). */
  readonly interestPaid: bigint;
  /** To principal (burnt). */
  readonly principalPaid: bigint;
  /** To the penalty (bank reserves). */
  readonly penaltyPaid: bigint;
  /** Anything beyond all three (to the borrower). */
  readonly surplus: bigint;
}

/** Applies `proceeds` in order: interest, principal (burnt), then the penalty; what is left is surplus. No rounding. */
export function distributeProceeds(
  proceeds: bigint,
  due: { readonly interest: bigint; readonly principal: bigint; readonly penalty: bigint },
): ProceedsSplit {
  requireNonNegative(proceeds, 'proceeds');
  requireNonNegative(due.interest, 'interest');
  requireNonNegative(due.principal, 'principal');
  requireNonNegative(due.penalty, 'penalty');
  let left = proceeds;
  const interestPaid = minBig(left, due.interest);
  left -= interestPaid;
  const principalPaid = minBig(left, due.principal);
  left -= principalPaid;
  const penaltyPaid = minBig(left, due.penalty);
  left -= penaltyPaid;
  return { interestPaid, principalPaid, penaltyPaid, surplus: left };
}

// ---------------------------------------------------------------------------------------------------------------
// Risk and due-date states

/** True when the ratio is below the margin-call ratio (default 12,000): the loan is in `MarginCall`. */
export function isMarginCall(ratioBps: bigint, marginCallRatioBps: bigint = DEFAULT_MARGIN_CALL_RATIO_BPS): boolean {
  return ratioBps < marginCallRatioBps;
}

/**
 * The new "below the liquidation ratio since" mark after observing `ratioBps` at `now`: kept (or set to `now`) while
 * the ratio is below `liquidationRatioBps`, cleared (`undefined`) as soon as an observation sees it at or above.
 * "Continuously below" means: below at every observation since the mark (touches, `check`, and the per-block scan).
 */
export function belowLiquidationSince(
  previous: bigint | undefined,
  ratioBps: bigint,
  now: bigint,
  liquidationRatioBps: bigint = DEFAULT_LIQUIDATION_RATIO_BPS,
): bigint | undefined {
  if (ratioBps >= liquidationRatioBps) return undefined;
  return previous ?? now;
}

/** The inputs of {@link isLiquidatable}. */
export interface LiquidatableArgs {
  /** The current ratio (bps). */
  readonly ratioBps: bigint;
  /** When the ratio was first observed below the liquidation ratio without recovering (see {@link belowLiquidationSince}). */
  readonly belowLiquidationSince: bigint | undefined;
  /** Block time (ms). */
  readonly now: bigint;
  /** `liquidationRatio` (bps, default 11,000). */
  readonly liquidationRatioBps?: bigint;
  /** `liquidationGrace` (ms, default 24 h). */
  readonly graceMs?: bigint;
  /** `hardFloorRatio` (bps, default 10,500). */
  readonly hardFloorBps?: bigint;
}

/**
 * True when a loan must be liquidated: its ratio is below the hard floor now, or it is below the liquidation ratio
 * and has been since at least `graceMs` ago (`now − since ≥ graceMs`: exactly 24 h is enough).
 */
export function isLiquidatable(args: LiquidatableArgs): boolean {
  const hardFloor = args.hardFloorBps ?? DEFAULT_HARD_FLOOR_RATIO_BPS;
  const liqRatio = args.liquidationRatioBps ?? DEFAULT_LIQUIDATION_RATIO_BPS;
  const grace = args.graceMs ?? DEFAULT_LIQUIDATION_GRACE_MS;
  if (args.ratioBps < hardFloor) return true;
  if (args.ratioBps >= liqRatio || args.belowLiquidationSince === undefined) return false;
  return args.now - args.belowLiquidationSince >= grace;
}

/** Where a loan stands against its due date. */
export type DueState = 'Current' | 'DueSoon' | 'GracePeriod' | 'Defaulted';

/**
 * The due-date state at `now`: `Current` until `dueSoonMs` before the due date; `DueSoon` from then up to the due
 * date inclusive (the pallet emits `RepaymentDueSoon` once, the first time it sees this); `GracePeriod` after the due
 * date up to `dueAt + dueGraceMs` inclusive; `Defaulted` after that.
 */
export function dueState(
  now: bigint,
  dueAt: bigint,
  dueSoonMs: bigint = DEFAULT_DUE_SOON_MS,
  dueGraceMs: bigint = DEFAULT_DUE_GRACE_MS,
): DueState {
  requireNonNegative(dueSoonMs, 'dueSoonMs');
  requireNonNegative(dueGraceMs, 'dueGraceMs');
  if (now > dueAt + dueGraceMs) return 'Defaulted';
  if (now > dueAt) return 'GracePeriod';
  if (now >= dueAt - dueSoonMs) return 'DueSoon';
  return 'Current';
}

/** The due date of a loan drawn at `drawnAt` for `termDays` days. */
export function dueDate(drawnAt: bigint, termDays: bigint): bigint {
  requireNonNegative(termDays, 'termDays');
  return drawnAt + termDays * DAY_MS;
}

// ---------------------------------------------------------------------------------------------------------------
// Application and draw

/** The inputs of {@link isAutoApproved}. */
export interface AutoApproveArgs {
  /** The requested amount. */
  readonly amount: bigint;
  /** The borrower's score. */
  readonly score: bigint;
  /** The bank's `autoApproveLimit`. */
  readonly autoApproveLimit: bigint;
  /** The bank's `autoApproveMinScore` (default 600). */
  readonly autoApproveMinScore?: bigint;
}

/** True when an application is approved at once: `amount ≤ autoApproveLimit` and `score ≥ autoApproveMinScore`. */
export function isAutoApproved(args: AutoApproveArgs): boolean {
  return args.amount <= args.autoApproveLimit && args.score >= (args.autoApproveMinScore ?? DEFAULT_AUTO_APPROVE_MIN_SCORE);
}

/** True while an application approved at `approvedAt` may still be drawn: `now − approvedAt ≤ windowMs` (7 days). */
export function isDrawWindowOpen(approvedAt: bigint, now: bigint, windowMs: bigint = DEFAULT_DRAW_WINDOW_MS): boolean {
  return now - approvedAt <= windowMs;
}

// ---------------------------------------------------------------------------------------------------------------
// Restructuring

/** The restructuring fee: `⌈principal · feeBps / 10_000⌉` (default 50 bps; the borrower owes it). */
export function restructuringFee(principal: bigint, feeBps: bigint = DEFAULT_RESTRUCTURE_FEE_BPS): bigint {
  requireNonNegative(principal, 'principal');
  requireBps(feeBps, 'feeBps');
  return mulDiv(principal, feeBps, BPS, 'up');
}

/** The inputs of {@link restructureDecision}. */
export interface RestructureArgs {
  /** Days requested (≥ 1). */
  readonly extraDays: bigint;
  /** Restructurings this loan already had. */
  readonly previousRestructurings: bigint;
  /** The loan's due-date state now. */
  readonly state: DueState;
  /** The collateral ratio now (bps). */
  readonly ratioBps: bigint;
  /** Longest automatic extension (default 14 days). */
  readonly maxAutoDays?: bigint;
  /** Lowest ratio for an automatic extension (default 12,000). */
  readonly minRatioBps?: bigint;
}

/**
 * Whether a restructuring request is granted at once or needs an officer: `automatic` for the first restructuring of
 * a loan that is not `Defaulted`, asks for at most 14 days and has a ratio ≥ 12,000; otherwise `needsApproval`.
 * A loan in its `GracePeriod` is late but not in default, so it may still extend automatically.
 */
export function restructureDecision(args: RestructureArgs): 'automatic' | 'needsApproval' {
  if (args.extraDays < 1n) throw new RangeError(`extraDays must be at least 1, got ${args.extraDays}`);
  const automatic =
    args.previousRestructurings === 0n &&
    args.state !== 'Defaulted' &&
    args.extraDays <= (args.maxAutoDays ?? DEFAULT_RESTRUCTURE_MAX_AUTO_DAYS) &&
    args.ratioBps >= (args.minRatioBps ?? DEFAULT_RESTRUCTURE_MIN_RATIO_BPS);
  return automatic ? 'automatic' : 'needsApproval';
}

/** The due date after a restructuring of `extraDays`: `dueAt + extraDays · DAY_MS`. */
export function extendDueDate(dueAt: bigint, extraDays: bigint): bigint {
  requireNonNegative(extraDays, 'extraDays');
  return dueAt + extraDays * DAY_MS;
}

// ---------------------------------------------------------------------------------------------------------------
// Reputation

/** An account's credit history (ECONOMICS.md §5). Counters only grow. */
export interface Reputation {
  /** Loans that reached an outcome (closed: repaid, or defaulted / fully liquidated and written off). */
  readonly totalLoans: bigint;
  /** Loans repaid in full by their due date. */
  readonly repaidOnTime: bigint;
  /** Loans repaid in full within 30 days of the draw ({@link PROMPT_REPAYMENT_MS}). */
  readonly repaidPrompt: bigint;
  /** Loans that defaulted. */
  readonly defaulted: bigint;
  /** Loans that were liquidated (each loan counted once). */
  readonly liquidated: bigint;
  /** Restructurings (not part of the score). */
  readonly restructured: bigint;
  /** Sum of whole days from draw to full repayment over the loans counted in `repaidOnTime`. */
  readonly daysToRepaySum: bigint;
  /** Block time (ms) of the last change. */
  readonly lastActivity: bigint;
}

/** The fields of {@link Reputation} the score reads. */
export type ScoreInputs = Pick<
  Reputation,
  'totalLoans' | 'repaidOnTime' | 'repaidPrompt' | 'defaulted' | 'liquidated' | 'daysToRepaySum'
>;

/**
 * The reputation score, an integer in `0 ..= 1000` (ECONOMICS.md §5): 600 with no loans yet, else
 *
 * ```
 * clamp(0, 1000, 400 + ⌊400·onTime/total⌋ + ⌊200·prompt/total⌋ − ⌊600·defaulted/total⌋ − ⌊200·liquidated/total⌋
 *                + (avgDaysToRepay < 7 ? 100 : 0))
 * ```
 *
 * Each term is floored on its own magnitude (a penalty term floors towards the smaller penalty). `avgDaysToRepay` is
 * `daysToRepaySum / repaidOnTime` and is compared exactly (`daysToRepaySum < 7 · repaidOnTime`, the same as its floor
 * being below 7); with no on-time repayment there is no average and no bonus.
 */
export function reputationScore(rep: ScoreInputs): bigint {
  const t = rep.totalLoans;
  requireNonNegative(t, 'totalLoans');
  requireNonNegative(rep.repaidOnTime, 'repaidOnTime');
  requireNonNegative(rep.repaidPrompt, 'repaidPrompt');
  requireNonNegative(rep.defaulted, 'defaulted');
  requireNonNegative(rep.liquidated, 'liquidated');
  requireNonNegative(rep.daysToRepaySum, 'daysToRepaySum');
  if (t === 0n) return NO_LOANS_SCORE;
  const fastBonus = rep.repaidOnTime > 0n && rep.daysToRepaySum < 7n * rep.repaidOnTime ? 100n : 0n;
  const raw =
    400n +
    (400n * rep.repaidOnTime) / t +
    (200n * rep.repaidPrompt) / t -
    (600n * rep.defaulted) / t -
    (200n * rep.liquidated) / t +
    fastBonus;
  return raw < 0n ? 0n : raw > MAX_SCORE ? MAX_SCORE : raw;
}

/** Whole days between two block times, rounded down (for `daysToRepaySum`). */
export function wholeDays(from: bigint, to: bigint): bigint {
  if (to < from) throw new RangeError(`${to} is before ${from}`);
  return (to - from) / DAY_MS;
}

/** True when a loan fully repaid at `repaidAt` was repaid on time: at or before its (current) due date. */
export function isRepaidOnTime(repaidAt: bigint, dueAt: bigint): boolean {
  return repaidAt <= dueAt;
}

/** True when a loan fully repaid at `repaidAt` counts as prompt: within 30 days of its draw (inclusive). */
export function isRepaidPrompt(drawnAt: bigint, repaidAt: bigint): boolean {
  return repaidAt - drawnAt <= PROMPT_REPAYMENT_MS;
}

// ---------------------------------------------------------------------------------------------------------------
// Quote

/** The inputs of {@link quoteLoan}. */
export interface QuoteArgs extends ContractRateArgs {
  /** The amount to borrow. */
  readonly amount: bigint;
  /** The term (days, ≥ 1). */
  readonly termDays: bigint;
}

/** One line of a quote's schedule: what repaying everything at the end of a discount tier costs. */
export interface QuoteLine {
  /** The tier's last moment, ms since draw. */
  readonly untilMs: bigint;
  /** The tier's discount (bps). */
  readonly discountBps: bigint;
  /** Interest charged when repaying in full at `untilMs`. */
  readonly interest: bigint;
  /** The discount granted then. */
  readonly earlyPaymentBonus: bigint;
  /** Principal plus interest. */
  readonly total: bigint;
}

/** A loan quote: the rate's factors and the cost of full repayment at the end of each discount tier. */
export interface Quote extends ContractRateFactors {
  /** The score used. */
  readonly score: bigint;
  /** One line per tier, up to the due date. */
  readonly schedule: QuoteLine[];
}

/**
 * What `loans_quote` reports: B, C, R, the contract rate, and for each discount tier the interest, discount and total
 * of repaying in full (one payment, no earlier touch) at the tier's last moment.
 */
export function quoteLoan(args: QuoteArgs): Quote {
  const factors = contractRateFactors(args);
  requireNonNegative(args.amount, 'amount');
  const termMs = args.termDays * DAY_MS;
  const terms: LoanTerms = { ratePpb: factors.ratePpb, minRateBps: args.minRateBps, drawnAt: 0n, dueAt: termMs };
  const schedule = discountSchedule(termMs).map((tier) => {
    const { owed } = owedAt(openAccount(args.amount, 0n), terms, tier.untilMs);
    return {
      untilMs: tier.untilMs,
      discountBps: owed.discountBps,
      interest: owed.interest,
      earlyPaymentBonus: owed.earlyPaymentBonus,
      total: owed.total,
    };
  });
  return { ...factors, score: args.score, schedule };
}
