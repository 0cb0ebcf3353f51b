/**
 * The Banks pallet on the real runtime: the genesis bank, membership and office, the blacklist, lender shares
 * (deposit, withdraw limited to free reserves, refusals), capacity, and parameters within bounds and steps.
 */
import { describe, expect, it } from 'vitest';
import { CreditChain, checkCreditInvariantsAfterEach, U, XFG } from './credit-harness.js';
import { BanksStorage } from '../../../src/pallets/banks/index.js';
import { defaultBankParams, defaultKindParams } from '../../../src/pallets/banks/params.js';

checkCreditInvariantsAfterEach();

describe('Banks', () => {
  it('genesis: one bank with its officer, members, reserves whose shares belong to the holder, and the issuance baseline', async () => {
    const c = await CreditChain.create();
    const { alice, bob, eve } = c.keys;
    const b = c.bank();
    expect(b).toMatchObject({ name: 'Cascadia Commons', bioregion: 'Cascadia', reserves: 100_000n * U, totalShares: 100_000n * U, outstanding: 0n, memberCount: 4, officerCount: 1 });
    expect(BanksStorage.Shares.get(c.state, 0, alice.publicKey)).toBe(100_000n * U);
    expect(BanksStorage.Members.get(c.state, 0, alice.publicKey)?.officer).toBe(true);
    expect(BanksStorage.Members.get(c.state, 0, bob.publicKey)?.officer).toBe(false);
    expect(BanksStorage.Members.contains(c.state, 0, eve.publicKey)).toBe(false);
    expect(BanksStorage.UnbackedIssuance.get(c.state)).toBe(c.udstIssuance());
    const view = c.bankQueries.info(c.state, 0, alice.publicKey)!;
    expect(view.capacity).toBe(1_000_000n * U);
    expect(view.available).toBe(1_000_000n * U);
    expect(view.kinds.map((k) => k.kind.tag)).toEqual(['Production', 'Marketing', 'Equipment', 'General']);
    expect(view.lender).toMatchObject({ shares: 100_000n * U, value: 100_000n * U, withdrawable: 100_000n * U });
    expect(c.bankQueries.info(c.state, 5)).toBeUndefined();
  });

  it('officers admit and remove members and keep the blacklist; others cannot', async () => {
    const c = await CreditChain.create();
    const { alice, bob, eve } = c.keys;
    c.expectNoop(bob, 'Banks', 'admitMember', { bank: 0, who: eve.publicKey }, 'Banks.NotOfficer');
    c.expectNoop(alice, 'Banks', 'admitMember', { bank: 0, who: bob.publicKey }, 'Banks.AlreadyMember');
    c.expectNoop(alice, 'Banks', 'admitMember', { bank: 3, who: eve.publicKey }, 'Banks.UnknownBank');
    expect(c.ok(alice, 'Banks', 'admitMember', { bank: 0, who: eve.publicKey }).events).toContain('Banks.MemberAdmitted');
    expect(c.bank().memberCount).toBe(5);
    c.expectNoop(alice, 'Banks', 'removeMember', { bank: 0, who: alice.publicKey }, 'Banks.MemberIsOfficer');
    c.ok(alice, 'Banks', 'removeMember', { bank: 0, who: eve.publicKey });
    c.expectNoop(alice, 'Banks', 'removeMember', { bank: 0, who: eve.publicKey }, 'Banks.NotMember');
    c.ok(alice, 'Banks', 'blacklist', { bank: 0, who: bob.publicKey });
    c.expectNoop(alice, 'Banks', 'blacklist', { bank: 0, who: bob.publicKey }, 'Banks.AlreadyBlacklisted');
    c.ok(alice, 'Banks', 'unblacklist', { bank: 0, who: bob.publicKey });
    c.expectNoop(alice, 'Banks', 'unblacklist', { bank: 0, who: bob.publicKey }, 'Banks.NotBlacklisted');
    // Office comes from root (governance later); a non-member made officer is admitted.
    c.expectNoop(alice, 'Banks', 'setOfficer', { bank: 0, who: bob.publicKey, officer: true }, 'BadOrigin');
    c.root('Banks', 'setOfficer', { bank: 0, who: eve.publicKey, officer: true });
    expect(c.bank()).toMatchObject({ memberCount: 5, officerCount: 2 });
    c.ok(eve, 'Banks', 'admitMember', { bank: 0, who: c.keys.ferdie.publicKey });
  });

  it('lenders deposit for shares at the share price and withdraw by shares; interest income raises the share price', async () => {
    const c = await CreditChain.create();
    const { eve, bob } = c.keys;
    c.ok(eve, 'Banks', 'deposit', { bank: 0, amount: 1_000n * U });
    expect(BanksStorage.Shares.get(c.state, 0, eve.publicKey)).toBe(1_000n * U);
    // A loan's origination fee and interest reach the reserves: shares are now worth more than 1 UDST.
    const id = c.borrow(bob, 1_000n * U, [c.lock(bob, 1_500n * XFG)]);
    c.advance(30n * 86_400_000n);
    c.feed(10n ** 18n);
    c.ok(bob, 'Loans', 'repayAll', { loanId: id });
    const b = c.bank();
    expect(b.reserves).toBeGreaterThan(b.totalShares);
    // A deposit worth less than one share would be a gift to the other lenders.
    c.expectNoop(eve, 'Banks', 'deposit', { bank: 0, amount: 1n }, 'Banks.ZeroShares');
    c.expectNoop(eve, 'Banks', 'deposit', { bank: 0, amount: 0n }, 'Banks.ZeroAmount');
    c.expectNoop(eve, 'Banks', 'withdraw', { bank: 0, shares: 1_000n * U + 1n }, 'Banks.InsufficientShares');
    const before = c.udst(eve.publicKey);
    c.ok(eve, 'Banks', 'withdraw', { bank: 0, shares: 1_000n * U });
    const got = c.udst(eve.publicKey) - before;
    expect(got).toBe((1_000n * U * b.reserves) / b.totalShares);
    expect(got).toBeGreaterThan(1_000n * U);
    expect(BanksStorage.Shares.contains(c.state, 0, eve.publicKey)).toBe(false);
  });

  it('withdrawals are limited to reserves not needed to back outstanding credit; capacity follows the leverage cap', async () => {
    const c = await CreditChain.create({ bank: { reserves: 1_000n * U } });
    const { alice, charlie } = c.keys;
    expect(c.bankQueries.info(c.state, 0)!.capacity).toBe(10_000n * U);
    const cert = c.lock(charlie, 20_000n * XFG);
    const r = c.ok(charlie, 'Loans', 'apply', { bank: 0, kind: { tag: 'General' }, amount: 9_000n * U, termDays: 30, certificates: [cert], purpose: new Uint8Array() });
    const appId = (r.records.find((x) => x.event.value.tag === 'Applied')!.event.value.value as { applicationId: bigint }).applicationId;
    c.ok(alice, 'Loans', 'startReview', { applicationId: appId });
    c.ok(alice, 'Loans', 'approve', { applicationId: appId });
    c.ok(charlie, 'Loans', 'draw', { applicationId: appId });
    const v = c.bankQueries.info(c.state, 0, alice.publicKey)!;
    // 9,000 out at 10× needs 900 in reserves; 1,000 + the 45 fee leaves 145 free.
    expect(v.freeReserves).toBe(145n * U);
    expect(v.lender!.withdrawable).toBe(145n * U);
    expect(v.available).toBe(10_450n * U - 9_000n * U);
    c.expectNoop(alice, 'Banks', 'withdraw', { bank: 0, shares: 1_000n * U }, 'Banks.InsufficientFreeReserves');
    // Shares are worth 1.045 UDST each now: the free 145 UDST are ⌊145 · 1,000 / 1,045⌋ shares.
    const shares = (145n * U * 1_000n) / 1_045n;
    c.ok(alice, 'Banks', 'withdraw', { bank: 0, shares });
    expect(c.bankQueries.info(c.state, 0)!.freeReserves).toBeLessThan(U);
  });

  it('root creates banks and changes parameters only within bounds and steps', async () => {
    const c = await CreditChain.create();
    const { bob, eve } = c.keys;
    c.expectNoop(bob, 'Banks', 'createBank', { name: 'X', bioregion: 'Y', creditCeiling: 0n, officer: bob.publicKey }, 'BadOrigin');
    expect(c.root('Banks', 'createBank', { name: 'Salish Sea', bioregion: 'Cascadia', creditCeiling: 50_000n * U, officer: eve.publicKey })).toEqual(['Banks.BankCreated', 'Banks.OfficerSet']);
    expect(c.bank(1)).toMatchObject({ name: 'Salish Sea', memberCount: 1, officerCount: 1, reserves: 0n });
    c.expectNoop('root', 'Banks', 'createBank', { name: 'x'.repeat(65), bioregion: 'Y', creditCeiling: 0n, officer: bob.publicKey }, 'Banks.NameTooLong');
    const p = defaultBankParams(6);
    c.expectNoop('root', 'Banks', 'setParams', { bank: 0, params: { ...p, minRateBps: 300n } }, 'Banks.ParamStepTooLarge');
    c.expectNoop('root', 'Banks', 'setParams', { bank: 0, params: { ...p, leverageCapBps: 5_000n } }, 'Banks.ParamOutOfBounds');
    c.root('Banks', 'setParams', { bank: 0, params: { ...p, riskPremiumBps: 500n } });
    expect(c.bank().params.riskPremiumBps).toBe(500n);
    const k = defaultKindParams(6);
    c.expectNoop('root', 'Banks', 'setKindParams', { bank: 0, kind: { tag: 'Equipment' }, params: { ...k, baseRateBps: 1_500n } }, 'Banks.ParamStepTooLarge');
    c.root('Banks', 'setKindParams', { bank: 0, kind: { tag: 'Equipment' }, params: { ...k, baseRateBps: 1_400n } });
    expect(BanksStorage.Kinds.get(c.state, 0, { tag: 'Equipment' })?.baseRateBps).toBe(1_400n);
    // A quote for the kind now carries B = 1,400 + 500.
    const q = c.loanQueries.quote(c.state, { borrower: bob.publicKey, bank: 0, kind: 'Equipment', amount: 100n * U, termDays: 30n, collateralValue: 200n * U })!;
    expect(q.b).toBe(1_900n);
    c.expectNoop('root', 'Banks', 'setCreditCeiling', { bank: 0, creditCeiling: 200_000_000n * U }, 'Banks.ParamStepTooLarge');
    c.root('Banks', 'setCreditCeiling', { bank: 0, creditCeiling: 2_000n * U });
    expect(c.bankQueries.info(c.state, 0)!.capacity).toBe(2_000n * U);
  });
});
