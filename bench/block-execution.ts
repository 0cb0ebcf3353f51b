/**
 * Block execution throughput: signed transfers applied per second in blocks of 2,000 (default), signature
 * verification included, phase by phase, beside the sr25519 verification ceiling measured in the same run.
 *
 *   node --import tsx bench/block-execution.ts [perBlock=2000] [timedBlocks=4]
 *
 * The chain is authored first (in a child process) through the node's own path; then its blocks are executed over
 * a fresh in-memory state (MemoryState, as the replay does): pre-verify the block's signatures in one batch on the
 * worker pool, apply every extrinsic (the runtime reads the batch's verdicts), compute the state and extrinsics
 * roots. A warm-up pass runs first; the figures are from the second pass, over the blocks that hold `perBlock`
 * transfers. Also measured: the replay's pipelined loop (second run, all blocks) and a full import with its durable
 * LevelDB commit (one run, all blocks, cold).
 * Figures only, never pass/fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { initCrypto } from '../src/crypto/keys.js';
import { SignatureVerifier } from '../src/crypto/verifier-pool.js';
import { equalBytes } from '../src/primitives/bytes.js';
import { blake2_256 } from '../src/primitives/hashing.js';
import { BodyCodec, HeaderCodec, type Header } from '../src/primitives/types.js';
import { createChainHost } from '../src/chain/host.js';
import { importBlocks } from '../src/node/block-import.js';
import { loadChainSpec } from '../src/node/chain-spec.js';
import { databasePath, genesisChangesOf, openChain } from '../src/node/node.js';
import { MemoryState, replayChain, verifyBlockSignatures } from '../src/node/replay.js';
import { ChainDatabase } from '../src/storage/index.js';
import { describeCeiling, makeTransferChain, measureCeiling, ofCeiling, peakRssMiB, perSecond } from './lib/measure.js';

const PER_BLOCK = Number(process.argv[2] ?? 2000); // transfers per block, 1..=5000
const TIMED_BLOCKS = Number(process.argv[3] ?? 4); // full blocks measured, 1..=1000
/** Senders funded by //Alice (the funding fills the first blocks; full blocks follow). */
const ACCOUNTS = 300;

interface Block {
  header: Header;
  raw: Uint8Array;
  extrinsics: Uint8Array[];
}

async function main(): Promise<void> {
  await initCrypto();
  const ceiling = await measureCeiling();
  const dir = mkdtempSync(join(tmpdir(), 'dcn-bench-exec-'));
  try {
    const spec = loadChainSpec('dev');
    // Funding blocks hold fewer transfers (the pool queues 256 nonces per sender): add two blocks for them.
    const made = makeTransferChain(join(dir, 'node'), PER_BLOCK * (TIMED_BLOCKS + 2), PER_BLOCK, ACCOUNTS);
    const db = await ChainDatabase.open(databasePath(join(dir, 'node'), spec), { logger: { info() {}, warn() {}, debug() {} } });
    const blocks: Block[] = [];
    for await (const b of db.iterateBlocks(1, 1_000_000)) blocks.push({ header: HeaderCodec.decode(b.header), raw: b.header, extrinsics: BodyCodec.decode(b.body) });
    await db.close();
    const full = (b: Block) => b.extrinsics.length - 1 >= PER_BLOCK;
    const timed = blocks.filter(full).length;
    console.log(describeCeiling(ceiling));
    console.log(`chain: ${blocks.length} blocks authored in ${made.toFixed(1)} s; ${timed} of them hold ${PER_BLOCK} signed transfers (timed)`);

    const runtime = createChainHost();
    const genesisChanges = genesisChangesOf(spec, runtime);
    const phases = async () => {
      const { state, hash: genesisHash } = MemoryState.genesis(genesisChanges);
      // A fresh verifier per pass: no verdict is ever a cache hit.
      const verifier = new SignatureVerifier({ cacheSize: 4096 });
      const t = { verify: 0, apply: 0, roots: 0, transfers: 0 };
      let parent = genesisHash;
      for (const b of blocks) {
        const n = b.header.number;
        const t0 = performance.now();
        const batch = verifyBlockSignatures(runtime, verifier, state, n, b.extrinsics, [[n - 1, parent]]);
        await batch.done;
        const t1 = performance.now();
        const exec = runtime.beginBlock(state, b.header, batch.checker);
        exec.initialize();
        for (const x of b.extrinsics) {
          const r = exec.applyExtrinsic(x, { enforceLimits: true });
          if (!r.ok) throw new Error(`block #${n}: ${r.error.message}`);
        }
        const t2 = performance.now();
        const sealed = exec.finalize(state.trie, b.header.digest);
        const t3 = performance.now();
        if (!equalBytes(sealed.header.stateRoot, b.header.stateRoot) || !equalBytes(sealed.header.extrinsicsRoot, b.header.extrinsicsRoot)) throw new Error(`block #${n}: roots differ`);
        state.advance(sealed.changes, sealed.trie);
        parent = blake2_256(b.raw);
        if (full(b)) {
          t.verify += t1 - t0;
          t.apply += t2 - t1;
          t.roots += t3 - t2;
          t.transfers += b.extrinsics.length - 1;
        }
      }
      await verifier.close();
      return t;
    };
    const cold = await phases();
    const warm = await phases();
    const s = (ms: number) => ms / 1000;
    const total = s(warm.verify + warm.apply + warm.roots);
    const line = (label: string, seconds: number, extra = '') =>
      console.log(`  ${label.padEnd(58)} ${perSecond(warm.transfers, seconds).padStart(8)} transfers/s${extra}`);
    console.log(`\nblock execution, blocks of ${PER_BLOCK} signed transfers (${timed} blocks, second pass; first pass total ${perSecond(cold.transfers, s(cold.verify + cold.apply + cold.roots))}/s):`);
    line('signature pre-verification (one batch per block, pool)', s(warm.verify));
    line('apply extrinsics (runtime reads the verdicts)', s(warm.apply));
    line(`state root + extrinsics root (${(warm.roots / timed).toFixed(0)} ms per block)`, s(warm.roots));
    line('verify + apply + roots, one after the other', total, `   = ${ofCeiling(warm.transfers / total, ceiling)}`);

    // The replay loop: block n+1's batch verifies on the workers while block n executes (warm-up run, then timed).
    const pipelined = async () => {
      const verifier = new SignatureVerifier({ cacheSize: 4096 });
      const r = await replayChain({
        runtime,
        genesisChanges,
        blocks: (async function* () {
          for (const b of blocks) yield { number: b.header.number, hash: blake2_256(b.raw), header: b.raw, body: b.extrinsics };
        })(),
        verifier,
      });
      await verifier.close();
      if (!r.ok) throw new Error(`replay diverged: ${r.divergence.message}`);
      return r.summary;
    };
    await pipelined();
    const r = await pipelined();
    const label = `pipelined as replay runs it (all ${blocks.length} blocks)`;
    console.log(`  ${label.padEnd(58)} ${perSecond(r.signed, r.seconds).padStart(8)} transfers/s   = ${ofCeiling(r.signed / r.seconds, ceiling)}`);

    // A node importing the blocks: preverify, Chain.importBlock (execute, roots), one durable LevelDB batch per block.
    const logger = pino({ level: 'silent' });
    const chain = await openChain(spec, join(dir, 'import'), logger);
    const importer = new SignatureVerifier();
    const imp = await importBlocks(
      chain,
      importer,
      (async function* () {
        for (const b of blocks) yield { header: b.raw, decoded: b.header, hash: blake2_256(b.raw), extrinsics: b.extrinsics, justification: undefined };
      })(),
    );
    await importer.close();
    await chain.db.close();
    const importedSigned = imp.extrinsics - imp.imported;
    console.log(`  ${`import with durable commit (all ${blocks.length} blocks, cold)`.padEnd(58)} ${perSecond(importedSigned, imp.seconds).padStart(8)} transfers/s   = ${ofCeiling(importedSigned / imp.seconds, ceiling)}`);
    console.log(`peak RSS ${peakRssMiB()} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
