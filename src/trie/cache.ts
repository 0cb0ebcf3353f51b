/**
 * Bounded LRU of decoded trie nodes by hash, shared between {@link Trie} instances.
 */
import { equalBytes } from '../primitives/bytes.js';
import type { Node } from './node.js';

interface Entry {
  readonly hash: Uint8Array;
  readonly node: Node;
}

/** 2^24, to place bytes 0..2 above bytes 3..5 in a 48-bit number. */
const TWO_POW_24 = 16_777_216;

/**
 * A 48-bit number from the first 6 bytes of a hash: a cheap, exact Map key (no string building). Two hashes
 * sharing those bytes collide on the key; the cache then keeps only the latest and the other is a miss.
 */
function keyOf(hash: Uint8Array): number {
  return ((hash[0] << 16) | (hash[1] << 8) | hash[2]) * TWO_POW_24 + ((hash[3] << 16) | (hash[4] << 8) | hash[5]);
}

/** Bounded LRU of decoded nodes by hash, shared between Trie instances. Nodes are immutable, so sharing is safe. */
export class NodeCache {
  /** Most entries kept (≥ 1). */
  readonly maxEntries: number;
  // Map iteration order is insertion order: the first key is the least recently used.
  private readonly map = new Map<number, Entry>();

  /** `maxEntries` (1 ≤ maxEntries ≤ 2^24): how many decoded nodes to keep. */
  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`NodeCache size must be a positive integer, got ${maxEntries}`);
    this.maxEntries = maxEntries;
  }

  /** Number of nodes held (0 ≤ size ≤ maxEntries). */
  get size(): number {
    return this.map.size;
  }

  /** The node decoded from the encoding whose hash is `hash`, marking it most recently used. */
  get(hash: Uint8Array): Node | undefined {
    const k = keyOf(hash);
    const e = this.map.get(k);
    if (e === undefined || !equalBytes(e.hash, hash)) return undefined;
    this.map.delete(k);
    this.map.set(k, e);
    return e.node;
  }

  /** Remember `node` under `hash`, evicting the least recently used entry when full. */
  set(hash: Uint8Array, node: Node): void {
    const k = keyOf(hash);
    this.map.delete(k);
    this.map.set(k, { hash, node });
    if (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as number;
      this.map.delete(oldest);
    }
  }

  /** Drop every entry. */
  clear(): void {
    this.map.clear();
  }
}
