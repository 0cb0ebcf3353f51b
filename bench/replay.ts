/**
 * Replay throughput: the auditor's re-execution of a chain of signed transfers from genesis, from a node's
 * database (with the final comparison of its stored state) and from an exported block file, beside the sr25519
 * verification ceiling measured in the same run.
 *
 *   node --import tsx bench/replay.ts [blocks=30] [perBlock=400]
 *
 * The chain is authored first in a child process; the replays run in this process (peak RSS is theirs plus module
 * loading), then once more as the real command (`node dist/cli.js replay`, built by `npm run bench`) for its wall
 * time. Figures only, never pass/fail.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BlockFileReader, BlockFileWriter } from '../src/cli/block-file.js';
import { initCrypto } from '../src/crypto/keys.js';
import { SignatureVerifier } from '../src/crypto/verifier-pool.js';
import { createChainHost } from '../src/chain/host.js';
import { loadChainSpec } from '../src/node/chain-spec.js';
import { databasePath, genesisChangesOf } from '../src/node/node.js';
import { replayChain, type ReplayInput, type ReplayResult } from '../src/node/replay.js';
import { ChainDatabase } from '../src/storage/index.js';
import { describeCeiling, makeTransferChain, measureCeiling, ofCeiling, peakRssMiB, perSecond, ROOT } from './lib/measure.js';

const BLOCKS = Number(process.argv[2] ?? 30); // blocks of transfers, 1..=10^5
const PER_BLOCK = Number(process.argv[3] ?? 400); // transfers per block, 1..=5000
const ACCOUNTS = 100;
const silent = { info() {}, warn() {}, debug() {} };

function report(label: string, r: ReplayResult, ceiling: Awaited<ReturnType<typeof measureCeiling>>): void {
  if (!r.ok) throw new Error(`${label}: replay diverged at #${r.divergence.number}: ${r.divergence.message}`);
  const s = r.summary;
  console.log(`${label}:`);
  console.log(`  ${s.blocks} blocks, ${s.extrinsics} extrinsics (${s.signed} signed) in ${s.seconds.toFixed(2)} s: ${perSecond(s.blocks, s.seconds)} blocks/s, ${perSecond(s.extrinsics, s.seconds)} extrinsics/s, ${perSecond(s.signed, s.seconds)} signed transfers/s`);
  console.log(`  = ${ofCeiling(s.signed / s.seconds, ceiling)}`);
  if (s.comparedKeys > 0) console.log(`  node state compared (${s.comparedKeys} keys, trie + flat) in ${s.compareSeconds.toFixed(2)} s`);
}

async function main(): Promise<void> {
  await initCrypto();
  const ceiling = await measureCeiling();
  const dir = mkdtempSync(join(tmpdir(), 'dcn-bench-replay-'));
  try {
    const spec = loadChainSpec('dev');
    const base = join(dir, 'node');
    const made = makeTransferChain(base, BLOCKS * PER_BLOCK, PER_BLOCK, ACCOUNTS);
    console.log(describeCeiling(ceiling));
    console.log(`chain: ${BLOCKS * PER_BLOCK} signed transfers, up to ${PER_BLOCK} per block, authored in ${made.toFixed(1)} s\n`);
    const runtime = createChainHost();
    const genesisChanges = genesisChangesOf(spec, runtime);

    const db = await ChainDatabase.open(databasePath(base, spec), { logger: silent });
    let verifier = new SignatureVerifier({ cacheSize: 4096 });
    const fromDb = await replayChain({
      runtime,
      genesisChanges,
      verifier,
      node: db,
      blocks: (async function* (): AsyncGenerator<ReplayInput> {
        for await (const b of db.iterateBlocks(0, 0xffff_ffff)) yield { number: b.number, hash: b.hash, header: b.header, body: b.body };
      })(),
    });
    await verifier.close();
    report('replay from the node database (LevelDB)', fromDb, ceiling);

    const file = join(dir, 'chain.bin');
    const t0 = performance.now();
    const w = await BlockFileWriter.open(file, 'binary', db.getGenesisHash()!);
    for await (const b of db.iterateBlocks(0, 0xffff_ffff)) await w.write(b);
    await w.close();
    const exportSeconds = (performance.now() - t0) / 1000;
    await db.close();
    console.log(`export-blocks: ${w.blocks} blocks, ${(statSync(file).size / 1048576).toFixed(1)} MiB in ${exportSeconds.toFixed(2)} s`);

    const reader = await BlockFileReader.open(file);
    verifier = new SignatureVerifier({ cacheSize: 4096 });
    const fromFile = await replayChain({
      runtime,
      genesisChanges,
      verifier,
      blocks: (async function* (): AsyncGenerator<ReplayInput> {
        for await (const b of reader.blocks()) yield { number: b.decoded.number, hash: b.hash, header: b.header, body: b.extrinsics };
      })(),
    });
    await verifier.close();
    report('replay from the exported block file', fromFile, ceiling);
    console.log(`peak RSS ${peakRssMiB()} MiB (in-process replays)`);

    const cli = join(ROOT, 'dist', 'cli.js');
    if (existsSync(cli)) {
      const t1 = performance.now();
      const r = spawnSync(process.execPath, [cli, 'replay', '--chain', 'dev', '--base-path', base], { encoding: 'utf8' });
      const wall = (performance.now() - t1) / 1000;
      const line = /time: +(.*)/.exec(r.stdout)?.[1] ?? `exit ${r.status}: ${r.stderr.trim()}`;
      console.log(`\nnode dist/cli.js replay --base-path: exit ${r.status}, ${wall.toFixed(2)} s wall (start-up and comparison included); its summary: ${line}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
