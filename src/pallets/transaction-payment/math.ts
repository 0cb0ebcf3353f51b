/**
 * The fee schedule: fee = weightToFee(baseExtrinsicWeight + callWeight) + length × byteFee + tip; amounts owed round
 * up, the treasury's share of a fee rounds down. Charging and distribution go through a {@link Currency}.
 */
import { mulDiv } from '../../primitives/arith.js';
import type { DispatchContext } from '../../runtime/dispatch.js';
import type { Currency } from '../balances/interface.js';
import { transactionPaymentEvent } from './events.js';
import type { FeeConfig, FeeDetails } from './types.js';

/** The fee schedule and its charging, bound to a currency and a treasury account. */
export function feeSchedule(config: FeeConfig, currency: Currency, treasury: Uint8Array) {
  /** weight → fee, rounded up (the payer owes it). */
  const weightToFee = (refTime: bigint): bigint => mulDiv(refTime, config.weightFeeNumerator, config.weightFeeDenominator, 'up');

  /** The fee of an extrinsic of `length` bytes whose call weighs `callWeight`; zero when the call pays no fee. */
  function computeFee(length: number, callWeight: bigint, tip: bigint, paysFee: boolean): FeeDetails {
    if (!paysFee) return { baseFee: 0n, lenFee: 0n, adjustedWeightFee: 0n, tip: 0n };
    return {
      baseFee: weightToFee(config.baseExtrinsicWeight),
      lenFee: BigInt(length) * config.byteFee,
      adjustedWeightFee: weightToFee(callWeight),
      tip,
    };
  }

  /** Total of a fee's parts. */
  const total = (f: FeeDetails) => f.baseFee + f.lenFee + f.adjustedWeightFee + f.tip;

  /** Take the fee from `who` before dispatch (keep-alive). Throws when it cannot be paid. */
  function withdrawFee(ctx: DispatchContext, who: Uint8Array, fee: FeeDetails): void {
    currency.withdraw(ctx, who, total(fee), true);
  }

  /** After dispatch: pay the treasury and the author, emit `TransactionFeePaid`. */
  function distributeFee(ctx: DispatchContext, who: Uint8Array, fee: FeeDetails, author: Uint8Array | undefined): void {
    const all = total(fee);
    if (all === 0n) return;
    const withoutTip = all - fee.tip;
    // The treasury's part rounds down (a payout); the author gets the remainder and the tip.
    const toTreasury = author ? mulDiv(withoutTip, config.treasuryShareBps, 10_000n, 'down') : all;
    const toAuthor = all - toTreasury;
    currency.depositOrBurn(ctx, treasury, toTreasury);
    if (author && toAuthor > 0n) currency.depositOrBurn(ctx, author, toAuthor);
    ctx.deposit(transactionPaymentEvent('TransactionFeePaid', { who, actualFee: all, tip: fee.tip }));
  }

  return { computeFee, total, withdrawFee, distributeFee, weightToFee };
}
