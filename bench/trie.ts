/**
 * State-trie benchmark: build a 1,000,000-key trie, then apply blocks of 1,000 and 10,000 random updates and
 * compute each new root. Run with `npx tsx bench/trie.ts [keys]`. Figures only; nothing here passes or fails.
 *
 * Two update modes:
 * - in-memory: each block updates the trie returned by the previous block (new nodes stay linked in memory);
 * - re-opened: each block starts from `Trie.at(root, store, cache)` (nodes loaded lazily from a Map-backed store
 *   through a warm NodeCache), as a node that drops its in-memory nodes after every commit would.
 */
import { performance } from 'node:perf_hooks';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { NodeCache, Trie, type NodeStore } from '../src/trie/index.js';

/** Deterministic PRNG (xorshift32) so runs are comparable. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function randomBytes(next: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const r = next();
    out[i] = r;
    if (i + 1 < n) out[i + 1] = r >>> 8;
    if (i + 2 < n) out[i + 2] = r >>> 16;
    if (i + 3 < n) out[i + 3] = r >>> 24;
  }
  return out;
}

/** A store keyed by the hash's bytes as a one-byte-per-char string (cheaper than hex). */
class MapStore implements NodeStore {
  readonly map = new Map<string, Uint8Array>();
  private static key(h: Uint8Array): string {
    return String.fromCharCode.apply(null, h as unknown as number[]);
  }
  get(hash: Uint8Array): Uint8Array | undefined {
    return this.map.get(MapStore.key(hash));
  }
  putAll(nodes: Array<[Uint8Array, Uint8Array]>): void {
    for (const [h, v] of nodes) this.map.set(MapStore.key(h), v);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

await cryptoWaitReady();
const N = Number(process.argv[2] ?? 1_000_000);
const next = prng(0x5eed);
const keys: Uint8Array[] = [];
const entries: Array<[Uint8Array, Uint8Array]> = [];
for (let i = 0; i < N; i++) {
  const k = randomBytes(next, 32);
  keys.push(k);
  entries.push([k, randomBytes(next, 32)]);
}

const store = new MapStore();
const cache = new NodeCache(2_000_000);
let t0 = performance.now();
const built = Trie.empty(store, cache).update(entries, 1);
const buildMs = performance.now() - t0;
t0 = performance.now();
store.putAll(built.newNodes);
const putMs = performance.now() - t0;
console.log(`build ${fmt(N)} keys + root: ${(buildMs / 1000).toFixed(2)} s = ${fmt(N / (buildMs / 1000))} keys/s ` +
  `(${fmt(built.newNodes.length)} new nodes; writing them to a Map: ${(putMs / 1000).toFixed(2)} s)`);

/** One block: `size` changes, 3/4 overwrite existing keys, 1/4 insert new ones (values 32 or 40 bytes: some hashed in V1). */
function block(size: number): Array<[Uint8Array, Uint8Array]> {
  const changes: Array<[Uint8Array, Uint8Array]> = [];
  for (let i = 0; i < size; i++) {
    const r = next();
    const key = (r & 3) !== 0 ? keys[r % keys.length] : randomBytes(next, 32);
    changes.push([key, randomBytes(next, (r & 16) !== 0 ? 40 : 32)]);
  }
  return changes;
}

function run(label: string, size: number, rounds: number, reopen: boolean): void {
  let trie = built.trie;
  const rates: number[] = [];
  for (let r = 0; r < rounds + 2; r++) {
    const changes = block(size);
    const start = reopen ? Trie.at(trie.root, store, cache) : trie;
    const t = performance.now();
    const res = start.update(changes, 1);
    const ms = performance.now() - t;
    store.putAll(res.newNodes);
    trie = res.trie;
    // The first two rounds warm up the JIT.
    if (r >= 2) rates.push(size / (ms / 1000));
  }
  console.log(`${label}: ${fmt(size)} updates + root: median ${fmt(median(rates))} updates/s ` +
    `(min ${fmt(Math.min(...rates))}, max ${fmt(Math.max(...rates))}, ${rounds} blocks)`);
}

run('in-memory', 1_000, 30, false);
run('in-memory', 10_000, 10, false);
run('re-opened', 1_000, 30, true);
run('re-opened', 10_000, 10, true);

// Reads for scale.
const trie = Trie.at(built.root, store, cache);
t0 = performance.now();
const reads = 200_000;
let found = 0;
for (let i = 0; i < reads; i++) if (trie.get(keys[(next() >>> 0) % keys.length]) !== undefined) found++;
const readMs = performance.now() - t0;
console.log(`get (re-opened, warm cache): ${fmt(reads / (readMs / 1000))} reads/s (${found === reads ? 'all found' : 'MISSING KEYS'})`);
