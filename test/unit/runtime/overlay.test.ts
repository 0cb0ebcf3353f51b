/**
 * The transactional overlay: nested commit/rollback, `nextKey` merging the base with live and deleted overlay
 * keys, prefix iteration and clearing, the change set, and a fast-check model test against a plain Map.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes, toHexRaw } from '../../../src/primitives/bytes.js';
import { MAX_TRANSACTION_DEPTH, Overlay, OverlayError, type StateReader } from '../../../src/runtime/state.js';

/** A sorted in-memory base state. */
function baseOf(entries: Array<[Uint8Array, Uint8Array]>): StateReader & { keys: Uint8Array[] } {
  const map = new Map(entries.map(([k, v]) => [toHexRaw(k), v]));
  const keys = [...new Map(entries.map(([k]) => [toHexRaw(k), k])).values()].sort(compareBytes);
  return {
    keys,
    get: (k) => map.get(toHexRaw(k)),
    nextKey: (k) => keys.find((x) => compareBytes(x, k) > 0),
  };
}

const b = (...xs: number[]) => new Uint8Array(xs);
const hexes = (ks: Iterable<Uint8Array>) => [...ks].map(toHexRaw);

describe('Overlay transactional layers', () => {
  it('reads through to the base, shadows it, and deletes over it', () => {
    const o = new Overlay(baseOf([[b(1), b(10)], [b(2), b(20)]]));
    expect(o.get(b(1))).toEqual(b(10));
    o.set(b(1), b(11));
    o.delete(b(2));
    o.set(b(3), b(30));
    expect(o.get(b(1))).toEqual(b(11));
    expect(o.get(b(2))).toBeUndefined();
    expect(o.get(b(3))).toEqual(b(30));
    expect(o.changes().map(([k, v]) => [toHexRaw(k), v && toHexRaw(v)])).toEqual([
      ['01', '0b'],
      ['02', null],
      ['03', '1e'],
    ]);
  });

  it('nested layers: an inner rollback keeps the outer layer, an outer rollback drops both', () => {
    const o = new Overlay(baseOf([[b(1), b(1)]]));
    o.startTransaction();
    o.set(b(1), b(2));
    o.startTransaction();
    o.set(b(1), b(3));
    o.set(b(9), b(9));
    expect(o.depth).toBe(2);
    expect(o.get(b(1))).toEqual(b(3));
    o.rollbackTransaction();
    expect(o.get(b(1))).toEqual(b(2));
    expect(o.get(b(9))).toBeUndefined();
    o.startTransaction();
    o.delete(b(1));
    o.commitTransaction();
    expect(o.get(b(1))).toBeUndefined();
    o.rollbackTransaction();
    expect(o.depth).toBe(0);
    expect(o.get(b(1))).toEqual(b(1));
    expect(o.changes()).toEqual([]);
  });

  it('nested commits reach the block change set only when the outermost layer commits', () => {
    const o = new Overlay(baseOf([]));
    o.startTransaction();
    o.startTransaction();
    o.set(b(5), b(5));
    o.commitTransaction();
    expect(() => o.changes()).toThrow(OverlayError);
    o.commitTransaction();
    expect(hexes(o.changes().map(([k]) => k))).toEqual(['05']);
  });

  it('transactional() commits on return and rolls back on throw, re-throwing', () => {
    const o = new Overlay(baseOf([]));
    expect(o.transactional(() => (o.set(b(1), b(1)), 42))).toBe(42);
    expect(() =>
      o.transactional(() => {
        o.set(b(2), b(2));
        o.transactional(() => o.set(b(3), b(3)));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(o.get(b(1))).toEqual(b(1));
    expect(o.get(b(2))).toBeUndefined();
    expect(o.get(b(3))).toBeUndefined();
    expect(o.depth).toBe(0);
  });

  it('misuse is an OverlayError: depth limit, commit or rollback with no layer', () => {
    const o = new Overlay(baseOf([]));
    expect(() => o.commitTransaction()).toThrow(OverlayError);
    expect(() => o.rollbackTransaction()).toThrow(OverlayError);
    for (let i = 0; i < MAX_TRANSACTION_DEPTH; i++) o.startTransaction();
    expect(() => o.startTransaction()).toThrow(OverlayError);
    expect(o.depth).toBe(MAX_TRANSACTION_DEPTH);
  });
});

describe('Overlay key iteration', () => {
  const base = baseOf([
    [b(1), b(1)],
    [b(1, 0), b(1)],
    [b(1, 5), b(1)],
    [b(2), b(2)],
    [b(4, 4), b(4)],
  ]);

  it('nextKey merges base and overlay keys and skips deletions in either', () => {
    const o = new Overlay(base);
    o.delete(b(1, 0)); // a base key deleted
    o.set(b(1, 2), b(9)); // a new key between base keys
    o.set(b(3), b(3));
    o.delete(b(3, 1)); // deleting an absent key creates nothing
    o.startTransaction();
    o.delete(b(2)); // deleted in an open layer
    o.set(b(0), b(0));
    const walk: string[] = [];
    for (let k = o.nextKey(new Uint8Array()); k; k = o.nextKey(k)) walk.push(toHexRaw(k));
    expect(walk).toEqual(['00', '01', '0102', '0105', '03', '0404']);
    o.rollbackTransaction();
    walk.length = 0;
    for (let k = o.nextKey(new Uint8Array()); k; k = o.nextKey(k)) walk.push(toHexRaw(k));
    expect(walk).toEqual(['01', '0102', '0105', '02', '03', '0404']);
    // Strictly greater: from a key itself, and from a key between others.
    expect(toHexRaw(o.nextKey(b(1))!)).toBe('0102');
    expect(toHexRaw(o.nextKey(b(1, 3))!)).toBe('0105');
    expect(o.nextKey(b(4, 4))).toBeUndefined();
  });

  it('a key re-set after deletion is live again; a key deleted after being set is gone', () => {
    const o = new Overlay(base);
    o.delete(b(2));
    o.startTransaction();
    o.set(b(2), b(7));
    expect(toHexRaw(o.nextKey(b(1, 5))!)).toBe('02');
    o.commitTransaction();
    o.set(b(5), b(5));
    o.delete(b(5));
    expect(o.nextKey(b(4, 4))).toBeUndefined();
  });

  it('keysWithPrefix and clearPrefix (with a limit)', () => {
    const o = new Overlay(base);
    o.set(b(1, 9), b(1));
    expect(hexes(o.keysWithPrefix(b(1)))).toEqual(['01', '0100', '0105', '0109']);
    expect(o.clearPrefix(b(1), 2)).toBe(2);
    expect(hexes(o.keysWithPrefix(b(1)))).toEqual(['0105', '0109']);
    expect(o.clearPrefix(b(1))).toBe(2);
    expect(hexes(o.keysWithPrefix(b(1)))).toEqual([]);
    expect(hexes(o.keysWithPrefix(new Uint8Array()))).toEqual(['02', '0404']);
  });
});

describe('Overlay against a Map model (fast-check)', () => {
  type Op =
    | { op: 'set'; k: Uint8Array; v: Uint8Array }
    | { op: 'delete'; k: Uint8Array }
    | { op: 'start' }
    | { op: 'commit' }
    | { op: 'rollback' }
    | { op: 'clearPrefix'; k: Uint8Array; limit: number };
  // A tiny alphabet so that keys collide, nest as prefixes and interleave with the base.
  const keyArb = fc.array(fc.constantFrom(0, 1, 2, 0xff), { maxLength: 3 }).map((a) => new Uint8Array(a));
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), k: keyArb, v: fc.uint8Array({ maxLength: 2 }) }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), k: keyArb }) },
    { weight: 2, arbitrary: fc.constant({ op: 'start' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'commit' as const }) },
    { weight: 1, arbitrary: fc.constant({ op: 'rollback' as const }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('clearPrefix' as const), k: keyArb, limit: fc.integer({ min: 0, max: 3 }) }) },
  );

  it('get, nextKey, keysWithPrefix and the change set agree with the model after every operation', () => {
    // Every key of the alphabet up to length 3, to probe gets and nextKeys.
    const universe: Uint8Array[] = [new Uint8Array()];
    for (let len = 1; len <= 3; len++) {
      const prev = universe.filter((k) => k.length === len - 1);
      for (const p of prev) for (const x of [0, 1, 2, 0xff]) universe.push(new Uint8Array([...p, x]));
    }
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArb, fc.uint8Array({ minLength: 1, maxLength: 2 })), { maxLength: 12 }), fc.array(opArb, { maxLength: 40 }), (baseEntries, ops) => {
        const base = baseOf(baseEntries);
        const o = new Overlay(base);
        let model = new Map<string, Uint8Array>(base.keys.map((k) => [toHexRaw(k), base.get(k)!]));
        const saved: Map<string, Uint8Array>[] = [];
        const check = () => {
          const sorted = [...model.keys()].sort();
          // Compare whole tables at once (one assertion per step keeps the run fast).
          const got: Array<[string, string | undefined, string | undefined]> = [];
          const want: Array<[string, string | undefined, string | undefined]> = [];
          for (const k of universe) {
            const hx = toHexRaw(k);
            const v = o.get(k);
            const n = o.nextKey(k);
            got.push([hx, v && toHexRaw(v), n && toHexRaw(n)]);
            const mv = model.get(hx);
            want.push([hx, mv && toHexRaw(mv), sorted.find((x) => x > hx)]);
          }
          expect(got).toEqual(want);
          expect(hexes(o.keysWithPrefix(new Uint8Array([1])))).toEqual(sorted.filter((x) => x.startsWith('01')));
        };
        for (const op of ops) {
          switch (op.op) {
            case 'set':
              o.set(op.k, op.v);
              model.set(toHexRaw(op.k), op.v);
              break;
            case 'delete':
              o.delete(op.k);
              model.delete(toHexRaw(op.k));
              break;
            case 'start':
              o.startTransaction();
              saved.push(new Map(model));
              break;
            case 'commit':
              if (saved.length === 0) {
                expect(() => o.commitTransaction()).toThrow(OverlayError);
                break;
              }
              o.commitTransaction();
              saved.pop();
              break;
            case 'rollback':
              if (saved.length === 0) {
                expect(() => o.rollbackTransaction()).toThrow(OverlayError);
                break;
              }
              o.rollbackTransaction();
              model = saved.pop()!;
              break;
            case 'clearPrefix': {
              const p = toHexRaw(op.k);
              const doomed = [...model.keys()].filter((x) => x.startsWith(p)).sort().slice(0, op.limit);
              expect(o.clearPrefix(op.k, op.limit)).toBe(doomed.length);
              for (const d of doomed) model.delete(d);
              break;
            }
          }
          expect(o.depth).toBe(saved.length);
          check();
        }
        // Close every layer and check the change set: applied to the base it gives the model.
        while (o.depth > 0) o.commitTransaction();
        const applied = new Map<string, Uint8Array>(base.keys.map((k) => [toHexRaw(k), base.get(k)!]));
        const changes = o.changes();
        const changedKeys = changes.map(([k]) => toHexRaw(k));
        expect(changedKeys).toEqual([...changedKeys].sort());
        expect(new Set(changedKeys).size).toBe(changedKeys.length);
        for (const [k, v] of changes) {
          if (v === null) applied.delete(toHexRaw(k));
          else applied.set(toHexRaw(k), v);
        }
        expect(new Map([...applied].sort())).toEqual(new Map([...model].sort()));
      }),
      { numRuns: 200 },
    );
  });
});
