/**
 * The runtime's signature port, backed by the worker-thread verifier and its verdict cache: transactions are
 * verified once (asynchronously, in batches) when they enter the pool or a block is imported; the runtime's
 * synchronous check then hits the cache.
 */
import { decodeExtrinsic } from '../primitives/extrinsic.js';
import { SignatureVerifier } from '../crypto/verifier-pool.js';
import { TransactionInvalid } from '../runtime/validity.js';
import type { Runtime, SignatureChecker, SignatureJob } from '../runtime/runtime.js';
import type { StateReader } from '../runtime/state.js';

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
 * Verify the signatures of `extrinsics` in parallel before they are executed against `state` (at block `current`).
 * Extrinsics that cannot even produce a signature job are skipped: execution reports them.
 */
export async function preverify(runtime: Runtime, verifier: SignatureVerifier, state: StateReader, extrinsics: readonly Uint8Array[], current: number): Promise<void> {
  const jobs: SignatureJob[] = [];
  for (const bytes of extrinsics) {
    try {
      const xt = decodeExtrinsic(bytes);
      if (!xt.signature) continue;
      jobs.push(runtime.signatureJob(state, xt, current));
    } catch (e) {
      if (e instanceof TransactionInvalid) continue;
      if (e instanceof Error) continue;
      throw e;
    }
  }
  if (jobs.length > 0) await verifier.verifyBatch(jobs);
}
