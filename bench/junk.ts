/**
 * What junk costs at submission: transactions with a bad signature beside validly signed stale ones, through the
 * node's own intake (`TransactionService.submit`: decode, verification on the worker pool, validation), over a
 * `dev` chain in LevelDB, in process (no RPC).
 *
 *   node --import tsx bench/junk.ts [count=2000] [inFlight=64]
 *
 * The first blocks include `count` transfers of //Alice; then, with a fresh verifier (no cached verdicts), `inFlight`
 * submissions at a time of: those transfers again (validly signed, nonce stale), forgeries for Alice's account
 * with her next nonce (otherwise valid: the node also tries the previous spec version), and forgeries with a stale
 * nonce. Prints submissions/s and verifications per submission (the verifier's own counters) beside the sr25519
 * ceiling measured in the same run. Figures only, never pass/fail; the machine may be shared.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { initCrypto, keyPairFromUri, type KeyPair } from '../src/crypto/keys.js';
import { SignatureVerifier } from '../src/crypto/verifier-pool.js';
import { verifySignatureCount } from '../src/crypto/verify.js';
import { blake2_256 } from '../src/primitives/hashing.js';
import { encodeExtra, encodeSignedExtrinsic, signingPayload } from '../src/primitives/extrinsic.js';
import { buildBlock } from '../src/node/author.js';
import { loadChainSpec } from '../src/node/chain-spec.js';
import type { Chain } from '../src/node/chain.js';
import { openChain } from '../src/node/node.js';
import { TransactionService } from '../src/node/transactions.js';
import { validators } from '../src/pallets/validator-set/index.js';
import { describeCeiling, measureCeiling, perSecond } from './lib/measure.js';

const COUNT = Number(process.argv[2] ?? 2000); // submissions of each kind, 1..=10^5
const IN_FLIGHT = Number(process.argv[3] ?? 64); // concurrent submissions, 1..=10^4

/** A transfer from `from`'s account with `nonce`, its payload signed by `signer` (a forger unless it is `from`). */
function transfer(chain: Chain, from: KeyPair, signer: KeyPair, to: Uint8Array, nonce: number): Uint8Array {
  const call = chain.runtime.encodeCall('Balances', 'transferKeepAlive', { dest: { tag: 'Id', value: to }, value: 1_000_000_000n });
  const extra = { era: { tag: 'Immortal' } as const, nonce, tip: 0n };
  const v = chain.runtime.version;
  const payload = signingPayload(call, encodeExtra(extra), { specVersion: v.specVersion, transactionVersion: v.transactionVersion, genesisHash: chain.genesisHash, eraBlockHash: chain.genesisHash });
  const sig = signer.sign(payload.length > 256 ? blake2_256(payload) : payload);
  return encodeSignedExtrinsic({ address: { tag: 'Id', value: from.publicKey }, signature: { tag: 'Sr25519', value: sig }, extra }, call);
}

/** Submit `xts` with `IN_FLIGHT` at a time; every one must be refused. Rate and verifications per submission. */
async function flood(txs: TransactionService, verifier: SignatureVerifier, xts: Uint8Array[]): Promise<{ rate: string; perTx: string; reason: string }> {
  const before = verifier.stats.verifiedInWorkers + verifySignatureCount();
  let next = 0;
  let reason = '';
  const t0 = performance.now();
  const lane = async (): Promise<void> => {
    while (next < xts.length) {
      const x = xts[next++];
      try {
        await txs.submit(x);
        throw new Error('a junk submission was accepted');
      } catch (e) {
        reason ||= ((e as { data?: string }).data ?? (e as Error).message).slice(0, 70);
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = (performance.now() - t0) / 1000;
  const verifications = verifier.stats.verifiedInWorkers + verifySignatureCount() - before;
  return { rate: perSecond(xts.length, seconds), perTx: (verifications / xts.length).toFixed(2), reason };
}

async function main(): Promise<void> {
  await initCrypto();
  const ceiling = await measureCeiling();
  const dir = mkdtempSync(join(tmpdir(), 'dcn-bench-junk-'));
  const logger = pino({ level: 'silent' });
  try {
    const chain = await openChain(loadChainSpec('dev'), join(dir, 'node'), logger);
    const alice = keyPairFromUri('//Alice', 'sr25519');
    const eve = keyPairFromUri('//Eve', 'sr25519');
    const bob = keyPairFromUri('//Bob', 'sr25519').publicKey;

    // Blocks of up to 250 (the pool's future-nonce gap is 256): Alice's first COUNT transfers, so that
    // resubmitting them is validly signed but stale.
    const setup = new SignatureVerifier();
    const intake = new TransactionService(chain, setup, logger);
    const firstRound = Array.from({ length: COUNT }, (_, n) => transfer(chain, alice, alice, bob, n));
    const author = validators(chain.headState())[0].account;
    for (let from = 0; from < COUNT; from += 250) {
      const chunk = firstRound.slice(from, from + 250);
      await Promise.all(chunk.map((x) => intake.submit(x)));
      const sealed = buildBlock(chain, intake, { author, round: 0, nowMs: BigInt(Date.now()), maxExtrinsics: chunk.length + 1 });
      if (sealed.extrinsics.length !== chunk.length + 1) throw new Error(`block ${sealed.header.number} took ${sealed.extrinsics.length - 1} of ${chunk.length} transfers`);
      await chain.commit(sealed);
      const included = sealed.extrinsics.map((x, index) => ({ hash: blake2_256(x), index }));
      intake.pool.onBlockImported({ blockHash: sealed.hash, blockNumber: sealed.header.number, included }, false);
      intake.pool.onBlockFinalized(sealed.hash, included);
    }
    await setup.close();

    // Fresh intake: no verdict is cached.
    const verifier = new SignatureVerifier();
    const txs = new TransactionService(chain, verifier, logger);
    const forgedNext = Array.from({ length: COUNT }, (_, n) => transfer(chain, alice, eve, keyPairFromUri(`//Junk${n}`, 'sr25519').publicKey, COUNT));
    const forgedStale = Array.from({ length: COUNT }, (_, n) => transfer(chain, alice, eve, bob, n));
    // Warm up the workers and the JIT on a few of each (not measured).
    await flood(txs, verifier, [transfer(chain, alice, alice, bob, 0), transfer(chain, alice, eve, bob, COUNT)]);

    console.log(`${describeCeiling(ceiling)}\n`);
    console.log(`submissions refused, ${COUNT} of each kind, ${IN_FLIGHT} in flight, ${verifier.workerCount} verifier workers:`);
    const rows: Array<[string, Uint8Array[]]> = [
      ['validly signed, stale nonce', firstRound],
      ['bad signature, otherwise valid (worst case)', forgedNext],
      ['bad signature, stale nonce', forgedStale],
    ];
    for (const [label, xts] of rows) {
      const r = await flood(txs, verifier, xts);
      console.log(`  ${label.padEnd(46)} ${`${r.rate}/s`.padStart(10)}  ${r.perTx} verifications each  (${r.reason}…)`);
    }
    await verifier.close();
    await chain.db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
