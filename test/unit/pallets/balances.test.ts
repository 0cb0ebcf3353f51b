/**
 * pallet_balances through the real executive: existential deposit, keep-alive, reaping with dust, transfer_all,
 * root-only calls dispatched with a Root origin in an open block, reserves, frozen balances. After every test
 * the issuance invariant (issuance = Σ free + reserved over System.Account) is checked on every chain.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { XFG } from '../../../src/runtime/chain-runtime.js';
import { DispatchFailure, type Origin } from '../../../src/runtime/dispatch.js';
import { TREASURY_ACCOUNT } from '../../../src/runtime/runtime.js';
import { SystemStorage } from '../../../src/pallets/system/index.js';
import { BalancesErrors } from '../../../src/pallets/balances/index.js';
import { checkInvariantsAfterEach, eventNames, eventsOf, TestChain, type ApplyResult, type OpenBlock } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';

let k: DevKeys;
beforeAll(async () => {
  k = await devKeys();
});
checkInvariantsAfterEach();

const ED = XFG / 100n;
const E = BalancesErrors.of;

/** The dispatch result of an applied extrinsic (throws when it was not included). */
function dispatchOf(r: ApplyResult) {
  if (!r.ok) throw new Error(`not included: ${r.error.reason} ${r.error.message}`);
  return r.applied.dispatch.ok ? { ok: true as const } : { ok: false as const, error: r.applied.dispatch.error };
}

/** Dispatch `pallet.call(args)` with `origin` inside an open block, in a transactional layer, as the executive does. */
function dispatchAs(c: TestChain, block: OpenBlock, pallet: string, call: string, origin: Origin, args: Record<string, unknown>): void {
  const def = c.runtime.pallet(pallet)!.calls![call];
  block.exec.transactional(() => def.dispatch(block.exec, origin, args));
}

const id = (who: Uint8Array) => ({ tag: 'Id' as const, value: who });

describe('existential deposit', () => {
  it('a transfer below the ED to a new account fails with ExistentialDeposit; one at the ED creates it', async () => {
    const c = await TestChain.create(k);
    const dave = k.dave.publicKey;
    const { results } = c.produce([c.sign(k.alice, c.transferCall(dave, ED - 1n)), c.sign(k.alice, c.transferCall(dave, ED), { nonce: 1 })]);
    expect(dispatchOf(results[0])).toEqual({ ok: false, error: E.ExistentialDeposit });
    expect(E.ExistentialDeposit).toEqual({ tag: 'Module', value: { index: 2, error: new Uint8Array([3, 0, 0, 0]) } });
    expect(dispatchOf(results[1])).toEqual({ ok: true });
    expect(c.account(dave)).toEqual({ nonce: 0, consumers: 0, providers: 1, sufficients: 0, data: { free: ED, reserved: 0n, frozen: 0n, flags: 0n } });
    expect(eventNames(eventsOf(c.events(), 2))).toEqual(['Balances.Withdraw', 'System.NewAccount', 'Balances.Endowed', 'Balances.Transfer', 'Balances.Deposit', 'Balances.Deposit', 'TransactionPayment.TransactionFeePaid', 'System.ExtrinsicSuccess']);
  });

  it('transfer_keep_alive that would take the sender below the ED fails with Expendability; leaving exactly the ED works', async () => {
    const c = await TestChain.create(k, { balances: [[k.eve.publicKey, 2n * XFG], [k.alice.publicKey, XFG], [k.charlie.publicKey, XFG], [TREASURY_ACCOUNT, XFG]] });
    const eve = k.eve.publicKey;
    // A probe of the same encoded length (its value has the same compact width) costs the same fee.
    const probe = c.sign(k.eve, c.transferCall(k.alice.publicKey, (3n * XFG) / 2n, 'transferKeepAlive'));
    const fee = c.runtime.queryFee(probe).partialFee;
    // After the fee, Eve has 2 XFG − fee: sending all of it but ED − 1 would leave her below the ED.
    const tooMuch = 2n * XFG - fee - ED + 1n;
    const r1 = c.produce([c.sign(k.eve, c.transferCall(k.alice.publicKey, tooMuch, 'transferKeepAlive'))]).results[0];
    expect(dispatchOf(r1)).toEqual({ ok: false, error: E.Expendability });
    expect(c.free(eve)).toBe(2n * XFG - fee);
    const exact = 2n * XFG - 2n * fee - ED;
    const r2 = c.produce([c.sign(k.eve, c.transferCall(k.alice.publicKey, exact, 'transferKeepAlive'))]).results[0];
    expect(dispatchOf(r2)).toEqual({ ok: true });
    expect(c.free(eve)).toBe(ED);
    expect(c.nonce(eve)).toBe(2);
  });

  it('transfer_allow_death to below the ED reaps the sender: DustLost, KilledAccount, issuance reduced by the dust', async () => {
    const c = await TestChain.create(k, { balances: [[k.eve.publicKey, 2n * XFG], [k.alice.publicKey, XFG], [k.charlie.publicKey, XFG], [TREASURY_ACCOUNT, XFG]] });
    const eve = k.eve.publicKey;
    // A probe of the same encoded length (its value has the same compact width) costs the same fee.
    const fee = c.runtime.queryFee(c.sign(k.eve, c.transferCall(k.alice.publicKey, (3n * XFG) / 2n))).partialFee;
    // Leave dust below the ED: send all but 1,000 units.
    const amount = 2n * XFG - fee - 1_000n;
    const issuance = c.issuance();
    const r = c.produce([c.sign(k.eve, c.transferCall(k.alice.publicKey, amount))]).results[0];
    expect(dispatchOf(r)).toEqual({ ok: true });
    expect(r.ok && r.applied.fee).toBe(fee);
    expect(SystemStorage.Account.contains(c.state, eve)).toBe(false);
    expect(c.account(eve).nonce).toBe(0);
    expect(c.free(k.alice.publicKey)).toBe(XFG + amount);
    expect(c.issuance()).toBe(issuance - 1_000n);
    const ev = eventsOf(c.events(), 1);
    expect(eventNames(ev)).toEqual(['Balances.Withdraw', 'Balances.DustLost', 'System.KilledAccount', 'Balances.Transfer', 'Balances.Deposit', 'Balances.Deposit', 'TransactionPayment.TransactionFeePaid', 'System.ExtrinsicSuccess']);
    expect(ev[1].event.value.value).toEqual({ account: eve, amount: 1_000n });
    expect(ev[2].event.value.value).toEqual({ account: eve });
  });

  it('a zero transfer and a transfer to oneself succeed and move nothing', async () => {
    const c = await TestChain.create(k);
    const { results } = c.produce([c.sign(k.alice, c.transferCall(k.bob.publicKey, 0n)), c.sign(k.alice, c.transferCall(k.alice.publicKey, XFG), { nonce: 1 })]);
    expect(results.map(dispatchOf)).toEqual([{ ok: true }, { ok: true }]);
    expect(c.free(k.bob.publicKey)).toBe(1_000n * XFG);
    expect(eventNames(c.events())).not.toContain('Balances.Transfer');
  });
});

describe('transfer_all', () => {
  it('keep_alive = false empties and reaps the sender (no dust); keep_alive = true leaves exactly the ED', async () => {
    const c = await TestChain.create(k, { balances: [[k.eve.publicKey, 5n * XFG], [k.ferdie.publicKey, 5n * XFG], [k.alice.publicKey, XFG], [k.charlie.publicKey, XFG], [TREASURY_ACCOUNT, XFG]] });
    const [eve, ferdie, alice] = [k.eve.publicKey, k.ferdie.publicKey, k.alice.publicKey];
    const all = c.sign(k.eve, c.call('Balances', 'transferAll', { dest: id(alice), keepAlive: false }));
    const keep = c.sign(k.ferdie, c.call('Balances', 'transferAll', { dest: id(alice), keepAlive: true }));
    const [feeAll, feeKeep] = [c.runtime.queryFee(all).partialFee, c.runtime.queryFee(keep).partialFee];
    const issuance = c.issuance();
    const { results } = c.produce([all, keep]);
    expect(results.map(dispatchOf)).toEqual([{ ok: true }, { ok: true }]);
    expect(SystemStorage.Account.contains(c.state, eve)).toBe(false);
    expect(c.free(ferdie)).toBe(ED);
    expect(c.free(alice)).toBe(XFG + (5n * XFG - feeAll) + (5n * XFG - feeKeep - ED));
    expect(c.issuance()).toBe(issuance);
    expect(eventNames(eventsOf(c.events(), 1))).toContain('System.KilledAccount');
    expect(eventNames(eventsOf(c.events(), 1))).not.toContain('Balances.DustLost');
  });

  it('with reserves the sender keeps the ED (it cannot be reaped while it holds reserves)', async () => {
    const c = await TestChain.create(k);
    const alice = k.alice.publicKey;
    const block = c.begin();
    c.runtime.currency.reserve(block.exec, alice, 10n * XFG);
    const xt = c.sign(k.alice, c.call('Balances', 'transferAll', { dest: id(k.bob.publicKey), keepAlive: false }));
    expect(dispatchOf(block.exec.applyExtrinsic(xt, { enforceLimits: true }))).toEqual({ ok: true });
    c.commit(c.seal(block));
    expect(c.account(alice).data).toMatchObject({ free: ED, reserved: 10n * XFG });
  });
});

describe('root-only calls', () => {
  it('force_transfer with a Root origin moves funds between any accounts; signed it fails with BadOrigin', async () => {
    const c = await TestChain.create(k);
    const [alice, bob] = [k.alice.publicKey, k.bob.publicKey];
    const block = c.begin();
    dispatchAs(c, block, 'Balances', 'forceTransfer', { kind: 'Root' }, { source: id(alice), dest: id(bob), value: 7n * XFG });
    expect(() => dispatchAs(c, block, 'Balances', 'forceTransfer', { kind: 'Signed', who: alice }, { source: id(bob), dest: id(alice), value: XFG })).toThrow(DispatchFailure);
    expect(() => dispatchAs(c, block, 'Balances', 'forceTransfer', { kind: 'None' }, { source: id(bob), dest: id(alice), value: XFG })).toThrow(/expected the origin Root, got None/);
    // Root is still bound by the balance rules.
    try {
      dispatchAs(c, block, 'Balances', 'forceTransfer', { kind: 'Root' }, { source: id(alice), dest: id(bob), value: 10_000n * XFG });
      expect.unreachable();
    } catch (e) {
      expect((e as DispatchFailure).error).toEqual(E.InsufficientBalance);
    }
    // A signed extrinsic carrying it is included and fails with BadOrigin.
    const r = block.exec.applyExtrinsic(c.sign(k.alice, c.call('Balances', 'forceTransfer', { source: id(bob), dest: id(alice), value: XFG })), { enforceLimits: true });
    expect(dispatchOf(r)).toEqual({ ok: false, error: { tag: 'BadOrigin' } });
    c.commit(c.seal(block));
    expect(c.free(bob)).toBe(1_007n * XFG);
    expect(c.free(alice)).toBeLessThan(993n * XFG);
    expect(eventNames(eventsOf(c.events(), 0))).toEqual(['System.ExtrinsicSuccess', 'Balances.Transfer']);
  });

  it('force_set_balance adjusts issuance; below the ED it reaps the account', async () => {
    const c = await TestChain.create(k);
    const [alice, bob] = [k.alice.publicKey, k.bob.publicKey];
    const issuance = c.issuance();
    const block = c.begin();
    dispatchAs(c, block, 'Balances', 'forceSetBalance', { kind: 'Root' }, { who: id(alice), newFree: 5n * XFG });
    dispatchAs(c, block, 'Balances', 'forceSetBalance', { kind: 'Root' }, { who: id(bob), newFree: ED - 1n });
    dispatchAs(c, block, 'Balances', 'forceSetBalance', { kind: 'Root' }, { who: id(k.dave.publicKey), newFree: 3n * XFG });
    c.commit(c.seal(block));
    expect(c.free(alice)).toBe(5n * XFG);
    expect(SystemStorage.Account.contains(c.state, bob)).toBe(false);
    expect(c.free(k.dave.publicKey)).toBe(3n * XFG);
    expect(c.issuance()).toBe(issuance - 995n * XFG - 1_000n * XFG + 3n * XFG);
  });
});

describe('reserves', () => {
  it('reserve and unreserve move balance between free and reserved; issuance is unchanged', async () => {
    const c = await TestChain.create(k);
    const alice = k.alice.publicKey;
    const block = c.begin();
    const cur = c.runtime.currency;
    cur.reserve(block.exec, alice, 100n * XFG);
    expect(cur.reserved(block.exec.state, alice)).toBe(100n * XFG);
    expect(cur.free(block.exec.state, alice)).toBe(900n * XFG);
    expect(() => cur.reserve(block.exec, alice, 901n * XFG)).toThrow(DispatchFailure);
    // Unreserving more than is reserved moves what there is.
    expect(cur.unreserve(block.exec, alice, 30n * XFG)).toBe(30n * XFG);
    expect(cur.unreserve(block.exec, alice, 1_000n * XFG)).toBe(70n * XFG);
    expect(cur.unreserve(block.exec, alice, 1n)).toBe(0n);
    // Everything free may be reserved: the account lives on its reserves.
    cur.reserve(block.exec, alice, 1_000n * XFG);
    const sealed = c.seal(block);
    c.commit(sealed);
    expect(c.account(alice).data).toMatchObject({ free: 0n, reserved: 1_000n * XFG });
    expect(c.issuance()).toBe(2_011n * XFG);
    expect(eventNames(sealed.events).filter((n) => n.startsWith('Balances'))).toEqual(['Balances.Reserved', 'Balances.Unreserved', 'Balances.Unreserved', 'Balances.Reserved']);
  });

  it('reserved balance cannot be spent or pay fees; with reserves, dropping below the ED is Expendability', async () => {
    const c = await TestChain.create(k);
    const alice = k.alice.publicKey;
    const block = c.begin();
    c.runtime.currency.reserve(block.exec, alice, 999n * XFG);
    const r1 = block.exec.applyExtrinsic(c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG)), { enforceLimits: true });
    expect(dispatchOf(r1)).toEqual({ ok: false, error: E.InsufficientBalance });
    // The fee came out of the free balance only.
    expect(c.account(alice, block.exec.state).data.reserved).toBe(999n * XFG);
    c.commit(c.seal(block));
    const c2 = await TestChain.create(k);
    const b2 = c2.begin();
    c2.runtime.currency.reserve(b2.exec, alice, 10n * XFG);
    const fee = c2.runtime.queryFee(c2.sign(k.alice, c2.transferCall(k.bob.publicKey, 980n * XFG))).partialFee;
    // After the fee, this leaves ED / 2 free next to the 10 XFG reserved.
    const r3 = b2.exec.applyExtrinsic(c2.sign(k.alice, c2.transferCall(k.bob.publicKey, 990n * XFG - fee - ED / 2n)), { enforceLimits: true });
    expect(dispatchOf(r3)).toEqual({ ok: false, error: E.Expendability });
    c2.commit(c2.seal(b2));
  });

  it('force_set_balance to zero on an account holding a reserve below the ED keeps the account and its reserve', async () => {
    const c = await TestChain.create(k);
    const bob = k.bob.publicKey;
    const issuance = c.issuance();
    const block = c.begin();
    c.runtime.currency.reserve(block.exec, bob, ED / 2n);
    dispatchAs(c, block, 'Balances', 'forceSetBalance', { kind: 'Root' }, { who: id(bob), newFree: 0n });
    c.commit(c.seal(block));
    // The reserve is neither lost nor left out of the issuance.
    expect(c.account(bob).data).toMatchObject({ free: 0n, reserved: ED / 2n });
    expect(c.account(bob).providers).toBe(1);
    expect(c.issuance()).toBe(issuance - (1_000n * XFG - ED / 2n));
    // Once the reserve is released the account holds less than the ED and nothing else: it is reaped, the dust burnt.
    const b2 = c.begin();
    expect(c.runtime.currency.unreserve(b2.exec, bob, ED)).toBe(ED / 2n);
    const sealed = c.seal(b2);
    c.commit(sealed);
    expect(SystemStorage.Account.contains(c.state, bob)).toBe(false);
    expect(c.issuance()).toBe(issuance - 1_000n * XFG);
    expect(eventNames(sealed.events).slice(1)).toEqual(['Balances.DustLost', 'System.KilledAccount', 'Balances.Unreserved']);
  });

  it('frozen balance: a transfer that would leave free below frozen fails with LiquidityRestrictions', async () => {
    const c = await TestChain.create(k);
    const alice = k.alice.publicKey;
    const block = c.begin();
    // No call sets `frozen` on this chain yet; write it as a lock-holding pallet would.
    const acct = c.account(alice, block.exec.state);
    SystemStorage.Account.set(block.exec.state, alice, { ...acct, data: { ...acct.data, frozen: 900n * XFG } });
    const r = block.exec.applyExtrinsic(c.sign(k.alice, c.transferCall(k.bob.publicKey, 100n * XFG)), { enforceLimits: true });
    expect(dispatchOf(r)).toEqual({ ok: false, error: E.LiquidityRestrictions });
    const r2 = block.exec.applyExtrinsic(c.sign(k.alice, c.transferCall(k.bob.publicKey, 99n * XFG), { nonce: 1 }), { enforceLimits: true });
    expect(dispatchOf(r2)).toEqual({ ok: true });
    c.commit(c.seal(block));
  });
});

describe('Currency for other pallets', () => {
  it('withdraw/depositOrBurn keep issuance equal to the balances; a deposit below the ED to a dead account is burnt', async () => {
    const c = await TestChain.create(k);
    const cur = c.runtime.currency;
    const block = c.begin();
    const issuance = cur.totalIssuance(block.exec.state);
    cur.withdraw(block.exec, k.alice.publicKey, 5n * XFG, true);
    expect(cur.totalIssuance(block.exec.state)).toBe(issuance - 5n * XFG);
    expect(cur.depositOrBurn(block.exec, k.dave.publicKey, ED - 1n)).toBe(0n);
    expect(SystemStorage.Account.contains(block.exec.state, k.dave.publicKey)).toBe(false);
    expect(cur.depositOrBurn(block.exec, k.dave.publicKey, 2n * XFG)).toBe(2n * XFG);
    expect(cur.totalIssuance(block.exec.state)).toBe(issuance - 3n * XFG);
    expect(cur.canWithdraw(block.exec.state, k.dave.publicKey, 2n * XFG, true)).toBe(false);
    expect(cur.canWithdraw(block.exec.state, k.dave.publicKey, 2n * XFG, false)).toBe(true);
    expect(() => cur.withdraw(block.exec, k.dave.publicKey, 2n * XFG - 1n, true)).toThrow(DispatchFailure);
    c.commit(c.seal(block));
  });
});
