/**
 * The meta column (0x00): schema version, genesis hash, chain id and the head pointer.
 */
import { concatBytes, fromUtf8, utf8 } from '../primitives/bytes.js';
import { decodeLe32, encodeLe32, MetaKey, metaKey } from './keys.js';
import { readSync, type BatchWriter, type Level } from './level.js';

/** The stored head pointer: hash and number (0 ≤ number < 2^32) of the last committed block. */
export interface StoredHead {
  /** Block hash. */
  hash: Uint8Array;
  /** Block number, 0 ≤ number < 2^32. */
  number: number;
}

/** Reads and batch ops of the meta records. */
export class MetaRepository {
  /** Over an open database. */
  constructor(private readonly db: Level) {}

  /** The stored schema version (0 ≤ v < 2^32), or undefined on a fresh database. */
  loadSchemaVersion(): number | undefined {
    const v = readSync(this.db, metaKey(MetaKey.SchemaVersion));
    return v === undefined ? undefined : decodeLe32(v);
  }

  /** Write the schema version durably (on creation only). */
  async saveSchemaVersion(version: number): Promise<void> {
    await this.db.put(metaKey(MetaKey.SchemaVersion), encodeLe32(version), { sync: true });
  }

  /** The genesis hash, or undefined before genesis was committed. */
  loadGenesisHash(): Uint8Array | undefined {
    return readSync(this.db, metaKey(MetaKey.GenesisHash));
  }

  /** The chain id, or undefined before genesis was committed. */
  loadChainId(): string | undefined {
    const v = readSync(this.db, metaKey(MetaKey.ChainId));
    return v === undefined ? undefined : fromUtf8(v);
  }

  /** The head pointer, or undefined before genesis was committed. */
  loadHead(): StoredHead | undefined {
    const v = readSync(this.db, metaKey(MetaKey.Head));
    if (v === undefined) return undefined;
    return { hash: v.slice(0, 32), number: decodeLe32(v, 32) };
  }

  /** Append the op that moves the head pointer. */
  addHeadOp(head: StoredHead, w: BatchWriter): void {
    w.put(metaKey(MetaKey.Head), concatBytes(head.hash, encodeLe32(head.number)));
  }

  /** Append the ops that record the genesis hash and chain id. */
  addGenesisOps(genesisHash: Uint8Array, chainId: string, w: BatchWriter): void {
    w.put(metaKey(MetaKey.GenesisHash), genesisHash);
    w.put(metaKey(MetaKey.ChainId), utf8(chainId));
  }
}
