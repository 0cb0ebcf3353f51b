/**
 * The transport under clients that misbehave, on a real server over loopback: slow readers (backpressure), clients
 * that never read (send stall), oversized HTTP bodies, many or slow connections from one address, numeric ids a
 * double cannot hold.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/rpc/errors.js';
import { parseMessage, RawNumberId, scanIdTokens, serializeError, serializeResult, validateRequest } from '../../../src/rpc/protocol.js';
import type { RpcServerOptions } from '../../../src/rpc/server.js';
import { RawWs, readSlowly } from '../../helpers/raw-ws.js';
import { registerTestMethods } from './fixtures.js';
import { startServer, TestWs, type Reply, type Started } from './helpers.js';

const servers: Started[] = [];
const sockets: net.Socket[] = [];

const BLOB = 'b'.repeat(64 * 1024);

async function boot(opts: Partial<RpcServerOptions> = {}): Promise<Started> {
  const s = await startServer(opts, (server) => {
    registerTestMethods(server);
    server.register({ name: 'blob', handler: () => BLOB });
    // The same reply after a turn of the event loop, as a call queued behind a limiter or a worker is.
    server.register({ name: 'lateBlob', handler: async () => { await new Promise((r) => setImmediate(r)); return BLOB; } });
  });
  servers.push(s);
  return s;
}

afterEach(async () => {
  for (const so of sockets.splice(0)) so.destroy();
  for (const s of servers.splice(0)) await s.server.close();
});

const track = <T extends net.Socket>(so: T): T => {
  sockets.push(so);
  return so;
};

/** Wait (polling each turn, bounded by the test timeout) until `pred` holds. */
async function until(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setTimeout(r, 5));
}

const logged = (s: Started, msg: string) => s.lines.some((l) => l.msg === msg);

/** A raw TCP client on 127.0.0.1 (or from another loopback address); resolves once connected. */
async function connect(port: number, localAddress?: string): Promise<net.Socket> {
  const so = track(net.connect({ port, host: '127.0.0.1', ...(localAddress === undefined ? {} : { localAddress }) }));
  so.on('error', () => {});
  await new Promise<void>((r) => so.once('connect', () => r()));
  return so;
}

/** Everything the server sends on `so` until it closes the connection. */
function readAll(so: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    so.on('data', (d: Buffer) => { text += d.toString('latin1'); });
    so.once('close', () => resolve(text));
  });
}

describe('backpressure on WebSockets', () => {
  it('pauses reading for a client that reads slower than it asks, and answers every pipelined call without dropping it', async () => {
    const s = await boot({ backpressureBytesPerConnection: 256 * 1024, maxResponseBytes: 128 * 1024, maxBufferedBytesPerConnection: 1024 * 1024, sendStallTimeoutMs: 5_000 });
    const ws = await RawWs.open(s.port);
    track(ws.socket);
    const n = 400; // 400 × 64 KiB = 25 MiB of replies, 25 times the send-buffer limit
    for (let id = 1; id <= n; id++) ws.sendText(JSON.stringify({ jsonrpc: '2.0', id, method: 'blob', params: [] }));
    // The kernel buffers fill first, then the server's: it stops reading this client instead of dropping it.
    await until(() => logged(s, 'send buffer full; reading paused'));
    await readSlowly(ws, () => ws.inbox.messages.length === n, 2);
    const ids = (ws.inbox.messages as Reply[]).map((m) => m.id).sort((a, b) => Number(a) - Number(b));
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect((ws.inbox.messages as Reply[]).every((m) => m.result === BLOB)).toBe(true);
    expect(s.lines.filter((l) => l.msg === 'dropping RPC connection')).toEqual([]);
    expect(s.server.stats().connections).toBe(1);
  });

  it('holds back slow calls too: pipelined calls answered a turn later reach a slow reader without the buffer passing its hard limit', async () => {
    const s = await boot({ backpressureBytesPerConnection: 256 * 1024, maxResponseBytes: 128 * 1024, maxBufferedBytesPerConnection: 4 * 1024 * 1024, sendStallTimeoutMs: 5_000 });
    const ws = await RawWs.open(s.port);
    track(ws.socket);
    const n = 400;
    for (let id = 1; id <= n; id++) ws.sendText(JSON.stringify({ jsonrpc: '2.0', id, method: 'lateBlob', params: [] }));
    await until(() => logged(s, 'send buffer full; reading paused'));
    await readSlowly(ws, () => ws.inbox.messages.length === n, 2);
    expect(new Set((ws.inbox.messages as Reply[]).map((m) => m.id)).size).toBe(n);
    expect(s.lines.filter((l) => l.msg === 'dropping RPC connection')).toEqual([]);
  });

  it('drops a client that reads nothing once its send buffer made no progress for sendStallTimeoutMs, and never lets it grow past the bound', async () => {
    const s = await boot({ backpressureBytesPerConnection: 256 * 1024, maxResponseBytes: 128 * 1024, maxBufferedBytesPerConnection: 1024 * 1024, sendStallTimeoutMs: 300 });
    const healthy = await TestWs.open(s.wsUrl);
    const ws = await RawWs.open(s.port);
    track(ws.socket);
    for (let id = 1; id <= 400; id++) ws.sendText(JSON.stringify({ jsonrpc: '2.0', id, method: 'blob', params: [] }));
    // The client reads nothing, so it would not even see the close: watch the server's log.
    await until(() => logged(s, 'dropping RPC connection'));
    const drops = s.lines.filter((l) => l.msg === 'dropping RPC connection');
    expect(drops).toHaveLength(1);
    expect(String(drops[0].reason)).toMatch(/^client read nothing for 300 ms with \d+ bytes waiting to be sent$/);
    // Backpressure held it: about one reply over the bound, never the hard limit.
    const waiting = Number(/with (\d+) bytes/.exec(String(drops[0].reason))![1]);
    expect(waiting).toBeLessThanOrEqual(256 * 1024 + 2 * 64 * 1024 + 64);
    expect(await healthy.result('add', [2, 3])).toBe(5);
    healthy.ws.terminate();
  });
});

describe('oversized HTTP bodies', () => {
  it('answers a client that writes its whole oversized body before reading with 413 and -32007, not a reset', async () => {
    const s = await boot(); // 15 MiB, Substrate's limit
    const so = await connect(s.port);
    let writeError: unknown = null;
    so.on('error', (e) => { writeError = e; });
    const answer = readAll(so);
    const size = 16_800_000; // the reported 16.8 MB; more than the kernel buffers take while the server answers
    so.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`);
    // Written in pieces so that the kernel cannot take it all before the server answers.
    const piece = Buffer.alloc(64 * 1024, 0x20);
    for (let sent = 0; sent < size && !so.destroyed; sent += piece.length) {
      const chunk = piece.subarray(0, Math.min(piece.length, size - sent));
      if (!so.write(chunk)) await new Promise((r) => { so.once('drain', r); so.once('close', r); });
    }
    const text = await answer;
    expect(writeError).toBeNull();
    expect(text.startsWith('HTTP/1.1 413 ')).toBe(true);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Reply;
    expect(body).toEqual({ jsonrpc: '2.0', id: null, error: { code: ErrorCode.RequestTooBig, message: 'Request is too big', data: 'Exceeded max limit of 15728640' } });
  });

  it('refuses a body declared too big under Expect: 100-continue before it is sent', async () => {
    const s = await boot({ maxRequestBytes: 1_000 });
    const so = await connect(s.port);
    const answer = readAll(so);
    so.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n');
    const text = await answer;
    expect(text).not.toContain('100 Continue');
    expect(text.startsWith('HTTP/1.1 413 ')).toBe(true);
    // Under the limit, the client is told to go on and is answered.
    const ok = await connect(s.port);
    let t = '';
    ok.on('data', (d: Buffer) => { t += d.toString('latin1'); });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'add', params: [1, 2] });
    ok.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`);
    await until(() => t.includes('100 Continue'));
    ok.write(body);
    await until(() => t.includes('"result"'));
    expect(t.startsWith('HTTP/1.1 100 Continue')).toBe(true);
    expect(t).toContain('"result":3');
  });
});

describe('connections per IP and slow requests', () => {
  it('refuses connections beyond maxConnectionsPerIp with 503 on HTTP and WebSocket, while other addresses are served', async () => {
    const s = await boot({ maxConnections: 10, maxConnectionsPerIp: 3, limitLoopbackConnections: true });
    // Three unfinished bodies from 127.0.0.1 hold their connections.
    for (let i = 0; i < 3; i++) {
      const so = await connect(s.port);
      so.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"js');
    }
    const fourth = await connect(s.port);
    const answer = readAll(fourth);
    fourth.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
    const text = await answer;
    expect(text.startsWith('HTTP/1.1 503 ')).toBe(true);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: ErrorCode.ServerBusy, message: 'Too many connections, try again later', data: 'Exceeded max limit of 3 connections per IP' },
    });
    await expect(TestWs.open(s.wsUrl)).rejects.toThrow('HTTP 503');
    expect(s.lines.some((l) => l.level === 40 && l.msg === 'RPC connection limit per IP reached; connection refused')).toBe(true);
    // Another address (127.0.0.2 is loopback too) still gets in.
    const other = await RawWs.open(s.port, '127.0.0.2');
    track(other.socket);
    other.readFreely();
    other.sendText(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'add', params: [3, 4] }));
    await until(() => other.inbox.messages.length === 1);
    expect(other.inbox.messages[0]).toEqual({ jsonrpc: '2.0', id: 7, result: 7 });
  });

  it('closes a connection that does not finish its headers within headersTimeoutMs (408), and one that does not finish its body within requestTimeoutMs', async () => {
    const s = await boot({ headersTimeoutMs: 200, requestTimeoutMs: 400, maxConnectionsPerIp: 2, limitLoopbackConnections: true });
    const slowHeaders = await connect(s.port);
    const a = readAll(slowHeaders);
    slowHeaders.write('POST / HTTP/1.1\r\nHost: x\r\n');
    const slowBody = await connect(s.port);
    const b = readAll(slowBody);
    slowBody.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"js');
    expect((await a).startsWith('HTTP/1.1 408 ')).toBe(true);
    expect((await b).startsWith('HTTP/1.1 408 ')).toBe(true);
    // Their slots are free again.
    const c = await TestWs.open(s.wsUrl);
    expect(await c.result('add', [1, 1])).toBe(2);
    c.ws.terminate();
  });
});

describe('loopback clients', () => {
  it('are exempt from maxConnectionsPerIp by default (local tools, or a reverse proxy all clients share)', async () => {
    const s = await boot({ maxConnectionsPerIp: 1 });
    const a = await TestWs.open(s.wsUrl);
    const b = await TestWs.open(s.wsUrl);
    expect(await b.result('add', [1, 2])).toBe(3);
    a.ws.terminate();
    b.ws.terminate();
  });
});

describe('numeric ids beyond 2^53', () => {
  const big = '18446744073709551615';

  it('come back digit for digit, in results, errors and batches, over HTTP and WebSocket', async () => {
    const s = await boot();
    const single = `{"jsonrpc":"2.0","id":${big},"method":"add","params":[1,2]}`;
    const res = await fetch(s.httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: single });
    expect(await res.text()).toBe(`{"jsonrpc":"2.0","id":${big},"result":3}`);
    const batch = `[{"jsonrpc":"2.0","id":1,"method":"add","params":[1]},{"method":"nope","id":-9007199254740993,"jsonrpc":"2.0"},` +
      `{"jsonrpc":"2.0","id":"${big}","method":"add","params":[2]},{"jsonrpc":"2.0","params":[[1,{"id":5}]],"id":0.30000000000000000001,"method":"add"}]`;
    const br = await fetch(s.httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: batch });
    const text = await br.text();
    expect(text).toContain('{"jsonrpc":"2.0","id":1,"result":1}');
    expect(text).toContain('{"jsonrpc":"2.0","id":-9007199254740993,"error":{"code":-32601,"message":"Method not found"}}');
    expect(text).toContain(`{"jsonrpc":"2.0","id":"${big}","result":2}`);
    expect(text).toContain('"id":0.30000000000000000001,');
    const ws = await RawWs.open(s.port);
    track(ws.socket);
    const raw: string[] = [];
    ws.socket.on('data', (d: Buffer) => raw.push(d.toString('latin1')));
    ws.readFreely();
    ws.sendText(`{"jsonrpc":"2.0","id":${big}0,"method":"add","params":[5]}`);
    await until(() => ws.inbox.messages.length === 1);
    expect(raw.join('')).toContain(`{"jsonrpc":"2.0","id":${big}0,"result":5}`);
  });
});

describe('scanIdTokens', () => {
  it('finds the raw id token of the request object, or of each batch element, as JSON.parse would pick it', () => {
    expect(scanIdTokens('{"id":18446744073709551615,"method":"m"}', false)).toEqual(['18446744073709551615']);
    // Escaped key, nested "id" members ignored, the last duplicate wins, strings inside strings skipped.
    expect(scanIdTokens('{"params":[{"id":1},"\\"id\\":2"],"\\u0069d":1e400,"id" : -12345678901234567890 }', false))
      .toEqual(['-12345678901234567890']);
    expect(scanIdTokens('[ {"id":1.5}, 7, {"id":"9"}, [{"id":3}], {"x":{"id":4},"id":null}, {"id":90071992547409931}]', true))
      .toEqual(['1.5', undefined, undefined, undefined, undefined, '90071992547409931']);
  });

  it('marks only ids a double cannot hold for verbatim echo', () => {
    expect(parseMessage('{"jsonrpc":"2.0","id":9007199254740991,"method":"m"}')).toEqual({
      kind: 'single',
      value: { jsonrpc: '2.0', id: 9007199254740991, method: 'm' },
    });
    const p = parseMessage('{"jsonrpc":"2.0","id":9007199254740993,"method":"m"}');
    expect(p.kind === 'single' && p.rawId?.text).toBe('9007199254740993');
    const v = validateRequest((p as { value: unknown }).value, (p as { rawId?: RawNumberId }).rawId);
    expect(v.ok && serializeResult(v.request.id, [1])).toBe('{"jsonrpc":"2.0","id":9007199254740993,"result":[1]}');
    expect(serializeError(new RawNumberId('1e999'), { code: 1, message: 'x' })).toBe('{"jsonrpc":"2.0","id":1e999,"error":{"code":1,"message":"x"}}');
    expect(() => serializeResult(new RawNumberId('1'), () => 1)).toThrow(TypeError);
  });
});
