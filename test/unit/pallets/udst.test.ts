/**
 * pallet_udst through the real executive and its ledger inside open blocks: transfers, mint/burn, debit/credit to
 * and from holders outside accounts, burning held UDST, reserves; every error leaves the state root unchanged; the
 * issuance identity (issuance = Σ accounts + held) after every test and after every step of random sequences.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArithmeticError, U128_MAX } from '../../../src/primitives/arith.js';
import { createUdst, holdAtGenesis, UdstErrors, UdstStorage, udstTotals, UDST, checkUdstInvariants } from '../../../src/pallets/udst/index.js';
import { DispatchFailure } from '../../../src/runtime/dispatch.js';
import { Overlay } from '../../../src/runtime/state.js';
import { EMPTY_STATE } from '../../../src/runtime/runtime.js';
import { checkInvariantsAfterEach, eventNames, eventsOf, type TestChain, type TestChainOptions } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';
import { checkPalletInvariantsAfterEach, creditChain, dispatchAs, dispatchOf, eventValues, expectNoop, finish, openEvents, rootOf, signed } from './oracle-harness.js';

let k: DevKeys;
beforeAll(async () => {
  k = await devKeys();
});
checkInvariantsAfterEach();
checkPalletInvariantsAfterEach();

const E = UdstErrors.of;
// The ledger functions are stateless over storage: one instance serves every chain.
const { ledger } = createUdst();
const id = (who: Uint8Array) => ({ tag: 'Id' as const, value: who });

/** A chain where Alice holds 100 UDST and Bob 5 UDST from genesis; invariants after every block (some skipped: `check`). */
async function fundedChain(check?: TestChainOptions['checkInvariants']): Promise<TestChain> {
  return creditChain(k, { udst: { balances: [[k.alice.publicKey, 100n * UDST], [k.bob.publicKey, 5n * UDST]] } }, { checkInvariants: check });
}

/**
 * Tests of the ledger alone debit UDST into the held total with no bank to hold it as reserves: the chain identity
 * "UDST held by banks" is broken on purpose there (the Udst pallet's own issuance identity still runs).
 */
const HELD_WITHOUT_BANKS = { skip: ['UDST held by banks'] };

describe('genesis', () => {
  it('credits the genesis balances and sets the issuance to their sum', async () => {
    const c = await fundedChain();
    expect(ledger.free(c.state, k.alice.publicKey)).toBe(100n * UDST);
    expect(ledger.free(c.state, k.bob.publicKey)).toBe(5n * UDST);
    expect(ledger.totalIssuance(c.state)).toBe(105n * UDST);
    expect(udstTotals(c.state)).toEqual({ issuance: 105n * UDST, accounts: 105n * UDST, held: 0n, count: 2 });
  });

  it('a chain without a udst section starts with no UDST', async () => {
    const c = await creditChain(k);
    expect(ledger.totalIssuance(c.state)).toBe(0n);
    expect(ledger.free(c.state, k.alice.publicKey)).toBe(0n);
  });

  it('holdAtGenesis creates UDST held outside accounts (a bank pallet seeding reserves) and keeps the identity', () => {
    const st = new Overlay(EMPTY_STATE);
    holdAtGenesis(st, 7n * UDST);
    expect(UdstStorage.Held.get(st)).toBe(7n * UDST);
    expect(UdstStorage.TotalIssuance.get(st)).toBe(7n * UDST);
    checkUdstInvariants(st);
  });

  it('refuses a zero genesis balance', async () => {
    await expect(creditChain(k, { udst: { balances: [[k.alice.publicKey, 0n]] } })).rejects.toThrow(/must be positive/);
  });
});

describe('transfer (call)', () => {
  it('moves free UDST, deposits Transferred, keeps the issuance; the recipient account is created', async () => {
    const c = await fundedChain();
    const [alice, dave] = [k.alice.publicKey, k.dave.publicKey];
    const xt = c.sign(k.alice, c.call('Udst', 'transfer', { dest: id(dave), amount: 30n * UDST }));
    const { results } = c.produce([xt]);
    expect(dispatchOf(results[0])).toEqual({ ok: true });
    expect(ledger.free(c.state, alice)).toBe(70n * UDST);
    expect(ledger.free(c.state, dave)).toBe(30n * UDST);
    expect(ledger.totalIssuance(c.state)).toBe(105n * UDST);
    const ev = eventsOf(c.events(), 1);
    expect(eventNames(ev)).toContain('Udst.Transferred');
    expect(eventValues(ev, 'Udst.Transferred')).toEqual([{ from: alice, to: dave, amount: 30n * UDST }]);
  });

  it('sending everything removes the sender from storage (no existential deposit, no dust)', async () => {
    const c = await fundedChain();
    const { results } = c.produce([c.sign(k.bob, c.call('Udst', 'transfer', { dest: id(k.alice.publicKey), amount: 5n * UDST }))]);
    expect(dispatchOf(results[0])).toEqual({ ok: true });
    expect(UdstStorage.Accounts.contains(c.state, k.bob.publicKey)).toBe(false);
    expect(ledger.free(c.state, k.alice.publicKey)).toBe(105n * UDST);
  });

  it('one base unit can be sent to a new account (no minimum)', async () => {
    const c = await fundedChain();
    c.produce([c.sign(k.alice, c.call('Udst', 'transfer', { dest: id(k.eve.publicKey), amount: 1n }))]);
    expect(ledger.free(c.state, k.eve.publicKey)).toBe(1n);
  });

  it('more than the free balance fails with InsufficientBalance: the extrinsic is included, UDST untouched', async () => {
    const c = await fundedChain();
    const { results } = c.produce([c.sign(k.bob, c.call('Udst', 'transfer', { dest: id(k.alice.publicKey), amount: 5n * UDST + 1n }))]);
    expect(dispatchOf(results[0])).toEqual({ ok: false, error: E.InsufficientBalance });
    expect(E.InsufficientBalance).toEqual({ tag: 'Module', value: { index: 10, error: new Uint8Array([0, 0, 0, 0]) } });
    expect(ledger.free(c.state, k.bob.publicKey)).toBe(5n * UDST);
    expect(eventNames(eventsOf(c.events(), 1))).not.toContain('Udst.Transferred');
  });

  it('a failing transfer leaves the state root unchanged (assert_noop)', async () => {
    const c = await fundedChain();
    const block = c.begin();
    expectNoop(c, block, (ctx) => ledger.transfer(ctx, k.bob.publicKey, k.alice.publicKey, 6n * UDST), E.InsufficientBalance);
    expectNoop(c, block, () => dispatchAs(c, block, 'Udst', 'transfer', signed(k.dave.publicKey), { dest: id(k.alice.publicKey), amount: 1n }), E.InsufficientBalance);
    finish(c, block);
  });

  it('an unsigned origin is refused with BadOrigin', async () => {
    const c = await fundedChain();
    const block = c.begin();
    expectNoop(c, block, () => dispatchAs(c, block, 'Udst', 'transfer', { kind: 'None' }, { dest: id(k.alice.publicKey), amount: 1n }), { tag: 'BadOrigin' });
    finish(c, block);
  });

  it('zero and self transfers move nothing and deposit nothing; a self transfer beyond the balance still fails', async () => {
    const c = await fundedChain();
    const block = c.begin();
    const root = rootOf(c, block);
    dispatchAs(c, block, 'Udst', 'transfer', signed(k.alice.publicKey), { dest: id(k.bob.publicKey), amount: 0n });
    dispatchAs(c, block, 'Udst', 'transfer', signed(k.alice.publicKey), { dest: id(k.alice.publicKey), amount: 10n * UDST });
    expect(rootOf(c, block)).toBe(root);
    expect(eventNames(openEvents(block)).filter((n) => n.startsWith('Udst.'))).toEqual([]);
    expectNoop(c, block, (ctx) => ledger.transfer(ctx, k.alice.publicKey, k.alice.publicKey, 101n * UDST), E.InsufficientBalance);
    finish(c, block);
  });
});

describe('ledger', () => {
  it('mint creates UDST in an account (Minted); burn destroys it (Burned); issuance follows', async () => {
    const c = await creditChain(k);
    const [alice] = [k.alice.publicKey];
    const block = c.begin();
    ledger.mint(block.exec, alice, 40n * UDST);
    ledger.burn(block.exec, alice, 15n * UDST);
    const ev = finish(c, block);
    expect(eventValues(ev, 'Udst.Minted')).toEqual([{ who: alice, amount: 40n * UDST }]);
    expect(eventValues(ev, 'Udst.Burned')).toEqual([{ who: alice, amount: 15n * UDST }]);
    expect(ledger.free(c.state, alice)).toBe(25n * UDST);
    expect(ledger.totalIssuance(c.state)).toBe(25n * UDST);
  });

  it('debit moves UDST out to the held total and credit back, without changing issuance; burnHeld destroys held UDST', async () => {
    const c = await fundedChain(HELD_WITHOUT_BANKS);
    const alice = k.alice.publicKey;
    const block = c.begin();
    ledger.debit(block.exec, alice, 60n * UDST);
    expect(ledger.held(block.exec.state)).toBe(60n * UDST);
    expect(ledger.totalIssuance(block.exec.state)).toBe(105n * UDST);
    ledger.credit(block.exec, k.dave.publicKey, 10n * UDST);
    ledger.burnHeld(block.exec, 20n * UDST);
    const ev = finish(c, block);
    expect(eventNames(ev).filter((n) => n.startsWith('Udst.'))).toEqual(['Udst.Debited', 'Udst.Credited', 'Udst.HeldBurned']);
    expect(eventValues(ev, 'Udst.HeldBurned')).toEqual([{ amount: 20n * UDST }]);
    expect(ledger.free(c.state, alice)).toBe(40n * UDST);
    expect(ledger.free(c.state, k.dave.publicKey)).toBe(10n * UDST);
    expect(ledger.held(c.state)).toBe(30n * UDST);
    expect(ledger.totalIssuance(c.state)).toBe(85n * UDST);
  });

  it('reserve and unreserve move between free and reserved; the account counts both', async () => {
    const c = await fundedChain();
    const bob = k.bob.publicKey;
    const block = c.begin();
    ledger.reserve(block.exec, bob, 5n * UDST);
    expect(ledger.free(block.exec.state, bob)).toBe(0n);
    expect(ledger.reserved(block.exec.state, bob)).toBe(5n * UDST);
    // Only reserved UDST left: the account stays stored.
    expect(UdstStorage.Accounts.contains(block.exec.state, bob)).toBe(true);
    expectNoop(c, block, (ctx) => ledger.transfer(ctx, bob, k.alice.publicKey, 1n), E.InsufficientBalance);
    ledger.unreserve(block.exec, bob, 2n * UDST);
    const ev = finish(c, block);
    expect(eventNames(ev).filter((n) => n.startsWith('Udst.'))).toEqual(['Udst.Reserved', 'Udst.Unreserved']);
    expect(UdstStorage.Accounts.get(c.state, bob)).toEqual({ free: 2n * UDST, reserved: 3n * UDST });
  });

  it('every refused ledger operation leaves the state root and events unchanged', async () => {
    const c = await fundedChain(HELD_WITHOUT_BANKS);
    const [alice, bob] = [k.alice.publicKey, k.bob.publicKey];
    const block = c.begin();
    ledger.debit(block.exec, alice, 10n * UDST);
    ledger.reserve(block.exec, alice, UDST);
    expectNoop(c, block, (ctx) => ledger.burn(ctx, bob, 5n * UDST + 1n), E.InsufficientBalance);
    expectNoop(c, block, (ctx) => ledger.debit(ctx, bob, 5n * UDST + 1n), E.InsufficientBalance);
    expectNoop(c, block, (ctx) => ledger.reserve(ctx, bob, 5n * UDST + 1n), E.InsufficientBalance);
    expectNoop(c, block, (ctx) => ledger.unreserve(ctx, alice, UDST + 1n), E.InsufficientReserved);
    expectNoop(c, block, (ctx) => ledger.credit(ctx, bob, 10n * UDST + 1n), E.InsufficientHeld);
    expectNoop(c, block, (ctx) => ledger.burnHeld(ctx, 10n * UDST + 1n), E.InsufficientHeld);
    finish(c, block);
  });

  it('minting past u128 issuance throws ArithmeticError(Overflow) and changes nothing', async () => {
    const c = await fundedChain();
    const block = c.begin();
    const root = rootOf(c, block);
    expect(() => block.exec.transactional(() => ledger.mint(block.exec, k.alice.publicKey, U128_MAX))).toThrow(ArithmeticError);
    expect(rootOf(c, block)).toBe(root);
    ledger.mint(block.exec, k.alice.publicKey, U128_MAX - 105n * UDST);
    expect(ledger.totalIssuance(block.exec.state)).toBe(U128_MAX);
    finish(c, block);
  });

  it('a negative amount is a programming error (RangeError), never a silent change', async () => {
    const c = await fundedChain();
    const block = c.begin();
    expect(() => ledger.mint(block.exec, k.alice.publicKey, -1n)).toThrow(RangeError);
    finish(c, block);
  });

  it('random sequences of ledger operations keep issuance = Σ accounts + held and never go negative', async () => {
    const c = await fundedChain(HELD_WITHOUT_BANKS);
    const who = [k.alice.publicKey, k.bob.publicKey, k.dave.publicKey];
    const op = fc.record({
      kind: fc.constantFrom('mint', 'burn', 'transfer', 'debit', 'credit', 'burnHeld', 'reserve', 'unreserve'),
      a: fc.integer({ min: 0, max: 2 }),
      b: fc.integer({ min: 0, max: 2 }),
      amount: fc.bigInt({ min: 0n, max: 200n * UDST }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const block = c.begin();
        for (const o of ops) {
          try {
            block.exec.transactional(() => {
              const [x, y] = [who[o.a], who[o.b]];
              if (o.kind === 'mint') ledger.mint(block.exec, x, o.amount);
              else if (o.kind === 'burn') ledger.burn(block.exec, x, o.amount);
              else if (o.kind === 'transfer') ledger.transfer(block.exec, x, y, o.amount);
              else if (o.kind === 'debit') ledger.debit(block.exec, x, o.amount);
              else if (o.kind === 'credit') ledger.credit(block.exec, x, o.amount);
              else if (o.kind === 'burnHeld') ledger.burnHeld(block.exec, o.amount);
              else if (o.kind === 'reserve') ledger.reserve(block.exec, x, o.amount);
              else ledger.unreserve(block.exec, x, o.amount);
            });
          } catch (e) {
            if (!(e instanceof DispatchFailure)) throw e;
          }
          checkUdstInvariants(block.exec.state);
          for (const [, a] of UdstStorage.Accounts.entries(block.exec.state)) expect(a.free >= 0n && a.reserved >= 0n).toBe(true);
          expect(ledger.held(block.exec.state) >= 0n).toBe(true);
        }
        // Dropped, not committed: every run starts from the same genesis.
        c.seal(block);
      }),
      { numRuns: 60 },
    );
  });
});
