/**
 * State-trie benchmark: build a 1,000,000-key trie, then apply blocks of 1,000 and 10,000 random updates and
 * compute each new root. Run with `npx tsx bench/trie.ts [keys]`. Figures only; nothing here passes or fails.
 *
 * Two update modes:
 * - in-memory: each block updates the trie returned by the previous block (new nodes stay linked in memory);
 * - re-opened: each block starts from `Trie.at(root, store, cache)` (nodes loaded lazily from a Map-backed store
 *   through a warm NodeCache), as a node that drops its in-memory nodes after every commit would.
 */
import { loadavg } from 'node:os';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { blake2AsU8a } from '@polkadot/util-crypto';
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

/**
 * An append-only node store kept outside the JS object graph, as LevelDB would be: hashes and encodings are
 * copied into a few large arenas and found through an open-addressing table in a typed array. A Map of 1.35 M
 * strings and arrays instead would put the store itself in the garbage collector's way and measure that.
 */
class ArenaStore implements NodeStore {
  private static readonly CHUNK = 1 << 24; // arena chunk size, bytes
  private chunks: Uint8Array[] = [new Uint8Array(ArenaStore.CHUNK)];
  private used = 0; // bytes used in the last chunk
  private slots: Int32Array; // 0 = empty, else entry index + 1
  private mask: number;
  private chunkOf: Int32Array;
  private offsetOf: Int32Array;
  private lengthOf: Int32Array;
  count = 0; // entries stored

  constructor(capacity: number) {
    let size = 1;
    while (size < capacity * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    this.chunkOf = new Int32Array(capacity);
    this.offsetOf = new Int32Array(capacity);
    this.lengthOf = new Int32Array(capacity);
  }

  /** Slot of `hash`: its entry's slot, or the empty slot where it would go. */
  private find(hash: Uint8Array): number {
    let i = (hash[0] | (hash[1] << 8) | (hash[2] << 16) | (hash[3] << 24)) & this.mask;
    for (;;) {
      const e = this.slots[i];
      if (e === 0) return i;
      const chunk = this.chunks[this.chunkOf[e - 1]];
      const off = this.offsetOf[e - 1];
      let same = true;
      for (let j = 0; j < 32 && same; j++) same = chunk[off + j] === hash[j];
      if (same) return i;
      i = (i + 1) & this.mask;
    }
  }

  get(hash: Uint8Array): Uint8Array | undefined {
    const e = this.slots[this.find(hash)];
    if (e === 0) return undefined;
    const off = this.offsetOf[e - 1] + 32;
    return this.chunks[this.chunkOf[e - 1]].subarray(off, off + this.lengthOf[e - 1]);
  }

  putAll(nodes: Array<[Uint8Array, Uint8Array]>): void {
    for (const [h, v] of nodes) {
      const slot = this.find(h);
      if (this.slots[slot] !== 0) continue;
      if (this.count === this.chunkOf.length) throw new Error('ArenaStore full');
      const need = 32 + v.length;
      if (this.used + need > ArenaStore.CHUNK) {
        this.chunks.push(new Uint8Array(Math.max(ArenaStore.CHUNK, need)));
        this.used = 0;
      }
      const chunk = this.chunks[this.chunks.length - 1];
      chunk.set(h, this.used);
      chunk.set(v, this.used + 32);
      this.chunkOf[this.count] = this.chunks.length - 1;
      this.offsetOf[this.count] = this.used;
      this.lengthOf[this.count] = v.length;
      this.used += need;
      this.slots[slot] = ++this.count;
    }
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

// Garbage-collection pauses, summed per phase.
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

/**
 * Ceiling measured in the same run (the machine is shared and noisy): blake2b-256 calls per second on inputs the
 * size of a leaf (~70 B) and of a full branch (~530 B), the work every updated node needs once.
 */
function hashCeiling(): string {
  const out: string[] = [];
  for (const size of [70, 530]) {
    const data = new Uint8Array(size).fill(1);
    for (let i = 0; i < 20_000; i++) blake2AsU8a(data, 256); // warm-up
    const t = performance.now();
    let n = 0;
    while (performance.now() - t < 300) for (let i = 0; i < 1000; i++, n++) blake2AsU8a(data, 256);
    out.push(`${size} B: ${fmt(n / ((performance.now() - t) / 1000))}/s`);
  }
  return `blake2b-256 ceiling now: ${out.join(', ')}`;
}

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

const store = new ArenaStore(4_000_000);
const cache = new NodeCache(500_000);
console.log(hashCeiling());
let t0 = performance.now();
const buildCpu0 = process.cpuUsage();
const { trie: builtTrie, root: builtRoot, newNodes: builtNodes } = Trie.empty(store, cache).update(entries, 1);
const buildMs = performance.now() - t0;
const buildCpu = process.cpuUsage(buildCpu0);
t0 = performance.now();
store.putAll(builtNodes);
const putMs = performance.now() - t0;
const builtCount = builtNodes.length;
builtNodes.length = 0;
entries.length = 0;
console.log(`heap after build: ${fmt(process.memoryUsage().heapUsed / 2 ** 20)} MiB; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`build ${fmt(N)} keys + root: ${(buildMs / 1000).toFixed(2)} s = ${fmt(N / (buildMs / 1000))} keys/s, CPU-time ${fmt(N / ((buildCpu.user + buildCpu.system) / 1e6))} keys/s ` +
  `(${fmt(builtCount)} new nodes; copying them into the store: ${(putMs / 1000).toFixed(2)} s)`);

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

async function run(label: string, size: number, rounds: number, reopen: boolean): Promise<void> {
  let trie = builtTrie;
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let totalMs = 0;
  let nodes = 0;
  let gcInRun = 0;
  for (let r = 0; r < rounds + 2; r++) {
    const changes = block(size);
    // Let the GC observer deliver the entries of the previous block (it reports asynchronously).
    await new Promise((resolve) => setImmediate(resolve));
    const t = performance.now();
    const c0 = process.cpuUsage();
    const gc0 = gcMs;
    const start = reopen ? Trie.at(trie.root, store, cache) : trie;
    const res = start.update(changes, 1);
    const cpu = process.cpuUsage(c0);
    const ms = performance.now() - t;
    await new Promise((resolve) => setImmediate(resolve));
    store.putAll(res.newNodes);
    trie = res.trie;
    // The first two rounds warm up the JIT.
    if (r >= 2) {
      nodes += res.newNodes.length;
      gcInRun += gcMs - gc0;
      rates.push(size / (ms / 1000));
      cpuRates.push(size / ((cpu.user + cpu.system) / 1e6));
      totalMs += ms;
    }
  }
  console.log(`${label}: ${fmt(size)} updates + root: median ${fmt(median(rates))} updates/s, ` +
    `overall ${fmt((size * rounds) / (totalMs / 1000))}/s (min ${fmt(Math.min(...rates))}, max ${fmt(Math.max(...rates))}; ` +
    `CPU-time median ${fmt(median(cpuRates))}/s; ${rounds} blocks; ${(nodes / rounds / size).toFixed(1)} hashed nodes/update; ` +
    `GC pauses ${((100 * gcInRun) / totalMs).toFixed(0)} % of the time)`);
}

console.log(hashCeiling());
await run('in-memory', 1_000, 100, false);
await run('in-memory', 10_000, 20, false);
console.log(hashCeiling());
await run('re-opened', 1_000, 100, true);
await run('re-opened', 10_000, 20, true);

// Reads for scale.
function reads(label: string, trie: Trie): void {
  const count = 200_000;
  const t = performance.now();
  const c0 = process.cpuUsage();
  let found = 0;
  for (let i = 0; i < count; i++) if (trie.get(keys[(next() >>> 0) % keys.length]) !== undefined) found++;
  const cpu = process.cpuUsage(c0);
  const ms = performance.now() - t;
  console.log(`get (${label}): ${fmt(count / (ms / 1000))} reads/s, CPU-time ${fmt(count / ((cpu.user + cpu.system) / 1e6))}/s ` +
    `(${found === count ? 'all found' : 'MISSING KEYS'})`);
}
reads('in-memory trie', builtTrie);
reads('re-opened, cache of 500,000 decoded nodes', Trie.at(builtRoot, store, cache));
