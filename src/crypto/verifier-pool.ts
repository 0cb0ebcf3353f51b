/**
 * Batch signature verification on worker threads, with a verdict cache keyed by an id chosen by the caller
 * (the extrinsic hash in hex), so each transaction's signature is checked once per node however often it arrives.
 *
 * The worker is started from a JavaScript source string (`eval: true`) that loads the CommonJS builds of the
 * crypto packages by absolute path. No `.ts` worker file is involved, so the pool runs the same under vitest/tsx
 * (TypeScript sources) and from the compiled `dist/`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { LruCache } from './lru.js';
import { CRYPTO_MODULE_PATHS, verifySignature, type SignatureScheme } from './verify.js';

/** One signature to check. */
export interface VerifyItem {
  /** Cache key: must identify message, signature and key together (the extrinsic hash as hex does). */
  id: string;
  /** The scheme. */
  scheme: SignatureScheme;
  /** The signed bytes. */
  message: Uint8Array;
  /** The signature (64 bytes for both schemes). */
  signature: Uint8Array;
  /** The 32-byte public key. */
  publicKey: Uint8Array;
}

/** Options of {@link SignatureVerifier}. */
export interface SignatureVerifierOptions {
  /** Worker threads, 0..=64; 0 verifies everything inline. Default `min(2, availableParallelism())`. */
  workers?: number;
  /** Verdicts kept, ≥ 1. Default 200,000 (about 30 MB). */
  cacheSize?: number;
  /** Batches with fewer uncached items than this (0..=2^31) verify inline on the calling thread. Default 16. */
  inlineBelow?: number;
  /** Largest number of items (1..=2^31) sent to a worker in one message. Default 1024. */
  maxChunk?: number;
}

/** Counters of a {@link SignatureVerifier} (each ≤ 2^53). */
export interface SignatureVerifierStats {
  /** Items answered from the verdict cache. */
  cacheHits: number;
  /** Items that joined a verification already in flight for the same id. */
  inflightHits: number;
  /** Items verified on the calling thread. */
  verifiedInline: number;
  /** Items verified on workers. */
  verifiedInWorkers: number;
  /** Workers replaced after a crash. */
  workerRestarts: number;
}

/** Options of one {@link SignatureVerifier.verifyBatch} call. */
export interface VerifyBatchOptions {
  /** Send uncached items to the workers however few they are (when there are workers); default false. */
  offThread?: boolean;
}

/** Rejection of the work a crashed worker held, or of calls after {@link SignatureVerifier.close}. */
export class SignatureVerifierError extends Error {
  /** An error with `message`. */
  constructor(message: string) {
    super(message);
    this.name = 'SignatureVerifierError';
  }
}

/**
 * The worker's code (CommonJS, run with `eval: true`). It repeats the checks of `verify.ts` in plain JavaScript:
 * schnorrkel-wasm traps instead of returning false on malformed input, and each trap leaks WASM stack, so the
 * same pre-checks run here (the unit tests compare worker and inline verdicts on malformed input).
 */
const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const nodeCrypto = require('node:crypto');
const paths = workerData.paths;
let sr = require(paths.schnorrkel);
const RistrettoPoint = require(paths.nobleEd25519).ristretto255.Point;
let traps = 0;
const KEY_CACHE = 65536;
const ORDER = Uint8Array.from([0xed,0xd3,0xf5,0x5c,0x1a,0x63,0x12,0x58,0xd6,0x9c,0xf7,0xa2,0xde,0xf9,0xde,0x14,
  0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0x10]);
const SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const srKeys = new Map();
const edKeys = new Map();
function remember(map, k, v) {
  if (map.size >= KEY_CACHE) map.delete(map.keys().next().value);
  map.set(k, v);
}
function hex(u8) { return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('hex'); }
function srSignatureOk(sig) {
  if (sig.length !== 64) return false;
  const top = sig[63];
  if ((top & 0x80) === 0) return false;
  if ((top & 0x70) === 0) return true;
  for (let i = 31; i >= 0; i--) {
    const b = i === 31 ? top & 0x7f : sig[32 + i];
    if (b !== ORDER[i]) return b < ORDER[i];
  }
  return false;
}
function srKeyOk(pk) {
  if (pk.length !== 32) return false;
  const k = hex(pk);
  const known = srKeys.get(k);
  if (known !== undefined) return known;
  let ok = true;
  try { RistrettoPoint.fromBytes(pk); } catch { ok = false; }
  remember(srKeys, k, ok);
  return ok;
}
function verifySr(m, s, p) {
  if (!srSignatureOk(s) || !srKeyOk(p)) return false;
  try {
    return sr.sr25519_verify(p, m, s);
  } catch {
    delete require.cache[paths.schnorrkel];
    sr = require(paths.schnorrkel);
    traps++;
    return false;
  }
}
function edKey(p) {
  const k = hex(p);
  const known = edKeys.get(k);
  if (known !== undefined) return known;
  let key = null;
  try { key = nodeCrypto.createPublicKey({ key: Buffer.concat([SPKI, p]), format: 'der', type: 'spki' }); } catch { key = null; }
  remember(edKeys, k, key);
  return key;
}
function verifyEd(m, s, p) {
  if (s.length !== 64 || p.length !== 32) return false;
  const key = edKey(p);
  if (key === null) return false;
  try { return nodeCrypto.verify(null, m, key, s); } catch { return false; }
}
parentPort.on('message', (job) => {
  if (job.type === 'crash') throw new Error('simulated verifier worker crash');
  const n = job.schemes.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const m = job.messages[i], s = job.signatures[i], p = job.publicKeys[i];
    let ok = false;
    if (m instanceof Uint8Array && s instanceof Uint8Array && p instanceof Uint8Array) {
      ok = job.schemes[i] === 0 ? verifySr(m, s, p) : job.schemes[i] === 1 ? verifyEd(m, s, p) : false;
    }
    out[i] = ok ? 1 : 0;
  }
  parentPort.postMessage({ id: job.id, verdicts: out, traps }, [out.buffer]);
});
`;

/** Scheme codes in worker messages. */
const SCHEME_CODE: Record<SignatureScheme, number> = { sr25519: 0, ed25519: 1 };

interface Job {
  resolve: (verdicts: Uint8Array) => void;
  reject: (error: Error) => void;
  /** Items in the job, 1..=maxChunk. */
  size: number;
}

interface Slot {
  worker: Worker;
  /** Jobs sent and not answered, by job id. */
  pending: Map<number, Job>;
  /** Items in `pending`, 0..=2^53. */
  pendingItems: number;
}

function positiveIntOption(value: number | undefined, fallback: number, min: number, max: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer in ${min}..=${max}, got ${v}`);
  return v;
}

/**
 * Verifies signatures in batches on worker threads and remembers verdicts by id (bounded LRU).
 * Cache hits and concurrent requests for the same id are answered without new work. A worker that crashes has its
 * pending batches rejected with {@link SignatureVerifierError} and is replaced on the next batch.
 */
export class SignatureVerifier {
  readonly #workerCount: number;
  readonly #inlineBelow: number;
  readonly #maxChunk: number;
  readonly #cache: LruCache<string, boolean>;
  /** Verdicts being computed, by id; every promise here has a rejection handler attached. */
  readonly #inflight = new Map<string, Promise<boolean>>();
  readonly #slots: Array<Slot | null>;
  /** Next job id, ≤ 2^53. */
  #nextJobId = 0;
  #closed = false;
  readonly #stats: SignatureVerifierStats = {
    cacheHits: 0,
    inflightHits: 0,
    verifiedInline: 0,
    verifiedInWorkers: 0,
    workerRestarts: 0,
  };

  /** A verifier; workers start on the first batch that needs them. */
  constructor(options: SignatureVerifierOptions = {}) {
    this.#workerCount = positiveIntOption(options.workers, Math.min(2, availableParallelism()), 0, 64, 'workers');
    this.#inlineBelow = positiveIntOption(options.inlineBelow, 16, 0, 2 ** 31, 'inlineBelow');
    this.#maxChunk = positiveIntOption(options.maxChunk, 1024, 1, 2 ** 31, 'maxChunk');
    this.#cache = new LruCache(positiveIntOption(options.cacheSize, 200_000, 1, 2 ** 31, 'cacheSize'));
    this.#slots = Array.from({ length: this.#workerCount }, () => null);
  }

  /** The cached verdict for `id`, or `undefined` when it was never verified (or was evicted). */
  cached(id: string): boolean | undefined {
    return this.#cache.peek(id);
  }

  /** A copy of the counters. */
  get stats(): SignatureVerifierStats {
    return { ...this.#stats };
  }

  /** Signatures actually verified so far, inline or on workers (cache and in-flight hits excluded); ≤ 2^53. */
  get verifications(): number {
    return this.#stats.verifiedInline + this.#stats.verifiedInWorkers;
  }

  /** Number of worker threads configured (0..=64). */
  get workerCount(): number {
    return this.#workerCount;
  }

  /** Verify one item (see {@link verifyBatch}). */
  async verify(item: VerifyItem): Promise<boolean> {
    const [verdict] = await this.verifyBatch([item]);
    return verdict;
  }

  /**
   * Verify one item now, on the calling thread (the cached verdict when known); the verdict is cached and counted
   * like any other. For synchronous callers that found no verdict ahead of time.
   */
  verifySync(item: VerifyItem): boolean {
    const hit = this.#cache.get(item.id);
    if (hit !== undefined) {
      this.#stats.cacheHits++;
      return hit;
    }
    const ok = verifySignature(item.scheme, item.message, item.signature, item.publicKey);
    this.#cache.set(item.id, ok);
    this.#stats.verifiedInline++;
    return ok;
  }

  /**
   * Verify `items`, answering in the same order. Cached ids are answered at once; the rest are verified inline
   * when fewer than `inlineBelow` (unless `offThread`), else split across the workers. Rejects with
   * {@link SignatureVerifierError} after {@link close} or when a worker holding part of the batch crashes (verdicts
   * already known stay cached).
   */
  async verifyBatch(items: readonly VerifyItem[], options: VerifyBatchOptions = {}): Promise<boolean[]> {
    if (this.#closed) throw new SignatureVerifierError('SignatureVerifier is closed');
    const results = new Array<boolean>(items.length);
    // Indices (into `items`) still to answer, and where each comes from.
    const waits: Array<Promise<void>> = [];
    const todo: number[] = []; // indices of items to verify now, first occurrence of each id
    const firstIndex = new Map<string, number>(); // id → index in `items` of its first occurrence in this batch
    const duplicates: Array<[number, number]> = []; // [index, index of first occurrence]

    for (let i = 0; i < items.length; i++) {
      const { id } = items[i];
      const hit = this.#cache.get(id);
      if (hit !== undefined) {
        this.#stats.cacheHits++;
        results[i] = hit;
        continue;
      }
      const flying = this.#inflight.get(id);
      if (flying !== undefined) {
        this.#stats.inflightHits++;
        waits.push(flying.then((v) => void (results[i] = v)));
        continue;
      }
      const first = firstIndex.get(id);
      if (first !== undefined) {
        duplicates.push([i, first]);
        continue;
      }
      firstIndex.set(id, i);
      todo.push(i);
    }

    if (todo.length > 0) {
      if (this.#workerCount === 0 || (options.offThread !== true && todo.length < this.#inlineBelow)) {
        for (const i of todo) {
          const it = items[i];
          const ok = verifySignature(it.scheme, it.message, it.signature, it.publicKey);
          this.#cache.set(it.id, ok);
          results[i] = ok;
        }
        this.#stats.verifiedInline += todo.length;
      } else {
        waits.push(...this.#dispatch(items, todo, results));
      }
    }

    await Promise.all(waits);
    for (const [i, first] of duplicates) results[i] = results[first];
    return results;
  }

  /** Send `todo` (indices into `items`) to workers in chunks; the promises settle when each chunk's verdicts are in. */
  #dispatch(items: readonly VerifyItem[], todo: number[], results: boolean[]): Array<Promise<void>> {
    const chunkSize = Math.min(this.#maxChunk, Math.max(16, Math.ceil(todo.length / this.#workerCount)));
    const waits: Array<Promise<void>> = [];
    for (let start = 0; start < todo.length; start += chunkSize) {
      const chunk = todo.slice(start, start + chunkSize);
      const verdicts = this.#send(chunk.map((i) => items[i]));
      const done = verdicts.then(
        (v) => {
          for (let k = 0; k < chunk.length; k++) {
            const it = items[chunk[k]];
            const ok = v[k] === 1;
            this.#cache.set(it.id, ok);
            this.#inflight.delete(it.id);
            results[chunk[k]] = ok;
          }
          this.#stats.verifiedInWorkers += chunk.length;
        },
        (e: unknown) => {
          for (const i of chunk) this.#inflight.delete(items[i].id);
          throw e;
        },
      );
      for (let k = 0; k < chunk.length; k++) {
        const shared = verdicts.then((v) => v[k] === 1);
        // Other batches may await this id; if none does, a rejection must not surface as unhandled.
        shared.catch(() => undefined);
        this.#inflight.set(items[chunk[k]].id, shared);
      }
      waits.push(done);
    }
    return waits;
  }

  /** Post one job to the least loaded worker (starting it if needed). */
  #send(chunk: VerifyItem[]): Promise<Uint8Array> {
    let best = 0;
    for (let w = 1; w < this.#slots.length; w++) {
      if ((this.#slots[w]?.pendingItems ?? 0) < (this.#slots[best]?.pendingItems ?? 0)) best = w;
    }
    const slot = this.#slot(best);
    const id = this.#nextJobId++;
    const schemes = new Uint8Array(chunk.length);
    for (let k = 0; k < chunk.length; k++) schemes[k] = SCHEME_CODE[chunk[k].scheme] ?? 255;
    return new Promise<Uint8Array>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject, size: chunk.length });
      slot.pendingItems += chunk.length;
      if (slot.pending.size === 1) slot.worker.ref();
      slot.worker.postMessage({
        type: 'verify',
        id,
        schemes,
        messages: chunk.map((c) => c.message),
        signatures: chunk.map((c) => c.signature),
        publicKeys: chunk.map((c) => c.publicKey),
      });
    });
  }

  /** The worker in slot `index`, started when absent. */
  #slot(index: number): Slot {
    const existing = this.#slots[index];
    if (existing !== null) return existing;
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { paths: CRYPTO_MODULE_PATHS } });
    // An idle worker must not keep the process alive; it is ref'ed while it holds work.
    worker.unref();
    const slot: Slot = { worker, pending: new Map(), pendingItems: 0 };
    worker.on('message', (msg: { id: number; verdicts: Uint8Array }) => {
      const job = slot.pending.get(msg.id);
      if (job === undefined) return;
      slot.pending.delete(msg.id);
      slot.pendingItems -= job.size;
      if (slot.pending.size === 0) worker.unref();
      job.resolve(msg.verdicts);
    });
    const fail = (why: string): void => this.#fail(index, slot, why);
    worker.on('error', (e) => fail(`verifier worker failed: ${e.message}`));
    worker.on('messageerror', (e) => fail(`verifier worker message error: ${e.message}`));
    worker.on('exit', (code) => fail(`verifier worker exited with code ${code}`));
    this.#slots[index] = slot;
    return slot;
  }

  /** Reject everything `slot` held and free its place for a new worker (idempotent per slot). */
  #fail(index: number, slot: Slot, why: string): void {
    if (this.#slots[index] !== slot) return;
    this.#slots[index] = null;
    if (!this.#closed) this.#stats.workerRestarts++;
    const error = new SignatureVerifierError(this.#closed ? 'SignatureVerifier is closed' : why);
    for (const job of slot.pending.values()) job.reject(error);
    slot.pending.clear();
    slot.pendingItems = 0;
    void slot.worker.terminate();
  }

  /**
   * For tests: make worker `index` (0..workers) throw an uncaught error, as a crash would. Jobs it holds and jobs
   * sent to it before the crash is noticed are rejected; the next batch starts a new worker.
   */
  simulateWorkerCrash(index: number): void {
    this.#slot(index).worker.postMessage({ type: 'crash' });
  }

  /** Stop the workers and reject their pending work; later calls reject. Idempotent. The cache stays readable. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const stopping: Array<Promise<number>> = [];
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[i];
      if (slot === null) continue;
      stopping.push(slot.worker.terminate());
      this.#fail(i, slot, 'SignatureVerifier is closed');
    }
    await Promise.all(stopping);
  }
}
