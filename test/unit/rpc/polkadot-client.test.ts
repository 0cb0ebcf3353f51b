/**
 * The server against the real `@polkadot/api` transport layer (its WsProvider and HttpProvider, from
 * `@polkadot/rpc-provider`): calls, Substrate-style errors, subscribe / notify / unsubscribe.
 */
import { HttpProvider, WsProvider } from '@polkadot/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcError } from '../../../src/rpc/errors.js';
import { optional, tupleParams, u32 } from '../../../src/rpc/params.js';
import { startServer, type Started } from './helpers.js';

let srv: Started;
const emitters = new Map<string, (v: unknown) => void>();
let teardowns = 0;

beforeAll(async () => {
  srv = await startServer({}, (s) => {
    s.register({ name: 'chain_getBlockHash', params: tupleParams(optional(u32)), handler: ([n]) => `0x${(n ?? 0).toString(16).padStart(64, '0')}` });
    s.register({
      name: 'author_submitExtrinsic',
      handler: () => {
        throw new RpcError(1010, 'Invalid Transaction', 'Transaction has a bad signature');
      },
    });
    s.registerSubscription({
      subscribe: 'chain_subscribeNewHead',
      unsubscribe: 'chain_unsubscribeNewHead',
      notification: 'chain_newHead',
      start: (_p, emit, ctx) => {
        // The current head goes out at once, before the id reply is even built.
        emit({ number: '0x0' });
        emitters.set(ctx.subscriptionId, emit);
        return () => {
          emitters.delete(ctx.subscriptionId);
          teardowns++;
        };
      },
    });
  });
});

afterAll(async () => {
  await srv.server.close();
});

describe('@polkadot/rpc-provider', () => {
  it('WsProvider: calls, 1010 errors, and a subscription with its first notification', async () => {
    const provider = new WsProvider(srv.wsUrl, false);
    await provider.connect();
    await provider.isReady;
    expect(await provider.send('chain_getBlockHash', [5])).toBe(`0x${'0'.repeat(63)}5`);
    await expect(provider.send('author_submitExtrinsic', ['0x00'])).rejects.toThrow(
      '1010: Invalid Transaction: Transaction has a bad signature',
    );
    await expect(provider.send('nope', [])).rejects.toThrow('-32601: Method not found');

    const heads: unknown[] = [];
    let gotTwo!: () => void;
    const two = new Promise<void>((r) => { gotTwo = r; });
    const id = await provider.subscribe('chain_newHead', 'chain_subscribeNewHead', [], (err: Error | null, head: unknown) => {
      expect(err).toBeNull();
      heads.push(head);
      if (heads.length === 2) gotTwo();
    });
    expect(typeof id).toBe('string');
    for (const emit of emitters.values()) emit({ number: '0x1' });
    await two;
    // The synchronously emitted head was not lost: the provider knew the id before it arrived.
    expect(heads).toEqual([{ number: '0x0' }, { number: '0x1' }]);
    expect(await provider.unsubscribe('chain_newHead', 'chain_unsubscribeNewHead', id)).toBe(true);
    expect(teardowns).toBe(1);
    await provider.disconnect();
  });

  it('HttpProvider: calls and errors', async () => {
    const provider = new HttpProvider(srv.httpUrl);
    expect(await provider.send('chain_getBlockHash', [])).toBe(`0x${'0'.repeat(64)}`);
    await expect(provider.send('author_submitExtrinsic', ['0x00'])).rejects.toThrow('1010: Invalid Transaction');
    await provider.disconnect();
  });
});
