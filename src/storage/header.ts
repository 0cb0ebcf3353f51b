/**
 * The few header fields the database needs, read straight from the SCALE bytes of a Substrate header
 * `{parentHash: [u8;32], number: Compact<u32>, stateRoot: [u8;32], extrinsicsRoot: [u8;32], digest}`.
 */
import { StorageError, StorageErrorCode } from './errors.js';

/** Parent hash, number and state root of a header. */
export interface HeaderFields {
  /** blake2_256 of the parent header (all zero for genesis). */
  parentHash: Uint8Array;
  /** Block number, 0 ≤ number < 2^32. */
  number: number;
  /** Root of the state trie after this block. */
  stateRoot: Uint8Array;
}

/**
 * Read parent hash, number and state root. Throws {@link StorageError} `MalformedHeader` when the bytes
 * are too short or the number is not a canonical `Compact<u32>`.
 */
export function readHeaderFields(header: Uint8Array): HeaderFields {
  const fail = (why: string): never => {
    throw new StorageError(StorageErrorCode.MalformedHeader, `header of ${header.length} bytes: ${why}`);
  };
  if (header.length < 32 + 1 + 32) fail('too short');
  const parentHash = header.subarray(0, 32);
  const b0 = header[32];
  let number: number;
  let len: number; // bytes of the compact, 1..5
  switch (b0 & 3) {
    case 0:
      number = b0 >>> 2;
      len = 1;
      break;
    case 1:
      number = (b0 | (header[33] << 8)) >>> 2;
      len = 2;
      if (number < 1 << 6) fail('non-canonical compact number');
      break;
    case 2:
      number = (b0 | (header[33] << 8) | (header[34] << 16) | (header[35] << 24)) >>> 2;
      len = 4;
      if (number < 1 << 14) fail('non-canonical compact number');
      break;
    default: {
      // Big-integer mode: (b0 >> 2) + 4 little-endian bytes follow; a u32 needs exactly 4.
      if (b0 >>> 2 !== 0) fail('block number does not fit in a u32');
      number = (header[33] | (header[34] << 8) | (header[35] << 16) | (header[36] << 24)) >>> 0;
      len = 5;
      if (number < 1 << 30) fail('non-canonical compact number');
    }
  }
  if (header.length < 32 + len + 32) fail('too short for the state root');
  const stateRoot = header.subarray(32 + len, 32 + len + 32);
  return { parentHash, number, stateRoot };
}
