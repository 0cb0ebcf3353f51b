/**
 * Vitest global setup: the end-to-end tests run `node dist/cli.js`, so `dist/` must be built from the current
 * sources. `npm test` builds first; a direct `npx vitest run test/e2e` relies on this. It runs `npm run build`
 * once per vitest run when `dist/cli.js` is missing or older than any file under `src/` (or the build config),
 * and only when the run includes files under `test/e2e/`: unit-test runs never pay for (or fail on) a build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');

/** Newest modification time (ms) of the files under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** Whether `dist/cli.js` is missing or older than the sources it is built from. */
export function distIsStale(): boolean {
  if (!existsSync(CLI)) return true;
  const built = statSync(CLI).mtimeMs;
  const sources = Math.max(newestMtime(join(ROOT, 'src')), ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => statSync(join(ROOT, f)).mtimeMs));
  return sources > built;
}

/** Build `dist/` when an end-to-end test is about to run and the build is stale. */
export default function setup(project: TestProject): void {
  // The spec files of this run are collected before global setup; an empty list (unknown) means build anyway.
  const files = project.vitest.state.getPaths();
  const runsE2e = files.length === 0 || files.some((f) => f.replaceAll('\\', '/').includes('/test/e2e/'));
  if (!runsE2e || !distIsStale()) return;
  console.log('[global-setup] dist/ is older than src/: running npm run build');
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    // tsc still emits JavaScript on type errors; a type error elsewhere must not block the e2e run, but a missing
    // CLI must.
    if (!existsSync(CLI) || distIsStale()) throw new Error(`npm run build failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    console.warn(`[global-setup] npm run build reported errors; dist/ was emitted anyway:\n${(err.stdout ?? '').slice(0, 4000)}`);
  }
}
