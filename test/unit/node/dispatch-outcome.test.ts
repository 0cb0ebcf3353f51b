/**
 * `TransactionService.status` (what `dcn_transactionStatus` answers) reports the dispatch outcome of every included
 * extrinsic: success, or the dispatch error with the module error's pallet, name and docs and the runtime's message,
 * over a real `local` chain in LevelDB; the messages survive closing and reopening the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyringPair } from '@polkadot/keyring/types';
import { XFG } from '../../../src/chain/index.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { devKeys } from '../../helpers/keys.js';
import { signExtrinsic } from '../../helpers/signer.js';
import { extendCertified, openLocalChain, type TestChain } from './certified-chain.js';

let t: TestChain;
let alice: KeyringPair;
let bob: KeyringPair;
let nonce = 0;

beforeAll(async () => {
  t = await openLocalChain();
  ({ alice, bob } = await devKeys());
});
afterAll(async () => {
  await t?.close();
});

/** Extend the chain by one block and tell the pool, as the node does on each commit. */
async function oneBlock(): Promise<void> {
  await extendCertified(t, 1);
  const body = t.chain.body(t.chain.head.hash)!;
  const included = body.map((x, index) => ({ hash: blake2_256(x), index }));
  t.txs.pool.onBlockImported({ blockHash: t.chain.head.hash, blockNumber: t.chain.head.number, included });
  t.txs.pool.onBlockFinalized(t.chain.head.hash, included);
}

/** Submit a call signed by Alice with her next nonce; its hash. */
async function submit(call: Uint8Array): Promise<Uint8Array> {
  const v = t.chain.runtime.version;
  const bytes = signExtrinsic(alice, call, { nonce: nonce++, specVersion: v.specVersion, transactionVersion: v.transactionVersion, genesisHash: t.chain.genesisHash, eraBlockHash: t.chain.genesisHash });
  return t.txs.submit(bytes);
}

const transfer = (dest: unknown, value: bigint) => t.chain.runtime.encodeCall('Balances', 'transferKeepAlive', { dest, value });

describe('dcn_transactionStatus of included extrinsics', () => {
  it('success, a module error with pallet, name and docs, and a failure with the runtime\'s message', async () => {
    const ok = await submit(transfer({ tag: 'Id', value: bob.publicKey }, XFG));
    // More than Alice holds: the fee is paid, the call fails with Balances.InsufficientBalance.
    const tooMuch = await submit(transfer({ tag: 'Id', value: bob.publicKey }, 1n << 100n));
    // An account index cannot be looked up on this chain: a non-module error whose message says why.
    const byIndex = await submit(transfer({ tag: 'Index', value: 7 }, XFG));
    await oneBlock();

    const s1 = t.txs.status(ok);
    expect(s1).toMatchObject({ status: 'finalized', blockNumber: 1, dispatch: { result: 'success' } });

    const s2 = t.txs.status(tooMuch);
    expect(s2.status).toBe('finalized');
    expect(s2).toMatchObject({
      dispatch: { result: 'failed', error: 'Module', module: { pallet: 'Balances', name: 'InsufficientBalance' } },
    });
    const d2 = (s2 as { dispatch: { module: { docs: string[]; palletIndex: number } } }).dispatch;
    expect(d2.module.docs.join(' ').length).toBeGreaterThan(0);
    expect(d2.module.palletIndex).toBe(t.chain.runtime.pallets.find((p) => p.name === 'Balances')!.index);
    // No message of its own: nothing beyond the error is claimed.
    expect(d2).not.toHaveProperty('message');

    expect(t.txs.status(byIndex)).toMatchObject({ status: 'finalized', dispatch: { result: 'failed', error: 'CannotLookup', message: 'cannot look up a MultiAddress::Index' } });
  });

  it('keeps the runtime\'s messages with the block: they are there after the database is reopened', async () => {
    const byIndex = await submit(transfer({ tag: 'Index', value: 9 }, XFG));
    await oneBlock();
    const before = t.txs.status(byIndex);
    expect(before).toMatchObject({ dispatch: { message: 'cannot look up a MultiAddress::Index' } });
    await t.verifier.close();
    await t.chain.db.close();
    t = await openLocalChain(t.dir);
    expect(t.txs.status(byIndex)).toEqual(before);
  });
});
