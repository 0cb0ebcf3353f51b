/**
 * The executive's cost per signed transfer, in process and without a child chain: apply (checks, fees, nonce,
 * dispatch, events), finalize (events stored, state and extrinsics roots), pool intake (`validateTransaction`) and
 * `buildBlock` from a pool of `perBlock` transfers, each beside the CPU time and the garbage collection it cost.
 *
 *   node --import tsx bench/apply.ts [perBlock=2000] [timedBlocks=3] [runs=5]
 *
 * Block 1 funds 250 derived accounts from //Alice; the timed blocks then hold `perBlock` transfers each among the
 * 256 senders (every second one mortal). Signatures are verified once during set-up; the runtime's checker then
 * answers from those verdicts (as the node's verdict cache does), so the figures are the executive's own. Each run
 * re-executes the same blocks over a fresh in-memory state; the first run is a warm-up and is not reported.
 * Figures only, never pass/fail: the machine is shared, so ranges over runs are printed, and CPU time and the
 * number of scavenges (proportional to the bytes allocated) as steadier signals than wall time.
 * `BENCH_APPLY_FIXTURE=<file>` keeps the signed extrinsics in a file (written on the first run, read after), so the
 * printed hash of the last block can be compared between versions of the code; `BENCH_APPLY_ONLY=1` skips the
 * node path (for profiles); `BENCH_APPLY_HEAP=<file>` keeps the sampled allocation profile of one block's apply.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import { pino } from 'pino';
import { initCrypto } from '../src/crypto/keys.js';
import { SignatureVerifier } from '../src/crypto/verifier-pool.js';
import { verifySignature } from '../src/crypto/verify.js';
import { equalBytes, fromHex, toHex } from '../src/primitives/bytes.js';
import { blake2_256 } from '../src/primitives/hashing.js';
import { decodeExtrinsic } from '../src/primitives/extrinsic.js';
import { eraBirth, mortalEra, type Era } from '../src/primitives/types.js';
import { createChainRuntime, XFG } from '../src/chain/index.js';
import { AUTHOR_ENGINE_ID, AuthorDigest, type Runtime, type SealedBlock, type SignatureChecker, type SignatureJob } from '../src/runtime/runtime.js';
import { buildBlock } from '../src/node/author.js';
import { loadChainSpec } from '../src/node/chain-spec.js';
import { genesisChangesOf, openChain } from '../src/node/node.js';
import { MemoryState } from '../src/node/replay.js';
import type { StateChange } from '../src/runtime/state.js';
import { devSigner, signTransfer, type TransferSigner } from '../src/node/transfer-chain.js';
import { TransactionService } from '../src/node/transactions.js';
import type { DigestItemValue, Header } from '../src/primitives/types.js';

const PER_BLOCK = Number(process.argv[2] ?? 2000); // transfers per timed block, 1..=5000
const TIMED_BLOCKS = Number(process.argv[3] ?? 3); // 1..=100
const RUNS = Number(process.argv[4] ?? 5); // reported runs, 1..=100 (plus one warm-up)
/** Accounts funded by //Alice in block 1 (the pool queues at most 256 nonces of one sender). */
const ACCOUNTS = 250;
const START_MS = 1_700_000_000_000n;

/** Verdicts computed once in set-up, answered by id like the node's verdict cache. */
class Verdicts implements SignatureChecker {
  readonly known = new Map<string, boolean>();
  verify(job: SignatureJob): boolean {
    let v = this.known.get(job.id);
    if (v === undefined) {
      v = verifySignature(job.scheme, job.message, job.signature, job.publicKey);
      this.known.set(job.id, v);
    }
    return v;
  }
}

/** Garbage collections observed (count ≤ 2^53 and total ms). */
const gc = { count: 0, ms: 0 };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    gc.ms += e.duration;
  }
}).observe({ entryTypes: ['gc'] });

/** A measurement: wall ms, CPU ms, collections (≤ 2^53) and their ms. */
interface Sample {
  wall: number;
  cpu: number;
  gcs: number;
  gcMs: number;
}

async function measure(fn: () => void | Promise<void>): Promise<Sample> {
  // Let pending GC entries of earlier work arrive first (the observer is called from a timer).
  await new Promise((r) => setTimeout(r, 20));
  const g0 = { ...gc };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  await new Promise((r) => setTimeout(r, 20));
  return { wall, cpu: (c.user + c.system) / 1000, gcs: gc.count - g0.count, gcMs: gc.ms - g0.ms };
}

function range(xs: number[], digits = 0): string {
  const s = [...xs].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(digits);
  return `median ${f(s[Math.floor(s.length / 2)])} (${f(s[0])}–${f(s[s.length - 1])})`;
}

function report(label: string, samples: Sample[], perItem: number): void {
  const us = (k: 'wall' | 'cpu') => samples.map((x) => (x[k] * 1000) / perItem);
  console.log(`  ${label}`);
  console.log(`    wall µs/tx ${range(us('wall'), 1)}; cpu µs/tx ${range(us('cpu'), 1)}`);
  console.log(`    scavenges+GCs per 1000 tx ${range(samples.map((x) => (x.gcs * 1000) / perItem), 1)}; GC ms per 1000 tx ${range(samples.map((x) => (x.gcMs * 1000) / perItem), 2)}`);
}

/** Bytes sampled by the heap profiler (allocations, collected or not) under `node`, by function name. */
function sampledBytes(node: HeapProfilerNode, into: Map<string, number>): number {
  let total = node.selfSize;
  if (node.selfSize > 0) {
    const name = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop()}`;
    into.set(name, (into.get(name) ?? 0) + node.selfSize);
  }
  for (const c of node.children) total += sampledBytes(c, into);
  return total;
}
interface HeapProfilerNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: HeapProfilerNode[];
}

/**
 * Bytes allocated per transfer while applying one block (sampled every 1 KiB, objects later collected included):
 * a steadier signal than time on a shared machine. Printed with the top allocating functions.
 */
async function allocations(runtime: Runtime, blocks: Array<{ header: Pick<Header, 'parentHash' | 'number' | 'digest'>; extrinsics: Uint8Array[]; sealed?: SealedBlock }>, genesisChanges: readonly StateChange[], checker: SignatureChecker): Promise<void> {
  const st = MemoryState.genesis(genesisChanges).state;
  st.advance(blocks[0].sealed!.changes, blocks[0].sealed!.trie);
  const b = blocks[1];
  const extrinsics = b.extrinsics.map((x) => x.slice());
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
    const exec = runtime.beginBlock(st, b.header, checker);
    exec.initialize();
    for (const x of extrinsics) exec.applyExtrinsic(x, { enforceLimits: true });
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: HeapProfilerNode } };
    // BENCH_APPLY_HEAP=<file>: keep the sampled profile (open in Chrome DevTools, Memory tab).
    if (process.env.BENCH_APPLY_HEAP) writeFileSync(process.env.BENCH_APPLY_HEAP, JSON.stringify(profile));
    const by = new Map<string, number>();
    const total = sampledBytes(profile.head, by);
    const top = [...by.entries()].sort((x, y) => y[1] - x[1]).slice(0, 6);
    console.log(`  apply allocates about ${(total / PER_BLOCK / 1024).toFixed(1)} KiB per transfer (sampled); most in: ${top.map(([n, v]) => `${n} ${(v / PER_BLOCK).toFixed(0)} B`).join(', ')}`);
  } finally {
    session.disconnect();
  }
}

async function main(): Promise<void> {
  await initCrypto();
  const runtime = createChainRuntime();
  const spec = loadChainSpec('dev');
  const genesisChanges = genesisChangesOf(spec, runtime);
  const g = MemoryState.genesis(genesisChanges);
  const genesisHash = g.hash;
  const dev = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map(devSigner);
  const alice = dev[0];
  const derived = Array.from({ length: ACCOUNTS }, (_, i) => devSigner(String(i)));
  const senders: TransferSigner[] = [...dev, ...derived];
  const checker = new Verdicts();

  // The chain: block 1 funds the derived accounts, then TIMED_BLOCKS blocks of PER_BLOCK transfers.
  const nonces = new Map<TransferSigner, number>();
  const nonce = (k: TransferSigner) => {
    const n = nonces.get(k) ?? 0;
    nonces.set(k, n + 1);
    return n;
  };
  let seed = 7;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const blocks: Array<{ header: Pick<Header, 'parentHash' | 'number' | 'digest'>; extrinsics: Uint8Array[]; sealed?: SealedBlock }> = [];
  const hashes: Uint8Array[] = [genesisHash];
  const author = alice.publicKey;
  // Blocks carry the author digest, as buildBlock makes them (the author earns its share of every fee).
  const digestOf = (): Header['digest'] => ({ logs: [{ tag: 'PreRuntime', value: [AUTHOR_ENGINE_ID, AuthorDigest.encode({ author, round: 0 })] } as DigestItemValue] });
  const state = g.state;
  const execute = (st: MemoryState, b: (typeof blocks)[number]): SealedBlock => {
    const exec = runtime.beginBlock(st, b.header, checker);
    exec.initialize();
    for (const x of b.extrinsics) {
      const r = exec.applyExtrinsic(x, { enforceLimits: true });
      if (!r.ok) throw new Error(`block #${b.header.number}: ${r.error.message}`);
    }
    return exec.finalize(st.trie, b.header.digest);
  };
  // sr25519 signatures are randomised: a fixture file keeps the same extrinsics across runs and versions.
  const fixturePath = process.env.BENCH_APPLY_FIXTURE;
  const fixture = fixturePath && existsSync(fixturePath) ? (JSON.parse(readFileSync(fixturePath, 'utf8')) as string[][]) : undefined;
  if (fixture && fixture.length !== TIMED_BLOCKS + 1) throw new Error(`fixture ${fixturePath} holds ${fixture.length} blocks, not ${TIMED_BLOCKS + 1}`);
  for (let n = 1; n <= TIMED_BLOCKS + 1; n++) {
    const head = n - 1;
    const mortal: Era = mortalEra(64, head);
    const birthHash = hashes[eraBirth(mortal, n)];
    const xts: Uint8Array[] = fixture ? fixture[n - 1].map((x) => fromHex(x)) : [runtime.timestampInherent(START_MS + BigInt(n) * 1000n)];
    const count = fixture ? 0 : n === 1 ? ACCOUNTS : PER_BLOCK;
    for (let i = 0; i < count; i++) {
      const isMortal = i % 2 === 1;
      const common = { era: isMortal ? mortal : ({ tag: 'Immortal' } as Era), eraBlockHash: isMortal ? birthHash : genesisHash, genesisHash };
      if (n === 1) {
        xts.push(signTransfer(runtime, { ...common, from: alice, dest: derived[i].publicKey, amount: 1000n * XFG, nonce: nonce(alice) }));
        continue;
      }
      const from = senders[rnd() % senders.length];
      let to = senders[rnd() % senders.length];
      if (to === from) to = senders[(senders.indexOf(from) + 1) % senders.length];
      xts.push(signTransfer(runtime, { ...common, from, dest: to.publicKey, amount: 10_000_000_000n + BigInt(rnd() % 1_000_000), nonce: nonce(from) }));
    }
    const b = { header: { parentHash: hashes[head], number: n, digest: digestOf() }, extrinsics: xts };
    const sealed = execute(state, b);
    blocks.push({ ...b, sealed });
    state.advance(sealed.changes, sealed.trie);
    hashes.push(sealed.hash);
  }
  if (fixturePath && !fixture) writeFileSync(fixturePath, JSON.stringify(blocks.map((b) => b.extrinsics.map((x) => toHex(x)))));
  // The last block's hash covers every state root and event of the chain: with the same fixture, equal across
  // versions of the code means the same behaviour.
  console.log(`set-up: ${blocks.length} blocks signed and executed once (${checker.known.size} signatures verified); last block ${toHex(hashes[hashes.length - 1])}`);

  // 1. Apply and finalize, over a fresh state each run.
  const applyS: Sample[] = [];
  const finS: Sample[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const st = MemoryState.genesis(genesisChanges).state;
    st.advance(blocks[0].sealed!.changes, blocks[0].sealed!.trie);
    for (const b of blocks.slice(1)) {
      // Fresh copies: every extrinsic is decoded (and hashed) here, as in a block imported without pre-verification.
      const extrinsics = b.extrinsics.map((x) => x.slice());
      const exec = runtime.beginBlock(st, b.header, checker);
      const a = await measure(() => {
        exec.initialize();
        for (const x of extrinsics) {
          const r = exec.applyExtrinsic(x, { enforceLimits: true });
          if (!r.ok) throw new Error(`block #${b.header.number}: ${r.error.message}`);
        }
      });
      let sealed: SealedBlock | undefined;
      const f = await measure(() => {
        sealed = exec.finalize(st.trie, b.header.digest);
      });
      if (!equalBytes(sealed!.header.stateRoot, b.sealed!.header.stateRoot)) throw new Error(`block #${b.header.number}: state root differs between runs`);
      st.advance(sealed!.changes, sealed!.trie);
      if (run > 0) {
        applyS.push(a);
        finS.push(f);
      }
    }
  }
  console.log(`\nexecutive, blocks of ${PER_BLOCK} signed transfers (${TIMED_BLOCKS} blocks × ${RUNS} runs after a warm-up; ranges over blocks):`);
  report('apply (initialize + inherent + transfers; decoded here; verdicts cached)', applyS, PER_BLOCK);
  report('finalize (events, state root, extrinsics root)', finS, PER_BLOCK);
  await allocations(runtime, blocks, genesisChanges, checker);

  // 2. Pool intake and buildBlock through the node's own path, over LevelDB (skipped with BENCH_APPLY_ONLY=1, for profiles).
  if (process.env.BENCH_APPLY_ONLY === '1') return;
  const dir = mkdtempSync(join(tmpdir(), 'dcn-bench-apply-'));
  const verifier = new SignatureVerifier({ cacheSize: 65_536 });
  try {
    const chain = await openChain(spec, join(dir, 'node'), pino({ level: 'silent' }));
    const txs = new TransactionService(chain, verifier, pino({ level: 'silent' }));
    const intakeS: Sample[] = [];
    const buildS: Sample[] = [];
    for (const b of blocks) {
      const signed = b.extrinsics.slice(1);
      if (b === blocks[blocks.length - 1]) {
        // Intake alone: validateTransaction of every transfer of the block against the head (verdicts cached).
        // As submission does: the head's hash is known for mortality, as it will be in the next block.
        const known = { state: chain.headState(), number: chain.head.number + 1, recentHashes: [[chain.head.number, chain.head.hash]] as const };
        for (const x of signed) await verifier.verify(chain.runtime.signatureJob(known, decodeExtrinsic(x)));
        for (let run = 0; run <= RUNS; run++) {
          const s = await measure(() => {
            for (const x of signed) {
              const r = chain.runtime.validateTransaction(chain.headState(), x, chain.head, txs.checker);
              if (!r.ok) throw new Error(`validateTransaction: ${r.message}`);
            }
          });
          if (run > 0) intakeS.push(s);
        }
      }
      // Verdicts first (as submission does, off the main thread), so intake measures validation alone.
      await Promise.all(signed.map((x) => txs.submit(x, 'local').catch(() => undefined)));
      const head = chain.head;
      let sealed: SealedBlock | undefined;
      const s = await measure(() => {
        sealed = buildBlock(chain, txs, { author, round: 0, nowMs: START_MS + BigInt(head.number + 1) * 1000n, maxExtrinsics: signed.length });
      });
      if (sealed!.extrinsics.length - 1 !== signed.length) throw new Error(`buildBlock took ${sealed!.extrinsics.length - 1} of ${signed.length}`);
      await chain.commit(sealed!);
      const included = sealed!.extrinsics.map((x, index) => ({ hash: blake2_256(x), index }));
      txs.pool.onBlockImported({ blockHash: sealed!.hash, blockNumber: sealed!.header.number, included }, false);
      txs.pool.onBlockFinalized(sealed!.hash, included);
      if (b !== blocks[0]) buildS.push(s);
    }
    console.log(`\nnode path over LevelDB (${TIMED_BLOCKS} blocks built once each):`);
    report(`buildBlock from a pool of ${PER_BLOCK} (incl. finalize)`, buildS, PER_BLOCK);
    console.log(`    ms per block ${range(buildS.map((x) => x.wall))}`);
    report('validateTransaction (pool intake, verdict cached)', intakeS, PER_BLOCK);
    await chain.db.close();
  } finally {
    await verifier.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
