/**
 * Binary heap whose items remember their own position, so any item can be removed in O(log n).
 * The pool keeps one for "worst ready transaction" (eviction) and one for "oldest future
 * transaction"; the ready iterator uses one per iteration.
 */

/** Stores an item's slot index (0 ..= 2^32-1, or -1 when not in the heap). */
export interface HeapSlot {
  /** Position in the heap array, -1 when not in a heap. */
  heapPos: number;
}

/** Min-heap ordered by `before(a, b)` (true when `a` must come out before `b`). */
export class IndexedHeap<T extends HeapSlot> {
  private readonly items: T[] = [];

  /** @param before strict order: true when `a` comes out before `b`; must be a total order for determinism. */
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  /** Number of items; 0 ..= 2^32-1. */
  get size(): number {
    return this.items.length;
  }

  /** The first item, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Add `item` (which must not be in any heap). */
  push(item: T): void {
    item.heapPos = this.items.length;
    this.items.push(item);
    this.up(item.heapPos);
  }

  /** Remove and return the first item. */
  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Remove `item` if it is in this heap; returns whether it was. */
  remove(item: T): boolean {
    const i = item.heapPos;
    if (i < 0 || this.items[i] !== item) return false;
    const last = this.items.pop()!;
    item.heapPos = -1;
    if (i < this.items.length) {
      this.items[i] = last;
      last.heapPos = i;
      // The moved item may belong above or below its new slot.
      this.up(i);
      this.down(last.heapPos);
    }
    return true;
  }

  /** True when `item` is in this heap. */
  has(item: T): boolean {
    return item.heapPos >= 0 && this.items[item.heapPos] === item;
  }

  /** Remove every item. */
  clear(): void {
    for (const it of this.items) it.heapPos = -1;
    this.items.length = 0;
  }

  /** Items in heap-array order (not sorted); for invariant checks. */
  values(): readonly T[] {
    return this.items;
  }

  private up(i: number): void {
    const items = this.items;
    const item = items[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent];
      if (!this.before(item, p)) break;
      items[i] = p;
      p.heapPos = i;
      i = parent;
    }
    items[i] = item;
    item.heapPos = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.before(items[r], items[l]) ? r : l;
      if (!this.before(items[c], item)) break;
      items[i] = items[c];
      items[i].heapPos = i;
      i = c;
    }
    items[i] = item;
    item.heapPos = i;
  }
}
