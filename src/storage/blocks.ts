/**
 * Block records: headers (0x01), bodies (0x02), the canonical chain (0x03), the transaction index (0x04),
 * justifications (0x05) and dispatch notes (0x0a).
 */
import { concatBytes } from '../primitives/bytes.js';
import { canonicalKey, Column, columnKey, decodeBe32, decodeLe32, encodeLe32 } from './keys.js';
import { asView, readSync, type BatchWriter, type Level } from './level.js';

/** Where an extrinsic was included: block hash and position in the body (0 ≤ index < 2^32). */
export interface TxLocation {
  /** Hash of the including block. */
  blockHash: Uint8Array;
  /** Index of the extrinsic in the block body, 0 ≤ index < 2^32. */
  index: number;
}

/** One block as stored, for export. */
export interface StoredBlock {
  /** Block number, 0 ≤ number < 2^32. */
  number: number;
  /** Block hash. */
  hash: Uint8Array;
  /** SCALE header. */
  header: Uint8Array;
  /** SCALE `Vec<extrinsic>`. */
  body: Uint8Array;
  /** Commit certificate, when stored. */
  justification: Uint8Array | undefined;
}

/** The block records to write in one commit. */
export interface BlockRecord {
  /** Block hash. */
  hash: Uint8Array;
  /** Block number, 0 ≤ number < 2^32. */
  number: number;
  /** SCALE header. */
  header: Uint8Array;
  /** SCALE `Vec<extrinsic>` (opaque here). */
  body: Uint8Array;
  /** Hash of each extrinsic, in body order (at most 2^32 entries). */
  extrinsicHashes: readonly Uint8Array[];
  /** Commit certificate, if already known. */
  justification?: Uint8Array;
  /** Encoded messages of the block's failed dispatches (opaque here), if any. */
  dispatchNotes?: Uint8Array;
}

/** Reads and batch ops of block records. Reads are synchronous (`getSync`, a few µs). */
export class BlockRepository {
  /** Over an open database. */
  constructor(private readonly db: Level) {}

  /** SCALE header of `hash`, or undefined. */
  loadHeader(hash: Uint8Array): Uint8Array | undefined {
    return readSync(this.db, columnKey(Column.Headers, hash));
  }

  /** SCALE body of `hash`, or undefined. */
  loadBody(hash: Uint8Array): Uint8Array | undefined {
    return readSync(this.db, columnKey(Column.Bodies, hash));
  }

  /** Justification of `hash`, or undefined. */
  loadJustification(hash: Uint8Array): Uint8Array | undefined {
    return readSync(this.db, columnKey(Column.Justifications, hash));
  }

  /** The encoded dispatch notes of `hash`, or undefined (none failed, or the block is unknown). */
  loadDispatchNotes(hash: Uint8Array): Uint8Array | undefined {
    return readSync(this.db, columnKey(Column.DispatchNotes, hash));
  }

  /** Canonical block hash at `number` (0 ≤ number < 2^32), or undefined. */
  loadHashByNumber(number: number): Uint8Array | undefined {
    return readSync(this.db, canonicalKey(number));
  }

  /** Location of the extrinsic `txHash`, or undefined. */
  loadTxLocation(txHash: Uint8Array): TxLocation | undefined {
    const v = readSync(this.db, columnKey(Column.TxIndex, txHash));
    if (v === undefined) return undefined;
    return { blockHash: v.slice(0, 32), index: decodeLe32(v, 32) };
  }

  /** Canonical (number, hash) pairs with from ≤ number ≤ to, in order, from one consistent view. */
  async loadCanonicalRange(from: number, to: number): Promise<Array<{ number: number; hash: Uint8Array }>> {
    const rows = await this.db.iterator({ gte: canonicalKey(from), lte: canonicalKey(to) }).all();
    return rows.map(([k, v]) => ({ number: decodeBe32(asView(k), 1), hash: asView(v) }));
  }

  /**
   * Append the ops of a block: header, body, canonical entry, one tx-index entry per extrinsic (a hash seen
   * in an earlier block is overwritten: the latest inclusion wins), and the justification when given.
   */
  addBlockOps(b: BlockRecord, w: BatchWriter): void {
    w.put(columnKey(Column.Headers, b.hash), b.header);
    w.put(columnKey(Column.Bodies, b.hash), b.body);
    w.put(canonicalKey(b.number), b.hash);
    b.extrinsicHashes.forEach((txHash, index) => {
      w.put(columnKey(Column.TxIndex, txHash), concatBytes(b.hash, encodeLe32(index)));
    });
    if (b.justification !== undefined) this.addJustificationOp(b.hash, b.justification, w);
    if (b.dispatchNotes !== undefined) w.put(columnKey(Column.DispatchNotes, b.hash), b.dispatchNotes);
  }

  /** Append the op that stores a justification. */
  addJustificationOp(hash: Uint8Array, justification: Uint8Array, w: BatchWriter): void {
    w.put(columnKey(Column.Justifications, hash), justification);
  }
}
