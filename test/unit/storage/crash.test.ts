/**
 * Crash safety: a writer process commits blocks in a loop and is killed with SIGKILL at seeded random
 * moments; after each kill the database must open at a fully committed block, no earlier than the last
 * commit the writer reported, with flat state equal to the trie and every block intact.
 */
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHexRaw } from '../../../src/primitives/bytes.js';
import { ChainDatabase } from '../../../src/storage/index.js';
import { Trie } from '../../../src/trie/index.js';
import { buildBlock, buildGenesis, changesFor, MemoryNodeStore, mulberry32, silentLogger } from './fixtures/chain.js';
import { applyChanges, makeTempDir, removeDir, sortedEntries, type StateModel } from './helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const ITERATIONS = 10;
const PER_BLOCK = 200;
const MAX_BLOCKS = 5_000;
const SEED = 0x5eed;

/** Run the writer until `killAfterMs` after it opened the database (or until it exits); report its acks. */
function runWriterAndKill(dir: string, killAfterMs: number): Promise<{ lastAck: number; killed: boolean; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, String(PER_BLOCK), String(MAX_BLOCKS)], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastAck = -1;
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines) {
        if (line === 'opened') timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        const m = /^committed (\d+)$/.exec(line);
        if (m) lastAck = Number(m[1]);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ lastAck, killed: signal === 'SIGKILL', stderr });
    });
  });
}

describe('crash safety', () => {
  let dir: string;
  beforeAll(async () => {
    dir = makeTempDir();
    await cryptoWaitReady();
  });
  afterAll(() => removeDir(dir));

  it(`survives ${ITERATIONS} SIGKILLs at random moments with the head fully committed`, { timeout: 300_000 }, async () => {
    const rnd = mulberry32(SEED);
    // The checker's own copy of the chain, built independently in memory.
    const store = new MemoryNodeStore();
    const hashes: Uint8Array[] = [];
    const roots: Uint8Array[] = [];
    const states: StateModel[] = [];
    let modelTrie: Trie | undefined;
    let previousHead = -1;
    let kills = 0;

    /** Extend the model to block `n` (inclusive); returns the block that would come after. */
    const extendModelTo = (n: number) => {
      if (modelTrie === undefined) {
        const g = buildGenesis(store);
        store.add(g.block.trieNodes);
        modelTrie = g.trie;
        hashes.push(g.block.hash);
        roots.push(g.block.stateRoot);
        states.push(applyChanges(new Map(), g.block.stateChanges));
      }
      while (hashes.length <= n + 1) {
        const k = hashes.length;
        const b = buildBlock(modelTrie, hashes[k - 1], k, changesFor(k, PER_BLOCK));
        store.add(b.block.trieNodes);
        modelTrie = b.trie;
        hashes.push(b.block.hash);
        roots.push(b.block.stateRoot);
        states.push(applyChanges(states[k - 1], b.block.stateChanges));
      }
    };

    for (let iter = 0; iter < ITERATIONS; iter++) {
      const killAfterMs = rnd() % 400;
      const run = await runWriterAndKill(dir, killAfterMs);
      // Nothing but Node's own warnings (`(node:123) …`) may reach stderr.
      expect(run.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('(node:'))).toEqual([]);
      if (run.killed) kills++;

      const db = await ChainDatabase.open(dir, { logger: silentLogger, cacheEntries: 1_000 });
      const head = db.getHead();
      if (head === undefined) {
        // Killed before genesis was durable: nothing of it may be visible.
        expect(run.lastAck).toBe(-1);
        expect(db.getGenesisHash()).toBeUndefined();
        expect(db.getHashByNumber(0)).toBeUndefined();
        await db.close();
        continue;
      }
      // Every reported commit is durable; at most one unreported commit can have landed.
      const acked = Math.max(run.lastAck, previousHead);
      expect(head.number).toBeGreaterThanOrEqual(acked);
      expect(head.number).toBeLessThanOrEqual(acked + 1);
      previousHead = head.number;
      console.log(`kill ${iter}: after ${killAfterMs} ms, acked #${run.lastAck}, reopened at #${head.number}`);

      extendModelTo(head.number);
      expect(head.hash).toEqual(hashes[head.number]);
      expect(head.stateRoot).toEqual(roots[head.number]);
      // Every block up to the head is intact; nothing of the next block exists.
      for (let n = 0; n <= head.number; n++) {
        expect(db.getHashByNumber(n)).toEqual(hashes[n]);
        expect(db.getHeader(hashes[n])).toBeDefined();
        expect(db.getBody(hashes[n])).toBeDefined();
        expect(db.getStateRoot(hashes[n])).toEqual(roots[n]);
      }
      expect(db.getHashByNumber(head.number + 1)).toBeUndefined();
      expect(db.getHeader(hashes[head.number + 1])).toBeUndefined();

      // Flat head state = trie at the head root = the model.
      expect((await db.auditHeadState()).mismatches).toEqual([]);
      const expected = sortedEntries(states[head.number]);
      expect(await db.headState().entries(new Uint8Array(0))).toEqual(expected);
      // Past states through the trie, for a few seeded blocks.
      for (let s = 0; s < 3; s++) {
        const n = rnd() % (head.number + 1);
        const entries = [...db.stateAt(roots[n]).entries(new Uint8Array(0))];
        expect(entries.map(([k, v]) => toHexRaw(k) + ':' + toHexRaw(v))).toEqual(
          sortedEntries(states[n]).map(([k, v]) => toHexRaw(k) + ':' + toHexRaw(v)),
        );
      }
      await db.close();
    }
    // The writer was really interrupted, not just left to finish.
    expect(kills).toBe(ITERATIONS);
    expect(previousHead).toBeGreaterThan(0);
  });
});
