/**
 * Substrate's state trie: radix-16 Merkle-Patricia without extension nodes, blake2_256, layouts V0 and V1.
 */
export { type StateVersion, type NodeStore, MissingNodeError, TrieCodecError, TRIE_VALUE_NODE_THRESHOLD } from './types.js';
export { EMPTY_TRIE_ROOT, trieRoot, orderedTrieRoot, encodeCompact } from './root.js';
export { encodeNode, decodeNode, type NodeData, type NodeValue } from './codec.js';
export { NodeCache } from './cache.js';
export { Trie, type TrieUpdate, DEFAULT_CACHE_ENTRIES } from './trie.js';
export { verifyProof, verifyProofs, ProofStore } from './proof.js';
export { DEFAULT_CHILD_STORAGE_PREFIX, childStorageKey, stateRootWithChildren } from './child.js';
