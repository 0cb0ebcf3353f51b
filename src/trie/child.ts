/**
 * Default child tries: hashed on their own with the top trie's layout, their 32-byte root stored in the top trie
 * under `":child_storage:default:" ‖ child key` (an empty child trie is not stored).
 */
import { concatBytes, utf8 } from '../primitives/bytes.js';
import { trieRoot } from './root.js';
import type { StateVersion } from './types.js';

/** `:child_storage:default:`, the prefix of every default child trie's root in the top trie. */
export const DEFAULT_CHILD_STORAGE_PREFIX: Uint8Array = utf8(':child_storage:default:');

/** The top-trie key holding the root of the default child trie `childKey` (the key without the prefix). */
export function childStorageKey(childKey: Uint8Array): Uint8Array {
  return concatBytes(DEFAULT_CHILD_STORAGE_PREFIX, childKey);
}

/**
 * The state root of `top` plus default child tries (as in a raw chain spec's `top` / `childrenDefault`), computed
 * in closed form: each non-empty child trie's root is inserted into the top trie under {@link childStorageKey}.
 */
export function stateRootWithChildren(
  top: Iterable<readonly [Uint8Array, Uint8Array]>,
  childrenDefault: Iterable<readonly [childKey: Uint8Array, entries: Iterable<readonly [Uint8Array, Uint8Array]>]>,
  version: StateVersion,
): Uint8Array {
  const all: Array<readonly [Uint8Array, Uint8Array]> = Array.from(top);
  for (const [childKey, entries] of childrenDefault) {
    const list = Array.from(entries);
    if (list.length === 0) continue;
    all.push([childStorageKey(childKey), trieRoot(list, version)]);
  }
  return trieRoot(all, version);
}
