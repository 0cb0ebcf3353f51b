/**
 * The UDST loan system (ECONOMICS.md §5): applications with automatic or officer approval, draws that mint UDST,
 * pledge certificates and fix the contract rate, lazy simple-interest accrual split at the due date, repayments with
 * the prompt-repayment discount, margin calls, liquidation by Dutch auction (Auctions pallet) with the penalty to
 * reserves and unsold collateral left to the borrower, bad debt written off against reserves, the due-date ladder
 * (due soon, grace period, default), one automatic restructuring, and reputation.
 *
 * The maths is in `math.ts`; this file keeps the books. Loans are checked when touched, by `check` (anyone), and by
 * a bounded round-robin scan of `maxChecksPerBlock` open loans in `onInitialize`. The scan and `check` never store
 * accrued interest (only payments, liquidations and restructurings do), so frequent checks never add rounding units
 * to what a borrower owes.
 */
import { bytes, compactU128, u32, u64, vec } from '../../primitives/scale/index.js';
import { ArithmeticError, minBig } from '../../primitives/arith.js';
import { DispatchFailure, ensure, ensureOrigin, ensureSigned, fail, type DispatchContext, type EnsureOrigin } from '../../runtime/dispatch.js';
import { call, definePallet, type Pallet } from '../../runtime/pallet.js';
import type { StateReader } from '../../runtime/state.js';
import { equalBytes } from '../../primitives/bytes.js';
import type { BlockTime } from '../timestamp/interface.js';
import type { CertificateRegistry } from '../certificates/interface.js';
import type { PriceOracle } from '../oracle/interface.js';
import type { UdstLedger } from '../udst/interface.js';
import { LOANS_INDEX } from './types.js';
import type { TokenDecimals } from '../oracle/math.js';
import { now as timestampNow } from '../timestamp/index.js';
import type { BanksApi } from '../banks/index.js';
import { LoanKind } from '../banks/types.js';
import { checkParams } from '../banks/params.js';
import { originationFee } from '../banks/math.js';
import type { AuctionSettlement, AuctionsApi } from '../auctions/interface.js';
import { LoansErrors } from './errors.js';
import { loansEvent, LoansEvents } from './events.js';
import {
  accrueAccount,
  belowLiquidationSince,
  collateralRatioBps,
  collateralValue,
  contractRate,
  distributeProceeds,
  dueDate,
  dueState,
  extendDueDate,
  isAutoApproved,
  isDrawWindowOpen,
  isLiquidatable,
  isMarginCall,
  isRepaidOnTime,
  isRepaidPrompt,
  liquidationAmount,
  liquidationLot,
  meetsCollateralRatio,
  owedNow,
  reputationScore,
  restructureDecision,
  restructuringFee,
  settlePayment,
  wholeDays,
  type InterestAccount,
  type LoanTerms,
  type Owed,
} from './math.js';
import { inconsistency, LOANS_PARAM_BOUNDS } from './params.js';
import { LOANS_STORAGE_INFOS, LoansStorage } from './storage.js';
import { checkLoanInvariants } from './invariants.js';
import { buildQueries, type LoansQueries } from './queries.js';
import { CLOSED_STATES, LoansParams, MAX_CERTIFICATES, MAX_HISTORY, MAX_PURPOSE_BYTES, type ApplicationValue, type LoansParamsValue, type ReputationValue, type LoanStateName, type LoanValue, type PaymentValue } from './types.js';
import { weightOf } from '../../runtime/weights.js';
import { WEIGHTS } from './weights.js';

export { LoansStorage, EMPTY_REPUTATION } from './storage.js';
export { LoansErrors } from './errors.js';
export { LoansEvents } from './events.js';
export { DEFAULT_LOANS_PARAMS, LOANS_PARAM_BOUNDS } from './params.js';
export type { LoansQueries } from './queries.js';
export * from './types.js';

const E = LoansErrors.of;

/** What Loans needs. */
export interface LoansConfig {
  udst: UdstLedger;
  oracle: PriceOracle;
  certificates: CertificateRegistry;
  banks: BanksApi;
  auctions: AuctionsApi;
  decimals: TokenDecimals;
  time?: BlockTime;
  /** Who may change the loan parameters (this chain: Root; governance later). */
  paramsOrigin: EnsureOrigin<unknown>;
}

/** Genesis of Loans: the chain-wide parameters (defaults when absent). */
export interface LoansGenesis {
  params?: Partial<LoansParamsValue>;
}

/** The Loans pallet, its auction settlement (for Auctions) and its queries. */
export interface LoansModule {
  pallet: Pallet<LoansGenesis> & { queries: LoansQueries };
  settlement: AuctionSettlement;
  queries: LoansQueries;
}

/** True when the loan is open (not repaid, liquidated or written off). */
export function isOpen(loan: LoanValue): boolean {
  return !CLOSED_STATES.includes(loan.state.tag);
}

/** The interest terms of a loan. */
export function termsOf(loan: LoanValue): LoanTerms {
  return { ratePpb: loan.ratePpb, minRateBps: loan.minRateBps, drawnAt: loan.drawnAt, dueAt: loan.dueAt };
}

/** The interest account of a loan as stored. */
export function accountOf(loan: LoanValue): InterestAccount {
  return { principal: loan.principal, accruedOnTime: loan.accruedOnTime, accruedLate: loan.accruedLate, accruedFloor: loan.accruedFloor, accruedAt: loan.accruedAt };
}

/**
 * The loan's account accrued to `now` (not stored). A loan whose accrual stopped (full liquidation, write-off) keeps
 * its figures; `now` before the last accrual reads at the last accrual.
 */
export function accountAt(loan: LoanValue, now: bigint): InterestAccount {
  const acc = accountOf(loan);
  const at = now < acc.accruedAt ? acc.accruedAt : now;
  if (loan.accrualStopped) return { ...acc, accruedAt: at };
  return accrueAccount(acc, termsOf(loan), at);
}

/** The loan with `acc` as its interest account. */
export function withAccount(loan: LoanValue, acc: InterestAccount): LoanValue {
  return { ...loan, principal: acc.principal, accruedOnTime: acc.accruedOnTime, accruedLate: acc.accruedLate, accruedFloor: acc.accruedFloor, accruedAt: acc.accruedAt };
}

/** What the loan owes at `now` (the stored account accrued on the fly). */
export function owedOf(loan: LoanValue, now: bigint): { account: InterestAccount; owed: Owed } {
  const account = accountAt(loan, now);
  return { account, owed: owedNow(account, termsOf(loan), account.accruedAt) };
}

/** Append a payment to a loan's bounded history, folding the oldest into the summary when full. */
export function recordPayment(loan: LoanValue, p: PaymentValue): LoanValue {
  const history = [...loan.history, p];
  let summary = loan.historySummary;
  while (history.length > MAX_HISTORY) {
    const old = history.shift()!;
    summary = {
      count: summary.count + 1n,
      amount: summary.amount + old.amount,
      interestPaid: summary.interestPaid + old.interestPaid,
      principalPaid: summary.principalPaid + old.principalPaid,
      earlyPaymentBonus: summary.earlyPaymentBonus + old.earlyPaymentBonus,
    };
  }
  return { ...loan, history, historySummary: summary };
}

/** Build the Loans pallet. */
export function createLoans(config: LoansConfig): LoansModule {
  const { udst, oracle, certificates, banks, auctions, decimals } = config;
  const time = config.time ?? timestampNow;

  const getLoan = (st: StateReader, id: bigint): LoanValue => LoansStorage.Loans.get(st, id) ?? fail(E.UnknownLoan, `no loan ${id}`);
  const getApp = (st: StateReader, id: bigint): ApplicationValue => LoansStorage.Applications.get(st, id) ?? fail(E.UnknownApplication, `no application ${id}`);
  const bankOf = (st: StateReader, bank: number) => banks.get(st, bank) ?? fail(E.UnknownBank, `no bank ${bank}`);
  const score = (st: StateReader, who: Uint8Array) => reputationScore(LoansStorage.Reputations.get(st, who));
  const collateralXfg = (st: StateReader, loan: LoanValue): bigint => {
    let xfg = 0n;
    for (const id of loan.certificates) xfg += certificates.get(st, id)?.xfg ?? 0n;
    return xfg;
  };
  const ensureOfficer = (st: StateReader, bank: number, who: Uint8Array) => {
    bankOf(st, bank);
    ensure(banks.isOfficer(st, bank, who), E.NotOfficer);
  };
  const touchReputation = (ctx: DispatchContext, who: Uint8Array, fn: (r: ReputationValue) => ReputationValue) => {
    const r = LoansStorage.Reputations.get(ctx.state, who);
    LoansStorage.Reputations.set(ctx.state, who, { ...fn(r), lastActivity: time(ctx.state) });
  };

  /** Check a list of certificates for pledging by `owner`: known, owned, unpledged, no duplicates, at most 16. */
  function checkCertificates(st: StateReader, owner: Uint8Array, ids: bigint[]): bigint {
    ensure(ids.length > 0, E.NoCertificates);
    ensure(ids.length <= MAX_CERTIFICATES, E.TooManyCertificates);
    ensure(new Set(ids).size === ids.length, E.DuplicateCertificate);
    let xfg = 0n;
    for (const id of ids) {
      const c = certificates.get(st, id) ?? fail(E.UnknownCertificate, `no certificate ${id}`);
      ensure(equalBytes(c.owner, owner), E.NotCertificateOwner);
      ensure(c.pledgedTo === undefined, E.CertificatePledged);
      xfg += c.xfg;
    }
    return xfg;
  }

  /** Release every certificate still pledged, mark the loan closed in `state`, and drop it from the scan. */
  function close(ctx: DispatchContext, id: bigint, loan: LoanValue, state: LoanStateName): LoanValue {
    for (const c of loan.certificates) certificates.release(ctx, c, id);
    const closed: LoanValue = { ...loan, certificates: [], state: { tag: state }, liquidation: undefined, belowLiquidationSince: undefined };
    LoansStorage.OpenLoans.remove(ctx.state, id);
    LoansStorage.RestructureRequests.remove(ctx.state, id);
    if (!loan.outcomeCounted) touchReputation(ctx, loan.borrower, (r) => ({ ...r, totalLoans: r.totalLoans + 1n }));
    ctx.deposit(loansEvent('Closed', { loanId: id, releasedCertificates: loan.certificates.length }));
    return { ...closed, outcomeCounted: true };
  }

  /** Write off what is left of a loan with no collateral: bad debt against the bank's reserves; interest stops. */
  function writeOff(ctx: DispatchContext, id: bigint, loan: LoanValue): LoanValue {
    const acc = accountAt(loan, time(ctx.state));
    const interest = acc.accruedOnTime + acc.accruedLate;
    const { covered, uncovered } = banks.writeOff(ctx, loan.bank, acc.principal);
    ctx.deposit(loansEvent('BadDebt', { loanId: id, bank: loan.bank, principal: acc.principal, interest, covered, uncovered }));
    const zeroed: LoanValue = {
      ...withAccount(loan, { principal: 0n, accruedOnTime: 0n, accruedLate: 0n, accruedFloor: 0n, accruedAt: acc.accruedAt }),
      writtenOff: loan.writtenOff + acc.principal,
      accrualStopped: true,
    };
    return close(ctx, id, zeroed, 'WrittenOff');
  }

  /** Send collateral to auction: the whole (`full`) or the least lot restoring the liquidation target. */
  function startLiquidation(ctx: DispatchContext, id: bigint, loan0: LoanValue, price: bigint, forceFull: boolean): LoanValue {
    const p = LoansStorage.Params.get(ctx.state);
    const bank = bankOf(ctx.state, loan0.bank);
    // Accrue before the debt is split into the auction's tab (the tab's interest must exist in the account).
    const acc = accountAt(loan0, time(ctx.state));
    let loan = withAccount(loan0, acc);
    const interest = acc.accruedOnTime + acc.accruedLate;
    const debt = acc.principal + interest;
    const xfg = collateralXfg(ctx.state, loan);
    if (xfg === 0n) return writeOff(ctx, id, loan);
    const value = collateralValue(xfg, price, decimals);
    const repay = forceFull
      ? 'all'
      : liquidationAmount({ debt, collateralValue: value, targetBps: p.liquidationTargetBps, penaltyBps: p.liquidationPenaltyBps, minDebt: bank.params.minDebt });
    if (repay === 0n) return loan;
    const lot = liquidationLot({ repay, debt, penaltyBps: p.liquidationPenaltyBps, collateralXfg: xfg, price, decimals });
    const interestDue = minBig(lot.repay, interest);
    const full = repay === 'all';
    const auctionId = auctions.start(ctx, id, lot.lotXfg, lot.tab, price);
    if (!loan.liquidatedOnce) touchReputation(ctx, loan.borrower, (r) => ({ ...r, liquidated: r.liquidated + 1n }));
    loan = {
      ...loan,
      liquidation: { auctionId, interestDue, principalDue: lot.repay - interestDue, penaltyDue: lot.penalty, full },
      // The whole debt is in the tab: interest stops so the auction settles it exactly.
      accrualStopped: loan.accrualStopped || full,
      liquidatedOnce: true,
      belowLiquidationSince: undefined,
    };
    ctx.deposit(loansEvent('LiquidationStarted', { loanId: id, auctionId, repay: lot.repay, penalty: lot.penalty, lotXfg: lot.lotXfg, full }));
    return loan;
  }

  /**
   * Check a loan's due date and risk at the block time and act: due-soon warning, grace period, default (whole
   * collateral to auction), margin call and its clearing, liquidation (hard floor at once, below the liquidation ratio
   * after the grace), bad debt when no collateral is left. Stores the loan; never stores accrued interest unless a
   * liquidation starts.
   */
  function evaluate(ctx: DispatchContext, id: bigint, loan0: LoanValue): LoanValue {
    if (!isOpen(loan0) || loan0.liquidation !== undefined) return loan0;
    const p = LoansStorage.Params.get(ctx.state);
    const now = time(ctx.state);
    let loan = loan0;
    const ds = dueState(now, loan.dueAt, p.dueSoonMs, p.dueGraceMs);
    if (ds === 'DueSoon' && !loan.dueSoonNotified) {
      loan = { ...loan, dueSoonNotified: true };
      ctx.deposit(loansEvent('RepaymentDueSoon', { loanId: id, dueAt: loan.dueAt }));
    }
    if ((ds === 'Current' || ds === 'DueSoon') && loan.state.tag === 'GracePeriod') loan = { ...loan, state: { tag: 'Active' } };
    if (ds === 'GracePeriod' && loan.state.tag !== 'GracePeriod' && loan.state.tag !== 'Defaulted') {
      loan = { ...loan, state: { tag: 'GracePeriod' }, dueSoonNotified: true };
      ctx.deposit(loansEvent('GracePeriodStarted', { loanId: id, dueAt: loan.dueAt, graceEndsAt: loan.dueAt + p.dueGraceMs }));
    }
    if (ds === 'Defaulted' && loan.state.tag !== 'Defaulted') {
      const counted = loan.outcomeCounted;
      touchReputation(ctx, loan.borrower, (r) => ({ ...r, defaulted: r.defaulted + 1n, totalLoans: r.totalLoans + (counted ? 0n : 1n) }));
      loan = { ...loan, state: { tag: 'Defaulted' }, outcomeCounted: true };
      ctx.deposit(loansEvent('Defaulted', { loanId: id, borrower: loan.borrower }));
    }
    const xfg = collateralXfg(ctx.state, loan);
    const price = oracle.price(ctx);
    if (loan.state.tag === 'Defaulted') {
      // The whole collateral goes to auction; without a price it waits (fail closed).
      if (xfg === 0n) loan = writeOff(ctx, id, loan);
      else if (price !== undefined) loan = startLiquidation(ctx, id, loan, price, true);
      LoansStorage.Loans.set(ctx.state, id, loan);
      return loan;
    }
    if (price === undefined) {
      LoansStorage.Loans.set(ctx.state, id, loan);
      return loan;
    }
    const { account } = owedOf(loan, now);
    const debt = account.principal + account.accruedOnTime + account.accruedLate;
    if (xfg === 0n && debt > 0n) {
      loan = writeOff(ctx, id, loan);
      LoansStorage.Loans.set(ctx.state, id, loan);
      return loan;
    }
    const ratioBps = collateralRatioBps(collateralValue(xfg, price, decimals), debt);
    if (isMarginCall(ratioBps, p.marginCallRatioBps)) {
      if (loan.state.tag === 'Active') {
        loan = { ...loan, state: { tag: 'MarginCall' } };
        ctx.deposit(loansEvent('MarginCalled', { loanId: id, ratioBps }));
      }
    } else if (loan.state.tag === 'MarginCall') {
      loan = { ...loan, state: { tag: 'Active' } };
      ctx.deposit(loansEvent('MarginCallCleared', { loanId: id, ratioBps }));
    }
    const since = belowLiquidationSince(loan.belowLiquidationSince, ratioBps, now, p.liquidationRatioBps);
    if (since !== undefined && loan.belowLiquidationSince === undefined) ctx.deposit(loansEvent('BelowLiquidationRatio', { loanId: id, ratioBps, since }));
    loan = { ...loan, belowLiquidationSince: since };
    if (isLiquidatable({ ratioBps, belowLiquidationSince: since, now, liquidationRatioBps: p.liquidationRatioBps, graceMs: p.liquidationGraceMs, hardFloorBps: p.hardFloorRatioBps })) {
      loan = startLiquidation(ctx, id, loan, price, false);
    }
    LoansStorage.Loans.set(ctx.state, id, loan);
    return loan;
  }

  /** Apply a borrower's payment (`'all'`: exactly what is owed now). */
  function repay(ctx: DispatchContext, who: Uint8Array, id: bigint, amount: bigint | 'all'): void {
    let loan = getLoan(ctx.state, id);
    ensure(equalBytes(loan.borrower, who), E.NotBorrower);
    ensure(isOpen(loan), E.LoanClosed);
    ensure(loan.liquidation === undefined, E.LiquidationInProgress);
    const now = time(ctx.state);
    const { account, owed } = owedOf(loan, now);
    const pay = amount === 'all' ? owed.total : amount;
    ensure(pay > 0n, E.ZeroAmount);
    const s = settlePayment(account, termsOf(loan), account.accruedAt, pay);
    if (!s.ok) fail(E.Overpayment, `Overpayment: ${pay} offered, ${s.owed} owed`);
    if (s.interestPaid > 0n) {
      udst.debit(ctx, who, s.interestPaid);
      banks.receiveInterest(ctx, loan.bank, s.interestPaid);
    }
    if (s.principalPaid > 0n) {
      // Principal repaid is destroyed (UDST exists only as outstanding credit).
      udst.burn(ctx, who, s.principalPaid);
      banks.reduceOutstanding(ctx, loan.bank, s.principalPaid);
    }
    loan = recordPayment(withAccount(loan, s.account), { amount: pay, at: now, interestPaid: s.interestPaid, principalPaid: s.principalPaid, earlyPaymentBonus: s.earlyPaymentBonus });
    loan = { ...loan, principalRepaid: loan.principalRepaid + s.principalPaid, interestPaid: loan.interestPaid + s.interestPaid };
    ctx.deposit(loansEvent('RepaymentMade', { loanId: id, amount: pay, interestPaid: s.interestPaid, principalPaid: s.principalPaid, earlyPaymentBonus: s.earlyPaymentBonus }));
    if (s.closed) {
      const onTime = isRepaidOnTime(now, loan.dueAt);
      const prompt = isRepaidPrompt(loan.drawnAt, now);
      const days = wholeDays(loan.drawnAt, now);
      touchReputation(ctx, who, (r) => ({
        ...r,
        repaidOnTime: r.repaidOnTime + (onTime ? 1n : 0n),
        repaidPrompt: r.repaidPrompt + (prompt ? 1n : 0n),
        daysToRepaySum: r.daysToRepaySum + (onTime ? days : 0n),
      }));
      ctx.deposit(loansEvent('Repaid', { loanId: id, borrower: who, onTime, prompt }));
      LoansStorage.Loans.set(ctx.state, id, close(ctx, id, loan, 'Repaid'));
      return;
    }
    LoansStorage.Loans.set(ctx.state, id, loan);
    evaluate(ctx, id, loan);
  }

  /** Extend the due date by `extraDays` for the restructuring fee (accrued first: late interest stays late). */
  function restructure(ctx: DispatchContext, id: bigint, loan0: LoanValue, extraDays: bigint, automatic: boolean): void {
    const p = LoansStorage.Params.get(ctx.state);
    const now = time(ctx.state);
    let loan = withAccount(loan0, accountAt(loan0, now));
    const fee = restructuringFee(loan.principal, p.restructureFeeBps);
    if (fee > 0n) {
      udst.debit(ctx, loan.borrower, fee);
      banks.receiveIncome(ctx, loan.bank, fee);
    }
    const dueAt = extendDueDate(loan.dueAt, extraDays);
    loan = { ...loan, dueAt, restructurings: loan.restructurings + 1n, dueSoonNotified: loan.dueSoonNotified && now >= dueAt - p.dueSoonMs };
    // A late loan given a new date in the future is current again; a recorded default stays in the reputation.
    if ((loan.state.tag === 'GracePeriod' || loan.state.tag === 'Defaulted') && now <= dueAt) loan = { ...loan, state: { tag: 'Active' } };
    touchReputation(ctx, loan.borrower, (r) => ({ ...r, restructured: r.restructured + 1n }));
    LoansStorage.RestructureRequests.remove(ctx.state, id);
    ctx.deposit(loansEvent('Restructured', { loanId: id, extraDays, fee, dueAt, automatic }));
    LoansStorage.Loans.set(ctx.state, id, loan);
    evaluate(ctx, id, loan);
  }

  const settlement: AuctionSettlement = {
    onSale(ctx, auctionId, _auction, sale) {
      const id = _auction.loanId;
      let loan = getLoan(ctx.state, id);
      const liq = loan.liquidation;
      if (liq === undefined || liq.auctionId !== auctionId) throw new Error(`loan ${id} has no liquidation by auction ${auctionId}`);
      const now = time(ctx.state);
      loan = withAccount(loan, accountAt(loan, now));
      // The sold XFG leaves the pledged certificates in order; emptied certificates disappear from the loan.
      let left = sale.xfg;
      const remaining: bigint[] = [];
      for (const c of loan.certificates) {
        const cert = certificates.get(ctx.state, c);
        const take = cert === undefined ? 0n : minBig(cert.xfg, left);
        if (take > 0n) {
          certificates.seize(ctx, c, id, take, sale.bidder);
          left -= take;
        }
        if (certificates.get(ctx.state, c) !== undefined) remaining.push(c);
      }
      if (left > 0n) throw new Error(`loan ${id}: auction sold ${sale.xfg} XFG, ${left} more than pledged`);
      const d = distributeProceeds(sale.udst, { interest: liq.interestDue, principal: liq.principalDue, penalty: liq.penaltyDue });
      // Interest paid clears late interest first, then on-time interest (undiscounted in a liquidation) and the
      // same fraction of its floor.
      const latePaid = minBig(d.interestPaid, loan.accruedLate);
      const onTimePaid = d.interestPaid - latePaid;
      const floorCleared = loan.accruedOnTime === 0n ? 0n : (loan.accruedFloor * onTimePaid) / loan.accruedOnTime;
      loan = {
        ...loan,
        certificates: remaining,
        principal: loan.principal - d.principalPaid,
        accruedLate: loan.accruedLate - latePaid,
        accruedOnTime: loan.accruedOnTime - onTimePaid,
        accruedFloor: minBig(loan.accruedFloor - floorCleared, loan.accruedOnTime - onTimePaid),
        principalRepaid: loan.principalRepaid + d.principalPaid,
        interestPaid: loan.interestPaid + d.interestPaid,
        liquidation: { ...liq, interestDue: liq.interestDue - d.interestPaid, principalDue: liq.principalDue - d.principalPaid, penaltyDue: liq.penaltyDue - d.penaltyPaid },
      };
      if (d.interestPaid > 0n) banks.receiveInterest(ctx, loan.bank, d.interestPaid);
      if (d.principalPaid > 0n) {
        udst.burnHeld(ctx, d.principalPaid);
        banks.reduceOutstanding(ctx, loan.bank, d.principalPaid);
      }
      if (d.penaltyPaid > 0n) banks.receiveIncome(ctx, loan.bank, d.penaltyPaid);
      // The tab never exceeds interest + principal + penalty, so there is no surplus UDST; kept for safety.
      if (d.surplus > 0n) udst.credit(ctx, loan.borrower, d.surplus);
      loan = recordPayment(loan, { amount: sale.udst, at: now, interestPaid: d.interestPaid, principalPaid: d.principalPaid, earlyPaymentBonus: 0n });
      ctx.deposit(loansEvent('CollateralSold', { loanId: id, auctionId, xfg: sale.xfg, udst: sale.udst, interestPaid: d.interestPaid, principalPaid: d.principalPaid, penaltyPaid: d.penaltyPaid }));
      LoansStorage.Loans.set(ctx.state, id, loan);
    },
    onEnd(ctx, auctionId, auction) {
      const id = auction.loanId;
      let loan = getLoan(ctx.state, id);
      const full = loan.liquidation?.full === true;
      // An unpaid remainder of the penalty is forgiven: the penalty is only ever taken from proceeds.
      loan = { ...loan, liquidation: undefined };
      const { account } = owedOf(loan, time(ctx.state));
      const debtLeft = account.principal + account.accruedOnTime + account.accruedLate;
      ctx.deposit(loansEvent('LiquidationEnded', { loanId: id, auctionId, unsoldXfg: auction.lotXfg, debtLeft }));
      if (debtLeft === 0n) {
        // Everything was settled by the sale; the unsold collateral goes back to the borrower with the certificates.
        loan = close(ctx, id, withAccount(loan, account), 'Liquidated');
      } else if (collateralXfg(ctx.state, loan) === 0n) {
        loan = writeOff(ctx, id, loan);
      } else if (full && loan.state.tag !== 'Defaulted') {
        // A full liquidation that left debt and collateral: interest resumes; the next check decides again.
        loan = { ...withAccount(loan, account), accrualStopped: false };
      }
      LoansStorage.Loans.set(ctx.state, id, loan);
    },
  };

  /**
   * The bounded round-robin scan: check up to `maxChecksPerBlock` open loans after the cursor, wrapping once. Returns
   * its weight: the measured worst case per loan examined (`weights.ts`), counted as the block's Mandatory weight.
   */
  function scan(ctx: DispatchContext): bigint {
    const max = LoansStorage.Params.get(ctx.state).maxChecksPerBlock;
    const prefix = LoansStorage.OpenLoans.prefix;
    const inPrefix = (k: Uint8Array | undefined) => k !== undefined && k.length === prefix.length + 16 && prefix.every((b, i) => k[i] === b);
    const cursor = LoansStorage.ScanCursor.get(ctx.state);
    let key = ctx.state.nextKey(cursor === undefined ? prefix : LoansStorage.OpenLoans.keyOf(cursor));
    let wrapped = cursor === undefined;
    let first: bigint | undefined;
    let last: bigint | undefined;
    let examined = 0;
    // Bound: `max` checks (≤ 1,024 by the parameter bounds).
    for (let n = 0n; n < max; n++) {
      if (!inPrefix(key)) {
        if (wrapped) break;
        wrapped = true;
        key = ctx.state.nextKey(prefix);
        if (!inPrefix(key)) break;
      }
      const id = u64.decode(key!.subarray(prefix.length + 8));
      if (id === first) break;
      first ??= id;
      last = id;
      examined++;
      const at = key!;
      try {
        ctx.transactional(() => evaluate(ctx, id, getLoan(ctx.state, id)));
      } catch (e) {
        if (!(e instanceof DispatchFailure || e instanceof ArithmeticError || e instanceof RangeError)) throw e;
        ctx.deposit(loansEvent('CheckFailed', { loanId: id }));
      }
      key = ctx.state.nextKey(at);
    }
    if (last !== undefined) LoansStorage.ScanCursor.set(ctx.state, last);
    return weightOf(WEIGHTS.hooks.onInitialize, examined);
  }

  const queries = buildQueries({ oracle, certificates, banks, decimals, time });

  const loansPallet = definePallet<LoansGenesis>({
    name: 'Loans',
    index: LOANS_INDEX,
    crate: 'pallet_loans',
    docs: ['UDST loans from community banks against XFG collateral certificates.'],
    storage: LOANS_STORAGE_INFOS,
    calls: {
      apply: call({
        index: 0,
        args: { bank: u32, kind: LoanKind, amount: compactU128, termDays: u32, certificates: vec(u64, MAX_CERTIFICATES), purpose: bytes },
        docs: [
          'Apply for a loan against certificates. Checks membership, blacklist, the kind\'s limits, the collateral ratio at',
          'the oracle price and the bank\'s capacity. Small amounts from good scores are approved at once.',
        ],
        weight: ({ certificates: c }) => weightOf(WEIGHTS.calls.apply, c.length),
        dispatch: (ctx, origin, a) => {
          const who = ensureSigned(origin);
          const bank = bankOf(ctx.state, a.bank);
          ensure(banks.isMember(ctx.state, a.bank, who), E.NotMember);
          ensure(!banks.isBlacklisted(ctx.state, a.bank, who), E.Blacklisted);
          const kind = banks.kind(ctx.state, a.bank, a.kind.tag);
          ensure(a.amount > 0n, E.ZeroAmount);
          ensure(a.amount <= kind.maxAmount, E.AmountTooLarge);
          ensure(a.amount >= bank.params.minDebt, E.AmountBelowMinDebt);
          ensure(a.termDays > 0, E.ZeroTerm);
          ensure(BigInt(a.termDays) <= kind.maxTermDays, E.TermTooLong);
          ensure(a.purpose.length <= MAX_PURPOSE_BYTES, E.PurposeTooLong);
          const xfg = checkCertificates(ctx.state, who, a.certificates);
          const price = oracle.price(ctx) ?? fail(E.PriceUnavailable);
          ensure(meetsCollateralRatio(collateralValue(xfg, price, decimals), a.amount, kind.minCollateralRatioBps), E.InsufficientCollateral);
          ensure(banks.available(ctx.state, a.bank) >= a.amount, E.InsufficientCapacity);
          const now = time(ctx.state);
          const auto = isAutoApproved({ amount: a.amount, score: score(ctx.state, who), autoApproveLimit: bank.params.autoApproveLimit, autoApproveMinScore: bank.params.autoApproveMinScore });
          const id = LoansStorage.NextId.get(ctx.state);
          LoansStorage.NextId.set(ctx.state, id + 1n);
          LoansStorage.Applications.set(ctx.state, id, {
            bank: a.bank,
            borrower: who,
            kind: a.kind,
            amount: a.amount,
            termDays: BigInt(a.termDays),
            certificates: a.certificates,
            purpose: a.purpose,
            status: auto ? { tag: 'Approved', value: { at: now } } : { tag: 'Pending' },
            createdAt: now,
          });
          ctx.deposit(loansEvent('Applied', { applicationId: id, borrower: who, bank: a.bank, kind: a.kind, amount: a.amount, termDays: BigInt(a.termDays), autoApproved: auto }));
        },
      }),
      startReview: call({
        index: 1,
        args: { applicationId: u64 },
        docs: ['Take a pending application under review (an officer of the bank).'],
        weight: () => weightOf(WEIGHTS.calls.startReview),
        dispatch: (ctx, origin, { applicationId }) => {
          const officer = ensureSigned(origin);
          const app = getApp(ctx.state, applicationId);
          ensureOfficer(ctx.state, app.bank, officer);
          ensure(app.status.tag === 'Pending', E.InvalidApplicationStatus);
          LoansStorage.Applications.set(ctx.state, applicationId, { ...app, status: { tag: 'UnderReview', value: { officer } } });
          ctx.deposit(loansEvent('ReviewStarted', { applicationId, officer }));
        },
      }),
      approve: call({
        index: 2,
        args: { applicationId: u64 },
        docs: ['Approve an application under review (an officer of the bank); the draw window opens.'],
        weight: () => weightOf(WEIGHTS.calls.approve),
        dispatch: (ctx, origin, { applicationId }) => {
          const officer = ensureSigned(origin);
          const app = getApp(ctx.state, applicationId);
          ensureOfficer(ctx.state, app.bank, officer);
          ensure(app.status.tag === 'UnderReview', E.InvalidApplicationStatus);
          LoansStorage.Applications.set(ctx.state, applicationId, { ...app, status: { tag: 'Approved', value: { at: time(ctx.state) } } });
          ctx.deposit(loansEvent('Approved', { applicationId, officer }));
        },
      }),
      reject: call({
        index: 3,
        args: { applicationId: u64 },
        docs: ['Reject a pending application or one under review (an officer of the bank).'],
        weight: () => weightOf(WEIGHTS.calls.reject),
        dispatch: (ctx, origin, { applicationId }) => {
          const officer = ensureSigned(origin);
          const app = getApp(ctx.state, applicationId);
          ensureOfficer(ctx.state, app.bank, officer);
          ensure(app.status.tag === 'Pending' || app.status.tag === 'UnderReview', E.InvalidApplicationStatus);
          LoansStorage.Applications.set(ctx.state, applicationId, { ...app, status: { tag: 'Rejected', value: { officer } } });
          ctx.deposit(loansEvent('Rejected', { applicationId, officer }));
        },
      }),
      draw: call({
        index: 4,
        args: { applicationId: u64 },
        docs: [
          'Draw an approved application within the draw window: pledges the certificates, mints the amount (less the',
          'origination fee, which goes to reserves) and fixes the contract rate from the ratio and score of the moment.',
        ],
        weight: () => weightOf(WEIGHTS.calls.draw),
        dispatch: (ctx, origin, { applicationId }) => {
          const who = ensureSigned(origin);
          const app = getApp(ctx.state, applicationId);
          ensure(equalBytes(app.borrower, who), E.NotBorrower);
          if (app.status.tag !== 'Approved') fail(E.InvalidApplicationStatus);
          const p = LoansStorage.Params.get(ctx.state);
          const now = time(ctx.state);
          ensure(isDrawWindowOpen(app.status.value.at, now, p.drawWindowMs), E.DrawWindowClosed);
          const bank = bankOf(ctx.state, app.bank);
          ensure(banks.isMember(ctx.state, app.bank, who), E.NotMember);
          ensure(!banks.isBlacklisted(ctx.state, app.bank, who), E.Blacklisted);
          const kind = banks.kind(ctx.state, app.bank, app.kind.tag);
          const xfg = checkCertificates(ctx.state, who, app.certificates);
          const price = oracle.price(ctx) ?? fail(E.PriceUnavailable);
          const value = collateralValue(xfg, price, decimals);
          ensure(meetsCollateralRatio(value, app.amount, kind.minCollateralRatioBps), E.InsufficientCollateral);
          ensure(banks.available(ctx.state, app.bank) >= app.amount, E.InsufficientCapacity);
          const ratePpb = contractRate({
            baseRateBps: kind.baseRateBps,
            riskPremiumBps: bank.params.riskPremiumBps,
            ratioBps: collateralRatioBps(value, app.amount),
            score: score(ctx.state, who),
            minRateBps: bank.params.minRateBps,
          });
          const id = applicationId;
          for (const c of app.certificates) certificates.pledge(ctx, c, who, id);
          udst.mint(ctx, who, app.amount);
          banks.addOutstanding(ctx, app.bank, app.amount);
          const fee = originationFee(app.amount, bank.params.originationFeeBps);
          if (fee > 0n) {
            udst.debit(ctx, who, fee);
            banks.receiveIncome(ctx, app.bank, fee);
          }
          const dueAt = dueDate(now, app.termDays);
          const loan: LoanValue = {
            bank: app.bank,
            borrower: who,
            kind: app.kind,
            certificates: app.certificates,
            principalDrawn: app.amount,
            principal: app.amount,
            accruedOnTime: 0n,
            accruedLate: 0n,
            accruedFloor: 0n,
            accruedAt: now,
            ratePpb,
            minRateBps: bank.params.minRateBps,
            drawnAt: now,
            dueAt,
            state: { tag: 'Active' },
            belowLiquidationSince: undefined,
            dueSoonNotified: false,
            restructurings: 0n,
            liquidation: undefined,
            accrualStopped: false,
            liquidatedOnce: false,
            outcomeCounted: false,
            principalRepaid: 0n,
            interestPaid: 0n,
            writtenOff: 0n,
            history: [],
            historySummary: { count: 0n, amount: 0n, interestPaid: 0n, principalPaid: 0n, earlyPaymentBonus: 0n },
          };
          LoansStorage.Loans.set(ctx.state, id, loan);
          LoansStorage.OpenLoans.set(ctx.state, id, app.bank);
          LoansStorage.Applications.set(ctx.state, applicationId, { ...app, status: { tag: 'Drawn', value: { loanId: id } } });
          ctx.deposit(loansEvent('LoanDrawn', { loanId: id, borrower: who, bank: app.bank, amount: app.amount, fee, ratePpb, dueAt }));
          evaluate(ctx, id, loan);
        },
      }),
      repay: call({
        index: 5,
        args: { loanId: u64, amount: compactU128 },
        docs: ['Repay part of a loan: interest due first, then principal. More than owed is refused (the error names the owed amount).'],
        weight: () => weightOf(WEIGHTS.calls.repay),
        dispatch: (ctx, origin, { loanId, amount }) => repay(ctx, ensureSigned(origin), loanId, amount),
      }),
      repayAll: call({
        index: 6,
        args: { loanId: u64 },
        docs: ['Repay exactly what is owed now (discount included) and close the loan.'],
        weight: () => weightOf(WEIGHTS.calls.repayAll),
        dispatch: (ctx, origin, { loanId }) => repay(ctx, ensureSigned(origin), loanId, 'all'),
      }),
      addCollateral: call({
        index: 7,
        args: { loanId: u64, certificate: u64 },
        docs: ['Pledge one more certificate to a loan (raises its ratio; the contract rate stays as fixed at draw).'],
        weight: () => weightOf(WEIGHTS.calls.addCollateral),
        dispatch: (ctx, origin, { loanId, certificate }) => {
          const who = ensureSigned(origin);
          const loan = getLoan(ctx.state, loanId);
          ensure(equalBytes(loan.borrower, who), E.NotBorrower);
          ensure(isOpen(loan), E.LoanClosed);
          ensure(loan.liquidation === undefined, E.LiquidationInProgress);
          ensure(loan.certificates.length < MAX_CERTIFICATES, E.TooManyCertificates);
          checkCertificates(ctx.state, who, [certificate]);
          certificates.pledge(ctx, certificate, who, loanId);
          const next = { ...loan, certificates: [...loan.certificates, certificate] };
          LoansStorage.Loans.set(ctx.state, loanId, next);
          ctx.deposit(loansEvent('CollateralAdded', { loanId, certificate }));
          evaluate(ctx, loanId, next);
        },
      }),
      withdrawCollateral: call({
        index: 8,
        args: { loanId: u64, certificate: u64 },
        docs: ['Release a certificate from a loan if the rest still meets the kind\'s minimum ratio at the oracle price.'],
        weight: () => weightOf(WEIGHTS.calls.withdrawCollateral),
        dispatch: (ctx, origin, { loanId, certificate }) => {
          const who = ensureSigned(origin);
          const loan = getLoan(ctx.state, loanId);
          ensure(equalBytes(loan.borrower, who), E.NotBorrower);
          ensure(isOpen(loan), E.LoanClosed);
          ensure(loan.liquidation === undefined, E.LiquidationInProgress);
          ensure(loan.certificates.includes(certificate), E.CertificateNotPledged);
          const rest = loan.certificates.filter((c) => c !== certificate);
          ensure(rest.length > 0, E.LastCertificate);
          const price = oracle.price(ctx) ?? fail(E.PriceUnavailable);
          const kind = banks.kind(ctx.state, loan.bank, loan.kind.tag);
          const { account } = owedOf(loan, time(ctx.state));
          const debt = account.principal + account.accruedOnTime + account.accruedLate;
          const value = collateralValue(collateralXfg(ctx.state, { ...loan, certificates: rest }), price, decimals);
          ensure(meetsCollateralRatio(value, debt, kind.minCollateralRatioBps), E.InsufficientCollateral);
          certificates.release(ctx, certificate, loanId);
          const next = { ...loan, certificates: rest };
          LoansStorage.Loans.set(ctx.state, loanId, next);
          ctx.deposit(loansEvent('CollateralWithdrawn', { loanId, certificate }));
          evaluate(ctx, loanId, next);
        },
      }),
      check: call({
        index: 9,
        args: { loanId: u64 },
        docs: ['Check a loan now (anyone): due-date ladder, margin call, liquidation, bad debt.'],
        weight: () => weightOf(WEIGHTS.calls.check),
        dispatch: (ctx, origin, { loanId }) => {
          ensureSigned(origin);
          const loan = getLoan(ctx.state, loanId);
          ensure(isOpen(loan), E.LoanClosed);
          evaluate(ctx, loanId, loan);
        },
      }),
      requestRestructure: call({
        index: 10,
        args: { loanId: u64, extraDays: u32 },
        docs: [
          'Extend the due date by `extra_days` for a fee of 50 bps of principal: automatic the first time, up to 14 days,',
          'when not in default and the ratio is at least 120 %; otherwise the request waits for an officer.',
        ],
        weight: () => weightOf(WEIGHTS.calls.requestRestructure),
        dispatch: (ctx, origin, { loanId, extraDays }) => {
          const who = ensureSigned(origin);
          const loan = getLoan(ctx.state, loanId);
          ensure(equalBytes(loan.borrower, who), E.NotBorrower);
          ensure(isOpen(loan), E.LoanClosed);
          ensure(loan.liquidation === undefined, E.LiquidationInProgress);
          const p = LoansStorage.Params.get(ctx.state);
          const days = BigInt(extraDays);
          ensure(days >= 1n && days <= p.restructureMaxDays, E.InvalidExtension);
          ensure(!LoansStorage.RestructureRequests.contains(ctx.state, loanId), E.RestructurePending);
          const now = time(ctx.state);
          const price = oracle.peekPrice(ctx.state);
          const { account } = owedOf(loan, now);
          // Without a price the ratio is unknown: the request goes to an officer.
          const ratioBps = price === undefined ? 0n : collateralRatioBps(collateralValue(collateralXfg(ctx.state, loan), price, decimals), account.principal + account.accruedOnTime + account.accruedLate);
          const state = loan.state.tag === 'Defaulted' ? 'Defaulted' : dueState(now, loan.dueAt, p.dueSoonMs, p.dueGraceMs);
          const decision = restructureDecision({ extraDays: days, previousRestructurings: loan.restructurings, state, ratioBps, maxAutoDays: p.restructureMaxAutoDays, minRatioBps: p.restructureMinRatioBps });
          if (decision === 'automatic') {
            restructure(ctx, loanId, loan, days, true);
            return;
          }
          LoansStorage.RestructureRequests.set(ctx.state, loanId, { extraDays: days, requestedAt: now });
          ctx.deposit(loansEvent('RestructureRequested', { loanId, extraDays: days }));
        },
      }),
      approveRestructure: call({
        index: 11,
        args: { loanId: u64 },
        docs: ['Grant a waiting restructuring request (an officer of the bank); the fee is charged now.'],
        weight: () => weightOf(WEIGHTS.calls.approveRestructure),
        dispatch: (ctx, origin, { loanId }) => {
          const officer = ensureSigned(origin);
          const loan = getLoan(ctx.state, loanId);
          ensureOfficer(ctx.state, loan.bank, officer);
          const req = LoansStorage.RestructureRequests.get(ctx.state, loanId) ?? fail(E.NoRestructureRequest);
          ensure(isOpen(loan), E.LoanClosed);
          ensure(loan.liquidation === undefined, E.LiquidationInProgress);
          restructure(ctx, loanId, loan, req.extraDays, false);
        },
      }),
      rejectRestructure: call({
        index: 12,
        args: { loanId: u64 },
        docs: ['Refuse a waiting restructuring request (an officer of the bank).'],
        weight: () => weightOf(WEIGHTS.calls.rejectRestructure),
        dispatch: (ctx, origin, { loanId }) => {
          const officer = ensureSigned(origin);
          const loan = getLoan(ctx.state, loanId);
          ensureOfficer(ctx.state, loan.bank, officer);
          ensure(LoansStorage.RestructureRequests.contains(ctx.state, loanId), E.NoRestructureRequest);
          LoansStorage.RestructureRequests.remove(ctx.state, loanId);
          ctx.deposit(loansEvent('RestructureRejected', { loanId, officer }));
        },
      }),
      cancel: call({
        index: 13,
        args: { applicationId: u64 },
        docs: ['Withdraw an application that was not drawn (the borrower).'],
        weight: () => weightOf(WEIGHTS.calls.cancel),
        dispatch: (ctx, origin, { applicationId }) => {
          const who = ensureSigned(origin);
          const app = getApp(ctx.state, applicationId);
          ensure(equalBytes(app.borrower, who), E.NotBorrower);
          ensure(['Pending', 'UnderReview', 'Approved'].includes(app.status.tag), E.InvalidApplicationStatus);
          LoansStorage.Applications.set(ctx.state, applicationId, { ...app, status: { tag: 'Cancelled' } });
          ctx.deposit(loansEvent('Cancelled', { applicationId }));
        },
      }),
      setParams: call({
        index: 14,
        args: { params: LoansParams },
        docs: ['Change the loan parameters within their bounds and steps (`ParamsOrigin`: root; governance later).'],
        weight: () => weightOf(WEIGHTS.calls.setParams),
        dispatch: (ctx, origin, { params }) => {
          ensureOrigin(config.paramsOrigin, origin, ctx.state);
          const v = checkParams(params, LOANS_PARAM_BOUNDS, LoansStorage.Params.get(ctx.state));
          if (v) fail(v.reason === 'OutOfBounds' ? E.ParamOutOfBounds : E.ParamStepTooLarge, `${v.field} = ${v.value} refused: ${v.reason}`);
          const why = inconsistency(params);
          if (why) fail(E.InconsistentParams, why);
          LoansStorage.Params.set(ctx.state, params);
          ctx.deposit(loansEvent('ParamsSet', { params }));
        },
      }),
    },
    events: LoansEvents,
    errors: LoansErrors,
    constants: [
      { name: 'MaxCertificates', codec: u32, value: MAX_CERTIFICATES, docs: ['Most certificates one loan may pledge.'] },
      { name: 'MaxHistory', codec: u32, value: MAX_HISTORY, docs: ['Payments kept per loan; older ones are summarised.'] },
      { name: 'MaxPurposeBytes', codec: u32, value: MAX_PURPOSE_BYTES, docs: ['Longest purpose text of an application.'] },
    ],
    hooks: {
      onInitialize: scan,
      tryState: (st) => checkLoanInvariants(st, { certificates, banks }),
    },
    genesis(st, g) {
      const params = { ...LoansStorage.Params.get(st), ...g.params };
      const v = checkParams(params, LOANS_PARAM_BOUNDS);
      if (v) throw new Error(`loans genesis: ${v.field} = ${v.value} outside [${v.bound.min}, ${v.bound.max}]`);
      const why = inconsistency(params);
      if (why) throw new Error(`loans genesis: ${why}`);
      LoansStorage.Params.set(st, params);
    },
  });
  return { pallet: Object.assign(loansPallet, { queries }), settlement, queries };
}
