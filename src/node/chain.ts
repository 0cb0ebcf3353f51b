/**
 * The chain service: genesis, the head, block import through the runtime, and reads of headers, bodies and state
 * at any block. It owns the database handle; consensus, the author and the RPC go through it.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { equalBytes, toHex } from '../primitives/bytes.js';
import { blake2_256 } from '../primitives/hashing.js';
import { BodyCodec, HeaderCodec, type Header } from '../primitives/types.js';
import type { DispatchNote, SealedBlock, SignatureChecker } from '../runtime/runtime.js';
import type { ChainRuntime } from '../chain/host.js';
import { decodeDispatchNotes, encodeDispatchNotes } from './dispatch-outcome.js';
import { BlockExecutionError, STATE_VERSION } from '../runtime/runtime.js';
import type { StateChange, StateReader } from '../runtime/state.js';
import { ChainDatabase } from '../storage/index.js';
import { EMPTY_TRIE_ROOT, Trie, type StateVersion } from '../trie/index.js';

/** Compute the genesis header of a state (empty body, empty digest). */
export function genesisHeader(changes: readonly StateChange[], version: StateVersion): { header: Header; hash: Uint8Array; trie: Trie; newNodes: Array<[Uint8Array, Uint8Array]> } {
  const store = { get: () => undefined };
  const update = Trie.empty(store).update(changes, version);
  const header: Header = { parentHash: new Uint8Array(32), number: 0, stateRoot: update.root, extrinsicsRoot: EMPTY_TRIE_ROOT, digest: { logs: [] } };
  return { header, hash: blake2_256(HeaderCodec.encode(header)), trie: update.trie, newNodes: update.newNodes };
}

/** The head of the chain. */
export interface ChainHead {
  hash: Uint8Array;
  number: number;
  header: Header;
}

/** Events: `block` (a block was committed; this chain finalizes on commit) with `(head: ChainHead)`. */
export class Chain extends EventEmitter {
  private headCache: ChainHead;
  private constructor(
    readonly db: ChainDatabase,
    readonly runtime: ChainRuntime,
    readonly genesisHash: Uint8Array,
    private readonly logger: Logger,
  ) {
    super();
    this.setMaxListeners(0);
    const head = db.getHead()!;
    this.headCache = { hash: head.hash, number: head.number, header: HeaderCodec.decode(db.getHeader(head.hash)!) };
  }

  /**
   * Open the chain in `db`: write genesis from `genesisChanges` when the database is empty, otherwise check that
   * the stored genesis is this chain's.
   */
  static async open(db: ChainDatabase, runtime: ChainRuntime, chainId: string, genesisChanges: readonly StateChange[], logger: Logger): Promise<Chain> {
    const g = genesisHeader(genesisChanges, STATE_VERSION);
    const stored = db.getGenesisHash();
    if (stored === undefined) {
      await db.commitGenesis({
        hash: g.hash,
        number: 0,
        header: HeaderCodec.encode(g.header),
        body: BodyCodec.encode([]),
        extrinsicHashes: [],
        stateChanges: genesisChanges,
        trieNodes: g.newNodes,
        stateRoot: g.header.stateRoot,
        chainId,
      });
      logger.info({ genesis: toHex(g.hash), stateRoot: toHex(g.header.stateRoot) }, 'wrote genesis');
    } else if (!equalBytes(stored, g.hash)) {
      throw new Error(`the database holds chain ${db.getChainId()} with genesis ${toHex(stored)}, but the chain spec's genesis is ${toHex(g.hash)}: use another --base-path or purge-chain`);
    }
    return new Chain(db, runtime, g.hash, logger);
  }

  /** The best (and finalized) block. */
  get head(): ChainHead {
    return this.headCache;
  }

  /** State of the head block (fast flat reads). */
  headState(): StateReader {
    return this.db.headState();
  }

  /** Trie of the head block's state. */
  headTrie(): Trie {
    return this.db.stateAt(this.headCache.header.stateRoot);
  }

  /** Decoded header of a stored block. */
  header(hash: Uint8Array): Header | undefined {
    const raw = this.db.getHeader(hash);
    return raw === undefined ? undefined : HeaderCodec.decode(raw);
  }

  /** Extrinsics of a stored block. */
  body(hash: Uint8Array): Uint8Array[] | undefined {
    const raw = this.db.getBody(hash);
    return raw === undefined ? undefined : BodyCodec.decode(raw);
  }

  /** The runtime's messages for the failed dispatches of a stored block (empty when none failed or none were kept). */
  dispatchNotes(hash: Uint8Array): DispatchNote[] {
    return decodeDispatchNotes(this.db.getDispatchNotes(hash));
  }

  /** Canonical hash at `number`. */
  hashAt(number: number): Uint8Array | undefined {
    return this.db.getHashByNumber(number);
  }

  /** State at a stored block: the flat head state for the head, the trie at its root otherwise. */
  stateAt(hash: Uint8Array): StateReader | undefined {
    if (equalBytes(hash, this.headCache.hash)) return this.db.headState();
    const h = this.header(hash);
    return h === undefined ? undefined : this.db.stateAt(h.stateRoot);
  }

  /** Trie of the state at a stored block. */
  trieAt(hash: Uint8Array): Trie | undefined {
    const h = this.header(hash);
    return h === undefined ? undefined : this.db.stateAt(h.stateRoot);
  }

  /** Commit a block executed on top of the head, with its justification; emits `block`. */
  async commit(block: SealedBlock, justification?: Uint8Array): Promise<void> {
    if (!equalBytes(block.header.parentHash, this.headCache.hash)) {
      throw new Error(`block ${block.header.number} does not build on the head ${toHex(this.headCache.hash)}`);
    }
    const hashes = block.extrinsics.map((x) => blake2_256(x));
    await this.db.commitBlock({
      hash: block.hash,
      number: block.header.number,
      header: HeaderCodec.encode(block.header),
      body: BodyCodec.encode(block.extrinsics),
      extrinsicHashes: hashes,
      justification,
      dispatchNotes: encodeDispatchNotes(block.dispatchNotes),
      stateChanges: block.changes,
      trieNodes: block.newNodes,
      stateRoot: block.header.stateRoot,
    });
    this.headCache = { hash: block.hash, number: block.header.number, header: block.header };
    this.logger.debug({ number: block.header.number, hash: toHex(block.hash), extrinsics: block.extrinsics.length }, 'committed block');
    this.emit('block', this.headCache, block);
  }

  /**
   * Execute an imported block on the head's state, verify its roots, and commit it. With `clock`, the block's
   * timestamp must also be no further than `maxDriftMs` ahead of the local clock (the validator-side inherent check).
   */
  async importBlock(header: Header, extrinsics: Uint8Array[], checker: SignatureChecker, justification?: Uint8Array, clock?: { nowMs: bigint; maxDriftMs: bigint }): Promise<SealedBlock> {
    if (clock) {
      const refused = this.runtime.checkInherents(this.headState(), extrinsics, { nowMs: clock.nowMs, maxDriftMs: clock.maxDriftMs });
      if (refused !== undefined) throw new BlockExecutionError(`block ${header.number}: ${refused}`);
    }
    const sealed = this.runtime.executeBlock(this.headState(), this.headTrie(), header, extrinsics, checker);
    await this.commit(sealed, justification);
    return sealed;
  }
}
