/**
 * Shared types of the state trie.
 */
import { toHex } from '../primitives/bytes.js';

/**
 * Substrate's trie layout (`sp_runtime::StateVersion`): in V0 every value is stored inline in its node; in V1 a
 * value of 33 bytes or more is stored out of line under its blake2_256 hash.
 */
export type StateVersion = 0 | 1;

/** Where trie nodes live: encoded nodes AND (V1) hashed values, both keyed by their blake2_256 hash. */
export interface NodeStore {
  /** The bytes stored under `hash` (32 bytes), or `undefined` when the store does not hold them. */
  get(hash: Uint8Array): Uint8Array | undefined;
}

/** Values of this many bytes or more are stored out of line in layout V1 (`sp_core::storage::TRIE_VALUE_NODE_THRESHOLD`). */
export const TRIE_VALUE_NODE_THRESHOLD = 33;

/** Thrown when a node or hashed value the trie needs is not in its {@link NodeStore}. */
export class MissingNodeError extends Error {
  /** The hash that was looked up. */
  readonly hash: Uint8Array;
  constructor(hash: Uint8Array, what: 'node' | 'value') {
    super(`trie ${what} ${toHex(hash)} is not in the node store`);
    this.name = 'MissingNodeError';
    this.hash = hash;
  }
}

/** Thrown by the node decoder on bytes that are not a canonical node encoding. */
export class TrieCodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrieCodecError';
  }
}
