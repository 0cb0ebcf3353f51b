/**
 * The storage-query engine of chainHead_v1_storage / archive_v1_storage against a model: random key-value sets in
 * a real trie (layout V1, so long values are hashed out of line), random queries of every type, compared with a
 * sorted list filtered by prefix. The Merkle value of the empty key is the root, and a closest-descendant Merkle
 * value exists exactly when some key has the prefix.
 */
import fc from 'fast-check';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareBytes, startsWith, toHex, toHexRaw } from '../../../src/primitives/bytes.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { Trie, type NodeStore } from '../../../src/trie/index.js';
import { storageResults, type StorageQuery, type StorageQueryType, STORAGE_QUERY_TYPES } from '../../../src/rpc/methods/v1/storage.js';

function buildTrie(entries: Array<[Uint8Array, Uint8Array]>): Trie {
  const nodes = new Map<string, Uint8Array>();
  const store: NodeStore = { get: (h) => nodes.get(toHexRaw(h)) };
  const u = Trie.empty(store).update(entries, 1);
  for (const [h, n] of u.newNodes) nodes.set(toHexRaw(h), n);
  return u.trie;
}

// Short keys over a small alphabet so that prefixes are shared often.
const keyArb = fc.array(fc.constantFrom(0x00, 0x01, 0x10, 0xff), { minLength: 0, maxLength: 5 }).map((a) => Uint8Array.from(a));
const valueArb = fc.oneof(fc.uint8Array({ minLength: 0, maxLength: 8 }), fc.uint8Array({ minLength: 33, maxLength: 80 }));
const queryArb: fc.Arbitrary<StorageQuery> = fc.record({
  key: keyArb,
  type: fc.constantFrom<StorageQueryType>(...STORAGE_QUERY_TYPES),
  paginationStartKey: fc.option(keyArb, { nil: undefined }),
}).map((q) => (q.type === 'descendantsValues' || q.type === 'descendantsHashes' ? q : { key: q.key, type: q.type }));

/** What the spec says each query returns, computed from the sorted entries. */
function model(sorted: Array<[Uint8Array, Uint8Array]>, q: StorageQuery): Array<Record<string, string>> {
  const at = sorted.find(([k]) => compareBytes(k, q.key) === 0);
  const key = toHex(q.key);
  switch (q.type) {
    case 'value':
      return at ? [{ key, value: toHex(at[1]) }] : [];
    case 'hash':
      return at ? [{ key, hash: toHex(blake2_256(at[1])) }] : [];
    case 'closestDescendantMerkleValue':
      return [];
    case 'descendantsValues':
    case 'descendantsHashes': {
      const after = q.paginationStartKey;
      return sorted
        .filter(([k]) => startsWith(k, q.key) && (after === undefined || compareBytes(k, after) > 0))
        .map(([k, v]): Record<string, string> => (q.type === 'descendantsValues' ? { key: toHex(k), value: toHex(v) } : { key: toHex(k), hash: toHex(blake2_256(v)) }));
    }
  }
}

describe('storageResults', () => {
  // The trie hashes with util-crypto's WASM blake2 once it is ready (as the node does at start-up).
  beforeAll(async () => {
    await cryptoWaitReady();
  });

  it('matches the model for every query type, in request order and key order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(keyArb, valueArb), { selector: ([k]) => toHex(k), maxLength: 30 }), fc.array(queryArb, { maxLength: 6 }), (entries, queries) => {
        const trie = buildTrie(entries);
        const sorted = [...entries].sort(([a], [b]) => compareBytes(a, b));
        const got = [...storageResults(trie, queries)];
        // Merkle values are checked separately; compare the rest with the model.
        const expected = queries.flatMap((q) => model(sorted, q));
        const plain = got.filter((p) => p.item.closestDescendantMerkleValue === undefined).map((p) => p.item);
        expect(plain).toEqual(expected);
        // Items of descendants queries, and only those, are flagged as such.
        const flags = queries.flatMap((q) =>
          q.type === 'closestDescendantMerkleValue' ? (sorted.some(([k]) => startsWith(k, q.key)) ? [false] : []) : model(sorted, q).map(() => isDesc(q)),
        );
        expect(got.map((p) => p.descendant)).toEqual(flags);
        const merkle = got.filter((p) => p.item.closestDescendantMerkleValue !== undefined).map((p) => p.item.key);
        const merkleExpected = queries
          .filter((q) => q.type === 'closestDescendantMerkleValue' && sorted.some(([k]) => startsWith(k, q.key)))
          .map((q) => toHex(q.key));
        expect(merkle).toEqual(merkleExpected);
      }),
      { numRuns: 300 },
    );
  });

  it('the closest descendant Merkle value of the empty key is the state root; a changed value changes it for every prefix of its key', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(keyArb, valueArb), { selector: ([k]) => toHex(k), minLength: 1, maxLength: 30 }), (entries) => {
        const trie = buildTrie(entries);
        const [root] = [...storageResults(trie, [{ key: new Uint8Array(0), type: 'closestDescendantMerkleValue' }])];
        expect(root.item.closestDescendantMerkleValue).toBe(toHex(trie.root));
        // A different value under one key changes the Merkle value of every prefix of it, and of nothing disjoint.
        const [k, v] = entries[0];
        const changed = buildTrie(entries.map(([kk, vv]) => [kk, kk === k ? Uint8Array.from([...v, 1]) : vv]));
        const mv = (t: Trie, key: Uint8Array) => [...storageResults(t, [{ key, type: 'closestDescendantMerkleValue' }])][0]?.item.closestDescendantMerkleValue;
        for (let i = 0; i <= k.length; i++) expect(mv(changed, k.subarray(0, i))).not.toBe(mv(trie, k.subarray(0, i)));
      }),
      { numRuns: 200 },
    );
  });

  it("'empty' (an absent child trie) yields nothing, and the generator is lazy", () => {
    expect([...storageResults('empty', [{ key: new Uint8Array(0), type: 'descendantsValues' }])]).toEqual([]);
    const trie = buildTrie(Array.from({ length: 100 }, (_, i) => [Uint8Array.of(i), Uint8Array.of(i)] as [Uint8Array, Uint8Array]));
    const gen = storageResults(trie, [{ key: new Uint8Array(0), type: 'descendantsValues' }]);
    const first = gen.next();
    expect(first.done).toBe(false);
    if (!first.done) expect(first.value.item).toEqual({ key: '0x00', value: '0x00' });
  });
});

function isDesc(q: StorageQuery): boolean {
  return q.type === 'descendantsValues' || q.type === 'descendantsHashes';
}
