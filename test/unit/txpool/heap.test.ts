import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IndexedHeap } from '../../../src/txpool/heap.js';

interface Item {
  v: number;
  id: number;
  heapPos: number;
}

describe('IndexedHeap', () => {
  it('pops in order after arbitrary pushes and removals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 200 }),
        (ops) => {
          const heap = new IndexedHeap<Item>((a, b) => a.v < b.v || (a.v === b.v && a.id < b.id));
          const live: Item[] = [];
          ops.forEach(([v, removeOne], id) => {
            const item = { v, id, heapPos: -1 };
            heap.push(item);
            live.push(item);
            if (removeOne) {
              // Remove an item from the middle of the array, not the top.
              const victim = live.splice(Math.floor(live.length / 2), 1)[0];
              expect(heap.remove(victim)).toBe(true);
              expect(heap.has(victim)).toBe(false);
              expect(heap.remove(victim)).toBe(false);
            }
          });
          expect(heap.size).toBe(live.length);
          live.sort((a, b) => a.v - b.v || a.id - b.id);
          const out: Item[] = [];
          for (let x = heap.pop(); x !== undefined; x = heap.pop()) out.push(x);
          expect(out).toEqual(live);
          for (const x of out) expect(x.heapPos).toBe(-1);
        },
      ),
    );
  });

  it('peek does not remove and clear empties', () => {
    const heap = new IndexedHeap<Item>((a, b) => a.v < b.v);
    const a = { v: 2, id: 0, heapPos: -1 };
    const b = { v: 1, id: 1, heapPos: -1 };
    heap.push(a);
    heap.push(b);
    expect(heap.peek()).toBe(b);
    expect(heap.size).toBe(2);
    heap.clear();
    expect(heap.size).toBe(0);
    expect(heap.has(a)).toBe(false);
    expect(heap.pop()).toBeUndefined();
  });
});
