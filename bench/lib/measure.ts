/**
 * Shared pieces of the benchmarks: the sr25519 verification ceiling measured in the running process, a chain of
 * signed transfers made in a child process (so this process's peak RSS is the measured work's), and formatting.
 * Figures only: nothing here passes or fails on time.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sr25519_pubkey, sr25519_secret_from_seed, sr25519_sign } from '@polkadot-labs/schnorrkel-wasm';
import { SignatureVerifier, type VerifyItem } from '../../src/crypto/verifier-pool.js';
import { verifySr25519 } from '../../src/crypto/verify.js';

/** Root of the repository. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Rate as a grouped integer per second. */
export function perSecond(count: number, seconds: number): string {
  return seconds > 0 ? Math.round(count / seconds).toLocaleString('en-US') : '∞';
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  // maxRSS is in KiB.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** The sr25519 verification ceiling of this machine right now. */
export interface Ceiling {
  /** Verifications per second on one thread (schnorrkel-wasm with the node's pre-checks). */
  single: number;
  /** Verifications per second through the SignatureVerifier worker pool (fresh ids, no cache hits). */
  pool: number;
  /** Worker threads of the pool (1..=64). */
  workers: number;
}

/**
 * Measure the sr25519 ceiling on `count` (1..=10^6) distinct signatures of transfer-sized (≈110-byte) payloads by
 * 64 signers: one thread, then the default worker pool.
 */
export async function measureCeiling(count = 3000): Promise<Ceiling> {
  const keys = Array.from({ length: 64 }, (_, k) => {
    const secret = sr25519_secret_from_seed(new Uint8Array(32).fill(k + 1));
    return { secret, publicKey: sr25519_pubkey(secret) };
  });
  const items: VerifyItem[] = [];
  for (let i = 0; i < count; i++) {
    const key = keys[i % keys.length];
    const message = new Uint8Array(110);
    for (let b = 0; b < message.length; b++) message[b] = (i * 131 + b * 7) & 0xff;
    message[0] = i & 0xff;
    message[1] = (i >> 8) & 0xff;
    message[2] = (i >> 16) & 0xff;
    items.push({ id: `ceiling-${i}`, scheme: 'sr25519', message, signature: sr25519_sign(key.publicKey, key.secret, message), publicKey: key.publicKey });
  }
  // Warm the JIT and the key-validity cache.
  for (const it of items.slice(0, 100)) verifySr25519(it.message, it.signature, it.publicKey);
  const t0 = performance.now();
  let ok = 0;
  for (const it of items) if (verifySr25519(it.message, it.signature, it.publicKey)) ok++;
  const single = (count * 1000) / (performance.now() - t0);
  if (ok !== count) throw new Error(`ceiling: ${count - ok} valid signatures failed`);

  const pool = new SignatureVerifier({ inlineBelow: 0 });
  await pool.verifyBatch(items.slice(0, 256).map((it) => ({ ...it, id: `warm-${it.id}` })));
  const t1 = performance.now();
  const verdicts = await pool.verifyBatch(items);
  const pooled = (count * 1000) / (performance.now() - t1);
  const workers = pool.workerCount;
  await pool.close();
  if (!verdicts.every(Boolean)) throw new Error('ceiling: the pool refused a valid signature');
  return { single, pool: pooled, workers };
}

/** One line describing the ceiling. */
export function describeCeiling(c: Ceiling): string {
  return (
    `sr25519 ceiling (this run, ${availableParallelism()} cores): ${perSecond(c.single, 1)} verifies/s on one thread (schnorrkel-wasm), ` +
    `${perSecond(c.pool, 1)} verifies/s on the pool (${c.workers} workers)`
  );
}

/** `rate` as a fraction of the ceiling, for printing beside it. */
export function ofCeiling(rate: number, c: Ceiling): string {
  return `${(rate / c.single).toFixed(2)}× one-thread verify, ${(rate / c.pool).toFixed(2)}× pool verify`;
}

/**
 * Author a dev chain of `transfers` signed transfers (`perBlock` per block, `accounts` funded senders) under
 * `basePath` in a child process; returns its wall seconds.
 */
export function makeTransferChain(basePath: string, transfers: number, perBlock: number, accounts: number): number {
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/make-transfer-chain.ts', '--base-path', basePath, '--transfers', String(transfers), '--per-block', String(perBlock), '--accounts', String(accounts)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`make-transfer-chain failed (${r.status}): ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}
