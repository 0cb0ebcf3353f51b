/**
 * State repositories: trie nodes (0x06, the archive of every state) and the flat head state (0x07, the
 * current state as plain key → value, for fast reads while executing blocks).
 */
import type { NodeStore, Trie } from '../trie/index.js';
import { compareBytes } from '../primitives/bytes.js';
import { Column, columnKey, prefixUpperBound } from './keys.js';
import { asView, mapKey, readSync, type BatchWriter, type Level, type Snapshot } from './level.js';
import { LruCache } from './lru.js';

/**
 * Trie nodes and V1 hashed values by blake2_256 hash: the nodes of a commit in flight, then an LRU of hot
 * nodes, then a synchronous LevelDB read. Nodes are content-addressed and never deleted, so a cached node
 * can never be stale (except after {@link NodeRepository.overwrite}, which exists for tamper tests).
 */
export class NodeRepository implements NodeStore {
  private readonly cache: LruCache<string, Uint8Array>;
  // Nodes of the batch being written: visible before the write completes, since they are immutable.
  private pending: Map<string, Uint8Array> | undefined;

  /** `cacheEntries`: 0 ≤ n ≤ 2^24 nodes kept in memory. */
  constructor(
    private readonly db: Level,
    cacheEntries: number,
  ) {
    this.cache = new LruCache(cacheEntries);
  }

  /** The encoded node (or hashed value) stored under `hash`, or undefined. */
  get(hash: Uint8Array): Uint8Array | undefined {
    const k = mapKey(hash);
    const p = this.pending?.get(k);
    if (p !== undefined) return p;
    const c = this.cache.get(k);
    if (c !== undefined) return c;
    const v = readSync(this.db, columnKey(Column.TrieNodes, hash));
    if (v !== undefined) this.cache.set(k, v);
    return v;
  }

  /** Append the puts of `nodes` to `ops`. */
  addPutOps(nodes: ReadonlyArray<readonly [Uint8Array, Uint8Array]>, w: BatchWriter): void {
    for (const [hash, encoded] of nodes) w.put(columnKey(Column.TrieNodes, hash), encoded);
  }

  /** Make `nodes` readable while their batch is being written. */
  beginPending(nodes: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): void {
    const m = new Map<string, Uint8Array>();
    for (const [hash, encoded] of nodes) m.set(mapKey(hash), encoded);
    this.pending = m;
  }

  /** End the pending window; after a successful write the new nodes join the LRU (they are the hot ones). */
  endPending(written: boolean): void {
    if (written && this.pending !== undefined) for (const [k, v] of this.pending) this.cache.set(k, v);
    this.pending = undefined;
  }

  /** Tamper support: drop `hash` from the caches so the next read goes to disk. */
  forget(hash: Uint8Array): void {
    this.cache.delete(mapKey(hash));
  }

  /** Tamper support: overwrite (or delete, with null) the node stored under `hash`. */
  addOverwriteOp(hash: Uint8Array, encoded: Uint8Array | null, w: BatchWriter): void {
    const key = columnKey(Column.TrieNodes, hash);
    if (encoded === null) w.del(key);
    else w.put(key, encoded);
  }
}

/**
 * The flat state of the head block: LRU (including cached absence) in front of synchronous LevelDB reads.
 * While a commit is in flight, reads that miss the cache go to a snapshot taken before the write, so a
 * reader sees either the whole old state or, once `applyCommitted` ran, the whole new state.
 */
export class FlatStateRepository {
  // null = known absent.
  private readonly cache: LruCache<string, Uint8Array | null>;
  /** Snapshot of the pre-commit state while a commit is in flight; set and cleared by the database. */
  snapshot: Snapshot | undefined;

  /** `cacheEntries`: 0 ≤ n ≤ 2^24 keys kept in memory. */
  constructor(
    private readonly db: Level,
    cacheEntries: number,
  ) {
    this.cache = new LruCache(cacheEntries);
  }

  /** The value of `key` at the head, or undefined when absent. */
  get(key: Uint8Array): Uint8Array | undefined {
    const k = mapKey(key);
    const c = this.cache.get(k);
    if (c !== undefined) return c ?? undefined;
    const v = readSync(this.db, columnKey(Column.FlatState, key), this.snapshot);
    this.cache.set(k, v ?? null);
    return v;
  }

  /**
   * Keys starting with `prefix`, in byte order, strictly after `startAfter` when given, at most `limit`
   * (0 ≤ limit ≤ 2^32; undefined = all). Reads one consistent LevelDB view.
   */
  async keys(prefix: Uint8Array, startAfter?: Uint8Array, limit?: number): Promise<Uint8Array[]> {
    const keys = await this.db.keys(this.rangeOptions(prefix, startAfter, limit)).all();
    return keys.map((k) => asView(k).subarray(1));
  }

  /** Like {@link keys} with the values. */
  async entries(prefix: Uint8Array, startAfter?: Uint8Array, limit?: number): Promise<Array<[Uint8Array, Uint8Array]>> {
    const rows = await this.db.iterator(this.rangeOptions(prefix, startAfter, limit)).all();
    return rows.map(([k, v]) => [asView(k).subarray(1), asView(v)]);
  }

  /**
   * Walk the whole flat table in key order, `batchSize` rows at a time (1 ≤ batchSize ≤ 2^16),
   * from one consistent view.
   */
  async *scan(batchSize = 1024): AsyncGenerator<[Uint8Array, Uint8Array]> {
    const it = this.db.iterator(this.rangeOptions(new Uint8Array(0), undefined, undefined));
    try {
      for (;;) {
        const rows = await it.nextv(batchSize);
        if (rows.length === 0) return;
        for (const [k, v] of rows) yield [asView(k).subarray(1), asView(v)];
      }
    } finally {
      await it.close();
    }
  }

  /** Append the puts and deletes of `changes` (in order, so a later change of the same key wins). */
  addChangeOps(changes: ReadonlyArray<readonly [Uint8Array, Uint8Array | null]>, w: BatchWriter): void {
    for (const [key, value] of changes) {
      const k = columnKey(Column.FlatState, key);
      if (value === null) w.del(k);
      else w.put(k, value);
    }
  }

  /** After a successful write: make the cache say exactly what disk says for every changed key. */
  applyCommitted(changes: ReadonlyArray<readonly [Uint8Array, Uint8Array | null]>): void {
    for (const [key, value] of changes) this.cache.set(mapKey(key), value);
  }

  private rangeOptions(prefix: Uint8Array, startAfter: Uint8Array | undefined, limit: number | undefined) {
    const lower = columnKey(Column.FlatState, prefix);
    // Column.FlatState < 0xff, so the bound always exists.
    const lt = prefixUpperBound(lower)!;
    const after = startAfter !== undefined ? columnKey(Column.FlatState, startAfter) : undefined;
    const opts: { gte?: Uint8Array; gt?: Uint8Array; lt: Uint8Array; limit?: number; snapshot?: Snapshot } = { lt };
    // startAfter below the prefix range means "from the start of the range".
    if (after !== undefined && compareBytes(after, lower) >= 0) opts.gt = after;
    else opts.gte = lower;
    if (limit !== undefined) opts.limit = limit;
    if (this.snapshot !== undefined) opts.snapshot = this.snapshot;
    return opts;
  }
}

/** A committed head block: hash, number (0 ≤ number < 2^32) and its state root. */
export interface HeadPointer {
  /** Block hash. */
  hash: Uint8Array;
  /** Block number, 0 ≤ number < 2^32. */
  number: number;
  /** State root from the block's header. */
  stateRoot: Uint8Array;
}

/**
 * Reads of the state at the head. A live view: after a commit it reads the new head. For several reads
 * pinned to one block while commits may happen in between, use `ChainDatabase.stateAt(root)`.
 */
export interface HeadState {
  /** The head block this view reads right now. */
  readonly head: HeadPointer;
  /** The state root of the head block. */
  readonly root: Uint8Array;
  /** Value at `key`, synchronous: LRU, then the flat table. The bytes may be shared with the cache: do not mutate. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** Smallest key strictly greater than `key`, synchronous (walks the trie at the head root). */
  nextKey(key: Uint8Array): Uint8Array | undefined;
  /** Keys under `prefix` in byte order, after `startAfter`, at most `limit` (from the flat table). */
  keys(prefix: Uint8Array, startAfter?: Uint8Array, limit?: number): Promise<Uint8Array[]>;
  /** Pairs under `prefix` in byte order, after `startAfter`, at most `limit` (from the flat table). */
  entries(prefix: Uint8Array, startAfter?: Uint8Array, limit?: number): Promise<Array<[Uint8Array, Uint8Array]>>;
}

/** {@link HeadState} over the database's current head. */
export class LiveHeadState implements HeadState {
  /** `currentHead` and `headTrie` are read on every call, so the view follows commits. */
  constructor(
    private readonly flat: FlatStateRepository,
    private readonly currentHead: () => HeadPointer,
    private readonly headTrie: () => Trie,
  ) {}

  /** The head block. */
  get head(): HeadPointer {
    return this.currentHead();
  }

  /** The head's state root. */
  get root(): Uint8Array {
    return this.currentHead().stateRoot;
  }

  /** See {@link HeadState.get}. */
  get(key: Uint8Array): Uint8Array | undefined {
    return this.flat.get(key);
  }

  /** See {@link HeadState.nextKey}. */
  nextKey(key: Uint8Array): Uint8Array | undefined {
    return this.headTrie().nextKey(key);
  }

  /** See {@link HeadState.keys}. */
  keys(prefix: Uint8Array, startAfter?: Uint8Array, limit?: number): Promise<Uint8Array[]> {
    return this.flat.keys(prefix, startAfter, limit);
  }

  /** See {@link HeadState.entries}. */
  entries(prefix: Uint8Array, startAfter?: Uint8Array, limit?: number): Promise<Array<[Uint8Array, Uint8Array]>> {
    return this.flat.entries(prefix, startAfter, limit);
  }
}
