/**
 * Defaults and governance bounds of the bank parameters (ECONOMICS.md §0: every parameter has a genesis default, a
 * `[min, max]` bound and a maximum step per change). Amount bounds scale with the UDST decimals. Pure.
 */
import { DEFAULT_LEVERAGE_CAP_BPS, DEFAULT_ORIGINATION_FEE_BPS, DEFAULT_PROTOCOL_FEE_SHARE_BPS } from './math.js';
import { DEFAULT_AUTO_APPROVE_MIN_SCORE, DEFAULT_BASE_RATE_BPS, DEFAULT_MIN_COLLATERAL_RATIO_BPS, DEFAULT_MIN_RATE_BPS, DEFAULT_RISK_PREMIUM_BPS, type BankParamsValue, type KindParamsValue } from './types.js';

/** A parameter's bound: `min ≤ value ≤ max`, and a change moves it by at most `maxStep`. */
export interface ParamBound {
  readonly min: bigint;
  readonly max: bigint;
  readonly maxStep: bigint;
}

/** Bounds of every field of a parameter struct. */
export type Bounds<T> = { readonly [K in keyof T]: ParamBound };

/** Why a parameter value is refused. */
export type ParamViolation = { field: string; reason: 'OutOfBounds' | 'StepTooLarge'; value: bigint; bound: ParamBound };

/**
 * Check `next` against `bounds`, and against `previous` (when given) for the step. Returns the first violation in
 * field order, or `undefined`.
 */
export function checkParams<T extends Record<string, bigint>>(next: T, bounds: Bounds<T>, previous?: T): ParamViolation | undefined {
  for (const field of Object.keys(bounds) as Array<keyof T & string>) {
    const b = bounds[field];
    const v = next[field];
    if (v < b.min || v > b.max) return { field, reason: 'OutOfBounds', value: v, bound: b };
    if (previous !== undefined) {
      const d = v > previous[field] ? v - previous[field] : previous[field] - v;
      if (d > b.maxStep) return { field, reason: 'StepTooLarge', value: v, bound: b };
    }
  }
  return undefined;
}

/** One whole UDST in base units for `udstDecimals` (0 ..= 30). */
export function udstUnit(udstDecimals: number): bigint {
  return 10n ** BigInt(udstDecimals);
}

/** Default bank parameters (ECONOMICS.md §4–5). `autoApproveLimit` 1,000 UDST, `minDebt` 1 UDST. */
export function defaultBankParams(udstDecimals: number): BankParamsValue {
  const u = udstUnit(udstDecimals);
  return {
    riskPremiumBps: DEFAULT_RISK_PREMIUM_BPS,
    minRateBps: DEFAULT_MIN_RATE_BPS,
    autoApproveLimit: 1_000n * u,
    autoApproveMinScore: DEFAULT_AUTO_APPROVE_MIN_SCORE,
    minDebt: u,
    leverageCapBps: DEFAULT_LEVERAGE_CAP_BPS,
    protocolFeeShareBps: DEFAULT_PROTOCOL_FEE_SHARE_BPS,
    originationFeeBps: DEFAULT_ORIGINATION_FEE_BPS,
  };
}

/** Governance bounds of the bank parameters. */
export function bankParamBounds(udstDecimals: number): Bounds<BankParamsValue> {
  const u = udstUnit(udstDecimals);
  return {
    riskPremiumBps: { min: 0n, max: 5_000n, maxStep: 500n },
    minRateBps: { min: 0n, max: 2_000n, maxStep: 100n },
    autoApproveLimit: { min: 0n, max: 1_000_000n * u, maxStep: 100_000n * u },
    autoApproveMinScore: { min: 0n, max: 1_000n, maxStep: 100n },
    minDebt: { min: 0n, max: 10_000n * u, maxStep: 1_000n * u },
    // Below 1× the bank would lend less than it holds; above 20× a small loss wipes out the reserves.
    leverageCapBps: { min: 10_000n, max: 200_000n, maxStep: 20_000n },
    protocolFeeShareBps: { min: 0n, max: 5_000n, maxStep: 500n },
    originationFeeBps: { min: 0n, max: 500n, maxStep: 50n },
  };
}

/** Default parameters of a loan kind: 100,000 UDST at most, 150 % collateral, one year, 12 % base rate. */
export function defaultKindParams(udstDecimals: number): KindParamsValue {
  return {
    maxAmount: 100_000n * udstUnit(udstDecimals),
    minCollateralRatioBps: DEFAULT_MIN_COLLATERAL_RATIO_BPS,
    maxTermDays: 365n,
    baseRateBps: DEFAULT_BASE_RATE_BPS,
  };
}

/** Governance bounds of a loan kind's parameters. */
export function kindParamBounds(udstDecimals: number): Bounds<KindParamsValue> {
  const u = udstUnit(udstDecimals);
  return {
    maxAmount: { min: 0n, max: 10_000_000n * u, maxStep: 1_000_000n * u },
    // At least the margin-call ratio: a loan must not start in a margin call.
    minCollateralRatioBps: { min: 12_000n, max: 40_000n, maxStep: 2_000n },
    maxTermDays: { min: 1n, max: 3_650n, maxStep: 365n },
    baseRateBps: { min: 0n, max: 5_000n, maxStep: 200n },
  };
}

/** Bound of the credit ceiling (UDST base units): up to 1e9 UDST, moved by at most 1e8 UDST at a time. */
export function creditCeilingBound(udstDecimals: number): ParamBound {
  const u = udstUnit(udstDecimals);
  return { min: 0n, max: 1_000_000_000n * u, maxStep: 100_000_000n * u };
}
