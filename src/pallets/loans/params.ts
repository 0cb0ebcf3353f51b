/**
 * Defaults and governance bounds of the chain-wide loan parameters (ECONOMICS.md §5), and the consistency rules
 * between them (hard floor < liquidation ratio < margin-call ratio; liquidation target > 10_000 + penalty). Pure.
 */
import type { Bounds } from '../banks/params.js';
import {
  DAY_MS,
  DEFAULT_DRAW_WINDOW_MS,
  DEFAULT_DUE_GRACE_MS,
  DEFAULT_DUE_SOON_MS,
  DEFAULT_HARD_FLOOR_RATIO_BPS,
  DEFAULT_LIQUIDATION_GRACE_MS,
  DEFAULT_LIQUIDATION_PENALTY_BPS,
  DEFAULT_LIQUIDATION_RATIO_BPS,
  DEFAULT_LIQUIDATION_TARGET_BPS,
  DEFAULT_MARGIN_CALL_RATIO_BPS,
  DEFAULT_RESTRUCTURE_FEE_BPS,
  DEFAULT_RESTRUCTURE_MAX_AUTO_DAYS,
  DEFAULT_RESTRUCTURE_MIN_RATIO_BPS,
  HOUR_MS,
} from './math.js';
import type { LoansParamsValue } from './types.js';

/** The default loan parameters. */
export const DEFAULT_LOANS_PARAMS: LoansParamsValue = {
  marginCallRatioBps: DEFAULT_MARGIN_CALL_RATIO_BPS,
  liquidationRatioBps: DEFAULT_LIQUIDATION_RATIO_BPS,
  hardFloorRatioBps: DEFAULT_HARD_FLOOR_RATIO_BPS,
  liquidationTargetBps: DEFAULT_LIQUIDATION_TARGET_BPS,
  liquidationPenaltyBps: DEFAULT_LIQUIDATION_PENALTY_BPS,
  liquidationGraceMs: DEFAULT_LIQUIDATION_GRACE_MS,
  dueSoonMs: DEFAULT_DUE_SOON_MS,
  dueGraceMs: DEFAULT_DUE_GRACE_MS,
  drawWindowMs: DEFAULT_DRAW_WINDOW_MS,
  maxChecksPerBlock: 64n,
  restructureMaxAutoDays: DEFAULT_RESTRUCTURE_MAX_AUTO_DAYS,
  restructureMinRatioBps: DEFAULT_RESTRUCTURE_MIN_RATIO_BPS,
  restructureFeeBps: DEFAULT_RESTRUCTURE_FEE_BPS,
  restructureMaxDays: 90n,
};

/** Governance bounds of the loan parameters. */
export const LOANS_PARAM_BOUNDS: Bounds<LoansParamsValue> = {
  marginCallRatioBps: { min: 11_000n, max: 20_000n, maxStep: 1_000n },
  liquidationRatioBps: { min: 10_500n, max: 15_000n, maxStep: 1_000n },
  hardFloorRatioBps: { min: 10_000n, max: 14_000n, maxStep: 500n },
  liquidationTargetBps: { min: 12_000n, max: 30_000n, maxStep: 2_000n },
  liquidationPenaltyBps: { min: 0n, max: 2_000n, maxStep: 250n },
  liquidationGraceMs: { min: 0n, max: 7n * DAY_MS, maxStep: 24n * HOUR_MS },
  dueSoonMs: { min: DAY_MS, max: 30n * DAY_MS, maxStep: 7n * DAY_MS },
  dueGraceMs: { min: 0n, max: 30n * DAY_MS, maxStep: 3n * DAY_MS },
  drawWindowMs: { min: DAY_MS, max: 30n * DAY_MS, maxStep: 7n * DAY_MS },
  // At least one check per block; at most what a block can afford (each check reads a loan and its certificates).
  maxChecksPerBlock: { min: 1n, max: 1_024n, maxStep: 256n },
  restructureMaxAutoDays: { min: 0n, max: 60n, maxStep: 14n },
  restructureMinRatioBps: { min: 10_000n, max: 30_000n, maxStep: 2_000n },
  restructureFeeBps: { min: 0n, max: 1_000n, maxStep: 100n },
  restructureMaxDays: { min: 1n, max: 365n, maxStep: 90n },
};

/** Why a set of loan parameters is inconsistent, or `undefined`. */
export function inconsistency(p: LoansParamsValue): string | undefined {
  if (!(p.hardFloorRatioBps < p.liquidationRatioBps && p.liquidationRatioBps < p.marginCallRatioBps)) {
    return `need hardFloor ${p.hardFloorRatioBps} < liquidation ${p.liquidationRatioBps} < marginCall ${p.marginCallRatioBps}`;
  }
  // No partial liquidation can restore a target at or below 1 + penalty (loans/README.md).
  if (p.liquidationTargetBps <= 10_000n + p.liquidationPenaltyBps) return `liquidationTarget ${p.liquidationTargetBps} must exceed 10_000 + penalty ${p.liquidationPenaltyBps}`;
  if (p.liquidationTargetBps <= p.marginCallRatioBps) return `liquidationTarget ${p.liquidationTargetBps} must exceed marginCall ${p.marginCallRatioBps}`;
  if (p.restructureMaxAutoDays > p.restructureMaxDays) return `restructureMaxAutoDays ${p.restructureMaxAutoDays} above restructureMaxDays ${p.restructureMaxDays}`;
  return undefined;
}
