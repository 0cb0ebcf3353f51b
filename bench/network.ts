/**
 * Network throughput of a 4-validator `local` testnet of real processes on loopback (as `test/e2e/testnet-cluster.ts`
 * starts it): a load generator submits signed transfers over RPC (`author_submitAndWatchExtrinsic`, spread over the
 * four nodes' WebSockets) at a steady rate from many accounts, and prints finalized tx/s, submit-to-finalized latency
 * p50/p95/p99, blocks/s, rounds per height (from the blocks' commit certificates), peak RSS per validator (VmHWM),
 * beside the sr25519 verification ceiling measured in the same run.
 *
 *   npm run bench:network -- [total=10000] [rate=400] [accounts=1000]
 *
 * The senders are `//Alice//bench//i`, funded first by //Alice (consecutive nonces, the pool queues the future ones).
 * A sender has at most one transfer in flight: when none is free the tick skips (counted as back-pressure).
 * Figures only, never pass/fail.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { KeyringPair } from '@polkadot/keyring/types';
import { CommitCertificate } from '../src/consensus/certificate.js';
import { SystemStorage } from '../src/pallets/system/index.js';
import { RpcClient, type Subscription } from '../test/helpers/rpc-client.js';
import { accountKey, bytes, devAccount, hex, keys, signExtrinsic, transferKeepAliveCall } from '../test/e2e/support.js';
import { Testnet, until, VALIDATOR_NAMES } from '../test/e2e/testnet-cluster.js';
import { describeCeiling, measureCeiling, ofCeiling, perSecond } from './lib/measure.js';

const TOTAL = Number(process.argv[2] ?? 10_000); // transfers, 1..=10^6
const RATE = Number(process.argv[3] ?? 400); // submissions per second, 1..=10^5
const ACCOUNTS = Number(process.argv[4] ?? 1000); // senders, 1..=10^5
const TICK_MS = 50;

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
  const clients = await Promise.all(VALIDATOR_NAMES.map((n) => RpcClient.connect(`ws://127.0.0.1:${net.node(n).rpcPort}`)));
  try {
    const alice = net.node('Alice');
    await until(async () => (await alice.best()) >= 1, 60_000, 'the chain to start');
    const genesis = bytes(await retry(() => alice.call<string>('chain_getBlockHash', [0])));
    const kr = await keys();
    const senders: KeyringPair[] = Array.from({ length: ACCOUNTS }, (_, i) => kr.addFromUri(`//Alice//bench//${i}`)); // 0 ≤ i < ACCOUNTS

    // Fund the senders from //Alice.
    const funder = await devAccount('Alice');
    let nonce = await retry(() => alice.call<number>('system_accountNextIndex', [funder.address]));
    const tf = performance.now();
    for (const s of senders) {
      const xt = signExtrinsic(funder, transferKeepAliveCall(s.publicKey, 1_000_000_000_000_000n), { genesisHash: genesis }, { nonce: nonce++ });
      await clients[0].call('author_submitExtrinsic', [hex(xt)]);
    }
    const last = senders[senders.length - 1];
    // Wait for //Alice's on-chain nonce (not system_accountNextIndex, which counts the pool too) to reach the last
    // funding transfer, or to stop moving for 5 s (the pool may have refused some: those senders stay unfunded).
    const onChainNonce = async (): Promise<number> => {
      const raw = await alice.call<string | null>('state_getStorage', [accountKey(funder.publicKey)]);
      return raw === null ? 0 : Number(SystemStorage.Account.value.decode(bytes(raw)).nonce);
    };
    let seen = -1;
    let still = 0; // polls without progress, 0 ≤ still ≤ 10
    while (still < 10) {
      const n = await retry(onChainNonce);
      if (n >= nonce) break;
      still = n === seen ? still + 1 : 0;
      seen = n;
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`funded ${ACCOUNTS} senders in ${((performance.now() - tf) / 1000).toFixed(1)} s (last ${last.address.slice(0, 8)}…)`);

    // The load.
    const nonces = new Array<number>(ACCOUNTS).fill(0);
    const busy = new Array<boolean>(ACCOUNTS).fill(false);
    const latencies: number[] = [];
    let submitted = 0; // 0 ≤ submitted ≤ TOTAL
    let finalized = 0;
    let failed = 0;
    let skipped = 0;
    let firstError: string | undefined;
    let cursor = 0; // 0 ≤ cursor < ACCOUNTS
    const startBlock = await retry(() => alice.best());
    const t0 = performance.now();
    const inflight: Promise<void>[] = [];
    const submitOne = async (i: number): Promise<void> => {
      const s = senders[i];
      const xt = signExtrinsic(s, transferKeepAliveCall(funder.publicKey, 1_000_000n), { genesisHash: genesis }, { nonce: nonces[i] });
      const client = clients[submitted % clients.length];
      const ts = performance.now();
      let sub: Subscription<unknown> | undefined;
      try {
        sub = await client.subscribe<unknown>('author_submitAndWatchExtrinsic', [hex(xt)], 'author_unwatchExtrinsic', 30_000);
        nonces[i]++;
        await sub.nextMatching((x) => typeof x === 'object' && x !== null && 'finalized' in x, 120_000, 'finalized');
        latencies.push(performance.now() - ts);
        finalized++;
      } catch (e) {
        failed++;
        firstError ??= (e as Error).message;
        nonces[i] = await net.node('Alice').call<number>('system_accountNextIndex', [s.address]).catch(() => nonces[i]);
      } finally {
        await sub?.unsubscribe().catch(() => false);
        busy[i] = false;
      }
    };
    while (submitted < TOTAL) {
      const due = Math.min(TOTAL, Math.floor(((performance.now() - t0) / 1000) * RATE));
      while (submitted < due) {
        let found = -1;
        for (let k = 0; k < ACCOUNTS; k++) {
          const i = (cursor + k) % ACCOUNTS;
          if (!busy[i]) {
            found = i;
            break;
          }
        }
        if (found === -1) {
          skipped++;
          break;
        }
        cursor = (found + 1) % ACCOUNTS;
        busy[found] = true;
        inflight.push(submitOne(found));
        submitted++;
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    const tSubmitEnd = performance.now();
    await Promise.all(inflight);
    const seconds = (performance.now() - t0) / 1000;
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
    latencies.sort((a, b) => a - b);
    const tps = finalized / seconds;
    console.log(`submitted ${submitted} in ${((tSubmitEnd - t0) / 1000).toFixed(1)} s (${perSecond(submitted, (tSubmitEnd - t0) / 1000)}/s offered; ${skipped} ticks with every sender busy), ${failed} not finalized${firstError === undefined ? '' : ` (first: ${firstError})`}`);
    console.log(`finalized: ${finalized} transfers in ${seconds.toFixed(1)} s = ${perSecond(finalized, seconds)} tx/s (${ofCeiling(tps, ceiling)})`);
    console.log(`submit-to-finalized latency: p50 ${quantile(latencies, 0.5).toFixed(0)} ms, p95 ${quantile(latencies, 0.95).toFixed(0)} ms, p99 ${quantile(latencies, 0.99).toFixed(0)} ms`);
    console.log(`blocks: ${blocks} in ${seconds.toFixed(1)} s = ${(blocks / seconds).toFixed(2)} blocks/s, up to ${extrinsicsMax} transfers per block; rounds per height: mean ${(roundsSum / Math.max(1, blocks)).toFixed(2)}, max ${maxRound + 1}`);
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
