/**
 * The trie's hash: blake2b-256, the same function as `blake2_256` in `src/primitives/hashing.ts`.
 */
import { blake2AsU8a, cryptoIsReady } from '@polkadot/util-crypto';

/**
 * An explicit empty key for the WASM path: util-crypto converts a missing key with `stringToU8a`, which costs a
 * quarter of a short hash. The JS fallback rejects an empty key, so it gets none.
 */
const NO_KEY = new Uint8Array(0);

/** blake2b-256 of `data` (WASM once `cryptoWaitReady()` has resolved, else the identical JS fallback). */
export function hash256(data: Uint8Array): Uint8Array {
  return cryptoIsReady() ? blake2AsU8a(data, 256, NO_KEY) : blake2AsU8a(data, 256);
}
