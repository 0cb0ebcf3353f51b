/**
 * Network throughput of a 4-validator `local` testnet of real processes on loopback (as `test/e2e/testnet-cluster.ts`
 * starts it): a load generator submits signed transfers over RPC (`author_submitAndWatchExtrinsic`, spread over the
 * four nodes' WebSockets) at a steady rate from many accounts, and prints finalized tx/s, submit-to-finalized latency
 * p50/p95/p99, blocks/s, rounds per height (from the blocks' commit certificates), the validators' CPU per finalized
 * transfer, and peak RSS per validator (VmHWM), beside the sr25519 verification ceiling measured in the same run.
 * First the idle chain for 10 s (CPU per empty block), then two phases on the same chain: `total` transfers at `rate`,
 * then `total / 2` at `rate / 2` (the latency aim is stated at half the throughput aim).
 *
 *   npm run bench:network -- [total=10000] [rate=1000] [accounts=1000]
 *
 * The senders are `//Alice//bench//i`, funded first by //Alice (consecutive nonces, the pool queues the future ones).
 * Every transfer is signed before the load starts; transfer j is sender (j mod accounts)'s next nonce, sent to that
 * sender's node without waiting for its previous one (the pool queues a nonce ahead of the chain as future).
 * Figures only, never pass/fail.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { KeyringPair } from '@polkadot/keyring/types';
import { CommitCertificate } from '../src/consensus/certificate.js';
import { RpcClient, type Subscription } from '../test/helpers/rpc-client.js';
import { bytes, devAccount, hex, keys, signExtrinsic, transferKeepAliveCall } from '../test/e2e/support.js';
import { fundAccounts, Testnet, until, VALIDATOR_NAMES, type ValidatorName } from '../test/e2e/testnet-cluster.js';
import { describeCeiling, measureCeiling, ofCeiling, perSecond } from './lib/measure.js';

/** Positional argument `index` (an integer in min..=max), or `fallback`; exits naming the argument when it is not. */
function intArg(index: number, name: string, fallback: number, min: number, max: number): number {
  const raw = process.argv[index];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    console.error(`bench:network: ${name} must be an integer in ${min}..=${max}, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return v;
}

const TOTAL = intArg(2, 'total', 10_000, 2, 1_000_000); // transfers of the first phase
const RATE = intArg(3, 'rate', 1000, 2, 100_000); // submissions per second of the first phase
const ACCOUNTS = intArg(4, 'accounts', 1000, 1, 100_000); // senders
const TICK_MS = 50;
const SOCKETS_PER_NODE = 4;
/** How long the idle chain is measured before the load, in ms. */
const IDLE_MS = 10_000;
/** Linux's USER_HZ: /proc reports CPU time in these ticks per second. */
const CLOCK_TICKS = 100;

/** The `q` quantile (0..1) of sorted `xs`. */
function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  return xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
}

/** VmHWM of `pid` in MiB (undefined when gone). */
function vmHwmMiB(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? undefined : Math.round(Number(m[1]) / 1024);
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system, every thread) `pid` has used so far (undefined when gone). */
function cpuSeconds(pid: number): number | undefined {
  try {
    // Fields 14 and 15 of /proc/PID/stat (after the parenthesised command name) are utime and stime in clock ticks.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** `fn`, retried up to 5 times 200 ms apart (an HTTP RPC call can hit a socket reset under load). */
async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) { // 0 ≤ attempt < 5
    try {
      return await fn();
    } catch (e) {
      if (attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function main(): Promise<void> {
  console.log(`bench:network: ${TOTAL} transfers at ${RATE}/s from ${ACCOUNTS} accounts over RPC to 4 validators (loopback)`);
  const ceiling = await measureCeiling(3000);
  console.log(describeCeiling(ceiling));

  const net = await Testnet.start({ blockTimeMs: 250, proposeTimeoutMs: 1000 });
  const pids = new Map(VALIDATOR_NAMES.map((n) => [n, (net.node(n) as unknown as { child: { pid: number } }).child.pid]));
  let clients: RpcClient[] = [];
  try {
    const alice = net.node('Alice');
    await until(async () => (await alice.best()) >= 1, 60_000, 'the chain to start');
    const genesis = bytes(await retry(() => alice.call<string>('chain_getBlockHash', [0])));

    // The idle cost: empty blocks for 10 s (consensus messages, WAL syncs, execution and commit of empty blocks).
    {
      const b0 = await retry(() => alice.best());
      const c0 = VALIDATOR_NAMES.map((n) => cpuSeconds(pids.get(n)!) ?? 0);
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, IDLE_MS));
      const blocks = (await retry(() => alice.best())) - b0;
      const seconds = (performance.now() - t0) / 1000;
      const cpu = VALIDATOR_NAMES.map((n, k) => (cpuSeconds(pids.get(n)!) ?? 0) - c0[k]);
      const perBlockMs = (cpu.reduce((x, y) => x + y, 0) / VALIDATOR_NAMES.length / Math.max(1, blocks)) * 1000;
      console.log(`idle: ${(blocks / seconds).toFixed(2)} blocks/s; validators ${cpu.map((c) => `${((c / seconds) * 100).toFixed(0)} %`).join(', ')} of one core = ${perBlockMs.toFixed(1)} ms of CPU per empty block per validator`);
    }
    const kr = await keys();
    const senders: KeyringPair[] = Array.from({ length: ACCOUNTS }, (_, i) => kr.addFromUri(`//Alice//bench//${i}`)); // 0 ≤ i < ACCOUNTS

    // Fund the senders from //Alice, confirmed on every node (a sender's first transfer may go to any of them).
    const funder = await devAccount('Alice');
    const tf = performance.now();
    await fundAccounts(alice, funder, senders.map((s) => s.publicKey), 100_000_000_000_000n, VALIDATOR_NAMES.map((n) => net.node(n)));
    console.log(`funded ${ACCOUNTS} senders in ${((performance.now() - tf) / 1000).toFixed(1)} s`);

    // Sign every transfer up front, so the generator's CPU during the load goes to RPC only: transfer j is sender
    // j mod ACCOUNTS's nonce ⌊j / ACCOUNTS⌋, always sent to the same node (its nonces then arrive in order there).
    const halfTotal = Math.max(1, Math.floor(TOTAL / 2));
    const tsign = performance.now();
    const signed: string[] = [];
    for (let j = 0; j < TOTAL + halfTotal; j++) {
      const s = senders[j % ACCOUNTS];
      signed.push(hex(signExtrinsic(s, transferKeepAliveCall(funder.publicKey, 1_000_000n), { genesisHash: genesis }, { nonce: Math.floor(j / ACCOUNTS) })));
    }
    console.log(`signed ${signed.length} transfers in ${((performance.now() - tsign) / 1000).toFixed(1)} s (before the load)`);
    // Several WebSockets per node: a connection may hold at most 1,024 subscriptions (Substrate's default). Opened
    // after the signing, which holds this event loop long enough for the nodes to drop a socket that missed pings.
    clients = await Promise.all(
      Array.from({ length: SOCKETS_PER_NODE * VALIDATOR_NAMES.length }, (_, c) => RpcClient.connect(`ws://127.0.0.1:${net.node(VALIDATOR_NAMES[c % VALIDATOR_NAMES.length]).rpcPort}`)),
    ); // client c talks to validator c mod 4

    const broken = new Array<boolean>(ACCOUNTS).fill(false);
    /** Offer transfers [from, from + count) at `rate` per second; wait for every one to end; print the figures. */
    const phase = async (label: string, from: number, count: number, rate: number): Promise<void> => {
      const inBlockLatencies: number[] = [];
      const latencies: number[] = [];
      let submitted = 0; // 0 ≤ submitted ≤ count
      let finalized = 0;
      let lastFinalizedAt = 0; // performance.now() of the last `finalized` notification (0: none)
      let failed = 0;
      let abandoned = 0;
      const errors = new Map<string, number>(); // reason → count
      const startBlock = await retry(() => alice.best());
      const cpu0 = process.cpuUsage();
      const nodeCpu0 = VALIDATOR_NAMES.map((n) => cpuSeconds(pids.get(n)!) ?? 0);
      const t0 = performance.now();
      const inflight: Promise<void>[] = [];
      const submitOne = async (j: number): Promise<void> => {
        const i = j % ACCOUNTS;
        const client = clients[i % clients.length];
        const ts = performance.now();
        let sub: Subscription<unknown> | undefined;
        try {
          sub = await client.subscribe<unknown>('author_submitAndWatchExtrinsic', [signed[j]], 'author_unwatchExtrinsic', 30_000);
          await sub.nextMatching((x) => typeof x === 'object' && x !== null && 'inBlock' in x, 120_000, 'inBlock');
          inBlockLatencies.push(performance.now() - ts);
          await sub.nextMatching((x) => typeof x === 'object' && x !== null && 'finalized' in x, 120_000, 'finalized');
          latencies.push(performance.now() - ts);
          finalized++;
          lastFinalizedAt = performance.now();
        } catch (e) {
          // The sender's later nonces can no longer be included: skip them.
          broken[i] = true;
          failed++;
          const reason = (e as Error).message.replace(/[0-9a-f]{16,}/g, '…').slice(0, 120); // grouped without ids
          errors.set(reason, (errors.get(reason) ?? 0) + 1);
        } finally {
          await sub?.unsubscribe().catch(() => false);
        }
      };
      while (submitted < count) {
        const due = Math.min(count, Math.floor(((performance.now() - t0) / 1000) * rate));
        for (; submitted < due; submitted++) {
          if (broken[(from + submitted) % ACCOUNTS]) abandoned++;
          else inflight.push(submitOne(from + submitted));
        }
        await new Promise((r) => setTimeout(r, TICK_MS));
      }
      const tSubmitEnd = performance.now();
      await Promise.all(inflight);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const nodeCpu = VALIDATOR_NAMES.map((n, k) => (cpuSeconds(pids.get(n)!) ?? 0) - nodeCpu0[k]);
      const endBlock = await retry(() => alice.best());

      // Rounds per height from the commit certificates (round r means r + 1 rounds).
      let roundsSum = 0;
      let maxRound = 0;
      let extrinsicsMax = 0;
      for (let n = startBlock + 1; n <= endBlock; n++) {
        const hash = await retry(() => alice.call<string>('chain_getBlockHash', [n]));
        const b = await retry(() => alice.call<{ block: { extrinsics: string[] }; justifications: Array<[number[], string]> | null }>('chain_getBlock', [hash]));
        const cert = CommitCertificate.decode(bytes(b.justifications![0][1]));
        roundsSum += cert.round + 1;
        maxRound = Math.max(maxRound, cert.round);
        extrinsicsMax = Math.max(extrinsicsMax, b.block.extrinsics.length - 1);
      }
      const blocks = endBlock - startBlock;
      latencies.sort((x, y) => x - y);
      inBlockLatencies.sort((x, y) => x - y);
      const tps = finalized / seconds;
      const pct = (xs: number[]): string => `p50 ${quantile(xs, 0.5).toFixed(0)} ms, p95 ${quantile(xs, 0.95).toFixed(0)} ms, p99 ${quantile(xs, 0.99).toFixed(0)} ms`;
      const nodeCpuTotal = nodeCpu.reduce((x, y) => x + y, 0);
      console.log(`\n${label}: ${count} transfers offered at ${rate}/s`);
      console.log(`  offered ${submitted} in ${((tSubmitEnd - t0) / 1000).toFixed(1)} s (${perSecond(submitted, (tSubmitEnd - t0) / 1000)}/s); ${failed} refused or not finalized${[...errors].map(([m, n]) => ` (${n}× ${m})`).join('')}; ${abandoned} not sent after their sender's failure`);
      console.log(`  finalized: ${finalized} transfers in ${seconds.toFixed(1)} s = ${perSecond(finalized, seconds)} tx/s (${ofCeiling(tps, ceiling)})`);
      // The phase lasts until its last transfer ends, so a few accepted transfers that never reach a block (waiting for
      // inBlock until the 120 s timeout) stretch it: the rate up to the last finalization tells the chain's own pace.
      const activeSeconds = lastFinalizedAt === 0 ? 0 : (lastFinalizedAt - t0) / 1000;
      if (finalized > 0) console.log(`  of which the last finalized ${activeSeconds.toFixed(1)} s after the first offer = ${perSecond(finalized, activeSeconds)} tx/s up to then`);
      console.log(`  submit-to-finalized latency (the \`finalized\` notification): ${pct(latencies)}`);
      console.log(`  submit-to-commit latency (\`inBlock\`: the block imported with its certificate): ${pct(inBlockLatencies)}`);
      console.log(`  blocks: ${blocks} in ${seconds.toFixed(1)} s = ${(blocks / seconds).toFixed(2)} blocks/s, up to ${extrinsicsMax} transfers per block; rounds per height: mean ${(roundsSum / Math.max(1, blocks)).toFixed(2)}, max ${maxRound + 1}`);
      console.log(`  CPU: validators ${VALIDATOR_NAMES.map((n, k) => `${n} ${((nodeCpu[k] / seconds) * 100).toFixed(0)} %`).join(', ')} of one core = ${((nodeCpuTotal / Math.max(1, finalized)) * 1e6).toFixed(0)} µs per finalized transfer (all four); load generator ${(((cpu.user + cpu.system) / 1e6 / seconds) * 100).toFixed(0)} %`);
    };

    await phase('at the offered rate', 0, TOTAL, RATE);
    await phase('at half that rate', TOTAL, halfTotal, Math.max(1, Math.floor(RATE / 2)));
    console.log('');
    // The most V8 heap in use any informant line of the run reported (the last 2,000 output lines are kept).
    const heapMax = (n: ValidatorName): string => {
      let max = -1;
      for (const line of net.node(n).output().split('\n')) {
        const m = /"module":"informant".*"heapUsedMiB":(\d+)/.exec(line);
        if (m !== null) max = Math.max(max, Number(m[1]));
      }
      return max < 0 ? '?' : `${max}`;
    };
    console.log(`V8 heap in use, most in a status line: ${VALIDATOR_NAMES.map((n) => `${n} ${heapMax(n)} MiB`).join(', ')}`);
    console.log(`peak RSS (VmHWM): ${VALIDATOR_NAMES.map((n) => `${n} ${vmHwmMiB(pids.get(n)!) ?? '?'} MiB`).join(', ')}`);
    console.log(describeCeiling(ceiling));
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await net.destroy();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
