/**
 * Transaction submission: decode, verify the signature on a worker thread, then validate through the runtime and
 * enter the pool. Errors carry Substrate's JSON-RPC codes (1002 undecodable, 1010 invalid, 1011 unknown, 1012–1016
 * pool conditions).
 */
import type { Logger } from 'pino';
import { decodeExtrinsic } from '../primitives/extrinsic.js';
import { toHex } from '../primitives/bytes.js';
import { Overlay } from '../runtime/state.js';
import { TransactionInvalid } from '../runtime/validity.js';
import { SystemStorage, accountNonce } from '../pallets/system/index.js';
import { TransactionPool } from '../txpool/pool.js';
import { PoolError, POOL_ERROR_RPC_CODES, type TxSource } from '../txpool/types.js';
import type { SignatureVerifier } from '../crypto/verifier-pool.js';
import type { Chain } from './chain.js';
import { CachedSignatureChecker } from './signatures.js';

/** A submission refused, with its JSON-RPC code, message and data (Substrate's shapes). */
export class SubmitError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: string,
  ) {
    super(message);
    this.name = 'SubmitError';
  }
}

/** Transaction intake for the node. */
export class TransactionService {
  readonly pool: TransactionPool;
  readonly checker: CachedSignatureChecker;

  constructor(
    private readonly chain: Chain,
    private readonly verifier: SignatureVerifier,
    logger: Logger,
    limits?: ConstructorParameters<typeof TransactionPool>[0]['limits'],
  ) {
    this.checker = new CachedSignatureChecker(verifier);
    this.pool = new TransactionPool({
      validate: (bytes) => this.chain.runtime.validateTransaction(this.chain.headState(), bytes, this.chain.head, this.checker),
      limits,
      logger: logger.child({ module: 'txpool' }),
      bestNumber: chain.head.number,
    });
  }

  /** Validate and add a transaction; resolves to its hash. */
  async submit(bytes: Uint8Array, source: TxSource = 'external'): Promise<Uint8Array> {
    let xt;
    try {
      xt = decodeExtrinsic(bytes);
    } catch (e) {
      throw new SubmitError(1002, 'Verification Error: Runtime error: Could not decode extrinsic', (e as Error).message);
    }
    if (xt.signature) {
      // Verify off the main thread first; the runtime's check then reads the cached verdict.
      const state = new Overlay(this.chain.headState());
      SystemStorage.BlockHash.set(state, this.chain.head.number, this.chain.head.hash);
      try {
        const job = this.chain.runtime.signatureJob(state, xt, this.chain.head.number + 1);
        await this.verifier.verify(job);
      } catch (e) {
        if (!(e instanceof TransactionInvalid)) throw e;
        // The pool's validation reports the same error with Substrate's code.
      }
    }
    try {
      return this.pool.submit(bytes, xt.hash, source).hash;
    } catch (e) {
      if (e instanceof PoolError) {
        const d = e.data;
        if (d.code === 'Invalid') throw new SubmitError(1010, 'Invalid Transaction', d.message);
        if (d.code === 'Unknown') throw new SubmitError(1011, 'Unknown Transaction Validity', d.message);
        throw new SubmitError(POOL_ERROR_RPC_CODES[d.code], e.message);
      }
      throw e;
    }
  }

  /** Pool-aware next nonce of `who` (u32). */
  nextNonce(who: Uint8Array): number {
    return this.pool.nextNonce(who, accountNonce(this.chain.headState(), who));
  }

  /** Hex hashes of pending transactions. */
  pendingHex(): string[] {
    return this.pool.pending().map((t) => toHex(t.hash));
  }
}
