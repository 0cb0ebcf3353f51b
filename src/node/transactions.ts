/**
 * Transaction submission: decode, verify the signature on a worker thread, then validate through the runtime and
 * enter the pool. Errors carry Substrate's JSON-RPC codes (1002 undecodable, 1010 invalid, 1011 unknown, 1012–1016
 * pool conditions).
 */
import type { Logger } from 'pino';
import { decodeExtrinsic, type DecodedExtrinsic } from '../primitives/extrinsic.js';
import { LruCache } from '../crypto/lru.js';
import { toHex } from '../primitives/bytes.js';
import { TransactionInvalid } from '../runtime/validity.js';
import type { SignatureChecker } from '../runtime/runtime.js';
import { refusedNonceDetail, TransactionPool } from '../txpool/pool.js';
import { PoolError, POOL_ERROR_RPC_CODES, type TxSource, type TxStatus } from '../txpool/types.js';
import type { SignatureVerifier } from '../crypto/verifier-pool.js';
import type { Chain } from './chain.js';
import { CachedSignatureChecker, IntakeFull, IntakeVerifier } from './signatures.js';
import { blockDispatchOutcomes, type DispatchOutcome } from './dispatch-outcome.js';

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

/** What is known about a transaction by hash, after the fact. */
export type TransactionStatusReport =
  | { status: 'ready' }
  | { status: 'future'; reason: string; waitingFor: string[] }
  | { status: 'inBlock' | 'finalized'; blockHash: string; blockNumber: number; index: number; dispatch: DispatchOutcome }
  | { status: 'dropped' | 'invalid' | 'usurped' | 'banned'; reason: string }
  | { status: 'unknown' };

/** Blocks whose dispatch outcomes `status` keeps decoded (bounded: a block of 5,000 transfers takes a few hundred KB). */
const OUTCOME_BLOCKS = 8;
/** How many terminal outcomes are remembered for `status` (bounded). */
const HISTORY_ENTRIES = 100_000;
/**
 * Ready transactions validated again after each block (every future one is, too): bounded so a deep pool under load
 * costs a block the same work as a shallow one (about 10 ms here); the pool cycles through the rest over the next
 * blocks, and block authoring skips a transaction that became invalid meanwhile.
 */
export const REVALIDATE_READY_PER_BLOCK = 256;
/**
 * The one other version a bad signature is checked against: the previous spec version with the same transaction
 * version (what a wallet holding the metadata of the runtime before an upgrade signs for).
 */
export function staleVersionCandidate(v: { specVersion: number; transactionVersion: number }): { specVersion: number; transactionVersion: number } {
  return { specVersion: Math.max(0, v.specVersion - 1), transactionVersion: v.transactionVersion };
}

/** A checker that passes every signature: for running the other signed-extension checks alone. */
const ACCEPT_ANY_SIGNATURE: SignatureChecker = { verify: () => true };

/** Transaction intake for the node. */
export class TransactionService {
  readonly pool: TransactionPool;
  readonly checker: CachedSignatureChecker;
  /** Signature checks of submissions, batched onto the worker threads and bounded (see {@link IntakeVerifier}). */
  readonly intake: IntakeVerifier;
  private readonly history = new LruCache<string, TransactionStatusReport>(HISTORY_ENTRIES);
  /** Dispatch outcomes of recently asked-about blocks, by block hash (a block's events are decoded once). */
  private readonly outcomes = new LruCache<string, Map<number, DispatchOutcome>>(OUTCOME_BLOCKS);

  constructor(
    private readonly chain: Chain,
    private readonly verifier: SignatureVerifier,
    logger: Logger,
    limits?: ConstructorParameters<typeof TransactionPool>[0]['limits'],
  ) {
    this.checker = new CachedSignatureChecker(verifier);
    this.intake = new IntakeVerifier(verifier);
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
      const { address, extra } = xt.signature;
      // The sender's account (undefined for an address form the pool cannot name a sender by), and whether this nonce is
      // not behind the chain: only such a nonce, refused for lack of room, leaves the sender's later nonces waiting.
      const sender = address.tag === 'Id' || address.tag === 'Address32' ? address.value : undefined;
      const chainNonce = sender === undefined ? 0 : this.chain.runtime.accountNonce(this.chain.headState(), sender);
      const pending = sender !== undefined && extra.nonce >= chainNonce;
      const r = sender === undefined ? undefined : this.pool.refusedNonce(sender);
      if (r !== undefined && sender !== undefined) {
        if (r < chainNonce) this.pool.forgetRefusedNonce(sender); // the chain is past it (another node's block took it)
        else if (extra.nonce > r) {
          // A later nonce of a sender whose nonce `r` was refused for lack of room and not sent again: it could only
          // wait in the future queue for it. Refused before its signature is checked.
          const refused = new PoolError({ code: 'ImmediatelyDropped', detail: refusedNonceDetail(r) });
          throw new SubmitError(refused.rpcCode, refused.message);
        }
      }
      // A full ready queue refuses an equal-priority newcomer (the runtime's priority is the tip): say so before
      // paying for its signature. The pool notes the refused nonce: the sender's later ones are refused too, until it
      // is sent again, since they would wait in the future queue for a predecessor that is not coming. When later
      // nonces of the sender already wait there (sent out of order), its signature is checked first, and the pool's
      // own refusal then drops them with the reason: an unchecked refusal could be anyone's, and must not cost the
      // sender what it has in the pool.
      const worst = this.pool.noRoomFor(extra.tip, bytes.length);
      if (worst !== undefined && sender !== undefined && !this.pool.holdsNonce(sender, extra.nonce) && !(pending && this.pool.holdsLaterFuture(sender, extra.nonce))) {
        if (pending) this.pool.noteRefusedNonce(sender, extra.nonce);
        const refused = new PoolError({ code: 'TooLowPriority', old: worst, new: extra.tip });
        throw new SubmitError(refused.rpcCode, refused.message);
      }
      // Verify on the worker threads, batched with this turn's other submissions; the runtime's check then reads the
      // cached verdict.
      const head = this.chain.head;
      try {
        const job = this.chain.runtime.signatureJob({ state: this.chain.headState(), number: head.number + 1, recentHashes: [[head.number, head.hash]] }, xt);
        await this.intake.verify(job);
      } catch (e) {
        if (e instanceof IntakeFull) {
          // Refused for lack of room too (unchecked, so the sender's pooled transactions stay). The chain may have
          // moved while the check waited: only a nonce still not behind it is noted.
          if (pending && extra.nonce >= this.chain.runtime.accountNonce(this.chain.headState(), sender)) this.pool.noteRefusedNonce(sender, extra.nonce);
          throw new SubmitError(POOL_ERROR_RPC_CODES.ImmediatelyDropped, 'Immediately Dropped', e.message);
        }
        if (!(e instanceof TransactionInvalid)) throw e;
        // The pool's validation reports the same error with Substrate's code.
      }
    }
    try {
      const hash = this.pool.submit(bytes, xt.hash, source).hash;
      this.remember(hash);
      return hash;
    } catch (e) {
      if (e instanceof PoolError) {
        const d = e.data;
        const hex = toHex(xt.hash);
        if (d.code === 'Invalid' || d.code === 'Unknown') this.history.set(hex, { status: 'invalid', reason: d.message });
        if (d.code === 'Invalid' && d.reason === 'BadProof') throw new SubmitError(1010, 'Invalid Transaction', (await this.diagnoseBadProof(xt)) ?? d.message);
        if (d.code === 'Invalid') throw new SubmitError(1010, 'Invalid Transaction', d.message);
        if (d.code === 'Unknown') throw new SubmitError(1011, 'Unknown Transaction Validity', d.message);
        throw new SubmitError(POOL_ERROR_RPC_CODES[d.code], e.message);
      }
      throw e;
    }
  }

  /** Record the outcome of a pooled transaction when it ends. */
  private remember(hash: Uint8Array): void {
    const hex = toHex(hash);
    const unwatch = this.pool.watch(hash, (s: TxStatus) => {
      if (s.type === 'dropped' || s.type === 'invalid') this.history.set(hex, { status: s.type, reason: s.reason });
      else if (s.type === 'usurped') this.history.set(hex, { status: 'usurped', reason: `replaced by ${toHex(s.by)}` });
      else if (s.type === 'finalized' || s.type === 'finalityTimeout') unwatch();
    });
  }

  /**
   * Why a signature that does not verify for the runtime's versions failed, when that is cheap to learn: a wallet
   * with stale metadata signs for an older spec version, and naming it saves a confused user. Junk must stay cheap,
   * so the guess is made only for a payload that is otherwise valid (call, era, nonce and fee all pass, checked
   * without a signature), and it costs exactly one more verification, of {@link staleVersionCandidate}, on a worker
   * thread: a bad signature costs the node at most two verifications in all. `undefined` keeps the plain message.
   */
  private async diagnoseBadProof(xt: DecodedExtrinsic): Promise<string | undefined> {
    if (!xt.signature) return undefined;
    const { specVersion, transactionVersion } = this.chain.runtime.version;
    const best = this.chain.head;
    const state = this.chain.headState();
    const candidate = staleVersionCandidate(this.chain.runtime.version);
    let job;
    try {
      // Every signed extension's check but the signature's (no verification happens here).
      if (!this.chain.runtime.validateTransaction(state, xt.bytes, best, ACCEPT_ANY_SIGNATURE).ok) return undefined;
      job = this.chain.runtime.signatureJob({ state, number: best.number + 1, recentHashes: [[best.number, best.hash]] }, xt, candidate);
    } catch (e) {
      if (e instanceof TransactionInvalid) return undefined;
      throw e;
    }
    // A verifier that cannot answer (closing, a worker crash) leaves the plain message.
    // Through the bounded intake, like the first check: a full intake (IntakeFull) also leaves the plain message.
    const signedForCandidate = await this.intake.verify(job).catch(() => false);
    if (!signedForCandidate) return undefined; // Substrate's exact words, which wallets match on
    return `Transaction has a bad signature: it was signed for spec version ${candidate.specVersion} and transaction version ${candidate.transactionVersion}, but the runtime is at spec version ${specVersion} and transaction version ${transactionVersion}`;
  }

  /** Where a transaction stands, by hash: in the pool (and why it waits), in a block, or how it ended. */
  status(hash: Uint8Array): TransactionStatusReport {
    const inPool = this.pool.status(hash);
    if (inPool.type === 'ready') return { status: 'ready' };
    if (inPool.type === 'future') {
      const nonce = this.pool.get(hash)?.nonce;
      return { status: 'future', reason: `waiting for earlier nonces of the sender${nonce === undefined ? '' : ` (its nonce is ${nonce})`}`, waitingFor: inPool.waitingFor.map((t) => toHex(t)) };
    }
    const loc = this.chain.db.getTxLocation(hash);
    if (loc) {
      const header = this.chain.header(loc.blockHash);
      // Committed blocks are final on this chain.
      const dispatch = this.blockOutcomes(loc.blockHash).get(loc.index) ?? { result: 'unknown' as const };
      return { status: 'finalized', blockHash: toHex(loc.blockHash), blockNumber: header?.number ?? -1, index: loc.index, dispatch };
    }
    const past = this.history.get(toHex(hash));
    if (past) return past;
    if (inPool.type === 'banned') return { status: 'banned', reason: 'recently rejected or included; temporarily banned' };
    return { status: 'unknown' };
  }

  /** The dispatch outcomes of a stored block's extrinsics (its events decoded once, then cached). */
  private blockOutcomes(blockHash: Uint8Array): Map<number, DispatchOutcome> {
    const key = toHex(blockHash);
    let outcomes = this.outcomes.get(key);
    if (outcomes === undefined) {
      const state = this.chain.stateAt(blockHash);
      outcomes = state === undefined ? new Map() : blockDispatchOutcomes(this.chain.runtime, state, this.chain.dispatchNotes(blockHash));
      this.outcomes.set(key, outcomes);
    }
    return outcomes;
  }

  /** Pool-aware next nonce of `who` (u32). */
  nextNonce(who: Uint8Array): number {
    return this.pool.nextNonce(who, this.chain.runtime.accountNonce(this.chain.headState(), who));
  }

  /** Hex hashes of pending transactions. */
  pendingHex(): string[] {
    return this.pool.pending().map((t) => toHex(t.hash));
  }
}
