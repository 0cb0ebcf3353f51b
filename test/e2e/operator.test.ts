/**
 * On real node processes: a transaction's status asked by hash after the fact (pool with the reason it waits,
 * finalized with block and position, invalid with the reason), the keystore RPCs, and the operator's safety
 * switches (safe methods, rate limit, batch and subscription limits, health endpoints).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keyring } from '@polkadot/keyring';
import { randomAsU8a } from '@polkadot/util-crypto';
import { killAllNodes, makeTempBasePath, NodeProcess, removeBasePath } from '../helpers/node-process.js';
import { RpcClient } from '../helpers/rpc-client.js';
import { bytes, devAccount, expectRpcError, extrinsicHash, freshAccount, hex, signExtrinsic, transferKeepAliveCall, XFG, type SigningContext } from './support.js';

// Any node a timed-out test left behind is killed when the file ends.
afterAll(() => killAllNodes());

type Status = { status: string; reason?: string; blockHash?: string; blockNumber?: number; index?: number; waitingFor?: string[] };

describe('transaction status by hash and the keystore (unsafe methods on localhost)', () => {
  const basePath = makeTempBasePath('operator');
  let node: NodeProcess;
  let client: RpcClient;
  let ctx: SigningContext;

  beforeAll(async () => {
    node = await NodeProcess.start({ basePath, blockTimeMs: 200, log: 'warn' });
    client = await RpcClient.connect(node.wsUrl);
    ctx = { genesisHash: bytes(await client.call<string>('chain_getBlockHash', [0])) };
  });
  afterAll(async () => {
    await client?.close();
    await node?.stop();
    removeBasePath(basePath);
  });

  const status = (hash: string) => client.call<Status>('dcn_transactionStatus', [hash]);
  const until = async (hash: string, want: string) => {
    for (let i = 0; i < 200; i++) {
      const s = await status(hash);
      if (s.status === want) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`status of ${hash} never became ${want}`);
  };

  it('reports future (with what it waits for), then finalized with block number and position', async () => {
    const eve = await devAccount('Eve');
    const nonce = await client.call<number>('system_accountNextIndex', [eve.address]);
    const later = signExtrinsic(eve, transferKeepAliveCall(randomAsU8a(32), XFG), ctx, { nonce: nonce + 1 });
    const laterHash = await client.call<string>('author_submitExtrinsic', [hex(later)]);
    expect(laterHash).toBe(extrinsicHash(later));
    const waiting = await status(laterHash);
    expect(waiting.status).toBe('future');
    expect(waiting.reason).toContain('earlier nonces');
    expect(waiting.waitingFor).toHaveLength(1);

    const first = signExtrinsic(eve, transferKeepAliveCall(randomAsU8a(32), XFG), ctx, { nonce });
    await client.call('author_submitExtrinsic', [hex(first)]);
    const done = await until(laterHash, 'finalized');
    const block = await client.call<{ block: { extrinsics: string[] } }>('chain_getBlock', [done.blockHash]);
    expect(block.block.extrinsics[done.index!]).toBe(hex(later));
    const header = await client.call<{ number: string }>('chain_getHeader', [done.blockHash]);
    expect(Number(header.number)).toBe(done.blockNumber);
  });

  it('reports an invalid submission with its reason, and an unknown hash as unknown', async () => {
    const broke = await freshAccount();
    const xt = signExtrinsic(broke, transferKeepAliveCall(randomAsU8a(32), XFG), ctx, { nonce: 0 });
    await expectRpcError(client.call('author_submitExtrinsic', [hex(xt)]), 1010, 'Inability to pay some fees');
    const s = await status(extrinsicHash(xt));
    expect(s.status).toBe('invalid');
    expect(s.reason).toContain('Inability to pay some fees');
    expect((await status(hex(randomAsU8a(32)))).status).toBe('unknown');
    await expectRpcError(client.call('dcn_transactionStatus', ['0x1234']), -32602);
  });

  it('a runtime API call with undecodable input is a 4003 client error, for core and pallet APIs alike', async () => {
    await expectRpcError(client.call('state_call', ['AccountNonceApi_account_nonce', '0x01']), 4003, 'could not decode');
    await expectRpcError(client.call('state_call', ['LoansApi_status', '0x01']), 4003, 'could not decode');
    await expectRpcError(client.call('state_call', ['NoSuchApi_method', '0x']), 4003, 'not found');
  });

  it('inserts, checks and rotates keys', async () => {
    const pair = new Keyring({ type: 'ed25519' }).addFromUri('//Validator');
    expect(await client.call('author_hasKey', [hex(pair.publicKey), 'dcns'])).toBe(false);
    await client.call('author_insertKey', ['dcns', '//Validator', hex(pair.publicKey)]);
    expect(await client.call('author_hasKey', [hex(pair.publicKey), 'dcns'])).toBe(true);
    await expectRpcError(client.call('author_insertKey', ['dcns', '//Other', hex(pair.publicKey)]), 1005, 'does not match');
    await expectRpcError(client.call('author_insertKey', ['zzzz', '//Validator', hex(pair.publicKey)]), 1005, 'unknown key type');
    const rotated = await client.call<string>('author_rotateKeys', []);
    expect(rotated).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await client.call('author_hasSessionKeys', [rotated])).toBe(true);
  });
});

describe('operator safety switches', () => {
  const basePath = makeTempBasePath('operator-safe');
  let node: NodeProcess;

  beforeAll(async () => {
    node = await NodeProcess.start({
      basePath,
      blockTimeMs: 500,
      log: 'warn',
      args: ['--rpc-methods', 'safe', '--rpc-rate-limit', '20', '--rpc-max-batch-request-len', '5', '--rpc-max-subscriptions-per-connection', '2'],
    });
  });
  afterAll(async () => {
    await node?.stop();
    removeBasePath(basePath);
  });

  it('refuses unsafe methods in safe mode, but still lists them', async () => {
    const client = await RpcClient.connect(node.wsUrl);
    try {
      await expectRpcError(client.call('author_rotateKeys', []), -32601, 'unsafe');
      await expectRpcError(client.call('author_insertKey', ['dcns', '//A', '0x' + '00'.repeat(32)]), -32601, 'unsafe');
      expect(await client.call<string>('system_chain', [])).toBe('Development');
      const { methods } = await client.call<{ methods: string[] }>('rpc_methods', []);
      expect(methods).toContain('author_rotateKeys');
    } finally {
      await client.close();
    }
  });

  it('limits batches and subscriptions per connection', async () => {
    const client = await RpcClient.connect(node.wsUrl);
    try {
      // A batch over the limit is refused as a whole with one error object (jsonrpsee's -32010).
      const six = Array.from({ length: 6 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'system_chain', params: [] }));
      const res = await fetch(node.httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(six) });
      expect(await res.json()).toMatchObject({ error: { code: -32010 } });
      const five = await fetch(node.httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(six.slice(0, 5)) });
      expect(await five.json()).toHaveLength(5);
      await client.subscribe('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
      await client.subscribe('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
      await expectRpcError(client.subscribe('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads'), -32006);
    } finally {
      await client.close();
    }
  });

  it('rate-limits a client IP', async () => {
    const client = await RpcClient.connect(node.wsUrl);
    try {
      const results = await Promise.allSettled(Array.from({ length: 60 }, () => client.call('system_name', [])));
      const limited = results.filter((r) => r.status === 'rejected' && (r.reason as { code?: number }).code === -32029);
      expect(limited.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  it('answers GET /health and /health/readiness', async () => {
    const health = await fetch(new URL('/health', node.httpUrl));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ isSyncing: false, peers: 0 });
    const ready = await fetch(new URL('/health/readiness', node.httpUrl));
    expect(ready.status).toBe(200);
  });
});

describe('the informant', () => {
  it('logs a status line every 5 s: best block, blocks since the last line, peers, sync, pool queues, memory', async () => {
    const basePath = makeTempBasePath('informant');
    const node = await NodeProcess.start({ basePath, blockTimeMs: 200 });
    try {
      const isStatus = (l: string): boolean => l.includes('"module":"informant"');
      const first = JSON.parse(await node.waitForLine(isStatus, 15_000, 'the first status line')) as Record<string, unknown>;
      const second = JSON.parse(await node.waitForLine(isStatus, 15_000, 'the second status line')) as Record<string, unknown>;
      for (const l of [first, second]) {
        expect(l).toMatchObject({ level: 30, peers: 0, syncing: false, txpool: { ready: 0, future: 0 } });
        expect(l.msg === 'idle' || l.msg === 'importing').toBe(true);
        expect(l.rssMiB as number).toBeGreaterThan(0);
        expect(l.heapUsedMiB as number).toBeLessThanOrEqual(l.heapTotalMiB as number);
      }
      // The dev chain authors every 200 ms: the second line counts the blocks since the first.
      expect(second.msg).toBe('importing');
      expect(second.best as number).toBeGreaterThan(first.best as number);
      expect(second.imported).toBe((second.best as number) - (first.best as number));
    } finally {
      await node.stop();
      removeBasePath(basePath);
    }
  }, 40_000);
});
