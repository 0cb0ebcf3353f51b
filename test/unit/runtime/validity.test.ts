/**
 * The signed-extension checks, each giving Substrate's exact validity error, in a block and in the pool
 * (`validateTransaction`); an invalid extrinsic is not included and leaves the block's state and events as
 * they were.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, toHexRaw } from '../../../src/primitives/bytes.js';
import { decodeExtrinsic, encodeSignedExtrinsic, encodeUnsignedExtrinsic } from '../../../src/primitives/extrinsic.js';
import { u32 } from '../../../src/primitives/scale/index.js';
import { mortalEra } from '../../../src/primitives/types.js';
import { CHAIN_RUNTIME_SPEC, createChainRuntime, XFG, DcnRuntime as Runtime } from '../../../src/chain/index.js';
import { MAX_FUTURE_NONCE_GAP } from '../../../src/runtime/runtime.js';
import type { InvalidReason, UnknownReason } from '../../../src/runtime/validity.js';
import { checkInvariantsAfterEach, TestChain } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';
import { flipSignatureBit, signExtrinsic } from '../../helpers/signer.js';
import { WEIGHTS as BALANCES_WEIGHTS } from '../../../src/pallets/balances/weights.js';
import { WEIGHTS as TIMESTAMP_WEIGHTS } from '../../../src/pallets/timestamp/weights.js';
import { weightOf } from '../../../src/runtime/weights.js';

let k: DevKeys;
beforeAll(async () => {
  k = await devKeys();
});
checkInvariantsAfterEach();

/**
 * Apply `xt` in a fresh block on `c` and expect it refused with `kind`/`reason`; the block's change set and
 * events must be exactly those of the same block without it.
 */
function expectRefused(c: TestChain, xt: Uint8Array, kind: 'invalid' | 'unknown', reason: InvalidReason | UnknownReason, opts: { number?: number } = {}): string {
  const block = c.begin(opts);
  const before = block.exec.state.changes();
  const r = block.exec.applyExtrinsic(xt, { enforceLimits: true });
  expect(r.ok).toBe(false);
  if (r.ok) return '';
  expect({ kind: r.error.kind, reason: r.error.reason }).toEqual({ kind, reason });
  expect(block.exec.state.changes()).toEqual(before);
  expect(block.exec.applied).toHaveLength(1);
  const sealed = c.seal(block);
  expect(sealed.events.map((e) => e.phase.tag === 'ApplyExtrinsic' && e.phase.value)).toEqual([0]);
  return r.error.message;
}

describe('signed extensions refuse with the exact InvalidTransaction reason', () => {
  it('bad signature → BadProof (any flipped bit of R or s, or a changed call byte)', async () => {
    const c = await TestChain.create(k);
    const call = c.transferCall(k.bob.publicKey, XFG);
    for (const bit of [0, 200, 300, 505]) expectRefused(c, c.sign(k.alice, call, { tamper: (s) => flipSignatureBit(s, bit) }), 'invalid', 'BadProof');
    const good = c.sign(k.alice, call);
    const forged = good.slice();
    forged[forged.length - 1] ^= 1; // the transfer amount
    expect(expectRefused(c, forged, 'invalid', 'BadProof')).toBe('Transaction has a bad signature');
    // A signature by someone else for the same address.
    expectRefused(c, c.sign(k.bob, call, { address: { tag: 'Id', value: k.alice.publicKey } }), 'invalid', 'BadProof');
    // An ecdsa signature is not accepted on this chain.
    expectRefused(c, c.sign(k.alice, call, { tamper: () => ({ tag: 'Ecdsa', value: new Uint8Array(65) }) }), 'invalid', 'BadProof');
    expect(c.checker.calls).toBeGreaterThan(5);
  });

  it('wrong genesis, spec version or transaction version → BadProof (they are signed, not sent)', async () => {
    const c = await TestChain.create(k);
    const call = c.transferCall(k.bob.publicKey, XFG);
    expectRefused(c, c.sign(k.alice, call, { genesisHash: new Uint8Array(32).fill(7) }), 'invalid', 'BadProof');
    expectRefused(c, c.sign(k.alice, call, { specVersion: c.runtime.version.specVersion + 1 }), 'invalid', 'BadProof');
    expectRefused(c, c.sign(k.alice, call, { transactionVersion: c.runtime.version.transactionVersion + 1 }), 'invalid', 'BadProof');
    // A mortal transaction signed over another block hash than its birth block's.
    c.produceEmpty(3);
    expectRefused(c, c.sign(k.alice, call, { era: mortalEra(64, 2), eraBlockHash: c.hashes[1] }), 'invalid', 'BadProof');
  });

  it('the signature verdict key binds the extrinsic and the runtime versions it is checked under', async () => {
    const c = await TestChain.create(k);
    c.produceEmpty(1);
    const xt = decodeExtrinsic(c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG)));
    const v = c.runtime.version;
    const job = c.runtime.signatureJob(c.state, xt, c.nextNumber);
    expect(job.id).toBe(`${toHexRaw(xt.hash)}/${v.specVersion}/${v.transactionVersion}`);
    expect(c.runtime.signatureJob(c.state, xt, c.nextNumber).id).toBe(job.id);
    const upgraded = c.runtime.signatureJob(c.state, xt, c.nextNumber, { specVersion: v.specVersion + 1, transactionVersion: v.transactionVersion });
    expect(upgraded.id).not.toBe(job.id);
    expect(upgraded.message).not.toEqual(job.message);
  });

  it('stale nonce → Stale, future nonce in a block → Future', async () => {
    const c = await TestChain.create(k);
    const call = c.transferCall(k.bob.publicKey, XFG);
    c.produce([c.sign(k.alice, call)]);
    expect(c.nonce(k.alice.publicKey)).toBe(1);
    expect(expectRefused(c, c.sign(k.alice, call, { nonce: 0 }), 'invalid', 'Stale')).toMatch(/nonce 0 is below the account nonce 1/);
    expect(expectRefused(c, c.sign(k.alice, call, { nonce: 2 }), 'invalid', 'Future')).toMatch(/nonce 2 is above the account nonce 1/);
  });

  it('unknown or pruned era birth block → AncientBirthBlock; a known one is accepted', async () => {
    const c = await TestChain.create(k);
    c.produceEmpty(5);
    const call = c.transferCall(k.bob.publicKey, XFG);
    // Signed at block 3 of period 64: born at 3, whose hash is known.
    const ok = c.produce([c.sign(k.alice, call, { era: mortalEra(64, 3) })]).results[0];
    expect(ok.ok).toBe(true);
    // Phase 40 with current block 7: born at 40, in the future.
    expectRefused(c, c.sign(k.alice, call, { era: { tag: 'Mortal', period: 64, phase: 40 }, eraBlockHash: new Uint8Array(32) }), 'invalid', 'AncientBirthBlock');
    // Born at the current block itself: its hash does not exist yet.
    expectRefused(c, c.sign(k.alice, call, { era: mortalEra(64, c.nextNumber), eraBlockHash: new Uint8Array(32) }), 'invalid', 'AncientBirthBlock');
    // Block 2,402 (the runtime takes the number from the header; the chain checks it follows the parent) forgets
    // BlockHash(2402 − 1 − 2400 = 1) on initialization: a period-4096 era born at block 1 is then ancient, one born
    // at block 2 is still known.
    const far = { number: 2_402 };
    expectRefused(c, c.sign(k.alice, call, { era: { tag: 'Mortal', period: 4096, phase: 1 }, eraBlockHash: c.hashes[1] }), 'invalid', 'AncientBirthBlock', far);
    const block = c.begin(far);
    const r = block.exec.applyExtrinsic(c.sign(k.alice, call, { era: { tag: 'Mortal', period: 4096, phase: 2 }, eraBlockHash: c.hashes[2] }), { enforceLimits: true });
    expect(r.ok).toBe(true);
    c.seal(block);
  });

  it('balance too low for the fee → Payment (no account, or a balance the fee would take below the ED)', async () => {
    const c = await TestChain.create(k, { balances: [[k.alice.publicKey, 100n * XFG], [k.eve.publicKey, XFG / 100n + 1_000n]] });
    const call = c.transferCall(k.alice.publicKey, 1n);
    expect(expectRefused(c, c.sign(k.dave, call), 'invalid', 'Payment')).toMatch(/Inability to pay some fees/);
    expectRefused(c, c.sign(k.eve, call), 'invalid', 'Payment');
    // The tip counts.
    expectRefused(c, c.sign(k.alice, call, { tip: 100n * XFG }), 'invalid', 'Payment');
  });

  it('oversized → ExhaustsResources (a remark longer than the normal share of the block length)', async () => {
    const c = await TestChain.create(k);
    const remark = new Uint8Array(4_000_000);
    expect(expectRefused(c, c.sign(k.alice, c.call('System', 'remark', { remark })), 'invalid', 'ExhaustsResources')).toMatch(/per-extrinsic limit/);
  });

  it('unsigned calls other than the timestamp inherent → NoUnsignedValidator', async () => {
    const c = await TestChain.create(k);
    expectRefused(c, encodeUnsignedExtrinsic(c.transferCall(k.bob.publicKey, XFG)), 'unknown', 'NoUnsignedValidator');
    expectRefused(c, encodeUnsignedExtrinsic(c.call('System', 'remark', { remark: new Uint8Array(3) })), 'unknown', 'NoUnsignedValidator');
  });

  it('undecodable envelopes and calls → Call; a signed inherent → MandatoryValidation; zero signer → BadSigner; non-Id address → CannotLookup', async () => {
    const c = await TestChain.create(k);
    expectRefused(c, new Uint8Array([8, 0x84, 1]), 'invalid', 'Call');
    // A well-signed extrinsic whose call does not decode (pallet 9 does not exist).
    expectRefused(c, c.sign(k.alice, new Uint8Array([9, 0, 1, 2])), 'invalid', 'Call');
    expectRefused(c, c.sign(k.alice, c.call('Timestamp', 'set', { now: 1n })), 'invalid', 'MandatoryValidation');
    expectRefused(c, c.sign(k.alice, c.transferCall(k.bob.publicKey, 1n), { address: { tag: 'Id', value: new Uint8Array(32) } }), 'invalid', 'BadSigner');
    expectRefused(c, c.sign(k.alice, c.transferCall(k.bob.publicKey, 1n), { address: { tag: 'Raw', value: k.alice.publicKey } }), 'unknown', 'CannotLookup');
  });

  it('a valid transaction after refused ones still applies: nothing was half-done', async () => {
    const c = await TestChain.create(k);
    const call = c.transferCall(k.bob.publicKey, XFG);
    const block = c.begin();
    for (const bad of [c.sign(k.alice, call, { nonce: 5 }), c.sign(k.alice, call, { tamper: (s) => flipSignatureBit(s, 9) }), c.sign(k.dave, call)]) {
      expect(block.exec.applyExtrinsic(bad, { enforceLimits: true }).ok).toBe(false);
    }
    const r = block.exec.applyExtrinsic(c.sign(k.alice, call), { enforceLimits: true });
    expect(r.ok && r.applied.index).toBe(1);
    c.commit(c.seal(block));
    expect(c.nonce(k.alice.publicKey)).toBe(1);
    expect(c.free(k.bob.publicKey)).toBe(1_001n * XFG);
  });
});

describe('validateTransaction (the pool’s view)', () => {
  it('valid: priority = tip, provides sender‖nonce, requires the previous nonce when ahead, longevity from the era', async () => {
    const c = await TestChain.create(k);
    c.produceEmpty(2);
    const best = { number: c.head.header.number, hash: c.head.hash };
    const call = c.transferCall(k.bob.publicKey, XFG);
    const tag = (n: number) => concatBytes(k.alice.publicKey, u32.encode(n));
    const now = c.runtime.validateTransaction(c.state, c.sign(k.alice, call, { tip: 42n }), best, c.checker);
    expect(now).toEqual({ ok: true, sender: k.alice.publicKey, nonce: 0, valid: { priority: 42n, requires: [], provides: [tag(0)], longevity: (1n << 64n) - 1n, propagate: true } });
    const ahead = c.runtime.validateTransaction(c.state, c.sign(k.alice, call, { nonce: 3 }), best, c.checker);
    expect(ahead).toMatchObject({ ok: true, nonce: 3, valid: { requires: [tag(2)], provides: [tag(3)] } });
    // Mortal, signed at the best block (2) with period 8: dies at 10, validated for block 3 → longevity 7.
    const mortal = c.runtime.validateTransaction(c.state, c.sign(k.alice, call, { era: mortalEra(8, 2), eraBlockHash: c.head.hash }), best, c.checker);
    expect(mortal).toMatchObject({ ok: true, valid: { longevity: 7n } });
  });

  it('refused: too far in the future, stale, bad proof, undecodable, unsigned', async () => {
    const c = await TestChain.create(k);
    c.produce([c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG))]);
    const best = { number: c.head.header.number, hash: c.head.hash };
    const call = c.transferCall(k.bob.publicKey, XFG);
    const v = (xt: Uint8Array) => c.runtime.validateTransaction(c.state, xt, best, c.checker);
    expect(v(c.sign(k.alice, call, { nonce: 1 + MAX_FUTURE_NONCE_GAP })).ok).toBe(true);
    expect(v(c.sign(k.alice, call, { nonce: 2 + MAX_FUTURE_NONCE_GAP }))).toMatchObject({ ok: false, kind: 'invalid', reason: 'Future' });
    expect(v(c.sign(k.alice, call, { nonce: 0 }))).toMatchObject({ ok: false, kind: 'invalid', reason: 'Stale', message: expect.stringMatching(/^Transaction is outdated/) });
    expect(v(c.sign(k.alice, call, { tamper: (s) => flipSignatureBit(s, 1) }))).toMatchObject({ ok: false, kind: 'invalid', reason: 'BadProof' });
    expect(v(new Uint8Array([1, 2, 3]))).toMatchObject({ ok: false, kind: 'invalid', reason: 'Call' });
    expect(v(encodeUnsignedExtrinsic(call))).toMatchObject({ ok: false, kind: 'unknown', reason: 'NoUnsignedValidator' });
    // The pool's view does not change the state it validates against.
    expect(c.nonce(k.alice.publicKey)).toBe(1);
  });

  it('a transaction signed by us with the helper and by hand encode identically', async () => {
    const c = await TestChain.create(k);
    const call = c.transferCall(k.bob.publicKey, XFG);
    const viaChain = c.sign(k.edward, call, { nonce: 4, tip: 3n });
    const xt = signExtrinsic(k.edward, call, { nonce: 4, tip: 3n, specVersion: c.runtime.version.specVersion, transactionVersion: c.runtime.version.transactionVersion, genesisHash: c.genesisHash, eraBlockHash: c.genesisHash });
    // ed25519 signatures are deterministic: the same inputs give the same bytes.
    expect(viaChain).toEqual(xt);
    expect(encodeSignedExtrinsic).toBeTypeOf('function');
  });
});

describe('ExhaustsResources: what no block could hold is refused at the door (issue 9: block stuffing)', () => {
  const { maxBlockLength, normalRatioBps } = CHAIN_RUNTIME_SPEC.limits;
  /** The Normal class's share of the block length: 3,932,160 bytes. */
  const NORMAL_LENGTH = Number((BigInt(maxBlockLength) * normalRatioBps) / 10_000n);

  /** Alice's signed `System.remark` whose whole extrinsic (length prefix included) is exactly `total` bytes. */
  function remarkOfLength(c: TestChain, total: number, o: { nonce?: number; tip?: bigint } = {}): Uint8Array {
    const probe = c.sign(k.alice, c.call('System', 'remark', { remark: new Uint8Array(total - 200) }), o);
    const xt = c.sign(k.alice, c.call('System', 'remark', { remark: new Uint8Array(total - 200 + total - probe.length).fill(0x61) }), o);
    expect(xt.length).toBe(total);
    return xt;
  }

  it('the largest remark that fits beside the timestamp inherent is valid and fills a block; one byte more (and the 3,932,152-byte one of the report) is refused', async () => {
    const c = await TestChain.create(k);
    c.produceEmpty(1);
    const best = { number: c.head.header.number, hash: c.head.hash };
    // The next block's inherent: Compact<len> ‖ 0x04 ‖ pallet ‖ call ‖ Compact<u64> of a time around 1.7e12 ms (6 bytes).
    const inherent = c.runtime.timestampInherent(c.timeOf(c.nextNumber)).length;
    expect(inherent).toBe(11);
    const largest = NORMAL_LENGTH - inherent;
    const v = (xt: Uint8Array) => c.runtime.validateTransaction(c.state, xt, best, c.checker);
    expect(v(remarkOfLength(c, largest))).toMatchObject({ ok: true });
    for (const len of [largest + 1, 3_932_152, NORMAL_LENGTH]) {
      const r = v(remarkOfLength(c, len));
      expect(r).toMatchObject({ ok: false, kind: 'invalid', reason: 'ExhaustsResources' });
      if (!r.ok) {
        expect(r.message).toBe(
          `Transaction would exhaust the block limits: length ${len} exceeds ${largest}, the most a Normal extrinsic can take (${NORMAL_LENGTH}, 75% of the ${maxBlockLength}-byte block, less ${inherent} for the block's inherents): it could never be included in a block`,
        );
      }
    }
    // The largest goes into the next block, which is then exactly full.
    const { results, sealed } = c.produce([remarkOfLength(c, largest)]);
    expect(results[0]).toMatchObject({ ok: true });
    expect(sealed.extrinsics.reduce((n, x) => n + x.length, 0)).toBe(NORMAL_LENGTH);
  });

  it('in a block: one that does not fit beside the inherents is flagged exceedsEmptyBlock; one that only lacks the space left is not', async () => {
    const c = await TestChain.create(k);
    c.produceEmpty(1);
    const largest = NORMAL_LENGTH - c.runtime.timestampInherent(c.timeOf(c.nextNumber)).length;
    const block = c.begin();
    const tooBig = block.exec.applyExtrinsic(remarkOfLength(c, largest + 1), { enforceLimits: true });
    expect(tooBig).toMatchObject({ ok: false, exceedsEmptyBlock: true, error: { kind: 'invalid', reason: 'ExhaustsResources', message: expect.stringMatching(/could never be included/) } });
    const half = block.exec.applyExtrinsic(remarkOfLength(c, Math.floor(largest / 2)), { enforceLimits: true });
    expect(half.ok).toBe(true);
    const rest = block.exec.applyExtrinsic(remarkOfLength(c, largest - Math.floor(largest / 2) + 1, { nonce: 1 }), { enforceLimits: true });
    expect(rest).toMatchObject({ ok: false, error: { reason: 'ExhaustsResources', message: expect.stringMatching(/block length limit reached/) } });
    expect(rest.ok === false && rest.exceedsEmptyBlock).toBeUndefined();
    c.commit(c.seal(block));
  });

  it('weight: a call whose weight exceeds the Normal class maximum is refused at submission; one at the maximum is valid', async () => {
    // A runtime whose normal class holds 75 % of 4/3 of a transfer's weight T (base + measured transfer): exactly one.
    const transferWeight = (rt: Runtime, c: TestChain) => rt.queryFee(c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG))).weight;
    const T = CHAIN_RUNTIME_SPEC.fees.baseExtrinsicWeight + weightOf(BALANCES_WEIGHTS.calls.transferAllowDeath);
    const block = (T * 4n) / 3n;
    const roomy = await TestChain.create(k, { runtime: createChainRuntime({ ...CHAIN_RUNTIME_SPEC, limits: { ...CHAIN_RUNTIME_SPEC.limits, maxBlockRefTime: block + 4n } }) });
    expect(transferWeight(roomy.runtime, roomy)).toBe(T);
    const best = (c: TestChain) => ({ number: c.head.header.number, hash: c.head.hash });
    expect(roomy.runtime.validateTransaction(roomy.state, roomy.sign(k.alice, roomy.transferCall(k.bob.publicKey, XFG)), best(roomy), roomy.checker)).toMatchObject({ ok: true });
    // The largest block whose normal share (floor(75 %)) is one ps short of T.
    let tightMax = block + 4n;
    while ((tightMax * 7_500n) / 10_000n >= T) tightMax--;
    const tight = await TestChain.create(k, { runtime: createChainRuntime({ ...CHAIN_RUNTIME_SPEC, limits: { ...CHAIN_RUNTIME_SPEC.limits, maxBlockRefTime: tightMax } }) });
    const r = tight.runtime.validateTransaction(tight.state, tight.sign(k.alice, tight.transferCall(k.bob.publicKey, XFG)), best(tight), tight.checker);
    expect(r).toMatchObject({ ok: false, kind: 'invalid', reason: 'ExhaustsResources' });
    const normal = (tightMax * 7_500n) / 10_000n;
    if (!r.ok) expect(r.message).toContain(`weight ${T} exceeds ${normal}, the most a Normal extrinsic can take (${normal} ps, 75% of the ${tightMax} ps block): it could never be included in a block`);
  });

  it('per dispatch class: Normal gets its share less the inherents; Operational the whole block less the inherents (length and weight)', async () => {
    const c = await TestChain.create(k);
    const ts = weightOf(TIMESTAMP_WEIGHTS.calls.set);
    const overhead = { length: 11, weight: ts };
    const rt = c.runtime;
    const W = CHAIN_RUNTIME_SPEC.limits.maxBlockRefTime;
    expect(rt.exceedsEmptyBlock('Normal', 1n, NORMAL_LENGTH - 11, overhead)).toBeUndefined();
    expect(rt.exceedsEmptyBlock('Normal', 1n, NORMAL_LENGTH - 10, overhead)).toMatch(/^length/);
    // Mandatory weight does not count against the Normal class's weight.
    expect(rt.exceedsEmptyBlock('Normal', (W * 3n) / 4n, 100, overhead)).toBeUndefined();
    expect(rt.exceedsEmptyBlock('Normal', (W * 3n) / 4n + 1n, 100, overhead)).toMatch(/^weight/);
    expect(rt.exceedsEmptyBlock('Operational', 1n, maxBlockLength - 11, overhead)).toBeUndefined();
    expect(rt.exceedsEmptyBlock('Operational', 1n, maxBlockLength - 10, overhead)).toMatch(/^length/);
    expect(rt.exceedsEmptyBlock('Operational', W - ts, 100, overhead)).toBeUndefined();
    expect(rt.exceedsEmptyBlock('Operational', W - ts + 1n, 100, overhead)).toMatch(new RegExp(`less ${ts} for the block's inherents`));
    // The next block's overhead comes from the state: at genesis (time 0) the inherent is shorter than later.
    expect(rt.nextBlockOverhead(c.state)).toEqual({ length: 5, weight: ts });
    c.produceEmpty(1);
    expect(rt.nextBlockOverhead(c.state)).toEqual({ length: 11, weight: ts });
  });
});
