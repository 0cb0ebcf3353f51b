/**
 * Hash functions used by Substrate's formats: blake2b (128/256 bits) and xxhash64 (twox 64/128/256).
 * The WASM backends of `@polkadot/util-crypto` are used when initialised (`cryptoWaitReady`), which the node
 * does at start-up; the outputs are identical either way (only speed differs).
 */
import { blake2AsU8a, xxhashAsU8a } from '@polkadot/util-crypto';
import { concatBytes, utf8 } from './bytes.js';

/** blake2b-256 (the block, extrinsic and trie hash). */
export function blake2_256(data: Uint8Array): Uint8Array {
  return blake2AsU8a(data, 256);
}

/** blake2b-128 (storage key hasher). */
export function blake2_128(data: Uint8Array): Uint8Array {
  return blake2AsU8a(data, 128);
}

/** blake2b-64 (runtime API ids). */
export function blake2_64(data: Uint8Array): Uint8Array {
  return blake2AsU8a(data, 64);
}

/** twox64 (xxhash64 with seed 0, little-endian). */
export function twox64(data: Uint8Array): Uint8Array {
  return xxhashAsU8a(data, 64);
}

/** twox128 (two xxhash64 with seeds 0 and 1): pallet and item prefixes. */
export function twox128(data: Uint8Array): Uint8Array {
  return xxhashAsU8a(data, 128);
}

/** twox256. */
export function twox256(data: Uint8Array): Uint8Array {
  return xxhashAsU8a(data, 256);
}

/** `Blake2_128Concat(k) = blake2_128(k) ++ k`: for user-controlled map keys. */
export function blake2_128Concat(data: Uint8Array): Uint8Array {
  return concatBytes(blake2_128(data), data);
}

/** `Twox64Concat(k) = twox64(k) ++ k`: for counters and other keys users cannot choose. */
export function twox64Concat(data: Uint8Array): Uint8Array {
  return concatBytes(twox64(data), data);
}

/** The storage-hasher names of FRAME metadata, in metadata enum order. */
export type StorageHasher =
  | 'Blake2_128'
  | 'Blake2_256'
  | 'Blake2_128Concat'
  | 'Twox128'
  | 'Twox256'
  | 'Twox64Concat'
  | 'Identity';

/** Metadata index of each hasher (`frame_metadata::StorageHasher`). */
export const STORAGE_HASHER_INDEX: Record<StorageHasher, number> = {
  Blake2_128: 0,
  Blake2_256: 1,
  Blake2_128Concat: 2,
  Twox128: 3,
  Twox256: 4,
  Twox64Concat: 5,
  Identity: 6,
};

/** Apply a storage hasher to an encoded key. */
export function hashKey(hasher: StorageHasher, data: Uint8Array): Uint8Array {
  switch (hasher) {
    case 'Blake2_128':
      return blake2_128(data);
    case 'Blake2_256':
      return blake2_256(data);
    case 'Blake2_128Concat':
      return blake2_128Concat(data);
    case 'Twox128':
      return twox128(data);
    case 'Twox256':
      return twox256(data);
    case 'Twox64Concat':
      return twox64Concat(data);
    case 'Identity':
      return data;
  }
}

/** `twox128(pallet) ++ twox128(item)`: the prefix of a storage item. */
export function storagePrefix(pallet: string, item: string): Uint8Array {
  return concatBytes(twox128(utf8(pallet)), twox128(utf8(item)));
}
