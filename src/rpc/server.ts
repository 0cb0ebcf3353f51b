/**
 * JSON-RPC 2.0 server for Substrate clients: HTTP and WebSocket on one port, like a Substrate node on 9944.
 *
 * - `POST /` carries plain calls and batches; a WebSocket upgrade on the same port carries calls, batches and
 *   subscriptions. `GET /health` and `GET /health/readiness` serve the health callbacks.
 * - Generic: it knows nothing about the chain. Methods and subscriptions are registered with zod parameter
 *   schemas; see `README.md` beside this file for the error codes, limits and the choices made.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ErrorCode, RpcError, invalidParams, unsafeMethodRefused, type ErrorObject } from './errors.js';
import { describeIssues } from './params.js';
import {
  parseMessage,
  serializeError,
  serializeNotification,
  serializeRawResult,
  serializeResult,
  validateRequest,
  RawJson,
  type JsonRpcId,
  type RawNumberId,
  type RpcRequest,
} from './protocol.js';
import { RateLimiter, monotonicClock, type Clock } from './rate-limit.js';
import { DEFAULT_CORS_ORIGINS, isOriginAllowed, type CorsPolicy } from './cors.js';
import { HeavyCallLimiter, type HeavyCallLimits } from './heavy-calls.js';

/** Who is calling, handed to every handler. */
export interface RpcContext {
  /** Unique per WebSocket connection and per HTTP request, 1 ≤ connectionId ≤ 2^53. */
  connectionId: number;
  /** Peer address of the TCP connection (IPv4-mapped IPv6 addresses shown as IPv4). */
  ip: string;
  transport: 'ws' | 'http';
  /** False when the server runs with `methods: 'safe'`; see `ensureUnsafeAllowed`. */
  unsafeAllowed: boolean;
}

/** Context of a running subscription. */
export interface SubscriptionContext extends RpcContext {
  /** The id the client received. */
  subscriptionId: string;
  /**
   * End the subscription from the server side (e.g. after an extrinsic's `finalized` status). Notifications
   * emitted before are still delivered; the teardown runs once. Idempotent.
   */
  close(): void;
}

/** Releases what a subscription holds; called exactly once. */
export type Teardown = () => void;

/** A plain method. */
export interface MethodDef<S extends z.ZodType = z.ZodType> {
  name: string;
  /** Refused (as Substrate does: -32601) when the server runs with `methods: 'safe'`. */
  unsafe?: boolean;
  /** Schema of the parameters, usually `tupleParams(...)`; without it the handler gets the raw params (`[]` when absent). */
  params?: S;
  /**
   * Costly (large results, scans, runtime calls): runs under the server's heavy-call limits, in a turn of the event
   * loop of its own, or is refused with -32009 when too many wait (see `heavy-calls.ts`).
   */
  heavy?: boolean;
  /** Returns the JSON result (`undefined` is sent as `null`). Throw `RpcError` for an expected failure. */
  handler(params: z.output<S>, ctx: RpcContext): unknown;
}

/** A subscription: a subscribe method, its unsubscribe method(s) and the notification name. */
export interface SubscriptionDef<S extends z.ZodType = z.ZodType> {
  /** Subscribe method name, or names when there are aliases (`chain_subscribeNewHead`, `chain_subscribeNewHeads`). */
  subscribe: string | readonly string[];
  /** Unsubscribe method name(s). They only end subscriptions made through this definition. */
  unsubscribe: string | readonly string[];
  /** `method` of the notifications, e.g. `chain_newHead`. */
  notification: string;
  unsafe?: boolean;
  params?: S;
  /**
   * Start the subscription: call `emit(result)` for each notification, and return the teardown (or nothing).
   * The server sends the subscription id reply before any notification, even one emitted synchronously here.
   * Throwing (or rejecting) refuses the subscription with that error; `emit` after the end is ignored.
   */
  start(
    params: z.output<S>,
    emit: (result: unknown) => void,
    ctx: SubscriptionContext,
  ): Teardown | void | Promise<Teardown | void>;
}

/** What a health callback reports: `ok` picks the HTTP status, `body` is sent as JSON. */
export interface HealthReport {
  ok: boolean;
  body: unknown;
}

/** Server options. Sizes in bytes. */
export interface RpcServerOptions {
  host: string;
  /** TCP port, 0 for an ephemeral one (see `listen()`'s result). */
  port: number;
  logger: Logger;
  /** `'safe'` refuses methods marked `unsafe`. */
  methods: 'safe' | 'unsafe';
  /** Open WebSocket connections plus HTTP requests in progress, 1 ≤ n; default 100 (Substrate's). */
  maxConnections?: number;
  /**
   * TCP connections open from one client IP (HTTP, keep-alive or WebSocket), 1 ≤ n; default 20. A request on a
   * connection beyond it gets 503 (-32009) and the connection is closed, so one address cannot take every slot.
   */
  maxConnectionsPerIp?: number;
  /**
   * Whether `maxConnectionsPerIp` also applies to loopback clients (127.0.0.0/8, ::1); default false: they are the
   * operator's own tools, or a reverse proxy through which every client would share one address.
   */
  limitLoopbackConnections?: boolean;
  /** Milliseconds a client has to send a request's headers, 1 ≤ n ≤ requestTimeoutMs; default 10,000. Then 408 and close. */
  headersTimeoutMs?: number;
  /** Milliseconds a client has to send a whole request, headers and body, 1 ≤ n; default 30,000. Then 408 and close. */
  requestTimeoutMs?: number;
  /** Request message/body size, default 15 MiB (Substrate's). */
  maxRequestBytes?: number;
  /** Response size, for one response, a batch response and one notification; default 15 MiB (Substrate's). */
  maxResponseBytes?: number;
  /** Entries in a batch, 1 ≤ n; default 1,000. */
  maxBatchSize?: number;
  /** Subscriptions per WebSocket connection, default 1,024 (Substrate's). */
  maxSubscriptionsPerConnection?: number;
  /**
   * Backpressure: while more than this many bytes wait in a WebSocket's send buffer, the server reads and runs no
   * further messages from it (the socket is paused, as jsonrpsee stops reading while its sink is full) until the
   * client has read the buffer empty. 1 ≤ n ≤ maxBufferedBytesPerConnection; default 1 MiB.
   */
  backpressureBytesPerConnection?: number;
  /**
   * Bytes queued for sending on one WebSocket beyond which it is dropped. With backpressure only what cannot be
   * held back reaches it: replies to calls already running and notifications that outpace the client. At least
   * `maxResponseBytes`; default twice `maxResponseBytes`.
   */
  maxBufferedBytesPerConnection?: number;
  /**
   * A WebSocket whose send buffer holds bytes and has not shrunk by one byte for this many milliseconds (the client
   * reads nothing) is dropped. 0 disables; default 30,000.
   */
  sendStallTimeoutMs?: number;
  /** Messages being processed at once on one WebSocket; beyond it calls get -32009; default 1,024. */
  maxPendingMessagesPerConnection?: number;
  /** Calls per second (and burst) per client IP, integer ≥ 1; default unlimited. */
  rateLimitPerIpPerSecond?: number;
  /** Clock of the rate limiter, milliseconds; default monotonic. */
  clock?: Clock;
  /** Allowed browser origins; default Substrate's localhost + polkadot.js.org list. */
  cors?: CorsPolicy;
  /** WebSocket ping period; a connection that has not answered the previous ping is dropped. 0 disables; default 30 s. */
  pingIntervalMs?: number;
  /** Limits on heavy calls (methods registered with `heavy: true`); defaults in `DEFAULT_HEAVY_CALL_LIMITS`. */
  heavyCalls?: Partial<HeavyCallLimits>;
  /** `GET /health`: 200 when ok, else 500. 404 when absent. */
  health?: () => Promise<HealthReport>;
  /** `GET /health/readiness`: 200 when ok, else 503. 404 when absent. */
  readiness?: () => Promise<HealthReport>;
}

const MiB = 1024 * 1024;

type Entry =
  | { kind: 'method'; def: MethodDef }
  | { kind: 'subscribe'; def: SubscriptionDef }
  | { kind: 'unsubscribe'; def: SubscriptionDef };

/** Corked bytes on a WebSocket that are written out at once rather than at the end of the turn. */
const CORK_FLUSH_BYTES = 64 * 1024;

/**
 * Microtask hops a call may take and still count as answered before the next message of its connection starts.
 * A synchronous handler's reply is queued about 10 hops after it starts.
 */
const QUICK_CALL_HOPS = 64;

/**
 * Calls started and unanswered on one WebSocket (0 < n) beyond which the next starts only once per event-loop turn,
 * while the client keeps up.
 */
const PUMP_WINDOW = 32;

/** Resolves when `done` has, or after QUICK_CALL_HOPS microtask hops, whichever is first. */
async function settled(done: Promise<void>): Promise<void> {
  let finished = false;
  void done.then(() => { finished = true; });
  for (let i = 0; i < QUICK_CALL_HOPS && !finished; i++) await undefined;
}

/** Monotonic milliseconds, for the send-stall timer. */
const now = (): number => performance.now();

interface Connection {
  ctx: RpcContext;
  /** Absent for an HTTP request. */
  ws?: WebSocket;
  /** The WebSocket's TCP socket, corked while messages of one event-loop turn gather (see `send`). */
  socket?: Duplex;
  /** Whether `socket` is corked until the end of this turn. */
  corked?: boolean;
  subscriptions: Map<string, Subscription>;
  /** Messages in processing, 0 ≤ pending ≤ maxPendingMessagesPerConnection + 1. */
  pending: number;
  closed: boolean;
  /** A pong (or any message) arrived since the last ping. */
  alive: boolean;
  /**
   * Messages received and not yet started, in order. Bounded: the socket is paused while it holds
   * `maxPendingMessagesPerConnection` messages or `maxRequestBytes` bytes, or while the send buffer is over the
   * backpressure bound.
   */
  inbox: Buffer[];
  /** Bytes in `inbox`. */
  inboxBytes: number;
  /** `pump` is running for this connection. */
  pumping: boolean;
  /** Reading stopped because the send buffer is over the backpressure bound; the socket's `drain` resumes it. */
  waitingForDrain: boolean;
  /** Writes completed (handed to the kernel) on the socket, counted by the send callbacks; ≤ 2^53. */
  flushes: number;
  /** What the stall check saw last: `flushes` and the bytes still to write of the write in progress. */
  seen: { flushes: number; writeQueue: number };
  /** When the send buffer last made progress, or was empty (monotonic ms). */
  progressAt: number;
  /** When progress was last seen on a non-empty send buffer (monotonic ms); -∞ when never. */
  drainProgressAt: number;
  /** Backpressure paused reading since the last ping. */
  backlogged: boolean;
}

interface Subscription {
  id: string;
  def: SubscriptionDef;
  conn: Connection;
  /** `starting`: id reply not yet sent, notifications are queued; `active`: sent directly; `closed`: dropped. */
  state: 'starting' | 'active' | 'closed';
  /** Serialized notifications emitted before the id reply went out. */
  queue: string[];
  /** Bytes in `queue`, ≤ maxBufferedBytesPerConnection. */
  queuedBytes: number;
  /** `close()` was called while starting; honoured once the queue is flushed. */
  closeRequested: boolean;
  teardown: Teardown | null;
}

/** What one call produced: the serialized reply (none for a notification) and a subscription awaiting its reply. */
interface CallOutcome {
  /** A Buffer for a `RawJson` result (UTF-8 JSON text, sent as a text frame). */
  reply: string | Buffer | null;
  /** UTF-8 length of `reply`, ≤ maxResponseBytes plus the length of an error reply. */
  bytes: number;
  subscription?: Subscription;
}

const NO_REPLY: CallOutcome = Object.freeze({ reply: null, bytes: 0 });

function errorOutcome(id: JsonRpcId, error: ErrorObject): CallOutcome {
  const reply = serializeError(id, error);
  return { reply, bytes: Buffer.byteLength(reply) };
}

const UNSUBSCRIBE_PARAMS = z.tuple([z.union([z.string(), z.number()])]);
const utf8Fatal = new TextDecoder('utf-8', { fatal: true });

function namesOf(n: string | readonly string[]): readonly string[] {
  return typeof n === 'string' ? [n] : n;
}

function normalizeIp(ip: string | undefined): string {
  if (ip === undefined) return 'unknown';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/** A connection's bookkeeping; the WebSocket fields are set by the caller. */
function newConnection(ctx: RpcContext): Connection {
  return {
    ctx,
    subscriptions: new Map(),
    pending: 0,
    closed: false,
    alive: true,
    inbox: [],
    inboxBytes: 0,
    pumping: false,
    waitingForDrain: false,
    flushes: 0,
    seen: { flushes: 0, writeQueue: 0 },
    progressAt: 0,
    drainProgressAt: Number.NEGATIVE_INFINITY,
    backlogged: false,
  };
}

/**
 * Bytes of the write in progress that the kernel has not taken yet (libuv's write queue), which shrinks with every
 * partial write; 0 when unknown. `writableLength` only changes when a whole write completes.
 */
function writeQueueSizeOf(socket: Duplex | undefined): number {
  const handle = (socket as { _handle?: { writeQueueSize?: unknown } } | undefined)?._handle;
  return typeof handle?.writeQueueSize === 'number' ? handle.writeQueueSize : 0;
}

/** 127.0.0.0/8 or ::1 (after `normalizeIp`). */
function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.');
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** The JSON-RPC server. Register methods, then `listen()`; `close()` ends every connection and subscription. */
export class RpcServer {
  private readonly log: Logger;
  private readonly entries = new Map<string, Entry>();
  private readonly wsConnections = new Set<Connection>();
  private readonly http: http.Server;
  private readonly wss: WebSocketServer;
  private readonly limiter: RateLimiter | null;
  private readonly heavy: HeavyCallLimiter;
  private readonly cors: CorsPolicy;
  private readonly maxConnections: number;
  private readonly maxRequestBytes: number;
  private readonly maxResponseBytes: number;
  private readonly maxBatchSize: number;
  private readonly maxSubscriptions: number;
  private readonly maxBuffered: number;
  private readonly backpressureBytes: number;
  /** Milliseconds, 0 = no stall check. */
  private readonly stallMs: number;
  private readonly maxPending: number;
  private readonly maxPerIp: number;
  /** Open TCP connections per client IP; an entry exists only while its count is ≥ 1. */
  private readonly perIp = new Map<string, number>();
  /** Sockets accepted beyond `maxPerIp`: their first request is refused and they are closed. */
  private readonly overIpLimit = new WeakSet<Duplex>();
  private stallTimer: NodeJS.Timeout | null = null;
  /** Resolves at the next event-loop turn; shared by every connection's `pump`. */
  private turn: Promise<void> | null = null;
  private readonly unsafeAllowed: boolean;
  /** HTTP requests in progress, ≤ maxConnections. */
  private activeHttp = 0;
  /** Last connection id handed out, ≤ 2^53. */
  private lastConnectionId = 0;
  private pingTimer: NodeJS.Timeout | null = null;
  private listening = false;
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: RpcServerOptions) {
    this.log = opts.logger.child({ component: 'rpc' });
    this.maxConnections = positiveInt('maxConnections', opts.maxConnections, 100);
    this.maxRequestBytes = positiveInt('maxRequestBytes', opts.maxRequestBytes, 15 * MiB);
    this.maxResponseBytes = positiveInt('maxResponseBytes', opts.maxResponseBytes, 15 * MiB);
    this.maxBatchSize = positiveInt('maxBatchSize', opts.maxBatchSize, 1_000);
    this.maxSubscriptions = positiveInt('maxSubscriptionsPerConnection', opts.maxSubscriptionsPerConnection, 1_024);
    this.maxBuffered = positiveInt('maxBufferedBytesPerConnection', opts.maxBufferedBytesPerConnection, 2 * this.maxResponseBytes);
    // A smaller buffer would drop every client that is sent one maximal response.
    if (this.maxBuffered < this.maxResponseBytes) throw new RangeError('maxBufferedBytesPerConnection must be ≥ maxResponseBytes');
    this.backpressureBytes = positiveInt('backpressureBytesPerConnection', opts.backpressureBytesPerConnection, Math.min(MiB, this.maxBuffered));
    if (this.backpressureBytes > this.maxBuffered) throw new RangeError('backpressureBytesPerConnection must be ≤ maxBufferedBytesPerConnection');
    this.stallMs = opts.sendStallTimeoutMs ?? 30_000;
    if (!Number.isSafeInteger(this.stallMs) || this.stallMs < 0) throw new RangeError(`sendStallTimeoutMs must be a non-negative integer, got ${this.stallMs}`);
    this.maxPending = positiveInt('maxPendingMessagesPerConnection', opts.maxPendingMessagesPerConnection, 1_024);
    this.maxPerIp = positiveInt('maxConnectionsPerIp', opts.maxConnectionsPerIp, 20);
    const requestTimeout = positiveInt('requestTimeoutMs', opts.requestTimeoutMs, 30_000);
    const headersTimeout = positiveInt('headersTimeoutMs', opts.headersTimeoutMs, Math.min(10_000, requestTimeout));
    // Node refuses a header deadline later than the request deadline.
    if (headersTimeout > requestTimeout) throw new RangeError('headersTimeoutMs must be ≤ requestTimeoutMs');
    this.limiter = opts.rateLimitPerIpPerSecond === undefined
      ? null
      : new RateLimiter(opts.rateLimitPerIpPerSecond, opts.clock ?? monotonicClock);
    this.cors = opts.cors ?? DEFAULT_CORS_ORIGINS;
    this.heavy = new HeavyCallLimiter(opts.heavyCalls);
    this.unsafeAllowed = opts.methods === 'unsafe';

    this.http = http.createServer(
      {
        // Slowloris: a client trickling headers or a body holds a socket (and, for a body, a connection slot) only
        // this long; Node answers 408 and closes. The check runs every quarter deadline, at most once a second.
        headersTimeout,
        requestTimeout,
        connectionsCheckingInterval: Math.min(1_000, Math.max(10, Math.floor(headersTimeout / 4))),
      },
      (req, res) => this.onHttpRequest(req, res, false),
    );
    // `Expect: 100-continue`: a body declared too big is refused before the client sends it.
    this.http.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => this.onHttpRequest(req, res, true));
    this.http.on('connection', (socket: Duplex & { remoteAddress?: string }) => this.onTcpConnection(socket));
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.maxRequestBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.http.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    this.http.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      // Headers or body not complete within their deadline (slowloris) is not a malformed request.
      const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      this.log.debug({ err: err.message, ip: normalizeIp((socket as Duplex & { remoteAddress?: string }).remoteAddress) }, timedOut ? 'HTTP request not received in time' : 'malformed HTTP request');
      const status = timedOut ? '408 Request Timeout' : '400 Bad Request';
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      else socket.destroy();
    });
  }

  // ------------------------------------------------------------------ registration

  /** Register a method. Throws when the name is taken. */
  register<S extends z.ZodType>(def: MethodDef<S>): void {
    this.claim(def.name, { kind: 'method', def: def as unknown as MethodDef });
  }

  /** Register a subscription (its subscribe and unsubscribe names). Throws when a name is taken. */
  registerSubscription<S extends z.ZodType>(def: SubscriptionDef<S>): void {
    const d = def as unknown as SubscriptionDef;
    const names = [...namesOf(d.subscribe), ...namesOf(d.unsubscribe)];
    if (new Set(names).size !== names.length) throw new Error(`duplicate name in subscription ${names.join(', ')}`);
    for (const n of names) if (this.entries.has(n)) throw new Error(`RPC method ${n} is already registered`);
    for (const n of namesOf(d.subscribe)) this.claim(n, { kind: 'subscribe', def: d });
    for (const n of namesOf(d.unsubscribe)) this.claim(n, { kind: 'unsubscribe', def: d });
  }

  private claim(name: string, entry: Entry): void {
    if (name.length === 0) throw new Error('RPC method name must not be empty');
    if (this.entries.has(name)) throw new Error(`RPC method ${name} is already registered`);
    this.entries.set(name, entry);
  }

  /** Every registered name (methods, subscribe and unsubscribe), sorted by code unit: what `rpc_methods` lists. */
  methodNames(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Open WebSocket connections and their subscriptions (for metrics and tests). */
  stats(): { connections: number; subscriptions: number } {
    let subscriptions = 0;
    for (const c of this.wsConnections) subscriptions += c.subscriptions.size;
    return { connections: this.wsConnections.size, subscriptions };
  }

  /** Heavy calls running and waiting, and counts of those started, refused and cancelled (for metrics and tests). */
  heavyCallStats(): ReturnType<HeavyCallLimiter['stats']> {
    return this.heavy.stats();
  }

  // ------------------------------------------------------------------ lifecycle

  /** Start listening; resolves with the bound port. */
  async listen(): Promise<{ port: number }> {
    if (this.listening) throw new Error('RpcServer is already listening');
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.http.once('error', onError);
      this.http.listen(this.opts.port, this.opts.host, () => {
        this.http.off('error', onError);
        resolve();
      });
    });
    this.listening = true;
    this.http.on('error', (err) => this.log.error({ err }, 'RPC server error'));
    const interval = this.opts.pingIntervalMs ?? 30_000;
    if (interval > 0) {
      this.pingTimer = setInterval(() => this.pingAll(), interval);
      this.pingTimer.unref();
    }
    if (this.stallMs > 0) {
      // Drops happen between stallMs and 1.25 × stallMs (or stallMs + 1 s) after the last progress.
      this.stallTimer = setInterval(() => this.checkStalls(), Math.min(1_000, Math.max(10, Math.floor(this.stallMs / 4))));
      this.stallTimer.unref();
    }
    const address = this.http.address();
    const port = typeof address === 'object' && address !== null ? address.port : this.opts.port;
    this.log.info({ host: this.opts.host, port, methods: this.opts.methods }, 'RPC server listening');
    return { port };
  }

  /** Stop accepting, close every WebSocket (1001) and HTTP connection, end every subscription. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    if (this.stallTimer !== null) clearInterval(this.stallTimer);
    const closed = this.listening
      ? new Promise<void>((resolve) => this.http.close(() => resolve()))
      : Promise.resolve();
    this.http.closeAllConnections();
    const sockets = [...this.wsConnections].map((conn) => new Promise<void>((resolve) => {
      const ws = conn.ws!;
      ws.once('close', () => resolve());
      ws.close(1001, 'server shutting down');
    }));
    // Clients get a moment to answer the close handshake; the rest are cut.
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(sockets), new Promise<void>((r) => { grace = setTimeout(r, 1_000); })]);
    clearTimeout(grace);
    for (const conn of this.wsConnections) {
      this.closeConnection(conn);
      conn.ws!.terminate();
    }
    await closed;
    this.log.info('RPC server closed');
  }

  private pingAll(): void {
    const t = now();
    for (const conn of this.wsConnections) {
      // A client working through a backlog reads the ping only after the replies queued before it: while it makes
      // progress, the send-stall check (not the missing pong) decides whether it is gone.
      const reading = conn.backlogged && t - conn.drainProgressAt < (this.opts.pingIntervalMs ?? 30_000);
      if (!conn.alive && !reading) {
        this.dropConnection(conn, 'no pong to the previous ping');
        continue;
      }
      conn.alive = false;
      conn.backlogged = conn.waitingForDrain;
      conn.ws!.ping();
    }
  }

  /**
   * Drop every WebSocket whose send buffer has held bytes without any progress for `stallMs`: the client reads
   * nothing. Progress is a write completing or the write in progress shrinking (a partial write to the kernel).
   */
  private checkStalls(): void {
    const t = now();
    for (const conn of this.wsConnections) {
      const ws = conn.ws!;
      const buffered = ws.bufferedAmount;
      const writeQueue = writeQueueSizeOf(conn.socket);
      const moved = conn.flushes !== conn.seen.flushes || writeQueue !== conn.seen.writeQueue;
      conn.seen = { flushes: conn.flushes, writeQueue };
      if (buffered === 0 || moved) {
        conn.progressAt = t;
        if (buffered > 0) conn.drainProgressAt = t;
        // Should a `drain` ever be missed, reading resumes here.
        if (conn.waitingForDrain && buffered <= this.backpressureBytes) this.onDrain(conn);
        continue;
      }
      if (t - conn.progressAt >= this.stallMs) {
        this.dropConnection(conn, `client read nothing for ${this.stallMs} ms with ${buffered} bytes waiting to be sent`);
      }
    }
  }

  private onTcpConnection(socket: Duplex & { remoteAddress?: string }): void {
    const ip = normalizeIp(socket.remoteAddress);
    const count = (this.perIp.get(ip) ?? 0) + 1;
    this.perIp.set(ip, count);
    socket.once('close', () => {
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left <= 0) this.perIp.delete(ip);
      else this.perIp.set(ip, left);
    });
    if (count > this.maxPerIp && (this.opts.limitLoopbackConnections === true || !isLoopback(ip))) {
      this.overIpLimit.add(socket);
      this.log.warn({ ip, limit: this.maxPerIp }, 'RPC connection limit per IP reached; connection refused');
    }
  }

  // ------------------------------------------------------------------ HTTP

  private connectionCount(): number {
    return this.wsConnections.size + this.activeHttp;
  }

  private corsHeaders(origin: string | undefined): Record<string, string> {
    return origin === undefined ? {} : { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  }

  private onHttpRequest(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean): void {
    try {
      this.routeHttpRequest(req, res, expectsContinue);
    } catch (err) {
      this.log.error({ err }, 'unexpected failure routing an HTTP request');
      if (!res.headersSent) this.sendPlain(res, 500, 'Internal error');
      else res.destroy();
    }
  }

  private routeHttpRequest(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean): void {
    res.on('error', (err) => this.log.debug({ err: err.message }, 'HTTP response error'));
    req.on('error', (err) => this.log.debug({ err: err.message }, 'HTTP request error'));
    const path = (req.url ?? '/').split('?', 1)[0];
    const origin = req.headers.origin;
    const method = req.method ?? 'GET';

    if (this.overIpLimit.has(req.socket)) {
      res.shouldKeepAlive = false;
      return this.sendJson(res, 503, serializeError(null, {
        code: ErrorCode.ServerBusy,
        message: 'Too many connections, try again later',
        data: `Exceeded max limit of ${this.maxPerIp} connections per IP`,
      }), origin);
    }

    if (method === 'GET' || method === 'HEAD') {
      if (path === '/health') return void this.serveHealth(res, this.opts.health, 500);
      if (path === '/health/readiness') return void this.serveHealth(res, this.opts.readiness, 503);
      if (path === '/') return this.sendPlain(res, 405, 'Use POST for JSON-RPC calls, or a WebSocket upgrade', { Allow: 'POST, OPTIONS' });
      return this.sendPlain(res, 404, 'Not found');
    }
    if (method === 'OPTIONS') {
      if (!isOriginAllowed(this.cors, origin)) return this.sendPlain(res, 403, 'Origin not allowed');
      res.writeHead(204, {
        ...this.corsHeaders(origin),
        'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'content-type',
        'Access-Control-Max-Age': '86400',
      });
      return void res.end();
    }
    if (method !== 'POST') return this.sendPlain(res, 405, 'Method not allowed', { Allow: 'GET, POST, OPTIONS' });
    if (path !== '/') return this.sendPlain(res, 404, 'Not found');
    if (!isOriginAllowed(this.cors, origin)) {
      this.log.debug({ origin }, 'HTTP request from a disallowed origin');
      return this.sendPlain(res, 403, 'Origin not allowed');
    }
    // Requiring JSON makes a browser preflight every cross-origin call, so the origin policy also stops
    // "simple" form posts (CSRF) from reaching methods.
    const contentType = (req.headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase();
    if (contentType !== 'application/json') return this.sendPlain(res, 415, 'Content-Type must be application/json');
    if (this.closing !== null || this.connectionCount() >= this.maxConnections) {
      this.log.warn({ limit: this.maxConnections }, 'RPC connection limit reached; HTTP request refused');
      return this.sendJson(res, 503, serializeError(null, { code: ErrorCode.ServerBusy, message: 'Too many connections, try again later' }), origin);
    }
    this.activeHttp++;
    let counted = true;
    res.once('close', () => {
      if (counted) this.activeHttp--;
      counted = false;
    });
    this.readBody(req, res, origin, expectsContinue);
  }

  /**
   * Collect the body and answer it. A body over `maxRequestBytes` is answered at once with 413 (-32007) while the
   * server keeps reading and discarding it, up to twice the limit; the connection is closed once the body has
   * ended. So a client that writes its whole body before reading (most do) finds the answer instead of a reset
   * socket (EPIPE). Past the discard cap the socket is cut. With `Expect: 100-continue`, a declared length over
   * the limit is refused before the client sends the body.
   */
  private readBody(req: http.IncomingMessage, res: http.ServerResponse, origin: string | undefined, expectsContinue: boolean): void {
    const discardCap = 2 * this.maxRequestBytes;
    const refuse = () => {
      this.log.warn({ limit: this.maxRequestBytes }, 'HTTP request body over the size limit');
      this.sendJson(res, 413, serializeError(null, {
        code: ErrorCode.RequestTooBig,
        message: 'Request is too big',
        data: `Exceeded max limit of ${this.maxRequestBytes}`,
      }), origin);
    };
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > this.maxRequestBytes && expectsContinue) {
      // The client waits for 100 Continue and never sends the body: answer and close.
      res.shouldKeepAlive = false;
      return refuse();
    }
    if (expectsContinue) res.writeContinue();
    const chunks: Buffer[] = [];
    let size = 0; // ≤ discardCap + one chunk
    let over = false;
    const discard = () => {
      over = true;
      chunks.length = 0;
      // Not closing here: Node would reset the socket while the client still writes, and the client would see
      // EPIPE instead of this answer.
      refuse();
    };
    if (declared > this.maxRequestBytes) discard();
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (!over && size > this.maxRequestBytes) discard();
      if (!over) return void chunks.push(chunk);
      if (size > discardCap) {
        this.log.warn({ cap: discardCap }, 'HTTP request body over the discard cap; connection cut');
        req.socket.destroy();
      }
    });
    req.on('end', () => {
      if (over) return void req.socket.end();
      const conn = newConnection(Object.freeze({
        connectionId: this.nextConnectionId(),
        ip: normalizeIp(req.socket.remoteAddress),
        transport: 'http' as const,
        unsafeAllowed: this.unsafeAllowed,
      }));
      conn.pending = 1;
      void this.answerHttp(conn, Buffer.concat(chunks), res, origin);
    });
  }

  private async answerHttp(conn: Connection, body: Buffer, res: http.ServerResponse, origin: string | undefined): Promise<void> {
    try {
      const { reply } = await this.processBytes(conn, body, false);
      if (reply !== null) return this.sendJson(res, 200, reply, origin);
      res.writeHead(204, this.corsHeaders(origin));
      res.end();
    } catch (err) {
      this.log.error({ err }, 'unexpected failure answering an HTTP request');
      if (!res.headersSent) {
        this.sendJson(res, 500, serializeError(null, { code: ErrorCode.InternalError, message: 'Internal error' }), origin);
      }
    }
  }

  private sendPlain(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  private sendJson(res: http.ServerResponse, status: number, body: string | Buffer, origin: string | undefined): void {
    if (res.headersSent) return;
    res.writeHead(status, {
      ...this.corsHeaders(origin),
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  private async serveHealth(
    res: http.ServerResponse,
    check: (() => Promise<HealthReport>) | undefined,
    failStatus: number,
  ): Promise<void> {
    if (check === undefined) return this.sendPlain(res, 404, 'Not found');
    let status = failStatus;
    let body: string;
    try {
      const report = await check();
      body = JSON.stringify(report.body ?? null);
      status = report.ok ? 200 : failStatus;
    } catch (err) {
      this.log.warn({ err }, 'health check failed');
      body = JSON.stringify({ error: 'health check failed' });
    }
    this.sendJson(res, status, body, undefined);
  }

  // ------------------------------------------------------------------ WebSocket

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    try {
      this.upgrade(req, socket, head);
    } catch (err) {
      this.log.error({ err }, 'unexpected failure upgrading to WebSocket');
      socket.destroy();
    }
  }

  private upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'upgrade socket error'));
    const reject = (status: number, reason: string) => {
      const text = `${reason}\n`;
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
          `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
        () => socket.destroy(),
      );
    };
    const origin = req.headers.origin;
    if (this.overIpLimit.has(socket)) return reject(503, `Too many connections from your address (limit ${this.maxPerIp})`);
    if (!isOriginAllowed(this.cors, origin)) {
      this.log.debug({ origin }, 'WebSocket upgrade from a disallowed origin');
      return reject(403, 'Origin not allowed');
    }
    if (this.closing !== null) return reject(503, 'Server shutting down');
    if (this.connectionCount() >= this.maxConnections) {
      this.log.warn({ limit: this.maxConnections, ip: normalizeIp(req.socket.remoteAddress) }, 'RPC connection limit reached; WebSocket refused');
      return reject(503, 'Too many connections, try again later');
    }
    // Without verifyClient, ws completes (or aborts) the handshake synchronously, so the count above holds.
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onWsConnection(ws, req, socket));
  }

  private nextConnectionId(): number {
    this.lastConnectionId = this.lastConnectionId >= Number.MAX_SAFE_INTEGER ? 1 : this.lastConnectionId + 1;
    return this.lastConnectionId;
  }

  private onWsConnection(ws: WebSocket, req: http.IncomingMessage, socket: Duplex): void {
    // Frozen: a handler must not be able to change what later calls on the connection may do.
    const conn = newConnection(Object.freeze({
      connectionId: this.nextConnectionId(),
      ip: normalizeIp(req.socket.remoteAddress),
      transport: 'ws' as const,
      unsafeAllowed: this.unsafeAllowed,
    }));
    conn.ws = ws;
    conn.socket = socket;
    conn.corked = false;
    conn.progressAt = now();
    this.wsConnections.add(conn);
    socket.on('drain', () => this.onDrain(conn));
    this.log.debug({ conn: conn.ctx.connectionId, ip: conn.ctx.ip }, 'WebSocket connected');
    ws.on('error', (err) => this.log.debug({ conn: conn.ctx.connectionId, err: err.message }, 'WebSocket error'));
    ws.on('pong', () => { conn.alive = true; });
    ws.on('close', (code) => {
      this.log.debug({ conn: conn.ctx.connectionId, code }, 'WebSocket closed');
      this.closeConnection(conn);
    });
    ws.on('message', (data: RawData) => this.onWsMessage(conn, data));
  }

  /** Queue the message; `pump` starts it when the send buffer allows. */
  private onWsMessage(conn: Connection, data: RawData): void {
    conn.alive = true;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    conn.inbox.push(bytes);
    conn.inboxBytes += bytes.length;
    // Messages already parsed keep arriving after a pause; stop reading more until these have started.
    if (conn.inbox.length >= this.maxPending || conn.inboxBytes > this.maxRequestBytes) conn.ws!.pause();
    if (!conn.pumping) void this.pump(conn);
  }

  /**
   * Start the connection's queued messages in order, each only while the send buffer is under the backpressure
   * bound; over it, pause the socket until `drain`. After starting one, wait until it has answered or a few
   * microtask hops have passed: a quick call's reply is then in the send buffer before the next check (so 800
   * pipelined `state_getMetadata` are not all answered into one buffer), while slow calls (a submission awaiting
   * the signature workers) start together, up to `PUMP_WINDOW` unanswered (1 while the client lags); beyond that,
   * one per event-loop turn (and `maxPendingMessagesPerConnection` still answers -32009).
   */
  private async pump(conn: Connection): Promise<void> {
    if (conn.pumping) return;
    conn.pumping = true;
    const ws = conn.ws!;
    try {
      while (!conn.closed && conn.inbox.length > 0) {
        if (ws.bufferedAmount > this.backpressureBytes) {
          if (!conn.waitingForDrain) {
            this.log.debug({ conn: conn.ctx.connectionId, buffered: ws.bufferedAmount }, 'send buffer full; reading paused');
          }
          conn.waitingForDrain = true;
          conn.backlogged = true;
          ws.pause();
          return;
        }
        const bytes = conn.inbox.shift()!;
        conn.inboxBytes -= bytes.length;
        conn.pending++;
        const busy = conn.pending > this.maxPending;
        if (busy) this.log.warn({ conn: conn.ctx.connectionId, limit: this.maxPending }, 'too many messages in flight on one connection');
        const done = this.answerWsMessage(conn, bytes, busy);
        // Within the window, a slow call does not hold the next; beyond it, one more starts per turn. A client that
        // is not keeping up (bytes wait in the process) gets a window of one: replies of slow calls land late.
        const window = ws.bufferedAmount > 0 ? 1 : PUMP_WINDOW;
        if (conn.pending > window) await Promise.race([done, this.nextTurn()]);
        else await settled(done);
      }
      if (!conn.closed && ws.isPaused) ws.resume();
    } finally {
      conn.pumping = false;
    }
  }

  /** The send buffer is empty: read again. */
  private onDrain(conn: Connection): void {
    if (!conn.waitingForDrain || conn.closed) return;
    conn.waitingForDrain = false;
    conn.drainProgressAt = now();
    void this.pump(conn).then(() => {
      // Nothing was queued: reading stopped for the buffer alone.
      if (!conn.closed && !conn.waitingForDrain && conn.inbox.length === 0 && conn.ws!.isPaused) conn.ws!.resume();
    });
  }

  private nextTurn(): Promise<void> {
    this.turn ??= new Promise<void>((resolve) => setImmediate(() => {
      this.turn = null;
      resolve();
    }));
    return this.turn;
  }

  private async answerWsMessage(conn: Connection, bytes: Buffer, busy: boolean): Promise<void> {
    try {
      const { reply, subscriptions } = await this.processBytes(conn, bytes, busy);
      if (reply !== null) this.send(conn, reply);
      // Only now may notifications flow: the id reply is already in the socket's queue, ahead of them.
      for (const sub of subscriptions) this.activate(sub);
    } catch (err) {
      this.log.error({ err, conn: conn.ctx.connectionId }, 'unexpected failure answering a WebSocket message');
    } finally {
      conn.pending--;
    }
  }

  /**
   * Queue `text` on the connection; drop the connection when its send buffer is over the limit. The socket stays
   * corked until the end of the event-loop turn (or until 64 KiB gather), so the replies and notifications of one
   * turn (a block's `inBlock` for every watched transaction) leave in a few writes, not one system call each.
   */
  private send(conn: Connection, text: string | Buffer): void {
    const ws = conn.ws;
    if (ws === undefined || conn.closed || ws.readyState !== WebSocket.OPEN) return;
    const socket = conn.socket;
    if (socket !== undefined && conn.corked !== true) {
      conn.corked = true;
      socket.cork();
      setImmediate(() => {
        conn.corked = false;
        socket.uncork();
      });
    }
    // A Buffer holds UTF-8 JSON (a `RawJson` reply): still a text frame.
    ws.send(text, { binary: false }, () => { conn.flushes++; });
    // A turn that queues a lot writes it out at once, so the limit below measures what the client did not read.
    if (conn.corked === true && socket !== undefined && socket.writableLength >= CORK_FLUSH_BYTES) {
      conn.corked = false;
      socket.uncork();
    }
    if (ws.bufferedAmount > this.maxBuffered) {
      // Backpressure holds back new calls; only replies already under way and notifications get this far.
      this.dropConnection(conn, `send buffer over ${this.maxBuffered} bytes (notifications and replies outpace the client)`);
    }
  }

  /** Log, end every subscription and cut the socket. */
  private dropConnection(conn: Connection, reason: string): void {
    if (conn.closed) return;
    this.log.warn({ conn: conn.ctx.connectionId, ip: conn.ctx.ip, reason }, 'dropping RPC connection');
    this.closeConnection(conn);
    conn.ws?.terminate();
  }

  /** Forget the connection and end its subscriptions. Idempotent. */
  private closeConnection(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    conn.inbox = [];
    conn.inboxBytes = 0;
    this.wsConnections.delete(conn);
    for (const sub of [...conn.subscriptions.values()]) this.endSubscription(sub);
  }

  // ------------------------------------------------------------------ dispatch

  /** Decode a message's bytes (text or binary frame, HTTP body) and process it. Never rejects in practice. */
  private async processBytes(
    conn: Connection,
    bytes: Buffer,
    busy: boolean,
  ): Promise<{ reply: string | Buffer | null; subscriptions: Subscription[] }> {
    let text: string;
    try {
      text = utf8Fatal.decode(bytes);
    } catch {
      return {
        reply: serializeError(null, { code: ErrorCode.ParseError, message: 'Parse error', data: 'message is not valid UTF-8' }),
        subscriptions: [],
      };
    }
    return this.processText(conn, text, busy);
  }

  private async processText(
    conn: Connection,
    text: string,
    busy: boolean,
  ): Promise<{ reply: string | Buffer | null; subscriptions: Subscription[] }> {
    const parsed = parseMessage(text);
    if (parsed.kind === 'error') return { reply: serializeError(null, parsed.error), subscriptions: [] };
    if (parsed.kind === 'single') {
      const out = await this.processCall(conn, parsed.value, busy, parsed.rawId);
      return { reply: out.reply, subscriptions: out.subscription ? [out.subscription] : [] };
    }
    const values = parsed.values;
    if (values.length === 0) {
      return {
        reply: serializeError(null, { code: ErrorCode.InvalidRequest, message: 'Invalid Request', data: 'empty batch' }),
        subscriptions: [],
      };
    }
    if (values.length > this.maxBatchSize) {
      this.log.warn({ conn: conn.ctx.connectionId, size: values.length, limit: this.maxBatchSize }, 'batch over the size limit');
      return {
        reply: serializeError(null, {
          code: ErrorCode.BatchTooBig,
          message: 'The batch request was too large',
          data: `Exceeded max limit of ${this.maxBatchSize}`,
        }),
        subscriptions: [],
      };
    }
    // Count reply bytes as calls finish, and stop keeping replies once over the limit, so a batch of large
    // results never holds much more than one response's worth of memory.
    let bytes = 1; // '[' plus one ',' or ']' per reply; ≤ maxResponseBytes + one reply
    let over = false;
    const outs = await Promise.all(values.map(async (v, i) => {
      const out = await this.processCall(conn, v, busy, parsed.rawIds?.[i]);
      if (out.reply !== null && !over) {
        bytes += out.bytes + 1;
        over = bytes > this.maxResponseBytes;
      }
      if (over && out.reply !== null) out.reply = '';
      return out;
    }));
    const subscriptions = outs.flatMap((o) => (o.subscription ? [o.subscription] : []));
    const replies = outs.flatMap((o) => (o.reply === null ? [] : [o.reply]));
    if (replies.length === 0) return { reply: null, subscriptions };
    if (over) {
      this.log.warn({ conn: conn.ctx.connectionId, limit: this.maxResponseBytes }, 'batch response over the size limit');
      // The client never learns these ids, so the subscriptions must not outlive this reply.
      for (const sub of subscriptions) this.endSubscription(sub);
      return {
        reply: serializeError(null, {
          code: ErrorCode.BatchResponseTooBig,
          message: 'The batch response was too large',
          data: `Exceeded max limit of ${this.maxResponseBytes}`,
        }),
        subscriptions: [],
      };
    }
    return { reply: `[${replies.join(',')}]`, subscriptions };
  }

  private async processCall(conn: Connection, value: unknown, busy: boolean, rawId: RawNumberId | undefined): Promise<CallOutcome> {
    const validated = validateRequest(value, rawId);
    if (!validated.ok) return errorOutcome(validated.id, validated.error);
    const req = validated.request;
    this.log.debug({ conn: conn.ctx.connectionId, transport: conn.ctx.transport, method: req.method, id: req.id }, 'rpc call');
    let result: unknown;
    let subscription: Subscription | undefined;
    try {
      if (busy) throw new RpcError(ErrorCode.ServerBusy, 'Server is busy, try again later');
      ({ result, subscription } = await this.dispatch(conn, req));
    } catch (err) {
      if (req.isNotification) return NO_REPLY;
      return errorOutcome(req.id, this.errorObjectOf(err, req, conn));
    }
    if (req.isNotification) return NO_REPLY;
    let text: string | Buffer;
    try {
      text = result instanceof RawJson ? serializeRawResult(req.id, result) : serializeResult(req.id, result);
    } catch (err) {
      if (subscription) this.endSubscription(subscription);
      return errorOutcome(req.id, this.errorObjectOf(err, req, conn));
    }
    const bytes = typeof text === 'string' ? Buffer.byteLength(text) : text.length;
    if (bytes > this.maxResponseBytes) {
      this.log.warn({ conn: conn.ctx.connectionId, method: req.method, limit: this.maxResponseBytes }, 'response over the size limit');
      if (subscription) this.endSubscription(subscription);
      return errorOutcome(req.id, {
        code: ErrorCode.ResponseTooBig,
        message: 'Response is too big',
        data: `Exceeded max limit of ${this.maxResponseBytes}`,
      });
    }
    return { reply: text, bytes, subscription };
  }

  private errorObjectOf(err: unknown, req: RpcRequest, conn: Connection): ErrorObject {
    if (err instanceof RpcError) return err.toErrorObject();
    // The stack stays in the log; the client learns only that something failed.
    this.log.error({ err, method: req.method, conn: conn.ctx.connectionId }, 'RPC handler failed');
    return { code: ErrorCode.InternalError, message: 'Internal error' };
  }

  private async dispatch(conn: Connection, req: RpcRequest): Promise<{ result: unknown; subscription?: Subscription }> {
    if (this.limiter !== null && !this.limiter.tryTake(conn.ctx.ip)) {
      this.log.warn({ ip: conn.ctx.ip, method: req.method }, 'RPC rate limit exceeded');
      throw new RpcError(ErrorCode.RateLimited, 'Too many requests', `Rate limit is ${this.opts.rateLimitPerIpPerSecond} calls per second`);
    }
    const entry = this.entries.get(req.method);
    if (entry === undefined) throw new RpcError(ErrorCode.MethodNotFound, 'Method not found');
    if (entry.def.unsafe === true && !this.unsafeAllowed) throw unsafeMethodRefused();
    switch (entry.kind) {
      case 'method': {
        const params = await parseParams(entry.def.params, req.params);
        const def = entry.def;
        if (def.heavy === true) {
          return { result: await this.heavy.run(conn.ctx.connectionId, () => def.handler(params, conn.ctx), () => conn.closed) };
        }
        return { result: await def.handler(params, conn.ctx) };
      }
      case 'subscribe':
        return this.subscribe(conn, req, entry.def);
      case 'unsubscribe':
        return { result: await this.unsubscribe(conn, req, entry.def) };
    }
  }

  // ------------------------------------------------------------------ subscriptions

  private async subscribe(conn: Connection, req: RpcRequest, def: SubscriptionDef): Promise<{ result: unknown; subscription?: Subscription }> {
    if (conn.ws === undefined) {
      throw new RpcError(ErrorCode.MethodNotFound, 'Subscriptions need a WebSocket connection');
    }
    const params = await parseParams(def.params, req.params);
    // Nobody would ever learn the id of a subscription opened by a notification.
    if (req.isNotification || conn.closed) return { result: null };
    if (conn.subscriptions.size >= this.maxSubscriptions) {
      this.log.warn({ conn: conn.ctx.connectionId, limit: this.maxSubscriptions }, 'subscription limit reached');
      throw new RpcError(ErrorCode.TooManySubscriptions, 'Too many subscriptions on the connection', `Exceeded max limit of ${this.maxSubscriptions}`);
    }
    let id: string;
    do id = randomBytes(8).toString('hex'); while (conn.subscriptions.has(id));
    const sub: Subscription = {
      id,
      def,
      conn,
      state: 'starting',
      queue: [],
      queuedBytes: 0,
      closeRequested: false,
      teardown: null,
    };
    conn.subscriptions.set(id, sub);
    const ctx: SubscriptionContext = Object.freeze({ ...conn.ctx, subscriptionId: id, close: () => this.closeSubscription(sub) });
    let teardown: Teardown | void;
    try {
      teardown = await def.start(params, (result) => this.emit(sub, result), ctx);
    } catch (err) {
      sub.state = 'closed';
      conn.subscriptions.delete(id);
      throw err;
    }
    sub.teardown = typeof teardown === 'function' ? teardown : null;
    // The connection (or the subscription) may have ended while `start` ran.
    if (sub.state === 'closed') this.runTeardown(sub);
    return { result: id, subscription: sub };
  }

  private async unsubscribe(conn: Connection, req: RpcRequest, def: SubscriptionDef): Promise<boolean> {
    if (conn.ws === undefined) {
      throw new RpcError(ErrorCode.MethodNotFound, 'Subscriptions need a WebSocket connection');
    }
    const [id] = await parseParams(UNSUBSCRIBE_PARAMS, req.params);
    const sub = conn.subscriptions.get(String(id));
    if (sub === undefined || sub.def !== def || sub.state === 'closed') return false;
    this.closeSubscription(sub);
    return true;
  }

  private emit(sub: Subscription, result: unknown): void {
    // After `close()` nothing more goes out, even while the id reply is still pending.
    if (sub.state === 'closed' || sub.closeRequested) return;
    const conn = sub.conn;
    let text: string;
    try {
      text = serializeNotification(sub.def.notification, sub.id, result);
    } catch (err) {
      this.log.error({ err, notification: sub.def.notification }, 'notification is not JSON-serializable; dropped');
      return;
    }
    const bytes = Buffer.byteLength(text);
    if (bytes > this.maxResponseBytes) {
      this.log.warn({ conn: conn.ctx.connectionId, notification: sub.def.notification, bytes, limit: this.maxResponseBytes },
        'notification over the size limit; subscription ended');
      this.closeSubscription(sub);
      return;
    }
    if (sub.state === 'starting') {
      sub.queue.push(text);
      sub.queuedBytes += bytes;
      if (sub.queuedBytes > this.maxBuffered) this.dropConnection(conn, `subscription backlog over ${this.maxBuffered} bytes`);
      return;
    }
    this.send(conn, text);
  }

  /** The id reply has been queued: flush what was emitted meanwhile and go live. */
  private activate(sub: Subscription): void {
    if (sub.state !== 'starting') return;
    sub.state = 'active';
    const queue = sub.queue;
    sub.queue = [];
    sub.queuedBytes = 0;
    for (const text of queue) {
      if (sub.conn.closed) return;
      this.send(sub.conn, text);
    }
    if (sub.closeRequested) this.endSubscription(sub);
  }

  /** End on request (unsubscribe, `ctx.close()`, oversized notification); while starting, after the flush. */
  private closeSubscription(sub: Subscription): void {
    if (sub.state === 'starting') sub.closeRequested = true;
    else this.endSubscription(sub);
  }

  /** End now: no more notifications, remove from the connection, run the teardown. Idempotent. */
  private endSubscription(sub: Subscription): void {
    if (sub.state === 'closed') return;
    sub.state = 'closed';
    sub.queue = [];
    sub.conn.subscriptions.delete(sub.id);
    this.runTeardown(sub);
  }

  private runTeardown(sub: Subscription): void {
    const teardown = sub.teardown;
    sub.teardown = null;
    if (teardown === null) return;
    try {
      teardown();
    } catch (err) {
      this.log.error({ err, notification: sub.def.notification }, 'subscription teardown failed');
    }
  }
}

async function parseParams<S extends z.ZodType>(schema: S | undefined, params: unknown): Promise<z.output<S>> {
  if (schema === undefined) return params as z.output<S>;
  const parsed = await schema.safeParseAsync(params);
  if (!parsed.success) throw invalidParams(describeIssues(parsed.error));
  return parsed.data;
}

/** Identity with types: define a method in its own module and register it later. */
export function defineMethod<S extends z.ZodType>(def: MethodDef<S>): MethodDef<S> {
  return def;
}

/** Identity with types: define a subscription in its own module and register it later. */
export function defineSubscription<S extends z.ZodType>(def: SubscriptionDef<S>): SubscriptionDef<S> {
  return def;
}
