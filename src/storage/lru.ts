/**
 * A bounded cache that keeps recently used entries, in O(1) per operation without iterators.
 *
 * A textbook LRU on `Map` (delete + re-insert on hit, evict `keys().next()`) degrades badly in V8: deleted
 * slots stay in the table until a rehash, and finding the oldest live entry walks over them (this showed
 * up as 20% of commit time in `bench/storage.ts`). This cache uses two generations instead: new entries
 * and hits go to `young`; when `young` is full it becomes `old` and the previous `old` is dropped whole.
 * An entry used at least once per half-capacity insertions is never evicted.
 */

/** Two-generation cache with at most max(capacity, 2) entries (none when capacity is 0). */
export class LruCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generation: number; // entries per generation, ≥ 1 unless capacity is 0

  /** `capacity`: 0 ≤ capacity ≤ 2^24 entries (0 disables caching). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0 || capacity > 1 << 24) {
      throw new RangeError(`cache capacity must be an integer in [0, 2^24], got ${capacity}`);
    }
    this.generation = capacity === 0 ? 0 : Math.max(1, capacity >>> 1);
  }

  /** Entries held, 0 ≤ size ≤ max(capacity, 2) (a key promoted from the old generation may count twice). */
  get size(): number {
    return this.young.size + this.old.size;
  }

  /** The cached value, or undefined when absent (a cached value may itself encode absence, e.g. `null`). */
  get(key: K): V | undefined {
    const y = this.young.get(key);
    if (y !== undefined) return y;
    const o = this.old.get(key);
    // A hit in the old generation is promoted; the stale copy in `old` is shadowed and dropped with it.
    if (o !== undefined) this.insert(key, o);
    return o;
  }

  /** Insert or replace `key`. */
  set(key: K, value: V): void {
    if (this.generation === 0) return;
    if (this.young.has(key)) this.young.set(key, value);
    else {
      // Keep `old` from answering with a previous value once `key` rotates out of `young`.
      this.old.delete(key);
      this.insert(key, value);
    }
  }

  /** Remove `key`. */
  delete(key: K): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  /** Remove everything. */
  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }

  private insert(key: K, value: V): void {
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
