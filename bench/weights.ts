/**
 * Weights from measurement (FRAME's `benchmark pallet` + `benchmark overhead`): every call of every pallet and every
 * weighed hook timed on the real runtime in its worst case (bench/lib/weights-scenarios.ts says what that is for
 * each), and the figures written as each pallet's generated `src/pallets/<pallet>/weights.ts`.
 *
 *   npm run bench:weights                 # measure, print, write the weights files
 *   npm run bench:weights -- --reps 31    # more repetitions (default 21)
 *   npm run bench:weights -- --dry-run    # measure and print, write nothing
 *   npm run bench:weights -- --pallets Scheduler,Sudo   # measure and write only these pallets' files
 *
 * A call's sample is the dispatch time plus the time its own storage changes take to go into the state trie (on top
 * of the block's other changes), as sealing the block does. Each figure is the MEDIAN of the repetitions (robust to the other
 * processes of a shared machine and to garbage collection) plus a 20 % margin, in picoseconds of this machine's
 * time. Where a call's cost scales with an argument, it is measured at a low and a high item count and fitted
 * linearly (base + per item, each with the margin). Printed beside: the overhead measured in the same run (an empty
 * block, a signed extrinsic's checks, a signed transfer applied in full), the runtime's block limit, and how many of
 * each call a block's normal share would hold. Figures only: nothing here passes or fails on time.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { initCrypto } from '../src/crypto/keys.js';
import { TREASURY_ACCOUNT, XFG } from '../src/chain/index.js';
import { devKeys } from '../test/helpers/keys.js';
import { signExtrinsic } from '../test/helpers/signer.js';
import { ROOT as REPO } from './lib/measure.js';
import { BenchChain, actor } from './lib/weights-harness.js';
import type { SignatureChecker } from '../src/runtime/runtime.js';

/** Verdicts computed ahead of time (the node verifies a block's signatures on its worker pool first). */
const PRE_VERIFIED: SignatureChecker = { verify: () => true };
import { maxOf, median, now, sampleCall, sampleHook } from './lib/weights-measure.js';
import { CALL_SCENARIOS, HOOK_SCENARIOS, World, type CallScenario, type HookScenario } from './lib/weights-scenarios.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const opt = (name: string, dflt: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
/** Timed repetitions per figure (odd, 3..=1001). */
const REPS = opt('--reps', 21);
/** Untimed repetitions first (JIT warm-up). */
const WARMUP = 3;
/** Margin over the median, in percent. */
const MARGIN_PCT = 20n;
const DRY = flag('--dry-run');
/** Only these pallets' scenarios are measured and only their files written (default: every pallet). */
const ONLY: Set<string> | undefined = argv.includes('--pallets') ? new Set(argv[argv.indexOf('--pallets') + 1].split(',')) : undefined;
const selected = (pallet: string) => ONLY === undefined || ONLY.has(pallet);

/** ns → ps with the margin, rounded up to 0.1 µs. */
function chosen(ns: bigint): bigint {
  const ps = (ns > 0n ? ns : 0n) * 1_000n * (100n + MARGIN_PCT);
  const step = 100_000n * 100n;
  return ((ps + step - 1n) / step) * 100_000n;
}

const us = (ns: bigint) => (Number(ns) / 1_000).toFixed(1).padStart(8) + ' µs';
const psUs = (ps: bigint) => (Number(ps) / 1_000_000).toFixed(1).padStart(8) + ' µs';

interface Figure {
  p50: bigint;
  max: bigint;
}
interface Result {
  pallet: string;
  name: string;
  kind: 'call' | 'hook';
  worst: string;
  reps: number;
  /** At the low item count (or the only one). */
  low: Figure;
  high?: Figure;
  component?: { item: string; low: number; high: number };
  base: bigint;
  perItem?: bigint;
}

function stats(xs: bigint[]): Figure {
  return { p50: median(xs), max: maxOf(xs) };
}

/** Passes over all scenarios: each figure's median is taken per pass, and the lowest pass median kept. */
const PASSES = 3;

/** A figure being measured: its sampler and its samples per pass. */
interface Series {
  sample: () => bigint;
  passes: bigint[][];
}

/** Run every series `PASSES` times in turn (a busy spell of the machine then spoils one pass, not the figure). */
function runSeries(all: Series[], label: (i: number) => string): void {
  const per = Math.max(1, Math.ceil(REPS / PASSES));
  for (let pass = 0; pass < PASSES; pass++) {
    all.forEach((x, i) => {
      if (pass === 0) for (let j = 0; j < WARMUP; j++) x.sample();
      const out: bigint[] = [];
      for (let j = 0; j < per; j++) out.push(x.sample());
      x.passes.push(out);
      if (pass === PASSES - 1) console.log(`  measured ${label(i)}`);
    });
  }
}

/** The lowest of the passes' medians, and the largest sample. */
function figure(x: Series): Figure {
  return { p50: x.passes.map(median).reduce((m, v) => (v < m ? v : m)), max: maxOf(x.passes.flat()) };
}

function repeat(fn: () => bigint): bigint[] {
  for (let i = 0; i < WARMUP; i++) fn();
  const out: bigint[] = [];
  for (let i = 0; i < REPS; i++) out.push(fn());
  return out;
}

function fit(r: Omit<Result, 'base' | 'perItem'>): Result {
  if (!r.component || !r.high) return { ...r, base: chosen(r.low.p50) };
  const { low, high } = r.component;
  const span = BigInt(high - low);
  const diff = r.high.p50 > r.low.p50 ? r.high.p50 - r.low.p50 : 0n;
  const base = r.low.p50 - (diff * BigInt(low)) / span;
  // Per item in ps with the margin, rounded up (kept fine: a byte costs well under a nanosecond).
  const perItem = (diff * 1_000n * (100n + MARGIN_PCT) + 100n * span - 1n) / (100n * span);
  return { ...r, base: chosen(base > 0n ? base : 0n), perItem };
}

/** A scenario's series (one per item count) and how to turn their figures into a result. */
interface Pending {
  series: Series[];
  result: (figs: Figure[]) => Result;
}

function callSeries(w: World, s: CallScenario): Pending {
  const op = s.setup(w);
  const at = (n: number): Series => ({
    sample: () => {
      const x = sampleCall(w, s, op(n));
      return x.dispatch + x.commit;
    },
    passes: [],
  });
  const head = { pallet: s.pallet, name: s.call, kind: 'call' as const, worst: s.worst, reps: REPS };
  if (!s.component) return { series: [at(0)], result: ([low]) => fit({ ...head, low }) };
  return { series: [at(s.component.low), at(s.component.high)], result: ([low, high]) => fit({ ...head, component: s.component, low, high }) };
}

function hookSeries(w: World, s: HookScenario): Pending {
  const at = (n: number): Series => ({ sample: () => sampleHook(w, s, n), passes: [] });
  const head = { pallet: s.pallet, name: s.hook, kind: 'hook' as const, worst: s.worst, reps: REPS };
  if (!s.component) return { series: [at(0)], result: ([low]) => fit({ ...head, low }) };
  return { series: [at(s.component.low), at(s.component.high)], result: ([low, high]) => fit({ ...head, component: s.component, low, high }) };
}

/** The overhead beside which the calls are printed, and the signed extrinsic's base weight. */
async function measureOverhead() {
  const keys = await devKeys();
  const alice = keys.alice.publicKey;
  const chain = new BenchChain({
    balances: { balances: [[alice, 1_000_000n * XFG], [TREASURY_ACCOUNT, XFG]] },
    validatorSet: { validators: [{ account: actor(0), sessionKey: actor(0), peerId: new Uint8Array() }] },
  });
  chain.block(() => {});
  const rt = chain.runtime;
  const sign = (call: Uint8Array) =>
    signExtrinsic(keys.alice, call, { nonce: 0, specVersion: rt.version.specVersion, transactionVersion: rt.version.transactionVersion, genesisHash: chain.genesisHash, eraBlockHash: chain.genesisHash });
  const remark = sign(rt.encodeCall('System', 'remark', { remark: new Uint8Array() }));
  const transfer = sign(rt.encodeCall('Balances', 'transferKeepAlive', { dest: { tag: 'Id', value: actor(77) }, value: XFG }));
  const t = now;
  const emptyBlock = stats(repeat(() => {
    const t0 = t();
    chain.seal(chain.open());
    return t() - t0;
  }));
  // `verified`: the signature was checked ahead of time (as the node's worker pool does before a block executes), so
  // applying it reads the verdict; otherwise it is verified inline (sr25519 in WASM).
  const applied = (xt: Uint8Array, verified = false) => stats(repeat(() => {
    const exec = chain.open({ checker: verified ? PRE_VERIFIED : undefined });
    const t0 = t();
    const r = exec.applyExtrinsic(xt, { enforceLimits: true });
    const dt = t() - t0;
    if (!r.ok) throw new Error(`overhead: extrinsic refused: ${r.error.message}`);
    return dt;
  }));
  const remarkDispatch = stats(repeat(() => {
    const exec = chain.open();
    const c = rt.decodeCall(rt.encodeCall('System', 'remark', { remark: new Uint8Array() }));
    const t0 = t();
    chain.dispatchResolved(exec, { kind: 'Signed', who: alice }, c, 'System.remark');
    return t() - t0;
  }));
  return { emptyBlock, signedRemark: applied(remark, true), signedTransfer: applied(transfer), remarkDispatch };
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? '' : '-') + c.toLowerCase());
}

function bigintLiteral(v: bigint): string {
  return v.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '_') + 'n';
}

function entry(r: Result): string {
  const fig = (f: Figure) => `p50 ${(Number(f.p50) / 1000).toFixed(1)} µs, max ${(Number(f.max) / 1000).toFixed(1)} µs`;
  const measured = r.component && r.high ? `${r.component.low} items: ${fig(r.low)}; ${r.component.high} items: ${fig(r.high)}` : fig(r.low);
  const per = r.perItem !== undefined ? `, perItem: ${bigintLiteral(r.perItem)}, item: ${JSON.stringify(r.component!.item)}` : '';
  return `    /** Worst case: ${r.worst}. Measured (${r.reps} runs): ${measured}. */\n    ${r.name}: { base: ${bigintLiteral(r.base)}${per} },\n`;
}

function fileText(pallet: string, results: Result[], header: string, extra = ''): string {
  const calls = results.filter((r) => r.kind === 'call').map(entry).join('');
  const hooks = results.filter((r) => r.kind === 'hook').map(entry).join('');
  return `/**
 * Measured weights of the ${pallet} pallet: GENERATED by \`npm run bench:weights\` (bench/weights.ts), do not edit.
${header}
 */
import type { PalletWeights } from '../../runtime/weights.js';

export const WEIGHTS = {
  pallet: '${pallet}',
  calls: {
${calls}  },
  hooks: {
${hooks}  },
} as const satisfies PalletWeights;
${extra}`;
}

async function main(): Promise<void> {
  await initCrypto();
  const started = new Date();
  console.log(`weights benchmark: ${REPS} timed runs per figure in ${PASSES} passes after ${WARMUP} warm-up runs; figure = lowest pass median + ${MARGIN_PCT} %`);
  const overhead = await measureOverhead();

  const t0 = process.hrtime.bigint();
  // The 64-loan scan is only needed when the Loans hook is measured.
  const world = new World(selected('Loans') ? {} : { scanLoans: 4 });
  console.log(`world: ${world.loans.size} open loans, built in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`);
  const runtime = world.runtime;
  const missing: string[] = [];
  for (const p of runtime.pallets) for (const c of Object.keys(p.calls ?? {})) if (!CALL_SCENARIOS.some((s) => s.pallet === p.name && s.call === c)) missing.push(`${p.name}.${c}`);
  const stale = CALL_SCENARIOS.filter((s) => runtime.pallet(s.pallet)?.calls?.[s.call] === undefined).map((s) => `${s.pallet}.${s.call}`);
  if (missing.length > 0 || stale.length > 0) {
    if (missing.length) console.error(`no worst-case scenario for ${missing.join(', ')}: add one to bench/lib/weights-scenarios.ts`);
    if (stale.length) console.error(`scenarios of calls that no longer exist: ${stale.join(', ')}`);
    process.exitCode = 1;
    return;
  }

  const unknown = [...(ONLY ?? [])].filter((p) => runtime.pallet(p) === undefined);
  if (unknown.length > 0) {
    console.error(`--pallets: no pallet ${unknown.join(', ')} in the runtime`);
    process.exitCode = 1;
    return;
  }
  // Every scenario's state first (setups commit blocks), then the passes over all of them.
  const pending: Array<{ name: string; p: Pending }> = [];
  for (const s of CALL_SCENARIOS.filter((x) => selected(x.pallet))) pending.push({ name: `${s.pallet}.${s.call}`, p: callSeries(world, s) });
  for (const s of HOOK_SCENARIOS.filter((x) => selected(x.pallet))) pending.push({ name: `${s.pallet}.${s.hook}`, p: hookSeries(s.fresh ? new World({ scanLoans: 0, genesisOnly: true }) : world, s) });
  const flat = pending.flatMap((x) => x.p.series.map((series) => ({ series, name: x.name })));
  runSeries(flat.map((f) => f.series), (i) => flat[i].name);
  const results: Result[] = pending.map((x) => x.p.result(x.p.series.map(figure)));

  // The signed extrinsic's own work: applying a signed empty remark, less the remark's dispatch.
  const extrinsicBase = chosen(overhead.signedRemark.p50 - overhead.remarkDispatch.p50);
  const emptyBlock = chosen(overhead.emptyBlock.p50);
  const limits = runtime.spec.limits;
  const normalMax = (limits.maxBlockRefTime * limits.normalRatioBps) / 10_000n;

  console.log(`\nceiling measured in this run (p50 / max of ${REPS}):`);
  console.log(`  empty block (initialize, timestamp inherent, finalize, roots)   ${us(overhead.emptyBlock.p50)} / ${us(overhead.emptyBlock.max)}`);
  console.log(`  signed transfer applied in full (sr25519 verify, fee, dispatch) ${us(overhead.signedTransfer.p50)} / ${us(overhead.signedTransfer.max)}`);
  console.log(`  signed empty remark applied, signature verified ahead (pool)     ${us(overhead.signedRemark.p50)} / ${us(overhead.signedRemark.max)}`);
  console.log(`  => a signed extrinsic's own work (that remark less its dispatch, +${MARGIN_PCT} %) ${psUs(extrinsicBase)}; the runtime's baseExtrinsicWeight ${psUs(runtime.spec.fees.baseExtrinsicWeight)}`);
  console.log(`  block limit ${psUs(limits.maxBlockRefTime)} of ref time, ${limits.normalRatioBps / 100n} % for normal extrinsics`);
  console.log(`\n  ${'call / hook'.padEnd(36)} ${'p50'.padStart(11)} ${'max'.padStart(11)} ${'weight'.padStart(11)}  per item          per normal block`);
  for (const r of results) {
    const f = r.high ?? r.low;
    const per = r.perItem !== undefined ? `+${(Number(r.perItem) / 1_000_000).toFixed(4)} µs/${r.component!.item}` : '';
    const full = r.perItem !== undefined ? r.base + r.perItem * BigInt(r.component!.high) : r.base;
    const fits = r.kind === 'call' ? (normalMax / (runtime.spec.fees.baseExtrinsicWeight + full)).toString() : '';
    const label = `${r.pallet}.${r.name}${r.component ? ` (${r.component.high} items)` : ''}`;
    console.log(`  ${label.padEnd(36)} ${us(f.p50)} ${us(f.max)} ${psUs(full)}  ${per.padEnd(17)} ${fits.padStart(8)}`);
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const header = [
    ` * Machine: ${cpu}, ${availableParallelism()} cores (shared with other work: figures are medians), node ${process.version};`,
    ` * ${started.toISOString()}; command: \`npm run bench:weights${argv.length ? ' -- ' + argv.join(' ') : ''}\`.`,
    ' * Figures are picoseconds of reference time (this machine): the lowest of 3 passes\' medians plus 20 %, each call dispatched',
    ' * on the worst-case state named beside it, plus the trie update of its own storage changes.',
  ].join('\n');
  if (DRY) {
    console.log('\n--dry-run: nothing written');
    return;
  }
  const byPallet = new Map<string, Result[]>();
  for (const r of results) byPallet.set(r.pallet, [...(byPallet.get(r.pallet) ?? []), r]);
  for (const [pallet, rs] of byPallet) {
    const extra =
      pallet === 'System'
        ? `
/**
 * The overhead of this run: a signed extrinsic's own work (decoding, era, nonce, fee, events: an empty signed remark
 * applied with its signature verified ahead of time, as the node's worker pool does, less its dispatch: p50 ${(Number(overhead.signedRemark.p50) / 1000).toFixed(1)} µs less ${(Number(overhead.remarkDispatch.p50) / 1000).toFixed(1)} µs) and an empty block (p50 ${(Number(overhead.emptyBlock.p50) / 1000).toFixed(1)} µs), median + 20 %.
 */
export const OVERHEAD = { extrinsicBase: ${bigintLiteral(extrinsicBase)}, emptyBlock: ${bigintLiteral(emptyBlock)} } as const;
`
        : '';
    const path = join(REPO, 'src', 'pallets', kebab(pallet), 'weights.ts');
    writeFileSync(path, fileText(pallet, rs, header, extra));
    console.log(`wrote ${path}`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
