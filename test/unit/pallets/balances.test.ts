/**
 * pallet_balances through the real executive: existential deposit, keep-alive, reaping with dust, transfer_all,
 * root-only calls dispatched with a Root origin in an open block, reserves, frozen balances. After every test
 * the issuance invariant (issuance = Σ free + reserved over System.Account) is checked on every chain.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { XFG, TREASURY_ACCOUNT } from '../../../src/chain/index.js';
import { DispatchFailure, type EventRecord, type Origin } from '../../../src/runtime/dispatch.js';
import { SystemStorage } from '../../../src/pallets/system/index.js';
import { BalancesErrors, BalancesStorage, checkHoldsAndFreezes } from '../../../src/pallets/balances/index.js';
import { CERTIFICATE_LOCK } from '../../../src/pallets/certificates/index.js';
import { utf8 } from '../../../src/primitives/bytes.js';
import type { StateReader } from '../../../src/runtime/state.js';
import { checkInvariantsAfterEach, eventNames, eventsOf, TestChain, type ApplyResult, type OpenBlock } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';

let k: DevKeys;
beforeAll(async () => {
  k = await devKeys();
});
checkInvariantsAfterEach();

/**
 * Tests of Balances' holds alone hold XFG under `CertificateLock` with no certificate behind it: the Certificates
 * pallet's invariant is broken on purpose there (every other invariant still runs after every block).
 */
const HOLDS_WITHOUT_CERTIFICATES = { checkInvariants: { skip: ['Certificates.tryState'] } };

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

  it('with a hold the sender keeps the ED (it cannot be reaped while it holds funds)', async () => {
    const c = await TestChain.create(k, HOLDS_WITHOUT_CERTIFICATES);
    const alice = k.alice.publicKey;
    const block = c.begin();
    c.runtime.currency.hold(block.exec, CERTIFICATE_LOCK, alice, 10n * XFG);
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

/** The account's locks, reserves, holds and freezes as stored. */
function balanceItems(st: StateReader, who: Uint8Array) {
  const S = BalancesStorage;
  return { locks: S.Locks.get(st, who), reserves: S.Reserves.get(st, who), holds: S.Holds.get(st, who), freezes: S.Freezes.get(st, who) };
}

const LOCK_ID = utf8('vesting ');

/** The values of the events named `Pallet.Event` in `records`, in order. */
function eventValues(records: readonly EventRecord[], name: string): unknown[] {
  return records.filter((r) => `${r.event.tag}.${r.event.value.tag}` === name).map((r) => r.event.value.value);
}
const errorOf = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DispatchFailure) return e.error;
    throw e;
  }
  return undefined;
};

describe('holds', () => {
  it('hold and release move balance between free and reserved under a reason: Holds entry, consumer reference, issuance unchanged', async () => {
    const c = await TestChain.create(k);
    const alice = k.alice.publicKey;
    const block = c.begin();
    const cur = c.runtime.currency;
    const st = block.exec.state;
    cur.hold(block.exec, CERTIFICATE_LOCK, alice, 100n * XFG);
    expect(cur.balanceOnHold(st, CERTIFICATE_LOCK, alice)).toBe(100n * XFG);
    expect(c.account(alice, st)).toMatchObject({ consumers: 1, providers: 1, data: { free: 900n * XFG, reserved: 100n * XFG, frozen: 0n } });
    expect(balanceItems(st, alice)).toEqual({ locks: [], reserves: [], holds: [{ id: CERTIFICATE_LOCK, amount: 100n * XFG }], freezes: [] });
    // One entry per reason: a second hold under the same reason grows it.
    cur.hold(block.exec, CERTIFICATE_LOCK, alice, 50n * XFG);
    expect(BalancesStorage.Holds.get(st, alice)).toEqual([{ id: CERTIFICATE_LOCK, amount: 150n * XFG }]);
    // Refusals: more than free; leaving less than the ED free (FRAME's Protect); releasing more than is held.
    expect(errorOf(() => cur.hold(block.exec, CERTIFICATE_LOCK, alice, 851n * XFG))).toEqual(E.InsufficientBalance);
    expect(errorOf(() => cur.hold(block.exec, CERTIFICATE_LOCK, alice, 850n * XFG - ED + 1n))).toEqual(E.Expendability);
    expect(errorOf(() => cur.release(block.exec, CERTIFICATE_LOCK, alice, 150n * XFG + 1n))).toEqual({ tag: 'Token', value: { tag: 'FundsUnavailable' } });
    // A hold on an account that does not exist cannot be created.
    expect(errorOf(() => cur.hold(block.exec, CERTIFICATE_LOCK, k.dave.publicKey, 0n + 1n))).toEqual({ tag: 'Token', value: { tag: 'CannotCreateHold' } });
    cur.release(block.exec, CERTIFICATE_LOCK, alice, 30n * XFG);
    expect(c.account(alice, st).data).toMatchObject({ free: 880n * XFG, reserved: 120n * XFG });
    cur.release(block.exec, CERTIFICATE_LOCK, alice, 120n * XFG);
    // Nothing held: the entry and the consumer reference are gone.
    expect(balanceItems(st, alice).holds).toEqual([]);
    expect(BalancesStorage.Holds.contains(st, alice)).toBe(false);
    expect(c.account(alice, st)).toMatchObject({ consumers: 0, data: { free: 1_000n * XFG, reserved: 0n } });
    const sealed = c.seal(block);
    c.commit(sealed);
    expect(c.issuance()).toBe(2_011n * XFG);
    // pallet_balances emits no event for holds and releases.
    expect(eventNames(sealed.events).filter((n) => n.startsWith('Balances'))).toEqual([]);
    // Balances' own tryState (these holds use the certificates' reason without certificates behind them).
    checkHoldsAndFreezes(c.state);
  });

  it('held balance cannot be spent or pay fees; with a hold, dropping below the ED is Expendability', async () => {
    const c = await TestChain.create(k, HOLDS_WITHOUT_CERTIFICATES);
    const alice = k.alice.publicKey;
    const block = c.begin();
    c.runtime.currency.hold(block.exec, CERTIFICATE_LOCK, alice, 999n * XFG);
    const r1 = block.exec.applyExtrinsic(c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG)), { enforceLimits: true });
    expect(dispatchOf(r1)).toEqual({ ok: false, error: E.InsufficientBalance });
    // The fee came out of the free balance only.
    expect(c.account(alice, block.exec.state).data.reserved).toBe(999n * XFG);
    c.commit(c.seal(block));
    const c2 = await TestChain.create(k, HOLDS_WITHOUT_CERTIFICATES);
    const b2 = c2.begin();
    c2.runtime.currency.hold(b2.exec, CERTIFICATE_LOCK, alice, 10n * XFG);
    const fee = c2.runtime.queryFee(c2.sign(k.alice, c2.transferCall(k.bob.publicKey, 980n * XFG))).partialFee;
    // After the fee, this leaves ED / 2 free next to the 10 XFG held.
    const r3 = b2.exec.applyExtrinsic(c2.sign(k.alice, c2.transferCall(k.bob.publicKey, 990n * XFG - fee - ED / 2n)), { enforceLimits: true });
    expect(dispatchOf(r3)).toEqual({ ok: false, error: E.Expendability });
    c2.commit(c2.seal(b2));
  });

  it('force_set_balance to zero on an account holding funds keeps the account and its hold; releasing it then reaps the account', async () => {
    const c = await TestChain.create(k, HOLDS_WITHOUT_CERTIFICATES);
    const bob = k.bob.publicKey;
    const issuance = c.issuance();
    const block = c.begin();
    c.runtime.currency.hold(block.exec, CERTIFICATE_LOCK, bob, ED / 2n);
    dispatchAs(c, block, 'Balances', 'forceSetBalance', { kind: 'Root' }, { who: id(bob), newFree: 0n });
    c.commit(c.seal(block));
    // The hold is neither lost nor left out of the issuance.
    expect(c.account(bob).data).toMatchObject({ free: 0n, reserved: ED / 2n });
    expect(c.account(bob)).toMatchObject({ providers: 1, consumers: 1 });
    expect(c.issuance()).toBe(issuance - (1_000n * XFG - ED / 2n));
    // Once the hold is released the account holds less than the ED and nothing else: it is reaped, the dust burnt.
    const b2 = c.begin();
    c.runtime.currency.release(b2.exec, CERTIFICATE_LOCK, bob, ED / 2n);
    const sealed = c.seal(b2);
    c.commit(sealed);
    expect(SystemStorage.Account.contains(c.state, bob)).toBe(false);
    expect(BalancesStorage.Holds.contains(c.state, bob)).toBe(false);
    expect(c.issuance()).toBe(issuance - 1_000n * XFG);
    expect(eventNames(sealed.events).slice(1)).toEqual(['Balances.DustLost', 'System.KilledAccount']);
    // Balances' own tryState (these holds use the certificates' reason without certificates behind them).
    checkHoldsAndFreezes(c.state);
  });

  it('transfer_on_hold moves held funds to another hold (OnHold) or to a free balance (Free), never touching the source\'s free balance', async () => {
    const c = await TestChain.create(k, HOLDS_WITHOUT_CERTIFICATES);
    const [alice, bob, dave] = [k.alice.publicKey, k.bob.publicKey, k.dave.publicKey];
    const cur = c.runtime.currency;
    const block = c.begin();
    const st = block.exec.state;
    cur.hold(block.exec, CERTIFICATE_LOCK, alice, 100n * XFG);
    cur.transferOnHold(block.exec, CERTIFICATE_LOCK, alice, bob, 40n * XFG, 'OnHold', false);
    expect(c.account(alice, st).data).toMatchObject({ free: 900n * XFG, reserved: 60n * XFG });
    expect(c.account(bob, st)).toMatchObject({ consumers: 1, data: { free: 1_000n * XFG, reserved: 40n * XFG } });
    expect(BalancesStorage.Holds.get(st, bob)).toEqual([{ id: CERTIFICATE_LOCK, amount: 40n * XFG }]);
    // To a new account's free balance: at least the ED, as any transfer.
    expect(errorOf(() => cur.transferOnHold(block.exec, CERTIFICATE_LOCK, alice, dave, ED - 1n, 'Free', true))).toEqual(E.ExistentialDeposit);
    // On hold at an account that does not exist: refused.
    expect(errorOf(() => cur.transferOnHold(block.exec, CERTIFICATE_LOCK, alice, dave, XFG, 'OnHold', false))).toEqual({ tag: 'Token', value: { tag: 'CannotCreateHold' } });
    cur.transferOnHold(block.exec, CERTIFICATE_LOCK, alice, dave, 60n * XFG, 'Free', true);
    expect(c.account(dave, st).data).toMatchObject({ free: 60n * XFG, reserved: 0n });
    // Alice's hold is used up: entry and consumer reference gone; her free balance never moved.
    expect(c.account(alice, st)).toMatchObject({ consumers: 0, data: { free: 900n * XFG, reserved: 0n } });
    expect(BalancesStorage.Holds.contains(st, alice)).toBe(false);
    expect(errorOf(() => cur.transferOnHold(block.exec, CERTIFICATE_LOCK, alice, bob, 1n, 'Free', true))).toEqual({ tag: 'Token', value: { tag: 'FundsUnavailable' } });
    c.commit(c.seal(block));
    // Balances' own tryState (these holds use the certificates' reason without certificates behind them).
    checkHoldsAndFreezes(c.state);
  });

  it('tryState: reserved that no hold accounts for, or a hold without its reserved balance, is reported', async () => {
    const c = await TestChain.create(k, { checkInvariants: false });
    const alice = k.alice.publicKey;
    const block = c.begin();
    c.runtime.currency.hold(block.exec, CERTIFICATE_LOCK, alice, 10n * XFG);
    checkHoldsAndFreezes(block.exec.state);
    const acct = c.account(alice, block.exec.state);
    SystemStorage.Account.set(block.exec.state, alice, { ...acct, data: { ...acct.data, reserved: 11n * XFG } });
    expect(() => checkHoldsAndFreezes(block.exec.state)).toThrow(/reserved 11000000000000 but holds and named reserves sum to 10000000000000/);
    BalancesStorage.Holds.remove(block.exec.state, alice);
    expect(() => checkHoldsAndFreezes(block.exec.state)).toThrow(/reserved 11000000000000 but holds and named reserves sum to 0/);
    // Dropped: the committed state keeps its invariants.
    c.seal(block);
  });
});

describe('locks and frozen balance', () => {
  it('a lock freezes part of the balance: Locks entry, Locked/Unlocked by the change of frozen, consumer reference', async () => {
    const c = await TestChain.create(k);
    const alice = k.alice.publicKey;
    const cur = c.runtime.currency;
    const block = c.begin();
    const st = block.exec.state;
    cur.setLock(block.exec, LOCK_ID, alice, 300n * XFG);
    expect(c.account(alice, st)).toMatchObject({ consumers: 1, data: { free: 1_000n * XFG, frozen: 300n * XFG } });
    expect(balanceItems(st, alice)).toEqual({ locks: [{ id: LOCK_ID, amount: 300n * XFG, reasons: { tag: 'All' } }], reserves: [], holds: [], freezes: [] });
    // frozen is the largest lock, not the sum.
    cur.setLock(block.exec, utf8('staking '), alice, 200n * XFG, { tag: 'Misc' });
    expect(c.account(alice, st).data.frozen).toBe(300n * XFG);
    cur.setLock(block.exec, LOCK_ID, alice, 100n * XFG);
    expect(c.account(alice, st).data.frozen).toBe(200n * XFG);
    cur.removeLock(block.exec, utf8('staking '), alice);
    cur.removeLock(block.exec, LOCK_ID, alice);
    // No lock on an account that does not exist.
    expect(errorOf(() => cur.setLock(block.exec, LOCK_ID, k.dave.publicKey, XFG))).toEqual(E.DeadAccount);
    expect(BalancesStorage.Locks.contains(st, k.dave.publicKey)).toBe(false);
    expect(BalancesStorage.Locks.contains(st, alice)).toBe(false);
    expect(c.account(alice, st)).toMatchObject({ consumers: 0, data: { frozen: 0n } });
    const sealed = c.seal(block);
    c.commit(sealed);
    expect(eventValues(sealed.events, 'Balances.Locked')).toEqual([{ who: alice, amount: 300n * XFG }]);
    expect(eventValues(sealed.events, 'Balances.Unlocked')).toEqual([
      { who: alice, amount: 100n * XFG },
      { who: alice, amount: 100n * XFG },
      { who: alice, amount: 100n * XFG },
    ]);
    // Balances' own tryState (these holds use the certificates' reason without certificates behind them).
    checkHoldsAndFreezes(c.state);
  });

  it('a transfer that would leave free below frozen − reserved fails with LiquidityRestrictions', async () => {
    const c = await TestChain.create(k);
    const alice = k.alice.publicKey;
    const block = c.begin();
    c.runtime.currency.setLock(block.exec, LOCK_ID, alice, 900n * XFG);
    const r = block.exec.applyExtrinsic(c.sign(k.alice, c.transferCall(k.bob.publicKey, 100n * XFG)), { enforceLimits: true });
    expect(dispatchOf(r)).toEqual({ ok: false, error: E.LiquidityRestrictions });
    const r2 = block.exec.applyExtrinsic(c.sign(k.alice, c.transferCall(k.bob.publicKey, 99n * XFG), { nonce: 1 }), { enforceLimits: true });
    expect(dispatchOf(r2)).toEqual({ ok: true });
    c.commit(c.seal(block));
    // Balances' own tryState (these holds use the certificates' reason without certificates behind them).
    checkHoldsAndFreezes(c.state);
  });

  it('transfer_all and transfer_keep_alive respect holds and locks: transferable = free − max(frozen − reserved, 0), the ED kept', async () => {
    const c = await TestChain.create(k, HOLDS_WITHOUT_CERTIFICATES);
    const [alice, bob] = [k.alice.publicKey, k.bob.publicKey];
    const cur = c.runtime.currency;
    const block = c.begin();
    // 100 held and a 300 lock: the lock covers the total, so 200 of the free balance stays frozen.
    cur.hold(block.exec, CERTIFICATE_LOCK, alice, 100n * XFG);
    cur.setLock(block.exec, LOCK_ID, alice, 300n * XFG);
    c.commit(c.seal(block));
    expect(cur.reducible(c.state, alice, 'Expendable')).toBe(700n * XFG);
    expect(cur.reducible(c.state, alice, 'Expendable', true)).toBe(900n * XFG - ED);
    // transfer_keep_alive of one unit more than the transferable part fails; the transferable part goes.
    const fee = c.runtime.queryFee(c.sign(k.alice, c.transferCall(bob, 600n * XFG, 'transferKeepAlive'))).partialFee;
    const tooMuch = c.produce([c.sign(k.alice, c.transferCall(bob, 700n * XFG - fee + 1n, 'transferKeepAlive'))]).results[0];
    expect(dispatchOf(tooMuch)).toEqual({ ok: false, error: E.LiquidityRestrictions });
    const bobBefore = c.free(bob);
    const all = c.sign(k.alice, c.call('Balances', 'transferAll', { dest: id(bob), keepAlive: false }), { nonce: 1 });
    const { results } = c.produce([all]);
    expect(dispatchOf(results[0])).toEqual({ ok: true });
    // What is left: the held 100 and the 200 of the lock not covered by it (the ED lies within it).
    expect(c.account(alice).data).toMatchObject({ free: 200n * XFG, reserved: 100n * XFG, frozen: 300n * XFG });
    const feeAll = results[0].ok ? results[0].applied.fee : 0n;
    // Alice paid two fees out of the transferable part before transfer_all measured it.
    expect(c.free(bob)).toBe(bobBefore + 700n * XFG - fee - feeAll);
    expect(cur.reducible(c.state, alice, 'Expendable')).toBe(0n);
    // Balances' own tryState (these holds use the certificates' reason without certificates behind them).
    checkHoldsAndFreezes(c.state);
  });

  it('transfer_all with a lock below the held amount: the lock is covered by the hold, only the ED stays free', async () => {
    const c = await TestChain.create(k, HOLDS_WITHOUT_CERTIFICATES);
    const [alice, bob] = [k.alice.publicKey, k.bob.publicKey];
    const block = c.begin();
    c.runtime.currency.hold(block.exec, CERTIFICATE_LOCK, alice, 100n * XFG);
    c.runtime.currency.setLock(block.exec, LOCK_ID, alice, 50n * XFG);
    c.commit(c.seal(block));
    const { results } = c.produce([c.sign(k.alice, c.call('Balances', 'transferAll', { dest: id(bob), keepAlive: true }))]);
    expect(dispatchOf(results[0])).toEqual({ ok: true });
    expect(c.account(alice).data).toMatchObject({ free: ED, reserved: 100n * XFG, frozen: 50n * XFG });
    // Balances' own tryState (these holds use the certificates' reason without certificates behind them).
    checkHoldsAndFreezes(c.state);
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
