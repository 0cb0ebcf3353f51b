/**
 * The executive over the real runtime: blocks built with beginBlock / applyExtrinsic / finalize, signatures
 * really verified. Fees and their split, failing calls that are included, block limits, re-execution of an
 * authored block and refusal of tampered ones, and transactional rollback of state and events.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex, toHexRaw } from '../../../src/primitives/bytes.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { HeaderCodec } from '../../../src/primitives/types.js';
import { CHAIN_RUNTIME_SPEC, createChainRuntime, XFG, TREASURY_ACCOUNT } from '../../../src/chain/index.js';
import { DispatchFailure } from '../../../src/runtime/dispatch.js';
import { BlockExecutionError, type SealedBlock } from '../../../src/runtime/runtime.js';
import type { StateChange, StateReader } from '../../../src/runtime/state.js';
import { SystemStorage } from '../../../src/pallets/system/index.js';
import { WEIGHTS as BALANCES_WEIGHTS } from '../../../src/pallets/balances/weights.js';
import { weightOf } from '../../../src/runtime/weights.js';
import { BalancesStorage } from '../../../src/pallets/balances/index.js';
import { TimestampStorage } from '../../../src/pallets/timestamp/index.js';
import { checkInvariantsAfterEach, eventNames, eventsOf, TestChain, type ApplyResult } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';
import { pjsRegistryFor } from '../../helpers/pjs-metadata.js';

let k: DevKeys;
beforeAll(async () => {
  k = await devKeys();
});
checkInvariantsAfterEach();

/** A signed transfer's weight: the base extrinsic weight plus the transfer's measured weight (src/pallets/balances/weights.ts). */
const TRANSFER_WEIGHT = CHAIN_RUNTIME_SPEC.fees.baseExtrinsicWeight + weightOf(BALANCES_WEIGHTS.calls.transferAllowDeath);
/** The fee this chain charges for a signed transfer of `len` bytes: weight / 10 (each part rounded up) + 1e6 per byte + tip. */
const transferFee = (len: number, tip = 0n) => (CHAIN_RUNTIME_SPEC.fees.baseExtrinsicWeight + 9n) / 10n + (weightOf(BALANCES_WEIGHTS.calls.transferAllowDeath) + 9n) / 10n + BigInt(len) * 1_000_000n + tip;

function applied(r: ApplyResult) {
  if (!r.ok) throw new Error(`expected the extrinsic to be applied, got ${r.error.kind} ${r.error.reason}: ${r.error.message}`);
  return r.applied;
}

/** Keys whose resulting values differ between two change sets made on the same parent state. */
function differingKeys(parent: StateReader, a: readonly StateChange[], b: readonly StateChange[]): string[] {
  const ma = new Map(a.map(([k, v]) => [toHexRaw(k), v && toHexRaw(v)]));
  const mb = new Map(b.map(([k, v]) => [toHexRaw(k), v && toHexRaw(v)]));
  const after = (m: Map<string, string | null>, key: string) => {
    if (m.has(key)) return m.get(key) ?? undefined;
    const v = parent.get(fromHex(key));
    return v && toHexRaw(v);
  };
  const all = new Set([...ma.keys(), ...mb.keys()]);
  return [...all].filter((x) => after(ma, x) !== after(mb, x)).sort();
}

describe('a transfer and its fee', () => {
  it('moves the balance, bumps the nonce, pays the treasury 80 % and the author 20 % + tip; issuance is conserved', async () => {
    const c = await TestChain.create(k);
    const issuance = c.issuance();
    const [alice, bob, charlie] = [k.alice.publicKey, k.bob.publicKey, k.charlie.publicKey];
    const before = { alice: c.free(alice), bob: c.free(bob), charlie: c.free(charlie), treasury: c.free(TREASURY_ACCOUNT) };
    const tip = 1_234_567n;
    const xt = c.sign(k.alice, c.transferCall(bob, 3n * XFG), { tip });
    const { results } = c.produce([xt]);
    const a = applied(results[0]);
    const fee = transferFee(xt.length, tip);
    expect(a.fee).toBe(fee);
    expect(a.dispatch).toEqual({ ok: true });
    expect(a.hash).toEqual(blake2_256(xt));
    // The fee is what the fee query predicts for the same bytes (the tip is not part of it).
    expect(c.runtime.queryFee(xt).partialFee + tip).toBe(fee);
    const toTreasury = ((fee - tip) * 8_000n) / 10_000n;
    const toAuthor = fee - toTreasury;
    expect(toAuthor).toBe(fee - tip - toTreasury + tip);
    expect(c.free(alice)).toBe(before.alice - 3n * XFG - fee);
    expect(c.free(bob)).toBe(before.bob + 3n * XFG);
    expect(c.free(TREASURY_ACCOUNT)).toBe(before.treasury + toTreasury);
    expect(c.free(charlie)).toBe(before.charlie + toAuthor);
    expect(c.nonce(alice)).toBe(1);
    expect(c.issuance()).toBe(issuance);
    // Events, in order, all in the extrinsic's phase.
    const ev = eventsOf(c.events(), 1);
    expect(eventNames(ev)).toEqual(['Balances.Withdraw', 'Balances.Transfer', 'Balances.Deposit', 'Balances.Deposit', 'TransactionPayment.TransactionFeePaid', 'System.ExtrinsicSuccess']);
    expect(ev[0].event.value.value).toEqual({ who: alice, amount: fee });
    expect(ev[1].event.value.value).toEqual({ from: alice, to: bob, amount: 3n * XFG });
    expect(ev[2].event.value.value).toEqual({ who: TREASURY_ACCOUNT, amount: toTreasury });
    expect(ev[3].event.value.value).toEqual({ who: charlie, amount: toAuthor });
    expect(ev[4].event.value.value).toEqual({ who: alice, actualFee: fee, tip });
    expect(ev[5].event.value.value).toEqual({ dispatchInfo: { weight: { refTime: TRANSFER_WEIGHT, proofSize: 0n }, class: { tag: 'Normal' }, paysFee: { tag: 'Yes' } } });
    expect(eventNames(eventsOf(c.events(), 0))).toEqual(['System.ExtrinsicSuccess']);
    expect(SystemStorage.EventCount.get(c.state)).toBe(7);
  });

  it('a block without an author digest sends the whole fee, tip included, to the treasury', async () => {
    const c = await TestChain.create(k);
    const treasury = c.free(TREASURY_ACCOUNT);
    const xt = c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG), { tip: 99n });
    const { results } = c.produce([xt], { author: null });
    expect(c.free(TREASURY_ACCOUNT)).toBe(treasury + applied(results[0]).fee);
    expect(c.free(k.charlie.publicKey)).toBe(10n * XFG);
  });

  it('shares that cannot create the treasury or author account (below ED) are burnt: issuance falls by exactly them', async () => {
    const [alice, bob] = [k.alice.publicKey, k.bob.publicKey];
    const c = await TestChain.create(k, { balances: [[alice, 100n * XFG], [bob, 100n * XFG]], author: k.dave.publicKey });
    const issuance = c.issuance();
    const xt = c.sign(k.alice, c.transferCall(bob, XFG));
    const fee = applied(c.produce([xt]).results[0]).fee;
    expect(fee).toBeLessThan(CHAIN_RUNTIME_SPEC.existentialDeposit);
    expect(c.account(TREASURY_ACCOUNT).providers).toBe(0);
    expect(c.account(k.dave.publicKey).providers).toBe(0);
    expect(c.issuance()).toBe(issuance - fee);
    expect(c.free(alice)).toBe(99n * XFG - fee);
  });

  it('an ed25519 signer is accepted like an sr25519 one', async () => {
    const c = await TestChain.create(k, { balances: [[k.edward.publicKey, 10n * XFG], [k.alice.publicKey, XFG]] });
    const { results } = c.produce([c.sign(k.edward, c.transferCall(k.alice.publicKey, XFG))]);
    expect(applied(results[0]).dispatch).toEqual({ ok: true });
    expect(c.free(k.alice.publicKey)).toBe(2n * XFG);
    expect(c.nonce(k.edward.publicKey)).toBe(1);
  });

  it('a transaction signed by @polkadot/types (metadata from our codecs) executes, and pjs decodes the events', async () => {
    const c = await TestChain.create(k);
    const { registry } = pjsRegistryFor(c.runtime);
    const ext = registry.createType('Extrinsic', registry.createType('Call', c.transferCall(k.bob.publicKey, 5n * XFG, 'transferKeepAlive')), { version: 4 });
    ext.sign(k.alice, {
      blockHash: toHex(c.genesisHash),
      genesisHash: toHex(c.genesisHash),
      nonce: 0,
      tip: 7,
      era: registry.createType('ExtrinsicEra', '0x00'),
      runtimeVersion: { specVersion: c.runtime.version.specVersion, transactionVersion: c.runtime.version.transactionVersion } as never,
      signedExtensions: registry.signedExtensions,
    });
    const { results } = c.produce([ext.toU8a()]);
    expect(applied(results[0]).dispatch).toEqual({ ok: true });
    expect(c.free(k.bob.publicKey)).toBe(1_005n * XFG);
    const records = registry.createType('Vec<EventRecord>', c.trie.get(SystemStorage.Events.key)) as unknown as Array<{ event: { section: string; method: string } }>;
    expect(records.map((r) => `${r.event.section}.${r.event.method}`)).toEqual([
      'system.ExtrinsicSuccess',
      'balances.Withdraw',
      'balances.Transfer',
      'balances.Deposit',
      'balances.Deposit',
      'transactionPayment.TransactionFeePaid',
      'system.ExtrinsicSuccess',
    ]);
  });
});

describe('a failing call is included', () => {
  it('transfer above the balance: ExtrinsicFailed(Module {index 2, error [2,0,0,0]}), only fee and nonce change', async () => {
    const c = await TestChain.create(k);
    const alice = k.alice.publicKey;
    const before = c.account(alice);
    const xt = c.sign(k.alice, c.transferCall(k.bob.publicKey, 2_000n * XFG));
    const time = c.timeOf(c.nextNumber);
    // The same block twice on the same parent: once with the failing transfer, once empty.
    const withXt = c.begin({ timestamp: time });
    const r = withXt.exec.applyExtrinsic(xt, { enforceLimits: true });
    const sealed = c.seal(withXt);
    const empty = c.seal(c.begin({ timestamp: time }));
    const a = applied(r);
    const moduleError = { tag: 'Module', value: { index: 2, error: new Uint8Array([2, 0, 0, 0]) } };
    expect(a.dispatch.ok).toBe(false);
    expect(!a.dispatch.ok && a.dispatch.error).toEqual(moduleError);
    expect(sealed.extrinsics).toHaveLength(2);
    // Only the sender's, the treasury's and the author's accounts and the events differ from the empty block.
    const accountKey = (who: Uint8Array) => toHexRaw(SystemStorage.Account.keyOf(who));
    expect(differingKeys(c.state, sealed.changes, empty.changes)).toEqual(
      [accountKey(alice), accountKey(TREASURY_ACCOUNT), accountKey(k.charlie.publicKey), toHexRaw(SystemStorage.Events.key), toHexRaw(SystemStorage.EventCount.key)].sort(),
    );
    c.commit(sealed);
    expect(c.account(alice)).toEqual({ ...before, nonce: 1, data: { ...before.data, free: before.data.free - a.fee } });
    expect(c.free(k.bob.publicKey)).toBe(1_000n * XFG);
    const ev = eventsOf(c.events(), 1);
    // No Transfer: the call's layer was rolled back; fee events stay.
    expect(eventNames(ev)).toEqual(['Balances.Withdraw', 'Balances.Deposit', 'Balances.Deposit', 'TransactionPayment.TransactionFeePaid', 'System.ExtrinsicFailed']);
    expect(ev[4].event.value.value).toEqual({ dispatchError: moduleError, dispatchInfo: { weight: { refTime: TRANSFER_WEIGHT, proofSize: 0n }, class: { tag: 'Normal' }, paysFee: { tag: 'Yes' } } });
    // A wallet reading System.Events resolves the error to Balances.InsufficientBalance.
    const { registry } = pjsRegistryFor(c.runtime);
    const records = registry.createType('Vec<EventRecord>', c.trie.get(SystemStorage.Events.key)) as unknown as Array<{ event: { method: string; data: unknown[] } }>;
    const failed = records[records.length - 1].event;
    expect(failed.method).toBe('ExtrinsicFailed');
    const meta = registry.findMetaError((failed.data[0] as { asModule: never }).asModule);
    expect(`${meta.section}.${meta.name}`).toBe('balances.InsufficientBalance');
  });

  it('BlockExecution.transactional rolls back the state and the events of a failed dispatch', async () => {
    const c = await TestChain.create(k);
    const block = c.begin();
    const { exec } = block;
    expect(() =>
      exec.transactional(() => {
        exec.state.set(new Uint8Array([9, 9]), new Uint8Array([1]));
        exec.deposit({ tag: 'System', value: { tag: 'CodeUpdated' } });
        throw new DispatchFailure({ tag: 'Other' });
      }),
    ).toThrow(DispatchFailure);
    exec.transactional(() => exec.deposit({ tag: 'System', value: { tag: 'CodeUpdated' } }));
    const sealed = c.seal(block);
    expect(sealed.changes.some(([key]) => toHexRaw(key) === '0909')).toBe(false);
    expect(eventNames(sealed.events)).toEqual(['System.ExtrinsicSuccess', 'System.CodeUpdated']);
  });
});

describe('block limits', () => {
  /** A runtime whose normal class holds exactly two transfers' weight (half of a block of four: the hooks fit beside). */
  const smallRuntime = () => createChainRuntime({ ...CHAIN_RUNTIME_SPEC, limits: { ...CHAIN_RUNTIME_SPEC.limits, maxBlockRefTime: 4n * TRANSFER_WEIGHT, normalRatioBps: 5_000n } });

  it('the third transfer exhausts the block weight, is not included and changes nothing; it fits the next block', async () => {
    const c = await TestChain.create(k, { runtime: smallRuntime() });
    const xts = [0, 1, 2].map((n) => c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG), { nonce: n }));
    const block = c.begin();
    const r1 = block.exec.applyExtrinsic(xts[0], { enforceLimits: true });
    const r2 = block.exec.applyExtrinsic(xts[1], { enforceLimits: true });
    const snapshot = block.exec.state.changes();
    const r3 = block.exec.applyExtrinsic(xts[2], { enforceLimits: true });
    expect([r1.ok, r2.ok]).toEqual([true, true]);
    expect(r3).toMatchObject({ ok: false, error: { kind: 'invalid', reason: 'ExhaustsResources' } });
    expect(block.exec.state.changes()).toEqual(snapshot);
    const sealed = c.seal(block);
    c.commit(sealed);
    expect(sealed.extrinsics).toHaveLength(3);
    expect(c.nonce(k.alice.publicKey)).toBe(2);
    expect(applied(c.produce([xts[2]]).results[0]).dispatch).toEqual({ ok: true });
  });

  it('without enforceLimits the block limit is not applied (the per-extrinsic one still is)', async () => {
    const c = await TestChain.create(k, { runtime: smallRuntime() });
    const block = c.begin();
    const results = [0, 1, 2].map((n) => block.exec.applyExtrinsic(c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG), { nonce: n }), { enforceLimits: false }));
    expect(results.every((r) => r.ok)).toBe(true);
    c.commit(c.seal(block));
    const tiny = await TestChain.create(k, { runtime: createChainRuntime({ ...CHAIN_RUNTIME_SPEC, limits: { ...CHAIN_RUNTIME_SPEC.limits, maxBlockRefTime: TRANSFER_WEIGHT } }) });
    const r = tiny.produce([tiny.sign(k.alice, tiny.transferCall(k.bob.publicKey, XFG))]).results[0];
    expect(r).toMatchObject({ ok: false, error: { reason: 'ExhaustsResources', message: expect.stringMatching(/per-extrinsic/) } });
  });

  it('the block length limit: three 1 MiB remarks fit the normal share (3.75 MiB), the fourth does not', async () => {
    const c = await TestChain.create(k);
    const remark = new Uint8Array(1 << 20).fill(0x5a);
    const xts = [0, 1, 2, 3].map((n) => c.sign(k.alice, c.call('System', 'remark', { remark }), { nonce: n }));
    const { results, sealed } = c.produce(xts);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(results[3]).toMatchObject({ ok: false, error: { reason: 'ExhaustsResources', message: expect.stringMatching(/length/) } });
    expect(sealed.extrinsics).toHaveLength(4);
    // Each paid about 1 XFG of length fee (1e6 per byte).
    expect(1_000n * XFG - c.free(k.alice.publicKey)).toBeGreaterThan(3n * (1n << 20n) * 1_000_000n);
  });
});

describe('executeBlock', () => {
  /** Author two blocks with transfers on one chain; return the chain and the sealed blocks. */
  async function authored(): Promise<{ c: TestChain; blocks: SealedBlock[] }> {
    const c = await TestChain.create(k);
    const b1 = c.produce([c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG)), c.sign(k.bob, c.transferCall(k.dave.publicKey, 2n * XFG))]).sealed;
    const b2 = c.produce([c.sign(k.alice, c.transferCall(k.dave.publicKey, 2n * XFG, 'transferKeepAlive'), { tip: 5n }), c.sign(k.dave, c.transferCall(k.alice.publicKey, 3n * XFG))]).sealed;
    return { c, blocks: [b1, b2] };
  }

  it('re-executing authored blocks on a fresh replica reproduces the same headers and hashes', async () => {
    const { c, blocks } = await authored();
    const replica = await TestChain.create(k);
    expect(replica.genesisHash).toEqual(c.genesisHash);
    for (const b of blocks) {
      const sealed = replica.runtime.executeBlock(replica.trie, replica.trie, b.header, b.extrinsics, replica.checker);
      expect(HeaderCodec.encode(sealed.header)).toEqual(HeaderCodec.encode(b.header));
      expect(sealed.hash).toEqual(b.hash);
      expect(sealed.hash).toEqual(blake2_256(HeaderCodec.encode(b.header)));
      replica.commit(sealed);
    }
    expect(replica.trie.root).toEqual(c.trie.root);
    // Dave was created by a transfer and spent 3 XFG of his 4.
    expect(replica.free(k.dave.publicKey)).toBeGreaterThan(0n);
  });

  it('refuses a tampered state root, extrinsics root, extra or duplicated extrinsic, or a missing inherent — naming what differed', async () => {
    const { blocks } = await authored();
    const b = blocks[0];
    const replica = await TestChain.create(k);
    const root = replica.trie.root;
    const run = (header: SealedBlock['header'], xts: Uint8Array[]) => () => replica.runtime.executeBlock(replica.trie, replica.trie, header, xts, replica.checker);
    const flip = (x: Uint8Array) => {
      const y = x.slice();
      y[0] ^= 1;
      return y;
    };
    expect(run({ ...b.header, stateRoot: flip(b.header.stateRoot) }, b.extrinsics)).toThrow(BlockExecutionError);
    expect(run({ ...b.header, stateRoot: flip(b.header.stateRoot) }, b.extrinsics)).toThrow(/state root mismatch/);
    expect(run({ ...b.header, extrinsicsRoot: flip(b.header.extrinsicsRoot) }, b.extrinsics)).toThrow(/extrinsics root mismatch/);
    // An extra, valid transaction the header does not commit to.
    const extra = replica.sign(k.alice, replica.transferCall(k.eve.publicKey, XFG), { nonce: 1 });
    expect(run(b.header, [...b.extrinsics, extra])).toThrow(/extrinsics root mismatch/);
    // The same transaction twice: the copy is stale.
    expect(run(b.header, [...b.extrinsics, b.extrinsics[1]])).toThrow(/extrinsic 3 is invalid: Transaction is outdated/);
    // No timestamp inherent.
    expect(run(b.header, b.extrinsics.slice(1))).toThrow(/Timestamp must be updated once in the block/);
    // A different author in the digest pays the fees elsewhere: the state root differs.
    expect(run({ ...b.header, digest: { logs: [] } }, b.extrinsics)).toThrow(/state root mismatch/);
    // The replica's state is untouched by the failed attempts, and the genuine block still executes.
    expect(replica.trie.root).toEqual(root);
    replica.commit(run(b.header, b.extrinsics)());
    expect(replica.head.hash).toEqual(b.hash);
  });
});

describe('genesis', () => {
  it('writes balances, issuance, validators and :code; every genesis balance must reach the ED', async () => {
    const c = await TestChain.create(k);
    expect(c.issuance()).toBe(2_011n * XFG);
    expect(BalancesStorage.TotalIssuance.get(c.state)).toBe(2_011n * XFG);
    expect(c.account(k.alice.publicKey)).toEqual({ nonce: 0, consumers: 0, providers: 1, sufficients: 0, data: { free: 1_000n * XFG, reserved: 0n, frozen: 0n, flags: 0n } });
    expect(c.trie.get(new Uint8Array([0x3a, 0x63, 0x6f, 0x64, 0x65]))).toEqual(c.runtime.codeBlob());
    expect(TimestampStorage.Now.get(c.state)).toBe(0n);
    const rt = createChainRuntime();
    expect(() => rt.genesisChanges({ balances: { balances: [[k.alice.publicKey, 1n]] }, validatorSet: { validators: [{ account: k.alice.publicKey, sessionKey: k.alice.publicKey, peerId: new Uint8Array() }] } })).toThrow(/existential deposit/);
    expect(() => rt.genesisChanges({ balances: { balances: [] }, validatorSet: { validators: [] } })).toThrow(/at least one validator/);
  });
});
