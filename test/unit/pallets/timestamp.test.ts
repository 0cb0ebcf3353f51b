/**
 * pallet_timestamp: the inherent must come first, once, and move time forward; a block without it cannot be
 * finalized; the validator-side drift rule `checkTimestampInherent`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { XFG } from '../../../src/chain/index.js';
import { DispatchFailure } from '../../../src/runtime/dispatch.js';
import { BlockExecutionError } from '../../../src/runtime/runtime.js';
import { checkTimestampInherent, MINIMUM_PERIOD_MS, now, TimestampStorage } from '../../../src/pallets/timestamp/index.js';
import { checkInvariantsAfterEach, eventsOf, TestChain } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';
import { WEIGHTS as TIMESTAMP_WEIGHTS } from '../../../src/pallets/timestamp/weights.js';
import { weightOf } from '../../../src/runtime/weights.js';

let k: DevKeys;
beforeAll(async () => {
  k = await devKeys();
});
checkInvariantsAfterEach();

describe('the timestamp inherent', () => {
  it('sets Now, is a free Mandatory extrinsic, and leaves no DidUpdate flag behind', async () => {
    const c = await TestChain.create(k);
    const t = 1_700_000_123_456n;
    const { results } = c.produce([], { timestamp: t });
    expect(results).toEqual([]);
    expect(now(c.state)).toBe(t);
    expect(TimestampStorage.DidUpdate.exists(c.state)).toBe(false);
    const ev = eventsOf(c.events(), 0);
    expect(ev.map((e) => e.event.value)).toEqual([{ tag: 'ExtrinsicSuccess', value: { dispatchInfo: { weight: { refTime: weightOf(TIMESTAMP_WEIGHTS.calls.set), proofSize: 0n }, class: { tag: 'Mandatory' }, paysFee: { tag: 'No' } } } }]);
    expect(c.runtime.timestampOf(c.blocks[1].extrinsics)).toBe(t);
    expect(c.runtime.timestampOf([])).toBeUndefined();
    expect(c.runtime.timestampOf([c.sign(k.alice, c.transferCall(k.bob.publicKey, 1n))])).toBeUndefined();
  });

  it('missing: the block cannot be finalized (and an imported block without it is refused)', async () => {
    const c = await TestChain.create(k);
    const block = c.begin({ timestamp: null });
    expect(block.exec.applyExtrinsic(c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG)), { enforceLimits: true }).ok).toBe(true);
    expect(() => c.seal(block)).toThrow(BlockExecutionError);
    const again = c.begin({ timestamp: null });
    expect(() => c.seal(again)).toThrow(/Timestamp.onFinalize: Timestamp must be updated once in the block/);
  });

  it('not after the parent: refused as BadMandatory; parent + MinimumPeriod is accepted', async () => {
    const c = await TestChain.create(k);
    c.produce([], { timestamp: 5_000n });
    for (const t of [4_000n, 5_000n]) {
      const block = c.begin({ timestamp: null });
      const r = block.exec.applyExtrinsic(c.runtime.timestampInherent(t), { enforceLimits: true });
      expect(r).toMatchObject({ ok: false, error: { kind: 'invalid', reason: 'BadMandatory', message: expect.stringMatching(/must be after the parent's 5000/) } });
      expect(block.exec.applied).toHaveLength(0);
    }
    c.produce([], { timestamp: 5_000n + MINIMUM_PERIOD_MS });
    expect(now(c.state)).toBe(5_001n);
    // Imported with a stale time, the block is refused at its first extrinsic.
    const author = new TestChain({ accounts: { alice: k.alice.publicKey, bob: k.bob.publicKey, charlie: k.charlie.publicKey } });
    author.produce([], { timestamp: 9_000n });
    const header = { ...author.blocks[1].header };
    const replica = new TestChain({ accounts: { alice: k.alice.publicKey, bob: k.bob.publicKey, charlie: k.charlie.publicKey } });
    expect(() => replica.runtime.executeBlock(replica.trie, replica.trie, header, [replica.runtime.timestampInherent(0n)], replica.checker)).toThrow(/extrinsic 0 is invalid: A call was labelled as mandatory/);
  });

  it('twice in a block, or anywhere but first: BadMandatory', async () => {
    const c = await TestChain.create(k);
    const block = c.begin({ timestamp: 10_000n });
    const twice = block.exec.applyExtrinsic(c.runtime.timestampInherent(20_000n), { enforceLimits: true });
    expect(twice).toMatchObject({ ok: false, error: { reason: 'BadMandatory', message: expect.stringMatching(/must be the first extrinsic/) } });
    c.commit(c.seal(block));
    expect(now(c.state)).toBe(10_000n);
    const late = c.begin({ timestamp: null });
    expect(late.exec.applyExtrinsic(c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG)), { enforceLimits: true }).ok).toBe(true);
    expect(late.exec.applyExtrinsic(c.runtime.timestampInherent(20_000n), { enforceLimits: true })).toMatchObject({ ok: false, error: { reason: 'BadMandatory' } });
    expect(() => c.seal(late)).toThrow(BlockExecutionError);
  });

  it('set() requires the None origin and refuses a second update in the same block', async () => {
    const c = await TestChain.create(k);
    const block = c.begin({ timestamp: 10_000n });
    const set = c.runtime.pallet('Timestamp')!.calls!.set;
    expect(() => block.exec.transactional(() => set.dispatch(block.exec, { kind: 'Root' }, { now: 20_000n }))).toThrow(DispatchFailure);
    expect(() => block.exec.transactional(() => set.dispatch(block.exec, { kind: 'None' }, { now: 20_000n }))).toThrow(/only once/);
    c.commit(c.seal(block));
  });
});

describe('checkTimestampInherent (validator-side drift rule)', () => {
  const parent = 1_000_000n;
  const local = 2_000_000n;
  const drift = 30_000n;

  it('accepts any time strictly after the parent and at most `drift` ahead of the local clock', () => {
    expect(checkTimestampInherent(parent + MINIMUM_PERIOD_MS, parent, local, drift)).toBeUndefined();
    expect(checkTimestampInherent(local, parent, local, drift)).toBeUndefined();
    expect(checkTimestampInherent(local + drift, parent, local, drift)).toBeUndefined();
  });

  it('refuses a time not after the parent, or beyond local + drift', () => {
    expect(checkTimestampInherent(parent, parent, local, drift)).toEqual({ reason: 'NotAfterParent', parent });
    expect(checkTimestampInherent(parent - 1n, parent, local, drift)).toEqual({ reason: 'NotAfterParent', parent });
    expect(checkTimestampInherent(local + drift + 1n, parent, local, drift)).toEqual({ reason: 'TooFarInFuture', maxAllowed: local + drift });
    // A validator whose clock lags the parent refuses everything until it catches up.
    expect(checkTimestampInherent(parent + 1n, parent, parent - drift - 1n, drift)).toEqual({ reason: 'TooFarInFuture', maxAllowed: parent - 1n });
  });
});
