/**
 * Signature verification throughput: `npx tsx bench/crypto.ts [sr25519Count]`.
 *
 * Prints verifications per second for sr25519 (schnorrkel-wasm, single thread), the worker pool, util-crypto's
 * pure-JS sr25519Verify for comparison, ed25519 via node:crypto, and cache hits. Informational only: nothing
 * here passes or fails on time.
 */
import * as schnorrkel from '@polkadot-labs/schnorrkel-wasm';
import { cryptoWaitReady, ed25519PairFromSeed, ed25519Sign, sr25519Verify } from '@polkadot/util-crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { SignatureVerifier, type VerifyItem } from '../src/crypto/verifier-pool.js';
import { verifyEd25519, verifySr25519, type SignatureScheme } from '../src/crypto/verify.js';

const SR_COUNT = Number(process.argv[2] ?? 4000); // distinct sr25519 signatures, 1..=10^6
const ED_COUNT = SR_COUNT * 2;
const KEYS = 16; // distinct signers (public-key caches see this many keys)

function seedOf(i: number): Uint8Array {
  const s = new Uint8Array(32);
  s[0] = i & 0xff;
  s[1] = (i >> 8) & 0xff;
  s[31] = 0x5a;
  return s;
}

/** A realistic signed payload: about the size of a transfer's signing payload. */
function messageOf(i: number): Uint8Array {
  const m = new Uint8Array(120);
  for (let k = 0; k < m.length; k++) m[k] = (i * 31 + k * 7) & 0xff;
  m[0] = i & 0xff;
  m[1] = (i >> 8) & 0xff;
  m[2] = (i >> 16) & 0xff;
  return m;
}

function makeItems(scheme: SignatureScheme, count: number, tag: string): VerifyItem[] {
  const items: VerifyItem[] = [];
  if (scheme === 'sr25519') {
    const keys = Array.from({ length: KEYS }, (_, k) => {
      const secret = schnorrkel.sr25519_secret_from_seed(seedOf(k));
      return { secret, publicKey: schnorrkel.sr25519_pubkey(secret) };
    });
    for (let i = 0; i < count; i++) {
      const key = keys[i % KEYS];
      const message = messageOf(i);
      items.push({ id: `${tag}${i}`, scheme, message, signature: schnorrkel.sr25519_sign(key.publicKey, key.secret, message), publicKey: key.publicKey });
    }
  } else {
    const keys = Array.from({ length: KEYS }, (_, k) => ed25519PairFromSeed(seedOf(k)));
    for (let i = 0; i < count; i++) {
      const key = keys[i % KEYS];
      const message = messageOf(i);
      items.push({ id: `${tag}${i}`, scheme, message, signature: ed25519Sign(message, key), publicKey: key.publicKey });
    }
  }
  return items;
}

function rate(count: number, ms: number): string {
  return `${Math.round((count * 1000) / ms).toLocaleString('en-US')}/s`;
}

function timeSync(label: string, items: VerifyItem[], f: (it: VerifyItem) => boolean): void {
  let ok = 0;
  const t0 = performance.now();
  for (const it of items) if (f(it)) ok++;
  const ms = performance.now() - t0;
  if (ok !== items.length) throw new Error(`${label}: only ${ok} of ${items.length} verified`);
  console.log(`${label.padEnd(52)} ${rate(items.length, ms).padStart(12)}  (${items.length} in ${ms.toFixed(0)} ms)`);
}

async function timePool(label: string, items: VerifyItem[], workers: number): Promise<void> {
  const v = new SignatureVerifier({ workers, inlineBelow: 0 });
  // Warm up: start the workers and compile the WASM before timing.
  await v.verifyBatch(items.slice(0, 64).map((it) => ({ ...it, id: `warm-${it.id}` })));
  const t0 = performance.now();
  const verdicts = await v.verifyBatch(items);
  const ms = performance.now() - t0;
  if (!verdicts.every(Boolean)) throw new Error(`${label}: a valid signature failed`);
  console.log(`${label.padEnd(52)} ${rate(items.length, ms).padStart(12)}  (${items.length} in ${ms.toFixed(0)} ms)`);
  const t1 = performance.now();
  await v.verifyBatch(items);
  const hitMs = performance.now() - t1;
  console.log(`${`  same batch again (verdict cache hits)`.padEnd(52)} ${rate(items.length, hitMs).padStart(12)}`);
  await v.close();
}

async function main(): Promise<void> {
  await cryptoWaitReady();
  console.log(`node ${process.version}, ${availableParallelism()} cores available\n`);
  const sr = makeItems('sr25519', SR_COUNT, 'sr');
  const ed = makeItems('ed25519', ED_COUNT, 'ed');

  // Warm the JIT and key caches on a slice first.
  for (const it of sr.slice(0, 50)) verifySr25519(it.message, it.signature, it.publicKey);
  for (const it of ed.slice(0, 50)) verifyEd25519(it.message, it.signature, it.publicKey);

  timeSync('sr25519 sync, schnorrkel-wasm (1 thread)', sr, (it) => verifySr25519(it.message, it.signature, it.publicKey));
  const jsCount = Math.min(500, sr.length);
  timeSync('  same, raw sr25519_verify call (no pre-checks)', sr, (it) =>
    schnorrkel.sr25519_verify(it.publicKey, it.message, it.signature),
  );
  timeSync('sr25519 sync, util-crypto sr25519Verify (pure JS)', sr.slice(0, jsCount), (it) =>
    sr25519Verify(it.message, it.signature, it.publicKey),
  );
  timeSync('ed25519 sync, node:crypto with cached keys', ed, (it) => verifyEd25519(it.message, it.signature, it.publicKey));
  console.log('');
  for (const workers of [1, 2]) {
    await timePool(`sr25519 pool, ${workers} worker(s)`, sr, workers);
  }
  await timePool('ed25519 pool, 2 workers', ed, 2);
  const mixed = [...sr, ...ed].sort((a, b) => (a.id < b.id ? -1 : 1));
  await timePool('mixed sr25519 + ed25519 pool, 2 workers', mixed, 2);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
