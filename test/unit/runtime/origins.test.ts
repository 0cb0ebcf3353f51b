/**
 * Open origins and EnsureOrigin: the system origins and pallet-defined ones as `OriginCaller` values and bytes
 * (FRAME's layout), the EnsureOrigin checks and combinators with their success values and `BadOrigin` messages, and
 * `ctx.dispatch` on the real runtime (transactional, weight counted for hook work only, undecodable calls refused).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { enumeration, u32 } from '../../../src/primitives/scale/index.js';
import { XFG } from '../../../src/chain/index.js';
import {
  callerToOrigin,
  DispatchFailure,
  eitherOf,
  eitherOfDiverse,
  EnsureNone,
  ensureNever,
  ensureOrigin,
  ensurePalletOrigin,
  EnsureRoot,
  EnsureSigned,
  ensureSignedBy,
  mapSuccess,
  originToCaller,
  palletOrigin,
  type Origin,
} from '../../../src/runtime/dispatch.js';
import { EMPTY_STATE } from '../../../src/runtime/runtime.js';
import { createOracle, OracleStorage } from '../../../src/pallets/oracle/index.js';
import { checkInvariantsAfterEach, TestChain } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';

let k: DevKeys;
beforeAll(async () => {
  k = await devKeys();
});
checkInvariantsAfterEach();

const A = new Uint8Array(32).fill(1);
const B = new Uint8Array(32).fill(2);
const ROOT: Origin = { kind: 'Root' };
const NONE: Origin = { kind: 'None' };
const signed = (who: Uint8Array): Origin => ({ kind: 'Signed', who });
/** A pallet origin as a bank's members would be: `Banks::Origin::Members(bank)`. */
const BankOrigin = enumeration(['pallet_banks', 'pallet', 'Origin'], { Members: u32, Officers: u32 });
const members = (bank: number) => palletOrigin('Banks', { tag: 'Members', value: bank });

describe('origins as OriginCaller values', () => {
  it('system origins map to `system` RawOrigin values and back; pallet origins to their pallet variant', () => {
    for (const o of [ROOT, NONE, signed(A), members(3)]) expect(callerToOrigin(originToCaller(o))).toEqual(o);
    expect(originToCaller(ROOT)).toEqual({ tag: 'system', value: { tag: 'Root' } });
    expect(originToCaller(signed(A))).toEqual({ tag: 'system', value: { tag: 'Signed', value: A } });
    expect(originToCaller(members(3))).toEqual({ tag: 'Banks', value: { tag: 'Members', value: 3 } });
  });

  it("the runtime's OriginCaller encodes as FRAME's: system at System's index, RawOrigin Root 0, Signed 1, None 2", async () => {
    const c = await TestChain.create(k);
    const codec = c.runtime.originCallerCodec;
    expect([...codec.encode(originToCaller(ROOT))]).toEqual([0, 0]);
    expect([...codec.encode(originToCaller(signed(A)))]).toEqual([0, 1, ...A]);
    expect([...codec.encode(originToCaller(NONE))]).toEqual([0, 2]);
    expect(c.runtime.outer.sameOrigin(signed(A), signed(A))).toBe(true);
    expect(c.runtime.outer.sameOrigin(signed(A), signed(B))).toBe(false);
    expect(c.runtime.outer.sameOrigin(ROOT, NONE)).toBe(false);
    expect(BankOrigin.encode({ tag: 'Members', value: 3 })).toEqual(new Uint8Array([0, 3, 0, 0, 0]));
  });
});

describe('EnsureOrigin', () => {
  const st = EMPTY_STATE;
  it('EnsureRoot, EnsureSigned, EnsureNone pass their origin with its success value and refuse the others with BadOrigin', () => {
    expect(ensureOrigin(EnsureRoot, ROOT, st)).toBeNull();
    expect(ensureOrigin(EnsureSigned, signed(A), st)).toEqual(A);
    expect(ensureOrigin(EnsureNone, NONE, st)).toBeNull();
    for (const o of [signed(A), NONE, members(1)]) {
      const r = EnsureRoot.tryOrigin(o, st);
      expect(r).toEqual({ ok: false, origin: o });
    }
    let err: unknown;
    try {
      ensureOrigin(EnsureRoot, signed(A), st);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DispatchFailure);
    expect((err as DispatchFailure).error).toEqual({ tag: 'BadOrigin' });
    expect((err as DispatchFailure).message).toBe('expected the origin Root, got Signed');
    expect(() => ensureOrigin(ensureNever(), ROOT, st)).toThrow(/expected the origin no origin \(disabled\), got Root/);
  });

  it('ensureSignedBy reads its members from the state it is given', () => {
    const check = ensureSignedBy('a feeder', () => [A]);
    expect(ensureOrigin(check, signed(A), st)).toEqual(A);
    expect(() => ensureOrigin(check, signed(B), st)).toThrow(/expected the origin Signed by a feeder, got Signed/);
    expect(check.tryOrigin(ROOT, st).ok).toBe(false);
  });

  it('pallet origins, eitherOf, eitherOfDiverse and mapSuccess: governance or Root for a bank call', () => {
    const bankMembers = ensurePalletOrigin('Banks', 'the members of a bank', (v) => {
      const o = BankOrigin.decode(BankOrigin.encode(v as { tag: 'Members'; value: number }));
      return o.tag === 'Members' ? o.value : undefined;
    });
    expect(ensureOrigin(bankMembers, members(7), st)).toBe(7);
    expect(bankMembers.tryOrigin(palletOrigin('Banks', { tag: 'Officers', value: 7 }), st).ok).toBe(false);
    expect(bankMembers.tryOrigin(palletOrigin('Other', { tag: 'Members', value: 7 }), st).ok).toBe(false);
    // Root acts for any bank (success value: no bank), the members for theirs.
    const either = eitherOf(mapSuccess(EnsureRoot, () => undefined as number | undefined), bankMembers);
    expect(ensureOrigin(either, ROOT, st)).toBeUndefined();
    expect(ensureOrigin(either, members(2), st)).toBe(2);
    expect(() => ensureOrigin(either, signed(A), st)).toThrow(/expected the origin Root or the members of a bank, got Signed/);
    const diverse = eitherOfDiverse(EnsureRoot, EnsureSigned);
    expect(ensureOrigin(diverse, ROOT, st)).toEqual({ side: 'left', value: null });
    expect(ensureOrigin(diverse, signed(B), st)).toEqual({ side: 'right', value: B });
    expect(diverse.tryOrigin(NONE, st)).toEqual({ ok: false, origin: NONE });
  });
});

describe('ctx.dispatch on the real runtime', () => {
  const setBalance = (c: TestChain, who: Uint8Array, v: bigint) => c.call('Balances', 'forceSetBalance', { who: { tag: 'Id', value: who }, newFree: v });

  it('dispatches an encoded call with the origin given, in a transactional layer, and reports its weight', async () => {
    const c = await TestChain.create(k);
    const block = c.begin();
    const ok = block.exec.dispatch(ROOT, setBalance(c, k.dave.publicKey, 4n * XFG));
    expect(ok).toEqual({ ok: true, weight: block.exec.callInfo(setBalance(c, k.dave.publicKey, 4n * XFG))!.weight });
    const bad = block.exec.dispatch(signed(k.alice.publicKey), setBalance(c, k.eve.publicKey, 4n * XFG));
    expect(bad).toMatchObject({ ok: false, error: { tag: 'BadOrigin' } });
    const junk = block.exec.dispatch(ROOT, new Uint8Array([250, 1, 2]));
    expect(junk).toMatchObject({ ok: false, error: { tag: 'Unavailable' }, weight: 0n });
    expect(block.exec.callInfo(new Uint8Array([250, 1, 2]))).toBeUndefined();
    c.commit(c.seal(block));
    expect(c.free(k.dave.publicKey)).toBe(4n * XFG);
    expect(c.free(k.eve.publicKey)).toBe(0n);
  });

  it('outside an extrinsic the weight is counted against the block (Mandatory); inside, the extrinsic covers it', async () => {
    const c = await TestChain.create(k);
    const block = c.begin();
    const before = block.exec.weightUsed.Mandatory;
    const out = block.exec.dispatch(ROOT, setBalance(c, k.dave.publicKey, XFG));
    // The harness applied the timestamp inherent: the phase is that extrinsic's, so nothing is added.
    expect(out.ok).toBe(true);
    expect(block.exec.weightUsed.Mandatory).toBe(before);
    c.seal(block);
    const fresh = c.runtime.beginBlock(c.state, { parentHash: c.head.hash, number: c.nextNumber, digest: { logs: [] } }, c.checker);
    fresh.initialize();
    const w0 = fresh.weightUsed.Mandatory;
    const r = fresh.dispatch(ROOT, setBalance(c, k.dave.publicKey, XFG));
    expect(r.ok).toBe(true);
    expect(fresh.weightUsed.Mandatory - w0).toBe(r.weight);
  });
});

describe('privileged calls take their origin from the config', () => {
  it('the chain wires Root: a signed set_feeders is BadOrigin naming what was expected', async () => {
    const c = await TestChain.create(k);
    const { results } = c.produce([c.sign(k.alice, c.call('Oracle', 'setFeeders', { feeders: [A] }))]);
    expect(results[0].ok && results[0].applied.dispatch).toEqual({ ok: false, error: { tag: 'BadOrigin' }, message: 'expected the origin Root, got Signed' });
  });

  it('the same pallet built with another EnsureOrigin (a council of Bob) obeys it, unedited', async () => {
    const c = await TestChain.create(k);
    const council = ensureSignedBy('the council', () => [k.bob.publicKey]);
    const { pallet } = createOracle({ adminOrigin: council });
    const setFeeders = pallet.calls!.setFeeders;
    const block = c.begin();
    const run = (o: Origin) => {
      try {
        block.exec.transactional(() => setFeeders.dispatch(block.exec, o, { feeders: [A, B, new Uint8Array(32).fill(3)] }));
        return 'ok';
      } catch (e) {
        return (e as DispatchFailure).message;
      }
    };
    expect(run(ROOT)).toBe('expected the origin Signed by the council, got Root');
    expect(run(signed(k.alice.publicKey))).toBe('expected the origin Signed by the council, got Signed');
    expect(run(signed(k.bob.publicKey))).toBe('ok');
    expect(OracleStorage.Feeders.get(block.exec.state)).toEqual([A, B, new Uint8Array(32).fill(3)]);
    c.seal(block);
  });
});
