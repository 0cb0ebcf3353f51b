/**
 * End to end on a real dev node process: every bad submission is refused over JSON-RPC with Substrate's code and
 * reason, and changes nothing — the durable state (everything but the per-block bookkeeping keys) is identical
 * two blocks later, those blocks hold only the timestamp inherent, and the pool holds what it held before.
 * Nonces ahead of the account's are the exception Substrate makes too: they wait in the pool's future queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { KeyringPair } from '@polkadot/keyring/types';
import { randomAsU8a } from '@polkadot/util-crypto';
import { MAX_EXTRINSIC_BYTES } from '../../src/primitives/extrinsic.js';
import { CHAIN_RUNTIME_SPEC } from '../../src/chain/index.js';
import { MAX_FUTURE_NONCE_GAP } from '../../src/runtime/runtime.js';
import { killAllNodes, makeTempBasePath, NodeProcess, removeBasePath } from '../helpers/node-process.js';
import { httpCall, RpcClient, withTimeout, type Subscription } from '../helpers/rpc-client.js';
import {
  blockBodies,
  bytes,
  devAccount,
  durableState,
  expectRpcError,
  extrinsicHash,
  freshAccount,
  head,
  hex,
  numberOf,
  readAccount,
  remarkCall,
  signatureOffset,
  signExtrinsic,
  transferKeepAliveCall,
  waitForHead,
  XFG,
  type HeaderJson,
  type SigningContext,
} from './support.js';

/** The Normal class's share of the block length: 75 % of 5 MiB. */
const NORMAL_MAX_LENGTH = (CHAIN_RUNTIME_SPEC.limits.maxBlockLength * Number(CHAIN_RUNTIME_SPEC.limits.normalRatioBps)) / 10_000;
/** What the timestamp inherent of every block takes of it (a time of 2^40 ..< 2^48 ms). */
const TIMESTAMP_INHERENT_LENGTH = 11;

describe('dev node process: bad inputs are refused with their reason and change nothing', () => {
  const basePath = makeTempBasePath('rejections');
  let node: NodeProcess;
  let client: RpcClient;
  let heads: Subscription<HeaderJson>;
  let ctx: SigningContext;
  let alice: KeyringPair;
  let bob: KeyringPair;
  /** Alice's transfer with nonce 0, included before the tests. */
  let firstTransfer: Uint8Array;

  /** A transfer from `signer` to a fresh account, signed with `nonce` (and `ctx` unless overridden). */
  function transfer(signer: KeyringPair, nonce: number, value = XFG, over: Partial<SigningContext> = {}): Uint8Array {
    return signExtrinsic(signer, transferKeepAliveCall(randomAsU8a(32), value), { ...ctx, ...over }, { nonce });
  }

  /**
   * Run `action` and check that it had no effect: two blocks later the durable state is byte-identical, every
   * block in between holds only the timestamp inherent, and the pool holds exactly what it held before.
   */
  async function expectNoEffect(action: () => Promise<void>): Promise<void> {
    const before = await head(client);
    const stateBefore = await durableState(client, before.hash);
    const pendingBefore = await client.call<string[]>('author_pendingExtrinsics', []);
    await action();
    // Two blocks: the author had every chance to include anything the pool (wrongly) accepted.
    const reached = await waitForHead(heads, before.number + 2);
    const after = numberOf(reached);
    const hashes = await client.call<string[]>('chain_getBlockHash', [Array.from({ length: after - before.number }, (_, i) => before.number + 1 + i)]);
    const bodies = await blockBodies(client, hashes);
    bodies.forEach((b, i) => expect(b, `extrinsics of block #${before.number + 1 + i}`).toHaveLength(1));
    expect(await durableState(client, hashes[hashes.length - 1])).toEqual(stateBefore);
    expect(await client.call<string[]>('author_pendingExtrinsics', [])).toEqual(pendingBefore);
  }

  /** Submit and wait until `xt` is finalized; returns the block hash. */
  async function submitFinalized(xt: Uint8Array): Promise<string> {
    const watch = await client.subscribe<unknown>('author_submitAndWatchExtrinsic', [hex(xt)], 'author_unwatchExtrinsic');
    const fin = await watch.nextMatching((s) => typeof s === 'object' && s !== null && 'finalized' in s, 20_000, 'finalized');
    return (fin as { finalized: string }).finalized;
  }

  beforeAll(async () => {
    alice = await devAccount('Alice');
    bob = await devAccount('Bob');
    node = await NodeProcess.start({ basePath });
    client = await RpcClient.connect(node.wsUrl);
    heads = await client.subscribe<HeaderJson>('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
    ctx = { genesisHash: bytes(await client.call<string>('chain_getBlockHash', [0])) };
    // One good transfer first, so Alice has a used nonce (0) to replay.
    firstTransfer = transfer(alice, 0);
    await submitFinalized(firstTransfer);
    expect((await readAccount(client, alice.publicKey)).nonce).toBe(1);
  });

  afterAll(async () => {
    try {
      await client?.close();
      await node?.stop();
    } finally {
      await killAllNodes();
      removeBasePath(basePath);
    }
  });

  it('tampered signature → 1010 "bad signature" (submit and submitAndWatch); the same bytes again → 1012 banned', async () => {
    await expectNoEffect(async () => {
      const xt = transfer(alice, 1);
      const sigStart = signatureOffset(xt);
      const tampered = xt.slice();
      tampered[sigStart + 10] ^= 0x01;
      const e = await expectRpcError(client.call('author_submitExtrinsic', [hex(tampered)]), 1010, 'bad signature');
      expect(e.rpcMessage).toBe('Invalid Transaction');
      expect(e.data).toBe('Transaction has a bad signature');
      // Substrate bans what failed validation: resubmitting the very same bytes is refused before validation.
      await expectRpcError(client.call('author_submitExtrinsic', [hex(tampered)]), 1012, 'temporarily banned');
      const other = xt.slice();
      other[sigStart + 63] ^= 0x80;
      await expectRpcError(client.subscribe('author_submitAndWatchExtrinsic', [hex(other)], 'author_unwatchExtrinsic'), 1010, 'bad signature');
    });
  });

  it('call changed after signing, wrong genesis hash, wrong spec version, wrong era birth hash → 1010 "bad signature"', async () => {
    await expectNoEffect(async () => {
      // The amount is the last byte of the call: 1 XFG (compact) → change it.
      const xt = transfer(alice, 1);
      const changed = xt.slice();
      changed[changed.length - 1] ^= 0x04;
      await expectRpcError(client.call('author_submitExtrinsic', [hex(changed)]), 1010, 'Transaction has a bad signature');
      await expectRpcError(client.call('author_submitExtrinsic', [hex(transfer(alice, 1, XFG, { genesisHash: randomAsU8a(32) }))]), 1010, 'Transaction has a bad signature');
      await expectRpcError(client.call('author_submitExtrinsic', [hex(transfer(alice, 1, XFG, { specVersion: 99 }))]), 1010, 'Transaction has a bad signature');
      const at = await head(client);
      const wrongBirth = signExtrinsic(alice, transferKeepAliveCall(randomAsU8a(32), XFG), ctx, { nonce: 1, mortal: { current: at.number, period: 32, birthHash: randomAsU8a(32) } });
      await expectRpcError(client.call('author_submitExtrinsic', [hex(wrongBirth)]), 1010, 'Transaction has a bad signature');
    });
  });

  it('reused nonce → 1010 Stale "outdated"; the included transaction itself → 1012 banned', async () => {
    await expectNoEffect(async () => {
      const e = await expectRpcError(client.call('author_submitExtrinsic', [hex(transfer(alice, 0, 2n * XFG))]), 1010, 'Transaction is outdated');
      expect(String(e.data)).toContain('nonce 0 is below the account nonce 1');
    });
    // The exact bytes already included are banned by the pool for a while, as Substrate does.
    await expectNoEffect(async () => {
      await expectRpcError(client.call('author_submitExtrinsic', [hex(firstTransfer)]), 1012, 'temporarily banned');
    });
  });

  it('fee payer without funds → 1010 "Inability to pay some fees"', async () => {
    const pauper = await freshAccount();
    await expectNoEffect(async () => {
      await expectRpcError(client.call('author_submitExtrinsic', [hex(transfer(pauper, 0, 1n))]), 1010, 'Inability to pay some fees');
    });
    expect((await readAccount(client, pauper.publicKey)).providers).toBe(0);
  });

  it(`remark longer than the Normal share of a block (${NORMAL_MAX_LENGTH} bytes) → 1010 ExhaustsResources`, async () => {
    await expectNoEffect(async () => {
      // Over 75 % of 5 MiB but within the decoder's bound: the runtime's CheckWeight refuses it.
      const remark = new Uint8Array(NORMAL_MAX_LENGTH + 1024).fill(0x61);
      const xt = signExtrinsic(alice, remarkCall(remark), ctx, { nonce: 1 });
      expect(xt.length).toBeGreaterThan(NORMAL_MAX_LENGTH);
      expect(xt.length).toBeLessThanOrEqual(MAX_EXTRINSIC_BYTES);
      const e = await expectRpcError(client.call('author_submitExtrinsic', [hex(xt)], 60_000), 1010, 'Transaction would exhaust the block limits');
      expect(String(e.data)).toContain(`exceeds ${NORMAL_MAX_LENGTH - TIMESTAMP_INHERENT_LENGTH}, the most a Normal extrinsic can take`);
    });
  });

  it('extrinsic larger than a whole block (5 MiB) but within the RPC limit → 1010 ExhaustsResources, as Substrate', async () => {
    await expectNoEffect(async () => {
      const remark = new Uint8Array(5_500_000).fill(0x62);
      const xt = signExtrinsic(alice, remarkCall(remark), ctx, { nonce: 1 });
      expect(xt.length).toBeGreaterThan(5 * 1024 * 1024);
      expect(xt.length).toBeLessThanOrEqual(MAX_EXTRINSIC_BYTES);
      const e = await expectRpcError(client.call('author_submitExtrinsic', [hex(xt)], 60_000), 1010, 'Transaction would exhaust the block limits');
      expect(String(e.data)).toContain(`exceeds ${NORMAL_MAX_LENGTH - TIMESTAMP_INHERENT_LENGTH}, the most a Normal extrinsic can take`);
    });
  });

  it('request over the 15 MiB RPC limit: the WebSocket frame is refused (close 1009); the node carries on', async () => {
    await expectNoEffect(async () => {
      const ws = new WebSocket(node.wsUrl);
      await withTimeout(new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject)), 10_000, 'open');
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      const big = `0x${'00'.repeat(8 * 1024 * 1024)}`;
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'author_submitExtrinsic', params: [big] }));
      expect(await withTimeout(closed, 20_000, 'the oversized frame to close the socket')).toBe(1009);
      expect(await client.call('system_chain', [])).toBe('Development');
    });
  });

  it('undecodable bytes → 1002; an unsigned transfer → 1011 (no unsigned validator)', async () => {
    await expectNoEffect(async () => {
      const good = transfer(alice, 1);
      const cases: Array<[string, string]> = [
        ['0x', 'empty'],
        ['0x1234', 'garbage'],
        [hex(good.subarray(0, good.length - 1)), 'truncated'],
        [hex(Uint8Array.of(...good, 0)), 'trailing byte'],
        [`0x10${'05'.repeat(4)}`, 'unsupported version'],
      ];
      for (const [xt, what] of cases) {
        const e = await expectRpcError(client.call('author_submitExtrinsic', [xt]), 1002, 'Could not decode extrinsic');
        expect(e.data, what).toBeTypeOf('string');
      }
      const call = transferKeepAliveCall(randomAsU8a(32), XFG);
      const unsigned = Uint8Array.of((call.length + 1) << 2, 0x04, ...call);
      await expectRpcError(client.call('author_submitExtrinsic', [hex(unsigned)]), 1011, 'unsigned');
    });
  });

  it('malformed params → -32602 and unknown methods → -32601 (WebSocket and HTTP)', async () => {
    await expectNoEffect(async () => {
      const bad: Array<[string, unknown[]]> = [
        ['author_submitExtrinsic', ['0xzz']],
        ['author_submitExtrinsic', ['0x123']],
        ['author_submitExtrinsic', ['1234']],
        ['author_submitExtrinsic', [1234]],
        ['author_submitExtrinsic', []],
        ['author_submitExtrinsic', ['0x00', 'extra']],
        ['author_submitAndWatchExtrinsic', [null]],
        ['chain_getBlockHash', [-1]],
        ['chain_getBlockHash', [1.5]],
        ['chain_getBlockHash', ['0x100000000']],
        ['chain_getBlockHash', ['abc']],
        ['chain_getBlockHash', [[0, 'x']]],
        ['chain_getHeader', ['0x1234']],
        ['state_getStorage', []],
        ['state_getStorage', ['0x00', '0x1234']],
        ['state_getKeysPaged', ['0x', 1001]],
        ['state_getKeysPaged', ['0x', -1]],
      ];
      for (const [method, params] of bad) {
        const e = await expectRpcError(client.call(method, params), -32602);
        expect(e.rpcMessage, `${method}(${JSON.stringify(params)})`).toBe('Invalid params');
      }
      for (const method of ['author_submitExtrinsicc', 'chain_getBlockHashes', 'foo', 'state_noSuchMethod']) {
        await expectRpcError(client.call(method, []), -32601, 'Method not found');
      }
      const http = await httpCall(node.httpUrl, 'author_submitExtrinsic', ['0xzz']);
      expect(http.body.error?.code).toBe(-32602);
      const httpUnknown = await httpCall(node.httpUrl, 'no_such_method', []);
      expect(httpUnknown.body.error?.code).toBe(-32601);
      // An unknown block hash is a well-formed parameter: Substrate's 4003.
      await expectRpcError(client.call('state_getStorage', ['0x00', hex(randomAsU8a(32))]), 4003, 'Unknown block');
    });
  });

  it(`nonces up to ${MAX_FUTURE_NONCE_GAP} ahead wait in the future queue (pending, not included) until the gap fills; further ahead → 1010 Future`, async () => {
    const bobBefore = await readAccount(client, bob.publicKey);
    expect(bobBefore.nonce).toBe(0);
    const next = transfer(bob, 1);
    const edge = transfer(bob, MAX_FUTURE_NONCE_GAP);
    // Mortal for 8 blocks: expires from the future queue by itself.
    const at = await head(client);
    const mortal = signExtrinsic(bob, transferKeepAliveCall(randomAsU8a(32), XFG), ctx, { nonce: 100, mortal: { current: at.number, period: 8, birthHash: bytes(at.hash) } });

    const watchNext = await client.subscribe<unknown>('author_submitAndWatchExtrinsic', [hex(next)], 'author_unwatchExtrinsic');
    expect(await watchNext.next()).toBe('future');
    expect(await client.call('author_submitExtrinsic', [hex(edge)])).toBe(extrinsicHash(edge));
    const watchMortal = await client.subscribe<unknown>('author_submitAndWatchExtrinsic', [hex(mortal)], 'author_unwatchExtrinsic');
    expect(await watchMortal.next()).toBe('future');
    const pending = await client.call<string[]>('author_pendingExtrinsics', []);
    expect(pending).toEqual(expect.arrayContaining([hex(next), hex(edge), hex(mortal)]));

    // Beyond the gap the runtime refuses at once, and nothing changes.
    await expectNoEffect(async () => {
      for (const nonce of [MAX_FUTURE_NONCE_GAP + 1, 1_000, 0xffff_ffff]) {
        const e = await expectRpcError(client.call('author_submitExtrinsic', [hex(transfer(bob, nonce))]), 1010, 'Transaction will be valid in the future');
        expect(String(e.data)).toContain(`nonce ${nonce} is more than ${MAX_FUTURE_NONCE_GAP} above the account nonce 0`);
      }
    });

    // Nothing of Bob's was included while the gap is open.
    const now = await head(client);
    const hashes = await client.call<string[]>('chain_getBlockHash', [Array.from({ length: now.number - at.number }, (_, i) => at.number + 1 + i)]);
    for (const body of await blockBodies(client, hashes)) expect(body).toHaveLength(1);
    expect(await readAccount(client, bob.publicKey)).toEqual(bobBefore);

    // The mortal one expires: the pool reports it invalid and drops it.
    expect(await watchMortal.nextMatching((s) => s !== 'future', 20_000, 'the mortal future transaction to expire')).toBe('invalid');
    expect(await client.call<string[]>('author_pendingExtrinsics', [])).not.toContain(hex(mortal));

    // Filling the gap makes nonce 1 ready; both land, in order.
    const first = transfer(bob, 0);
    const block0 = await submitFinalized(first);
    const rest = await watchNext.take(3);
    expect(rest[0]).toBe('ready');
    const inBlock1 = (rest[1] as { inBlock: string }).inBlock;
    expect(rest[2]).toEqual({ finalized: inBlock1 });
    const ordered = (await blockBodies(client, block0 === inBlock1 ? [block0] : [block0, inBlock1])).flat();
    expect(ordered.indexOf(hex(first))).toBeGreaterThanOrEqual(0);
    expect(ordered.indexOf(hex(next))).toBeGreaterThan(ordered.indexOf(hex(first)));
    expect((await readAccount(client, bob.publicKey)).nonce).toBe(2);
    // The one at the edge of the gap still waits.
    expect(await client.call<string[]>('author_pendingExtrinsics', [])).toEqual([hex(edge)]);
  });
});
