/**
 * `author_submitAndWatchExtrinsic` holds each `finalized` notice until the next block commits (wallets drop an
 * `inBlock` followed at once by `finalized`). A block that finalizes thousands of watched transfers must not add a
 * `block` listener per transfer to the chain (each later removed by a scan of the emitter's listener array, on the
 * thread that runs consensus): one listener serves them all. Over a real `local` chain in LevelDB, the real
 * transaction service and the real RPC server on loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyringPair } from '@polkadot/keyring/types';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { toHex } from '../../../src/primitives/bytes.js';
import { Keystore } from '../../../src/node/keystore.js';
import { loadChainSpec } from '../../../src/node/chain-spec.js';
import { registerAuthorMethods } from '../../../src/rpc/methods/author.js';
import type { RpcNode } from '../../../src/rpc/methods/context.js';
import type { ChainHead } from '../../../src/node/chain.js';
import type { SealedBlock } from '../../../src/runtime/runtime.js';
import { REVALIDATE_READY_PER_BLOCK } from '../../../src/node/transactions.js';
import { devKeys } from '../../helpers/keys.js';
import { signExtrinsic } from '../../helpers/signer.js';
import { extendCertified, openLocalChain, type TestChain } from '../node/certified-chain.js';
import { startServer, TestWs, type Started } from './helpers.js';

const WATCHED = 64;

let t: TestChain;
let started: Started;
let keystoreDir: string;
let alice: KeyringPair;
let bob: KeyringPair;
const sockets: TestWs[] = [];

beforeAll(async () => {
  t = await openLocalChain();
  ({ alice, bob } = await devKeys());
  // What the node does on every committed block (src/node/node.ts): the pool hears of it.
  t.chain.on('block', (head: ChainHead, sealed: SealedBlock) => {
    const included = sealed.extrinsics.map((x, index) => ({ hash: blake2_256(x), index }));
    t.txs.pool.onBlockImported({ blockHash: head.hash, blockNumber: head.number, included }, REVALIDATE_READY_PER_BLOCK);
    t.txs.pool.onBlockFinalized(head.hash, included);
  });
  keystoreDir = mkdtempSync(join(tmpdir(), 'dcn-author-watch-'));
  const node: RpcNode = {
    chain: t.chain,
    txs: t.txs,
    spec: loadChainSpec('local'),
    name: 'author-watch-test',
    version: '0.0.0',
    isValidator: false,
    peerCount: () => 0,
    isSyncing: () => false,
    keystore: new Keystore(keystoreDir),
    localPeerId: () => '',
    listenAddresses: () => [],
    peers: () => [],
    highestBlock: () => t.chain.head.number,
  };
  started = await startServer({}, (s) => registerAuthorMethods(s, node));
});

afterAll(async () => {
  for (const s of sockets) s.ws.close();
  await started?.server.close();
  await t?.close();
  rmSync(keystoreDir, { recursive: true, force: true });
});

function transfer(nonce: number): string {
  const v = t.chain.runtime.version;
  const call = t.chain.runtime.encodeCall('Balances', 'transferKeepAlive', { dest: { tag: 'Id', value: bob.publicKey }, value: 1_000_000_000_000n + BigInt(nonce) });
  return toHex(signExtrinsic(alice, call, { nonce, specVersion: v.specVersion, transactionVersion: v.transactionVersion, genesisHash: t.chain.genesisHash, eraBlockHash: t.chain.genesisHash }));
}

describe('finalized notices held for the next block', () => {
  it('share one block listener however many transactions a block finalizes', async () => {
    const listenersBefore = t.chain.listenerCount('block');
    const ws = await TestWs.open(started.wsUrl);
    sockets.push(ws);
    const subs: string[] = [];
    for (let n = 0; n < WATCHED; n++) {
      ws.send({ jsonrpc: '2.0', id: n + 1, method: 'author_submitAndWatchExtrinsic', params: [transfer(n)] });
      const reply = (await ws.take((m) => (m as { id?: number }).id === n + 1)) as { result?: string; error?: unknown };
      expect(reply.error).toBeUndefined();
      subs.push(reply.result!);
    }
    const updates = (sub: string, pred: (r: unknown) => boolean) => ws.take((m) => {
      const p = (m as { params?: { subscription?: string; result?: unknown } }).params;
      return p?.subscription === sub && pred(p.result);
    });
    // One block takes them all: every watcher hears `inBlock`, and its `finalized` notice waits for the next block.
    await extendCertified(t, 1);
    expect(t.chain.head.number).toBe(1);
    for (const sub of subs) await updates(sub, (r) => typeof r === 'object' && r !== null && 'inBlock' in r);
    expect(ws.pending.filter((m) => JSON.stringify(m).includes('"finalized"'))).toEqual([]);
    expect(t.chain.listenerCount('block') - listenersBefore).toBe(1);
    // The next block releases every held notice, and the listener goes with them.
    await extendCertified(t, 1);
    for (const sub of subs) await updates(sub, (r) => typeof r === 'object' && r !== null && 'finalized' in r);
    expect(t.chain.listenerCount('block')).toBe(listenersBefore);
  });
});
