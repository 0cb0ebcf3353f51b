/**
 * End to end on a real dev node process (issue 9, finding 2): heavy calls are limited. With
 * `--rpc-max-heavy-calls 1 --rpc-max-heavy-queue 2`, a batch of eight `state_getMetadata` gets four answers (the
 * connection's two running slots and two places in the queue) and four `-32009 Server is busy` errors naming the
 * limit, while a cheap call in the same batch is answered; afterwards the node answers metadata again and keeps
 * authoring. With the default limits a flood of 200 concurrent `state_getMetadata` over ten connections is answered
 * in full, every answer the same hex.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllNodes, NodeProcess, removeBasePath } from '../helpers/node-process.js';
import { RpcClient } from '../helpers/rpc-client.js';
import { waitForHead, type HeaderJson } from './support.js';

describe('dev node process: heavy RPC calls are bounded', () => {
  let limited: NodeProcess;
  let plain: NodeProcess;

  beforeAll(async () => {
    [limited, plain] = await Promise.all([
      NodeProcess.start({ args: ['--rpc-max-heavy-calls', '1', '--rpc-max-heavy-queue', '2'] }),
      NodeProcess.start(),
    ]);
  });

  afterAll(async () => {
    try {
      await Promise.all([limited?.stop(), plain?.stop()]);
      if (limited) removeBasePath(limited.basePath);
      if (plain) removeBasePath(plain.basePath);
    } finally {
      await killAllNodes();
    }
  });

  it('over the limits a heavy call is refused with -32009 naming the limit; cheap calls and block production go on', async () => {
    const client = await RpcClient.connect(limited.wsUrl);
    try {
      const metadata = await client.call<string>('state_getMetadata');
      const calls: Array<[string, unknown[]]> = Array.from({ length: 8 }, () => ['state_getMetadata', []]);
      calls.push(['system_health', []]);
      const entries = await client.batch(calls);
      const answered = entries.slice(0, 8).filter((e) => e.ok);
      const refused = entries.slice(0, 8).filter((e) => !e.ok);
      expect(answered).toHaveLength(4);
      for (const e of answered) expect(e.ok && e.result).toBe(metadata);
      expect(refused).toHaveLength(4);
      for (const e of refused) {
        expect(!e.ok && e.error).toEqual({ code: -32009, message: 'Server is busy, try again later', data: 'too many heavy calls waiting on this connection (limit 2)' });
      }
      expect(entries[8]).toMatchObject({ ok: true, result: { isSyncing: false } });
      // Nothing is left behind: the next heavy call runs, and blocks keep coming.
      expect(await client.call<string>('state_getMetadata')).toBe(metadata);
      const heads = await client.subscribe<HeaderJson>('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
      const first = Number.parseInt((await heads.next()).number, 16);
      await waitForHead(heads, first + 2);
    } finally {
      await client.close();
    }
  });

  it('with the default limits 200 concurrent state_getMetadata over ten connections are all answered, identically', async () => {
    const clients = await Promise.all(Array.from({ length: 10 }, () => RpcClient.connect(plain.wsUrl)));
    try {
      const results = await Promise.all(clients.flatMap((c) => Array.from({ length: 20 }, () => c.call<string>('state_getMetadata'))));
      expect(results).toHaveLength(200);
      expect(new Set(results).size).toBe(1);
      expect(results[0].startsWith('0x6d657461')).toBe(true); // "meta" magic
      expect(await clients[0].call('system_health')).toMatchObject({ isSyncing: false });
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});
