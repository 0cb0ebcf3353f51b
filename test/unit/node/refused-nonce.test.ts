/**
 * A sender's nonce refused for lack of room must not leave its later nonces waiting in the future queue for a
 * predecessor that is not coming (issue 9, finding 11: the wallet waited forever). Over a real `local` chain in
 * LevelDB, the real transaction service (a ready queue of three) and the real worker-thread verifier:
 * - later nonces already waiting are dropped with the reason when the pool itself refuses theirs (signature checked);
 * - a later nonce sent after the refusal is refused at once (1016, naming the nonce to send again), before its
 *   signature is checked, whether the refusal came from the pool or from the intake's room check;
 * - once the refused nonce is sent again (or the chain passes it through another node's block), all is normal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { KeyringPair } from '@polkadot/keyring/types';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { verifySignatureCount } from '../../../src/crypto/verify.js';
import type { ChainHead } from '../../../src/node/chain.js';
import type { SealedBlock } from '../../../src/runtime/runtime.js';
import { SubmitError, TransactionService } from '../../../src/node/transactions.js';
import type { TxStatus } from '../../../src/txpool/types.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';
import { signExtrinsic } from '../../helpers/signer.js';
import { extendCertified, openLocalChain, type TestChain } from './certified-chain.js';

let t: TestChain;
/** The service under test: a ready queue of three. */
let svc: TransactionService;
let k: DevKeys;

beforeAll(async () => {
  t = await openLocalChain();
  k = await devKeys();
  svc = new TransactionService(t.chain, t.verifier, pino({ level: 'silent' }), { readyCount: 3, readyBytes: 1 << 20, futureCount: 64, futureBytes: 1 << 20 });
  // What the node does on every committed block: both pools hear of it.
  t.chain.on('block', (head: ChainHead, sealed: SealedBlock) => {
    const included = sealed.extrinsics.map((x, index) => ({ hash: blake2_256(x), index }));
    for (const pool of [svc.pool, t.txs.pool]) {
      pool.onBlockImported({ blockHash: head.hash, blockNumber: head.number, included }, 256);
      pool.onBlockFinalized(head.hash, included);
    }
  });
});
afterAll(async () => {
  await t?.close();
});

function transfer(from: KeyringPair, nonce: number): Uint8Array {
  const v = t.chain.runtime.version;
  const call = t.chain.runtime.encodeCall('Balances', 'transferKeepAlive', { dest: { tag: 'Id', value: k.ferdie.publicKey }, value: 1_000_000_000_000n + BigInt(nonce) });
  return signExtrinsic(from, call, { nonce, specVersion: v.specVersion, transactionVersion: v.transactionVersion, genesisHash: t.chain.genesisHash, eraBlockHash: t.chain.genesisHash });
}

/** Submit to `svc`; the refusal and the signature verifications it cost (on any thread). */
async function refused(bytes: Uint8Array): Promise<{ error: SubmitError; verifications: number }> {
  const before = t.verifier.verifications + verifySignatureCount();
  const error = await svc.submit(bytes).then(
    () => {
      throw new Error('the transaction was accepted');
    },
    (e: unknown) => e,
  );
  if (!(error instanceof SubmitError)) throw error;
  return { error, verifications: t.verifier.verifications + verifySignatureCount() - before };
}

describe('a nonce refused for lack of room', () => {
  it('drops the later nonces waiting for it, refuses later ones until it is sent again, then takes them all', async () => {
    // Charlie's nonce 1 comes first (out of order) and waits for nonce 0.
    const c1 = await svc.submit(transfer(k.charlie, 1));
    expect(svc.status(c1)).toMatchObject({ status: 'future' });
    const c1Statuses: TxStatus[] = [];
    svc.pool.watch(c1, (s) => c1Statuses.push(s));
    for (const who of [k.alice, k.bob, k.eve]) await svc.submit(transfer(who, 0));
    expect(svc.pool.size()).toEqual({ ready: 3, future: 1, total: 4 });

    // Nonce 0 finds the ready queue full. Charlie has a later nonce waiting, so the signature is checked and the
    // pool's own refusal drops it, with the reason.
    const c0 = await refused(transfer(k.charlie, 0));
    expect(c0.error.code).toBe(1014);
    expect(c0.verifications).toBe(1);
    expect(c1Statuses.at(-1)).toEqual({
      type: 'dropped',
      reason: 'nonce 0 of the sender was refused: the ready queue is full, so this transaction (nonce 1) could never become ready: send nonce 0 again, then this one',
    });
    expect(svc.status(c1)).toMatchObject({ status: 'dropped', reason: expect.stringContaining('send nonce 0 again') });
    expect(svc.pool.size().future).toBe(0);

    // Later nonces are refused at once, before their signature, naming the nonce to send again.
    for (const n of [1, 2]) {
      const later = await refused(transfer(k.charlie, n));
      expect(later.error.code).toBe(1016);
      expect(later.error.message).toContain('nonce 0 of the sender was refused for lack of room and is not in the pool');
      expect(later.error.message).toContain('send nonce 0 again first');
      expect(later.verifications).toBe(0);
    }
    // A refusal by the intake's room check (no signature checked, nothing of Dave's pooled): the same for his later nonces.
    const d0 = await refused(transfer(k.dave, 0));
    expect(d0.error.code).toBe(1014);
    expect(d0.verifications).toBe(0);
    const d1 = await refused(transfer(k.dave, 1));
    expect(d1.error.code).toBe(1016);
    expect(d1.error.message).toContain('nonce 0 of the sender');
    expect(d1.verifications).toBe(0);
    expect(svc.pool.size()).toEqual({ ready: 3, future: 0, total: 3 });

    // A block takes the three: room again. Dave's nonce 0 goes through another node (the other pool) and is committed
    // there: the record of its refusal is forgotten, and his nonce 1 enters as usual.
    await extendCertified({ ...t, txs: svc }, 1);
    expect(svc.pool.size().total).toBe(0);
    await t.txs.submit(transfer(k.dave, 0));
    await extendCertified(t, 1);
    expect(await svc.submit(transfer(k.dave, 1))).toBeInstanceOf(Uint8Array);
    expect(svc.pool.refusedNonce(k.dave.publicKey)).toBeUndefined();

    // Charlie sends nonce 0 again: it enters, and so do the later ones, ready in turn.
    const again = await svc.submit(transfer(k.charlie, 0));
    expect(svc.status(again)).toEqual({ status: 'ready' });
    expect(svc.pool.refusedNonce(k.charlie.publicKey)).toBeUndefined();
    const c1b = await svc.submit(transfer(k.charlie, 1));
    expect(svc.status(c1b)).toEqual({ status: 'ready' });
    svc.pool.checkInvariants();
  });
});
