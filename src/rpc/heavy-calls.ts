/**
 * Bounds the work of "heavy" RPC calls (metadata, whole blocks, storage scans, runtime calls) so that a flood of
 * them cannot hold the event loop that also authors blocks and votes (issue 9, finding 2).
 *
 * - At most `maxConcurrent` heavy calls run at once on the node and `maxPerConnection` on one connection; the
 *   others wait in a queue, served round-robin across connections so that one connection's backlog never makes
 *   another's call wait behind all of it.
 * - At most one heavy call *starts* per turn of the event loop, from a `setImmediate` callback: between two of them
 *   timers, network I/O and cheap calls (`system_health`) run. A synchronous handler therefore blocks the loop for
 *   at most one call's cost, however many are queued.
 * - Beyond `maxQueuedPerConnection` waiting on one connection (besides its running slots), or `maxQueued` on the
 *   node (besides its running slots), a call is refused at once with jsonrpsee's `-32009 Server is busy, try again later` (the data names the limit); it did not run.
 * - A call whose connection closed while it waited is not run.
 *
 * Long scans also give the loop back while they run: see {@link ReadBudget}.
 */
import { ErrorCode, RpcError } from './errors.js';

/** Limits of the heavy-call queue. */
export interface HeavyCallLimits {
  /** Heavy calls running at once on the node, 1 ≤ n ≤ 2^16; default 4. */
  maxConcurrent: number;
  /** Heavy calls running at once on one connection (one HTTP request, or one WebSocket), 1 ≤ n ≤ 2^16; default 2. */
  maxPerConnection: number;
  /** Heavy calls waiting on one connection beyond its running ones, 0 ≤ n ≤ 2^20; default 1,024 (the server's messages-in-flight limit). */
  maxQueuedPerConnection: number;
  /** Heavy calls waiting on the node beyond the running ones, 0 ≤ n ≤ 2^20; default 4,096. */
  maxQueued: number;
}

/** Default {@link HeavyCallLimits}. */
export const DEFAULT_HEAVY_CALL_LIMITS: Readonly<HeavyCallLimits> = Object.freeze({
  maxConcurrent: 4,
  maxPerConnection: 2,
  maxQueuedPerConnection: 1024,
  maxQueued: 4096,
});

/** The message of a refused heavy call (jsonrpsee's for -32009). */
export const SERVER_BUSY_MESSAGE = 'Server is busy, try again later';

interface Waiter {
  task: () => unknown;
  cancelled: () => boolean;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** One connection's share: calls running, and calls waiting in arrival order. */
interface Lane {
  running: number;
  waiting: Waiter[];
}

function checkInt(name: string, v: number, min: number, max: number): number {
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${v}`);
  return v;
}

/** The queue and counters; one per server. */
export class HeavyCallLimiter {
  private readonly limits: HeavyCallLimits;
  /** Lanes with calls running or waiting; iteration order is the round-robin order (a served lane moves last). */
  private readonly lanes = new Map<number, Lane>();
  /** Heavy calls running, ≤ maxConcurrent. */
  private running = 0;
  /** Heavy calls waiting, ≤ maxConcurrent + maxQueued. */
  private waiting = 0;
  /** A start is scheduled for the next turn. */
  private scheduled = false;
  /** Calls started and calls refused since creation (for tests and logs). */
  private readonly counters = { started: 0, refused: 0, cancelled: 0 };

  constructor(limits: Partial<HeavyCallLimits> = {}) {
    const l = { ...DEFAULT_HEAVY_CALL_LIMITS, ...limits };
    this.limits = Object.freeze({
      maxConcurrent: checkInt('maxConcurrent', l.maxConcurrent, 1, 2 ** 16),
      maxPerConnection: checkInt('maxPerConnection', l.maxPerConnection, 1, 2 ** 16),
      maxQueuedPerConnection: checkInt('maxQueuedPerConnection', l.maxQueuedPerConnection, 0, 2 ** 20),
      maxQueued: checkInt('maxQueued', l.maxQueued, 0, 2 ** 20),
    });
  }

  /** Running and waiting calls, and what happened so far. */
  stats(): { running: number; waiting: number; started: number; refused: number; cancelled: number } {
    return { running: this.running, waiting: this.waiting, ...this.counters };
  }

  /**
   * Run `task` on `connection`'s lane when a slot is free, in a turn of its own; resolves or rejects as the task
   * does. Rejects at once with `-32009` when the queue is full, and with the same code, never running the task,
   * when `cancelled()` is true by the time its turn comes.
   */
  run<T>(connection: number, task: () => T | Promise<T>, cancelled: () => boolean = () => false): Promise<Awaited<T>> {
    let lane = this.lanes.get(connection);
    // A call takes a running slot or a place in the queue: on the connection, `maxPerConnection` running (or about
    // to run, in the next turn) plus `maxQueuedPerConnection` waiting; on the node, `maxConcurrent` plus `maxQueued`.
    const onLane = lane === undefined ? 0 : lane.running + lane.waiting.length;
    if (onLane >= this.limits.maxPerConnection + this.limits.maxQueuedPerConnection) {
      this.counters.refused++;
      return Promise.reject(new RpcError(ErrorCode.ServerBusy, SERVER_BUSY_MESSAGE,
        `too many heavy calls waiting on this connection (limit ${this.limits.maxQueuedPerConnection})`));
    }
    if (this.running + this.waiting >= this.limits.maxConcurrent + this.limits.maxQueued) {
      this.counters.refused++;
      return Promise.reject(new RpcError(ErrorCode.ServerBusy, SERVER_BUSY_MESSAGE,
        `too many heavy calls waiting on the node (limit ${this.limits.maxQueued})`));
    }
    if (lane === undefined) {
      lane = { running: 0, waiting: [] };
      this.lanes.set(connection, lane);
    }
    const l = lane;
    const p = new Promise<Awaited<T>>((resolve, reject) => {
      l.waiting.push({ task, cancelled, resolve: resolve as (v: unknown) => void, reject });
    });
    this.waiting++;
    this.schedule();
    return p;
  }

  private schedule(): void {
    if (this.scheduled || this.waiting === 0 || this.running >= this.limits.maxConcurrent) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.startOne();
      // One start per turn: the next one (if any) waits for the next `setImmediate` round.
      this.schedule();
    });
  }

  /** Start the first waiting call, in round-robin lane order, whose lane is under its running limit. */
  private startOne(): void {
    while (this.running < this.limits.maxConcurrent) {
      const picked = this.take();
      if (picked === undefined) return;
      const [id, lane, w] = picked;
      if (w.cancelled()) {
        this.counters.cancelled++;
        this.dropIfIdle(id, lane);
        w.reject(new RpcError(ErrorCode.ServerBusy, SERVER_BUSY_MESSAGE, 'the connection closed before the call ran'));
        continue; // costs nothing: look for one to run in this turn
      }
      this.running++;
      lane.running++;
      this.counters.started++;
      let out: unknown;
      try {
        out = w.task();
      } catch (e) {
        this.release(id, lane);
        w.reject(e);
        return;
      }
      Promise.resolve(out).then(
        (v) => { this.release(id, lane); w.resolve(v); },
        (e: unknown) => { this.release(id, lane); w.reject(e); },
      );
      return;
    }
  }

  private take(): [number, Lane, Waiter] | undefined {
    for (const [id, lane] of this.lanes) {
      if (lane.waiting.length === 0 || lane.running >= this.limits.maxPerConnection) continue;
      const w = lane.waiting.shift()!;
      this.waiting--;
      // Served: this lane goes to the back of the round.
      this.lanes.delete(id);
      this.lanes.set(id, lane);
      return [id, lane, w];
    }
    return undefined;
  }

  private release(id: number, lane: Lane): void {
    this.running--;
    lane.running--;
    this.dropIfIdle(id, lane);
    this.schedule();
  }

  private dropIfIdle(id: number, lane: Lane): void {
    if (lane.running === 0 && lane.waiting.length === 0 && this.lanes.get(id) === lane) this.lanes.delete(id);
  }
}

/** Give the event loop a turn (timers, I/O, other calls), then continue. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A scan's allowance of storage reads per turn of the event loop. Call `spend()` after each read; when it returns
 * true, `await nextTurn()` before reading on. Counting reads rather than time keeps a scan's behaviour the same on
 * any machine (1,024 trie reads take a few milliseconds), and a plain boolean keeps the reads between two yields
 * free of promise overhead.
 */
export class ReadBudget {
  /** Reads since the last yield, < readsPerTurn. */
  private used = 0;

  /** `readsPerTurn`: 1 ≤ n ≤ 2^30. */
  constructor(private readonly readsPerTurn: number = DEFAULT_READS_PER_TURN) {
    checkInt('readsPerTurn', readsPerTurn, 1, 2 ** 30);
  }

  /** Count `n` reads (0 ≤ n); true when the allowance is used up and the caller should yield a turn. */
  spend(n = 1): boolean {
    this.used += n;
    if (this.used < this.readsPerTurn) return false;
    this.used = 0;
    return true;
  }
}

/** Storage reads a scan makes between two yields to the event loop. */
export const DEFAULT_READS_PER_TURN = 1024;
