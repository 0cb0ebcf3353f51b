/**
 * The Loans pallet on the real runtime (TestChain, real signatures, block times under the test's control), with the
 * UDST ledger, oracle, certificates, banks and auctions all real. Every pallet's invariants run after every test.
 * Each failure mode of issue 5 has its own test here or in auctions.test.ts / banks.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { eventNames } from '../../helpers/chain.js';
import { CreditChain, checkCreditInvariantsAfterEach, DAY, HOUR, PRICE_ONE, U, XFG } from './credit-harness.js';
import { CertificatesStorage } from '../../../src/pallets/certificates/index.js';
import { LoansStorage } from '../../../src/pallets/loans/index.js';
import { accrue, contractRate, YEAR_MS } from '../../../src/pallets/loans/math.js';
import { OracleStorage } from '../../../src/pallets/oracle/storage.js';
import { U128_MAX } from '../../../src/primitives/arith.js';
import { LoanStatus } from '../../../src/pallets/loans/types.js';

checkCreditInvariantsAfterEach();

const apply = (amount: bigint, certificates: bigint[], termDays = 90, kind = 'General') => ({ bank: 0, kind: { tag: kind }, amount, termDays, certificates, purpose: new Uint8Array() });
function priceOf(c: CreditChain): bigint | undefined {
  // The oracle's own view (median of fresh values at the head's time), read through its pallet's PriceOracle.
  const vals = c.keys.feeders.map((f) => OracleStorage.Values.get(c.state, f.publicKey)).filter((v) => v !== undefined && c.now - v.at <= 600_000n).map((v) => v!.price).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return vals.length >= 2 ? vals[Math.floor((vals.length - 1) / 2)] : undefined;
}

describe('Loans: application, draw and repayment', () => {
  it('draws at the contract rate of the moment, mints the amount less the origination fee, and pledges the certificates', async () => {
    const c = await CreditChain.create();
    const { bob } = c.keys;
    const before = c.udst(bob.publicKey);
    const issuance = c.udstIssuance();
    const cert = c.lock(bob, 1_500n * XFG);
    const id = c.borrow(bob, 1_000n * U, [cert]);
    const loan = c.loan(id);
    // B 1,200, ratio 15,000 (C 9,000), score 600 (R 10,000): 10.8 %.
    expect(loan.ratePpb).toBe(contractRate({ baseRateBps: 1_200n, riskPremiumBps: 0n, ratioBps: 15_000n, score: 600n, minRateBps: 100n }));
    expect(loan.ratePpb).toBe(108_000_000n);
    expect(c.udst(bob.publicKey) - before).toBe(1_000n * U - 5n * U);
    expect(c.udstIssuance() - issuance).toBe(1_000n * U);
    expect(CertificatesStorage.Certificates.get(c.state, cert)!.pledgedTo).toBe(id);
    expect(c.bank().outstanding).toBe(1_000n * U);
    expect(c.bank().reserves).toBe(100_000n * U + 5n * U);
    expect(loan.dueAt - loan.drawnAt).toBe(90n * DAY);
  });

  it('repaying within 24 h gets the 75 % discount, closes the loan, raises the reputation and makes the next quote cheaper', async () => {
    const c = await CreditChain.create();
    const { bob } = c.keys;
    const cert = c.lock(bob, 1_500n * XFG);
    const quote = (st = c.state) => c.loanQueries.quote(st, { borrower: bob.publicKey, bank: 0, kind: 'General', amount: 1_000n * U, termDays: 90n, collateralValue: 1_500n * U })!;
    const q0 = quote();
    expect(q0.score).toBe(600n);
    const id = c.borrow(bob, 1_000n * U, [cert]);
    c.advance(12n * HOUR);
    const st = c.status(id, c.t);
    expect(st.discountBps).toBe(7_500n);
    // Charged on-time interest is a quarter of the undiscounted, rounded up, and above the 1 % floor.
    expect(st.interestDue).toBe((st.interestUndiscounted * 2_500n + 9_999n) / 10_000n);
    const balance = c.udst(bob.publicKey);
    const r = c.ok(bob, 'Loans', 'repayAll', { loanId: id });
    expect(r.events).toContain('Loans.Repaid');
    expect(c.udst(bob.publicKey)).toBe(balance - st.total);
    const loan = c.loan(id);
    expect(loan.state.tag).toBe('Repaid');
    expect(loan.history).toHaveLength(1);
    expect(loan.history[0].earlyPaymentBonus).toBe(st.interestUndiscounted - st.interestDue);
    const rep = c.loanQueries.reputation(c.state, bob.publicKey);
    expect(rep.reputation).toMatchObject({ totalLoans: 1n, repaidOnTime: 1n, repaidPrompt: 1n, defaulted: 0n, daysToRepaySum: 0n });
    expect(rep.score).toBe(1_000n);
    const q1 = quote();
    expect(q1.r).toBe(8_000n);
    expect(q1.ratePpb).toBeLessThan(q0.ratePpb);
    expect(q1.schedule[0].total).toBeLessThan(q0.schedule[0].total);
  });

  it('large applications wait for an officer: Pending → UnderReview → Approved, drawn within 7 days; rejections and late draws are refused', async () => {
    const c = await CreditChain.create();
    const { alice, bob, charlie } = c.keys;
    const certB = c.lock(bob, 10_000n * XFG);
    const r = c.ok(bob, 'Loans', 'apply', apply(5_000n * U, [certB]));
    const appId = (r.records.find((x) => x.event.value.tag === 'Applied')!.event.value.value as { applicationId: bigint }).applicationId;
    expect(LoansStorage.Applications.get(c.state, appId)!.status.tag).toBe('Pending');
    c.expectNoop(bob, 'Loans', 'draw', { applicationId: appId }, 'Loans.InvalidApplicationStatus');
    c.expectNoop(bob, 'Loans', 'startReview', { applicationId: appId }, 'Loans.NotOfficer');
    c.expectNoop(alice, 'Loans', 'approve', { applicationId: appId }, 'Loans.InvalidApplicationStatus');
    c.ok(alice, 'Loans', 'startReview', { applicationId: appId });
    c.ok(alice, 'Loans', 'approve', { applicationId: appId });
    c.advance(7n * DAY + 1n);
    c.feed(PRICE_ONE);
    c.expectNoop(bob, 'Loans', 'draw', { applicationId: appId }, 'Loans.DrawWindowClosed');
    // Another application, rejected.
    const certC = c.lock(charlie, 10_000n * XFG);
    const r2 = c.ok(charlie, 'Loans', 'apply', apply(5_000n * U, [certC]));
    const app2 = (r2.records.find((x) => x.event.value.tag === 'Applied')!.event.value.value as { applicationId: bigint }).applicationId;
    c.ok(alice, 'Loans', 'reject', { applicationId: app2 });
    expect(LoansStorage.Applications.get(c.state, app2)!.status.tag).toBe('Rejected');
    c.expectNoop(charlie, 'Loans', 'draw', { applicationId: app2 }, 'Loans.InvalidApplicationStatus');
    // A fresh one approved and drawn in time.
    const r3 = c.ok(charlie, 'Loans', 'apply', apply(5_000n * U, [certC]));
    const app3 = (r3.records.find((x) => x.event.value.tag === 'Applied')!.event.value.value as { applicationId: bigint }).applicationId;
    c.ok(alice, 'Loans', 'startReview', { applicationId: app3 });
    c.ok(alice, 'Loans', 'approve', { applicationId: app3 });
    c.advance(6n * DAY);
    c.feed(PRICE_ONE);
    c.ok(charlie, 'Loans', 'draw', { applicationId: app3 });
    expect(c.loan(app3).principal).toBe(5_000n * U);
  });

  it('applications are refused (changing nothing) for non-members, the blacklisted, bad terms, thin collateral and missing capacity', async () => {
    const c = await CreditChain.create({ bank: { creditCeiling: 2_000n * U } });
    const { alice, bob, eve, charlie } = c.keys;
    const cert = c.lock(bob, 1_500n * XFG);
    const certE = c.lock(eve, 1_500n * XFG);
    c.expectNoop(eve, 'Loans', 'apply', apply(100n * U, [certE]), 'Loans.NotMember');
    c.expectNoop(bob, 'Loans', 'apply', apply(100n * U, [certE]), 'Loans.NotCertificateOwner');
    c.expectNoop(bob, 'Loans', 'apply', apply(1_001n * U, [cert]), 'Loans.InsufficientCollateral');
    c.expectNoop(bob, 'Loans', 'apply', apply(0n, [cert]), 'Loans.ZeroAmount');
    c.expectNoop(bob, 'Loans', 'apply', apply(1n, [cert]), 'Loans.AmountBelowMinDebt');
    c.expectNoop(bob, 'Loans', 'apply', apply(100n * U, [cert], 366), 'Loans.TermTooLong');
    c.expectNoop(bob, 'Loans', 'apply', apply(100n * U, [cert], 0), 'Loans.ZeroTerm');
    c.expectNoop(bob, 'Loans', 'apply', apply(100n * U, []), 'Loans.NoCertificates');
    c.expectNoop(bob, 'Loans', 'apply', apply(100n * U, [cert, cert]), 'Loans.DuplicateCertificate');
    c.expectNoop(bob, 'Loans', 'apply', apply(100n * U, [999n]), 'Loans.UnknownCertificate');
    c.expectNoop(bob, 'Loans', 'apply', { ...apply(100n * U, [cert]), bank: 7 }, 'Loans.UnknownBank');
    c.expectNoop(bob, 'Loans', 'apply', { ...apply(100n * U, [cert]), purpose: new Uint8Array(257) }, 'Loans.PurposeTooLong');
    const big = c.lock(charlie, 10_000n * XFG);
    c.borrow(charlie, 1_000n * U, [big]);
    // Capacity: ceiling 2,000, 1,000 out.
    const big2 = c.lock(bob, 10_000n * XFG);
    c.expectNoop(bob, 'Loans', 'apply', apply(1_001n * U, [big2]), 'Loans.InsufficientCapacity');
    c.ok(alice, 'Banks', 'blacklist', { bank: 0, who: bob.publicKey });
    c.expectNoop(bob, 'Loans', 'apply', apply(100n * U, [cert]), 'Loans.Blacklisted');
  });
});

describe('Loans: rounding never favours the borrower (issue 5 failure modes)', () => {
  it('a 1-unit loan owes interest as soon as its interest reaches 1 unit: no free loans by rounding', async () => {
    const c = await CreditChain.create({ bank: { params: { minDebt: 0n } } });
    const { bob } = c.keys;
    const cert = c.lock(bob, XFG);
    const id = c.borrow(bob, 1n, [cert]);
    // At the draw nothing has accrued; one block later the interest (rounded up) is 1 unit, discount or not.
    expect(c.status(id, c.loan(id).drawnAt).total).toBe(1n);
    const st = c.status(id, c.t);
    expect(st.interestUndiscounted).toBe(1n);
    expect(st.interestDue).toBe(1n);
    expect(st.total).toBe(2n);
    // Paying the principal alone leaves the interest owed: it goes to interest first.
    c.ok(bob, 'Loans', 'repay', { loanId: id, amount: 1n });
    expect(c.loan(id).state.tag).toBe('Active');
    expect(c.loan(id).principal).toBe(1n);
    c.ok(bob, 'Loans', 'repayAll', { loanId: id });
    const loan = c.loan(id);
    expect(loan.state.tag).toBe('Repaid');
    expect(loan.interestPaid).toBeGreaterThanOrEqual(2n);
  });

  it('many tiny loans never owe less than one large loan of the same total', async () => {
    const c = await CreditChain.create({ bank: { params: { minDebt: 0n } } });
    const { bob, charlie } = c.keys;
    const n = 8n;
    const tiny: bigint[] = [];
    for (let i = 0n; i < n; i++) tiny.push(c.borrow(bob, 3n, [c.lock(bob, XFG)]));
    const large = c.borrow(charlie, 3n * n, [c.lock(charlie, 10n * XFG)]);
    for (const days of [0n, 1n, 10n, 45n, 89n]) {
      const at = c.loan(large).drawnAt + days * DAY + 7n;
      const sumTiny = tiny.reduce((s, id) => s + c.status(id, at).total, 0n);
      const one = c.status(large, at).total;
      expect(sumTiny, `day ${days}`).toBeGreaterThanOrEqual(one);
      expect(c.status(large, at).interestUndiscounted).toBeGreaterThanOrEqual(days === 0n ? 0n : 1n);
    }
  });

  it('repayAll closes a loan at exactly zero, and repaying the displayed debt is never one unit short', async () => {
    const c = await CreditChain.create();
    const { bob, charlie } = c.keys;
    const id = c.borrow(bob, 777_777_777n, [c.lock(bob, 2_000n * XFG)]);
    const id2 = c.borrow(charlie, 333_333_333n, [c.lock(charlie, 2_000n * XFG)]);
    c.advance(17n * DAY + 12_345n);
    c.feed(PRICE_ONE);
    // Display: the status in the block being built (its timestamp set), then the displayed total paid in that block.
    const block = c.chain.begin({ timestamp: c.t });
    const shown = c.status(id, undefined, block.exec.state);
    expect(shown.at).toBe(c.t);
    expect(shown.discountBps).toBe(2_500n);
    const r = block.exec.applyExtrinsic(c.chain.sign(bob, c.call('Loans', 'repay', { loanId: id, amount: shown.total })), { enforceLimits: true });
    expect(r.ok).toBe(true);
    const shown2 = c.status(id2, undefined, block.exec.state);
    const r2 = block.exec.applyExtrinsic(c.chain.sign(charlie, c.call('Loans', 'repay', { loanId: id2, amount: shown2.total - 1n })), { enforceLimits: true });
    expect(r2.ok).toBe(true);
    c.chain.commit(c.chain.seal(block));
    c.t += 6_000n;
    const loan = c.loan(id);
    expect(loan.state.tag).toBe('Repaid');
    expect([loan.principal, loan.accruedOnTime, loan.accruedLate, loan.accruedFloor]).toEqual([0n, 0n, 0n, 0n]);
    // One unit short leaves exactly that unit (no rounding hides it), and the loan open.
    const open = c.loan(id2);
    expect(open.state.tag).toBe('Active');
    expect(c.status(id2, open.accruedAt).total).toBe(1n);
    // One unit too many is refused with the owed amount named.
    const owed = c.status(id2, c.t).total;
    const f = c.expectNoop(charlie, 'Loans', 'repay', { loanId: id2, amount: owed + 1n }, 'Loans.Overpayment');
    expect(f.message).toContain(`${owed} owed`);
    c.ok(charlie, 'Loans', 'repayAll', { loanId: id2 });
    expect(c.loan(id2).state.tag).toBe('Repaid');
  });

  it('after full repayment no dust debt and no pledged certificate remain', async () => {
    const c = await CreditChain.create();
    const { bob } = c.keys;
    const certs = [c.lock(bob, 500n * XFG), c.lock(bob, 700n * XFG), c.lock(bob, 300n * XFG)];
    const id = c.borrow(bob, 1_000n * U, certs);
    for (let i = 0; i < 5; i++) {
      c.advance(3n * DAY + 1_234n);
      c.feed(PRICE_ONE);
      c.ok(bob, 'Loans', 'repay', { loanId: id, amount: 123_456_789n });
    }
    c.ok(bob, 'Loans', 'repayAll', { loanId: id });
    const loan = c.loan(id);
    expect(loan.state.tag).toBe('Repaid');
    expect(loan.certificates).toEqual([]);
    expect(loan.principalRepaid).toBe(loan.principalDrawn);
    expect(loan.history).toHaveLength(6);
    for (const cert of certs) expect(CertificatesStorage.Certificates.get(c.state, cert)!.pledgedTo).toBeUndefined();
    expect(LoansStorage.OpenLoans.get(c.state, id)).toBeUndefined();
    expect(c.bank().outstanding).toBe(0n);
    expect(c.status(id, c.t + 365n * DAY).total).toBe(0n);
    // The certificates can be unlocked again.
    for (const cert of certs) c.ok(bob, 'Certificates', 'unlock', { id: cert });
    c.expectNoop(bob, 'Loans', 'repay', { loanId: id, amount: 1n }, 'Loans.LoanClosed');
  });

  it('the history keeps the last 16 payments and summarises the older ones', async () => {
    const c = await CreditChain.create();
    const { bob } = c.keys;
    const id = c.borrow(bob, 1_000n * U, [c.lock(bob, 2_000n * XFG)]);
    for (let i = 0; i < 20; i++) c.ok(bob, 'Loans', 'repay', { loanId: id, amount: 10n * U });
    const loan = c.loan(id);
    expect(loan.history).toHaveLength(16);
    expect(loan.historySummary.count).toBe(4n);
    expect(loan.historySummary.amount).toBe(40n * U);
    const all = loan.history.reduce((s, p) => s + p.principalPaid, loan.historySummary.principalPaid);
    expect(all).toBe(loan.principalRepaid);
  });

  it('a borrower cannot lower the rate on existing debt by briefly adding collateral and withdrawing it', async () => {
    const c = await CreditChain.create();
    const { bob } = c.keys;
    const cert = c.lock(bob, 1_500n * XFG);
    const extra = c.lock(bob, 2_000n * XFG);
    const id = c.borrow(bob, 1_000n * U, [cert]);
    const rate = c.loan(id).ratePpb;
    c.ok(bob, 'Loans', 'addCollateral', { loanId: id, certificate: extra });
    expect(c.status(id).ratioBps).toBeGreaterThan(30_000n);
    // At that ratio a new loan would be priced lower (C 8,000)...
    const q = c.loanQueries.quote(c.state, { borrower: bob.publicKey, bank: 0, kind: 'General', amount: 1_000n * U, termDays: 90n, collateralValue: 3_500n * U })!;
    expect(q.ratePpb).toBeLessThan(rate);
    // ...but the drawn loan keeps the rate fixed at draw, through touches, payments and the withdrawal.
    c.ok(bob, 'Loans', 'check', { loanId: id });
    c.ok(bob, 'Loans', 'repay', { loanId: id, amount: U });
    c.ok(bob, 'Loans', 'withdrawCollateral', { loanId: id, certificate: extra });
    expect(c.loan(id).ratePpb).toBe(rate);
    expect(c.loan(id).certificates).toEqual([cert]);
    // Withdrawing below the kind's minimum ratio, or the last certificate, is refused.
    c.expectNoop(bob, 'Loans', 'withdrawCollateral', { loanId: id, certificate: cert }, 'Loans.LastCertificate');
    const small = c.lock(bob, 10n * XFG);
    c.ok(bob, 'Loans', 'addCollateral', { loanId: id, certificate: small });
    c.expectNoop(bob, 'Loans', 'withdrawCollateral', { loanId: id, certificate: cert }, 'Loans.InsufficientCollateral');
  });

  it('accrual over 100 years neither throws nor saturates', async () => {
    const c = await CreditChain.create({ bank: { kinds: { General: { maxTermDays: 3_650n } } } });
    const { bob } = c.keys;
    const id = c.borrow(bob, 1_000n * U, [c.lock(bob, 1_500n * XFG)], { termDays: 3_650 });
    const loan = c.loan(id);
    const at = loan.drawnAt + 100n * YEAR_MS;
    const st = c.status(id, at);
    const exact = accrue({ principal: loan.principal, ratePpb: loan.ratePpb, from: loan.drawnAt, to: at, dueAt: loan.dueAt });
    expect(st.interestUndiscounted).toBe(exact.onTime + exact.late);
    // 10 years on time at 10.8 % plus 90 years late at 16.2 %: about 15.66× the principal, exactly.
    expect(st.interestUndiscounted).toBe(1_000n * U * 108_000_000n * 10n / 1_000_000_000n + (1_000n * U * 162_000_000n * 90n + 999_999_999n) / 1_000_000_000n);
    expect(st.total).toBeLessThan(U128_MAX);
    expect(() => LoanStatus.encode(st)).not.toThrow();
    // And on chain: a block 100 years later defaults the loan and sends its collateral to auction, without throwing.
    c.advance(100n * YEAR_MS);
    c.feed(PRICE_ONE);
    // The scan runs in the next block's onInitialize, with the fresh prices.
    c.produce([]);
    const l = c.loan(id);
    expect(l.state.tag).toBe('Defaulted');
    expect(l.liquidation?.full).toBe(true);
    expect(l.accrualStopped).toBe(true);
    expect(l.accruedOnTime + l.accruedLate).toBeGreaterThanOrEqual(exact.onTime + exact.late);
    expect(l.accruedOnTime + l.accruedLate).toBeLessThan(exact.onTime + exact.late + U);
  });
});

describe('Loans: oracle failure modes', () => {
  it('one feeder reporting +30 % or −30 % does not move the price, so no margin call follows', async () => {
    const c = await CreditChain.create();
    const { bob } = c.keys;
    // Ratio 15,000: a −30 % price would put it at 10,500, deep in a margin call.
    const id = c.borrow(bob, 1_000n * U, [c.lock(bob, 1_500n * XFG)]);
    c.feed(PRICE_ONE);
    c.feed((PRICE_ONE * 13n) / 10n, [c.keys.feeders[0]]);
    expect(priceOf(c)).toBe(PRICE_ONE);
    c.feed((PRICE_ONE * 7n) / 10n, [c.keys.feeders[1]]);
    expect(priceOf(c)).toBe(PRICE_ONE);
    const r = c.ok(bob, 'Loans', 'check', { loanId: id });
    expect(r.events.filter((e) => e.startsWith('Loans.'))).toEqual([]);
    expect(c.loan(id).state.tag).toBe('Active');
  });

  it('with every feeder stale there is no price: no new loan, no collateral withdrawal, no liquidation', async () => {
    const c = await CreditChain.create();
    const { bob, charlie } = c.keys;
    const id = c.borrow(bob, 1_000n * U, [c.lock(bob, 1_500n * XFG)]);
    const extra = c.lock(bob, 500n * XFG);
    c.ok(bob, 'Loans', 'addCollateral', { loanId: id, certificate: extra });
    const cert = c.lock(charlie, 1_500n * XFG);
    // 11 minutes without feeds: all values are older than the 10-minute lifetime. Then the loan falls far past due,
    // which would default it and send its collateral to auction if there were a price.
    c.advance(100n * DAY);
    c.produce([]);
    expect(priceOf(c)).toBeUndefined();
    c.expectNoop(charlie, 'Loans', 'apply', apply(100n * U, [cert]), 'Loans.PriceUnavailable');
    c.expectNoop(bob, 'Loans', 'withdrawCollateral', { loanId: id, certificate: extra }, 'Loans.PriceUnavailable');
    c.ok(charlie, 'Loans', 'check', { loanId: id });
    // Reported once per block (by the scan or the check, whichever read the price first).
    expect(eventNames(c.chain.events())).toContain('Oracle.PriceUnavailable');
    const loan = c.loan(id);
    expect(loan.state.tag).toBe('Defaulted');
    expect(loan.liquidation).toBeUndefined();
    expect(loan.certificates).toEqual([c.loan(id).certificates[0], extra]);
    // The price returns: the next block's scan starts the auction.
    c.feed(PRICE_ONE);
    c.produce([]);
    expect(c.loan(id).liquidation?.full).toBe(true);
  });

  it('a price at a configured bound is refused', async () => {
    const c = await CreditChain.create();
    const f = c.keys.feeders[0];
    c.expectNoop(f, 'Oracle', 'feed', { price: PRICE_ONE * 1_000n }, 'Oracle.PriceOutOfBounds');
    c.expectNoop(f, 'Oracle', 'feed', { price: PRICE_ONE / 1_000n }, 'Oracle.PriceOutOfBounds');
    c.ok(f, 'Oracle', 'feed', { price: PRICE_ONE * 1_000n - 1n });
  });
});
