/**
 * A FIFO of byte messages bounded by count and by bytes, with a named policy for what to drop when full. Every
 * per-peer outbound gossip queue is one of these, so a slow or stalled peer costs at most the configured bytes.
 */

/**
 * What a full queue drops:
 * - `drop-oldest`: evict from the head until the new message fits (the newest data wins; consensus, where a vote of
 *   a later round supersedes older ones);
 * - `drop-newest`: refuse the new message (the queue keeps a contiguous prefix; transactions, where nonce n must
 *   reach a peer before n + 1 is useful).
 */
export type DropPolicy = 'drop-oldest' | 'drop-newest';

/** Limits and policy of a {@link BoundedQueue}. */
export interface QueueLimits {
  /** Most messages held, ≥ 1. */
  maxMessages: number;
  /** Most bytes held (sum of message lengths), ≥ 1. A message larger than this is always dropped. */
  maxBytes: number;
  /** What to drop when full. */
  policy: DropPolicy;
}

/** Bounded FIFO of byte messages. */
export class BoundedQueue {
  /** The limits this queue enforces. */
  readonly limits: QueueLimits;
  // The messages, oldest first; this class adds the byte count and the drop policy.
  readonly #fifo = new Fifo<Uint8Array>();
  #bytes = 0;
  #dropped = 0;
  #highWater = 0;

  /** An empty queue with `limits`. */
  constructor(limits: QueueLimits) {
    if (!Number.isInteger(limits.maxMessages) || limits.maxMessages < 1) throw new RangeError(`maxMessages must be an integer ≥ 1, got ${limits.maxMessages}`);
    if (!Number.isInteger(limits.maxBytes) || limits.maxBytes < 1) throw new RangeError(`maxBytes must be an integer ≥ 1, got ${limits.maxBytes}`);
    this.limits = { ...limits };
  }

  /** Messages held, 0 ..= maxMessages. */
  get length(): number {
    return this.#fifo.length;
  }

  /** Bytes held, 0 ..= maxBytes. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Messages dropped since creation (by either policy), 0 ..= 2^53. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Largest length ever held, 0 ..= maxMessages. */
  get highWater(): number {
    return this.#highWater;
  }

  /**
   * Append `msg`, dropping per the policy when full; returns how many messages were dropped (0 ..= maxMessages).
   * `onDrop` is called with each message dropped (`msg` itself when it is refused).
   */
  push(msg: Uint8Array, onDrop?: (dropped: Uint8Array) => void): number {
    const { maxMessages, maxBytes, policy } = this.limits;
    if (msg.length > maxBytes) {
      this.#dropped++;
      onDrop?.(msg);
      return 1;
    }
    let dropped = 0;
    if (policy === 'drop-newest') {
      if (this.length + 1 > maxMessages || this.#bytes + msg.length > maxBytes) {
        this.#dropped++;
        onDrop?.(msg);
        return 1;
      }
    } else {
      while (this.length + 1 > maxMessages || this.#bytes + msg.length > maxBytes) {
        const old = this.shift()!;
        onDrop?.(old);
        dropped++;
      }
      this.#dropped += dropped;
    }
    this.#fifo.push(msg);
    this.#bytes += msg.length;
    if (this.length > this.#highWater) this.#highWater = this.length;
    return dropped;
  }

  /** The oldest message without removing it. */
  peek(): Uint8Array | undefined {
    return this.#fifo.peek();
  }

  /** Remove and return the oldest message. */
  shift(): Uint8Array | undefined {
    const msg = this.#fifo.shift();
    if (msg !== undefined) this.#bytes -= msg.length;
    return msg;
  }

  /** Drop every message (not counted as dropped: the caller discards the queue on purpose). */
  clear(): void {
    this.#fifo.clear();
    this.#bytes = 0;
  }
}

/** An unbounded FIFO with O(1) amortised `shift`; callers bound it themselves (see the gossip inbound reader). */
export class Fifo<T> {
  #items: T[] = [];
  #head = 0;

  /** Items held. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Append `item`. */
  push(item: T): void {
    this.#items.push(item);
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
  }

  /** Remove and return the oldest item. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    // Release the reference so a dequeued item can be collected before compaction.
    this.#items[this.#head] = undefined as T;
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Drop every item. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
