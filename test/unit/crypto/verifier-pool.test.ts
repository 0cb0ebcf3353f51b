import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SignatureVerifier, SignatureVerifierError, type VerifyItem } from '../../../src/crypto/verifier-pool.js';
import { verifySignature, type SignatureScheme } from '../../../src/crypto/verify.js';
import { toHex, utf8 } from '../../../src/primitives/bytes.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { GROUP_ORDER_LE, devPair, flip, withS } from './fixtures.js';

const NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve'];

/** The id the node would use: the hash of everything that was signed and the signature. */
function idOf(scheme: string, message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): string {
  return toHex(blake2_256(new Uint8Array([...utf8(scheme), ...message, ...signature, ...publicKey])));
}

function item(scheme: SignatureScheme, message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): VerifyItem {
  return { id: idOf(scheme, message, signature, publicKey), scheme, message, signature, publicKey };
}

/** `n` signed items over both schemes, every tenth one tampered in a rotating way. */
function mixedBatch(n: number, salt: string): VerifyItem[] {
  const out: VerifyItem[] = [];
  for (let i = 0; i < n; i++) {
    const scheme: SignatureScheme = i % 2 === 0 ? 'sr25519' : 'ed25519';
    const pair = devPair(scheme, NAMES[i % NAMES.length]);
    const message = utf8(`${salt} extrinsic #${i}`);
    let signature = pair.sign(message);
    let publicKey = pair.publicKey;
    let msg = message;
    if (i % 10 === 3) {
      switch ((i / 10) % 4 | 0) {
        case 0:
          msg = flip(message, 0);
          break;
        case 1:
          signature = flip(signature, 10);
          break;
        case 2:
          publicKey = devPair(scheme, NAMES[(i + 1) % NAMES.length]).publicKey;
          break;
        default:
          signature = signature.subarray(0, 60);
      }
    }
    out.push(item(scheme, msg, signature, publicKey));
  }
  return out;
}

/** Malformed inputs that make schnorrkel-wasm trap if they reach it unchecked. */
function malformedItems(): VerifyItem[] {
  const m = utf8('malformed');
  const out: VerifyItem[] = [];
  for (const scheme of ['sr25519', 'ed25519'] as const) {
    const pair = devPair(scheme, 'Alice');
    const sig = pair.sign(m);
    const variants: Array<[Uint8Array, Uint8Array]> = [
      [sig.subarray(0, 63), pair.publicKey],
      [new Uint8Array([...sig, 1]), pair.publicKey],
      [flip(sig, 63, 0x80), pair.publicKey], // marker bit cleared
      [withS(sig, GROUP_ORDER_LE), pair.publicKey], // non-canonical s
      [new Uint8Array(64).fill(0xff), pair.publicKey],
      [sig, new Uint8Array(32).fill(0xff)], // not a curve point
      [sig, pair.publicKey.subarray(0, 16)],
      [sig, new Uint8Array(32)],
      [sig, pair.publicKey], // and one good one
    ];
    for (const [s, p] of variants) out.push(item(scheme, m, s, p));
  }
  return out;
}

const verifiers: SignatureVerifier[] = [];
function make(...args: ConstructorParameters<typeof SignatureVerifier>): SignatureVerifier {
  const v = new SignatureVerifier(...args);
  verifiers.push(v);
  return v;
}

afterEach(async () => {
  await Promise.all(verifiers.splice(0).map((v) => v.close()));
});

let batch500: VerifyItem[];
let expected500: boolean[];
beforeAll(() => {
  batch500 = mixedBatch(500, 'pool');
  expected500 = batch500.map((x) => verifySignature(x.scheme, x.message, x.signature, x.publicKey));
});

describe('SignatureVerifier', () => {
  it('gives the same verdicts as synchronous verification on a mixed batch of 500 (10% tampered)', async () => {
    expect(expected500.filter((v) => !v)).toHaveLength(50);
    const v = make({ workers: 2 });
    expect(await v.verifyBatch(batch500)).toEqual(expected500);
    const s = v.stats;
    expect(s.verifiedInWorkers).toBe(500);
    expect(s.verifiedInline).toBe(0);
    expect(s.cacheHits).toBe(0);
  });

  it('agrees with synchronous verification on malformed input, in workers and inline', async () => {
    const items = malformedItems();
    const expected = items.map((x) => verifySignature(x.scheme, x.message, x.signature, x.publicKey));
    expect(expected.filter(Boolean)).toHaveLength(2); // only the two untouched signatures
    const pooled = make({ workers: 1, inlineBelow: 0 });
    expect(await pooled.verifyBatch(items)).toEqual(expected);
    expect(pooled.stats.verifiedInWorkers).toBe(items.length);
    const inline = make({ workers: 1, inlineBelow: 1000 });
    expect(await inline.verifyBatch(items)).toEqual(expected);
    expect(inline.stats.verifiedInline).toBe(items.length);
    // The worker survived all of it.
    expect(await pooled.verifyBatch(batch500.slice(0, 40))).toEqual(expected500.slice(0, 40));
  });

  it('offThread: a small batch goes to the workers (inline only without workers); verifySync counts what it verifies', async () => {
    const items = batch500.slice(0, 24);
    const v = make({ workers: 2 });
    expect(await v.verifyBatch(items, { offThread: true })).toEqual(expected500.slice(0, 24));
    expect(v.stats).toMatchObject({ verifiedInWorkers: 24, verifiedInline: 0 });
    expect(v.verifications).toBe(24);
    // Known verdicts cost nothing more; verifySync answers them too, and verifies (counted) what it does not know.
    expect(await v.verifyBatch([items[3]], { offThread: true })).toEqual([expected500[3]]);
    expect(v.verifySync(items[3])).toBe(expected500[3]);
    expect(v.verifySync(batch500[30])).toBe(expected500[30]);
    expect(v.stats).toMatchObject({ verifiedInWorkers: 24, verifiedInline: 1 });
    const none = make({ workers: 0 });
    expect(await none.verifyBatch([items[0]], { offThread: true })).toEqual([expected500[0]]);
    expect(none.stats).toMatchObject({ verifiedInWorkers: 0, verifiedInline: 1 });
  });

  it('answers repeated ids from the cache without verifying again', async () => {
    const v = make({ workers: 1 });
    const first = await v.verifyBatch(batch500.slice(0, 100));
    expect(v.stats.verifiedInWorkers).toBe(100);
    expect(await v.verifyBatch(batch500.slice(0, 100))).toEqual(first);
    expect(v.stats.cacheHits).toBe(100);
    expect(v.stats.verifiedInWorkers).toBe(100);
    for (let i = 0; i < 100; i++) expect(v.cached(batch500[i].id)).toBe(expected500[i]);
    expect(v.cached('0xunknown')).toBeUndefined();
    // A single verify of a cached id is a hit too.
    expect(await v.verify(batch500[3])).toBe(expected500[3]);
    expect(v.stats.cacheHits).toBe(101);
  });

  it('verifies a duplicated id once per batch and joins verifications in flight', async () => {
    const v = make({ workers: 2, inlineBelow: 0 });
    const part = batch500.slice(100, 150);
    const doubled = [...part, ...part];
    const [a, b] = await Promise.all([v.verifyBatch(doubled), v.verifyBatch(part)]);
    expect(a).toEqual([...expected500.slice(100, 150), ...expected500.slice(100, 150)]);
    expect(b).toEqual(expected500.slice(100, 150));
    expect(v.stats.verifiedInWorkers).toBe(50);
    expect(v.stats.inflightHits).toBe(50);
  });

  it('verifies small batches inline and everything inline with zero workers', async () => {
    const v = make({ workers: 2, inlineBelow: 16 });
    expect(await v.verifyBatch(batch500.slice(200, 210))).toEqual(expected500.slice(200, 210));
    expect(v.stats.verifiedInline).toBe(10);
    expect(v.stats.verifiedInWorkers).toBe(0);
    const none = make({ workers: 0 });
    expect(await none.verifyBatch(batch500.slice(0, 300))).toEqual(expected500.slice(0, 300));
    expect(none.stats.verifiedInline).toBe(300);
    expect(await none.verifyBatch([])).toEqual([]);
  });

  it('keeps the cache bounded', async () => {
    const v = make({ workers: 0, cacheSize: 10 });
    await v.verifyBatch(batch500.slice(0, 30));
    expect(v.cached(batch500[0].id)).toBeUndefined();
    expect(v.cached(batch500[29].id)).toBe(expected500[29]);
  });

  it('splits large batches into chunks across the workers', async () => {
    const v = make({ workers: 2, maxChunk: 64 });
    expect(await v.verifyBatch(batch500)).toEqual(expected500);
    expect(v.stats.verifiedInWorkers).toBe(500);
  });

  it('rejects the work of a crashed worker, then replaces it', async () => {
    const v = make({ workers: 1, inlineBelow: 0 });
    // The crash message is queued before the batch, so the worker dies holding the batch.
    v.simulateWorkerCrash(0);
    await expect(v.verifyBatch(batch500.slice(0, 50))).rejects.toBeInstanceOf(SignatureVerifierError);
    expect(v.stats.workerRestarts).toBe(1);
    for (let i = 0; i < 50; i++) expect(v.cached(batch500[i].id)).toBeUndefined();
    // The next batch runs on a new worker and the ids left in flight by the failure are verified afresh.
    expect(await v.verifyBatch(batch500.slice(0, 50))).toEqual(expected500.slice(0, 50));
    expect(v.stats.verifiedInWorkers).toBe(50);
  });

  it('close: rejects pending and later work, is idempotent, keeps the cache readable', async () => {
    const v = make({ workers: 1, inlineBelow: 0 });
    expect(await v.verifyBatch(batch500.slice(0, 20))).toEqual(expected500.slice(0, 20));
    // Attach the expectation before closing, so the rejection is never momentarily unhandled.
    const pending = expect(v.verifyBatch(batch500.slice(20, 520))).rejects.toBeInstanceOf(SignatureVerifierError);
    await v.close();
    await pending;
    await expect(v.verifyBatch(batch500.slice(0, 1))).rejects.toBeInstanceOf(SignatureVerifierError);
    await expect(v.verify(batch500[0])).rejects.toThrow(/closed/);
    await v.close();
    expect(v.cached(batch500[0].id)).toBe(expected500[0]);
    expect(v.stats.workerRestarts).toBe(0);
  });

  it('validates its options', () => {
    expect(() => new SignatureVerifier({ workers: -1 })).toThrow(RangeError);
    expect(() => new SignatureVerifier({ cacheSize: 0 })).toThrow(RangeError);
    expect(() => new SignatureVerifier({ maxChunk: 0 })).toThrow(RangeError);
    expect(new SignatureVerifier({ workers: 0 }).workerCount).toBe(0);
  });
});
