/**
 * An in-process `local` chain (Alice, Bob, Charlie, Dave) whose blocks carry real commit certificates: each block
 * is built from the pool by `buildBlock`, then precommitted by validators 0..2 with their ed25519 session keys
 * (//Alice, //Bob, //Charlie) and committed with the stored justification.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildCertificate, type CommitCertificateValue } from '../../../src/consensus/certificate.js';
import { voteSigningPayload, type SignedMessageValue } from '../../../src/consensus/messages.js';
import { initCrypto, keyPairFromUri, type KeyPair } from '../../../src/crypto/keys.js';
import { SignatureVerifier } from '../../../src/crypto/verifier-pool.js';
import { buildBlock } from '../../../src/node/author.js';
import type { Chain } from '../../../src/node/chain.js';
import { loadChainSpec } from '../../../src/node/chain-spec.js';
import { storedJustification } from '../../../src/node/justification.js';
import { openChain } from '../../../src/node/node.js';
import { TransactionService } from '../../../src/node/transactions.js';
import { validators } from '../../../src/pallets/validator-set/index.js';

/** The session keys of the `local` validators, in set order. */
export const SESSION_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave'] as const;

/** The ed25519 session key of validator `i` of the `local` spec. */
export function sessionKey(i: number): KeyPair {
  return keyPairFromUri(`//${SESSION_NAMES[i]}`, 'ed25519');
}

/** Precommits of `signers` for `blockHash` at (height, round), signed for `genesis`. */
export function precommits(genesis: Uint8Array, height: number, round: number, blockHash: Uint8Array, signers: number[], keyOf = sessionKey): SignedMessageValue[] {
  return signers.map((i) => {
    const vote = { type: 'precommit' as const, height, round, blockHash, validatorIndex: i };
    return { message: { tag: 'Vote' as const, value: vote }, signature: keyOf(i).sign(voteSigningPayload(genesis, vote)) };
  });
}

/** A chain of the `local` spec in a temporary directory. */
export interface TestChain {
  chain: Chain;
  txs: TransactionService;
  verifier: SignatureVerifier;
  dir: string;
  close(): Promise<void>;
}

/** Open an empty `local` chain in a fresh temporary directory, or reopen the one in `dir`. */
export async function openLocalChain(dir = mkdtempSync(join(tmpdir(), 'dcn-node-test-'))): Promise<TestChain> {
  await initCrypto();
  const logger = pino({ level: 'silent' });
  const chain = await openChain(loadChainSpec('local'), dir, logger);
  const verifier = new SignatureVerifier();
  const txs = new TransactionService(chain, verifier, logger);
  return {
    chain,
    txs,
    verifier,
    dir,
    close: async () => {
      await verifier.close();
      await chain.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Extend `t` by `n` certified blocks (proposer rotation ignored: Alice is the author). Returns their certificates. */
export async function extendCertified(t: TestChain, n: number, startMs = 1_700_000_000_000): Promise<CommitCertificateValue[]> {
  const certs: CommitCertificateValue[] = [];
  for (let k = 0; k < n; k++) {
    const author = validators(t.chain.headState())[0].account;
    const height = t.chain.head.number + 1;
    const sealed = buildBlock(t.chain, t.txs, { author, round: 0, nowMs: BigInt(startMs + height * 1000), maxExtrinsics: 100 });
    const cert = buildCertificate(height, 0, sealed.hash, precommits(t.chain.genesisHash, height, 0, sealed.hash, [0, 1, 2]));
    await t.chain.commit(sealed, storedJustification(cert));
    certs.push(cert);
  }
  return certs;
}
