/**
 * The runtime's signature port, backed by the worker-thread verifier and its verdict cache: transactions are
 * verified once (asynchronously, in batches) when they enter the pool or a block is imported; the runtime's
 * synchronous check then hits the cache.
 */
import { SignatureVerifier } from '../crypto/verifier-pool.js';
import type { NodeRuntime, SignatureContext } from '../runtime/host.js';
import type { SignatureChecker, SignatureJob } from '../runtime/runtime.js';

/** Sync checker: cached verdict, else verify inline (cached and counted by the verifier). */
export class CachedSignatureChecker implements SignatureChecker {
  constructor(readonly verifier: SignatureVerifier) {}
  verify(job: SignatureJob): boolean {
    const cached = this.verifier.cached(job.id);
    if (cached !== undefined) return cached;
    return this.verifier.verifySync(job);
  }
}

/**
 * Verify the signatures of `extrinsics` in parallel before they are executed (in block `at.number`, on `at.state`).
 * Extrinsics that cannot even produce a signature job are skipped: execution reports them.
 */
export async function preverify(runtime: NodeRuntime, verifier: SignatureVerifier, at: SignatureContext, extrinsics: readonly Uint8Array[]): Promise<void> {
  const jobs = runtime.signatureJobs(at, extrinsics).map((j) => j.job);
  if (jobs.length > 0) await verifier.verifyBatch(jobs);
}

/** Thrown by {@link IntakeVerifier.verify} when its queue is full: the node is taking in more than it can check. */
export class IntakeFull extends Error {
  constructor(readonly pending: number) {
    super(`the node is verifying ${pending} transactions already; try again shortly`);
    this.name = 'IntakeFull';
  }
}

/** Options of {@link IntakeVerifier}. */
export interface IntakeVerifierOptions {
  /** Signatures queued or being verified before new ones are refused (1 ≤ n ≤ 2^31). Default 8,192. */
  maxPending?: number;
  /** Most signatures sent to the verifier in one batch (1 ≤ n ≤ 2^31). Default 128. */
  maxBatch?: number;
  /** Batches at the verifier at a time (1 ≤ n ≤ 64). Default: one per worker thread. */
  maxInFlight?: number;
  /** Verdicts handed back per event-loop turn (1 ≤ n ≤ 2^31); the rest wait for the next turn. Default 64. */
  resolvePerTurn?: number;
}

/**
 * Signature checks of incoming transactions (RPC and gossip), batched: every check asked for in one turn of the event
 * loop goes to the worker threads as one batch (a lone check was verified inline, on the thread that also runs
 * consensus), and the verdicts are handed back a slice per turn, so the pool validation and gossip that follow each
 * verdict never hold the event loop for a whole flood at once: consensus messages, timers and commits run between
 * slices. At most `maxPending` checks wait; beyond that {@link verify} throws {@link IntakeFull} at once (a node under
 * a flood refuses what it cannot check in time instead of queueing it without bound).
 */
export class IntakeVerifier {
  readonly #verifier: SignatureVerifier;
  readonly #maxPending: number;
  readonly #maxBatch: number;
  readonly #resolvePerTurn: number;
  #queue: Array<{ job: SignatureJob; resolve: (ok: boolean) => void; reject: (e: unknown) => void }> = [];
  /** Checks queued, in a batch at the verifier, or verified and waiting for their turn, 0 ≤ n ≤ maxPending. */
  #pending = 0;
  #scheduled = false;
  readonly #maxInFlight: number;
  /** Batches at the verifier now, 0 ≤ n ≤ maxInFlight. */
  #inFlight = 0;

  constructor(verifier: SignatureVerifier, options: IntakeVerifierOptions = {}) {
    this.#verifier = verifier;
    this.#maxPending = options.maxPending ?? 8192;
    this.#maxBatch = options.maxBatch ?? 128;
    this.#maxInFlight = options.maxInFlight ?? Math.max(1, verifier.workerCount);
    this.#resolvePerTurn = options.resolvePerTurn ?? 64;
  }

  /** Checks not answered yet (0 ≤ n ≤ maxPending). */
  get pending(): number {
    return this.#pending;
  }

  /** The verdict of `job`: at once when cached, else with the batch of this turn. Throws {@link IntakeFull} when full. */
  verify(job: SignatureJob): Promise<boolean> {
    const cached = this.#verifier.cached(job.id);
    if (cached !== undefined) return Promise.resolve(cached);
    if (this.#pending >= this.#maxPending) return Promise.reject(new IntakeFull(this.#pending));
    this.#pending++;
    return new Promise<boolean>((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /**
   * Send queued checks to the verifier, at most `maxInFlight` batches of `maxBatch` at a time: the workers take their
   * messages in order, so a block's signatures (consensus checks a proposal through the same workers) wait behind
   * one small intake batch per worker at most, never behind the whole flood.
   */
  #flush(): void {
    this.#scheduled = false;
    while (this.#queue.length > 0 && this.#inFlight < this.#maxInFlight) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      this.#inFlight++;
      const done = (): void => {
        this.#inFlight--;
        this.#flush();
      };
      // Off the thread that runs consensus even for a batch of one (the pool would check fewer than `inlineBelow` inline).
      this.#verifier.verifyBatch(batch.map((b) => b.job), { offThread: true }).then(
        (verdicts) => {
          done();
          this.#handBack(batch, 0, (b, i) => b.resolve(verdicts[i]));
        },
        (e: unknown) => {
          done();
          this.#handBack(batch, 0, (b) => b.reject(e));
        },
      );
    }
  }

  /** Settle `batch[from..]`, `resolvePerTurn` per turn of the event loop. */
  #handBack<T>(batch: T[], from: number, settle: (b: T, i: number) => void): void {
    const end = Math.min(batch.length, from + this.#resolvePerTurn);
    for (let i = from; i < end; i++) {
      this.#pending--;
      settle(batch[i], i);
    }
    if (end < batch.length) setImmediate(() => this.#handBack(batch, end, settle));
  }
}
