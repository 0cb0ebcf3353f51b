/**
 * Read-only views of Loans, served by the runtime API `LoansApi` and the RPC methods `loans_quote` and
 * `loans_status`. They compute at a block time from the stored state without writing anything.
 */
import { utf8 } from '../../primitives/bytes.js';
import type { StateReader } from '../../runtime/state.js';
import type { BlockTime } from '../timestamp/interface.js';
import type { CertificateRegistry } from '../certificates/interface.js';
import type { PriceOracle } from '../oracle/interface.js';
import type { TokenDecimals } from '../oracle/math.js';
import type { BanksApi } from '../banks/index.js';
import { originationFee } from '../banks/math.js';
import type { LoanKindName } from '../banks/types.js';
import { RATIO_UNBOUNDED, collateralRatioBps, collateralValue, dueState, isAutoApproved, owedNow, quoteLoan, reputationScore, accrueAccount } from './math.js';
import { LoansStorage } from './storage.js';
import { CLOSED_STATES, type LoanQuoteValue, type LoanStatusValue, type LoanValue, type ReputationValue } from './types.js';

/** The inputs of a quote. */
export interface QuoteRequest {
  borrower: Uint8Array;
  bank: number;
  kind: LoanKindName;
  amount: bigint;
  termDays: bigint;
  /** Value of the collateral the borrower would pledge (UDST base units). */
  collateralValue: bigint;
}

/** Read-only queries of Loans. */
export interface LoansQueries {
  /** Every factor of a prospective loan's rate, its schedule, and why it would be refused; `undefined` for an unknown bank. */
  quote(st: StateReader, q: QuoteRequest): LoanQuoteValue | undefined;
  /** A loan's figures at block time `at` (default: the state's time); `undefined` for an unknown loan. */
  status(st: StateReader, loanId: bigint, at?: bigint): LoanStatusValue | undefined;
  /** An account's reputation and score. */
  reputation(st: StateReader, who: Uint8Array): { reputation: ReputationValue; score: bigint };
}

/** Build the queries over the given services. */
export function buildQueries(deps: { oracle: PriceOracle; certificates: CertificateRegistry; banks: BanksApi; decimals: TokenDecimals; time: BlockTime }): LoansQueries {
  const { oracle, certificates, banks, decimals, time } = deps;
  return {
    quote(st, q) {
      const bank = banks.get(st, q.bank);
      if (!bank) return undefined;
      const kind = banks.kind(st, q.bank, q.kind);
      const score = reputationScore(LoansStorage.Reputations.get(st, q.borrower));
      // A ratio beyond u128 bps (a tiny amount against a huge collateral) reads as unbounded, as for a zero amount.
      const ratioBps = minBig(collateralRatioBps(q.collateralValue, q.amount), RATIO_UNBOUNDED);
      const quote = quoteLoan({
        baseRateBps: kind.baseRateBps,
        riskPremiumBps: bank.params.riskPremiumBps,
        ratioBps,
        score,
        minRateBps: bank.params.minRateBps,
        amount: q.amount,
        termDays: q.termDays,
      });
      const refusals: string[] = [];
      if (!banks.isMember(st, q.bank, q.borrower)) refusals.push('NotMember');
      if (banks.isBlacklisted(st, q.bank, q.borrower)) refusals.push('Blacklisted');
      if (q.amount === 0n) refusals.push('ZeroAmount');
      if (q.amount > kind.maxAmount) refusals.push('AmountTooLarge');
      if (q.amount < bank.params.minDebt) refusals.push('AmountBelowMinDebt');
      if (q.termDays === 0n) refusals.push('ZeroTerm');
      if (q.termDays > kind.maxTermDays) refusals.push('TermTooLong');
      if (q.collateralValue * 10_000n < kind.minCollateralRatioBps * q.amount) refusals.push('InsufficientCollateral');
      if (oracle.peekPrice(st) === undefined) refusals.push('PriceUnavailable');
      if (banks.available(st, q.bank) < q.amount) refusals.push('InsufficientCapacity');
      return {
        b: quote.b,
        c: quote.c,
        r: quote.r,
        score,
        ratioBps,
        ratePpb: quote.ratePpb,
        minRateBps: bank.params.minRateBps,
        originationFee: originationFee(q.amount, bank.params.originationFeeBps),
        autoApproved: isAutoApproved({ amount: q.amount, score, autoApproveLimit: bank.params.autoApproveLimit, autoApproveMinScore: bank.params.autoApproveMinScore }),
        refusals: refusals.map(utf8),
        schedule: quote.schedule.map((l) => ({ untilMs: l.untilMs, discountBps: l.discountBps, interest: l.interest, earlyPaymentBonus: l.earlyPaymentBonus, total: l.total })),
      };
    },
    status(st, loanId, at) {
      const loan = LoansStorage.Loans.get(st, loanId);
      if (!loan) return undefined;
      const p = LoansStorage.Params.get(st);
      const now = maxBig(at ?? time(st), loan.accruedAt);
      const terms = { ratePpb: loan.ratePpb, minRateBps: loan.minRateBps, drawnAt: loan.drawnAt, dueAt: loan.dueAt };
      const acc0 = { principal: loan.principal, accruedOnTime: loan.accruedOnTime, accruedLate: loan.accruedLate, accruedFloor: loan.accruedFloor, accruedAt: loan.accruedAt };
      const acc = loan.accrualStopped ? { ...acc0, accruedAt: now } : accrueAccount(acc0, terms, now);
      const owed = owedNow(acc, terms, now);
      const xfg = collateralXfgOf(st, certificates, loan);
      const price = oracle.peekPrice(st);
      const value = price === undefined ? undefined : collateralValue(xfg, price, decimals);
      const open = !CLOSED_STATES.includes(loan.state.tag);
      return {
        loanId,
        borrower: loan.borrower,
        bank: loan.bank,
        state: loan.state,
        principal: owed.principal,
        interestDue: owed.interest,
        interestUndiscounted: owed.onTime + owed.late,
        discountBps: owed.discountBps,
        total: owed.total,
        debt: owed.debt,
        collateralXfg: xfg,
        collateralValue: value,
        ratioBps: value === undefined || !open ? undefined : collateralRatioBps(value, owed.debt),
        ratePpb: loan.ratePpb,
        drawnAt: loan.drawnAt,
        dueAt: loan.dueAt,
        at: now,
        nextDeadline: open ? nextDeadline(loan, now, p) : undefined,
        auctionId: loan.liquidation?.auctionId,
        history: loan.history,
        historySummary: loan.historySummary,
      };
    },
    reputation(st, who) {
      const reputation = LoansStorage.Reputations.get(st, who);
      return { reputation, score: reputationScore(reputation) };
    },
  };
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/** Σ XFG of the certificates pledged to a loan. */
export function collateralXfgOf(st: StateReader, certificates: CertificateRegistry, loan: LoanValue): bigint {
  let xfg = 0n;
  for (const id of loan.certificates) xfg += certificates.get(st, id)?.xfg ?? 0n;
  return xfg;
}

/** The next deadline of an open loan after `now`: due-soon start, due date, grace end, or liquidation grace end. */
function nextDeadline(loan: LoanValue, now: bigint, p: { dueSoonMs: bigint; dueGraceMs: bigint; liquidationGraceMs: bigint }): LoanStatusValue['nextDeadline'] {
  const ds = dueState(now, loan.dueAt, p.dueSoonMs, p.dueGraceMs);
  let next: NonNullable<LoanStatusValue['nextDeadline']> | undefined;
  if (ds === 'Current') next = { tag: 'DueSoon', value: loan.dueAt - p.dueSoonMs };
  else if (ds === 'DueSoon') next = { tag: 'Due', value: loan.dueAt };
  else if (ds === 'GracePeriod') next = { tag: 'GraceEnds', value: loan.dueAt + p.dueGraceMs };
  if (loan.belowLiquidationSince !== undefined) {
    const ends = loan.belowLiquidationSince + p.liquidationGraceMs;
    if (next === undefined || ends < next.value) next = { tag: 'LiquidationGraceEnds', value: ends };
  }
  return next;
}
