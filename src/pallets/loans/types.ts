/**
 * SCALE schemas of the Loans pallet (ECONOMICS.md §5); the TypeScript types are derived from them. Amounts UDST
 * base units (`u128`), rates ppb per year and ratios bps (`u64`, ratios `u128` where they may be unbounded), times
 * block ms (`u64`), ids `u64` counters.
 */
import { bool, bytes, enumeration, fields, option, struct, u32, u64, u128, vec, type ValueOf } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { LoanKind } from '../banks/types.js';

/** Most certificates one loan may pledge. */
export const MAX_CERTIFICATES = 16;
/** Most payments kept in a loan's history; older ones are folded into its summary. */
export const MAX_HISTORY = 16;
/** Longest purpose text (bytes). */
export const MAX_PURPOSE_BYTES = 256;

/** Where an application stands. */
export const ApplicationStatus = enumeration(['pallet_loans', 'types', 'ApplicationStatus'], {
  Pending: null,
  UnderReview: fields({ officer: AccountId32 }),
  Approved: fields({ at: u64 }),
  Rejected: fields({ officer: AccountId32 }),
  Drawn: fields({ loanId: u64 }),
  Cancelled: null,
});
/** {@link ApplicationStatus} as a value. */
export type ApplicationStatusValue = ValueOf<typeof ApplicationStatus>;

/** A loan application. */
export const Application = struct(['pallet_loans', 'types', 'Application'], {
  bank: u32,
  borrower: AccountId32,
  kind: LoanKind,
  amount: u128,
  termDays: u64,
  certificates: vec(u64, MAX_CERTIFICATES),
  purpose: bytes,
  status: ApplicationStatus,
  /** Block time (ms) of the application. */
  createdAt: u64,
});
/** {@link Application} as a value. */
export type ApplicationValue = ValueOf<typeof Application>;

/** The state of a loan. The first four are open, the last three closed. */
export const LoanState = enumeration(['pallet_loans', 'types', 'LoanState'], {
  Active: null,
  MarginCall: null,
  GracePeriod: null,
  Defaulted: null,
  Repaid: null,
  Liquidated: null,
  WrittenOff: null,
});
/** {@link LoanState} as a value. */
export type LoanStateValue = ValueOf<typeof LoanState>;
/** The name of a loan state. */
export type LoanStateName = LoanStateValue['tag'];
/** States of a loan that is over. */
export const CLOSED_STATES: readonly LoanStateName[] = ['Repaid', 'Liquidated', 'WrittenOff'];

/** One payment in a loan's history (repayments and auction proceeds). */
export const Payment = struct(['pallet_loans', 'types', 'Payment'], {
  amount: u128,
  at: u64,
  interestPaid: u128,
  principalPaid: u128,
  earlyPaymentBonus: u128,
});
/** {@link Payment} as a value. */
export type PaymentValue = ValueOf<typeof Payment>;

/** The payments folded out of a bounded history: their count and sums. */
export const PaymentSummary = struct(['pallet_loans', 'types', 'PaymentSummary'], {
  count: u64,
  amount: u128,
  interestPaid: u128,
  principalPaid: u128,
  earlyPaymentBonus: u128,
});
/** {@link PaymentSummary} as a value. */
export type PaymentSummaryValue = ValueOf<typeof PaymentSummary>;

/** A liquidation in progress: the auction and what its proceeds still pay, in order. */
export const Liquidation = struct(['pallet_loans', 'types', 'Liquidation'], {
  auctionId: u64,
  interestDue: u128,
  principalDue: u128,
  penaltyDue: u128,
  /** The whole collateral and debt went to auction (default, or no partial answer); interest is frozen. */
  full: bool,
});
/** {@link Liquidation} as a value. */
export type LiquidationValue = ValueOf<typeof Liquidation>;

/** A drawn loan. */
export const Loan = struct(['pallet_loans', 'types', 'Loan'], {
  bank: u32,
  borrower: AccountId32,
  kind: LoanKind,
  certificates: vec(u64, MAX_CERTIFICATES),
  /** Principal minted at draw. */
  principalDrawn: u128,
  /** Outstanding principal. */
  principal: u128,
  /** Accrued unpaid on-time interest, undiscounted. */
  accruedOnTime: u128,
  /** Accrued unpaid late interest. */
  accruedLate: u128,
  /** What the unpaid on-time spans cost at `minRate` (the discount floor). */
  accruedFloor: u128,
  /** Interest is accrued up to this block time (ms). */
  accruedAt: u64,
  /** Contract rate, fixed at draw (ppb per year). */
  ratePpb: u64,
  /** The bank's `minRate` at draw (bps per year). */
  minRateBps: u64,
  drawnAt: u64,
  /** Current due date (ms), moved by restructuring. */
  dueAt: u64,
  state: LoanState,
  /** First observation below the liquidation ratio not followed by a recovery. */
  belowLiquidationSince: option(u64),
  /** `RepaymentDueSoon` was emitted. */
  dueSoonNotified: bool,
  /** Restructurings granted (u64 counter). */
  restructurings: u64,
  liquidation: option(Liquidation),
  /** Interest no longer accrues (full liquidation or write-off). */
  accrualStopped: bool,
  /** The loan was liquidated at least once (reputation counts it once). */
  liquidatedOnce: bool,
  /** The loan's outcome is in the borrower's `totalLoans` (at default or close). */
  outcomeCounted: bool,
  /** Principal paid back so far (repayments and auction proceeds). */
  principalRepaid: u128,
  /** Interest paid so far. */
  interestPaid: u128,
  /** Principal written off as bad debt. */
  writtenOff: u128,
  history: vec(Payment, MAX_HISTORY),
  historySummary: PaymentSummary,
});
/** {@link Loan} as a value. */
export type LoanValue = ValueOf<typeof Loan>;

/** An account's credit history (ECONOMICS.md §5 Reputation). */
export const Reputation = struct(['pallet_loans', 'types', 'Reputation'], {
  totalLoans: u64,
  repaidOnTime: u64,
  repaidPrompt: u64,
  defaulted: u64,
  liquidated: u64,
  restructured: u64,
  daysToRepaySum: u64,
  lastActivity: u64,
});
/** {@link Reputation} as a value. */
export type ReputationValue = ValueOf<typeof Reputation>;

/** A restructuring waiting for an officer. */
export const RestructureRequest = struct(['pallet_loans', 'types', 'RestructureRequest'], { extraDays: u64, requestedAt: u64 });
/** {@link RestructureRequest} as a value. */
export type RestructureRequestValue = ValueOf<typeof RestructureRequest>;

/** Chain-wide loan parameters (ECONOMICS.md §5), each within governance bounds. */
export const LoansParams = struct(['pallet_loans', 'types', 'LoansParams'], {
  marginCallRatioBps: u64,
  liquidationRatioBps: u64,
  hardFloorRatioBps: u64,
  liquidationTargetBps: u64,
  liquidationPenaltyBps: u64,
  liquidationGraceMs: u64,
  dueSoonMs: u64,
  dueGraceMs: u64,
  drawWindowMs: u64,
  /** Loans checked per block by the round-robin scan. */
  maxChecksPerBlock: u64,
  restructureMaxAutoDays: u64,
  restructureMinRatioBps: u64,
  restructureFeeBps: u64,
  /** Longest extension an officer may grant (days). */
  restructureMaxDays: u64,
});
/** {@link LoansParams} as a value. */
export type LoansParamsValue = ValueOf<typeof LoansParams>;

/** One line of a quote's schedule. */
export const QuoteLine = struct(['pallet_loans', 'types', 'QuoteLine'], { untilMs: u64, discountBps: u64, interest: u128, earlyPaymentBonus: u128, total: u128 });

/** What `LoansApi_quote` / `loans_quote` report. */
export const LoanQuote = struct(['pallet_loans', 'types', 'LoanQuote'], {
  /** `B = baseRate + riskPremium` (bps). */
  b: u64,
  /** Collateral tier (bps). */
  c: u64,
  /** Reputation tier (bps). */
  r: u64,
  score: u64,
  /** Collateral value / amount (bps). */
  ratioBps: u128,
  /** Contract rate (ppb per year). */
  ratePpb: u64,
  minRateBps: u64,
  originationFee: u128,
  /** Whether the application would be approved at once. */
  autoApproved: bool,
  /** Reasons the application would be refused now (empty when it would be accepted). */
  refusals: vec(bytes, 16),
  schedule: vec(QuoteLine, 8),
});
/** {@link LoanQuote} as a value. */
export type LoanQuoteValue = ValueOf<typeof LoanQuote>;

/** The next deadline of a loan. */
export const Deadline = enumeration(['pallet_loans', 'types', 'Deadline'], {
  DueSoon: u64,
  Due: u64,
  GraceEnds: u64,
  LiquidationGraceEnds: u64,
});

/** What `LoansApi_status` / `loans_status` report. */
export const LoanStatus = struct(['pallet_loans', 'types', 'LoanStatus'], {
  loanId: u64,
  borrower: AccountId32,
  bank: u32,
  state: LoanState,
  principal: u128,
  /** Interest due now after the prompt-repayment discount (what a full payment now pays). */
  interestDue: u128,
  /** Interest due now without the discount. */
  interestUndiscounted: u128,
  discountBps: u64,
  /** Principal plus discounted interest: what `repay_all` pays now. */
  total: u128,
  /** Principal plus undiscounted interest (ratio checks). */
  debt: u128,
  collateralXfg: u128,
  /** Collateral value at the oracle price, when there is one. */
  collateralValue: option(u128),
  ratioBps: option(u128),
  ratePpb: u64,
  drawnAt: u64,
  dueAt: u64,
  /** Block time the figures are computed at. */
  at: u64,
  nextDeadline: option(Deadline),
  auctionId: option(u64),
  history: vec(Payment, MAX_HISTORY),
  historySummary: PaymentSummary,
});
/** {@link LoanStatus} as a value. */
export type LoanStatusValue = ValueOf<typeof LoanStatus>;

/** Pallet index of Loans (fixed: part of every call's encoding). */
export const LOANS_INDEX = 14;
