/**
 * Per-key token buckets (the RPC server keys them by client IP).
 *
 * Each key may make `ratePerSecond` calls per second on average and burst up to `ratePerSecond` calls at once.
 * Integer arithmetic in milli-tokens: a bucket holds up to `ratePerSecond * 1000` milli-tokens, a call costs
 * 1000, and every elapsed millisecond adds `ratePerSecond`. The clock is injected so tests do not depend on time.
 */

/** Milliseconds from an arbitrary origin; should not go backwards (a backwards step is treated as no time). */
export type Clock = () => number;

/** Monotonic default clock in whole milliseconds. */
export const monotonicClock: Clock = () => Math.floor(performance.now());

interface Bucket {
  /** Milli-tokens available, 0 ≤ level ≤ capacity. */
  level: number;
  /** Clock reading at the last refill. */
  at: number;
}

/** A set of token buckets, one per key, with a bounded number of tracked keys. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** Milli-tokens per bucket, ≤ 2^53 (ratePerSecond ≤ 10^9). */
  private readonly capacity: number;

  /**
   * @param ratePerSecond calls per second and burst size per key, 1 ≤ ratePerSecond ≤ 10^9.
   * @param clock source of time in milliseconds.
   * @param maxKeys keys tracked at once (≥ 1); beyond it the least recently used key is forgotten.
   */
  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: Clock = monotonicClock,
    private readonly maxKeys = 100_000,
  ) {
    if (!Number.isInteger(ratePerSecond) || ratePerSecond < 1 || ratePerSecond > 1e9) {
      throw new RangeError(`rate must be an integer in [1, 1e9], got ${ratePerSecond}`);
    }
    this.capacity = ratePerSecond * 1000;
  }

  /** Take one token for `key`; false when its bucket is empty (the call must be refused). */
  tryTake(key: string): boolean {
    const now = this.clock();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      // Least recently used first: Map iteration follows insertion order and every access re-inserts.
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { level: this.capacity, at: now };
    } else {
      this.buckets.delete(key);
      this.refill(bucket, now);
    }
    this.buckets.set(key, bucket);
    if (bucket.level < 1000) return false;
    bucket.level -= 1000;
    return true;
  }

  /** Number of keys currently tracked (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private refill(bucket: Bucket, now: number): void {
    const elapsed = Math.max(0, now - bucket.at);
    // Cap the elapsed time so the product cannot overflow 2^53 however long the bucket sat idle.
    const add = Math.min(elapsed, 1000) * this.ratePerSecond;
    bucket.level = Math.min(this.capacity, bucket.level + add);
    bucket.at = Math.max(bucket.at, now);
  }
}
