/**
 * Run every benchmark, one after another, each in its own process (so peak RSS and JIT state are its own):
 *
 *   npm run bench                 # all of them (builds dist first)
 *   npm run bench -- replay trie  # only those whose name contains one of the words
 *
 * Benchmarks are the `bench/*.ts` files except this one and scratch files starting with `_`; helpers live in
 * `bench/lib/`. They print figures only and never pass or fail on time; this runner exits 1 only when one crashes.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
/** Run first, in this order; any other bench file follows alphabetically. */
const ORDER = ['crypto', 'trie', 'storage', 'block-execution', 'replay'];

const found = readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
const rank = (n: string) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
const all = found.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
const filters = process.argv.slice(2);
const chosen = filters.length === 0 ? all : all.filter((n) => filters.some((f) => n.includes(f)));
if (chosen.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}; there are: ${all.join(', ')}`);
  process.exit(2);
}

const results: Array<{ name: string; status: number | null; seconds: number }> = [];
for (const name of chosen) {
  console.log(`\n=== bench/${name}.ts ${'='.repeat(Math.max(0, 60 - name.length))}`);
  const t0 = performance.now();
  // The weights benchmark writes the weights files only when run on its own (`npm run bench:weights`).
  const args = name === 'weights' ? ['--import', 'tsx', `bench/${name}.ts`, '--dry-run'] : ['--import', 'tsx', `bench/${name}.ts`];
  const r = spawnSync(process.execPath, args, { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
  results.push({ name, status: r.status, seconds: (performance.now() - t0) / 1000 });
}
console.log('\n=== summary');
for (const r of results) console.log(`  ${r.name.padEnd(20)} ${r.status === 0 ? 'done' : `CRASHED (exit ${r.status})`} in ${r.seconds.toFixed(1)} s`);
if (results.some((r) => r.status !== 0)) process.exitCode = 1;
