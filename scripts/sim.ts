/**
 * Run the consensus simulator over a range of seeds and print the failing ones with their parameters.
 *
 *   npx tsx scripts/sim.ts --seeds 1000 [--start 1] [--validators 4] [--crypto mac|ed25519]
 *   npx tsx scripts/sim.ts --seed 17 --verbose        # replay one seed with its event log
 *
 * Exit status 1 when any seed fails.
 */
import { Command, InvalidArgumentError } from 'commander';
import { describeParams, scenarioFromSeed, type ScenarioOverrides } from '../test/sim/scenario.js';
import { runSimulation } from '../test/sim/simulator.js';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

const program = new Command()
  .name('sim')
  .description('Deterministic consensus simulator: safety, validity and liveness over seeded faults')
  .option('--seeds <n>', 'number of seeds to run', integer, 200)
  .option('--start <s>', 'first seed', integer, 1)
  .option('--seed <s>', 'run this one seed (implies --seeds 1 --start <s>)', integer)
  .option('--validators <n>', 'fix the number of validators (default: chosen by the seed)', integer)
  .option('--crypto <kind>', 'mac (fast keyed hash) or ed25519 (real signatures)', 'mac')
  .option('--verbose', 'print the event log of each failing seed (or of --seed)')
  .parse();

const opts = program.opts<{ seeds: number; start: number; seed?: number; validators?: number; crypto: string; verbose?: boolean }>();
if (opts.crypto !== 'mac' && opts.crypto !== 'ed25519') {
  console.error('--crypto must be mac or ed25519');
  process.exit(2);
}
const overrides: ScenarioOverrides = { crypto: opts.crypto };
if (opts.validators !== undefined) overrides.validators = opts.validators;
const start = opts.seed ?? opts.start;
const count = opts.seed !== undefined ? 1 : opts.seeds;

const began = performance.now();
const failures: string[] = [];
let maxRoundAfterGst = 0;
let evidence = 0;
let synced = 0;
for (let seed = start; seed < start + count; seed++) {
  const params = scenarioFromSeed(seed, overrides);
  const result = runSimulation(params, { trace: opts.verbose === true });
  maxRoundAfterGst = Math.max(maxRoundAfterGst, result.stats.maxRoundAfterGst);
  evidence += result.stats.evidence;
  synced += result.stats.synced;
  if (opts.verbose && (opts.seed !== undefined || !result.ok)) for (const line of result.trace ?? []) console.log(line);
  if (!result.ok) {
    const line = `FAIL ${describeParams(params)}\n     ${result.violations.map((v) => `${v.kind} at ${v.time}ms: ${v.detail}`).join('\n     ')}`;
    failures.push(line);
    console.log(line);
  } else if (opts.seed !== undefined) {
    console.log(`ok ${describeParams(params)}`);
    console.log(`   ${JSON.stringify(result.stats)}`);
  }
}
const seconds = ((performance.now() - began) / 1000).toFixed(1);
console.log(
  `${count - failures.length}/${count} seeds passed (seeds ${start}..${start + count - 1}) in ${seconds} s; ` +
    `max decision round after GST ${maxRoundAfterGst}, evidence ${evidence}, blocks synced ${synced}`,
);
if (failures.length > 0) {
  console.log(`replay: npx tsx scripts/sim.ts --seed <seed> --verbose${opts.validators !== undefined ? ` --validators ${opts.validators}` : ''}`);
  process.exit(1);
}
