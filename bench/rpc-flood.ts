/**
 * RPC floods against a real node (issue 9, finding 2): does a flood of safe, anonymous RPC calls slow block
 * production, the health probe or leave memory behind? Against the dev node and against validator Alice of a
 * four-validator `local` testnet (both real processes on loopback, 250 ms blocks), it runs, each for `seconds`:
 *
 * - `none`: no flood (the reference);
 * - `metadata`: 200 `state_getMetadata` always in flight (10 WebSockets × 20);
 * - `getBlock`: 10 `chain_getBlock` always in flight (10 WebSockets × 1) of a block holding a 3.5 MB extrinsic;
 * - `queryStorage`: 4 `state_queryStorage` always in flight (4 WebSockets × 1) over 1,000 keys × up to 1,000
 *   blocks (the dev node first makes 1,000 blocks at 10 ms; the testnet has the blocks made since it started).
 *
 * and prints, for each: the calls answered (and refused with -32009), blocks/s, `system_health` latency p50/p99/max
 * over HTTP every 100 ms (a probe that gets no answer in 5 s counts as 5 s), and the node's RSS before, at its peak
 * during, and after the flood (after 10 s of quiet), beside the `none` figures. The aim: block rate unchanged,
 * health p99 under 250 ms, RSS back within 50 MiB of where it started. Figures only, never pass/fail; the machine
 * is shared, so they are noisy.
 *
 *   npm run bench:rpc -- [seconds=10] [targets=dev,testnet]
 *
 * Every flood goes to 127.0.0.1 only, stops at its deadline and after at most 100,000 calls.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { NodeProcess, removeBasePath } from '../test/helpers/node-process.js';
import { RpcClient, httpCall } from '../test/helpers/rpc-client.js';
import { devAccount, extrinsicHash, hex, remarkCall, signExtrinsic, type HeaderJson } from '../test/e2e/support.js';
import { Testnet, until } from '../test/e2e/testnet-cluster.js';

/** `--flooder <json>`: this file run as the flood's own process (see `runFlood`). */
const FLOODER = process.argv[2] === '--flooder';
const SECONDS = FLOODER ? 0 : intArg(2, 'seconds', 10, 2, 600);
const TARGETS = FLOODER ? [] : (process.argv[3] ?? 'dev,testnet').split(',');
for (const t of TARGETS) {
  if (t !== 'dev' && t !== 'testnet') {
    console.error(`bench:rpc: targets are dev and/or testnet, got ${JSON.stringify(t)}`);
    process.exit(2);
  }
}
/** Size of the big extrinsic's remark (the finding's 3.5 MB). */
const BIG_REMARK_BYTES = 3_500_000;
/** Keys of the queryStorage flood, and most blocks it walks (the node's limits). */
const QUERY_KEYS = 1000;
const QUERY_BLOCKS = 1000;
/** Most calls one flood sends. */
const MAX_CALLS = 100_000;
/** Health probe period and the probe's give-up time, ms. */
const PROBE_EVERY_MS = 100;
const PROBE_TIMEOUT_MS = 5_000;
/** Quiet time after a flood before the "after" RSS, ms. */
const SETTLE_MS = 15_000;

function intArg(index: number, name: string, fallback: number, min: number, max: number): number {
  const raw = process.argv[index];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    console.error(`bench:rpc: ${name} must be an integer in ${min}..=${max}, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return v;
}

/** VmRSS of `pid` in MiB. */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? Number.NaN : Math.round(Number(m[1]) / 1024);
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A node under test. */
interface Target {
  label: string;
  pid: number;
  port: number;
}

/** One flood: the call, how many WebSockets, and how many calls each keeps in flight. */
interface Flood {
  name: string;
  method: string;
  params: unknown[];
  sockets: number;
  inFlight: number;
}

/** What a flood's sockets counted. */
interface FloodCount {
  ok: number;
  busy: number;
  otherErrors: number;
}

/**
 * Run `flood` for `seconds` from a process of its own, so that the flood's client work (receiving megabytes of
 * replies) does not delay this process's health probes and head subscription.
 */
async function runFlood(port: number, flood: Flood, seconds: number): Promise<FloodCount> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--flooder', JSON.stringify({ port, flood, seconds })], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  if (code !== 0) throw new Error(`the ${flood.name} flooder exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as FloodCount;
}

/**
 * The flooder: keep `flood.inFlight` calls in flight on each of `flood.sockets` WebSockets until `deadline`
 * (performance.now ms) or MAX_CALLS, then wait for the replies still due (at most 60 s) and close. Replies are not
 * parsed beyond their first bytes.
 */
async function flood(port: number, flood: Flood, deadline: number): Promise<FloodCount> {
  const count: FloodCount = { ok: 0, busy: 0, otherErrors: 0 };
  let sent = 0;
  const sockets = await Promise.all(Array.from({ length: flood.sockets }, () => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { maxPayload: 64 * 1024 * 1024, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  })));
  const done = sockets.map((ws) => new Promise<void>((resolve) => {
    let outstanding = 0;
    let id = 0;
    const sendOne = () => {
      if (performance.now() >= deadline || sent >= MAX_CALLS || ws.readyState !== WebSocket.OPEN) {
        if (outstanding === 0) resolve();
        return;
      }
      sent++;
      outstanding++;
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: ++id, method: flood.method, params: flood.params }));
    };
    ws.on('message', (data: Buffer) => {
      outstanding--;
      const head = data.subarray(0, 96).toString('latin1');
      if (!head.includes('"error"')) count.ok++;
      else if (head.includes('-32009')) count.busy++;
      else count.otherErrors++;
      sendOne();
    });
    ws.once('close', () => resolve());
    for (let i = 0; i < flood.inFlight; i++) sendOne();
  }));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(done), new Promise<void>((r) => { timer = setTimeout(r, 60_000); })]);
  clearTimeout(timer);
  for (const ws of sockets) ws.terminate();
  return count;
}

/** `system_health` over HTTP every PROBE_EVERY_MS (not waiting for the previous one) until stopped. */
function startHealthProbe(port: number): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  const pending = new Set<Promise<void>>();
  const probe = () => {
    const t0 = performance.now();
    const p = fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"jsonrpc":"2.0","id":1,"method":"system_health","params":[]}',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    })
      .then((r) => r.text())
      .then(() => { latencies.push(performance.now() - t0); }, () => { latencies.push(PROBE_TIMEOUT_MS); })
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  const timer = setInterval(probe, PROBE_EVERY_MS);
  probe();
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(pending);
      return latencies.sort((a, b) => a - b);
    },
  };
}

/** The best block number as the node's new-heads subscription reports it (updated as notifications arrive). */
async function followHeads(port: number): Promise<{ best: () => number; close: () => Promise<void> }> {
  const client = await RpcClient.connect(`ws://127.0.0.1:${port}`);
  const sub = await client.subscribe<HeaderJson>('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
  let best = 0;
  let open = true;
  void (async () => {
    while (open) {
      try {
        best = Math.max(best, Number.parseInt((await sub.next(60_000)).number, 16));
      } catch {
        return;
      }
    }
  })();
  await until(async () => best > 0, 20_000, 'a first head');
  return { best: () => best, close: async () => { open = false; await client.close(); } };
}

/** The figures of one phase. */
interface Row {
  target: string;
  flood: string;
  calls: string;
  blocksPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  timeouts: number;
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
  afterP99: number;
}

async function measure(t: Target, flood: Flood | undefined): Promise<Row> {
  const heads = await followHeads(t.port);
  const rssBefore = rssMiB(t.pid);
  let rssPeak = rssBefore;
  const rssTimer = setInterval(() => { rssPeak = Math.max(rssPeak, rssMiB(t.pid)); }, 200);
  const probe = startHealthProbe(t.port);
  const b0 = heads.best();
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  let count: FloodCount | undefined;
  let b1: number;
  if (flood === undefined) {
    await sleep(SECONDS * 1000);
    b1 = heads.best();
  } else {
    const flooding = runFlood(t.port, flood, SECONDS);
    // The flood's window: blocks counted until its deadline, while late replies may still be coming in.
    await sleep(Math.max(0, deadline - performance.now()));
    b1 = heads.best();
    count = await flooding;
  }
  const elapsed = (Math.min(performance.now(), deadline) - t0) / 1000;
  const lat = await probe.stop();
  clearInterval(rssTimer);
  rssPeak = Math.max(rssPeak, rssMiB(t.pid));
  // After: quiet, then the RSS and a short health window.
  await sleep(SETTLE_MS);
  const after = startHealthProbe(t.port);
  await sleep(2_000);
  const afterLat = await after.stop();
  const rssAfter = rssMiB(t.pid);
  await heads.close();
  return {
    target: t.label,
    flood: flood?.name ?? 'none',
    calls: count === undefined ? '-' : `${count.ok}${count.busy > 0 ? ` (+${count.busy} busy)` : ''}${count.otherErrors > 0 ? ` (${count.otherErrors} errors)` : ''}`,
    blocksPerSecond: (b1 - b0) / elapsed,
    p50: quantile(lat, 0.5),
    p99: quantile(lat, 0.99),
    max: lat[lat.length - 1],
    timeouts: lat.filter((x) => x >= PROBE_TIMEOUT_MS).length,
    rssBefore,
    rssPeak,
    rssAfter,
    afterP99: quantile(afterLat, 0.99),
  };
}

/**
 * Submit a signed remark of BIG_REMARK_BYTES by //Alice and return the hash of the block holding it, or undefined
 * when no block holds it within 90 s (then the getBlock flood is left out, and said so).
 */
async function makeBigBlock(port: number): Promise<string | undefined> {
  const alice = await devAccount('Alice');
  const genesis = await httpCall(`http://127.0.0.1:${port}/`, 'chain_getBlockHash', [0]);
  const nonce = await httpCall(`http://127.0.0.1:${port}/`, 'system_accountNextIndex', [hex(alice.publicKey)]);
  const remark = new Uint8Array(BIG_REMARK_BYTES);
  for (let i = 0; i < remark.length; i++) remark[i] = (i * 131) & 0xff;
  const xt = signExtrinsic(alice, remarkCall(remark), { genesisHash: Buffer.from((genesis.body.result as string).slice(2), 'hex') }, { nonce: nonce.body.result as number });
  const client = await RpcClient.connect(`ws://127.0.0.1:${port}`);
  try {
    const heads = await client.subscribe<HeaderJson>('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
    await client.call('author_submitExtrinsic', [hex(xt)], 60_000);
    const want = extrinsicHash(xt);
    const giveUp = performance.now() + 90_000;
    while (performance.now() < giveUp) {
      let h: HeaderJson;
      try {
        h = await heads.next(Math.max(1, giveUp - performance.now()));
      } catch {
        break;
      }
      const hash = await client.call<string>('chain_getBlockHash', [Number.parseInt(h.number, 16)]);
      const block = await client.call<{ block: { extrinsics: string[] } }>('chain_getBlock', [hash]);
      if (block.block.extrinsics.some((x) => x.length > 2 * BIG_REMARK_BYTES && extrinsicHash(Buffer.from(x.slice(2), 'hex')) === want)) return hash;
    }
    return undefined;
  } finally {
    await client.close();
  }
}

/** 1,000 storage keys: the state's own keys (they change from block to block) padded with absent ones. */
async function queryKeys(port: number): Promise<string[]> {
  const r = await httpCall(`http://127.0.0.1:${port}/`, 'state_getKeysPaged', ['0x', QUERY_KEYS]);
  const keys = [...(r.body.result as string[])];
  for (let i = 0; keys.length < QUERY_KEYS; i++) keys.push('0xffee' + i.toString(16).padStart(8, '0'));
  return keys;
}

async function floodsFor(port: number): Promise<Flood[]> {
  const big = await makeBigBlock(port);
  const keys = await queryKeys(port);
  const best = Number.parseInt(((await httpCall(`http://127.0.0.1:${port}/`, 'chain_getHeader', [])).body.result as HeaderJson).number, 16);
  const fromNumber = Math.max(1, best - QUERY_BLOCKS + 1);
  const from = (await httpCall(`http://127.0.0.1:${port}/`, 'chain_getBlockHash', [fromNumber])).body.result as string;
  const to = (await httpCall(`http://127.0.0.1:${port}/`, 'chain_getBlockHash', [best])).body.result as string;
  console.log(`  floods: getBlock of ${big ?? '(none: the 3.5 MB remark was not in a block within 90 s, so no getBlock flood)'} , queryStorage ${keys.length} keys × blocks ${fromNumber}..${best} (${best - fromNumber + 1})`);
  return [
    { name: 'metadata', method: 'state_getMetadata', params: [], sockets: 10, inFlight: 20 },
    ...(big === undefined ? [] : [{ name: 'getBlock', method: 'chain_getBlock', params: [big], sockets: 10, inFlight: 1 }]),
    { name: 'queryStorage', method: 'state_queryStorage', params: [keys, from, to], sockets: 4, inFlight: 1 },
  ];
}

async function runAll(t: Target, floods: Flood[]): Promise<Row[]> {
  const rows: Row[] = [];
  rows.push(await measure(t, undefined));
  for (const f of floods) {
    console.log(`  ${t.label}: ${f.name} flood for ${SECONDS} s …`);
    rows.push(await measure(t, f));
  }
  return rows;
}

function print(rows: Row[]): void {
  const ms = (x: number) => (Number.isNaN(x) ? '-' : Math.round(x).toLocaleString('en-US'));
  console.log('');
  console.log('| node | flood | calls answered | blocks/s | health p50 / p99 / max (ms) | RSS before → peak → after (MiB) | Δ RSS | health p99 after (ms) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const t = r.timeouts > 0 ? ` (${r.timeouts} timed out)` : '';
    console.log(`| ${r.target} | ${r.flood} | ${r.calls} | ${r.blocksPerSecond.toFixed(2)} | ${ms(r.p50)} / ${ms(r.p99)} / ${ms(r.max)}${t} | ${r.rssBefore} → ${r.rssPeak} → ${r.rssAfter} | ${r.rssAfter - r.rssBefore >= 0 ? '+' : ''}${r.rssAfter - r.rssBefore} | ${ms(r.afterP99)} |`);
  }
  console.log('');
  console.log('aim: blocks/s as with no flood, health p99 < 250 ms, RSS after within 50 MiB of before');
}

async function benchDev(): Promise<Row[]> {
  console.log('dev node: making 1,000 blocks at 10 ms …');
  const fast = await NodeProcess.start({ blockTimeMs: 10, log: 'warn' });
  const basePath = fast.basePath;
  try {
    await until(async () => Number.parseInt(((await httpCall(fast.httpUrl, 'chain_getHeader', [])).body.result as HeaderJson).number, 16) >= QUERY_BLOCKS, 300_000, '1,000 blocks', 1_000);
  } finally {
    await fast.stop();
  }
  const node = await NodeProcess.start({ basePath, blockTimeMs: 250, log: 'warn' });
  try {
    const floods = await floodsFor(node.port);
    await sleep(5_000); // let the big block's memory settle before the reference window
    return await runAll({ label: 'dev', pid: node.pid, port: node.port }, floods);
  } finally {
    await node.stop();
    removeBasePath(basePath);
  }
}

async function benchTestnet(): Promise<Row[]> {
  console.log('testnet: four validators, 250 ms blocks …');
  const net = await Testnet.start({ blockTimeMs: 250, proposeTimeoutMs: 1000, args: ['--log', 'warn'] });
  try {
    const alice = net.node('Alice');
    await until(async () => (await alice.best()) >= 20, 120_000, 'height 20');
    const pid = (alice as unknown as { child: { pid: number } }).child.pid;
    const floods = await floodsFor(alice.rpcPort);
    await sleep(5_000);
    return await runAll({ label: 'testnet Alice', pid, port: alice.rpcPort }, floods);
  } finally {
    await net.destroy();
  }
}

async function main(): Promise<void> {
  console.log(`bench:rpc: ${SECONDS} s per flood, health every ${PROBE_EVERY_MS} ms, ${SETTLE_MS / 1000} s of quiet after each (noisy: shared machine)`);
  // Each node's table as soon as it is measured.
  if (TARGETS.includes('dev')) print(await benchDev());
  if (TARGETS.includes('testnet')) print(await benchTestnet());
}

async function flooderMain(): Promise<void> {
  const { port, flood: f, seconds } = JSON.parse(process.argv[3]) as { port: number; flood: Flood; seconds: number };
  const count = await flood(port, f, performance.now() + seconds * 1000);
  console.log(JSON.stringify(count));
}

(FLOODER ? flooderMain() : main()).then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
