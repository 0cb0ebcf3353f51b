/**
 * The incremental Trie against a plain Map model and the closed-form root: random batches of inserts, updates and
 * deletes applied through a real Map-backed node store (re-opening with Trie.at between batches), iteration,
 * proofs, archive reads of old roots, V0→V1 lazy migration, and the node cache.
 */
import { cryptoWaitReady } from '@polkadot/util-crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareBytes, equalBytes, fromHex, toHex, toHexRaw } from '../../../src/primitives/bytes.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import {
  decodeNode,
  EMPTY_TRIE_ROOT,
  encodeNode,
  MissingNodeError,
  NodeCache,
  Trie,
  trieRoot,
  verifyProof,
  verifyProofs,
  type StateVersion,
} from '../../../src/trie/index.js';
import { Node } from '../../../src/trie/node.js';
import { sortedOrder } from '../../../src/trie/sort.js';
import { MapStore } from './helpers.js';

beforeAll(async () => {
  await cryptoWaitReady();
});

type Change = readonly [Uint8Array, Uint8Array | null];

/** Keys over a few bytes that share nibbles a lot, so splits, prefixes-of-keys and merges all happen. */
const keyArb = fc
  .array(fc.constantFrom(0x00, 0x01, 0x10, 0x11, 0x1f, 0xf1, 0xff), { maxLength: 4 })
  .map((a) => Uint8Array.from(a));
/** Values around the V1 threshold (33 bytes) and the inline-child threshold (nodes of 32 bytes). */
const valueArb = fc.oneof(
  fc.uint8Array({ maxLength: 3 }),
  fc.uint8Array({ minLength: 28, maxLength: 40 }),
  fc.uint8Array({ minLength: 60, maxLength: 70 }),
);
const changeArb: fc.Arbitrary<Change> = fc.tuple(keyArb, fc.option(valueArb, { nil: null, freq: 3 }));
const batchesArb = fc.array(fc.array(changeArb, { maxLength: 25 }), { minLength: 1, maxLength: 6 });
const versionArb = fc.constantFrom<StateVersion>(0, 1);

/** The model: hex key → value. */
type Model = Map<string, Uint8Array>;

function applyModel(model: Model, changes: readonly Change[]): void {
  for (const [k, v] of changes) {
    if (v === null) model.delete(toHexRaw(k));
    else model.set(toHexRaw(k), v);
  }
}

/** Sorted model entries (lowercase hex order is byte order). */
function sortedEntries(model: Model): Array<[Uint8Array, Uint8Array]> {
  return [...model.keys()].sort().map((k) => [fromHex(k), model.get(k)!]);
}

/** Check every read API of `trie` against `model`, probing with `probes` (keys and prefixes). */
function checkReads(trie: Trie, model: Model, probes: readonly Uint8Array[]): void {
  const all = sortedEntries(model);
  for (const p of probes) {
    const v = model.get(toHexRaw(p));
    const got = trie.get(p);
    expect(got === undefined ? undefined : toHex(got)).toBe(v === undefined ? undefined : toHex(v));
    // nextKey: smallest key strictly greater.
    const next = all.find(([k]) => compareBytes(k, p) > 0);
    const gotNext = trie.nextKey(p);
    expect(gotNext === undefined ? undefined : toHex(gotNext)).toBe(next === undefined ? undefined : toHex(next[0]));
    // entries(prefix) and entries(prefix, startAfter).
    const withPrefix = all.filter(([k]) => k.length >= p.length && equalBytes(k.subarray(0, p.length), p));
    expect([...trie.entries(p)].map(([k, val]) => [toHex(k), toHex(val)])).toEqual(withPrefix.map(([k, val]) => [toHex(k), toHex(val)]));
    for (const after of probes.slice(0, 4)) {
      const expected = withPrefix.filter(([k]) => compareBytes(k, after) > 0).map(([k]) => toHex(k));
      expect([...trie.keys(p, after)].map(toHex)).toEqual(expected);
    }
    // closestDescendantMerkleValue is defined exactly when some key has the prefix.
    const mv = trie.closestDescendantMerkleValue(p);
    expect(mv !== undefined).toBe(withPrefix.length > 0);
  }
  expect([...trie.keys(new Uint8Array(0))].map(toHex)).toEqual(all.map(([k]) => toHex(k)));
}

describe('incremental updates against the model (fast-check)', () => {
  it('batches through a Map store, re-opened with Trie.at: root = trieRoot(final map); reads agree; old roots stay readable', () => {
    fc.assert(
      fc.property(batchesArb, versionArb, fc.boolean(), fc.integer({ min: 1, max: 64 }), (batches, version, reopen, cacheSize) => {
        const store = new MapStore();
        const cache = new NodeCache(cacheSize);
        let trie = Trie.empty(store, cache);
        const model: Model = new Map();
        const history: Array<{ trie: Trie; root: Uint8Array; model: Model }> = [];
        const probes: Uint8Array[] = [new Uint8Array(0)];
        for (const batch of batches) {
          const res = trie.update(batch, version);
          store.putAll(res.newNodes);
          applyModel(model, batch);
          expect(toHex(res.root)).toBe(toHex(trieRoot(sortedEntries(model), version)));
          // Everything returned is stored under its hash.
          for (const [h, enc] of res.newNodes) expect(toHex(blake2_256(enc))).toBe(toHex(h));
          trie = reopen ? Trie.at(res.root, store, cache) : res.trie;
          history.push({ trie: res.trie, root: res.root, model: new Map(model) });
          for (const [k] of batch) probes.push(k, k.subarray(0, k.length >> 1));
        }
        checkReads(trie, model, probes.slice(0, 12));
        // Archive: every earlier trie (in memory, and re-opened from its root) still reads its own state.
        for (const h of history) {
          for (const t of [h.trie, Trie.at(h.root, store, cache)]) {
            expect(toHex(t.root)).toBe(toHex(h.root));
            expect([...t.entries(new Uint8Array(0))].map(([k, v]) => toHex(k) + toHex(v))).toEqual(
              sortedEntries(h.model).map(([k, v]) => toHex(k) + toHex(v)),
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('order independence: one batch, one change at a time, and the reversed order all give the same root', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(keyArb, valueArb), { selector: ([k]) => toHexRaw(k), maxLength: 30 }), versionArb, (entries, version) => {
        const store = new MapStore();
        const oneBatch = Trie.empty(store).update(entries, version).root;
        let t = Trie.empty(store);
        for (const e of [...entries].reverse()) {
          const r = t.update([e], version);
          store.putAll(r.newNodes);
          t = r.trie;
        }
        expect(toHex(t.root)).toBe(toHex(oneBatch));
        expect(toHex(oneBatch)).toBe(toHex(trieRoot(entries, version)));
        // Deleting everything, in any order, collapses back to the empty trie.
        let d = t;
        for (const [k] of entries) d = d.update([[k, null]], version).trie;
        expect(toHex(d.root)).toBe(toHex(EMPTY_TRIE_ROOT));
        expect(d.isEmpty).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('update semantics', () => {
  const k = (hex: string): Uint8Array => fromHex(hex);
  const v = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill);

  it('duplicate keys in one change set: the last wins', () => {
    const store = new MapStore();
    const base = Trie.empty(store).update([[k('0x01'), v(1)]], 1).trie;
    expect(toHex(base.update([[k('0x01'), null], [k('0x01'), v(2, 7)]], 1).trie.get(k('0x01'))!)).toBe('0x0707');
    expect(base.update([[k('0x01'), v(2, 7)], [k('0x01'), null]], 1).trie.get(k('0x01'))).toBeUndefined();
    expect(toHex(base.update([[k('0x02'), v(1, 3)], [k('0x02'), v(1, 4)]], 1).trie.get(k('0x02'))!)).toBe('0x04');
  });

  it('no-op changes return the same trie and no new nodes', () => {
    const store = new MapStore();
    const { trie, newNodes } = Trie.empty(store).update([[k('0x0102'), v(40)], [k('0x0103'), v(2)]], 1);
    store.putAll(newNodes);
    for (const t of [trie, Trie.at(trie.root, store)]) {
      const same = t.update([[k('0x0104'), null], [k('0x0103'), v(2)], [k('0x01'), null], [k('0x010203'), null]], 1);
      expect(same.trie).toBe(t);
      expect(same.newNodes).toEqual([]);
    }
  });

  it('the old trie is unchanged by updates (persistence)', () => {
    const t0 = Trie.empty(new MapStore()).update([[k('0xaa'), v(1)], [k('0xab'), v(1)]], 0).trie;
    const root0 = toHex(t0.root);
    const t1 = t0.update([[k('0xaa'), null], [k('0xac'), v(5)], [k('0xab'), v(2)]], 0).trie;
    expect(toHex(t0.root)).toBe(root0);
    expect(toHex(t0.get(k('0xaa'))!)).toBe('0x01');
    expect(toHex(t0.get(k('0xab'))!)).toBe('0x01');
    expect(t0.get(k('0xac'))).toBeUndefined();
    expect(t1.get(k('0xaa'))).toBeUndefined();
  });

  it('V1 hashed values: newNodes hold them, a re-opened trie fetches them lazily, and keys() does not need them', () => {
    const store = new MapStore();
    const big = v(33, 9);
    const small = v(32, 8);
    const res = Trie.empty(store).update([[k('0x10'), big], [k('0x20'), small]], 1);
    expect(res.newNodes.some(([h, bytes]) => equalBytes(h, blake2_256(big)) && equalBytes(bytes, big))).toBe(true);
    expect(res.newNodes.some(([, bytes]) => equalBytes(bytes, small))).toBe(false);
    // Without the value in the store, the structure is readable but the value is not.
    const nodesOnly = new MapStore();
    nodesOnly.putAll(res.newNodes.filter(([h]) => !equalBytes(h, blake2_256(big))));
    const partial = Trie.at(res.root, nodesOnly);
    expect([...partial.keys(new Uint8Array(0))].map(toHex)).toEqual(['0x10', '0x20']);
    expect(toHex(partial.get(k('0x20'))!)).toBe(toHex(small));
    expect(() => partial.get(k('0x10'))).toThrow(MissingNodeError);
    store.putAll(res.newNodes);
    expect(toHex(Trie.at(res.root, store).get(k('0x10'))!)).toBe(toHex(big));
    // In V0 the same data is all inline: no value entries, a different root.
    const v0 = Trie.empty(new MapStore()).update([[k('0x10'), big], [k('0x20'), small]], 0);
    expect(v0.newNodes.some(([, bytes]) => equalBytes(bytes, big))).toBe(false);
    expect(toHex(v0.root)).not.toBe(toHex(res.root));
  });

  it('V0 → V1 lazy migration: untouched values keep their form until rewritten', () => {
    const store = new MapStore();
    const big = v(50, 5);
    const entries: Array<[Uint8Array, Uint8Array]> = [[k('0x10'), big], [k('0x20'), v(1)]];
    const r0 = Trie.empty(store).update(entries, 0);
    store.putAll(r0.newNodes);
    expect(toHex(r0.root)).toBe(toHex(trieRoot(entries, 0)));
    // A V1 update of another key leaves the big value inline: the root is neither the V0 nor the V1 root.
    const r1 = Trie.at(r0.root, store).update([[k('0x20'), v(1, 2)]], 1);
    store.putAll(r1.newNodes);
    const after: Array<[Uint8Array, Uint8Array]> = [[k('0x10'), big], [k('0x20'), v(1, 2)]];
    expect(toHex(r1.root)).toBe(toHex(trieRoot(after, 0)));
    expect(toHex(r1.root)).not.toBe(toHex(trieRoot(after, 1)));
    // Rewriting the big value under V1 hashes it: now the V1 root.
    const r2 = Trie.at(r1.root, store).update([[k('0x10'), big]], 1);
    expect(toHex(r2.root)).toBe(toHex(trieRoot(after, 1)));
  });

  it('a missing node surfaces as MissingNodeError, leaving the trie usable', () => {
    const store = new MapStore();
    const res = Trie.empty(store).update([[k('0x01'), v(40)], [k('0x02'), v(40)]], 0);
    const t = Trie.at(res.root, store);
    expect(() => t.get(k('0x01'))).toThrow(MissingNodeError);
    expect(() => t.update([[k('0x03'), v(1)]], 0)).toThrow(MissingNodeError);
    store.putAll(res.newNodes);
    expect(toHex(t.get(k('0x01'))!)).toBe(toHex(v(40)));
    expect(toHex(t.update([[k('0x03'), v(1)]], 0).root)).toBe(
      toHex(trieRoot([[k('0x01'), v(40)], [k('0x02'), v(40)], [k('0x03'), v(1)]], 0)),
    );
    expect(() => Trie.at(new Uint8Array(31), store)).toThrow(RangeError);
  });

  it('a root whose encoding is under 32 bytes is still hashed and stored by hash', () => {
    const store = new MapStore();
    const res = Trie.empty(store).update([[k('0x01'), v(1)]], 0);
    expect(res.newNodes).toHaveLength(1);
    expect(res.newNodes[0][1].length).toBeLessThan(32);
    expect(toHex(res.newNodes[0][0])).toBe(toHex(res.root));
    // Deleting down to a short node that used to be inlined makes it the (stored) root.
    const two = Trie.empty(store).update([[k('0x01'), v(1)], [k('0x02'), v(1)]], 0);
    store.putAll(two.newNodes);
    const one = Trie.at(two.root, store).update([[k('0x02'), null]], 0);
    expect(toHex(one.root)).toBe(toHex(res.root));
    store.putAll(one.newNodes);
    expect(toHex(Trie.at(one.root, store).get(k('0x01'))!)).toBe('0x01');
  });
});

describe('proofs', () => {
  const trieFromEntries = (entries: Array<[Uint8Array, Uint8Array]>, version: StateVersion): { trie: Trie; store: MapStore } => {
    const store = new MapStore();
    const res = Trie.empty(store).update(entries, version);
    store.putAll(res.newNodes);
    return { trie: Trie.at(res.root, store), store };
  };

  it('proofs of present and absent keys verify; tampered, truncated or mismatched proofs fail (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(keyArb, valueArb), { selector: ([key]) => toHexRaw(key), minLength: 1, maxLength: 30 }),
        fc.array(keyArb, { minLength: 1, maxLength: 5 }),
        versionArb,
        fc.nat(),
        (entries, extra, version, pick) => {
          const { trie } = trieFromEntries(entries, version);
          const model: Model = new Map(entries.map(([key, val]) => [toHexRaw(key), val]));
          const keys = [...entries.map(([key]) => key).slice(0, 3), ...extra];
          // One proof for several keys.
          const proof = trie.proof(keys);
          const results = verifyProofs(trie.root, proof, keys);
          keys.forEach((key, i) => {
            const want = model.get(toHexRaw(key));
            const got = results[i];
            expect(got === undefined || got === 'invalid' ? got : toHex(got)).toBe(want === undefined ? undefined : toHex(want));
          });
          // Items are distinct.
          expect(new Set(proof.map(toHex)).size).toBe(proof.length);
          // Every item of a single-key proof is needed: dropping or corrupting any one fails.
          const key = keys[pick % keys.length];
          const single = trie.proof([key]);
          expect(single.length).toBeGreaterThan(0);
          const i = pick % single.length;
          expect(verifyProof(trie.root, [...single.slice(0, i), ...single.slice(i + 1)], key)).toBe('invalid');
          const corrupted = single.map((item, j) => {
            if (j !== i) return item;
            const c = item.slice();
            c[pick % c.length] ^= 1;
            return c;
          });
          expect(verifyProof(trie.root, corrupted, key)).toBe('invalid');
          // Against another root the proof proves nothing.
          expect(verifyProof(blake2_256(trie.root), single, key)).toBe('invalid');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the empty trie proves absence with an empty proof', () => {
    expect(verifyProof(EMPTY_TRIE_ROOT, [], fromHex('0x01'))).toBeUndefined();
    expect(Trie.empty(new MapStore()).proof([fromHex('0x01')])).toEqual([]);
  });

  it('V1 proofs carry the hashed value of a proved key', () => {
    const big = new Uint8Array(100).fill(3);
    const { trie } = trieFromEntries([[fromHex('0x01'), big], [fromHex('0x02'), Uint8Array.of(1)]], 1);
    const proof = trie.proof([fromHex('0x01')]);
    expect(proof.some((p) => equalBytes(p, big))).toBe(true);
    expect(toHex(verifyProof(trie.root, proof, fromHex('0x01')) as Uint8Array)).toBe(toHex(big));
    expect(verifyProof(trie.root, proof.filter((p) => !equalBytes(p, big)), fromHex('0x01'))).toBe('invalid');
  });
});

describe('closestDescendantMerkleValue', () => {
  it('root for a prefix of the root path, an inline node encoding below, undefined off the trie', () => {
    const store = new MapStore();
    const { trie } = Trie.empty(store).update([[fromHex('0x1234'), Uint8Array.of(1)], [fromHex('0x1256'), Uint8Array.of(2)]], 0);
    expect(toHex(trie.closestDescendantMerkleValue(new Uint8Array(0))!)).toBe(toHex(trie.root));
    expect(toHex(trie.closestDescendantMerkleValue(fromHex('0x12'))!)).toBe(toHex(trie.root));
    // Child at slot 3 of the root: a leaf with partial [4] and value 01, inlined (< 32 bytes).
    const leaf = encodeNode({ type: 'leaf', partial: Uint8Array.of(4), value: { type: 'inline', value: Uint8Array.of(1) } });
    expect(toHex(trie.closestDescendantMerkleValue(fromHex('0x1234'))!)).toBe(toHex(leaf));
    expect(trie.closestDescendantMerkleValue(fromHex('0x13'))).toBeUndefined();
    expect(trie.closestDescendantMerkleValue(fromHex('0x123400'))).toBeUndefined();
    expect(Trie.empty(store).closestDescendantMerkleValue(new Uint8Array(0))).toBeUndefined();
  });

  it('a hashed descendant: its hash, which the store holds and which changes when a value under the prefix does', () => {
    const store = new MapStore();
    const entries: Array<[Uint8Array, Uint8Array]> = [
      [fromHex('0xaa01'), new Uint8Array(40).fill(1)],
      [fromHex('0xaa02'), new Uint8Array(40).fill(2)],
      [fromHex('0xbb'), Uint8Array.of(1)],
    ];
    const res = Trie.empty(store).update(entries, 0);
    store.putAll(res.newNodes);
    const t = Trie.at(res.root, store);
    const mv = t.closestDescendantMerkleValue(fromHex('0xaa'))!;
    expect(mv).toHaveLength(32);
    const node = decodeNode(store.get(mv)!);
    expect(node.type).toBe('branch');
    const changed = t.update([[fromHex('0xaa02'), new Uint8Array(40).fill(3)]], 0).trie;
    expect(toHex(changed.closestDescendantMerkleValue(fromHex('0xaa'))!)).not.toBe(toHex(mv));
    const unrelated = t.update([[fromHex('0xbb'), Uint8Array.of(2)]], 0).trie;
    expect(toHex(unrelated.closestDescendantMerkleValue(fromHex('0xaa'))!)).toBe(toHex(mv));
  });
});

describe('iteration details', () => {
  it('entries over a prefix with startAfter inside, before and after the range', () => {
    const keys = ['0x', '0x00', '0x0001', '0x01', '0x0100', '0x0101', '0x02', '0xff'];
    const store = new MapStore();
    const { trie } = Trie.empty(store).update(keys.map((x) => [fromHex(x), fromHex('0x05')] as const), 0);
    const list = (prefix: string, after?: string): string[] => [...trie.keys(fromHex(prefix), after === undefined ? undefined : fromHex(after))].map(toHex);
    expect(list('0x')).toEqual(keys);
    expect(list('0x01')).toEqual(['0x01', '0x0100', '0x0101']);
    expect(list('0x01', '0x01')).toEqual(['0x0100', '0x0101']);
    expect(list('0x01', '0x00ff')).toEqual(['0x01', '0x0100', '0x0101']);
    expect(list('0x01', '0x02')).toEqual([]);
    expect(list('0x01', '0x0100')).toEqual(['0x0101']);
    expect(list('0x', '0x')).toEqual(keys.slice(1));
    expect(list('0x03')).toEqual([]);
    expect(toHex(trie.nextKey(fromHex('0x0101'))!)).toBe('0x02');
    expect(trie.nextKey(fromHex('0xff'))).toBeUndefined();
    expect(toHex(trie.nextKey(fromHex('0x'))!)).toBe('0x00');
  });
});

describe('NodeCache', () => {
  const node = (): Node => new Node(new Uint8Array(0), 0, 0, new Uint8Array(0), undefined, false, undefined, undefined);
  const hash = (i: number): Uint8Array => blake2_256(Uint8Array.of(i));

  it('keeps at most maxEntries, evicting the least recently used', () => {
    const c = new NodeCache(2);
    const [a, b, d] = [node(), node(), node()];
    c.set(hash(1), a);
    c.set(hash(2), b);
    expect(c.get(hash(1))).toBe(a); // 1 is now the most recent
    c.set(hash(3), d); // evicts 2
    expect(c.size).toBe(2);
    expect(c.get(hash(2))).toBeUndefined();
    expect(c.get(hash(1))).toBe(a);
    expect(c.get(hash(3))).toBe(d);
    c.clear();
    expect(c.size).toBe(0);
    expect(() => new NodeCache(0)).toThrow(RangeError);
  });

  it('a hash sharing the key bits of a cached one is a miss, not a wrong hit', () => {
    const c = new NodeCache(4);
    const h1 = new Uint8Array(32).fill(1);
    const h2 = h1.slice();
    h2[31] = 2;
    const n1 = node();
    c.set(h1, n1);
    expect(c.get(h2)).toBeUndefined();
    expect(c.get(h1)).toBe(n1);
  });

  it('a tiny cache shared by many tries does not change results', () => {
    const store = new MapStore();
    const entries = Array.from({ length: 300 }, (_, i) => [blake2_256(Uint8Array.of(i, i >> 8)), Uint8Array.of(i)] as [Uint8Array, Uint8Array]);
    const res = Trie.empty(store).update(entries, 1);
    store.putAll(res.newNodes);
    const cache = new NodeCache(1);
    const a = Trie.at(res.root, store, cache);
    const b = Trie.at(res.root, store, cache);
    for (const [key, val] of entries) {
      expect(toHex(a.get(key)!)).toBe(toHex(val));
      expect(toHex(b.get(key)!)).toBe(toHex(val));
    }
  });
});

describe('sortedOrder', () => {
  it('is a stable byte-order sort (fast-check, including long shared prefixes and duplicates)', () => {
    const longKey = fc.tuple(fc.constantFrom(0, 1, 2), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 40 })).map(
      ([pre, rest]) => Uint8Array.from([...new Array(pre * 20).fill(7), ...rest]),
    );
    fc.assert(
      fc.property(fc.array(longKey, { maxLength: 400 }), (keys) => {
        const order = [...sortedOrder(keys)];
        const expected = keys.map((_, i) => i).sort((x, y) => compareBytes(keys[x], keys[y]) || x - y);
        expect(order).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('memory an update keeps alive (issue 9: cached nodes pinned a 256 KiB slab per block)', () => {
  const k = (hex: string): Uint8Array => fromHex(hex);
  const v = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill);
  /** Distinct buffers behind `newNodes`, and their total size. */
  function buffersOf(newNodes: ReadonlyArray<readonly [Uint8Array, Uint8Array]>): { bytes: number; largest: number; encoded: number } {
    const buffers = [...new Set(newNodes.map(([, enc]) => enc.buffer))];
    return {
      bytes: buffers.reduce((s, b) => s + b.byteLength, 0),
      largest: Math.max(...buffers.map((b) => b.byteLength)),
      encoded: newNodes.reduce((s, [, enc]) => s + enc.length, 0),
    };
  }

  it('a small update (a block that changes a few keys) keeps its encodings in a 4 KiB buffer, not a quarter MiB', () => {
    const store = new MapStore();
    let trie = Trie.empty(store);
    for (let b = 0; b < 3; b++) {
      const r = trie.update([[k(`0x0a${b}1`), v(40, b)], [k(`0x0b${b}2`), v(40, b)], [k('0x0c'), v(36, b)]], 1);
      store.putAll(r.newNodes);
      trie = r.trie;
      const { largest, encoded } = buffersOf(r.newNodes);
      expect(encoded).toBeGreaterThan(0);
      expect(largest).toBeLessThanOrEqual(4096);
    }
  });

  it('a large update keeps at most about three times what it encoded (plus the first 4 KiB buffer)', () => {
    const store = new MapStore();
    const changes: Array<[Uint8Array, Uint8Array]> = [];
    for (let i = 0; i < 5000; i++) changes.push([Uint8Array.of(i >> 8, i & 0xff, 7), v(40, i & 0xff)]);
    const r = Trie.empty(store).update(changes, 1);
    const { bytes, encoded } = buffersOf(r.newNodes);
    expect(encoded).toBeGreaterThan(256 * 1024);
    expect(bytes).toBeLessThanOrEqual(3 * encoded + 4096);
  });
});
