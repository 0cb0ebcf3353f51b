/**
 * The simulator's event queue: a binary min-heap ordered by (virtual time, insertion sequence), so events at the
 * same instant run in the order they were scheduled and a run is a pure function of its seed.
 */

interface Entry<T> {
  time: number;
  seq: number;
  item: T;
}

/** A priority queue of events by virtual time (ms), FIFO among equal times. */
export class EventQueue<T> {
  private readonly heap: Entry<T>[] = [];
  /** Events ever pushed (≤ 2^53); the tie-breaker. */
  private seq = 0;

  /** Number of pending events. */
  get size(): number {
    return this.heap.length;
  }

  /** Schedule `item` at `time`. */
  push(time: number, item: T): void {
    this.heap.push({ time, seq: this.seq++, item });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(this.heap[i], this.heap[parent])) break;
      [this.heap[i], this.heap[parent]] = [this.heap[parent], this.heap[i]];
      i = parent;
    }
  }

  /** Remove and return the earliest event, or `undefined` when empty. */
  pop(): { time: number; item: T } | undefined {
    const top = this.heap[0];
    if (top === undefined) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && less(this.heap[l], this.heap[m])) m = l;
        if (r < this.heap.length && less(this.heap[r], this.heap[m])) m = r;
        if (m === i) break;
        [this.heap[i], this.heap[m]] = [this.heap[m], this.heap[i]];
        i = m;
      }
    }
    return { time: top.time, item: top.item };
  }
}

function less<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
