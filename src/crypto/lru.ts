/**
 * A bounded least-recently-used map, used for the signature verdict cache and the public-key caches.
 * Built on `Map`'s insertion order: a hit moves the entry to the back, an insert past capacity evicts the front.
 */
export class LruCache<K, V> {
  readonly #map = new Map<K, V>();
  /** The most entries kept, ≥ 1. */
  readonly capacity: number;

  /** A cache holding at most `capacity` (≥ 1, an integer) entries. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`LRU capacity must be an integer ≥ 1, got ${capacity}`);
    this.capacity = capacity;
  }

  /** The value for `key`, marking it most recently used; `undefined` when absent. */
  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v === undefined) return undefined;
    // Re-insert so the key moves to the back of the insertion order (most recent).
    this.#map.delete(key);
    this.#map.set(key, v);
    return v;
  }

  /** The value for `key` without touching its recency. */
  peek(key: K): V | undefined {
    return this.#map.get(key);
  }

  /** True when `key` is cached (recency unchanged). */
  has(key: K): boolean {
    return this.#map.has(key);
  }

  /** Store `value` (which must not be `undefined`) as the most recent entry, evicting the oldest when full. */
  set(key: K, value: V): void {
    if (this.#map.has(key)) this.#map.delete(key);
    else if (this.#map.size >= this.capacity) {
      // The first key in iteration order is the least recently used.
      const oldest = this.#map.keys().next();
      if (oldest.done !== true) this.#map.delete(oldest.value);
    }
    this.#map.set(key, value);
  }

  /** Remove `key`; true when it was present. */
  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  /** Drop every entry. */
  clear(): void {
    this.#map.clear();
  }

  /** Number of entries, `0 ..= capacity`. */
  get size(): number {
    return this.#map.size;
  }
}
