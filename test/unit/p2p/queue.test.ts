import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedQueue, Fifo } from '../../../src/p2p/queue.js';

const msg = (tag: number, len = 1): Uint8Array => new Uint8Array(len).fill(tag);

describe('BoundedQueue', () => {
  it('drop-oldest evicts from the head to make room', () => {
    const q = new BoundedQueue({ maxMessages: 3, maxBytes: 100, policy: 'drop-oldest' });
    for (let i = 1; i <= 5; i++) q.push(msg(i));
    expect(q.length).toBe(3);
    expect(q.dropped).toBe(2);
    expect([q.shift()![0], q.shift()![0], q.shift()![0]]).toEqual([3, 4, 5]);
    expect(q.shift()).toBeUndefined();
  });

  it('drop-newest refuses new messages and keeps the prefix', () => {
    const q = new BoundedQueue({ maxMessages: 3, maxBytes: 100, policy: 'drop-newest' });
    const dropped = [1, 2, 3, 4, 5].map((i) => q.push(msg(i)));
    expect(dropped).toEqual([0, 0, 0, 1, 1]);
    expect([q.shift()![0], q.shift()![0], q.shift()![0]]).toEqual([1, 2, 3]);
  });

  it('bounds bytes as well as messages, and drops a message larger than the byte limit', () => {
    const q = new BoundedQueue({ maxMessages: 100, maxBytes: 10, policy: 'drop-oldest' });
    q.push(msg(1, 4));
    q.push(msg(2, 4));
    q.push(msg(3, 4)); // 12 > 10: evicts the first
    expect(q.bytes).toBe(8);
    expect(q.peek()![0]).toBe(2);
    expect(q.push(msg(9, 11))).toBe(1);
    expect(q.length).toBe(2);
  });

  it('names every message it drops (gossip forgets a dropped proposal as known to the peer)', () => {
    const tags = (ms: Uint8Array[]) => ms.map((m) => m[0]);
    const oldest = new BoundedQueue({ maxMessages: 2, maxBytes: 10, policy: 'drop-oldest' });
    const droppedOld: Uint8Array[] = [];
    for (const m of [msg(1), msg(2), msg(3), msg(4, 9), msg(5, 11)]) oldest.push(m, (d) => droppedOld.push(d));
    // 1 and 2 evicted by count, 5 refused (larger than the byte limit); 3 and 4 (1 + 9 bytes) stay.
    expect(tags(droppedOld)).toEqual([1, 2, 5]);
    expect(oldest.dropped).toBe(3);
    expect(tags([oldest.shift()!, oldest.shift()!])).toEqual([3, 4]);
    const newest = new BoundedQueue({ maxMessages: 2, maxBytes: 10, policy: 'drop-newest' });
    const droppedNew: Uint8Array[] = [];
    for (const m of [msg(1), msg(2), msg(3)]) newest.push(m, (d) => droppedNew.push(d));
    expect(tags(droppedNew)).toEqual([3]);
  });

  it('never exceeds its limits under any sequence of pushes and shifts', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('drop-oldest' as const, 'drop-newest' as const),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(-1)), { maxLength: 200 }),
        (policy, maxMessages, maxBytes, ops) => {
          const q = new BoundedQueue({ maxMessages, maxBytes, policy });
          let pushed = 0;
          let shifted = 0;
          for (const op of ops) {
            if (op < 0) {
              if (q.shift() !== undefined) shifted++;
            } else {
              q.push(new Uint8Array(op));
              pushed++;
            }
            expect(q.length).toBeLessThanOrEqual(maxMessages);
            expect(q.bytes).toBeLessThanOrEqual(maxBytes);
            expect(q.highWater).toBeLessThanOrEqual(maxMessages);
          }
          // Conservation: every pushed message is held, was shifted, or was counted as dropped.
          expect(pushed).toBe(q.length + shifted + q.dropped);
        },
      ),
    );
  });
});

describe('Fifo', () => {
  it('keeps order across compaction', () => {
    const f = new Fifo<number>();
    for (let i = 0; i < 5000; i++) f.push(i);
    for (let i = 0; i < 3000; i++) expect(f.shift()).toBe(i);
    for (let i = 5000; i < 6000; i++) f.push(i);
    for (let i = 3000; i < 6000; i++) expect(f.shift()).toBe(i);
    expect(f.length).toBe(0);
  });
});
