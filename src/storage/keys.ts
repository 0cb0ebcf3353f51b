/**
 * The key layout of the chain database: one prefix byte per column, then the column's own key.
 * `README.md` beside this file documents every column; keep the two in step.
 */
import { concatBytes } from '../primitives/bytes.js';

/** Column prefixes (the first byte of every LevelDB key). Never renumber: they are on disk. */
export const Column = {
  /** Singleton records: schema version, genesis hash, chain id, head pointer. */
  Meta: 0x00,
  /** Block hash → SCALE header bytes. */
  Headers: 0x01,
  /** Block hash → SCALE `Vec<extrinsic>` bytes. */
  Bodies: 0x02,
  /** be32(block number) → block hash: the canonical (finalized) chain. */
  Canonical: 0x03,
  /** Extrinsic hash → block hash ‖ u32 LE index in that block's body. */
  TxIndex: 0x04,
  /** Block hash → justification (commit certificate) bytes. */
  Justifications: 0x05,
  /** blake2_256 hash → encoded trie node or V1 hashed value. Never deleted (archive). */
  TrieNodes: 0x06,
  /** Storage key → value: the state of the head block, flat, for fast reads. */
  FlatState: 0x07,
  /** Reserved (was planned as block hash → state root; the header already carries it). */
  ReservedStateRoots: 0x08,
  /** Reserved for the consensus write-ahead log; owned by `consensus/`, never touched here. */
  ReservedConsensus: 0x09,
  /** Block hash → the runtime's messages for the block's failed dispatches (opaque here); absent when none failed. */
  DispatchNotes: 0x0a,
} as const;

/** One of the {@link Column} prefixes. */
export type ColumnId = (typeof Column)[keyof typeof Column];

/** Second byte of the meta column: which singleton record. Never renumber. */
export const MetaKey = {
  /** u32 LE: the layout version of this database ({@link SCHEMA_VERSION}). */
  SchemaVersion: 0x01,
  /** 32 bytes: the genesis block hash. */
  GenesisHash: 0x02,
  /** UTF-8: the chain id from the chain spec. */
  ChainId: 0x03,
  /** 32-byte hash ‖ u32 LE number of the last committed (final) block. */
  Head: 0x04,
} as const;

/** Layout version written on creation and checked on every open. Bump on any incompatible change. */
export const SCHEMA_VERSION = 1;

/** `column ‖ key`. */
export function columnKey(column: ColumnId, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + key.length);
  out[0] = column;
  out.set(key, 1);
  return out;
}

/** The key of one meta record. */
export function metaKey(which: (typeof MetaKey)[keyof typeof MetaKey]): Uint8Array {
  return Uint8Array.of(Column.Meta, which);
}

/** Big-endian u32 (so LevelDB's byte order equals numeric order). `n`: 0 ≤ n < 2^32. */
export function encodeBe32(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new RangeError(`not a u32: ${n}`);
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** Inverse of {@link encodeBe32}, reading at `offset`. Returns 0 ≤ n < 2^32. */
export function decodeBe32(bytes: Uint8Array, offset = 0): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/** Little-endian u32. `n`: 0 ≤ n < 2^32. */
export function encodeLe32(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new RangeError(`not a u32: ${n}`);
  return Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
}

/** Inverse of {@link encodeLe32}, reading at `offset`. Returns 0 ≤ n < 2^32. */
export function decodeLe32(bytes: Uint8Array, offset = 0): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

/**
 * The smallest key greater than every key starting with `prefix`, or undefined when none exists
 * (`prefix` is all `0xff`). Used as an exclusive upper bound for prefix scans.
 */
export function prefixUpperBound(prefix: Uint8Array): Uint8Array | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    if (prefix[i] !== 0xff) {
      const out = prefix.slice(0, i + 1);
      out[i]++;
      return out;
    }
  }
  return undefined;
}

/** `column ‖ be32(number)`: the canonical-chain key. */
export function canonicalKey(number: number): Uint8Array {
  return concatBytes(Uint8Array.of(Column.Canonical), encodeBe32(number));
}
