/**
 * The UDST loan lifecycle on a real dev node process, driven by @polkadot/api exactly as a wallet would (no type
 * overrides: calls, events, storage and runtime APIs all come from the served metadata), with the lending RPC methods
 * read over the same connection. The dev chain spec provides the bank (Cascadia Commons, //Alice officer), the
 * feeders (//Alice, //Bob, //Charlie) and funded accounts.
 *
 * Block time here is the wall clock, so this file covers what happens within minutes: a loan repaid within 24 hours
 * (75 % discount, reputation, cheaper next quote), a price drop through margin call to liquidation, a bid and the
 * unsold collateral returned, and the due-soon warning of a short loan. Grace period and default need days to pass:
 * the last test moves the dev chain's clock with the unsafe `dev_advanceTime` (and the runtime's full due-date
 * ladder also runs with controlled block times in test/unit/pallets/loans-risk.test.ts). After every test the
 * pallets' invariants run on the node's state at its best block, read over RPC.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import '@polkadot/api-augment';
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import { sendAndWatch, type WatchedTx } from '../helpers/clients.js';
import { killAllNodes, makeTempBasePath, NodeProcess, removeBasePath } from '../helpers/node-process.js';
import { withTimeout } from '../helpers/rpc-client.js';
import { eventData, sendOk, stateAtOverRpc } from './pjs-reads.js';
import { devAccount, runtime } from './support.js';
import type { StateReader } from '../../src/runtime/state.js';
import { assertBalanceInvariants } from '../helpers/chain.js';
import { BanksStorage } from '../../src/pallets/banks/index.js';

const XFG = 1_000_000_000_000n;
const U = 1_000_000n;
const PRICE_ONE = 10n ** 18n;
const price = (cents: bigint) => (PRICE_ONE * cents) / 100n;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('UDST loans on a dev node through @polkadot/api', () => {
  const basePath = makeTempBasePath('credit');
  let node: NodeProcess;
  let api: ApiPromise;
  let alice: KeyringPair;
  let bob: KeyringPair;
  let charlie: KeyringPair;
  let dave: KeyringPair;

  beforeAll(async () => {
    node = await NodeProcess.start({ basePath, blockTimeMs: 200 });
    [alice, bob, charlie, dave] = await Promise.all([devAccount('Alice'), devAccount('Bob'), devAccount('Charlie'), devAccount('Dave')]);
    api = await withTimeout(ApiPromise.create({ provider: new WsProvider(node.wsUrl), throwOnConnect: true, noInitWarn: true }), 20_000, 'ApiPromise.create');
    await feed(price(50n));
  });

  // The pallet invariants (ECONOMICS.md §1–5: issuance identity, shares, pledges, principal conservation, …) on the
  // node's own state at the best block after every test, read over RPC.
  afterEach(async () => {
    const st = await stateAt((await api.rpc.chain.getBlockHash()).toHex());
    expect(BanksStorage.Banks.get(st, 0)?.name, 'the snapshot holds the chain state').toBe('Cascadia Commons');
    assertBalanceInvariants(st, api.consts.balances.existentialDeposit.toBigInt());
    for (const p of runtime.pallets) p.hooks.tryState?.(st as never);
  });

  afterAll(async () => {
    try {
      await api?.disconnect();
      await node?.stop();
    } finally {
      await killAllNodes();
      removeBasePath(basePath);
    }
  });

  /** The whole state at block `hash`, as a StateReader. */
  const stateAt = (hash: string): Promise<StateReader> => stateAtOverRpc(api, hash);
  /** Send and require success; returns the watched transaction. */
  const ok = (tx: Any, signer: KeyringPair): Promise<WatchedTx> => sendOk(api, tx, signer);

  /** Every feeder reports `p` (in one block or a few). */
  async function feed(p: bigint): Promise<void> {
    await Promise.all([alice, bob, charlie].map((f) => ok(api.tx.oracle.feed(p), f)));
  }

  /** A lending RPC method over the same connection. */
  function rpc<T>(method: string, params: unknown[]): Promise<T> {
    return (api as Any)._rpcCore.provider.send(method, params) as Promise<T>;
  }

  /** Wait until `pred` holds for the loan's stored record. */
  async function waitLoan(id: Any, pred: (loan: Any) => boolean, what: string): Promise<Any> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const loan = ((await api.query.loans.loans(id)) as Any).unwrap();
      if (pred(loan)) return loan;
      if (Date.now() > deadline) throw new Error(`timed out waiting for loan ${id}: ${what} (state ${loan.state.type})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Lock XFG, apply (auto-approved) and draw; returns the loan id and certificate id. */
  async function borrow(who: KeyringPair, xfg: bigint, amount: bigint, termDays: number): Promise<{ loanId: Any; cert: Any; drawn: WatchedTx }> {
    const locked = await ok(api.tx.certificates.lock(xfg), who);
    const cert = eventData(locked, 'certificates', 'Locked').id;
    const applied = await ok(api.tx.loans.apply(0, 'General', amount, termDays, [cert], 'seed for the spring market'), who);
    const app = eventData(applied, 'loans', 'Applied');
    expect(app.autoApproved.isTrue).toBe(true);
    const drawn = await ok(api.tx.loans.draw(app.applicationId), who);
    return { loanId: app.applicationId, cert, drawn };
  }

  it('the dev chain carries the Cascadia Commons bank, readable by banks_info and BanksApi', async () => {
    const info = await rpc<Any>('banks_info', [0, alice.address]);
    expect(info).toMatchObject({ id: 0, name: 'Cascadia Commons', bioregion: 'Cascadia', memberCount: 4, officerCount: 1 });
    expect(info.reserves).toBe((100_000n * U).toString());
    expect(info.lender).toMatchObject({ who: alice.address, shares: (100_000n * U).toString() });
    expect(typeof info.capacity).toBe('string');
    const viaApi = (await api.call.banksApi.info(0, null)) as Any;
    expect(viaApi.unwrap().name.toString()).toBe('Cascadia Commons');
    expect(((await api.query.banks.members(0, dave.address)) as Any).unwrap().officer.isFalse).toBe(true);
    expect(await rpc('banks_info', [7])).toBeNull();
  });

  it('lock XFG, apply, draw, repay within 24 h: the 75 % discount, reputation up, the next quote cheaper', async () => {
    const quoteArgs = [dave.address, 0, 'general', (1_000n * U).toString(), 90, (1_500n * U).toString()];
    const before = await rpc<Any>('loans_quote', quoteArgs);
    expect(before).toMatchObject({ b: '1200', c: '9000', r: '10000', score: '600', ratePpb: '108000000', autoApproved: true, refusals: [] });
    expect(before.schedule.map((l: Any) => l.discountBps)).toEqual(['7500', '5000', '2500', '1000']);
    // Dave holds the dev accounts' genesis UDST already.
    const udstBefore = ((await api.query.udst.accounts(dave.address)) as Any).free.toBigInt() as bigint;
    // 3,000 XFG at 0.50 is worth 1,500 UDST: ratio 150 %.
    const { loanId, drawn } = await borrow(dave, 3_000n * XFG, 1_000n * U, 90);
    const d = eventData(drawn, 'loans', 'LoanDrawn');
    expect(d.amount.toBigInt()).toBe(1_000n * U);
    expect(d.fee.toBigInt()).toBe(5n * U);
    expect(d.ratePpb.toBigInt()).toBe(108_000_000n);
    expect(((await api.query.udst.accounts(dave.address)) as Any).free.toBigInt()).toBe(udstBefore + 995n * U);
    // Alice takes 100 UDST out of her bank shares and gives them to Dave, who owes the fee back with interest.
    await ok(api.tx.banks.withdraw(0, 100n * U), alice);
    await ok(api.tx.udst.transfer(dave.address, 100n * U), alice);
    const status = await rpc<Any>('loans_status', [loanId.toString()]);
    expect(status).toMatchObject({ state: 'Active', principal: (1_000n * U).toString(), discountBps: '7500', borrower: dave.address });
    expect(status.nextDeadline.kind).toBe('DueSoon');
    const repaid = await ok(api.tx.loans.repayAll(loanId), dave);
    const pay = eventData(repaid, 'loans', 'RepaymentMade');
    const interest = pay.interestPaid.toBigInt();
    const bonus = pay.earlyPaymentBonus.toBigInt();
    expect(interest).toBeGreaterThan(0n);
    // Charged on-time interest is ⌈25 %⌉ of the accrued: the bonus is the other 75 %.
    const accrued = interest + bonus;
    expect(interest).toBe((accrued * 2_500n + 9_999n) / 10_000n);
    expect(pay.principalPaid.toBigInt()).toBe(1_000n * U);
    expect(eventData(repaid, 'loans', 'Repaid').prompt.isTrue).toBe(true);
    const loan = ((await api.query.loans.loans(loanId)) as Any).unwrap();
    expect(loan.state.type).toBe('Repaid');
    expect(loan.certificates.length).toBe(0);
    const rep = (await api.call.loansApi.reputation(dave.address)) as Any;
    expect(rep.score.toNumber()).toBe(1_000);
    expect(rep.reputation.repaidPrompt.toNumber()).toBe(1);
    const after = await rpc<Any>('loans_quote', quoteArgs);
    expect(after.r).toBe('8000');
    expect(BigInt(after.ratePpb)).toBeLessThan(BigInt(before.ratePpb));
    expect(BigInt(after.schedule[0].total)).toBeLessThan(BigInt(before.schedule[0].total));
  });

  it('a price drop brings a margin call, then liquidation at the hard floor; a bid pays the tab and the unsold XFG returns to the borrower', async () => {
    const { loanId, cert } = await borrow(bob, 3_000n * XFG, 1_000n * U, 90);
    // 0.38: ratio 114 % — margin call, not yet liquidation.
    await feed(price(38n));
    await waitLoan(loanId, (l) => l.state.type === 'MarginCall', 'margin call');
    expect((await rpc<Any>('loans_status', [Number(loanId)])).state).toBe('MarginCall');
    // 0.335: ratio 100.5 % — below the 105 % hard floor, liquidated at once, the whole collateral.
    await feed((PRICE_ONE * 335n) / 1_000n);
    const loan = await waitLoan(loanId, (l) => l.liquidation.isSome, 'liquidation');
    const liq = loan.liquidation.unwrap();
    expect(liq.full.isTrue).toBe(true);
    const auctionId = liq.auctionId;
    const auction = ((await api.query.auctions.auctions(auctionId)) as Any).unwrap();
    expect(auction.lotXfg.toBigInt()).toBe(3_000n * XFG);
    const tab = auction.tab.toBigInt();
    const startPrice = auction.startPrice.toBigInt();
    expect(startPrice).toBe((PRICE_ONE * 3_685n) / 10_000n);
    // Alice funds a bid from her bank shares and buys at the current price, at most the start price.
    await ok(api.tx.banks.withdraw(0, 2_000n * U), alice);
    const bid = await ok(api.tx.auctions.bid(auctionId, 3_000n * XFG, startPrice), alice);
    const accepted = eventData(bid, 'auctions', 'BidAccepted');
    expect(accepted.udst.toBigInt()).toBe(tab);
    const sold = accepted.xfg.toBigInt();
    expect(sold).toBeLessThan(3_000n * XFG);
    expect(eventData(bid, 'loans', 'LiquidationEnded').unsoldXfg.toBigInt()).toBe(3_000n * XFG - sold);
    const closed = ((await api.query.loans.loans(loanId)) as Any).unwrap();
    expect(closed.state.type).toBe('Liquidated');
    expect(closed.principalRepaid.toBigInt()).toBe(1_000n * U);
    // The surplus collateral stays with Bob, released from the loan.
    const c = ((await api.query.certificates.certificates(cert)) as Any).unwrap();
    expect(c.xfg.toBigInt()).toBe(3_000n * XFG - sold);
    expect(c.pledgedTo.isNone).toBe(true);
    expect(((await api.call.loansApi.reputation(bob.address)) as Any).reputation.liquidated.toNumber()).toBe(1);
    await feed(price(50n));
  });

  it('a short loan is announced as due soon at once; loans_status names the next deadline', async () => {
    const { loanId, drawn } = await borrow(charlie, 3_000n * XFG, 500n * U, 5);
    expect(eventData(drawn, 'loans', 'RepaymentDueSoon').loanId.toString()).toBe(loanId.toString());
    const status = await rpc<Any>('loans_status', [loanId.toString()]);
    expect(status.nextDeadline.kind).toBe('Due');
    expect(BigInt(status.nextDeadline.at)).toBe(BigInt(status.dueAt));
    expect(BigInt(status.dueAt) - BigInt(status.drawnAt)).toBe(5n * 86_400_000n);
    expect(await rpc('loans_status', ['999'])).toBeNull();
  });

  it('an overpayment: dcn_transactionStatus names Loans.Overpayment with its docs and the owed total; loans_quote beyond u128 is a 9100 error', async () => {
    const { loanId } = await borrow(dave, 3_000n * XFG, 200n * U, 30);
    const owed = BigInt((await rpc<Any>('loans_status', [loanId.toString()])).total);
    const offered = owed + 1_000n * U;
    const r = await sendAndWatch(api.tx.loans.repay(loanId, offered), dave);
    expect(r.dispatchError?.isModule).toBe(true);
    expect(api.registry.findMetaError(r.dispatchError!.asModule).name).toBe('Overpayment');
    const st = await rpc<Any>('dcn_transactionStatus', [r.txHash.toHex()]);
    expect(st).toMatchObject({ status: 'finalized', blockHash: r.inBlock.toHex() });
    expect(st.dispatch).toMatchObject({ result: 'failed', error: 'Module', module: { pallet: 'Loans', name: 'Overpayment' } });
    expect(st.dispatch.module.docs.join(' ')).toContain('more than owed');
    // The runtime's message, kept by the node: what was offered and what was owed in that block.
    const m = /^Overpayment: (\d+) offered, (\d+) owed$/.exec(st.dispatch.message);
    expect(m, st.dispatch.message).not.toBeNull();
    expect(BigInt(m![1])).toBe(offered);
    expect(BigInt(m![2])).toBeGreaterThanOrEqual(owed);
    expect(BigInt(m![2])).toBeLessThan(offered);
    // A successful one says so (Alice gives Dave the fee he owes back with the interest).
    await ok(api.tx.banks.withdraw(0, 20n * U), alice);
    await ok(api.tx.udst.transfer(dave.address, 20n * U), alice);
    const paid = await ok(api.tx.loans.repayAll(loanId), dave);
    expect((await rpc<Any>('dcn_transactionStatus', [paid.txHash.toHex()])).dispatch).toEqual({ result: 'success' });

    // 2^127 over ten years owes more than a balance can hold: a query error naming the inputs, not an internal error.
    const huge = (1n << 127n).toString();
    const err = await rpc('loans_quote', [dave.address, 0, 'general', huge, 3_650, '0']).then(
      () => {
        throw new Error('loans_quote answered');
      },
      (e: Error) => e,
    );
    expect(err.message).toMatch(/^9100: LoansApi_quote failed/);
    expect(err.message).toContain(`amount ${huge} over term_days 3650 owes`);
    expect(err.message).toContain('more than the largest balance 2^128 - 1');
  });

  it('a loan left unpaid: due soon at draw, the grace period after its due date, then default (days passed with dev_advanceTime)', async () => {
    const { loanId, drawn } = await borrow(alice, 3_000n * XFG, 500n * U, 5);
    expect(eventData(drawn, 'loans', 'RepaymentDueSoon').loanId.toString()).toBe(loanId.toString());
    const before = ((await api.call.loansApi.reputation(alice.address)) as Any).reputation.defaulted.toBigInt();

    // Five days and a minute later (the dev author's clock moves; the feeders report again at the new time).
    await rpc('dev_advanceTime', [String(5 * 86_400_000 + 60_000)]);
    await feed(price(50n));
    await waitLoan(loanId, (l) => l.state.type === 'GracePeriod', 'the grace period');
    const graceStatus = await rpc<Any>('loans_status', [loanId.toString()]);
    expect(graceStatus.state).toBe('GracePeriod');
    expect(BigInt(graceStatus.nextDeadline.at)).toBeGreaterThan(BigInt(graceStatus.dueAt));

    // The three-day grace period runs out: default, the collateral goes to auction, reputation records it.
    await rpc('dev_advanceTime', [String(3 * 86_400_000 + 60_000)]);
    await feed(price(50n));
    const loan = await waitLoan(loanId, (l) => l.state.type !== 'GracePeriod' && l.state.type !== 'Active', 'the default');
    expect(['Defaulted', 'Liquidated', 'WrittenOff']).toContain(loan.state.type);
    const after = ((await api.call.loansApi.reputation(alice.address)) as Any).reputation.defaulted.toBigInt();
    expect(after).toBe(before + 1n);
  });
});
