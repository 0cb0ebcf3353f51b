/**
 * The trie's hash: blake2b-256, the same function as `blake2_256` in `src/primitives/hashing.ts`.
 */
import { blake2AsU8a } from '@polkadot/util-crypto';

/** An explicit empty key: util-crypto converts a missing key with `stringToU8a`, which costs 25 % of a short hash. */
const NO_KEY = new Uint8Array(0);

/** blake2b-256 of `data` (WASM once `cryptoWaitReady()` has resolved, else the identical JS fallback). */
export function hash256(data: Uint8Array): Uint8Array {
  return blake2AsU8a(data, 256, NO_KEY);
}
