/**
 * Substrate-style transaction pool (the model of `sc-transaction-pool`'s graph pool), generic
 * over the runtime: it learns everything about a transaction from the validation function.
 *
 * A transaction is READY when each tag it requires is provided by another ready transaction or
 * by the chain (validation returned no such requirement, or the tag was provided by a
 * transaction included in one of the last two blocks); otherwise it waits in FUTURE until the
 * missing tags appear. Ready transactions form a dependency graph (`unlocks` edges from provider
 * to dependent); `ready()` walks it best-first for block authoring.
 *
 * Every structure is indexed (by hash, by tag, by sender, and two heaps for eviction) so a
 * submission costs O(tags + log n). Block import revalidates the whole pool (O(n) validations), or, bounded, every
 * future transaction and the `k` ready ones validated longest ago (O(future + k) validations; a loaded node keeps
 * its per-block work flat while its pool is deep, as Substrate's background revalidation does).
 *
 * Status notifications are queued while an operation mutates the pool and delivered at its
 * end, so a listener that calls back into the pool always sees a consistent pool.
 */

import { toHex, toHexRaw } from '../primitives/bytes.js';
import { IndexedHeap, type HeapSlot } from './heap.js';
import {
  DEFAULT_POOL_LIMITS,
  PoolError,
  TERMINAL_STATUSES,
  type ImportedBlock,
  type IncludedTx,
  type PoolLimits,
  type PoolLogger,
  type PoolTransaction,
  type PoolTxState,
  type TxSource,
  type TxStatus,
  type TxStatusListener,
  type ValidateFn,
  type ValidationOutcome,
} from './types.js';

/** Blocks a watched, included transaction waits for finality before `finalityTimeout` (Substrate uses 512). */
export const FINALITY_TIMEOUT_BLOCKS = 512;

/** Number of recent blocks whose included transactions' tags still count as provided by the chain. */
const RECENTLY_PRUNED_BLOCKS = 2;

/** Most senders whose nonce refused for lack of room the pool remembers (oldest forgotten first). */
export const MAX_REFUSED_SENDERS = 65_536;

/** Options of {@link TransactionPool}. */
export interface TransactionPoolOptions {
  /** Validates against the current best state; must be synchronous. */
  validate: ValidateFn;
  /** Queue limits; defaults to {@link DEFAULT_POOL_LIMITS}. */
  limits?: PoolLimits;
  /** How long a rejected or included hash is refused (ms); 0 ..= 2^53-1. Substrate uses 30 minutes. */
  banTimeMs?: number;
  /** Most hashes remembered as banned (oldest forgotten first); 1 ..= 2^32-1. */
  maxBanned?: number;
  /** Clock in ms, injected so tests control it. Only used for bans. */
  now?: () => number;
  /** Logger (pino-compatible); silent by default. */
  logger?: PoolLogger;
  /** Number of the best block when the pool starts; 0 ..= 2^32-1. */
  bestNumber?: number;
}

/** What `submit` returns on success. */
export interface SubmitResult {
  /** The transaction hash. */
  hash: Uint8Array;
  /** `0x` hex of the hash. */
  hashHex: string;
  /** The queue the transaction entered. */
  status: 'ready' | 'future';
}

/** Counts of both queues. Every value is 0 ..= 2^53-1. */
export interface PoolSize {
  /** Ready transactions (or their bytes). */
  ready: number;
  /** Future transactions (or their bytes). */
  future: number;
  /** Sum of both. */
  total: number;
}

type EntryState = 'ready' | 'future' | 'removed';

/** Internal record of one pool transaction. */
interface Entry extends HeapSlot {
  tx: PoolTransaction;
  /** Hex (no prefix) of `tx.valid.provides`, same order. */
  provides: string[];
  /** Hex (no prefix) of `tx.valid.requires`, same order. */
  requires: string[];
  state: EntryState;
  /** Last block number (inclusive) at which the transaction is still valid. */
  validTill: bigint;
  senderHex: string | undefined;
  /** FUTURE only: required tags not yet provided by a ready transaction nor by the chain. */
  missing: Set<string>;
  /** READY only: ready transactions that require a tag this one provides. */
  unlocks: Set<Entry>;
  /** READY only: distinct ready transactions providing this one's required tags; 0 ..= requires.length. */
  providers: number;
  /** Best block number when the transaction was last validated; 0 ..= 2^32-1. */
  checkedAt: number;
}

const noopLogger: PoolLogger = { debug() {}, warn() {} };

/** Shared empty `missing` set of entries that are not FUTURE; never mutated (saves an allocation per transaction). */
const NO_TAGS: Set<string> = new Set<string>();

/** Eviction order: lowest priority first; among equals the newest first (first come, first kept). */
function worseReady(a: Entry, b: Entry): boolean {
  if (a.tx.valid.priority !== b.tx.valid.priority) return a.tx.valid.priority < b.tx.valid.priority;
  return a.tx.insertedAt > b.tx.insertedAt;
}

/** Future eviction order: oldest first (the gap it waits for is the least likely to fill). */
function olderFuture(a: Entry, b: Entry): boolean {
  return a.tx.insertedAt < b.tx.insertedAt;
}

/** Inclusion order: highest priority first; among equals the oldest first. */
function betterReady(a: Entry, b: Entry): boolean {
  if (a.tx.valid.priority !== b.tx.valid.priority) return a.tx.valid.priority > b.tx.valid.priority;
  return a.tx.insertedAt < b.tx.insertedAt;
}

/** Canonical key of a hash given as bytes or as hex. */
function hashKey(hash: Uint8Array | string): string {
  if (typeof hash !== 'string') return toHex(hash);
  const h = hash.toLowerCase();
  return h.startsWith('0x') ? h : `0x${h}`;
}

/** A watched transaction included in a block that is not final yet. */
interface PendingBlock {
  blockHash: Uint8Array;
  /** 0 ..= 2^32-1 */
  number: number;
  /** hash hex → extrinsic index (0 ..= 2^32-1). */
  txs: Map<string, number>;
}

/** The transaction pool. Single-threaded; every method is synchronous. */
export class TransactionPool {
  private readonly validate: ValidateFn;
  private readonly limits: PoolLimits;
  private readonly banTimeMs: number;
  private readonly maxBanned: number;
  private readonly now: () => number;
  private readonly logger: PoolLogger;

  /** Next pool sequence number; 0 ..= 2^53-1. */
  private seq = 0;
  /** Best block number; 0 ..= 2^32-1. */
  private bestNumber: number;

  private readonly byHash = new Map<string, Entry>();
  /** tag hex → the one pool transaction (ready or future) providing it. */
  private readonly tagOwner = new Map<string, Entry>();
  /** tag hex → future transactions missing it. */
  private readonly waiting = new Map<string, Set<Entry>>();
  /** Ready transactions with no ready provider: where the ready iterator starts. */
  private readonly roots = new Set<Entry>();
  private readonly readyHeap = new IndexedHeap<Entry>(worseReady);
  private readonly futureHeap = new IndexedHeap<Entry>(olderFuture);
  /** 0 ..= 2^53-1 */
  private readyBytes = 0;
  /** 0 ..= 2^53-1 */
  private futureBytes = 0;
  /** sender hex → nonce → entry. */
  private readonly bySender = new Map<string, Map<number, Entry>>();
  /** Tags provided by transactions included in the last blocks, newest block first. */
  private pruned: Set<string>[] = Array.from({ length: RECENTLY_PRUNED_BLOCKS }, () => new Set<string>());
  /** hash hex → ban expiry (ms); Map order is ban order. */
  private readonly banned = new Map<string, number>();
  /**
   * sender hex → the sender's nonce last refused or dropped for lack of room while the pool held no transaction of
   * the sender with it (see {@link noteRefusedNonce}); at most {@link MAX_REFUSED_SENDERS}, Map order is record order.
   */
  private readonly refusedNonces = new Map<string, number>();

  private readonly watchers = new Map<string, Set<TxStatusListener>>();
  private readonly readyListeners = new Set<(tx: PoolTransaction) => void>();
  /** block hash hex → watched transactions it included, until finalized. */
  private readonly pendingBlocks = new Map<string, PendingBlock>();

  /** Entries whose queue changed during the current operation, with their state before it. */
  private touched = new Map<Entry, EntryState | 'new'>();
  /** Status events not delivered yet, in order; the third item marks a newly ready transaction (for `onReady`). */
  private events: Array<[string, TxStatus, PoolTransaction?]> = [];
  /** True while `flush` delivers events: an operation run by a listener appends to the queue instead. */
  private flushing = false;

  /** Create an empty pool. */
  constructor(opts: TransactionPoolOptions) {
    this.validate = opts.validate;
    this.limits = opts.limits ?? DEFAULT_POOL_LIMITS;
    this.banTimeMs = opts.banTimeMs ?? 30 * 60 * 1000;
    this.maxBanned = opts.maxBanned ?? 65_536;
    this.now = opts.now ?? Date.now;
    this.logger = opts.logger ?? noopLogger;
    this.bestNumber = opts.bestNumber ?? 0;
  }

  // ---------------------------------------------------------------- submission

  /**
   * Validate `bytes` against the best state and add it to the ready or future queue.
   * @throws {PoolError} TemporarilyBanned, AlreadyImported, Invalid (and bans the hash), Unknown,
   *   NoTagsProvided, CycleDetected, TooLowPriority (replacement not strictly better than what it
   *   replaces, or ready queue full and this would be its worst), ImmediatelyDropped (evicted by
   *   the limits right after entering).
   */
  submit(bytes: Uint8Array, hash: Uint8Array, source: TxSource = 'external'): SubmitResult {
    const hashHex = toHex(hash);
    if (this.isBanned(hashHex)) throw new PoolError({ code: 'TemporarilyBanned' });
    if (this.byHash.has(hashHex)) throw new PoolError({ code: 'AlreadyImported' });
    const outcome = this.validate(bytes, hash, source);
    if (!outcome.ok) {
      if (outcome.kind === 'invalid') {
        this.ban(hashHex);
        throw new PoolError({ code: 'Invalid', reason: outcome.reason, message: outcome.message });
      }
      throw new PoolError({ code: 'Unknown', reason: outcome.reason, message: outcome.message });
    }
    const tx: PoolTransaction = {
      hash,
      hashHex,
      bytes,
      valid: outcome.valid,
      sender: outcome.sender,
      nonce: outcome.nonce,
      insertedAt: this.seq++,
      source,
    };
    const entry: Entry = {
      tx,
      provides: [],
      requires: [],
      state: 'removed',
      validTill: BigInt(this.bestNumber) + outcome.valid.longevity,
      senderHex: undefined,
      missing: NO_TAGS,
      unlocks: new Set(),
      providers: 0,
      heapPos: -1,
      checkedAt: this.bestNumber,
    };
    setValidation(entry, outcome);
    try {
      const err = this.admit(entry, true);
      if (err !== undefined) throw err;
      this.enforceLimits();
      if (entry.state === 'removed') throw new PoolError({ code: 'ImmediatelyDropped' });
      return { hash, hashHex, status: entry.state };
    } finally {
      this.flush();
    }
  }

  /** `submit`, then `watch`: the listener receives `ready`/`future` at once, then every update. */
  submitAndWatch(
    bytes: Uint8Array,
    hash: Uint8Array,
    source: TxSource,
    listener: TxStatusListener,
  ): SubmitResult & { unwatch: () => void } {
    const res = this.submit(bytes, hash, source);
    return { ...res, unwatch: this.watch(hash, listener) };
  }

  /**
   * Check the replacement and limit rules for `e` (validated, not in the pool) and insert it.
   * Returns the reason when it cannot enter; changes nothing in that case, except when the full ready queue refuses
   * it: its sender's later nonces waiting in FUTURE are then dropped (see {@link noteRefusedNonce}).
   * `strict`: submission rules (TooLowPriority when the ready queue is full); revalidation
   * re-inserts what was already admitted and only enforces the limits afterwards.
   */
  private admit(e: Entry, strict: boolean): PoolError | undefined {
    if (e.provides.length === 0) return new PoolError({ code: 'NoTagsProvided' });
    for (const t of e.requires) if (e.provides.includes(t)) return new PoolError({ code: 'CycleDetected' });

    // Replacement: whoever provides one of our tags must be collectively worse (Substrate's rule).
    const replaced = new Set<Entry>();
    for (const t of e.provides) {
      const o = this.tagOwner.get(t);
      if (o !== undefined) replaced.add(o);
    }
    if (replaced.size > 0) {
      let old = 0n;
      for (const r of replaced) old += r.tx.valid.priority;
      if (e.tx.valid.priority <= old) return new PoolError({ code: 'TooLowPriority', old, new: e.tx.valid.priority });
    }

    const size = e.tx.bytes.length;
    const goesReady = this.computeMissing(e, replaced).size === 0;
    if (goesReady ? size > this.limits.readyBytes : size > this.limits.futureBytes) {
      return new PoolError({ code: 'ImmediatelyDropped' });
    }
    if (strict && !goesReady && e.senderHex !== undefined && e.tx.nonce !== undefined) {
      // It would wait in FUTURE behind a nonce that was refused for lack of room: nothing would ever make it ready.
      const r = this.refusedNonces.get(e.senderHex);
      if (r !== undefined && r < e.tx.nonce) return new PoolError({ code: 'ImmediatelyDropped', detail: refusedNonceDetail(r) });
    }
    if (strict && goesReady) {
      let count = this.readyHeap.size + 1;
      let bytes = this.readyBytes + size;
      for (const r of replaced) {
        if (r.state !== 'ready') continue;
        count--;
        bytes -= r.tx.bytes.length;
      }
      if (count > this.limits.readyCount || bytes > this.limits.readyBytes) {
        const worst = this.readyHeap.peek();
        // Ties go against the newcomer, so equal-fee floods cannot churn the queue.
        if (worst !== undefined && !replaced.has(worst) && e.tx.valid.priority <= worst.tx.valid.priority) {
          // Its signature was checked (validation): the sender's later nonces waiting for it go, and later ones are refused.
          if (e.senderHex !== undefined && e.tx.nonce !== undefined) this.recordRefused(e.senderHex, e.tx.nonce, true, 'refused: the ready queue is full');
          return new PoolError({ code: 'TooLowPriority', old: worst.tx.valid.priority, new: e.tx.valid.priority });
        }
      }
    }

    for (const r of replaced) {
      this.events.push([r.tx.hashHex, { type: 'usurped', by: e.tx.hash }]);
      // Dependents go to FUTURE for a moment; inserting `e` (which provides the same tags) brings them back.
      this.removeEntry(r, 'demote');
    }
    this.insert(e);
    return undefined;
  }

  /** Add a validated entry that conflicts with nothing. */
  private insert(e: Entry): void {
    this.byHash.set(e.tx.hashHex, e);
    for (const t of e.provides) this.tagOwner.set(t, e);
    if (e.senderHex !== undefined && e.tx.nonce !== undefined) {
      let m = this.bySender.get(e.senderHex);
      if (m === undefined) this.bySender.set(e.senderHex, (m = new Map()));
      m.set(e.tx.nonce, e);
    }
    if (!this.touched.has(e)) this.touched.set(e, 'new');
    const missing = this.computeMissing(e);
    if (missing.size === 0) this.makeReady(e);
    else this.attachFuture(e, missing);
    if (e.senderHex !== undefined && e.tx.nonce !== undefined) {
      // The refused nonce is back, or the chain is past it (a later nonce is ready): forget the refusal.
      const r = this.refusedNonces.get(e.senderHex);
      if (r !== undefined && (e.tx.nonce === r || (e.tx.nonce > r && e.state === 'ready'))) this.refusedNonces.delete(e.senderHex);
    }
  }

  /** Required tags of `e` that no ready transaction (other than those in `exclude`) nor the chain provides. */
  private computeMissing(e: Entry, exclude?: ReadonlySet<Entry>): Set<string> {
    let missing: Set<string> | undefined;
    for (const t of e.requires) {
      const o = this.tagOwner.get(t);
      if (o !== undefined && o !== e && o.state === 'ready' && !(exclude?.has(o) ?? false)) continue;
      if (this.isPruned(t)) continue;
      (missing ??= new Set()).add(t);
    }
    return missing ?? NO_TAGS;
  }

  private isPruned(tag: string): boolean {
    for (const s of this.pruned) if (s.has(tag)) return true;
    return false;
  }

  private touch(e: Entry): void {
    if (!this.touched.has(e)) this.touched.set(e, e.state);
  }

  // ---------------------------------------------------------------- graph maintenance

  /** Move `first` (new or future, with nothing missing) to READY, then every future transaction this unblocks. */
  private makeReady(first: Entry): void {
    const queue = [first];
    // Breadth-first over a growing array: long nonce chains never recurse.
    for (let i = 0; i < queue.length; i++) {
      const e = queue[i];
      this.touch(e);
      if (e.state === 'future') this.detachFuture(e);
      e.state = 'ready';
      // New and future entries have no dependents: the set is already empty.
      e.unlocks.clear();
      e.providers = 0;
      for (const t of e.requires) {
        const o = this.tagOwner.get(t);
        if (o !== undefined && o !== e && o.state === 'ready' && !o.unlocks.has(e)) {
          o.unlocks.add(e);
          e.providers++;
        }
      }
      if (e.providers === 0) this.roots.add(e);
      this.readyHeap.push(e);
      this.readyBytes += e.tx.bytes.length;
      for (const t of e.provides) {
        const ws = this.waiting.get(t);
        if (ws === undefined) continue;
        this.waiting.delete(t);
        for (const w of ws) {
          w.missing.delete(t);
          if (w.missing.size === 0) queue.push(w);
        }
      }
    }
  }

  private attachFuture(e: Entry, missing: Set<string>): void {
    this.touch(e);
    e.state = 'future';
    e.missing = missing;
    // A demoted entry's old set is still being walked by the caller: give it a fresh one.
    if (e.unlocks.size > 0) e.unlocks = new Set();
    e.providers = 0;
    for (const t of missing) {
      let ws = this.waiting.get(t);
      if (ws === undefined) this.waiting.set(t, (ws = new Set()));
      ws.add(e);
    }
    this.futureHeap.push(e);
    this.futureBytes += e.tx.bytes.length;
  }

  private detachFuture(e: Entry): void {
    for (const t of e.missing) {
      const ws = this.waiting.get(t);
      if (ws === undefined) continue;
      ws.delete(e);
      if (ws.size === 0) this.waiting.delete(t);
    }
    e.missing = NO_TAGS;
    this.futureHeap.remove(e);
    this.futureBytes -= e.tx.bytes.length;
  }

  /** Take a READY entry out of the graph (its own `unlocks` are left for the caller). */
  private detachReady(e: Entry): void {
    for (const t of e.requires) {
      const o = this.tagOwner.get(t);
      if (o !== undefined && o !== e && o.state === 'ready') o.unlocks.delete(e);
    }
    this.roots.delete(e);
    this.readyHeap.remove(e);
    this.readyBytes -= e.tx.bytes.length;
  }

  /** Forget `e`'s hash, tags and sender index entry. */
  private unlink(e: Entry): void {
    this.byHash.delete(e.tx.hashHex);
    for (const t of e.provides) if (this.tagOwner.get(t) === e) this.tagOwner.delete(t);
    if (e.senderHex !== undefined && e.tx.nonce !== undefined) {
      const m = this.bySender.get(e.senderHex);
      if (m !== undefined && m.get(e.tx.nonce) === e) {
        m.delete(e.tx.nonce);
        if (m.size === 0) this.bySender.delete(e.senderHex);
      }
    }
  }

  /**
   * Remove `e`. What happens to its ready dependents depends on `mode`:
   * - `prune`: it was included in a block, so the tags it provided are now on chain; they stay ready;
   * - `demote`: they move to FUTURE (unless the chain provides the tag), with their own dependents;
   * - `subtree`: they are removed too (Substrate's `remove_subtree`).
   * Returns every removed entry, `e` first.
   */
  private removeEntry(e: Entry, mode: 'prune' | 'demote' | 'subtree'): Entry[] {
    if (e.state === 'removed') return [];
    this.touch(e);
    if (e.state === 'future') {
      this.unlink(e);
      this.detachFuture(e);
      e.state = 'removed';
      return [e];
    }
    if (mode === 'subtree') {
      // Collect first: the unlocks sets are what tells us the subtree.
      const all = [e];
      const seen = new Set<Entry>(all);
      for (let i = 0; i < all.length; i++) {
        for (const d of all[i].unlocks) {
          if (!seen.has(d)) {
            seen.add(d);
            all.push(d);
          }
        }
      }
      for (const x of all) {
        this.touch(x);
        this.unlink(x);
        if (x.state === 'ready') this.detachReady(x);
        else if (x.state === 'future') this.detachFuture(x);
        x.state = 'removed';
      }
      return all;
    }
    this.unlink(e);
    this.detachReady(e);
    e.state = 'removed';
    const deps = e.unlocks;
    e.unlocks = new Set();
    if (mode === 'prune') {
      for (const d of deps) {
        if (d.state !== 'ready') continue;
        d.providers--;
        if (d.providers === 0) this.roots.add(d);
      }
    } else {
      this.demote(deps);
    }
    return [e];
  }

  /** Each of `lost` lost one ready provider: keep it ready if nothing is missing, else move it (and its dependents) to FUTURE. */
  private demote(lost: Iterable<Entry>): void {
    // One stack item per lost provider edge; an entry already demoted is skipped.
    const stack = [...lost];
    while (stack.length > 0) {
      const d = stack.pop()!;
      if (d.state !== 'ready') continue;
      const missing = this.computeMissing(d);
      if (missing.size === 0) {
        d.providers--;
        if (d.providers === 0) this.roots.add(d);
        continue;
      }
      this.touch(d);
      this.detachReady(d);
      const deps = d.unlocks;
      this.attachFuture(d, missing);
      for (const x of deps) stack.push(x);
    }
  }

  /** Evict until both queues are within their limits; evicted transactions are `dropped`. */
  private enforceLimits(): void {
    const l = this.limits;
    while (this.readyHeap.size > l.readyCount || this.readyBytes > l.readyBytes) {
      const worst = this.readyHeap.peek()!;
      const removed = this.removeEntry(worst, 'subtree');
      this.logger.debug({ hash: worst.tx.hashHex, dependents: removed.length - 1 }, 'txpool: ready queue full, evicted');
      for (const x of removed) {
        this.events.push([
          x.tx.hashHex,
          { type: 'dropped', reason: x === worst ? 'ready queue full' : `depends on evicted ${worst.tx.hashHex}` },
        ]);
      }
      // Each sender's lowest evicted nonce: what its later nonces in FUTURE now wait for in vain.
      const lowest = new Map<string, number>();
      for (const x of removed) {
        if (x.senderHex === undefined || x.tx.nonce === undefined) continue;
        const n = lowest.get(x.senderHex);
        if (n === undefined || x.tx.nonce < n) lowest.set(x.senderHex, x.tx.nonce);
      }
      for (const [sender, n] of lowest) this.recordRefused(sender, n, true, 'dropped: the ready queue is full');
    }
    while (this.futureHeap.size > l.futureCount || this.futureBytes > l.futureBytes) {
      const oldest = this.futureHeap.peek()!;
      this.removeEntry(oldest, 'subtree');
      this.logger.debug({ hash: oldest.tx.hashHex }, 'txpool: future queue full, evicted');
      this.events.push([oldest.tx.hashHex, { type: 'dropped', reason: 'future queue full' }]);
    }
  }

  // ---------------------------------------------------------------- nonces refused for lack of room

  /**
   * Nonce `nonce` (0 ..= 2^32-1) of `sender` was refused for lack of room before it reached the pool (the caller
   * skipped its checks because the pool or the node's intake was full). The caller makes sure it is not below the
   * sender's nonce on chain. Until a transaction of the sender with that nonce enters the pool, a later nonce of the
   * sender is ready (the chain passed it) or {@link forgetRefusedNonce}, a later nonce of the sender that would wait in
   * FUTURE is refused (`ImmediatelyDropped`, naming the refused one), since nothing would ever make it ready: a wallet
   * learns at once to send the refused nonce again, instead of waiting for a transaction the pool holds but cannot
   * include. (The pool cannot tell when the chain passes the nonce through another node's block: the caller, which
   * knows the sender's nonce on chain, forgets a record that fell behind it.)
   *
   * With `dropLater`, the sender's later nonces already waiting in FUTURE for it are dropped now, each with the reason.
   * The pool does this itself when it refuses or evicts a transaction for lack of room (its signature checked by
   * validation); a caller must pass `dropLater` only for a refusal whose signature it checked, since an unchecked one
   * could be anyone's and must not cost the sender what it already has in the pool.
   * Nothing is recorded when the pool holds the sender's transaction with that nonce.
   */
  noteRefusedNonce(sender: Uint8Array, nonce: number, dropLater = false): void {
    try {
      this.recordRefused(toHexRaw(sender), nonce, dropLater, 'refused for lack of room');
    } finally {
      this.flush();
    }
  }

  /** Whether the pool holds a transaction of `sender` with a nonce above `nonce` (0 ..= 2^32-1) waiting in FUTURE. */
  holdsLaterFuture(sender: Uint8Array, nonce: number): boolean {
    const held = this.bySender.get(toHexRaw(sender));
    if (held === undefined) return false;
    for (const [n, e] of held) if (n > nonce && e.state === 'future') return true;
    return false;
  }

  /** The sender's nonce noted as refused for lack of room (see {@link noteRefusedNonce}), if any. */
  refusedNonce(sender: Uint8Array): number | undefined {
    return this.refusedNonces.get(toHexRaw(sender));
  }

  /** Forget the sender's nonce noted as refused (the chain is past it). */
  forgetRefusedNonce(sender: Uint8Array): void {
    this.refusedNonces.delete(toHexRaw(sender));
  }

  /** Senders with a nonce noted as refused for lack of room; 0 ..= {@link MAX_REFUSED_SENDERS}. */
  refusedSenders(): number {
    return this.refusedNonces.size;
  }

  private recordRefused(senderHex: string, nonce: number, dropLater: boolean, what: string): void {
    const held = this.bySender.get(senderHex);
    if (held?.has(nonce) === true) return;
    this.refusedNonces.delete(senderHex);
    this.refusedNonces.set(senderHex, nonce);
    if (this.refusedNonces.size > MAX_REFUSED_SENDERS) this.refusedNonces.delete(this.refusedNonces.keys().next().value as string);
    if (!dropLater || held === undefined) return;
    // Only FUTURE ones can be later than a missing nonce that is not below the chain's.
    const later: Entry[] = [];
    for (const [n, e] of held) if (n > nonce && e.state === 'future') later.push(e);
    for (const e of later) {
      this.removeEntry(e, 'subtree');
      this.events.push([
        e.tx.hashHex,
        { type: 'dropped', reason: `nonce ${nonce} of the sender was ${what}, so this transaction (nonce ${e.tx.nonce}) could never become ready: send nonce ${nonce} again, then this one` },
      ]);
    }
    if (later.length > 0) this.logger.debug({ sender: senderHex, nonce, dropped: later.length }, 'txpool: later nonces of a sender dropped after its nonce found no room');
  }

  // ---------------------------------------------------------------- bans

  private isBanned(hashHex: string): boolean {
    const until = this.banned.get(hashHex);
    if (until === undefined) return false;
    if (until <= this.now()) {
      this.banned.delete(hashHex);
      return false;
    }
    return true;
  }

  private ban(hashHex: string): void {
    if (this.banTimeMs <= 0) return;
    // Re-insert so Map order stays (roughly) expiry order.
    this.banned.delete(hashHex);
    this.banned.set(hashHex, this.now() + this.banTimeMs);
    if (this.banned.size > this.maxBanned) {
      const oldest = this.banned.keys().next().value as string;
      this.banned.delete(oldest);
    }
  }

  private clearExpiredBans(): void {
    const now = this.now();
    for (const [h, until] of this.banned) {
      if (until > now) break;
      this.banned.delete(h);
    }
  }

  // ---------------------------------------------------------------- queries

  /**
   * Best-first iterator over ready transactions, honouring dependencies: a transaction comes only
   * after those providing its requirements; among the available ones, highest priority first, ties
   * by insertion order. Call `reportInvalid(tx)` on the iterator to skip everything depending on `tx`.
   */
  ready(): ReadyIterator {
    return new ReadyIterator(this.roots, this.byHash, this.tagOwner);
  }

  /** Every pool transaction (ready and future), in submission order. */
  pending(): PoolTransaction[] {
    const out: PoolTransaction[] = [];
    for (const e of this.byHash.values()) out.push(e.tx);
    return out;
  }

  /** The pool transaction with this hash (bytes or `0x` hex). */
  get(hash: Uint8Array | string): PoolTransaction | undefined {
    return this.byHash.get(hashKey(hash))?.tx;
  }

  /** Whether the hash is in the pool. */
  has(hash: Uint8Array | string): boolean {
    return this.byHash.has(hashKey(hash));
  }

  /** Where the hash stands now; for a future transaction, which required tags it still waits for. */
  status(hash: Uint8Array | string): PoolTxState {
    const key = hashKey(hash);
    const e = this.byHash.get(key);
    if (e !== undefined) {
      if (e.state === 'ready') return { type: 'ready' };
      const waitingFor: Uint8Array[] = [];
      e.requires.forEach((t, i) => {
        if (e.missing.has(t)) waitingFor.push(e.tx.valid.requires[i]);
      });
      return { type: 'future', waitingFor };
    }
    if (this.isBanned(key)) return { type: 'banned', until: this.banned.get(key)! };
    return { type: 'unknown' };
  }

  /** Number of transactions in each queue. */
  size(): PoolSize {
    const ready = this.readyHeap.size;
    const future = this.futureHeap.size;
    return { ready, future, total: ready + future };
  }

  /**
   * When a new transaction of `priority` and `bytes` (0 ..= 2^53-1) finds no room in the ready queue (it is full and its
   * worst transaction is at least as good), that worst priority; else undefined. The room check of `submit`, for
   * callers that can skip costly work (a signature check) on what the pool would refuse anyway.
   */
  noRoomFor(priority: bigint, bytes: number): bigint | undefined {
    const worst = this.readyHeap.peek();
    if (worst === undefined) return undefined;
    const full = this.readyHeap.size + 1 > this.limits.readyCount || this.readyBytes + bytes > this.limits.readyBytes;
    return full && priority <= worst.tx.valid.priority ? worst.tx.valid.priority : undefined;
  }

  /** Whether the pool holds a transaction of `sender` (as validation reported it) with this nonce (0 ..= 2^32-1). */
  holdsNonce(sender: Uint8Array, nonce: number): boolean {
    return this.bySender.get(toHexRaw(sender))?.has(nonce) ?? false;
  }

  /** Encoded bytes held by each queue. */
  bytes(): PoolSize {
    return { ready: this.readyBytes, future: this.futureBytes, total: this.readyBytes + this.futureBytes };
  }

  /**
   * The nonce the sender's next transaction should use: `stateNonce` advanced past every
   * consecutive nonce of this sender already in the pool (ready, or future but contiguous).
   * @param stateNonce the sender's nonce in the best state; 0 ..= 2^32-1.
   */
  nextNonce(sender: Uint8Array, stateNonce: number): number {
    const m = this.bySender.get(toHexRaw(sender));
    let n = stateNonce;
    if (m === undefined) return n;
    while (m.has(n)) n++;
    return n;
  }

  // ---------------------------------------------------------------- removal and block events

  /**
   * Remove transactions (e.g. `author_removeExtrinsic`) with the ready ones that depend on them.
   * Removed roots get `dropped` (or `invalid` and a ban when `opts.ban`); dependents get `dropped`.
   * Returns every removed transaction.
   */
  remove(hashes: Iterable<Uint8Array | string>, reason: string, opts: { ban?: boolean } = {}): PoolTransaction[] {
    const out: PoolTransaction[] = [];
    try {
      for (const h of hashes) {
        const key = hashKey(h);
        const e = this.byHash.get(key);
        if (opts.ban === true) this.ban(key);
        if (e === undefined) continue;
        for (const x of this.removeEntry(e, 'subtree')) {
          out.push(x.tx);
          let status: TxStatus;
          if (x !== e) status = { type: 'dropped', reason: `depends on removed ${key}: ${reason}` };
          else status = opts.ban === true ? { type: 'invalid', reason } : { type: 'dropped', reason };
          this.events.push([x.tx.hashHex, status]);
        }
      }
    } finally {
      this.flush();
    }
    return out;
  }

  /**
   * A new best block was imported (the validation function already sees its state).
   * Included transactions leave the pool (`inBlock`) and are banned so copies still travelling on
   * the network are not re-imported; their tags count as provided by the chain. Transactions past
   * their longevity are removed (`invalid`, banned). With `revalidate`, every remaining
   * transaction is validated again: invalid ones are removed (`invalid`; banned unless `Stale`),
   * unknown ones are dropped, the rest re-sorted into ready and future. A number `k` (0 ..= 2^32-1)
   * bounds the work: every future transaction (a limited queue: the block may have provided what it
   * waits for) and the `k` ready ones validated longest ago are validated again; the rest wait for a
   * later block (block authoring skips what became invalid meanwhile).
   */
  onBlockImported(block: ImportedBlock, revalidate: boolean | number = true): void {
    try {
      this.bestNumber = block.blockNumber;
      const pending: PendingBlock = { blockHash: block.blockHash, number: block.blockNumber, txs: new Map() };
      const prunedNow = new Set<string>();
      this.pruned = [prunedNow, ...this.pruned.slice(0, RECENTLY_PRUNED_BLOCKS - 1)];

      for (const inc of block.included) {
        const key = toHex(inc.hash);
        const e = this.byHash.get(key);
        if (e !== undefined) {
          for (const t of e.provides) prunedNow.add(t);
          this.removeEntry(e, 'prune');
          this.ban(key);
        }
        if (this.watchers.has(key)) {
          this.events.push([key, { type: 'inBlock', blockHash: block.blockHash, index: inc.index }]);
          pending.txs.set(key, inc.index);
        }
      }
      // Future transactions waiting for what the block provided.
      for (const t of prunedNow) {
        const ws = this.waiting.get(t);
        if (ws === undefined) continue;
        this.waiting.delete(t);
        for (const w of ws) {
          w.missing.delete(t);
          if (w.missing.size === 0 && w.state === 'future') this.makeReady(w);
        }
      }

      const bn = BigInt(block.blockNumber);
      const expired: Entry[] = [];
      for (const e of this.byHash.values()) if (e.validTill < bn) expired.push(e);
      for (const e of expired) {
        this.removeEntry(e, 'demote');
        this.ban(e.tx.hashHex);
        this.events.push([e.tx.hashHex, { type: 'invalid', reason: 'Stale: transaction longevity expired' }]);
      }

      if (revalidate === true) this.revalidateAll();
      else if (typeof revalidate === 'number') this.revalidateSome(revalidate);
      this.enforceLimits();
      this.clearExpiredBans();

      if (pending.txs.size > 0) this.pendingBlocks.set(toHex(block.blockHash), pending);
      for (const [key, p] of this.pendingBlocks) {
        if (p.number + FINALITY_TIMEOUT_BLOCKS >= block.blockNumber) continue;
        for (const h of p.txs.keys()) this.events.push([h, { type: 'finalityTimeout', blockHash: p.blockHash }]);
        this.pendingBlocks.delete(key);
      }
    } finally {
      this.flush();
    }
  }

  /** Validate every pool transaction again and rebuild both queues (keeping submission order). */
  private revalidateAll(): void {
    const all = [...this.byHash.values()].sort((a, b) => a.tx.insertedAt - b.tx.insertedAt);
    for (const e of all) this.touch(e);
    this.byHash.clear();
    this.tagOwner.clear();
    this.waiting.clear();
    this.roots.clear();
    this.readyHeap.clear();
    this.futureHeap.clear();
    this.bySender.clear();
    this.readyBytes = 0;
    this.futureBytes = 0;
    for (const e of all) {
      e.state = 'removed';
      e.missing = NO_TAGS;
      e.unlocks = new Set();
      e.providers = 0;
    }
    this.readmit(all);
  }

  /**
   * Validate again every future transaction and the `maxReady` (0 ..= 2^32-1) ready ones validated longest ago
   * (oldest submission first among equals); the rest of the graph stays as it is.
   */
  private revalidateSome(maxReady: number): void {
    // `byHash` keeps entries in the order they were last admitted (submission or re-admission, each at the best block
    // of the time), which is the order of `checkedAt`: its first ready entries are the ones validated longest ago, with
    // no sort of the whole ready queue on every block.
    const chosen: Entry[] = [];
    let ready = 0;
    for (const e of this.byHash.values()) {
      if (e.state === 'future') chosen.push(e);
      else if (ready < maxReady) {
        chosen.push(e);
        ready++;
      }
    }
    chosen.sort((a, b) => a.tx.insertedAt - b.tx.insertedAt);
    // Out of the graph first (their ready dependents wait in FUTURE meanwhile; re-admission brings them back).
    for (const e of chosen) this.removeEntry(e, 'demote');
    for (const e of chosen) {
      e.missing = NO_TAGS;
      e.unlocks = new Set();
      e.providers = 0;
    }
    this.readmit(chosen);
  }

  /** Validate `entries` (out of the pool, in submission order) again and admit the valid ones. */
  private readmit(all: Entry[]): void {
    let invalid = 0;
    for (const e of all) {
      let outcome: ValidationOutcome;
      try {
        outcome = this.validate(e.tx.bytes, e.tx.hash, e.tx.source);
      } catch (err) {
        // A throwing validator must not leave the pool half rebuilt.
        this.logger.warn({ hash: e.tx.hashHex, err }, 'txpool: validate threw during revalidation');
        outcome = { ok: false, kind: 'unknown', reason: 'Custom', message: String(err) };
      }
      if (!outcome.ok) {
        invalid++;
        if (outcome.kind === 'invalid') {
          if (outcome.reason !== 'Stale') this.ban(e.tx.hashHex);
          this.events.push([e.tx.hashHex, { type: 'invalid', reason: `${outcome.reason}: ${outcome.message}` }]);
        } else {
          this.events.push([e.tx.hashHex, { type: 'dropped', reason: `Unknown ${outcome.reason}: ${outcome.message}` }]);
        }
        continue;
      }
      e.tx = { ...e.tx, valid: outcome.valid, sender: outcome.sender, nonce: outcome.nonce };
      setValidation(e, outcome);
      e.checkedAt = this.bestNumber;
      // Longevity counts from submission; a runtime that now reports less remaining time can only shorten it.
      const till = BigInt(this.bestNumber) + outcome.valid.longevity;
      if (till < e.validTill) e.validTill = till;
      const err = this.admit(e, false);
      if (err !== undefined) {
        this.events.push([e.tx.hashHex, { type: 'dropped', reason: err.message }]);
      }
    }
    this.logger.debug({ revalidated: all.length, removed: invalid }, 'txpool: revalidated');
  }

  /**
   * The block is final: watched transactions it included get `finalized`. `included` lists its
   * extrinsics (hashes, whose index is then taken from the `inBlock` record or the list position,
   * or `{hash, index}`); when omitted, the transactions recorded at import are used. Watched
   * transactions in other pending blocks at or below its height get `finalityTimeout`.
   */
  onBlockFinalized(blockHash: Uint8Array, included?: ReadonlyArray<Uint8Array | IncludedTx>): void {
    try {
      const blockKey = toHex(blockHash);
      const rec = this.pendingBlocks.get(blockKey);
      this.pendingBlocks.delete(blockKey);
      if (included !== undefined) {
        included.forEach((item, pos) => {
          const h = item instanceof Uint8Array ? item : item.hash;
          const key = toHex(h);
          if (!this.watchers.has(key)) return;
          const index = item instanceof Uint8Array ? (rec?.txs.get(key) ?? pos) : item.index;
          this.events.push([key, { type: 'finalized', blockHash, index }]);
        });
      } else if (rec !== undefined) {
        for (const [key, index] of rec.txs) this.events.push([key, { type: 'finalized', blockHash, index }]);
      }
      const height = rec?.number ?? this.bestNumber;
      for (const [key, p] of this.pendingBlocks) {
        if (p.number > height) continue;
        for (const h of p.txs.keys()) this.events.push([h, { type: 'finalityTimeout', blockHash: p.blockHash }]);
        this.pendingBlocks.delete(key);
      }
    } finally {
      this.flush();
    }
  }

  /** The network layer sent these transactions to `peers`: watchers get `broadcast`. */
  notifyBroadcast(hashes: Iterable<Uint8Array | string>, peers: string[]): void {
    for (const h of hashes) {
      const key = hashKey(h);
      if (this.byHash.has(key)) this.events.push([key, { type: 'broadcast', peers }]);
    }
    this.flush();
  }

  // ---------------------------------------------------------------- watchers

  /**
   * Follow a transaction's status. If it is in the pool, the listener is called at once with
   * `ready` or `future`; afterwards with every change, in order, until a terminal status.
   * Returns the function that stops watching.
   */
  watch(hash: Uint8Array | string, listener: TxStatusListener): () => void {
    const key = hashKey(hash);
    let set = this.watchers.get(key);
    if (set === undefined) this.watchers.set(key, (set = new Set()));
    set.add(listener);
    const e = this.byHash.get(key);
    if (e !== undefined && e.state !== 'removed') this.call(listener, { type: e.state });
    return () => {
      const s = this.watchers.get(key);
      if (s === undefined) return;
      s.delete(listener);
      if (s.size === 0) this.watchers.delete(key);
    };
  }

  /** Called with each transaction that newly becomes ready (submitted or promoted); for gossip. Returns the unsubscribe function. */
  onReady(listener: (tx: PoolTransaction) => void): () => void {
    this.readyListeners.add(listener);
    return () => {
      this.readyListeners.delete(listener);
    };
  }

  /** Number of hashes with at least one watcher; 0 ..= 2^32-1. */
  watchedCount(): number {
    return this.watchers.size;
  }

  /**
   * End of an operation: turn its queue changes into events (now, before any listener can change
   * the pool again), then deliver everything queued. Listeners may call back into the pool; the
   * events of such a nested operation are appended and delivered by the outer loop, in order.
   */
  private flush(): void {
    if (this.touched.size > 0) {
      for (const [e, before] of this.touched) {
        if (e.state === 'removed' || e.state === before) continue;
        this.events.push([e.tx.hashHex, { type: e.state }, e.state === 'ready' ? e.tx : undefined]);
      }
      this.touched = new Map();
    }
    if (this.flushing || this.events.length === 0) return;
    this.flushing = true;
    try {
      // The queue may grow while we walk it.
      for (let i = 0; i < this.events.length; i++) {
        const [key, status, readyTx] = this.events[i];
        this.emit(key, status);
        if (readyTx !== undefined) for (const l of this.readyListeners) this.call(l, readyTx);
      }
    } finally {
      this.events = [];
      this.flushing = false;
    }
  }

  private emit(key: string, status: TxStatus): void {
    const set = this.watchers.get(key);
    if (set === undefined) return;
    if (TERMINAL_STATUSES.has(status.type)) this.watchers.delete(key);
    for (const l of [...set]) this.call(l, status);
  }

  private call<A>(listener: (a: A) => void, arg: A): void {
    try {
      listener(arg);
    } catch (err) {
      this.logger.warn({ err }, 'txpool: listener threw');
    }
  }

  // ---------------------------------------------------------------- invariants

  /** Check every internal index against the others; throws describing the first violation. For tests. */
  checkInvariants(): void {
    const fail = (msg: string): never => {
      throw new Error(`txpool invariant: ${msg}`);
    };
    let readyCount = 0;
    let futureCount = 0;
    let readyBytes = 0;
    let futureBytes = 0;
    let lastChecked = -1; // bounded revalidation relies on `byHash` being in `checkedAt` order
    for (const [key, e] of this.byHash) {
      if (key !== e.tx.hashHex) fail(`key ${key} holds ${e.tx.hashHex}`);
      if (e.checkedAt < lastChecked) fail(`${key} checked at ${e.checkedAt} after one checked at ${lastChecked}`);
      lastChecked = e.checkedAt;
      for (const t of e.provides) if (this.tagOwner.get(t) !== e) fail(`tag ${t} not owned by ${key}`);
      if (e.state === 'ready') {
        readyCount++;
        readyBytes += e.tx.bytes.length;
        if (!this.readyHeap.has(e)) fail(`${key} ready but not in ready heap`);
        const providers = new Set<Entry>();
        for (const t of e.requires) {
          const o = this.tagOwner.get(t);
          if (o !== undefined && o !== e && o.state === 'ready') {
            providers.add(o);
            if (!o.unlocks.has(e)) fail(`${o.tx.hashHex} does not unlock ${key}`);
          }
        }
        if (providers.size !== e.providers) fail(`${key} providers ${e.providers} != ${providers.size}`);
        if ((e.providers === 0) !== this.roots.has(e)) fail(`${key} root flag wrong`);
        for (const d of e.unlocks) {
          if (d.state !== 'ready' || this.byHash.get(d.tx.hashHex) !== d) fail(`${key} unlocks non-ready ${d.tx.hashHex}`);
          if (!d.requires.some((t) => e.provides.includes(t))) fail(`${key} unlocks unrelated ${d.tx.hashHex}`);
        }
        if (e.missing.size !== 0) fail(`${key} ready with missing tags`);
      } else if (e.state === 'future') {
        futureCount++;
        futureBytes += e.tx.bytes.length;
        if (!this.futureHeap.has(e)) fail(`${key} future but not in future heap`);
        if (e.missing.size === 0) fail(`${key} future with nothing missing`);
        for (const t of e.missing) {
          if (!this.waiting.get(t)?.has(e)) fail(`${key} not waiting on ${t}`);
          const o = this.tagOwner.get(t);
          if (o !== undefined && o.state === 'ready') fail(`${key} waits on ${t} provided by ready ${o.tx.hashHex}`);
        }
      } else {
        fail(`${key} is in the pool with state removed`);
      }
    }
    for (const [t, o] of this.tagOwner) if (this.byHash.get(o.tx.hashHex) !== o) fail(`tag ${t} owned by a removed tx`);
    for (const [t, ws] of this.waiting) {
      if (ws.size === 0) fail(`empty waiting set for ${t}`);
      for (const w of ws) if (w.state !== 'future' || !w.missing.has(t)) fail(`${w.tx.hashHex} wrongly waits on ${t}`);
    }
    for (const r of this.roots) if (r.state !== 'ready' || this.byHash.get(r.tx.hashHex) !== r) fail('stale root');
    if (readyCount !== this.readyHeap.size) fail(`ready heap ${this.readyHeap.size} != ${readyCount}`);
    if (futureCount !== this.futureHeap.size) fail(`future heap ${this.futureHeap.size} != ${futureCount}`);
    if (readyBytes !== this.readyBytes) fail(`ready bytes ${this.readyBytes} != ${readyBytes}`);
    if (futureBytes !== this.futureBytes) fail(`future bytes ${this.futureBytes} != ${futureBytes}`);
    for (const [s, n] of this.refusedNonces) if (this.bySender.get(s)?.has(n) === true) fail(`sender ${s} refused nonce ${n} is in the pool`);
    if (this.refusedNonces.size > MAX_REFUSED_SENDERS) fail(`${this.refusedNonces.size} refused senders`);
    for (const [s, m] of this.bySender) {
      for (const [n, e] of m) {
        if (e.senderHex !== s || e.tx.nonce !== n || this.byHash.get(e.tx.hashHex) !== e) fail(`sender index ${s}/${n}`);
      }
    }
  }
}

/** Why a later nonce is refused while an earlier one (0 ..= 2^32-1) of its sender, refused for lack of room, is missing. */
export function refusedNonceDetail(nonce: number): string {
  return `nonce ${nonce} of the sender was refused for lack of room and is not in the pool, so this transaction could never become ready: send nonce ${nonce} again first`;
}

/** Copy the tag and sender views of a validation result into `e`. */
function setValidation(e: Entry, outcome: Extract<ValidationOutcome, { ok: true }>): void {
  e.provides = outcome.valid.provides.map(toHexRaw);
  e.requires = outcome.valid.requires.map(toHexRaw);
  e.senderHex = outcome.sender !== undefined ? toHexRaw(outcome.sender) : undefined;
}

/** Heap node of the ready iterator (its own slot, so it never disturbs the pool's heaps). */
interface IterNode extends HeapSlot {
  entry: Entry;
}

/**
 * Best-first walk over the ready graph (Substrate's `BestIterator`), reading the pool live:
 * a transaction removed from the pool meanwhile is skipped together with what depends on it.
 */
export class ReadyIterator implements IterableIterator<PoolTransaction> {
  private readonly heap = new IndexedHeap<IterNode>((a, b) => betterReady(a.entry, b.entry));
  /** Dependents reached from some but not yet all of their providers → providers still to come. */
  private readonly awaiting = new Map<Entry, number>();
  private readonly skipped = new Set<Entry>();
  private readonly yielded = new Map<string, Entry>();

  /** @internal Created by {@link TransactionPool.ready}. */
  constructor(
    roots: Iterable<Entry>,
    private readonly byHash: ReadonlyMap<string, Entry>,
    private readonly tagOwner: ReadonlyMap<string, Entry>,
  ) {
    for (const r of roots) this.heap.push({ entry: r, heapPos: -1 });
  }

  /** The next transaction whose requirements are all met, best first. */
  next(): IteratorResult<PoolTransaction> {
    for (;;) {
      const node = this.heap.pop();
      if (node === undefined) return { done: true, value: undefined };
      const e = node.entry;
      if (this.skipped.has(e) || this.yielded.has(e.tx.hashHex)) continue;
      if (e.state !== 'ready' || this.byHash.get(e.tx.hashHex) !== e || !this.providersYielded(e)) continue;
      this.yielded.set(e.tx.hashHex, e);
      for (const d of e.unlocks) {
        const left = (this.awaiting.get(d) ?? d.providers) - 1;
        if (left <= 0) {
          this.awaiting.delete(d);
          this.heap.push({ entry: d, heapPos: -1 });
        } else {
          this.awaiting.set(d, left);
        }
      }
      return { done: false, value: e.tx };
    }
  }

  /**
   * The block author could not include `tx` (invalid, or the block is full for it): skip every
   * transaction that depends on it, directly or not (Substrate's `report_invalid`).
   */
  reportInvalid(tx: PoolTransaction): void {
    const e = this.yielded.get(tx.hashHex) ?? this.byHash.get(tx.hashHex);
    if (e === undefined) return;
    if (!this.yielded.has(tx.hashHex)) this.skipped.add(e);
    // Skipping a dependent stops it from unlocking its own dependents, so the skip is transitive.
    for (const d of e.unlocks) this.skipped.add(d);
  }

  /** Itself, so it works in `for … of`. */
  [Symbol.iterator](): ReadyIterator {
    return this;
  }

  /** Safety net when the pool changed during the walk: every live ready provider must have been yielded. */
  private providersYielded(e: Entry): boolean {
    for (const t of e.requires) {
      const o = this.tagOwner.get(t);
      if (o !== undefined && o !== e && o.state === 'ready' && this.yielded.get(o.tx.hashHex) !== o) return false;
    }
    return true;
  }
}
