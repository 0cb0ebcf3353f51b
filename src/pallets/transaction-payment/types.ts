/**
 * Types of the TransactionPayment pallet.
 */

/** Pallet index of TransactionPayment. */
export const TRANSACTION_PAYMENT_INDEX = 3;

/** Fee parameters. */
export interface FeeConfig {
  /** Weight charged for every extrinsic on top of its call (ref time, ps). */
  baseExtrinsicWeight: bigint;
  /** XFG base units per unit of ref time, as a fraction. */
  weightFeeNumerator: bigint;
  weightFeeDenominator: bigint;
  /** XFG base units per byte of the encoded extrinsic. */
  byteFee: bigint;
  /** Share of the fee (without tip) that goes to the treasury, 0–10,000 bps; the author gets the rest and the tip. */
  treasuryShareBps: bigint;
}

/** The parts of a fee, as `payment_queryFeeDetails` reports them (the framework's type: the executive charges it). */
export type { FeeDetails } from '../../runtime/services.js';
