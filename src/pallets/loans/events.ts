/** Events of the Loans pallet: past tense, named fields. */
import { bool, enumeration, fields, u32, u64, u128 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { eventFactory } from '../../runtime/pallet.js';
import { LoanKind } from '../banks/types.js';
import { LoansParams } from './types.js';

/** Events of Loans. */
export const LoansEvents = enumeration(
  ['pallet_loans', 'pallet', 'Event'],
  {
    Applied: fields({ applicationId: u64, borrower: AccountId32, bank: u32, kind: LoanKind, amount: u128, termDays: u64, autoApproved: bool }),
    ReviewStarted: fields({ applicationId: u64, officer: AccountId32 }),
    Approved: fields({ applicationId: u64, officer: AccountId32 }),
    Rejected: fields({ applicationId: u64, officer: AccountId32 }),
    Cancelled: fields({ applicationId: u64 }),
    LoanDrawn: fields({ loanId: u64, borrower: AccountId32, bank: u32, amount: u128, fee: u128, ratePpb: u64, dueAt: u64 }),
    RepaymentMade: fields({ loanId: u64, amount: u128, interestPaid: u128, principalPaid: u128, earlyPaymentBonus: u128 }),
    Repaid: fields({ loanId: u64, borrower: AccountId32, onTime: bool, prompt: bool }),
    CollateralAdded: fields({ loanId: u64, certificate: u64 }),
    CollateralWithdrawn: fields({ loanId: u64, certificate: u64 }),
    MarginCalled: fields({ loanId: u64, ratioBps: u128 }),
    MarginCallCleared: fields({ loanId: u64, ratioBps: u128 }),
    BelowLiquidationRatio: fields({ loanId: u64, ratioBps: u128, since: u64 }),
    LiquidationStarted: fields({ loanId: u64, auctionId: u64, repay: u128, penalty: u128, lotXfg: u128, full: bool }),
    CollateralSold: fields({ loanId: u64, auctionId: u64, xfg: u128, udst: u128, interestPaid: u128, principalPaid: u128, penaltyPaid: u128 }),
    LiquidationEnded: fields({ loanId: u64, auctionId: u64, unsoldXfg: u128, debtLeft: u128 }),
    BadDebt: fields({ loanId: u64, bank: u32, principal: u128, interest: u128, covered: u128, uncovered: u128 }),
    RepaymentDueSoon: fields({ loanId: u64, dueAt: u64 }),
    GracePeriodStarted: fields({ loanId: u64, dueAt: u64, graceEndsAt: u64 }),
    Defaulted: fields({ loanId: u64, borrower: AccountId32 }),
    Closed: fields({ loanId: u64, releasedCertificates: u32 }),
    RestructureRequested: fields({ loanId: u64, extraDays: u64 }),
    Restructured: fields({ loanId: u64, extraDays: u64, fee: u128, dueAt: u64, automatic: bool }),
    RestructureRejected: fields({ loanId: u64, officer: AccountId32 }),
    CheckFailed: fields({ loanId: u64 }),
    ParamsSet: fields({ params: LoansParams }),
  },
  {
    params: [{ name: 'T' }],
    docs: ['The `Event` enum of this pallet'],
    variantDocs: {
      Applied: ['A loan was applied for; `auto_approved` when approved at once.'],
      ReviewStarted: ['An officer took an application under review.'],
      Approved: ['An officer approved an application.'],
      Rejected: ['An officer rejected an application.'],
      Cancelled: ['The borrower withdrew an application.'],
      LoanDrawn: ['An approved application was drawn: `amount` minted (less `fee` to reserves), certificates pledged, rate fixed.'],
      RepaymentMade: ['A payment was applied: interest first, then principal; `early_payment_bonus` is the discount granted.'],
      Repaid: ['A loan was repaid in full and closed.'],
      CollateralAdded: ['A certificate was pledged to a loan.'],
      CollateralWithdrawn: ['A certificate was released from a loan.'],
      MarginCalled: ['A loan\'s ratio fell below the margin-call ratio.'],
      MarginCallCleared: ['A loan\'s ratio recovered above the margin-call ratio.'],
      BelowLiquidationRatio: ['A loan\'s ratio was first seen below the liquidation ratio; liquidation follows after the grace.'],
      LiquidationStarted: ['Collateral went to auction to repay `repay` of debt plus `penalty`.'],
      CollateralSold: ['An auction sold collateral; the proceeds paid interest, principal and penalty.'],
      LiquidationEnded: ['A loan\'s auction ended; unsold XFG stays in the borrower\'s certificates.'],
      BadDebt: ['Debt left without collateral was written off against the bank\'s reserves; interest stopped.'],
      RepaymentDueSoon: ['A loan is due within the due-soon window.'],
      GracePeriodStarted: ['A loan passed its due date; it defaults when the grace period ends.'],
      Defaulted: ['A loan defaulted: its whole collateral goes to auction.'],
      Closed: ['A loan closed; its remaining certificates were released.'],
      RestructureRequested: ['A restructuring needs an officer\'s approval.'],
      Restructured: ['A loan\'s due date was extended for a fee.'],
      RestructureRejected: ['An officer rejected a restructuring request.'],
      CheckFailed: ['The per-block scan could not check a loan (left unchanged).'],
      ParamsSet: ['The loan parameters were changed.'],
    },
  },
);

/** Typed constructor of Loans events. */
export const loansEvent = eventFactory('Loans', LoansEvents);
