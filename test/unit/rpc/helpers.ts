/**
 * Test helpers: a real RpcServer on an ephemeral port, a queueing WebSocket client, an HTTP poster and a pino
 * logger whose lines are kept for assertions.
 */
import { pino, type Logger } from 'pino';
import WebSocket from 'ws';
import { expect } from 'vitest';
import { RpcServer, type RpcServerOptions } from '../../../src/rpc/server.js';

/** A pino logger that keeps its parsed lines. */
export function captureLogger(level: pino.Level = 'debug'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

/** A started server and its URLs. */
export interface Started {
  server: RpcServer;
  port: number;
  wsUrl: string;
  httpUrl: string;
  lines: Array<Record<string, unknown>>;
}

/** Start a server on 127.0.0.1:0 after `setup` registers methods. */
export async function startServer(
  opts: Partial<RpcServerOptions> = {},
  setup: (s: RpcServer) => void = () => {},
): Promise<Started> {
  const { logger, lines } = captureLogger();
  const server = new RpcServer({ host: '127.0.0.1', port: 0, logger, methods: 'unsafe', cors: 'all', ...opts });
  setup(server);
  const { port } = await server.listen();
  return { server, port, wsUrl: `ws://127.0.0.1:${port}`, httpUrl: `http://127.0.0.1:${port}/`, lines };
}

/** A WebSocket client whose incoming messages queue up until a test takes them. */
export class TestWs {
  private readonly queue: unknown[] = [];
  private waiter: (() => void) | null = null;
  private nextId = 1;
  /** Resolves with the close code when the socket closes. */
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.queue.push(JSON.parse(data.toString()));
      this.wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => {
      resolve(code);
      this.wake();
    }));
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Connect; rejects with the HTTP status when the upgrade is refused. */
  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<TestWs> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new TestWs(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        reject(new Error(`HTTP ${res.statusCode}`));
        res.resume();
        ws.terminate();
      });
      ws.once('error', (err) => reject(err));
    });
  }

  /** Send a raw string or a value as JSON. */
  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Take the first queued message matching `pred`, waiting for it; rejects when the socket closes first. */
  async take(pred: (m: unknown) => boolean = () => true): Promise<unknown> {
    for (;;) {
      const i = this.queue.findIndex(pred);
      if (i >= 0) return this.queue.splice(i, 1)[0];
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('socket closed');
      await new Promise<void>((r) => { this.waiter = r; });
    }
  }

  /** Take the next message in arrival order. */
  next(): Promise<unknown> {
    return this.take();
  }

  /** Messages received and not yet taken. */
  get pending(): readonly unknown[] {
    return this.queue;
  }

  /** Call and wait for the reply with the same id. */
  async call(method: string, params?: unknown): Promise<Reply> {
    const id = this.nextId++;
    this.send({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
    return (await this.take((m) => (m as Reply).id === id)) as Reply;
  }

  /** Call, expect success, return the result. */
  async result(method: string, params?: unknown): Promise<unknown> {
    const r = await this.call(method, params);
    expect(r.error).toBeUndefined();
    return r.result;
  }

  close(): Promise<number> {
    this.ws.close();
    return this.closed;
  }
}

/** A JSON-RPC response as the tests read it. */
export interface Reply {
  jsonrpc: string;
  id: string | number | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** POST `body` (a string, or a value sent as JSON) and return status, headers and parsed body (null if empty). */
export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = null;
  if (text.length > 0 && (res.headers.get('content-type') ?? '').startsWith('application/json')) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Assert `m` is one valid JSON-RPC 2.0 response object. */
export function expectValidResponse(m: unknown): asserts m is Reply {
  expect(typeof m === 'object' && m !== null && !Array.isArray(m)).toBe(true);
  const r = m as Record<string, unknown>;
  expect(r.jsonrpc).toBe('2.0');
  expect(Object.hasOwn(r, 'id')).toBe(true);
  expect(r.id === null || typeof r.id === 'string' || typeof r.id === 'number').toBe(true);
  expect(Object.hasOwn(r, 'result') !== Object.hasOwn(r, 'error')).toBe(true);
  if (Object.hasOwn(r, 'error')) {
    const e = r.error as Record<string, unknown>;
    expect(Number.isInteger(e.code)).toBe(true);
    expect(typeof e.message).toBe('string');
  }
  const keys = Object.keys(r).sort();
  expect(keys.every((k) => ['error', 'id', 'jsonrpc', 'result'].includes(k))).toBe(true);
}

/** Assert `m` is a valid response or a non-empty batch of them. */
export function expectValidReply(m: unknown): void {
  if (Array.isArray(m)) {
    expect(m.length).toBeGreaterThan(0);
    for (const r of m) expectValidResponse(r);
  } else {
    expectValidResponse(m);
  }
}
