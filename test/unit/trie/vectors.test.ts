/**
 * Every case of the shared trie vectors (92: published Substrate/smoldot/gossamer/spec roots, header-length and
 * inline/hashed boundaries, a real Kusama state, two live chains' raw genesis), through both the closed-form root
 * and the incremental Trie (built in one batch, and in shuffled batches through a real node store).
 */
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, fromHex, toHex, toHexRaw, utf8 } from '../../../src/primitives/bytes.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import {
  EMPTY_TRIE_ROOT,
  NodeCache,
  Trie,
  childStorageKey,
  decodeNode,
  encodeNode,
  orderedTrieRoot,
  stateRootWithChildren,
  trieRoot,
} from '../../../src/trie/index.js';
import { MapStore } from './helpers.js';
import { loadCases, type Case } from './vectors.js';

/** Deterministic shuffle (xorshift32). */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = xs.slice();
  let x = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** The final key → value map of a case (duplicate keys: the last wins). */
function finalMap(c: Case): Map<string, Uint8Array> {
  const m = new Map<string, Uint8Array>();
  for (const [k, v] of c.entries) m.set(toHexRaw(k), v);
  return m;
}

const cases = loadCases();

beforeAll(async () => {
  await cryptoWaitReady();
});

describe('trie vectors', () => {
  it('has all 92 cases, each with a layout and a root', () => {
    expect(cases).toHaveLength(92);
    for (const c of cases) {
      expect(c.root).toHaveLength(32);
      if (c.raw.entryCount !== undefined) expect(c.entries).toHaveLength(c.raw.entryCount);
    }
  });

  for (const c of cases) {
    describe(c.raw.name, () => {
      it('closed-form root', () => {
        expect(toHex(trieRoot(c.entries, c.version))).toBe(c.raw.root);
      });

      it('incremental root in one batch, root node encoding, reads through the store', () => {
        const store = new MapStore();
        const { root, newNodes, trie } = Trie.empty(store).update(c.entries, c.version);
        expect(toHex(root)).toBe(c.raw.root);
        expect(toHex(trie.root)).toBe(c.raw.root);
        store.putAll(newNodes);
        if (c.entries.length === 0) {
          // The empty root needs no stored node: Trie.at recognises it.
          expect(equalBytes(root, EMPTY_TRIE_ROOT)).toBe(true);
          expect(newNodes).toEqual([]);
          expect(c.raw.rootNodeEncoding).toBe('0x00');
          expect(Trie.at(root, store).get(new Uint8Array(0))).toBeUndefined();
          return;
        }
        if (c.raw.rootNodeEncoding !== undefined) {
          const rootNode = newNodes.find(([h]) => equalBytes(h, root));
          expect(rootNode).toBeDefined();
          expect(toHex(rootNode![1])).toBe(c.raw.rootNodeEncoding);
          // The published root node decodes and re-encodes to itself.
          expect(toHex(encodeNode(decodeNode(fromHex(c.raw.rootNodeEncoding))))).toBe(c.raw.rootNodeEncoding);
        }
        // Every stored node is keyed by its hash.
        for (const [h, enc] of newNodes) expect(equalBytes(blake2_256(enc), h)).toBe(true);
        const reopened = Trie.at(root, store, new NodeCache(1024));
        const expected = finalMap(c);
        for (const [k, v] of expected) expect(toHex(reopened.get(fromHex(k))!)).toBe(toHex(v));
        // Iteration from the store gives exactly the sorted entries.
        const keys = [...reopened.keys(new Uint8Array(0))].map(toHexRaw);
        expect(keys).toEqual([...expected.keys()].sort());
      });

      it('incremental root in shuffled batches, re-opened from the store between batches', () => {
        const store = new MapStore();
        const cache = new NodeCache(256);
        const order = shuffled(c.entries, c.entries.length + 7);
        const batches = 4;
        let trie = Trie.empty(store, cache);
        for (let b = 0; b < batches; b++) {
          const part = order.slice(Math.floor((b * order.length) / batches), Math.floor(((b + 1) * order.length) / batches));
          const res = trie.update(part, c.version);
          store.putAll(res.newNodes);
          trie = Trie.at(res.root, store, cache);
        }
        // Shuffling reorders duplicate keys; only cases with unique keys must reproduce the root this way.
        if (finalMap(c).size === c.entries.length) expect(toHex(trie.root)).toBe(c.raw.root);
      });
    });
  }
});

describe('genesis block hashes', () => {
  const genesisCases = cases.filter((c) => c.raw.genesis !== undefined);

  it('covers Paseo (V0) and Polkadot Coretime (V1)', () => {
    expect(genesisCases.map((c) => [c.raw.name, c.version])).toEqual([
      ['paseo-genesis', 0],
      ['coretime-polkadot-genesis', 1],
    ]);
  });

  for (const c of genesisCases) {
    it(`${c.raw.name}: state root (with default child tries) and genesis block hash`, () => {
      const stateRoot = stateRootWithChildren(
        c.entries,
        c.childrenDefault.map((ch) => [ch.childKey, ch.entries] as const),
        c.version,
      );
      expect(toHex(stateRoot)).toBe(c.raw.root);
      // Header: parent hash 0×32 ‖ number compact(0) ‖ state root ‖ extrinsics root (empty trie) ‖ digest (empty vec).
      const header = concatBytes(new Uint8Array(32), Uint8Array.of(0), stateRoot, EMPTY_TRIE_ROOT, Uint8Array.of(0));
      expect(header).toHaveLength(98);
      expect(toHex(blake2_256(header))).toBe(c.raw.genesis!.expectedBlockHash);
      // The other layout does not give the live chain's hash.
      const otherRoot = trieRoot(c.entries, c.version === 0 ? 1 : 0);
      const otherHeader = concatBytes(new Uint8Array(32), Uint8Array.of(0), otherRoot, EMPTY_TRIE_ROOT, Uint8Array.of(0));
      expect(toHex(blake2_256(otherHeader))).not.toBe(c.raw.genesis!.expectedBlockHash);
    });
  }
});

describe('around the trie', () => {
  it('empty root is blake2_256(0x00)', () => {
    expect(toHex(EMPTY_TRIE_ROOT)).toBe(toHex(blake2_256(Uint8Array.of(0))));
    expect(toHex(trieRoot([], 0))).toBe(toHex(EMPTY_TRIE_ROOT));
    expect(toHex(Trie.empty(new MapStore()).root)).toBe(toHex(EMPTY_TRIE_ROOT));
  });

  it('child trie rule: the Child1 root stored under :child_storage:default:Child1 gives the published top root', () => {
    const child = cases.find((c) => c.raw.name === 'substrate-child-trie-Child1')!;
    const top = cases.find((c) => c.raw.name === 'substrate-top-trie-with-child-root')!;
    expect(toHex(childStorageKey(utf8('Child1')))).toBe(toHex(top.entries[0][0]));
    const root = stateRootWithChildren([], [[utf8('Child1'), child.entries]], 1);
    expect(toHex(root)).toBe(top.raw.root);
    // An empty child trie is not stored at all.
    expect(toHex(stateRootWithChildren([], [[utf8('Empty'), []]], 1))).toBe(toHex(EMPTY_TRIE_ROOT));
  });

  it('ordered trie (extrinsics root) of the block-1 extrinsics matches the published roots', () => {
    for (const name of ['polkadot-block1-extrinsics-root', 'kusama-block1-extrinsics-root']) {
      const c = cases.find((x) => x.raw.name === name)!;
      // Keys are compact(i) in order 0, 1, …: the values in key order are the extrinsics in order.
      expect(c.entries.map(([k]) => toHex(k))).toEqual(c.entries.map((_, i) => toHex(Uint8Array.of(i << 2))));
      expect(toHex(orderedTrieRoot(c.entries.map(([, v]) => v), c.version))).toBe(c.raw.root);
    }
  });
});
