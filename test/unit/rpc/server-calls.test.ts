/**
 * Plain calls, every error kind, batches and notifications, over both transports of a real server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/rpc/errors.js';
import { registerTestMethods } from './fixtures.js';
import { expectValidReply, post, startServer, TestWs, type Reply, type Started } from './helpers.js';

let srv: Started;
let client: TestWs;

beforeAll(async () => {
  srv = await startServer({}, registerTestMethods);
  client = await TestWs.open(srv.wsUrl);
});

afterAll(async () => {
  await client.close();
  await srv.server.close();
});

type Transport = 'ws' | 'http';

/** Send one message that must produce exactly one reply and return it. */
async function roundTrip(t: Transport, msg: unknown): Promise<unknown> {
  if (t === 'http') {
    const r = await post(srv.httpUrl, msg);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    return r.body;
  }
  client.send(msg);
  return client.next();
}

const req = (id: unknown, method: string, params?: unknown) => ({
  jsonrpc: '2.0',
  id,
  method,
  ...(params === undefined ? {} : { params }),
});

describe.each<Transport>(['ws', 'http'])('over %s', (t) => {
  it('answers a call with its result and echoes the id', async () => {
    expect(await roundTrip(t, req(7, 'add', [2, 3]))).toEqual({ jsonrpc: '2.0', id: 7, result: 5 });
    expect(await roundTrip(t, req('abc', 'asyncAdd', [2, 3]))).toEqual({ jsonrpc: '2.0', id: 'abc', result: 5 });
    expect(await roundTrip(t, req(null, 'add', [1]))).toEqual({ jsonrpc: '2.0', id: null, result: 1 });
  });

  it('takes a trailing optional parameter as omitted, null or given', async () => {
    expect(((await roundTrip(t, req(1, 'add', [4]))) as Reply).result).toBe(4);
    expect(((await roundTrip(t, req(1, 'add', [4, null]))) as Reply).result).toBe(4);
    expect(((await roundTrip(t, req(1, 'add', [4, 1]))) as Reply).result).toBe(5);
  });

  it('treats null and missing params as empty, and passes named params to an object schema', async () => {
    expect(((await roundTrip(t, req(1, 'raw'))) as Reply).result).toEqual([]);
    expect(((await roundTrip(t, req(1, 'raw', null))) as Reply).result).toEqual([]);
    expect(((await roundTrip(t, req(1, 'raw', { x: 1 }))) as Reply).result).toEqual({ x: 1 });
    expect(((await roundTrip(t, req(1, 'named', { a: 21 }))) as Reply).result).toBe(42);
  });

  it('sends undefined results as null', async () => {
    expect(await roundTrip(t, req(3, 'undef', []))).toEqual({ jsonrpc: '2.0', id: 3, result: null });
  });

  it('gives -32700 for text that is not JSON, with id null', async () => {
    for (const bad of ['{', 'nope', '{"jsonrpc":"2.0",', '']) {
      const r = (await roundTrip(t, bad)) as Reply;
      expectValidReply(r);
      expect(r.id).toBeNull();
      expect(r.error?.code).toBe(ErrorCode.ParseError);
    }
  });

  it('gives -32700 for JSON nested deeper than 128 levels', async () => {
    const deep = `{"jsonrpc":"2.0","id":1,"method":"echo","params":[${'['.repeat(200)}${']'.repeat(200)}]}`;
    const r = (await roundTrip(t, deep)) as Reply;
    expect(r.error?.code).toBe(ErrorCode.ParseError);
    expect(r.error?.data).toMatch(/deeper than 128/);
  });

  it('gives -32600 for request objects of the wrong shape', async () => {
    const cases: Array<[unknown, string | number | null]> = [
      [{ jsonrpc: '1.0', id: 1, method: 'add' }, 1],
      [{ id: 2, method: 'add' }, 2],
      [{ jsonrpc: '2.0', id: 3, method: 5 }, 3],
      [{ jsonrpc: '2.0', id: 4 }, 4],
      [{ jsonrpc: '2.0', id: 5, method: 'add', params: 'x' }, 5],
      [{ jsonrpc: '2.0', id: 6, method: 'add', params: 7 }, 6],
      [{ jsonrpc: '2.0', id: { x: 1 }, method: 'add' }, null],
      [{ jsonrpc: '2.0', id: [1], method: 'add' }, null],
      [{ jsonrpc: '2.0', id: true, method: 'add' }, null],
      [{ jsonrpc: '2.0', method: 1, params: 'bar' }, null],
      [42, null],
      ['"a string"', null],
      ['null', null],
    ];
    for (const [msg, id] of cases) {
      const r = (await roundTrip(t, msg)) as Reply;
      expectValidReply(r);
      expect(r.error?.code, JSON.stringify(msg)).toBe(ErrorCode.InvalidRequest);
      expect(r.id).toEqual(id);
    }
  });

  it('gives -32601 for an unknown method', async () => {
    const r = (await roundTrip(t, req(9, 'nope_nothing', []))) as Reply;
    expect(r).toEqual({ jsonrpc: '2.0', id: 9, error: { code: -32601, message: 'Method not found' } });
    // Inherited object properties are not methods.
    expect(((await roundTrip(t, req(9, 'toString', []))) as Reply).error?.code).toBe(-32601);
    expect(((await roundTrip(t, req(9, '__proto__', []))) as Reply).error?.code).toBe(-32601);
  });

  it('gives -32602 naming the wrong parameter', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [['x'], /params\[0\]: expected an unsigned 32-bit integer/],
      [[1, 'y'], /params\[1\]/],
      [[1, 2, 3], /params: Too big/],
      [[], /params: Too small/],
      [[-1], /params\[0\]: expected an unsigned 32-bit integer/],
      [[2 ** 32], /unsigned 32-bit/],
      [[1.5], /unsigned 32-bit/],
      [[1e308], /unsigned 32-bit/],
      [{ a: 1 }, /^params: expected positional parameters \(a JSON array\)$/],
    ];
    for (const [params, re] of cases) {
      const r = (await roundTrip(t, req(1, 'add', params))) as Reply;
      expect(r.error?.code, JSON.stringify(params)).toBe(ErrorCode.InvalidParams);
      expect(r.error?.message).toBe('Invalid params');
      expect(r.error?.data).toMatch(re);
    }
    const h = (await roundTrip(t, req(1, 'hash', ['0x1234']))) as Reply;
    expect(h.error?.data).toMatch(/params\[0\]: expected 0x-prefixed hex of 32 bytes/);
    const ok = (await roundTrip(t, req(1, 'hash', [`0x${'AB'.repeat(32)}`]))) as Reply;
    expect(ok.result).toBe(`0x${'ab'.repeat(32)}`);
  });

  it('passes an RpcError through unchanged (Substrate 1010)', async () => {
    expect(await roundTrip(t, req(5, 'submit', ['0x00']))).toEqual({
      jsonrpc: '2.0',
      id: 5,
      error: { code: 1010, message: 'Invalid Transaction', data: 'Transaction has a bad signature' },
    });
  });

  it('turns thrown errors, rejections, non-errors and unserializable results into -32603 without leaking', async () => {
    for (const m of ['boom', 'reject', 'throwString', 'bigint']) {
      const before = srv.lines.length;
      const r = await roundTrip(t, req(1, m, []));
      expect(r).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error' } });
      // The cause is in the log at error level, with the stack for Error objects.
      const logged = srv.lines.slice(before).find((l) => l.level === 50 && l.method === m);
      expect(logged, m).toBeDefined();
      if (m === 'boom') expect(JSON.stringify(logged)).toMatch(/secret internal detail.*at /s);
    }
  });

  it('answers a batch in order, skipping notifications', async () => {
    const r = await roundTrip(t, [
      req(1, 'add', [1, 2]),
      { jsonrpc: '2.0', method: 'add', params: [5] },
      req(2, 'nope', []),
      req(3, 'asyncAdd', [1, 1]),
      5,
      req(4, 'submit', []),
    ]);
    expect(r).toEqual([
      { jsonrpc: '2.0', id: 1, result: 3 },
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'Method not found' } },
      { jsonrpc: '2.0', id: 3, result: 2 },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request', data: 'a request must be a JSON object' } },
      { jsonrpc: '2.0', id: 4, error: { code: 1010, message: 'Invalid Transaction', data: 'Transaction has a bad signature' } },
    ]);
  });

  it('gives one -32600 for an empty batch', async () => {
    const r = (await roundTrip(t, [])) as Reply;
    expect(r.id).toBeNull();
    expect(r.error?.code).toBe(ErrorCode.InvalidRequest);
  });
});

describe('notifications (no id) get no reply', () => {
  it('over ws: only the following call is answered', async () => {
    client.send({ jsonrpc: '2.0', method: 'add', params: [1, 1] });
    client.send({ jsonrpc: '2.0', method: 'boom', params: [] });
    client.send({ jsonrpc: '2.0', method: 'nope' });
    client.send([{ jsonrpc: '2.0', method: 'add', params: [1] }]);
    const r = await client.call('add', [40, 2]);
    expect(r.result).toBe(42);
    // A second round trip flushes anything the notifications might have produced.
    expect(await client.result('add', [1])).toBe(1);
    expect(client.pending).toEqual([]);
  });

  it('over http: 204 with an empty body', async () => {
    const single = await post(srv.httpUrl, { jsonrpc: '2.0', method: 'add', params: [1] });
    expect(single.status).toBe(204);
    expect(single.text).toBe('');
    const batch = await post(srv.httpUrl, [{ jsonrpc: '2.0', method: 'add', params: [1] }]);
    expect(batch.status).toBe(204);
  });
});

describe('WebSocket framing', () => {
  it('accepts JSON in binary frames and answers invalid UTF-8 with -32700', async () => {
    client.ws.send(Buffer.from(JSON.stringify(req(11, 'add', [1, 1]))), { binary: true });
    expect(await client.next()).toEqual({ jsonrpc: '2.0', id: 11, result: 2 });
    client.ws.send(Buffer.from([0xff, 0xfe, 0x00, 0x80]), { binary: true });
    const r = (await client.next()) as Reply;
    expect(r.error?.code).toBe(ErrorCode.ParseError);
    expect(await client.result('add', [3])).toBe(3);
  });

  it('answers calls on one connection independently (a slow call does not hold a fast one)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const s = await startServer({}, (server) => {
      server.register({ name: 'slow', handler: async () => { await gate; return 'slow'; } });
      server.register({ name: 'fast', handler: () => 'fast' });
    });
    const c = await TestWs.open(s.wsUrl);
    c.send(req(1, 'slow', []));
    c.send(req(2, 'fast', []));
    expect(await c.next()).toEqual({ jsonrpc: '2.0', id: 2, result: 'fast' });
    release();
    expect(await c.next()).toEqual({ jsonrpc: '2.0', id: 1, result: 'slow' });
    await c.close();
    await s.server.close();
  });
});

describe('HTTP surface', () => {
  it('refuses non-JSON content types with 415 and other paths with 404', async () => {
    const r = await fetch(srv.httpUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(r.status).toBe(415);
    const r2 = await post(`http://127.0.0.1:${srv.port}/other`, req(1, 'add', [1]));
    expect(r2.status).toBe(404);
    const r3 = await fetch(srv.httpUrl, { method: 'PUT', body: '{}' });
    expect(r3.status).toBe(405);
    // The charset parameter is fine.
    const r4 = await post(srv.httpUrl, req(1, 'add', [1]), { 'content-type': 'application/json; charset=utf-8' });
    expect((r4.body as Reply).result).toBe(1);
  });

  it('refuses subscriptions over HTTP', async () => {
    const s = await startServer({}, (server) => {
      server.registerSubscription({ subscribe: 'sub', unsubscribe: 'unsub', notification: 'note', start: () => () => {} });
    });
    for (const m of ['sub', 'unsub']) {
      const r = await post(s.httpUrl, req(1, m, m === 'unsub' ? ['x'] : []));
      expect((r.body as Reply).error).toEqual({ code: -32601, message: 'Subscriptions need a WebSocket connection' });
    }
    await s.server.close();
  });
});

describe('registration', () => {
  it('lists every method, subscribe and unsubscribe name sorted, and refuses duplicates', async () => {
    const s = await startServer({}, (server) => {
      server.register({ name: 'rpc_methods', handler: () => ({ version: 1, methods: server.methodNames() }) });
      server.register({ name: 'chain_getHeader', handler: () => null });
      server.registerSubscription({
        subscribe: ['chain_subscribeNewHead', 'chain_subscribeNewHeads'],
        unsubscribe: ['chain_unsubscribeNewHead', 'chain_unsubscribeNewHeads'],
        notification: 'chain_newHead',
        start: () => {},
      });
    });
    expect(s.server.methodNames()).toEqual([
      'chain_getHeader',
      'chain_subscribeNewHead',
      'chain_subscribeNewHeads',
      'chain_unsubscribeNewHead',
      'chain_unsubscribeNewHeads',
      'rpc_methods',
    ]);
    const r = await post(s.httpUrl, req(1, 'rpc_methods', []));
    expect((r.body as Reply).result).toEqual({ version: 1, methods: s.server.methodNames() });
    expect(() => s.server.register({ name: 'chain_getHeader', handler: () => 1 })).toThrow(/already registered/);
    expect(() =>
      s.server.registerSubscription({ subscribe: 'x_sub', unsubscribe: 'rpc_methods', notification: 'n', start: () => {} }),
    ).toThrow(/already registered/);
    // A failed registration claims nothing.
    expect(s.server.methodNames()).not.toContain('x_sub');
    await s.server.close();
  });
});
