/**
 * What a transaction with a bad signature costs the node at submission: counted in signature verifications (the
 * verifier's own counter, not time), over a real `local` chain in LevelDB and the real worker-thread verifier.
 * A bad signature costs at most two verifications, done on the workers, and a wallet that signed for the previous
 * spec version still learns so from the 1010.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { verifySignatureCount } from '../../../src/crypto/verify.js';
import { SubmitError } from '../../../src/node/transactions.js';
import { devKeys } from '../../helpers/keys.js';
import { signExtrinsic, type SignParams } from '../../helpers/signer.js';
import { openLocalChain, type TestChain } from './certified-chain.js';

let t: TestChain;
let alice: KeyringPair;
let bob: KeyringPair;
let eve: KeyringPair;

beforeAll(async () => {
  t = await openLocalChain();
  ({ alice, bob, eve } = await devKeys());
});
afterAll(async () => {
  await t.close();
});

/** A transfer from Alice signed by `signer` (Alice unless a forger) for `over` of the additional-signed data. */
function signed(nonce: number, opts: { signer?: KeyringPair; over?: Partial<SignParams> } = {}): Uint8Array {
  const v = t.chain.runtime.version;
  const call = t.chain.runtime.encodeCall('Balances', 'transferKeepAlive', { dest: { tag: 'Id', value: bob.publicKey }, value: 1_000_000_000_000n });
  return signExtrinsic(opts.signer ?? alice, call, {
    nonce,
    specVersion: v.specVersion,
    transactionVersion: v.transactionVersion,
    genesisHash: t.chain.genesisHash,
    eraBlockHash: t.chain.genesisHash,
    address: { tag: 'Id', value: alice.publicKey },
    ...opts.over,
  });
}

/** Submit `bytes`; the SubmitError it is refused with, and the verifications it cost. */
async function refusal(bytes: Uint8Array): Promise<{ error: SubmitError; verifications: number; inline: number }> {
  const before = t.verifier.stats;
  const mainBefore = verifySignatureCount();
  const error = await t.txs.submit(bytes).then(
    () => {
      throw new Error('the transaction was accepted');
    },
    (e: unknown) => e,
  );
  if (!(error instanceof SubmitError)) throw error;
  const after = t.verifier.stats;
  // On this thread: every verifySignature call, whoever made it; on the workers: the pool's count.
  const inline = verifySignatureCount() - mainBefore;
  return { error, verifications: inline + after.verifiedInWorkers - before.verifiedInWorkers, inline };
}

describe('a bad signature at submission', () => {
  it('costs one verification, on a worker, when the payload is otherwise invalid (stale nonce, unfunded sender)', async () => {
    expect(t.verifier.workerCount).toBeGreaterThan(0);
    // Forged by Eve for Alice's account, with a nonce far ahead: no version is guessed.
    const far = await refusal(signed(10_000, { signer: eve }));
    expect(far.error.code).toBe(1010);
    expect(far.error.data).toBe('Transaction has a bad signature');
    expect(far.verifications).toBe(1);
    expect(far.inline).toBe(0);
    // An account with nothing to pay the fee with signs as itself, for another genesis.
    const nobody = new Keyring({ type: 'sr25519' }).addFromUri('//JunkCostNobody');
    const v = t.chain.runtime.version;
    const call = t.chain.runtime.encodeCall('System', 'remark', { remark: new Uint8Array([1]) });
    const broke = signExtrinsic(nobody, call, { nonce: 0, specVersion: v.specVersion, transactionVersion: v.transactionVersion, genesisHash: new Uint8Array(32).fill(9), eraBlockHash: new Uint8Array(32).fill(9) });
    const r = await refusal(broke);
    expect(r.error.code).toBe(1010);
    expect(r.verifications).toBe(1);
  });

  it('costs at most two verifications when the payload is otherwise valid', async () => {
    // A forgery with everything else right (Alice's next nonce, she can pay): the worst case for the node.
    const forged = signed(0, { signer: eve });
    const r = await refusal(forged);
    expect(r.error.code).toBe(1010);
    expect(r.verifications).toBeLessThanOrEqual(2);
    expect(r.inline).toBe(0);
    // Neither version verifies: Substrate's own words.
    expect(r.error.data).toBe('Transaction has a bad signature');
    // The same bytes again cost nothing more: both verdicts are cached.
    expect((await refusal(forged)).verifications).toBe(0);
  });

  it('still names the spec version a stale wallet signed for, within two verifications', async () => {
    const v = t.chain.runtime.version;
    const r = await refusal(signed(0, { over: { specVersion: v.specVersion - 1 } }));
    expect(r.error.code).toBe(1010);
    expect(r.error.data).toBe(
      `Transaction has a bad signature: it was signed for spec version ${v.specVersion - 1} and transaction version ${v.transactionVersion}, but the runtime is at spec version ${v.specVersion} and transaction version ${v.transactionVersion}`,
    );
    expect(r.verifications).toBe(2);
    expect(r.inline).toBe(0);
  });

  it('a validly signed transaction costs one verification, on a worker, and enters the pool', async () => {
    const before = t.verifier.stats;
    const mainBefore = verifySignatureCount();
    const hash = await t.txs.submit(signed(0));
    expect(t.txs.status(hash).status).toBe('ready');
    expect(t.verifier.stats.verifiedInWorkers - before.verifiedInWorkers).toBe(1);
    expect(verifySignatureCount() - mainBefore).toBe(0);
  });
});
