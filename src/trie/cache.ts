/**
 * Bounded LRU of decoded trie nodes by hash, shared between {@link Trie} instances.
 */
import type { Node } from './node.js';

/** A cached node, linked into the recency list (most recent at `head`). */
class Entry {
  prev: Entry | null = null;
  next: Entry | null = null;
  constructor(
    readonly key: number,
    readonly hash: Uint8Array,
    readonly node: Node,
  ) {}
}

/**
 * A 30-bit number from the first bytes of a hash: a small integer, so a Map lookup allocates nothing. Two cached
 * hashes sharing those bits (about one pair in 2^30 / entries) collide on the key: the cache then keeps only the
 * latest, and the other is a miss, never a wrong hit (entries are compared in full).
 */
function keyOf(b: Uint8Array, o: number): number {
  return (b[o] << 22) | (b[o + 1] << 14) | (b[o + 2] << 6) | (b[o + 3] >> 2);
}

/** True when the 32 bytes at `bytes[o]` are `hash`. */
function sameHash(hash: Uint8Array, bytes: Uint8Array, o: number): boolean {
  for (let i = 0; i < 32; i++) if (hash[i] !== bytes[o + i]) return false;
  return true;
}

/**
 * Bounded LRU of decoded nodes by hash, shared between Trie instances. Nodes are immutable, so sharing is safe.
 * A Map finds entries; a doubly linked list keeps their recency, so a hit moves pointers and never mutates the
 * Map (re-inserting into a Map on every hit leaves deleted slots that make eviction by iteration quadratic).
 */
export class NodeCache {
  /** Most entries kept (≥ 1). */
  readonly maxEntries: number;
  private readonly map = new Map<number, Entry>();
  private head: Entry | null = null;
  private tail: Entry | null = null;

  /** `maxEntries` (1 ≤ maxEntries ≤ 2^30): how many decoded nodes to keep. */
  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > 2 ** 30) {
      throw new RangeError(`NodeCache size must be an integer in 1..2^30, got ${maxEntries}`);
    }
    this.maxEntries = maxEntries;
  }

  /** Number of nodes held (0 ≤ size ≤ maxEntries). */
  get size(): number {
    return this.map.size;
  }

  /** The node decoded from the encoding whose hash is `hash`, marking it most recently used. */
  get(hash: Uint8Array): Node | undefined {
    return hash.length === 32 ? this.getAt(hash, 0) : undefined;
  }

  /** {@link get} for the 32-byte hash at `bytes[offset]` (0 ≤ offset ≤ bytes.length − 32), without a view. */
  getAt(bytes: Uint8Array, offset: number): Node | undefined {
    const e = this.map.get(keyOf(bytes, offset));
    if (e === undefined || !sameHash(e.hash, bytes, offset)) return undefined;
    if (e !== this.head) {
      this.unlink(e);
      this.pushHead(e);
    }
    return e.node;
  }

  /** Remember `node` under `hash`, evicting the least recently used entry when full. */
  set(hash: Uint8Array, node: Node): void {
    if (hash.length !== 32) throw new RangeError('a node hash is 32 bytes');
    const key = keyOf(hash, 0);
    const old = this.map.get(key);
    if (old !== undefined) this.unlink(old);
    const e = new Entry(key, hash, node);
    this.map.set(key, e);
    this.pushHead(e);
    if (this.map.size > this.maxEntries) {
      const lru = this.tail!;
      this.unlink(lru);
      this.map.delete(lru.key);
    }
  }

  /** Drop every entry. */
  clear(): void {
    this.map.clear();
    this.head = this.tail = null;
  }

  private unlink(e: Entry): void {
    if (e.prev !== null) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next !== null) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = e.next = null;
  }

  private pushHead(e: Entry): void {
    e.next = this.head;
    if (this.head !== null) this.head.prev = e;
    this.head = e;
    if (this.tail === null) this.tail = e;
  }
}
