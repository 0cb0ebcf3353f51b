/**
 * A tiny JSON-RPC 2.0 client over WebSocket (the `ws` package) for end-to-end tests: calls, batches and
 * subscriptions whose notifications queue up until the test takes them. Every wait has a timeout, so a test
 * never hangs on a node that stopped answering; none of them asserts on elapsed time.
 */
import WebSocket from 'ws';

/** A JSON-RPC error object as received. */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** A call answered with an error: `code`, `message` and `data` exactly as the server sent them. */
export class RpcCallError extends Error {
  readonly code: number;
  readonly data: unknown;
  readonly rpcMessage: string;

  constructor(
    readonly method: string,
    error: RpcErrorObject,
  ) {
    super(`${method}: ${error.code} ${error.message}${error.data === undefined ? '' : `: ${JSON.stringify(error.data)}`}`);
    this.name = 'RpcCallError';
    this.code = error.code;
    this.rpcMessage = error.message;
    this.data = error.data;
  }
}

/** One entry of a batch reply, in request order. */
export type BatchEntry = { ok: true; result: unknown } | { ok: false; error: RpcErrorObject };

/** Default time a call or a notification may take before the wait fails (ms, 1 ≤ n ≤ 2^31). */
export const DEFAULT_TIMEOUT_MS = 20_000;

interface Pending {
  method: string;
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** Wait for `promise`, failing with `what` after `timeoutMs` (ms). */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Notifications of one subscription, queued in arrival order. */
export class Subscription<T = unknown> {
  private readonly queue: T[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;

  constructor(
    private readonly client: RpcClient,
    /** The subscription id the server returned. */
    readonly id: string | number,
    private readonly unsubscribeMethod: string,
  ) {}

  /** @internal Called by the client for each notification of this subscription. */
  push(value: T): void {
    this.queue.push(value);
    this.wake();
  }

  /** @internal Called when the connection closes. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Notifications received and not yet taken. */
  get buffered(): readonly T[] {
    return this.queue;
  }

  /** The next notification, waiting up to `timeoutMs`. */
  async next(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
    return this.nextMatching(() => true, timeoutMs);
  }

  /**
   * The first notification satisfying `pred`, waiting up to `timeoutMs`; notifications before it are discarded
   * (the ones after it stay queued).
   */
  async nextMatching(pred: (v: T) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS, what = 'a matching notification'): Promise<T> {
    const take = async (): Promise<T> => {
      for (;;) {
        while (this.queue.length > 0) {
          const v = this.queue.shift()!;
          if (pred(v)) return v;
        }
        if (this.ended) throw new Error(`subscription ${this.id} ended (connection closed)`);
        await new Promise<void>((r) => (this.waiter = r));
      }
    };
    return withTimeout(take(), timeoutMs, `${what} on subscription ${this.id}`);
  }

  /** Take exactly `n` (0 ≤ n ≤ 2^20) notifications in order. */
  async take(n: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(await this.next(timeoutMs));
    return out;
  }

  /** Unsubscribe; resolves to the server's answer (true when it knew the subscription). */
  async unsubscribe(): Promise<boolean> {
    this.client.forget(this.id);
    return (await this.client.call(this.unsubscribeMethod, [this.id])) as boolean;
  }
}

/** A WebSocket JSON-RPC connection. */
export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subscriptions = new Map<string, Subscription<unknown>>();
  // Notifications for an id not (yet) registered: kept until the subscription object exists. Bounded by what a
  // test produces; cleared with the connection.
  private readonly orphans = new Map<string, unknown[]>();
  /** Batches awaiting their reply, keyed by the id of their first call. */
  private readonly batchWaiters = new Map<number, (entries: Array<{ id: number; result?: unknown; error?: RpcErrorObject }>) => void>();
  private closedError: Error | undefined;
  /** Resolves when the socket has closed (for any reason). */
  readonly closed: Promise<void>;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.onMessage(data.toString()));
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closedError = new Error(`connection closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''})`);
        for (const p of this.pending.values()) {
          clearTimeout(p.timer);
          p.reject(this.closedError);
        }
        this.pending.clear();
        for (const s of this.subscriptions.values()) s.end();
        resolve();
      });
    });
    // Errors also close the socket; the close handler rejects what is pending.
    ws.on('error', () => undefined);
  }

  /** Connect to `url` (e.g. `ws://127.0.0.1:9944`), failing after `timeoutMs`. */
  static connect(url: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RpcClient> {
    const opening = new Promise<RpcClient>((resolve, reject) => {
      // Large enough for a 5 MiB extrinsic as hex in a reply or a block.
      const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
      ws.once('open', () => resolve(new RpcClient(ws)));
      ws.once('error', (e) => reject(e));
    });
    return withTimeout(opening, timeoutMs, `a WebSocket connection to ${url}`);
  }

  private onMessage(text: string): void {
    const msg = JSON.parse(text) as unknown;
    if (Array.isArray(msg)) {
      // A batch reply: its entries carry the ids of the batch's calls, handled by `batch`.
      this.resolveBatch(msg as Array<{ id: number; result?: unknown; error?: RpcErrorObject }>);
      return;
    }
    const m = msg as { id?: number | string | null; result?: unknown; error?: RpcErrorObject; method?: string; params?: { subscription: string | number; result: unknown } };
    if (m.method !== undefined && m.params !== undefined && m.id === undefined) {
      const key = String(m.params.subscription);
      const sub = this.subscriptions.get(key);
      if (sub) sub.push(m.params.result);
      else {
        const list = this.orphans.get(key) ?? [];
        list.push(m.params.result);
        this.orphans.set(key, list);
      }
      return;
    }
    if (typeof m.id !== 'number') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.error !== undefined) p.reject(new RpcCallError(p.method, m.error));
    else p.resolve(m.result ?? null);
  }

  private resolveBatch(entries: Array<{ id: number; result?: unknown; error?: RpcErrorObject }>): void {
    // A batch is keyed by its first request id.
    const ids = entries.map((e) => e.id).filter((id) => typeof id === 'number');
    for (const [first, resolve] of this.batchWaiters) {
      if (ids.includes(first)) {
        this.batchWaiters.delete(first);
        resolve(entries);
        return;
      }
    }
  }

  private send(payload: unknown): void {
    if (this.closedError) throw this.closedError;
    this.ws.send(JSON.stringify(payload));
  }

  /** Call `method`; resolves to its result, rejects with {@link RpcCallError} for an error reply. */
  call<T = unknown>(method: string, params: unknown[] = [], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for the reply to ${method}`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        this.send({ jsonrpc: '2.0', id, method, params });
      } catch (e) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(e as Error);
      }
    });
  }

  /** Send `calls` (1 ≤ n ≤ the server's batch limit) as one batch; entries come back in request order. */
  async batch(calls: ReadonlyArray<readonly [method: string, params: unknown[]]>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<BatchEntry[]> {
    if (calls.length === 0) return [];
    const first = this.nextId;
    const requests = calls.map(([method, params]) => ({ jsonrpc: '2.0', id: this.nextId++, method, params }));
    const reply = new Promise<Array<{ id: number; result?: unknown; error?: RpcErrorObject }>>((resolve) => this.batchWaiters.set(first, resolve));
    this.send(requests);
    const entries = await withTimeout(reply, timeoutMs, `the reply to a batch of ${calls.length}`).finally(() => this.batchWaiters.delete(first));
    const byId = new Map(entries.map((e) => [e.id, e]));
    return requests.map((r) => {
      const e = byId.get(r.id);
      if (!e) return { ok: false, error: { code: 0, message: `no reply for id ${r.id}` } };
      return e.error !== undefined ? { ok: false, error: e.error } : { ok: true, result: e.result ?? null };
    });
  }

  /** Subscribe with `method`; `unsubscribeMethod` ends it. */
  async subscribe<T = unknown>(method: string, params: unknown[], unsubscribeMethod: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Subscription<T>> {
    const id = await this.call<string | number>(method, params, timeoutMs);
    const key = String(id);
    const sub = new Subscription<T>(this, id, unsubscribeMethod);
    this.subscriptions.set(key, sub as Subscription<unknown>);
    for (const v of this.orphans.get(key) ?? []) sub.push(v as T);
    this.orphans.delete(key);
    if (this.closedError) sub.end();
    return sub;
  }

  /** @internal Stop routing notifications of `id`. */
  forget(id: string | number): void {
    this.subscriptions.delete(String(id));
  }

  /** Close the connection and wait until it is closed. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await withTimeout(this.closed, 5_000, 'the WebSocket to close').catch(() => this.ws.terminate());
  }
}

/** POST one JSON-RPC call over HTTP to `url`; resolves to the parsed reply object. */
export async function httpCall(url: string, method: string, params: unknown[] = []): Promise<{ status: number; body: { result?: unknown; error?: RpcErrorObject } }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(DEFAULT_TIMEOUT_MS),
  });
  return { status: res.status, body: (await res.json()) as { result?: unknown; error?: RpcErrorObject } };
}
