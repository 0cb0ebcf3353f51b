/**
 * The heavy-call limiter (issue 9, finding 2): bounded running calls, one start per turn of the event loop,
 * round-robin across connections, -32009 beyond the queue bounds, nothing run for a closed connection; and the same
 * through a real RpcServer over WebSocket. Every assertion is on order or counts, never on time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, RpcError } from '../../../src/rpc/errors.js';
import { HeavyCallLimiter, ReadBudget, nextTurn } from '../../../src/rpc/heavy-calls.js';
import { tupleParams } from '../../../src/rpc/params.js';
import { startServer, TestWs, type Reply, type Started } from './helpers.js';

/** A promise with its resolve function. */
function gate(): { open: () => void; wait: Promise<void> } {
  let open!: () => void;
  const wait = new Promise<void>((r) => { open = r; });
  return { open, wait };
}

/** Until `cond()` holds, giving the loop turns (a safety cap, not a timing assertion). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100_000 && !cond(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(cond()).toBe(true);
}

describe('HeavyCallLimiter', () => {
  it('runs at most maxConcurrent at once and starts the others as slots free', async () => {
    const l = new HeavyCallLimiter({ maxConcurrent: 2, maxPerConnection: 10 });
    const gates = [gate(), gate(), gate(), gate()];
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const calls = gates.map((g, i) => l.run(1, async () => {
      started.push(i);
      peak = Math.max(peak, ++running);
      await g.wait;
      running--;
      return i;
    }));
    await until(() => started.length === 2);
    expect(started).toEqual([0, 1]);
    expect(l.stats()).toMatchObject({ running: 2, waiting: 2 });
    gates[1].open();
    await until(() => started.length === 3);
    expect(started).toEqual([0, 1, 2]);
    for (const g of gates) g.open();
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
    expect(l.stats()).toMatchObject({ running: 0, waiting: 0, started: 4, refused: 0 });
  });

  it('starts at most one call per turn of the event loop, each after the turn that queued it', async () => {
    const l = new HeavyCallLimiter({ maxConcurrent: 8, maxPerConnection: 8 });
    let turn = 0;
    let ticking = true;
    const tick = () => { turn++; if (ticking) setImmediate(tick); };
    setImmediate(tick);
    const turns = await Promise.all([1, 2, 3, 4, 5].map((c) => l.run(c, () => turn)));
    ticking = false;
    // Synchronous tasks: without the one-start-per-turn rule they would all see the same turn.
    for (let i = 1; i < turns.length; i++) expect(turns[i]).toBeGreaterThan(turns[i - 1]);
    expect(turns[0]).toBeGreaterThan(0); // not run in the turn that queued it
  });

  it('serves connections round-robin: one connection\'s backlog does not hold another\'s call behind it', async () => {
    const l = new HeavyCallLimiter({ maxConcurrent: 1, maxPerConnection: 1 });
    const order: string[] = [];
    const a = ['a1', 'a2', 'a3', 'a4'].map((n) => l.run(1, () => { order.push(n); }));
    const b = l.run(2, () => { order.push('b1'); });
    await Promise.all([...a, b]);
    expect(order).toEqual(['a1', 'b1', 'a2', 'a3', 'a4']);
  });

  it('keeps a connection to maxPerConnection running even when the node has free slots', async () => {
    const l = new HeavyCallLimiter({ maxConcurrent: 4, maxPerConnection: 1 });
    const g = gate();
    const order: string[] = [];
    const first = l.run(1, async () => { order.push('a1'); await g.wait; });
    const second = l.run(1, () => { order.push('a2'); });
    const other = l.run(2, () => { order.push('b1'); });
    await other;
    expect(order).toEqual(['a1', 'b1']);
    g.open();
    await Promise.all([first, second]);
    expect(order).toEqual(['a1', 'b1', 'a2']);
  });

  it('refuses with -32009 beyond the per-connection and the node-wide queue, running nothing for them', async () => {
    const l = new HeavyCallLimiter({ maxConcurrent: 1, maxPerConnection: 1, maxQueuedPerConnection: 1, maxQueued: 2 });
    let ran = 0;
    const task = () => { ran++; };
    const ok = [l.run(1, task), l.run(1, task)]; // one running slot and one place in the queue
    const overConn = l.run(1, task);
    const ok2 = l.run(2, task); // second place of the node's queue
    const overNode = l.run(3, task);
    const e1 = await overConn.then(() => null, (e: unknown) => e);
    const e2 = await overNode.then(() => null, (e: unknown) => e);
    expect(e1).toBeInstanceOf(RpcError);
    expect((e1 as RpcError).toErrorObject()).toEqual({ code: ErrorCode.ServerBusy, message: 'Server is busy, try again later', data: 'too many heavy calls waiting on this connection (limit 1)' });
    expect((e2 as RpcError).toErrorObject()).toEqual({ code: ErrorCode.ServerBusy, message: 'Server is busy, try again later', data: 'too many heavy calls waiting on the node (limit 2)' });
    await Promise.all([...ok, ok2]);
    expect(ran).toBe(3);
    expect(l.stats()).toMatchObject({ started: 3, refused: 2 });
  });

  it('never runs a call whose connection closed while it waited', async () => {
    const l = new HeavyCallLimiter({ maxConcurrent: 1, maxPerConnection: 1 });
    const g = gate();
    let closed = false;
    let ran = 0;
    const first = l.run(1, async () => { ran++; await g.wait; });
    const waiting = l.run(1, () => { ran++; }, () => closed);
    await until(() => l.stats().running === 1);
    closed = true;
    g.open();
    await first;
    const err = await waiting.then(() => null, (e: unknown) => e);
    expect((err as RpcError).code).toBe(ErrorCode.ServerBusy);
    expect(ran).toBe(1);
    expect(l.stats()).toMatchObject({ cancelled: 1, running: 0, waiting: 0 });
  });

  it('a task that throws (or rejects) fails its call and frees its slot', async () => {
    const l = new HeavyCallLimiter({ maxConcurrent: 1, maxPerConnection: 1 });
    const sync = l.run(1, () => { throw new Error('sync'); });
    const async_ = l.run(1, async () => { throw new Error('async'); });
    const after = l.run(1, () => 'ran');
    await expect(sync).rejects.toThrow('sync');
    await expect(async_).rejects.toThrow('async');
    expect(await after).toBe('ran');
    expect(l.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('rejects limits out of range', () => {
    expect(() => new HeavyCallLimiter({ maxConcurrent: 0 })).toThrow(RangeError);
    expect(() => new HeavyCallLimiter({ maxPerConnection: 1.5 })).toThrow(RangeError);
    expect(() => new HeavyCallLimiter({ maxQueued: -1 })).toThrow(RangeError);
    expect(() => new ReadBudget(0)).toThrow(RangeError);
  });
});

describe('ReadBudget', () => {
  it('asks for a yield once every readsPerTurn reads', () => {
    const b = new ReadBudget(3);
    expect([1, 2, 3, 4, 5, 6, 7].map(() => b.spend())).toEqual([false, false, true, false, false, true, false]);
    expect(b.spend(5)).toBe(true);
  });
});

describe('heavy methods on the RpcServer', () => {
  let s: Started | undefined;
  afterEach(async () => {
    await s?.server.close();
    s = undefined;
  });

  it('queues heavy calls of a batch up to the limits and refuses the rest with -32009; cheap calls are not limited', async () => {
    let ran = 0;
    s = await startServer({ heavyCalls: { maxConcurrent: 1, maxPerConnection: 1, maxQueuedPerConnection: 1 } }, (srv) => {
      srv.register({ name: 'heavy', heavy: true, params: tupleParams(), handler: () => ++ran });
      srv.register({ name: 'cheap', params: tupleParams(), handler: () => 'ok' });
    });
    const ws = await TestWs.open(s.wsUrl);
    const batch = [1, 2, 3, 4].map((id) => ({ jsonrpc: '2.0', id, method: 'heavy', params: [] }));
    batch.push({ jsonrpc: '2.0', id: 5, method: 'cheap', params: [] });
    ws.send(batch);
    const reply = (await ws.next()) as Reply[];
    expect(reply.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    expect(reply[0].result).toBe(1);
    expect(reply[1].result).toBe(2);
    for (const r of reply.slice(2, 4)) {
      expect(r.error).toEqual({ code: -32009, message: 'Server is busy, try again later', data: 'too many heavy calls waiting on this connection (limit 1)' });
    }
    expect(reply[4].result).toBe('ok');
    expect(ran).toBe(2);
    expect(s.server.heavyCallStats()).toMatchObject({ started: 2, refused: 2, running: 0, waiting: 0 });
    await ws.close();
  });

  it('answers a cheap call sent after a heavy one while the heavy one waits, and runs nothing for a closed connection', async () => {
    const g = gate();
    let ran = 0;
    s = await startServer({ heavyCalls: { maxConcurrent: 1, maxPerConnection: 1 } }, (srv) => {
      srv.register({ name: 'heavy', heavy: true, params: tupleParams(), handler: async () => { ran++; await g.wait; return 'done'; } });
      srv.register({ name: 'cheap', params: tupleParams(), handler: () => 'ok' });
    });
    const ws = await TestWs.open(s.wsUrl);
    for (const id of [1, 2, 3]) ws.send({ jsonrpc: '2.0', id, method: 'heavy', params: [] });
    await until(() => ran === 1 && s!.server.heavyCallStats().waiting === 2);
    expect(await ws.result('cheap', [])).toBe('ok');
    await ws.close();
    await until(() => s!.server.stats().connections === 0);
    g.open();
    await until(() => s!.server.heavyCallStats().cancelled === 2);
    await nextTurn();
    expect(ran).toBe(1);
  });
});
