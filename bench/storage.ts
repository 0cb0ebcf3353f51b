/**
 * Storage benchmark: commitBlock throughput for blocks of 1,000 state changes on a 200,000-key state, and
 * head-state reads per second (cache hits, cache misses through getSync, absent keys). Prints figures only;
 * never decides pass or fail.
 *
 *   node --import tsx bench/storage.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { ClassicLevel } from 'classic-level';
import { concatBytes } from '../src/primitives/bytes.js';
import { blake2_256 } from '../src/primitives/hashing.js';
import { ChainDatabase, type BlockToCommit, type StorageLogger } from '../src/storage/index.js';
import { Trie } from '../src/trie/index.js';

const STATE_KEYS = 200_000;
const BLOCKS = 60;
const CHANGES_PER_BLOCK = 1_000;
const READS = 200_000;

const logger: StorageLogger = { info() {}, warn() {}, debug() {} };

/** Deterministic PRNG (mulberry32), integers in [0, 2^32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** 32-byte prefix ‖ 16-byte hash ‖ 4-byte index: the shape of a Blake2_128Concat map key. */
function keyOf(i: number): Uint8Array {
  const idx = Uint8Array.of(i >>> 24, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff);
  return concatBytes(new Uint8Array(32).fill(0x26), blake2_256(idx).subarray(0, 16), idx);
}

function valueOf(rnd: () => number): Uint8Array {
  const v = new Uint8Array(16 + (rnd() % 64));
  for (let i = 0; i < v.length; i++) v[i] = rnd() & 0xff;
  return v;
}

function compact(n: number): Uint8Array {
  if (n < 1 << 6) return Uint8Array.of(n << 2);
  if (n < 1 << 14) return Uint8Array.of(((n << 2) | 1) & 0xff, n >>> 6);
  return Uint8Array.of(((n << 2) | 2) & 0xff, (n >>> 6) & 0xff, (n >>> 14) & 0xff, n >>> 22);
}

function makeBlock(trie: Trie, parent: Uint8Array, number: number, changes: Array<[Uint8Array, Uint8Array | null]>) {
  const { trie: next, root, newNodes } = trie.update(changes, 1);
  const header = concatBytes(parent, compact(number), root, new Uint8Array(32), Uint8Array.of(0));
  const block: BlockToCommit = {
    hash: blake2_256(header),
    number,
    header,
    body: Uint8Array.of(0),
    extrinsicHashes: [],
    stateChanges: changes,
    trieNodes: newNodes,
    stateRoot: root,
  };
  return { block, trie: next };
}

function rate(count: number, ms: number): string {
  return Math.round((count * 1000) / ms).toLocaleString('en-US');
}

/** Raw classic-level figures measured in the same run, so the numbers above can be read against the machine's load. */
async function rawBaseline(path: string): Promise<void> {
  const raw = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
  await raw.open();
  const N = 100_000;
  const keys = Array.from({ length: N }, (_, i) => concatBytes(Uint8Array.of(7), keyOf(i)));
  const value = new Uint8Array(64).fill(1);
  let t = performance.now();
  for (let i = 0; i < N; i += 5_000) {
    const b = raw.batch();
    for (let j = i; j < i + 5_000; j++) b.put(keys[j], value);
    await b.write({ sync: true });
  }
  const putMs = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < N; i++) raw.getSync(keys[(i * 7919) % N]);
  const getMs = performance.now() - t;
  console.log(`raw classic-level baseline now: chained sync batches of 5,000 puts ${rate(N, putMs)} puts/s; getSync ${rate(N, getMs)}/s`);
  await raw.close();
}

async function main(): Promise<void> {
  await cryptoWaitReady();
  const dir = mkdtempSync(join(tmpdir(), 'dcn-bench-storage-'));
  try {
    const db = await ChainDatabase.open(dir, { logger, cacheEntries: 100_000 });
    const rnd = prng(42);

    let t0 = performance.now();
    const genesisChanges: Array<[Uint8Array, Uint8Array]> = [];
    for (let i = 0; i < STATE_KEYS; i++) genesisChanges.push([keyOf(i), valueOf(rnd)]);
    const g = makeBlock(Trie.empty(db.nodeStore), new Uint8Array(32), 0, genesisChanges);
    const tBuild = performance.now() - t0;
    t0 = performance.now();
    await db.commitGenesis({ ...g.block, chainId: 'bench' });
    const tGenesis = performance.now() - t0;
    console.log(`genesis: ${STATE_KEYS.toLocaleString('en-US')} keys, trie build ${tBuild.toFixed(0)} ms, commit (${g.block.trieNodes.length.toLocaleString('en-US')} nodes + ${STATE_KEYS.toLocaleString('en-US')} flat keys) ${tGenesis.toFixed(0)} ms`);

    let trie = g.trie;
    let parent = g.block.hash;
    let trieMs = 0;
    let commitMs = 0;
    let syncMs = 0;
    let ops = 0;
    for (let n = 1; n <= BLOCKS; n++) {
      const changes: Array<[Uint8Array, Uint8Array | null]> = [];
      for (let j = 0; j < CHANGES_PER_BLOCK; j++) {
        // Mostly updates of existing keys, some inserts and deletes.
        const r = rnd() % 100;
        const k = r < 10 ? keyOf(STATE_KEYS + n * CHANGES_PER_BLOCK + j) : keyOf(rnd() % STATE_KEYS);
        changes.push([k, r >= 95 ? null : valueOf(rnd)]);
      }
      let t = performance.now();
      const built = makeBlock(trie, parent, n, changes);
      trieMs += performance.now() - t;
      t = performance.now();
      const committing = db.commitBlock(built.block);
      // commitBlock returns once the batch is built and submitted; the rest is LevelDB's write and fsync.
      syncMs += performance.now() - t;
      await committing;
      commitMs += performance.now() - t;
      ops += built.block.trieNodes.length + changes.length + 4;
      trie = built.trie;
      parent = built.block.hash;
    }
    console.log(
      `commitBlock, ${BLOCKS} blocks × ${CHANGES_PER_BLOCK} changes (sync batch, ~${Math.round(ops / BLOCKS)} puts/block): ` +
        `${(commitMs / BLOCKS).toFixed(2)} ms/block = ${rate(BLOCKS, commitMs)} blocks/s = ${rate(BLOCKS * CHANGES_PER_BLOCK, commitMs)} changes/s` +
        `; of which building and submitting the batch on the JS thread ${(syncMs / BLOCKS).toFixed(2)} ms/block` +
        ` (trie update alone, for comparison: ${(trieMs / BLOCKS).toFixed(2)} ms/block)`,
    );

    const head = db.headState();
    const keys = Array.from({ length: READS }, () => keyOf(rnd() % STATE_KEYS));
    // Cold: most keys miss the 100k-entry LRU on the first pass (getSync from the flat table).
    let t = performance.now();
    let found = 0;
    for (const k of keys) if (head.get(k) !== undefined) found++;
    const cold = performance.now() - t;
    // Hot: a working set that fits in the LRU.
    const hot = keys.slice(0, 50_000);
    for (const k of hot) head.get(k);
    t = performance.now();
    for (let r = 0; r < 4; r++) for (const k of hot) if (head.get(k) !== undefined) found++;
    const hotMs = performance.now() - t;
    const absent = Array.from({ length: 100_000 }, (_, i) => keyOf(10_000_000 + i));
    t = performance.now();
    for (const k of absent) if (head.get(k) !== undefined) found++;
    const absentMs = performance.now() - t;
    console.log(
      `head reads: first pass over ${READS.toLocaleString('en-US')} random keys (mostly LRU misses → getSync) ${rate(READS, cold)}/s; ` +
        `LRU hits ${rate(hot.length * 4, hotMs)}/s; absent keys (first read) ${rate(absent.length, absentMs)}/s`,
    );

    const trieAtHead = db.stateAt(head.root);
    t = performance.now();
    const TRIE_READS = 50_000;
    for (let i = 0; i < TRIE_READS; i++) if (trieAtHead.get(keys[i]) !== undefined) found++;
    const trieRead = performance.now() - t;
    console.log(`archive reads through the trie at the head root: ${rate(TRIE_READS, trieRead)}/s (found ${found})`);

    t = performance.now();
    const page = await head.keys(new Uint8Array(32).fill(0x26), undefined, 10_000);
    console.log(`ordered key scan of the flat table: ${rate(page.length, performance.now() - t)} keys/s`);
    await db.close();
    await rawBaseline(join(dir, 'raw'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
