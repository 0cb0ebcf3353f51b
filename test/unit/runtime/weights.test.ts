/**
 * Weights come from measurement: every call of every pallet in the runtime has a measured weight in its pallet's
 * generated `weights.ts` (and the files name no call or hook that does not exist), the calls' `weight` functions are
 * those figures, every worst-case scenario of the benchmark really succeeds (a benchmark of a failing call would
 * measure the error path), and hook weight counts against the block: the executive adds what `onInitialize`
 * declares to the block's Mandatory weight, so a heavy hook leaves less room for extrinsics.
 */
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initCrypto } from '../../../src/crypto/keys.js';
import { CHAIN_RUNTIME_SPEC, createChainRuntime, DcnRuntime, XFG } from '../../../src/chain/index.js';
import { weightOf, type PalletWeights } from '../../../src/runtime/weights.js';
import { CALL_SCENARIOS, HOOK_SCENARIOS, World } from '../../../bench/lib/weights-scenarios.js';
import { exerciseCall } from '../../../bench/lib/weights-measure.js';
import { TestChain } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';

const PALLETS_DIR = fileURLToPath(new URL('../../../src/pallets/', import.meta.url));

/** Every generated weights file under src/pallets, by the pallet name it declares. */
async function weightFiles(): Promise<Map<string, { dir: string; weights: PalletWeights }>> {
  const out = new Map<string, { dir: string; weights: PalletWeights }>();
  for (const dir of readdirSync(PALLETS_DIR)) {
    const file = join(PALLETS_DIR, dir, 'weights.ts');
    if (!existsSync(file)) continue;
    const m = (await import(pathToFileURL(file).href)) as { WEIGHTS: PalletWeights };
    out.set(m.WEIGHTS.pallet, { dir, weights: m.WEIGHTS });
  }
  return out;
}

let files: Map<string, { dir: string; weights: PalletWeights }>;
let keys: DevKeys;
beforeAll(async () => {
  await initCrypto();
  keys = await devKeys();
  files = await weightFiles();
});

describe('measured weights cover the runtime', () => {
  const runtime = createChainRuntime();

  it('every call of every pallet has a measured weight (run `npm run bench:weights` after adding one)', () => {
    const missing: string[] = [];
    for (const p of runtime.pallets) {
      for (const call of Object.keys(p.calls ?? {})) if (files.get(p.name)?.weights.calls[call] === undefined) missing.push(`${p.name}.${call}`);
    }
    expect(missing, 'calls without a measured weight').toEqual([]);
  });

  it('every pallet hook that does work in a block has a measured weight', () => {
    const missing: string[] = [];
    for (const p of runtime.pallets) {
      for (const hook of ['onInitialize', 'onFinalize'] as const) {
        if (p.hooks[hook] === undefined) continue;
        // A pallet whose onInitialize only declares its onFinalize's weight measures the latter.
        if (hook === 'onInitialize' && p.hooks.onFinalize !== undefined && files.get(p.name)?.weights.hooks.onInitialize === undefined) continue;
        if (files.get(p.name)?.weights.hooks[hook] === undefined) missing.push(`${p.name}.${hook}`);
      }
    }
    expect(missing, 'hooks without a measured weight').toEqual([]);
  });

  it('the weights files name only pallets, calls and hooks that exist, each in its own pallet folder', () => {
    const stale: string[] = [];
    for (const [name, { dir, weights }] of files) {
      const p = runtime.pallet(name);
      if (!p) {
        stale.push(`pallet ${name} (src/pallets/${dir}/weights.ts)`);
        continue;
      }
      expect(dir, `${name}'s weights live in its own folder`).toBe(name.replace(/[A-Z]/g, (c, i: number) => (i === 0 ? '' : '-') + c.toLowerCase()));
      for (const call of Object.keys(weights.calls)) if (p.calls?.[call] === undefined) stale.push(`${name}.${call}`);
      for (const hook of Object.keys(weights.hooks)) if (p.hooks[hook as 'onInitialize' | 'onFinalize'] === undefined) stale.push(`${name}.${hook}`);
    }
    expect(stale, 'weights of things that no longer exist').toEqual([]);
  });

  it('every figure is positive', () => {
    for (const { weights } of files.values()) {
      for (const [name, w] of [...Object.entries(weights.calls), ...Object.entries(weights.hooks)]) {
        expect(w.base + (w.perItem ?? 0n), `${weights.pallet}.${name}`).toBeGreaterThan(0n);
      }
    }
  });

  it('the benchmark has a worst-case scenario for every call, and none for a call that does not exist', () => {
    const all = runtime.pallets.flatMap((p) => Object.keys(p.calls ?? {}).map((c) => `${p.name}.${c}`)).sort();
    expect(CALL_SCENARIOS.map((s) => `${s.pallet}.${s.call}`).sort()).toEqual(all);
  });
});

describe('the benchmark scenarios', () => {
  // A smaller scan than the benchmark's (4 loans instead of 64): the same states, built faster.
  let world: World;
  beforeAll(() => {
    world = new World({ scanLoans: 4 });
  });

  it('every call succeeds on its worst-case state, and its weight is the measured figure for its arguments', () => {
    // As the benchmark does: every scenario's state first, then each call (so no setup spoils an earlier scenario).
    const ops = CALL_SCENARIOS.map((s) => s.setup(world));
    for (const [i, s] of CALL_SCENARIOS.entries()) {
      const op = ops[i];
      const counts = s.component ? [s.component.low, s.component.high] : [0];
      for (const n of counts) {
        const m = op(n);
        expect(() => exerciseCall(world, s, m), `${s.pallet}.${s.call} (${n} items)`).not.toThrow();
        const def = world.runtime.pallet(s.pallet)!.calls![s.call];
        const c = world.runtime.decodeCall(world.runtime.encodeCall(s.pallet, s.call, m.args));
        // A wrapping call (`sudo`) adds the wrapped call's weight to its own measured figure.
        const added = s.added?.(world, m) ?? 0n;
        expect(def.weight(c.args), `${s.pallet}.${s.call} weight at ${n} items`).toBe(weightOf(files.get(s.pallet)!.weights.calls[s.call], n) + added);
      }
    }
  });

  it('the scan declares its measured weight per loan examined, and the executive counts every hook as Mandatory weight', () => {
    const scan = HOOK_SCENARIOS.find((h) => h.pallet === 'Loans' && h.hook === 'onInitialize')!;
    const hooksWeight = (examined: number) => {
      let total = 0n;
      for (const p of world.runtime.pallets) {
        const w = files.get(p.name)?.weights.hooks;
        if (!w) continue;
        if (p.name === 'Loans') total += weightOf(w.onInitialize, examined);
        else total += (w.onInitialize?.base ?? 0n) + (w.onFinalize?.base ?? 0n);
      }
      return total;
    };
    for (const n of [1, 4]) {
      const exec = world.chain.open({ before: scan.before!(world, n), initialize: false });
      exec.initialize();
      // Every examined loan defaulted: one auction each.
      expect(exec.weightUsed.Mandatory).toBe(hooksWeight(n));
      expect(exec.weightUsed.Normal).toBe(0n);
    }
  });
});

describe('hook weight counts against the block', () => {
  it('a block whose hooks used weight has that much less room: a transfer that fits beside the inherent alone is refused', async () => {
    const probe = await TestChain.create(keys);
    const block = probe.begin();
    const hooksAndInherent = block.exec.weightUsed.Mandatory;
    expect(hooksAndInherent).toBeGreaterThan(0n);
    const transfer = probe.sign(keys.alice, probe.transferCall(keys.bob.publicKey, XFG));
    const transferWeight = probe.runtime.queryFee(transfer).weight;
    probe.seal(block);

    // Normal extrinsics may use the whole block; the block holds the transfer beside the inherent but not beside the hooks.
    const spec = (max: bigint) => ({ ...CHAIN_RUNTIME_SPEC, limits: { ...CHAIN_RUNTIME_SPEC.limits, maxBlockRefTime: max, normalRatioBps: 10_000n } });
    const tight = await TestChain.create(keys, { runtime: new DcnRuntime(spec(transferWeight + hooksAndInherent - 1n)) });
    const refused = tight.produce([tight.sign(keys.alice, tight.transferCall(keys.bob.publicKey, XFG))]).results[0];
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/hooks and inherents included/);

    const roomy = await TestChain.create(keys, { runtime: new DcnRuntime(spec(transferWeight + hooksAndInherent)) });
    expect(roomy.produce([roomy.sign(keys.alice, roomy.transferCall(keys.bob.publicKey, XFG))]).results[0].ok).toBe(true);
  });
});
