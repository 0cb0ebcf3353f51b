/**
 * A bounded least-recently-used map on top of `Map`'s insertion order.
 */

/** LRU map with at most `capacity` entries; `get` refreshes recency, `set` evicts the oldest entry. */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  /** `capacity`: 0 ≤ capacity ≤ 2^24 entries (0 disables caching). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0 || capacity > 1 << 24) {
      throw new RangeError(`LRU capacity must be an integer in [0, 2^24], got ${capacity}`);
    }
  }

  /** Number of entries, 0 ≤ size ≤ capacity. */
  get size(): number {
    return this.map.size;
  }

  /** The cached value, or undefined when absent (a cached value may itself encode absence, e.g. `null`). */
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    // Re-insert to mark as most recently used.
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  /** True when `key` is cached (does not refresh recency). */
  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Insert or replace `key`, evicting the least recently used entry when full. */
  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.capacity) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
    this.map.set(key, value);
  }

  /** Replace `key` only when it is already cached (keeps recency unchanged). */
  update(key: K, value: V): void {
    if (this.map.has(key)) this.map.set(key, value);
  }

  /** Remove `key`. */
  delete(key: K): void {
    this.map.delete(key);
  }

  /** Remove everything. */
  clear(): void {
    this.map.clear();
  }
}
