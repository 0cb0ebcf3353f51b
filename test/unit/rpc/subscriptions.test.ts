/**
 * Subscriptions over a real WebSocket: id-before-notification ordering, unsubscribe, server-side close,
 * cleanup on disconnect, limits, and dropping a client that does not read.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorCode, RpcError } from '../../../src/rpc/errors.js';
import { optional, tupleParams, u32 } from '../../../src/rpc/params.js';
import type { RpcServer, RpcServerOptions } from '../../../src/rpc/server.js';
import { startServer, TestWs, type Reply, type Started } from './helpers.js';

/** A source of items that subscriptions listen to, counting teardowns. */
class Feed {
  readonly listeners = new Map<string, (v: unknown) => void>();
  teardowns = 0;
  private waiters: Array<() => void> = [];

  publish(v: unknown): void {
    for (const l of [...this.listeners.values()]) l(v);
  }

  tornDown(id: string): void {
    this.listeners.delete(id);
    this.teardowns++;
    for (const w of this.waiters.splice(0)) w();
  }

  async waitForTeardowns(n: number): Promise<void> {
    while (this.teardowns < n) await new Promise<void>((r) => this.waiters.push(r));
  }
}

interface Note {
  jsonrpc: string;
  method: string;
  params: { subscription: string; result: unknown };
}

const isNote = (m: unknown): m is Note => typeof m === 'object' && m !== null && 'method' in m;

function setup(feed: Feed, gate?: Promise<void>) {
  return (s: RpcServer) => {
    s.register({ name: 'add', params: tupleParams(u32, optional(u32)), handler: ([a, b]) => a + (b ?? 0) });
    s.registerSubscription({
      subscribe: 'feed_subscribe',
      unsubscribe: 'feed_unsubscribe',
      notification: 'feed_item',
      params: tupleParams(optional(u32)),
      start: ([initial], emit, ctx) => {
        // Emitted synchronously, before the server has even produced the id reply.
        for (let i = 0; i < (initial ?? 0); i++) emit(i);
        feed.listeners.set(ctx.subscriptionId, emit);
        return () => feed.tornDown(ctx.subscriptionId);
      },
    });
    s.registerSubscription({
      subscribe: 'async_subscribe',
      unsubscribe: 'async_unsubscribe',
      notification: 'async_item',
      start: async (_p, emit, ctx) => {
        emit('first');
        await Promise.resolve();
        emit('second');
        if (gate) await gate;
        emit('third');
        feed.listeners.set(ctx.subscriptionId, emit);
        return () => feed.tornDown(ctx.subscriptionId);
      },
    });
    s.registerSubscription({
      subscribe: 'oneshot_subscribe',
      unsubscribe: 'oneshot_unsubscribe',
      notification: 'oneshot_item',
      start: (_p, emit, ctx) => {
        emit('ready');
        emit({ finalized: '0x01' });
        ctx.close();
        emit('ignored after close');
        return () => feed.tornDown(ctx.subscriptionId);
      },
    });
    s.registerSubscription({
      subscribe: 'failing_subscribe',
      unsubscribe: 'failing_unsubscribe',
      notification: 'failing_item',
      params: tupleParams(z.boolean()),
      start: ([typed], emit) => {
        emit('never delivered');
        if (typed) throw new RpcError(1010, 'Invalid Transaction', 'Transaction is outdated');
        throw new Error('internal detail');
      },
    });
    s.registerSubscription({
      subscribe: 'other_subscribe',
      unsubscribe: 'other_unsubscribe',
      notification: 'other_item',
      start: (_p, _emit, ctx) => () => feed.tornDown(ctx.subscriptionId),
    });
  };
}

const running: Array<{ s: Started; clients: TestWs[] }> = [];

async function boot(opts: Partial<RpcServerOptions> = {}, gate?: Promise<void>) {
  const feed = new Feed();
  const s = await startServer(opts, setup(feed, gate));
  const c = await TestWs.open(s.wsUrl);
  running.push({ s, clients: [c] });
  return { s, c, feed };
}

afterEach(async () => {
  for (const { s, clients } of running.splice(0)) {
    for (const c of clients) c.ws.terminate();
    await s.server.close();
  }
});

async function subscribe(c: TestWs, method: string, params: unknown[] = []): Promise<string> {
  const r = await c.call(method, params);
  expect(r.error).toBeUndefined();
  expect(typeof r.result).toBe('string');
  return r.result as string;
}

describe('subscription ordering', () => {
  it('sends the id reply before notifications emitted synchronously in start', async () => {
    const { c, feed } = await boot();
    c.send({ jsonrpc: '2.0', id: 1, method: 'feed_subscribe', params: [3] });
    const reply = (await c.next()) as Reply;
    expect(reply.id).toBe(1);
    const id = reply.result as string;
    expect(typeof id).toBe('string');
    for (let i = 0; i < 3; i++) {
      expect(await c.next()).toEqual({ jsonrpc: '2.0', method: 'feed_item', params: { subscription: id, result: i } });
    }
    feed.publish({ block: '0xaa' });
    expect(await c.next()).toEqual({ jsonrpc: '2.0', method: 'feed_item', params: { subscription: id, result: { block: '0xaa' } } });
  });

  it('sends the id reply before notifications emitted during an asynchronous start', async () => {
    const { c } = await boot();
    c.send({ jsonrpc: '2.0', id: 'a', method: 'async_subscribe', params: [] });
    const reply = (await c.next()) as Reply;
    expect(reply.id).toBe('a');
    const results = [];
    for (let i = 0; i < 3; i++) {
      const n = (await c.next()) as Note;
      expect(n.params.subscription).toBe(reply.result);
      results.push(n.params.result);
    }
    expect(results).toEqual(['first', 'second', 'third']);
  });

  it('sends a batch reply before notifications of subscriptions started in the batch', async () => {
    const { c } = await boot();
    c.send([
      { jsonrpc: '2.0', id: 1, method: 'feed_subscribe', params: [2] },
      { jsonrpc: '2.0', id: 2, method: 'add', params: [1, 2] },
      { jsonrpc: '2.0', id: 3, method: 'async_subscribe' },
    ]);
    const batch = (await c.next()) as Reply[];
    expect(Array.isArray(batch)).toBe(true);
    expect(batch.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(batch[1].result).toBe(3);
    const notes = [];
    for (let i = 0; i < 5; i++) notes.push((await c.next()) as Note);
    expect(notes.filter((n) => n.params.subscription === batch[0].result).map((n) => n.params.result)).toEqual([0, 1]);
    expect(notes.filter((n) => n.params.subscription === batch[2].result).map((n) => n.params.result)).toEqual(['first', 'second', 'third']);
  });

  it('keeps the order for many concurrent subscriptions while items are published', async () => {
    const { c, feed } = await boot();
    for (let i = 0; i < 60; i++) {
      c.send({ jsonrpc: '2.0', id: i, method: i % 2 === 0 ? 'feed_subscribe' : 'async_subscribe', params: i % 2 === 0 ? [2] : [] });
      if (i % 7 === 0) await Promise.resolve().then(() => feed.publish(`p${i}`));
    }
    const seen: unknown[] = [];
    const replied = new Set<string>();
    while (replied.size < 60) {
      const m = await c.next();
      seen.push(m);
      if (!isNote(m)) {
        replied.add((m as Reply).result as string);
      } else {
        // No notification before its subscription's id reply.
        expect(replied.has(m.params.subscription)).toBe(true);
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(60);
  });
});

describe('ending subscriptions', () => {
  it('unsubscribe returns true once, then false; notifications stop and the teardown runs once', async () => {
    const { s, c, feed } = await boot();
    const id = await subscribe(c, 'feed_subscribe');
    expect(s.server.stats().subscriptions).toBe(1);
    expect(await c.result('feed_unsubscribe', [id])).toBe(true);
    expect(feed.teardowns).toBe(1);
    feed.publish('after');
    expect(await c.result('feed_unsubscribe', [id])).toBe(false);
    expect(await c.result('feed_unsubscribe', ['no-such-id'])).toBe(false);
    expect(await c.result('feed_unsubscribe', [12345])).toBe(false);
    expect(c.pending).toEqual([]);
    expect(feed.teardowns).toBe(1);
    expect(s.server.stats().subscriptions).toBe(0);
  });

  it('unsubscribe of another kind does not end a subscription', async () => {
    const { c, feed } = await boot();
    const id = await subscribe(c, 'feed_subscribe');
    expect(await c.result('other_unsubscribe', [id])).toBe(false);
    feed.publish('still here');
    expect(((await c.next()) as Note).params).toEqual({ subscription: id, result: 'still here' });
  });

  it('unsubscribe needs exactly one id parameter', async () => {
    const { c } = await boot();
    for (const params of [[], [true], ['a', 'b'], [{}]]) {
      expect((await c.call('feed_unsubscribe', params)).error?.code).toBe(ErrorCode.InvalidParams);
    }
  });

  it('a subscription cannot be ended through another connection', async () => {
    const { s, c, feed } = await boot();
    const other = await TestWs.open(s.wsUrl);
    running[running.length - 1].clients.push(other);
    const id = await subscribe(c, 'feed_subscribe');
    expect(await other.result('feed_unsubscribe', [id])).toBe(false);
    feed.publish(1);
    expect(((await c.next()) as Note).params.result).toBe(1);
  });

  it('ctx.close() in start delivers what was emitted before, then ends the subscription', async () => {
    const { s, c, feed } = await boot();
    const id = await subscribe(c, 'oneshot_subscribe');
    expect(((await c.next()) as Note).params).toEqual({ subscription: id, result: 'ready' });
    expect(((await c.next()) as Note).params).toEqual({ subscription: id, result: { finalized: '0x01' } });
    await feed.waitForTeardowns(1);
    expect(await c.result('oneshot_unsubscribe', [id])).toBe(false);
    expect(c.pending).toEqual([]);
    expect(s.server.stats().subscriptions).toBe(0);
  });

  it('a failing start refuses the subscription with its error and delivers nothing', async () => {
    const { s, c } = await boot();
    const typed = await c.call('failing_subscribe', [true]);
    expect(typed.error).toEqual({ code: 1010, message: 'Invalid Transaction', data: 'Transaction is outdated' });
    const internal = await c.call('failing_subscribe', [false]);
    expect(internal.error).toEqual({ code: ErrorCode.InternalError, message: 'Internal error' });
    expect(await c.result('add', [1])).toBe(1);
    expect(c.pending).toEqual([]);
    expect(s.server.stats().subscriptions).toBe(0);
  });

  it('a subscribe sent as a notification starts nothing', async () => {
    const { s, c, feed } = await boot();
    c.send({ jsonrpc: '2.0', method: 'feed_subscribe', params: [1] });
    expect(await c.result('add', [2])).toBe(2);
    expect(s.server.stats().subscriptions).toBe(0);
    expect(feed.listeners.size).toBe(0);
    expect(c.pending).toEqual([]);
  });

  it('closing the connection runs every teardown', async () => {
    const { s, c, feed } = await boot();
    await subscribe(c, 'feed_subscribe');
    await subscribe(c, 'feed_subscribe', [1]);
    await subscribe(c, 'async_subscribe');
    await subscribe(c, 'other_subscribe');
    expect(s.server.stats()).toEqual({ connections: 1, subscriptions: 4 });
    await c.close();
    await feed.waitForTeardowns(4);
    expect(feed.listeners.size).toBe(0);
    expect(s.server.stats()).toEqual({ connections: 0, subscriptions: 0 });
  });

  it('a connection closed while start is pending still gets its teardown run', async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    const { s, c, feed } = await boot({}, gate);
    c.send({ jsonrpc: '2.0', id: 1, method: 'async_subscribe' });
    // The subscription exists (starting) as soon as the server has read the request.
    while (s.server.stats().subscriptions < 1) await new Promise((r) => setImmediate(r));
    await c.close();
    open();
    await feed.waitForTeardowns(1);
    expect(s.server.stats()).toEqual({ connections: 0, subscriptions: 0 });
  });

  it('server close ends all subscriptions', async () => {
    const { s, c, feed } = await boot();
    await subscribe(c, 'feed_subscribe');
    await subscribe(c, 'feed_subscribe');
    await s.server.close();
    expect(feed.teardowns).toBe(2);
    expect(await c.closed).toBe(1001);
  });
});

describe('subscription limits', () => {
  it('refuses subscriptions beyond the per-connection limit with -32006', async () => {
    const { s, c } = await boot({ maxSubscriptionsPerConnection: 2 });
    const a = await subscribe(c, 'feed_subscribe');
    await subscribe(c, 'async_subscribe');
    const r = await c.call('feed_subscribe', []);
    expect(r.error).toEqual({ code: -32006, message: 'Too many subscriptions on the connection', data: 'Exceeded max limit of 2' });
    expect(s.lines.some((l) => l.level === 40 && l.msg === 'subscription limit reached')).toBe(true);
    // Another connection has its own allowance; freeing one slot allows a new subscription.
    const other = await TestWs.open(s.wsUrl);
    running[running.length - 1].clients.push(other);
    await subscribe(other, 'feed_subscribe');
    expect(await c.result('feed_unsubscribe', [a])).toBe(true);
    await subscribe(c, 'feed_subscribe');
  });

  it('ends a subscription whose notification is over the response size limit', async () => {
    const { s, c, feed } = await boot({ maxResponseBytes: 1_000 });
    const id = await subscribe(c, 'feed_subscribe');
    feed.publish('small');
    expect(((await c.next()) as Note).params.result).toBe('small');
    feed.publish('x'.repeat(2_000));
    expect(feed.teardowns).toBe(1);
    expect(await c.result('feed_unsubscribe', [id])).toBe(false);
    expect(s.lines.some((l) => l.level === 40 && String(l.msg).includes('notification over the size limit'))).toBe(true);
    expect(c.pending).toEqual([]);
  });
});

/** A WebSocket client written by hand so that it can stop reading: open, send one text frame, pause. */
async function stalledClient(port: number, message: string): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write(
    'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await new Promise<void>((resolve) => {
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
  const payload = Buffer.from(message);
  expect(payload.length).toBeLessThan(126);
  // FIN + text opcode; MASK bit + length; an all-zero masking key leaves the payload as is.
  socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
  socket.pause();
  return socket;
}

describe('slow clients', () => {
  it('drops a connection whose send buffer grows past the limit, and keeps serving others', async () => {
    const { s, c, feed } = await boot({ maxResponseBytes: 64 * 1024, maxBufferedBytesPerConnection: 256 * 1024 });
    // The healthy client subscribes too, and keeps reading.
    const healthyId = await subscribe(c, 'feed_subscribe');
    const slow = await stalledClient(s.port, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'feed_subscribe', params: [] }));
    while (feed.listeners.size < 2) await new Promise((r) => setImmediate(r));
    const item = 'y'.repeat(32 * 1024);
    let published = 0; // ≤ 20,000
    // Kernel socket buffers absorb a few MiB first; after that the bytes queue in the server's process.
    while (feed.teardowns === 0 && published < 20_000) {
      feed.publish(item);
      published++;
      if (published % 64 === 0) {
        // Let the healthy client drain what it has been sent.
        for (let i = 0; i < 64; i++) await c.take(isNote);
      }
    }
    expect(feed.teardowns).toBe(1);
    expect(feed.listeners.has(healthyId)).toBe(true);
    const warn = s.lines.find((l) => l.level === 40 && l.msg === 'dropping RPC connection');
    expect(String(warn?.reason)).toMatch(/send buffer over 262144 bytes/);
    expect(s.server.stats().connections).toBe(1);
    expect(await c.result('add', [5, 6])).toBe(11);
    slow.destroy();
  });
});
