/**
 * Storage queries of `chainHead_v1_storage` and `archive_v1_storage`: the five query types over the state trie of
 * a block (or one of its default child tries), produced lazily in key order so that a caller can page through a
 * large descendant set without holding it.
 */
import { z } from 'zod';
import { toHex } from '../../../primitives/bytes.js';
import { blake2_256 } from '../../../primitives/hashing.js';
import { childStorageKey, type Trie } from '../../../trie/index.js';
import type { Chain } from '../../../node/chain.js';
import { hexBytes, optional } from '../../params.js';

/** The query types of the spec. */
export const STORAGE_QUERY_TYPES = ['value', 'hash', 'closestDescendantMerkleValue', 'descendantsValues', 'descendantsHashes'] as const;

/** One of {@link STORAGE_QUERY_TYPES}. */
export type StorageQueryType = (typeof STORAGE_QUERY_TYPES)[number];

/** One requested item. `paginationStartKey` (archive only): descendants strictly after this key. */
export interface StorageQuery {
  key: Uint8Array;
  type: StorageQueryType;
  paginationStartKey?: Uint8Array;
}

/** One result item as sent on the wire (exactly one of the optional fields is set). */
export interface StorageResultItem {
  key: string;
  value?: string;
  hash?: string;
  closestDescendantMerkleValue?: string;
}

/** A result item, whether it comes from a descendants query, and its approximate JSON size in bytes. */
export interface ProducedItem {
  item: StorageResultItem;
  descendant: boolean;
  /** Approximate serialized size (hex digits plus field names), ≤ 2 × (key + value bytes) + 64. */
  bytes: number;
}

/** Schema of a `chainHead_v1_storage` item: `{key, type}` (other members are ignored). */
export const storageQuerySchema = z.object({
  key: hexBytes,
  type: z.enum(STORAGE_QUERY_TYPES),
});

/** Schema of an `archive_v1_storage` item: `{key, type, paginationStartKey?}`. */
export const archiveStorageQuerySchema = z.object({
  key: hexBytes,
  type: z.enum(STORAGE_QUERY_TYPES),
  paginationStartKey: optional(hexBytes),
});

/** True for the types that return every key under a prefix. */
export function isDescendantsQuery(type: StorageQueryType): boolean {
  return type === 'descendantsValues' || type === 'descendantsHashes';
}

/**
 * The trie a query reads: the block's state trie, or with `childTrie` the default child trie whose root the state
 * holds under `:child_storage:default:` ‖ `childTrie`. Null when the block is unknown; `'empty'` when the child
 * trie does not exist (every query then finds nothing).
 */
export function queryTrie(chain: Chain, blockHash: Uint8Array, childTrie: Uint8Array | undefined): Trie | 'empty' | null {
  const top = chain.trieAt(blockHash);
  if (top === undefined) return null;
  if (childTrie === undefined) return top;
  const root = top.get(childStorageKey(childTrie));
  // A child trie exists only while non-empty: its root is then stored, and its nodes are in the node store.
  return root === undefined ? 'empty' : chain.db.stateAt(root);
}

function produced(item: StorageResultItem, descendant: boolean, dataHexLength: number): ProducedItem {
  return { item, descendant, bytes: item.key.length + dataHexLength + 64 };
}

/**
 * The results of `queries` against `trie`, in request order; descendants in key order. Lazy: the trie is read as
 * the caller pulls, so a caller that stops early reads no more. Throws what the trie throws (a missing node).
 */
export function* storageResults(trie: Trie | 'empty', queries: readonly StorageQuery[]): Generator<ProducedItem, void, undefined> {
  if (trie === 'empty') return;
  for (const q of queries) {
    const key = toHex(q.key);
    switch (q.type) {
      case 'value': {
        const v = trie.get(q.key);
        if (v !== undefined) {
          const value = toHex(v);
          yield produced({ key, value }, false, value.length);
        }
        break;
      }
      case 'hash': {
        const v = trie.get(q.key);
        if (v !== undefined) yield produced({ key, hash: toHex(blake2_256(v)) }, false, 66);
        break;
      }
      case 'closestDescendantMerkleValue': {
        const mv = trie.closestDescendantMerkleValue(q.key);
        if (mv !== undefined) {
          const closestDescendantMerkleValue = toHex(mv);
          yield produced({ key, closestDescendantMerkleValue }, false, closestDescendantMerkleValue.length);
        }
        break;
      }
      case 'descendantsValues':
        for (const [k, v] of trie.entries(q.key, q.paginationStartKey)) {
          const value = toHex(v);
          yield produced({ key: toHex(k), value }, true, value.length);
        }
        break;
      case 'descendantsHashes':
        for (const [k, v] of trie.entries(q.key, q.paginationStartKey)) yield produced({ key: toHex(k), hash: toHex(blake2_256(v)) }, true, 66);
        break;
    }
  }
}
