/**
 * The pure integer maths of the Banks pallet (ECONOMICS.md §4): lender shares of a bank's reserves, credit capacity,
 * the reserves free for withdrawal, and the fees that flow into reserves and the treasury.
 *
 * UDST base units throughout; rates in basis points (`10_000` = 100 %). Every division names its rounding: what a
 * lender or the treasury is paid or credited rounds down, what a borrower owes rounds up, and the reserves that must
 * stay to back credit round up.
 */
import { divRound, minBig, mulDiv } from '../../primitives/arith.js';

/** Basis points in one whole. */
export const BPS = 10_000n;

/** Default leverage cap: outstanding principal up to 100,000 bps (10×) of reserves. */
export const DEFAULT_LEVERAGE_CAP_BPS = 100_000n;

/** Default treasury share of interest income: 1,000 bps (10 %). */
export const DEFAULT_PROTOCOL_FEE_SHARE_BPS = 1_000n;

/** Default origination fee: 50 bps of the drawn principal. */
export const DEFAULT_ORIGINATION_FEE_BPS = 50n;

function requireNonNegative(x: bigint, name: string): void {
  if (x < 0n) throw new RangeError(`${name} must be non-negative, got ${x}`);
}

function requireBps(x: bigint, name: string): void {
  if (x < 0n || x > BPS) throw new RangeError(`${name} must be within 0..=10_000 bps, got ${x}`);
}

/**
 * Shares minted for depositing `amount` UDST into a bank: `amount · totalShares / reserves`, rounded down (the
 * depositor is credited). The first deposit (no shares yet, `totalShares = 0`) gets shares 1:1, whatever the
 * reserves hold (reserves without holders go to the first depositor: see the README).
 *
 * When shares exist but the reserves are 0 (bad debt wiped them out) the shares have no value and no price: this
 * throws `ArithmeticError('DivisionByZero')`; the pallet refuses deposits to such a bank. The result can be 0 for a
 * deposit smaller than the value of one share; the pallet refuses those too (the deposit would be a gift).
 */
export function sharesForDeposit(amount: bigint, totalShares: bigint, reserves: bigint): bigint {
  requireNonNegative(amount, 'amount');
  requireNonNegative(totalShares, 'totalShares');
  requireNonNegative(reserves, 'reserves');
  if (totalShares === 0n) return amount;
  return mulDiv(amount, totalShares, reserves, 'down');
}

/**
 * UDST paid for redeeming `shares`: `shares · reserves / totalShares`, rounded down (the lender is paid). With no
 * shares in existence the only valid redemption is of 0 shares, worth 0. `shares > totalShares` throws `RangeError`.
 */
export function amountForShares(shares: bigint, totalShares: bigint, reserves: bigint): bigint {
  requireNonNegative(shares, 'shares');
  requireNonNegative(totalShares, 'totalShares');
  requireNonNegative(reserves, 'reserves');
  if (shares > totalShares) throw new RangeError(`cannot redeem ${shares} of ${totalShares} shares`);
  if (shares === 0n) return 0n;
  return mulDiv(shares, reserves, totalShares, 'down');
}

/**
 * The most principal a bank may have outstanding: `min(creditCeiling, reserves · leverageCapBps / 10_000)`, the
 * product rounded down (capacity is a limit on what is lent: rounding it up would lend against reserves that are not
 * there).
 */
export function creditCapacity(creditCeiling: bigint, reserves: bigint, leverageCapBps: bigint): bigint {
  requireNonNegative(creditCeiling, 'creditCeiling');
  requireNonNegative(reserves, 'reserves');
  requireNonNegative(leverageCapBps, 'leverageCapBps');
  return minBig(creditCeiling, mulDiv(reserves, leverageCapBps, BPS, 'down'));
}

/** Credit a bank can still extend: `capacity − outstanding`, or 0 when outstanding already meets or exceeds it. */
export function availableCredit(
  creditCeiling: bigint,
  reserves: bigint,
  leverageCapBps: bigint,
  outstanding: bigint,
): bigint {
  requireNonNegative(outstanding, 'outstanding');
  const cap = creditCapacity(creditCeiling, reserves, leverageCapBps);
  return cap > outstanding ? cap - outstanding : 0n;
}

/**
 * The smallest reserves that back `outstanding` principal at the leverage cap: the least `R` with
 * `⌊R · leverageCapBps / 10_000⌋ ≥ outstanding`, which is `⌈outstanding · 10_000 / leverageCapBps⌉` (rounded up:
 * the reserves that must stay). A zero leverage cap backs nothing: with outstanding credit the answer is `undefined`
 * (no amount of reserves is enough), with none it is 0.
 */
export function requiredReserves(outstanding: bigint, leverageCapBps: bigint): bigint | undefined {
  requireNonNegative(outstanding, 'outstanding');
  requireNonNegative(leverageCapBps, 'leverageCapBps');
  if (outstanding === 0n) return 0n;
  if (leverageCapBps === 0n) return undefined;
  return divRound(outstanding * BPS, leverageCapBps, 'up');
}

/**
 * Reserves not needed to back outstanding credit: `reserves − requiredReserves(outstanding)`, or 0. Withdrawing up
 * to this keeps `outstanding ≤ ⌊reserves' · leverageCap / 10_000⌋` after the withdrawal.
 */
export function freeReserves(reserves: bigint, outstanding: bigint, leverageCapBps: bigint): bigint {
  requireNonNegative(reserves, 'reserves');
  const need = requiredReserves(outstanding, leverageCapBps);
  if (need === undefined) return 0n;
  return reserves > need ? reserves - need : 0n;
}

/** The arguments of {@link withdrawable}. */
export interface WithdrawableArgs {
  /** The lender's shares. */
  readonly shares: bigint;
  /** All shares of the bank. */
  readonly totalShares: bigint;
  /** The bank's reserves (UDST base units). */
  readonly reserves: bigint;
  /** The bank's outstanding principal. */
  readonly outstanding: bigint;
  /** The bank's leverage cap (bps of reserves). */
  readonly leverageCapBps: bigint;
}

/**
 * The most UDST a lender can take out now: the value of their shares ({@link amountForShares}, down), limited to
 * the reserves not needed to back outstanding credit ({@link freeReserves}).
 *
 * Only the leverage cap binds withdrawals, not the credit ceiling: a ceiling lowered below the outstanding principal
 * (by governance or redistribution) stops new draws but does not lock lenders' reserves that no credit needs.
 * A lender redeeming shares worth more than this is refused (`InsufficientFreeReserves`).
 */
export function withdrawable(args: WithdrawableArgs): bigint {
  const value = amountForShares(args.shares, args.totalShares, args.reserves);
  return minBig(value, freeReserves(args.reserves, args.outstanding, args.leverageCapBps));
}

/**
 * The treasury's part of `interest` income: `interest · protocolFeeShareBps / 10_000`, rounded down (the treasury is
 * paid). The bank's reserves take the rest, `interest − protocolFee`, so the two always add up to `interest`.
 */
export function protocolFee(interest: bigint, protocolFeeShareBps: bigint): bigint {
  requireNonNegative(interest, 'interest');
  requireBps(protocolFeeShareBps, 'protocolFeeShareBps');
  return mulDiv(interest, protocolFeeShareBps, BPS, 'down');
}

/** How interest income is divided between the treasury and the bank's reserves (they sum to the interest). */
export interface InterestSplit {
  /** To the treasury ({@link protocolFee}, rounded down). */
  readonly treasury: bigint;
  /** To the bank's reserves: the remainder. */
  readonly reserves: bigint;
}

/** Divides interest income: the treasury's {@link protocolFee}, the rest to reserves. Conserves the interest exactly. */
export function splitInterest(interest: bigint, protocolFeeShareBps: bigint): InterestSplit {
  const treasury = protocolFee(interest, protocolFeeShareBps);
  return { treasury, reserves: interest - treasury };
}

/**
 * The origination fee on drawing `principal`: `principal · originationFeeBps / 10_000`, rounded up (the borrower
 * owes it). Goes to the bank's reserves.
 */
export function originationFee(principal: bigint, originationFeeBps: bigint): bigint {
  requireNonNegative(principal, 'principal');
  requireBps(originationFeeBps, 'originationFeeBps');
  return mulDiv(principal, originationFeeBps, BPS, 'up');
}

/** What is left after reserves absorb a loss. */
export interface LossAbsorption {
  /** The reserves after the loss. */
  readonly reserves: bigint;
  /** The part of the loss the reserves could not cover (0 unless the reserves ran out). */
  readonly uncovered: bigint;
}

/**
 * Reserves absorb bad debt first (ECONOMICS.md §4): they fall by the loss, down to 0; any excess is reported as
 * `uncovered` (the pallet records it as written-off issuance). Shares keep their number and lose value.
 */
export function absorbLoss(reserves: bigint, loss: bigint): LossAbsorption {
  requireNonNegative(reserves, 'reserves');
  requireNonNegative(loss, 'loss');
  return loss <= reserves ? { reserves: reserves - loss, uncovered: 0n } : { reserves: 0n, uncovered: loss - reserves };
}
