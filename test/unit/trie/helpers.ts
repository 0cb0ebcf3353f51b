/**
 * Test helpers for the trie: a Map-backed node store.
 */
import { toHexRaw } from '../../../src/primitives/bytes.js';
import type { NodeStore } from '../../../src/trie/index.js';

/** A Map-backed node store fed with `newNodes`. */
export class MapStore implements NodeStore {
  readonly map = new Map<string, Uint8Array>();
  get(hash: Uint8Array): Uint8Array | undefined {
    return this.map.get(toHexRaw(hash));
  }
  putAll(nodes: Iterable<readonly [Uint8Array, Uint8Array]>): void {
    for (const [h, v] of nodes) this.map.set(toHexRaw(h), v);
  }
}
