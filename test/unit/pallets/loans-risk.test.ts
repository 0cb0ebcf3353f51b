/**
 * Loans under stress on the real runtime: margin calls, the liquidation grace and the hard floor, partial and full
 * liquidation through Dutch auctions with bids, unsold collateral returned, bad debt written off against reserves,
 * the due-date ladder (due soon, grace period, default), restructuring, and the bounded per-block scan.
 */
import { describe, expect, it } from 'vitest';
import { CreditChain, checkCreditInvariantsAfterEach, DAY, HOUR, PRICE_ONE, U, XFG } from './credit-harness.js';
import { eventNames } from '../../helpers/chain.js';
import { CERTIFICATE_LOCK, CertificatesStorage } from '../../../src/pallets/certificates/index.js';
import { BalancesStorage } from '../../../src/pallets/balances/index.js';
import { AuctionsStorage } from '../../../src/pallets/auctions/index.js';
import { BanksStorage } from '../../../src/pallets/banks/index.js';
import { LoansStorage } from '../../../src/pallets/loans/index.js';
import { collateralValue, restructuringFee } from '../../../src/pallets/loans/math.js';

checkCreditInvariantsAfterEach();

const DEC = { xfg: 12, udst: 6 };
const price = (num: bigint, den = 100n) => (PRICE_ONE * num) / den;

/** Names of the events of the head block deposited by the loans/auctions hooks (Initialization phase). */
function hookEvents(c: CreditChain): string[] {
  return eventNames(c.chain.events().filter((r) => r.phase.tag === 'Initialization')).filter((n) => n.startsWith('Loans.') || n.startsWith('Auctions.'));
}

/** A chain with Bob's 1,000 UDST loan against 1,500 XFG at price 1.0 (ratio 15,000). */
async function withLoan(o: Parameters<typeof CreditChain.create>[0] = {}) {
  const c = await CreditChain.create(o);
  const cert = c.lock(c.keys.bob, 1_500n * XFG);
  const id = c.borrow(c.keys.bob, 1_000n * U, [cert]);
  return { c, id, cert };
}

describe('margin call, liquidation grace and hard floor', () => {
  it('a price drop brings a margin call, cleared when the price recovers', async () => {
    const { c, id } = await withLoan();
    c.feed(price(79n));
    c.produce([]);
    expect(hookEvents(c)).toEqual(['Loans.MarginCalled']);
    expect(c.loan(id).state.tag).toBe('MarginCall');
    c.feed(price(100n));
    c.produce([]);
    expect(hookEvents(c)).toEqual(['Loans.MarginCallCleared']);
    expect(c.loan(id).state.tag).toBe('Active');
  });

  it('below the liquidation ratio for less than 24 h nothing is sold; continuously for 24 h it is liquidated', async () => {
    const { c, id } = await withLoan();
    c.feed(price(72n)); // ratio ~10,800: below 11,000, above the 10,500 floor
    c.produce([]);
    expect(hookEvents(c)).toEqual(['Loans.MarginCalled', 'Loans.BelowLiquidationRatio']);
    const since = c.loan(id).belowLiquidationSince!;
    // A recovery in between resets the clock.
    c.advance(12n * HOUR);
    c.feed(price(76n));
    c.produce([]);
    expect(c.loan(id).belowLiquidationSince).toBeUndefined();
    c.feed(price(72n));
    c.produce([]);
    const since2 = c.loan(id).belowLiquidationSince!;
    expect(since2).toBeGreaterThan(since);
    c.advance(24n * HOUR - 30_000n);
    c.feed(price(72n));
    c.produce([]);
    expect(c.loan(id).liquidation).toBeUndefined();
    expect(c.status(id).nextDeadline).toEqual({ tag: 'LiquidationGraceEnds', value: since2 + 24n * HOUR });
    c.advance(30_000n);
    c.feed(price(72n));
    c.produce([]);
    expect(hookEvents(c)).toContain('Loans.LiquidationStarted');
    expect(c.loan(id).liquidation?.full).toBe(false);
  });

  it('a 40 % price drop liquidates below the hard floor at once, skipping the grace period', async () => {
    const { c, id } = await withLoan();
    const blockBefore = c.chain.head.header.number;
    c.feed(price(60n)); // ratio 9,000 < 10,500
    c.produce([]);
    expect(c.chain.head.header.number).toBe(blockBefore + 2);
    expect(hookEvents(c)).toEqual(['Loans.MarginCalled', 'Loans.BelowLiquidationRatio', 'Auctions.AuctionStarted', 'Loans.LiquidationStarted']);
    const loan = c.loan(id);
    // Below 1 + penalty no partial liquidation can restore the target: everything goes, interest frozen.
    expect(loan.liquidation?.full).toBe(true);
    expect(loan.accrualStopped).toBe(true);
    const a = AuctionsStorage.Auctions.get(c.state, loan.liquidation!.auctionId)!;
    expect(a.lotXfg).toBe(1_500n * XFG);
    expect(a.tab).toBe(loan.liquidation!.interestDue + loan.liquidation!.principalDue + loan.liquidation!.penaltyDue);
    expect(a.startPrice).toBe(price(66n));
    // While at auction the borrower cannot repay, withdraw or restructure.
    c.expectNoop(c.keys.bob, 'Loans', 'repayAll', { loanId: id }, 'Loans.LiquidationInProgress');
    c.expectNoop(c.keys.bob, 'Loans', 'requestRestructure', { loanId: id, extraDays: 5 }, 'Loans.LiquidationInProgress');
  });
});

describe('liquidation by auction', () => {
  it('price drop → margin call → partial liquidation → bid → penalty to reserves, unsold collateral back to the borrower', async () => {
    const { c, id, cert } = await withLoan();
    // Eve bids (Charlie authors the blocks and earns fees, which would blur his balances).
    const { bob, eve: charlie } = c.keys;
    c.feed(price(72n));
    c.produce([]);
    expect(c.loan(id).state.tag).toBe('MarginCall');
    c.advance(24n * HOUR);
    c.feed(price(72n));
    c.produce([]);
    const loan = c.loan(id);
    const liq = loan.liquidation!;
    expect(liq.full).toBe(false);
    const a = AuctionsStorage.Auctions.get(c.state, liq.auctionId)!;
    // The lot is the least XFG worth the tab at the oracle price.
    expect(collateralValue(a.lotXfg, price(72n), DEC)).toBeGreaterThanOrEqual(a.tab);
    expect(collateralValue(a.lotXfg - 1n, price(72n), DEC)).toBeLessThan(a.tab);
    expect(a.lotXfg).toBeLessThan(1_500n * XFG);
    const reserves = c.bank().reserves;
    const bobReserved = c.chain.account(bob.publicKey).data.reserved;
    const charlieFree = c.chain.account(charlie.publicKey).data.free;
    const charlieUdst = c.udst(charlie.publicKey);
    // The auction started at 0.792 (oracle + 10 %) and has decayed for two blocks (it started in the scan, at the
    // parent block's time). Charlie bids for the whole lot at up to 0.80 and pays exactly the tab.
    expect(a.startPrice).toBe(price(792n, 1_000n));
    const quoted = c.auctionQueries.view(c.state, liq.auctionId, c.t)!.price;
    expect(quoted).toBeLessThan(a.startPrice);
    expect(quoted).toBeGreaterThan(price(791n, 1_000n));
    const r = c.ok(charlie, 'Auctions', 'bid', { auctionId: liq.auctionId, maxXfg: a.lotXfg, maxPrice: price(80n) });
    expect(r.events).toEqual(expect.arrayContaining(['Auctions.BidAccepted', 'Loans.CollateralSold', 'Auctions.AuctionEnded', 'Loans.LiquidationEnded']));
    const sold = (r.records.find((x) => x.event.value.tag === 'BidAccepted')!.event.value.value as { xfg: bigint; udst: bigint; price: bigint });
    expect(sold.price).toBe(quoted);
    expect(sold.udst).toBe(a.tab);
    expect(sold.xfg).toBeLessThan(a.lotXfg);
    expect(c.udst(charlie.publicKey)).toBe(charlieUdst - a.tab);
    expect(c.chain.account(charlie.publicKey).data.free - charlieFree).toBe(sold.xfg - feePaid(r));
    // Unsold collateral stays with Bob: his certificate and reserved XFG shrink by exactly what was sold.
    expect(CertificatesStorage.Certificates.get(c.state, cert)!.xfg).toBe(1_500n * XFG - sold.xfg);
    expect(bobReserved - c.chain.account(bob.publicKey).data.reserved).toBe(sold.xfg);
    // The sold XFG went from Bob's CertificateLock hold straight to Charlie's free balance; the rest is still held.
    expect(BalancesStorage.Holds.get(c.state, bob.publicKey)).toEqual([{ id: CERTIFICATE_LOCK, amount: 1_500n * XFG - sold.xfg }]);
    const after = c.loan(id);
    expect(after.liquidation).toBeUndefined();
    expect(after.state.tag).toBe('MarginCall');
    expect(after.principal).toBe(loan.principal - liq.principalDue);
    // Reserves took the penalty and the interest less the treasury's share.
    const treasuryShare = liq.interestDue / 10n;
    expect(c.bank().reserves - reserves).toBe(liq.penaltyDue + liq.interestDue - treasuryShare);
    // The ratio is back above the target, so the next check clears the margin call.
    c.ok(bob, 'Loans', 'check', { loanId: id });
    expect(c.loan(id).state.tag).toBe('Active');
    expect(c.status(id).ratioBps).toBeGreaterThanOrEqual(15_000n);
    expect(LoansStorage.Reputations.get(c.state, bob.publicKey).liquidated).toBe(1n);
    // The rest can be repaid as usual.
    c.ok(bob, 'Loans', 'repayAll', { loanId: id });
    expect(c.loan(id).state.tag).toBe('Repaid');
  });

  it('debt left without collateral becomes bad debt: written off against reserves, accrual stopped, issuance identity kept', async () => {
    const { c, id, cert } = await withLoan();
    const { charlie, bob } = c.keys;
    c.feed(price(60n));
    c.produce([]);
    const loan = c.loan(id);
    const liq = loan.liquidation!;
    const issuance = c.udstIssuance();
    const reserves = c.bank().reserves;
    const unbacked = BanksStorage.UnbackedIssuance.get(c.state);
    // The whole 1,500 XFG lot is worth under 990 UDST at the auction price (start 0.66): less than the tab.
    const quoted = c.auctionQueries.view(c.state, liq.auctionId, c.t)!.price;
    const r = c.ok(charlie, 'Auctions', 'bid', { auctionId: liq.auctionId, maxXfg: 2_000n * XFG, maxPrice: price(66n) });
    const paid = (r.records.find((x) => x.event.value.tag === 'BidAccepted')!.event.value.value as { udst: bigint }).udst;
    expect(paid).toBe((1_500n * quoted * U + PRICE_ONE - 1n) / PRICE_ONE);
    expect(paid).toBeLessThan(990n * U);
    expect(r.events).toContain('Loans.BadDebt');
    const bad = r.records.find((x) => x.event.value.tag === 'BadDebt')!.event.value.value as { principal: bigint; interest: bigint; covered: bigint; uncovered: bigint };
    const principalPaid = paid - liq.interestDue;
    expect(bad.principal).toBe(loan.principal - principalPaid);
    expect(bad.covered).toBe(bad.principal);
    expect(bad.uncovered).toBe(0n);
    const after = c.loan(id);
    expect(after.state.tag).toBe('WrittenOff');
    expect(after.writtenOff).toBe(bad.principal);
    expect(after.certificates).toEqual([]);
    expect(CertificatesStorage.Certificates.get(c.state, cert)).toBeUndefined();
    // Principal paid by the auction and the written-off principal both left circulation; the bank absorbed the loss.
    expect(c.udstIssuance()).toBe(issuance - principalPaid - bad.principal);
    expect(c.bank().reserves).toBe(reserves + (liq.interestDue - liq.interestDue / 10n) - bad.principal);
    expect(c.bank().outstanding).toBe(0n);
    expect(BanksStorage.UnbackedIssuance.get(c.state)).toBe(unbacked);
    // Interest no longer accrues.
    expect(c.status(id, c.t + 365n * DAY).total).toBe(0n);
    const rep = LoansStorage.Reputations.get(c.state, bob.publicKey);
    expect(rep).toMatchObject({ totalLoans: 1n, liquidated: 1n });
    expect(c.score(bob.publicKey)).toBe(200n); // 400 − 200 · liquidated / total
  });

  it('bad debt beyond the reserves is recorded as unbacked issuance, and the bank then refuses deposits (insolvent)', async () => {
    const c = await CreditChain.create({ bank: { reserves: 200n * U, creditCeiling: 100_000n * U } });
    const { bob, charlie, eve } = c.keys;
    const id = c.borrow(bob, 1_000n * U, [c.lock(bob, 1_500n * XFG)]);
    c.feed(price(20n)); // collateral worth 300 UDST
    c.produce([]);
    const liq = c.loan(id).liquidation!;
    c.ok(charlie, 'Auctions', 'bid', { auctionId: liq.auctionId, maxXfg: 2_000n * XFG, maxPrice: price(22n) });
    const b = c.bank();
    expect(b.reserves).toBe(0n);
    expect(b.uncoveredLoss).toBeGreaterThan(0n);
    expect(BanksStorage.UnbackedIssuance.get(c.state)).toBeGreaterThan(0n);
    c.expectNoop(eve, 'Banks', 'deposit', { bank: 0, amount: 100n * U }, 'Banks.BankInsolvent');
  });
});

describe('due-date ladder', () => {
  it('an unpaid loan is warned once when due soon, enters its grace period after the due date, then defaults and goes to auction', async () => {
    const { c, id } = await withLoan();
    const { bob } = c.keys;
    const dueAt = c.loan(id).dueAt;
    c.advance(dueAt - 7n * DAY - c.t);
    c.feed(PRICE_ONE);
    c.produce([]);
    expect(hookEvents(c)).toEqual(['Loans.RepaymentDueSoon']);
    c.feed(PRICE_ONE);
    c.produce([]);
    expect(hookEvents(c)).toEqual([]);
    expect(c.status(id).nextDeadline).toEqual({ tag: 'Due', value: dueAt });
    c.advance(dueAt + 1n - c.t);
    c.feed(PRICE_ONE);
    c.produce([]);
    expect(hookEvents(c)).toEqual(['Loans.GracePeriodStarted']);
    expect(c.loan(id).state.tag).toBe('GracePeriod');
    expect(c.status(id).nextDeadline).toEqual({ tag: 'GraceEnds', value: dueAt + 3n * DAY });
    // Late interest runs at +50 % and there is no discount.
    expect(c.status(id).discountBps).toBe(0n);
    c.advance(dueAt + 3n * DAY + 1n - c.t);
    c.feed(PRICE_ONE);
    c.produce([]);
    expect(hookEvents(c)).toEqual(['Loans.Defaulted', 'Auctions.AuctionStarted', 'Loans.LiquidationStarted']);
    const loan = c.loan(id);
    expect(loan.state.tag).toBe('Defaulted');
    expect(loan.liquidation?.full).toBe(true);
    expect(loan.accruedLate).toBeGreaterThan(0n);
    expect(LoansStorage.Reputations.get(c.state, bob.publicKey)).toMatchObject({ totalLoans: 1n, defaulted: 1n, liquidated: 1n });
    expect(c.score(bob.publicKey)).toBe(0n);
    // A bid at the start price raises the tab; what is left of the collateral returns to Bob with the certificate.
    const a = AuctionsStorage.Auctions.get(c.state, loan.liquidation!.auctionId)!;
    const r = c.ok(c.keys.charlie, 'Auctions', 'bid', { auctionId: loan.liquidation!.auctionId, maxXfg: a.lotXfg, maxPrice: price(110n) });
    expect(r.events).toContain('Loans.Closed');
    const closed = c.loan(id);
    expect(closed.state.tag).toBe('Liquidated');
    expect(closed.principalRepaid).toBe(closed.principalDrawn);
    const left = 1_500n * XFG - (r.records.find((x) => x.event.value.tag === 'BidAccepted')!.event.value.value as { xfg: bigint }).xfg;
    expect(left).toBeGreaterThan(0n);
    expect(c.chain.account(bob.publicKey).data.reserved).toBe(left);
  });

  it('restructuring: the first ≤ 14 days is automatic for a fee; more needs an officer; the rate stays', async () => {
    const { c, id } = await withLoan();
    const { bob, alice } = c.keys;
    const before = c.loan(id);
    const reserves = c.bank().reserves;
    c.expectNoop(bob, 'Loans', 'requestRestructure', { loanId: id, extraDays: 0 }, 'Loans.InvalidExtension');
    c.expectNoop(bob, 'Loans', 'requestRestructure', { loanId: id, extraDays: 91 }, 'Loans.InvalidExtension');
    const r = c.ok(bob, 'Loans', 'requestRestructure', { loanId: id, extraDays: 14 });
    expect(r.events).toContain('Loans.Restructured');
    const fee = restructuringFee(1_000n * U);
    expect(fee).toBe(5n * U);
    expect(c.bank().reserves - reserves).toBe(fee);
    expect(c.loan(id).dueAt).toBe(before.dueAt + 14n * DAY);
    expect(c.loan(id).ratePpb).toBe(before.ratePpb);
    // The second one waits for an officer.
    const r2 = c.ok(bob, 'Loans', 'requestRestructure', { loanId: id, extraDays: 3 });
    expect(r2.events).toContain('Loans.RestructureRequested');
    expect(c.loan(id).dueAt).toBe(before.dueAt + 14n * DAY);
    c.expectNoop(bob, 'Loans', 'requestRestructure', { loanId: id, extraDays: 3 }, 'Loans.RestructurePending');
    c.expectNoop(bob, 'Loans', 'approveRestructure', { loanId: id }, 'Loans.NotOfficer');
    c.ok(alice, 'Loans', 'approveRestructure', { loanId: id });
    expect(c.loan(id).dueAt).toBe(before.dueAt + 17n * DAY);
    expect(LoansStorage.Reputations.get(c.state, bob.publicKey).restructured).toBe(2n);
    c.ok(bob, 'Loans', 'requestRestructure', { loanId: id, extraDays: 30 });
    c.ok(alice, 'Loans', 'rejectRestructure', { loanId: id });
    expect(c.loan(id).dueAt).toBe(before.dueAt + 17n * DAY);
    c.expectNoop(alice, 'Loans', 'approveRestructure', { loanId: id }, 'Loans.NoRestructureRequest');
  });

  it('a restructuring in the grace period makes the loan current again; late interest already accrued stays late', async () => {
    const c = await CreditChain.create();
    const { bob } = c.keys;
    const id = c.borrow(bob, 1_000n * U, [c.lock(bob, 1_500n * XFG)], { termDays: 10 });
    const dueAt = c.loan(id).dueAt;
    c.advance(dueAt + DAY - c.t);
    c.feed(PRICE_ONE);
    c.produce([]);
    expect(c.loan(id).state.tag).toBe('GracePeriod');
    c.ok(bob, 'Loans', 'requestRestructure', { loanId: id, extraDays: 14 });
    const loan = c.loan(id);
    expect(loan.state.tag).toBe('Active');
    expect(loan.accruedLate).toBeGreaterThan(0n);
    expect(loan.dueAt).toBe(dueAt + 14n * DAY);
  });
});

describe('the per-block scan', () => {
  it('checks at most maxChecksPerBlock open loans per block, round-robin, and reaches every loan', async () => {
    const c = await CreditChain.create({ loans: { maxChecksPerBlock: 2n } });
    const ids: bigint[] = [];
    for (const who of [c.keys.bob, c.keys.charlie, c.keys.dave, c.keys.alice, c.keys.bob]) ids.push(c.borrow(who, 100n * U, [c.lock(who, 150n * XFG)]));
    c.feed(price(79n));
    const called: bigint[][] = [];
    for (let i = 0; i < 4; i++) {
      c.produce([]);
      called.push(c.chain.events().filter((r) => r.phase.tag === 'Initialization' && r.event.value.tag === 'MarginCalled').map((r) => (r.event.value.value as { loanId: bigint }).loanId));
    }
    expect(called.map((x) => x.length)).toEqual([2, 2, 1, 0]);
    expect(called.flat().sort()).toEqual([...ids].sort());
    for (const id of ids) expect(c.loan(id).state.tag).toBe('MarginCall');
  });
});

function feePaid(r: { records: Array<{ event: { tag: string; value: { tag: string; value?: unknown } } }> }): bigint {
  const ev = r.records.find((x) => x.event.tag === 'TransactionPayment' && x.event.value.tag === 'TransactionFeePaid');
  return (ev?.event.value.value as { actualFee: bigint } | undefined)?.actualFee ?? 0n;
}
