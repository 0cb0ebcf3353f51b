/**
 * Limits and policies of a real server: connections, request/response/batch sizes, per-IP rate limit (with an
 * injected clock), safe/unsafe methods, CORS, health endpoints, messages in flight and ping.
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, UNSAFE_METHOD_MESSAGE, ensureUnsafeAllowed } from '../../../src/rpc/errors.js';
import { RpcServer, type RpcServerOptions } from '../../../src/rpc/server.js';
import { registerTestMethods } from './fixtures.js';
import { captureLogger, post, startServer, TestWs, type Reply, type Started } from './helpers.js';

const servers: Started[] = [];
const clients: TestWs[] = [];

async function boot(opts: Partial<RpcServerOptions> = {}): Promise<Started> {
  const s = await startServer(opts, (server) => {
    registerTestMethods(server);
    server.registerSubscription({
      subscribe: 'unsafe_subscribe',
      unsubscribe: 'unsafe_unsubscribe',
      notification: 'unsafe_item',
      unsafe: true,
      start: () => () => {},
    });
    server.register({
      name: 'maybeUnsafe',
      handler: (p, ctx) => {
        // Safe without parameters, unsafe with (like Substrate's state_subscribeStorage without keys).
        if (Array.isArray(p) && p.length > 0) ensureUnsafeAllowed(ctx);
        return 'ok';
      },
    });
  });
  servers.push(s);
  return s;
}

async function open(url: string, options?: Parameters<typeof TestWs.open>[1]) {
  const c = await TestWs.open(url, options);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  for (const s of servers.splice(0)) await s.server.close();
});

const call = (id: number, method: string, params: unknown[] = []) => ({ jsonrpc: '2.0', id, method, params });

describe('connections', () => {
  it('refuses WebSocket upgrades and HTTP calls beyond maxConnections with 503, and accepts again after a close', async () => {
    const s = await boot({ maxConnections: 2 });
    const a = await open(s.wsUrl);
    await open(s.wsUrl);
    await expect(TestWs.open(s.wsUrl)).rejects.toThrow('HTTP 503');
    const r = await post(s.httpUrl, call(1, 'add', [1]));
    expect(r.status).toBe(503);
    expect((r.body as Reply).error?.code).toBe(ErrorCode.ServerBusy);
    expect(s.lines.filter((l) => l.level === 40 && String(l.msg).includes('connection limit reached')).length).toBe(2);
    await a.close();
    while (s.server.stats().connections > 1) await new Promise((r2) => setImmediate(r2));
    const c = await open(s.wsUrl);
    expect(await c.result('add', [1, 2])).toBe(3);
    expect((await post(s.httpUrl, call(1, 'add', [1]))).status).toBe(503);
  });

  it('counts HTTP requests in progress against the limit', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const s = await boot({ maxConnections: 1 });
    s.server.register({ name: 'wait', handler: async () => { await gate; return 'done'; } });
    const pending = post(s.httpUrl, call(1, 'wait'));
    // Wait until the server has the first request in hand.
    let busy: Awaited<ReturnType<typeof post>>;
    for (;;) {
      busy = await post(s.httpUrl, call(2, 'add', [1]));
      if (busy.status === 503) break;
    }
    await expect(TestWs.open(s.wsUrl)).rejects.toThrow('HTTP 503');
    release();
    expect(((await pending).body as Reply).result).toBe('done');
    expect(((await post(s.httpUrl, call(3, 'add', [1]))).body as Reply).result).toBe(1);
  });
});

describe('request size', () => {
  it('over HTTP: 413 with -32007 when the body is over maxRequestBytes', async () => {
    const s = await boot({ maxRequestBytes: 1_000 });
    const ok = await post(s.httpUrl, call(1, 'echo', ['x'.repeat(900)]));
    expect(((ok.body as Reply).result as string).length).toBe(900);
    for (const n of [1_100, 100_000]) {
      const r = await post(s.httpUrl, call(1, 'echo', ['x'.repeat(n)]));
      expect(r.status).toBe(413);
      expect(r.body).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32007, message: 'Request is too big', data: 'Exceeded max limit of 1000' },
      });
    }
    // Chunked upload without a Content-Length is capped while it streams.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(s.httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 5; i++) req.write('x'.repeat(400));
      req.end();
    });
    expect(chunked).toBe(413);
    expect(((await post(s.httpUrl, call(1, 'add', [1]))).body as Reply).result).toBe(1);
  });

  it('over WebSocket: a frame over maxRequestBytes closes the connection with 1009; others are unaffected', async () => {
    const s = await boot({ maxRequestBytes: 1_000 });
    const other = await open(s.wsUrl);
    const c = await open(s.wsUrl);
    expect(((await c.call('echo', ['x'.repeat(900)])).result as string).length).toBe(900);
    c.send(call(2, 'echo', ['x'.repeat(2_000)]));
    expect(await c.closed).toBe(1009);
    expect(await other.result('add', [1])).toBe(1);
  });
});

describe('response size', () => {
  it('replaces a response over maxResponseBytes with -32008, on both transports', async () => {
    const s = await boot({ maxResponseBytes: 1_000 });
    const c = await open(s.wsUrl);
    expect(((await c.call('big', [900])).result as string).length).toBe(900);
    const expected = { code: -32008, message: 'Response is too big', data: 'Exceeded max limit of 1000' };
    expect((await c.call('big', [1_000])).error).toEqual(expected);
    expect(((await post(s.httpUrl, call(1, 'big', [5_000]))).body as Reply).error).toEqual(expected);
  });

  it('replaces a batch response over maxResponseBytes with -32011', async () => {
    const s = await boot({ maxResponseBytes: 1_000 });
    const r = await post(s.httpUrl, [call(1, 'big', [600]), call(2, 'big', [600])]);
    expect(r.body).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32011, message: 'The batch response was too large', data: 'Exceeded max limit of 1000' },
    });
  });
});

describe('batch response size over WebSocket', () => {
  it('ends subscriptions started in a batch whose response is too big, and sends none of their notifications', async () => {
    const s = await boot({ maxResponseBytes: 1_000 });
    let torn = 0;
    s.server.registerSubscription({
      subscribe: 'x_subscribe',
      unsubscribe: 'x_unsubscribe',
      notification: 'x_item',
      start: (_p, emit) => {
        emit('early');
        return () => { torn++; };
      },
    });
    const c = await open(s.wsUrl);
    c.send([
      call(1, 'x_subscribe'),
      call(2, 'big', [600]),
      { jsonrpc: '2.0', method: 'add', params: [1] },
      call(3, 'big', [600]),
      call(4, 'add', [1]),
    ]);
    expect(((await c.next()) as Reply).error?.code).toBe(ErrorCode.BatchResponseTooBig);
    expect(torn).toBe(1);
    expect(s.server.stats().subscriptions).toBe(0);
    expect(await c.result('add', [2])).toBe(2);
    expect(c.pending).toEqual([]);
  });
});

describe('batch size', () => {
  it('answers a batch over maxBatchSize with one -32010 and runs none of it', async () => {
    const s = await boot({ maxBatchSize: 3 });
    let runs = 0;
    s.server.register({ name: 'count', handler: () => ++runs });
    const ok = await post(s.httpUrl, [call(1, 'count'), call(2, 'count'), call(3, 'count')]);
    expect((ok.body as Reply[]).map((r) => r.result)).toEqual([1, 2, 3]);
    const c = await open(s.wsUrl);
    c.send([call(1, 'count'), call(2, 'count'), call(3, 'count'), call(4, 'count')]);
    expect(await c.next()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32010, message: 'The batch request was too large', data: 'Exceeded max limit of 3' },
    });
    expect(runs).toBe(3);
  });
});

describe('rate limit per IP (injected clock)', () => {
  it('refuses calls over the rate with -32029 across both transports and refills with time', async () => {
    let now = 1_000_000;
    const s = await boot({ rateLimitPerIpPerSecond: 3, clock: () => now });
    const c = await open(s.wsUrl);
    expect(await c.result('add', [1])).toBe(1);
    expect(((await post(s.httpUrl, call(1, 'add', [1]))).body as Reply).result).toBe(1);
    // A batch spends one token per call: one left, so one of these two succeeds.
    const batch = (await post(s.httpUrl, [call(1, 'add', [1]), call(2, 'add', [2])])).body as Reply[];
    expect(batch[0].result).toBe(1);
    expect(batch[1].error).toEqual({ code: -32029, message: 'Too many requests', data: 'Rate limit is 3 calls per second' });
    expect((await c.call('add', [1])).error?.code).toBe(ErrorCode.RateLimited);
    expect(s.lines.some((l) => l.level === 40 && l.msg === 'RPC rate limit exceeded')).toBe(true);
    now += 333; // 0.999 tokens
    expect((await c.call('add', [1])).error?.code).toBe(ErrorCode.RateLimited);
    now += 1; // 1.002 tokens
    expect(await c.result('add', [1])).toBe(1);
    expect((await c.call('add', [1])).error?.code).toBe(ErrorCode.RateLimited);
    now += 60_000; // refills to the burst size, no more
    for (let i = 0; i < 3; i++) expect(await c.result('add', [i])).toBe(i);
    expect((await c.call('add', [1])).error?.code).toBe(ErrorCode.RateLimited);
  });
});

describe('safe and unsafe methods', () => {
  it('in safe mode refuses unsafe methods and subscriptions with Substrate\'s -32601', async () => {
    const s = await boot({ methods: 'safe' });
    const c = await open(s.wsUrl);
    const refused = { code: -32601, message: UNSAFE_METHOD_MESSAGE };
    expect((await c.call('unsafeThing')).error).toEqual(refused);
    expect((await c.call('unsafe_subscribe')).error).toEqual(refused);
    expect((await c.call('unsafe_unsubscribe', ['x'])).error).toEqual(refused);
    expect(((await post(s.httpUrl, call(1, 'unsafeThing'))).body as Reply).error).toEqual(refused);
    expect(await c.result('maybeUnsafe')).toBe('ok');
    expect((await c.call('maybeUnsafe', [1])).error).toEqual(refused);
    // Unsafe methods are still listed, as Substrate lists them.
    expect(s.server.methodNames()).toContain('unsafeThing');
  });

  it('handlers cannot widen their own permissions through the context', async () => {
    const s = await boot({ methods: 'safe' });
    s.server.register({
      name: 'escalate',
      handler: (_p, ctx) => {
        (ctx as { unsafeAllowed: boolean }).unsafeAllowed = true;
        return 'escalated';
      },
    });
    const c = await open(s.wsUrl);
    expect((await c.call('escalate')).error?.code).toBe(ErrorCode.InternalError);
    expect((await c.call('maybeUnsafe', [1])).error?.message).toBe(UNSAFE_METHOD_MESSAGE);
  });

  it('in unsafe mode runs them', async () => {
    const s = await boot({ methods: 'unsafe' });
    const c = await open(s.wsUrl);
    expect(await c.result('unsafeThing')).toBe('done');
    expect(typeof (await c.result('unsafe_subscribe'))).toBe('string');
    expect(await c.result('maybeUnsafe', [1])).toBe('ok');
  });
});

describe('CORS', () => {
  const cors = ['https://wallet.example', 'http://localhost:*'];

  it('allows listed origins over HTTP with Access-Control-Allow-Origin and refuses others with 403', async () => {
    const s = await boot({ cors });
    const ok = await post(s.httpUrl, call(1, 'add', [1]), { origin: 'https://wallet.example' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://wallet.example');
    const port = await post(s.httpUrl, call(1, 'add', [1]), { origin: 'http://localhost:3000' });
    expect(port.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const bad = await post(s.httpUrl, call(1, 'add', [1]), { origin: 'https://evil.example' });
    expect(bad.status).toBe(403);
    const none = await post(s.httpUrl, call(1, 'add', [1]));
    expect(none.status).toBe(200);
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers preflights for allowed origins only', async () => {
    const s = await boot({ cors });
    const pre = await fetch(s.httpUrl, {
      method: 'OPTIONS',
      headers: { origin: 'https://wallet.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://wallet.example');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type');
    const bad = await fetch(s.httpUrl, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(bad.status).toBe(403);
  });

  it('refuses WebSocket upgrades from disallowed origins, allows listed ones and no Origin', async () => {
    const s = await boot({ cors });
    await expect(TestWs.open(s.wsUrl, { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(TestWs.open(s.wsUrl, { origin: 'http://localhost.evil.example' })).rejects.toThrow('HTTP 403');
    expect(await (await open(s.wsUrl, { origin: 'https://wallet.example' })).result('add', [1])).toBe(1);
    expect(await (await open(s.wsUrl, { origin: 'http://localhost:8080' })).result('add', [1])).toBe(1);
    expect(await (await open(s.wsUrl)).result('add', [1])).toBe(1);
  });

  it("'none' refuses every browser origin, 'all' accepts any", async () => {
    const none = await boot({ cors: 'none' });
    await expect(TestWs.open(none.wsUrl, { origin: 'http://localhost:1' })).rejects.toThrow('HTTP 403');
    expect((await post(none.httpUrl, call(1, 'add', [1]), { origin: 'http://localhost:1' })).status).toBe(403);
    const all = await boot({ cors: 'all' });
    expect(await (await open(all.wsUrl, { origin: 'https://anything.example' })).result('add', [1])).toBe(1);
  });
});

describe('health endpoints', () => {
  it('serve health (200/500) and readiness (200/503) as JSON', async () => {
    let ok = true;
    let ready = false;
    const s = await boot({
      health: async () => ({ ok, body: { peers: 3, isSyncing: false } }),
      readiness: async () => ({ ok: ready, body: { ready } }),
    });
    const base = `http://127.0.0.1:${s.port}`;
    let r = await fetch(`${base}/health`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await r.json()).toEqual({ peers: 3, isSyncing: false });
    ok = false;
    expect((await fetch(`${base}/health`)).status).toBe(500);
    r = await fetch(`${base}/health/readiness`);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ ready: false });
    ready = true;
    expect((await fetch(`${base}/health/readiness`)).status).toBe(200);
    expect((await fetch(`${base}/`)).status).toBe(405);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
  });

  it('report failure when the check throws, and 404 when not configured', async () => {
    const s = await boot({ health: () => Promise.reject(new Error('db down')) });
    const base = `http://127.0.0.1:${s.port}`;
    const r = await fetch(`${base}/health`);
    expect(r.status).toBe(500);
    expect(await r.json()).toEqual({ error: 'health check failed' });
    expect((await fetch(`${base}/health/readiness`)).status).toBe(404);
  });
});

describe('messages in flight per connection', () => {
  it('answers -32009 beyond maxPendingMessagesPerConnection', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const s = await boot({ maxPendingMessagesPerConnection: 2 });
    s.server.register({ name: 'wait', handler: async () => { await gate; return 'done'; } });
    const c = await open(s.wsUrl);
    c.send(call(1, 'wait'));
    c.send(call(2, 'wait'));
    c.send(call(3, 'add', [1]));
    expect(await c.next()).toEqual({ jsonrpc: '2.0', id: 3, error: { code: -32009, message: 'Server is busy, try again later' } });
    release();
    const done = [await c.next(), await c.next()] as Reply[];
    expect(done.map((r) => r.result)).toEqual(['done', 'done']);
    expect(await c.result('add', [1])).toBe(1);
  });
});

describe('ping', () => {
  it('drops a connection that does not answer pings', async () => {
    const s = await boot({ pingIntervalMs: 20 });
    const socket = net.connect(s.port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    // Read (and ignore) everything, never answering a ping.
    socket.on('data', () => {});
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => {});
    await closed;
    expect(s.lines.some((l) => l.msg === 'dropping RPC connection' && l.reason === 'no pong to the previous ping')).toBe(true);
  });
});

describe('lifecycle', () => {
  it('listen rejects when the port is taken; close is idempotent and works before listen', async () => {
    const s = await boot();
    const clash = new RpcServer({ host: '127.0.0.1', port: s.port, logger: captureLogger().logger, methods: 'safe' });
    await expect(clash.listen()).rejects.toThrow(/EADDRINUSE/);
    await clash.close();
    const never = new RpcServer({ host: '127.0.0.1', port: 0, logger: captureLogger().logger, methods: 'safe' });
    await never.close();
    await Promise.all([s.server.close(), s.server.close()]);
    await expect(TestWs.open(s.wsUrl)).rejects.toThrow();
  });

  it('refuses nonsensical limits at construction', async () => {
    const base = { host: '127.0.0.1', port: 0, logger: captureLogger().logger, methods: 'safe' as const };
    expect(() => new RpcServer({ ...base, maxConnections: 0 })).toThrow(RangeError);
    expect(() => new RpcServer({ ...base, maxBatchSize: 1.5 })).toThrow(RangeError);
    expect(() => new RpcServer({ ...base, maxResponseBytes: 1000, maxBufferedBytesPerConnection: 999 })).toThrow(RangeError);
    expect(() => new RpcServer({ ...base, rateLimitPerIpPerSecond: 0 })).toThrow(RangeError);
  });
});

describe('malformed HTTP', () => {
  it('answers a request line that is not HTTP with 400 and keeps serving', async () => {
    const s = await boot();
    const socket = net.connect(s.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d: Buffer) => { received += d.toString('latin1'); });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.write('GARBAGE /\u0000 HTTP/9\r\n\r\n');
    await closed;
    expect(received.startsWith('HTTP/1.1 400 Bad Request')).toBe(true);
    expect(((await post(s.httpUrl, call(1, 'add', [1]))).body as Reply).result).toBe(1);
  });
});
