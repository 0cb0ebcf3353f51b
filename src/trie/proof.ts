/**
 * Checking Substrate read proofs (a set of encoded nodes and hashed values) against a state root.
 */
import { toHexRaw } from '../primitives/bytes.js';
import { hash256 } from './hash.js';
import { Trie } from './trie.js';
import { MissingNodeError, type NodeStore, TrieCodecError } from './types.js';

/** A {@link NodeStore} over the items of a proof, each keyed by the blake2_256 of its bytes (so nothing in it can lie). */
export class ProofStore implements NodeStore {
  private readonly items = new Map<string, Uint8Array>();

  constructor(proof: readonly Uint8Array[]) {
    for (const item of proof) this.items.set(toHexRaw(hash256(item)), item);
  }

  /** The proof item whose hash is `hash`. */
  get(hash: Uint8Array): Uint8Array | undefined {
    return this.items.get(toHexRaw(hash));
  }
}

/**
 * The value of `key` in the trie with root `root`, as proved by `proof`: the value, `undefined` when the proof
 * shows the key is absent, or `'invalid'` when the proof lacks a node on the key's path or holds a malformed one.
 */
export function verifyProof(root: Uint8Array, proof: readonly Uint8Array[], key: Uint8Array): Uint8Array | undefined | 'invalid' {
  return verifyProofs(root, proof, [key])[0];
}

/** {@link verifyProof} for several keys against one proof (the proof's items are hashed once). */
export function verifyProofs(
  root: Uint8Array,
  proof: readonly Uint8Array[],
  keys: readonly Uint8Array[],
): Array<Uint8Array | undefined | 'invalid'> {
  const trie = Trie.at(root, new ProofStore(proof));
  return keys.map((key) => {
    try {
      return trie.get(key);
    } catch (e) {
      if (e instanceof MissingNodeError || e instanceof TrieCodecError) return 'invalid';
      throw e;
    }
  });
}
