/**
 * The node's database: LevelDB behind one-byte column prefixes (see `README.md`), one small repository
 * per kind of record, and ONE durable atomic batch per committed block, so that a crash at any instant
 * leaves the database at the last committed block with its state intact.
 */
import { ClassicLevel } from 'classic-level';
import { compareBytes, equalBytes, toHex } from '../primitives/bytes.js';
import { blake2_256 } from '../primitives/hashing.js';
import { EMPTY_TRIE_ROOT, NodeCache, Trie, type NodeStore } from '../trie/index.js';
import { BlockRepository, type BlockRecord, type StoredBlock, type TxLocation } from './blocks.js';
import { StorageError, StorageErrorCode } from './errors.js';
import { readHeaderFields, type HeaderFields } from './header.js';
import { SCHEMA_VERSION } from './keys.js';
import type { BatchWriter, Level } from './level.js';
import { MetaRepository } from './meta.js';
import { FlatStateRepository, LiveHeadState, NodeRepository, type HeadPointer, type HeadState } from './state.js';

/** The logging the database does (a `pino` logger fits). */
export interface StorageLogger {
  /** Lifecycle events: open, genesis, close. */
  info(obj: object, msg?: string): void;
  /** Recoverable oddities. */
  warn(obj: object, msg?: string): void;
  /** Per-block detail. */
  debug(obj: object, msg?: string): void;
}

/** Options of {@link ChainDatabase.open}. */
export interface ChainDatabaseOptions {
  /** Where to log. */
  logger: StorageLogger;
  /** Head-state keys cached in memory (values and known absences), 0 ≤ n ≤ 2^24; default 100,000. */
  cacheEntries?: number;
  /** Trie nodes cached in memory, raw and decoded each, 0 ≤ n ≤ 2^24; default 50,000. */
  nodeCacheEntries?: number;
}

/** Everything one block commit writes. */
export interface BlockToCommit extends BlockRecord {
  /** Storage changes of the block, in order (a later change of the same key wins); null deletes. */
  stateChanges: ReadonlyArray<readonly [Uint8Array, Uint8Array | null]>;
  /** New trie nodes and V1 hashed values `[blake2_256(encoded), encoded]` from `Trie.update`. */
  trieNodes: ReadonlyArray<readonly [Uint8Array, Uint8Array]>;
  /** State root after the block; must equal the one in the header. */
  stateRoot: Uint8Array;
}

/** The genesis block: a block commit plus the chain's identity. */
export interface GenesisToCommit extends BlockToCommit {
  /** Chain id from the chain spec. */
  chainId: string;
}

/** Raw writes that bypass blocks, for tests and for exercising the replay auditor. */
export interface Tamper {
  /** Overwrite (value) or delete (null) keys of the flat head state only; the trie is left alone. */
  flat?: ReadonlyArray<readonly [Uint8Array, Uint8Array | null]>;
  /** Overwrite (bytes) or delete (null) the trie node stored under a hash, whatever its content. */
  nodes?: ReadonlyArray<readonly [Uint8Array, Uint8Array | null]>;
}

/** One difference between the flat head state and the trie at the head root. */
export interface StateMismatch {
  /** The key. */
  key: Uint8Array;
  /** Value in the flat table (undefined = absent there). */
  flat: Uint8Array | undefined;
  /** Value in the trie (undefined = absent there). */
  trie: Uint8Array | undefined;
}

const DEFAULT_CACHE_ENTRIES = 100_000;
const DEFAULT_NODE_CACHE_ENTRIES = 50_000;
/** LevelDB memtable size in bytes (see `open`). */
const LEVELDB_WRITE_BUFFER_BYTES = 16 << 20;
/** LevelDB block cache in bytes (default 8 MiB); hot trie nodes and flat keys stay uncompressed in memory. */
const LEVELDB_BLOCK_CACHE_BYTES = 32 << 20;
/** Canonical entries fetched per step when exporting (1 ≤ n ≤ 2^16). */
const EXPORT_CHUNK = 1024;

/** The chain database. Open with {@link ChainDatabase.open}; all writes are serialised and durable. */
export class ChainDatabase {
  private readonly meta: MetaRepository;
  private readonly blocks: BlockRepository;
  private readonly nodes: NodeRepository;
  private readonly flat: FlatStateRepository;
  private readonly headView: LiveHeadState;
  private readonly nodeCache: NodeCache;
  private head: HeadPointer | undefined;
  private headTrie: Trie | undefined;
  // Writes run one after another in call order; `tail` settles when the last queued write has.
  private tail: Promise<unknown> = Promise.resolve();
  private writesQueued = 0; // writes queued or running, 0 ≤ n < 2^53
  private closed = false;
  private poisoned: unknown = undefined;

  private constructor(
    private readonly db: Level,
    private readonly logger: StorageLogger,
    nodeCacheEntries: number,
    cacheEntries: number,
  ) {
    this.meta = new MetaRepository(db);
    this.blocks = new BlockRepository(db);
    this.nodes = new NodeRepository(db, nodeCacheEntries);
    this.flat = new FlatStateRepository(db, cacheEntries);
    // NodeCache needs at least one slot.
    this.nodeCache = new NodeCache(Math.max(1, nodeCacheEntries));
    this.headView = new LiveHeadState(this.flat, () => this.requireHead(), () => this.loadHeadTrie());
  }

  /**
   * Open (creating when missing) the database at `path`. Throws {@link StorageError} when another process
   * has it open (`Locked`), when the directory holds another layout (`NotAChainDatabase`, `SchemaMismatch`) or a head whose header or state root node
   * is missing (`CorruptHead`).
   */
  static async open(path: string, opts: ChainDatabaseOptions): Promise<ChainDatabase> {
    const level: Level = new ClassicLevel<Uint8Array, Uint8Array>(path, {
      keyEncoding: 'view',
      valueEncoding: 'view',
      // A block of 1,000 changes writes about 1 MB (mostly trie nodes); a 16 MiB memtable (default 4)
      // flushes to level 0 less often. It costs at most two memtables of memory and a longer log replay
      // on open after a crash.
      writeBufferSize: LEVELDB_WRITE_BUFFER_BYTES,
      cacheSize: LEVELDB_BLOCK_CACHE_BYTES,
    });
    try {
      await level.open();
    } catch (e) {
      const cause = (e as { cause?: { code?: unknown } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') {
        throw new StorageError(StorageErrorCode.Locked, `${path} is already open in another process (is a node running on this base path?)`);
      }
      throw e;
    }
    const db = new ChainDatabase(
      level,
      opts.logger,
      opts.nodeCacheEntries ?? DEFAULT_NODE_CACHE_ENTRIES,
      opts.cacheEntries ?? DEFAULT_CACHE_ENTRIES,
    );
    try {
      await db.checkOnOpen();
    } catch (e) {
      await level.close();
      throw e;
    }
    const head = db.head;
    opts.logger.info(
      { path, schema: SCHEMA_VERSION, head: head && { number: head.number, hash: toHex(head.hash) } },
      'chain database opened',
    );
    return db;
  }

  /** Wait for queued writes, then close. Further calls fail with `Closed`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.tail;
    await this.db.close();
  }

  // ---- meta ----

  /** The last committed block (final: there are no forks), or undefined before genesis. */
  getHead(): HeadPointer | undefined {
    const h = this.head;
    return h && { hash: h.hash.slice(), number: h.number, stateRoot: h.stateRoot.slice() };
  }

  /** The genesis hash, or undefined before genesis. */
  getGenesisHash(): Uint8Array | undefined {
    return this.meta.loadGenesisHash();
  }

  /** The chain id, or undefined before genesis. */
  getChainId(): string | undefined {
    return this.meta.loadChainId();
  }

  // ---- blocks (synchronous reads) ----

  /** SCALE header of block `hash`, or undefined. */
  getHeader(hash: Uint8Array): Uint8Array | undefined {
    return this.blocks.loadHeader(hash);
  }

  /** SCALE body (`Vec<extrinsic>`) of block `hash`, or undefined. */
  getBody(hash: Uint8Array): Uint8Array | undefined {
    return this.blocks.loadBody(hash);
  }

  /** Justification of block `hash`, or undefined. */
  getJustification(hash: Uint8Array): Uint8Array | undefined {
    return this.blocks.loadJustification(hash);
  }

  /** Hash of the canonical block at `number` (0 ≤ number < 2^32), or undefined. */
  getHashByNumber(number: number): Uint8Array | undefined {
    if (!Number.isInteger(number) || number < 0 || number > 0xffff_ffff) return undefined;
    return this.blocks.loadHashByNumber(number);
  }

  /** Block and position of extrinsic `txHash` (the latest inclusion if it was included twice), or undefined. */
  getTxLocation(txHash: Uint8Array): TxLocation | undefined {
    return this.blocks.loadTxLocation(txHash);
  }

  /** Encoded dispatch notes of block `hash` (see {@link BlockRecord.dispatchNotes}), or undefined. */
  getDispatchNotes(hash: Uint8Array): Uint8Array | undefined {
    return this.blocks.loadDispatchNotes(hash);
  }

  /** State root of block `hash` (read from its header), or undefined for an unknown block. */
  getStateRoot(hash: Uint8Array): Uint8Array | undefined {
    const header = this.blocks.loadHeader(hash);
    return header === undefined ? undefined : readHeaderFields(header).stateRoot.slice();
  }

  /**
   * Canonical blocks with from ≤ number ≤ min(to, head), in order, for export. Each step reads one
   * consistent range of the canonical index; blocks are never rewritten, so the result is stable.
   */
  async *iterateBlocks(from: number, to: number): AsyncGenerator<StoredBlock> {
    const last = Math.min(to, this.head?.number ?? -1, 0xffff_ffff);
    for (let start = Math.max(0, from); start <= last; start += EXPORT_CHUNK) {
      const rows = await this.blocks.loadCanonicalRange(start, Math.min(last, start + EXPORT_CHUNK - 1));
      for (const { number, hash } of rows) {
        const header = this.blocks.loadHeader(hash);
        const body = this.blocks.loadBody(hash);
        if (header === undefined || body === undefined) {
          throw new StorageError(StorageErrorCode.UnknownBlock, `canonical block #${number} ${toHex(hash)} has no header or body`);
        }
        yield { number, hash, header, body, justification: this.blocks.loadJustification(hash) };
      }
    }
  }

  // ---- writes ----

  /**
   * Commit a block atomically and durably: header, body, canonical index, tx index, justification, trie
   * nodes, flat-state changes and the head pointer, in ONE `sync` batch. The block must extend the head
   * (`NotChildOfHead`), and its hash, number and state root must match its header (`InconsistentBlock`).
   * Calls queue behind each other. Readers see the old head and state until the write is durable, then
   * the new ones, never a mixture.
   */
  commitBlock(b: BlockToCommit): Promise<void> {
    return this.serialize(async () => {
      const head = this.requireHead();
      const fields = this.checkBlock(b);
      if (b.number !== head.number + 1 || !equalBytes(fields.parentHash, head.hash)) {
        throw new StorageError(
          StorageErrorCode.NotChildOfHead,
          `block #${b.number} ${toHex(b.hash)} with parent ${toHex(fields.parentHash)} does not extend head #${head.number} ${toHex(head.hash)}`,
          { number: b.number, hash: toHex(b.hash), headNumber: head.number, headHash: toHex(head.hash) },
        );
      }
      await this.write(b);
      this.logger.debug({ number: b.number, hash: toHex(b.hash), changes: b.stateChanges.length }, 'block committed');
    });
  }

  /**
   * Commit the genesis block (number 0) like {@link commitBlock}, plus the genesis hash and chain id.
   * When the same genesis is already stored this does nothing; a different genesis hash or chain id is
   * refused (`GenesisMismatch`, naming both).
   */
  commitGenesis(g: GenesisToCommit): Promise<void> {
    return this.serialize(async () => {
      this.checkBlock(g);
      if (g.number !== 0) {
        throw new StorageError(StorageErrorCode.InconsistentBlock, `genesis must be block #0, got #${g.number}`);
      }
      const stored = this.meta.loadGenesisHash();
      if (stored !== undefined) {
        if (!equalBytes(stored, g.hash)) {
          throw new StorageError(
            StorageErrorCode.GenesisMismatch,
            `the database holds genesis ${toHex(stored)} but the chain spec gives genesis ${toHex(g.hash)}; use another base path or the matching chain spec`,
            { stored: toHex(stored), given: toHex(g.hash) },
          );
        }
        const chainId = this.meta.loadChainId();
        if (chainId !== g.chainId) {
          throw new StorageError(
            StorageErrorCode.GenesisMismatch,
            `the database holds chain id "${chainId}" but the chain spec gives "${g.chainId}" (same genesis ${toHex(g.hash)})`,
            { stored: String(chainId), given: g.chainId },
          );
        }
        return;
      }
      await this.write(g, (w) => this.meta.addGenesisOps(g.hash, g.chainId, w));
      this.logger.info({ hash: toHex(g.hash), chainId: g.chainId, keys: g.stateChanges.length }, 'genesis committed');
    });
  }

  /** Store (or replace) the justification of a known block, durably. Unknown block: `UnknownBlock`. */
  putJustification(hash: Uint8Array, justification: Uint8Array): Promise<void> {
    return this.serialize(async () => {
      if (this.blocks.loadHeader(hash) === undefined) {
        throw new StorageError(StorageErrorCode.UnknownBlock, `no block ${toHex(hash)} to attach a justification to`);
      }
      await this.writeBatch((w) => this.blocks.addJustificationOp(hash, justification, w));
    });
  }

  /**
   * Tests and the replay auditor only: overwrite flat-state values and/or trie nodes without a block,
   * breaking the invariants on purpose. Caches are updated so reads see the tampered bytes.
   */
  tamper(t: Tamper): Promise<void> {
    return this.serialize(async () => {
      await this.writeBatch((w) => {
        this.flat.addChangeOps(t.flat ?? [], w);
        for (const [hash, encoded] of t.nodes ?? []) this.nodes.addOverwriteOp(hash, encoded, w);
      });
      this.flat.applyCommitted(t.flat ?? []);
      for (const [hash] of t.nodes ?? []) this.nodes.forget(hash);
      // Decoded nodes may be cached under a tampered hash.
      this.nodeCache.clear();
      this.headTrie = undefined;
      this.logger.warn({ flat: t.flat?.length ?? 0, nodes: t.nodes?.length ?? 0 }, 'database tampered');
    });
  }

  // ---- state ----

  /** Trie nodes and V1 hashed values by hash: LRU plus `getSync`; sees the nodes of a commit in flight. */
  get nodeStore(): NodeStore {
    return this.nodes;
  }

  /** The state at the head (a live view that follows commits). Throws `NoGenesis` before genesis. */
  headState(): HeadState {
    this.requireHead();
    return this.headView;
  }

  /** The state at any committed state root, read through the trie (archive: nodes are never deleted). */
  stateAt(stateRoot: Uint8Array): Trie {
    return Trie.at(stateRoot, this.nodes, this.nodeCache);
  }

  /**
   * Compare the flat head state with the trie at the head root, key by key, reporting up to
   * `maxMismatches` (1 ≤ n ≤ 2^20) differences. Both sides are read as of the call.
   */
  async auditHeadState(maxMismatches = 16): Promise<{ keys: number; mismatches: StateMismatch[] }> {
    const trie = this.stateAt(this.requireHead().stateRoot);
    const mismatches: StateMismatch[] = [];
    let keys = 0; // ≤ number of state keys
    const t = trie.entries(new Uint8Array(0));
    let cur = t.next();
    const report = (m: StateMismatch): boolean => mismatches.push(m) >= maxMismatches;
    for await (const [k, v] of this.flat.scan()) {
      keys++;
      while (!cur.done && compareBytes(cur.value[0], k) < 0) {
        if (report({ key: cur.value[0], flat: undefined, trie: cur.value[1] })) return { keys, mismatches };
        cur = t.next();
      }
      if (!cur.done && equalBytes(cur.value[0], k)) {
        if (!equalBytes(cur.value[1], v) && report({ key: k, flat: v, trie: cur.value[1] })) return { keys, mismatches };
        cur = t.next();
      } else if (report({ key: k, flat: v, trie: undefined })) return { keys, mismatches };
    }
    for (; !cur.done; cur = t.next()) {
      if (report({ key: cur.value[0], flat: undefined, trie: cur.value[1] })) break;
    }
    return { keys, mismatches };
  }

  // ---- internals ----

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    // Checked at call time: writes queued before close() still run, close() waits for them.
    if (this.closed) return Promise.reject(new StorageError(StorageErrorCode.Closed, 'the database is closed'));
    const start = (): Promise<T> => {
      this.assertWritable();
      return fn();
    };
    // With nothing queued, start now: the synchronous part of the write (checks, snapshot, batch
    // submission) is done when the call returns, so readers right after the call see the old state.
    const run = this.writesQueued === 0 ? (async () => start())() : this.tail.then(start);
    this.writesQueued++;
    this.tail = run.then(
      () => this.writesQueued--,
      () => this.writesQueued--,
    );
    return run;
  }

  private assertWritable(): void {
    if (this.poisoned !== undefined) {
      throw new StorageError(StorageErrorCode.Poisoned, `an earlier write failed (${String(this.poisoned)}); reopen the database`);
    }
  }

  private requireHead(): HeadPointer {
    if (this.head === undefined) throw new StorageError(StorageErrorCode.NoGenesis, 'no genesis committed yet');
    return this.head;
  }

  private loadHeadTrie(): Trie {
    this.headTrie ??= this.stateAt(this.requireHead().stateRoot);
    return this.headTrie;
  }

  /** The header's fields, after checking they agree with the block's own hash, number and state root. */
  private checkBlock(b: BlockToCommit): HeaderFields {
    const fields = readHeaderFields(b.header);
    const hash = blake2_256(b.header);
    const bad = (what: string): never => {
      throw new StorageError(StorageErrorCode.InconsistentBlock, `block #${b.number} ${toHex(b.hash)}: ${what}`);
    };
    if (!equalBytes(hash, b.hash)) bad(`blake2_256(header) is ${toHex(hash)}`);
    if (fields.number !== b.number) bad(`the header says number ${fields.number}`);
    if (!equalBytes(fields.stateRoot, b.stateRoot)) bad(`the header says state root ${toHex(fields.stateRoot)}, the block ${toHex(b.stateRoot)}`);
    if (
      !equalBytes(b.stateRoot, EMPTY_TRIE_ROOT) &&
      !b.trieNodes.some(([h]) => equalBytes(h, b.stateRoot)) &&
      this.nodes.get(b.stateRoot) === undefined
    ) {
      throw new StorageError(
        StorageErrorCode.MissingStateRoot,
        `block #${b.number} ${toHex(b.hash)}: state root node ${toHex(b.stateRoot)} is neither in trieNodes nor stored`,
      );
    }
    return fields;
  }

  /** Fill one chained batch and write it durably (`sync: true`). */
  private async writeBatch(fill: (w: BatchWriter) => void): Promise<void> {
    const batch = this.db.batch();
    try {
      fill(batch);
    } catch (e) {
      await batch.close();
      throw e;
    }
    await batch.write({ sync: true });
  }

  /** The one batch of a block; the in-memory view switches to the new head only once it is durable. */
  private async write(b: BlockToCommit, extra?: (w: BatchWriter) => void): Promise<void> {
    const batch = this.db.batch();
    try {
      this.blocks.addBlockOps(b, batch);
      this.nodes.addPutOps(b.trieNodes, batch);
      this.flat.addChangeOps(b.stateChanges, batch);
      this.meta.addHeadOp({ hash: b.hash, number: b.number }, batch);
      extra?.(batch);
    } catch (e) {
      await batch.close();
      throw e;
    }
    this.nodes.beginPending(b.trieNodes);
    // Until the batch is durable, cache misses read the pre-commit state.
    const snapshot = this.db.snapshot();
    this.flat.snapshot = snapshot;
    let written = false;
    try {
      await batch.write({ sync: true });
      written = true;
      // Same synchronous step as the end of the write: no reader can see half of the switch.
      this.flat.applyCommitted(b.stateChanges);
      this.head = { hash: b.hash.slice(), number: b.number, stateRoot: b.stateRoot.slice() };
      this.headTrie = undefined;
    } catch (e) {
      // LevelDB may or may not have the batch on disk; the in-memory view can no longer be trusted.
      this.poisoned = e;
      throw e;
    } finally {
      this.flat.snapshot = undefined;
      this.nodes.endPending(written);
      // Open iterators hold a reference; the snapshot is released when they finish.
      snapshot.close().catch((e: unknown) => this.logger.warn({ err: String(e) }, 'closing a snapshot failed'));
    }
  }

  /** Check the layout version and that the head is complete; write the version on a fresh database. */
  private async checkOnOpen(): Promise<void> {
    const version = this.meta.loadSchemaVersion();
    if (version === undefined) {
      const any = await this.db.keys({ limit: 1 }).all();
      if (any.length > 0) {
        throw new StorageError(
          StorageErrorCode.NotAChainDatabase,
          `${this.db.location} holds data but no schema version: not a chain database of this node`,
        );
      }
      await this.meta.saveSchemaVersion(SCHEMA_VERSION);
      return;
    }
    if (version !== SCHEMA_VERSION) {
      throw new StorageError(
        StorageErrorCode.SchemaMismatch,
        `${this.db.location} has schema version ${version}, this node reads version ${SCHEMA_VERSION}`,
        { stored: version, expected: SCHEMA_VERSION },
      );
    }
    const stored = this.meta.loadHead();
    if (stored === undefined) return;
    const corrupt = (why: string): never => {
      throw new StorageError(StorageErrorCode.CorruptHead, `head #${stored.number} ${toHex(stored.hash)}: ${why}`);
    };
    const header = this.blocks.loadHeader(stored.hash);
    if (header === undefined) corrupt('its header is missing');
    const fields = readHeaderFields(header!);
    if (fields.number !== stored.number) corrupt(`its header says number ${fields.number}`);
    if (!equalBytes(fields.stateRoot, EMPTY_TRIE_ROOT) && this.nodes.get(fields.stateRoot) === undefined) {
      corrupt(`its state root node ${toHex(fields.stateRoot)} is missing`);
    }
    if (this.meta.loadGenesisHash() === undefined) corrupt('no genesis hash is stored');
    this.head = { hash: stored.hash, number: stored.number, stateRoot: fields.stateRoot.slice() };
  }
}
