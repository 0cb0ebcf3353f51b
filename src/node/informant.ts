/**
 * The informant (Substrate's `sc-informant`): every few seconds one `info` line with what an operator watches first —
 * best block and blocks since the last line, peers, whether the node is syncing, the pool's queues and the process's
 * memory (resident set and V8 heap), so growth and stalls show in the logs without any tooling.
 */
import type { Logger } from 'pino';

/** What the informant reports, read at each tick. */
export interface InformantSource {
  /** Best (and, with instant finality, finalized) block number, 0 ..= 2^32-1. */
  best(): number;
  /** Connected peers, 0 ..= 2^16. */
  peers(): number;
  /** Whether block sync is catching up. */
  syncing(): boolean;
  /** Ready and future transactions in the pool, each 0 ..= 2^53-1. */
  pool(): { ready: number; future: number };
}

/** One status line's fields. */
export interface InformantLine {
  best: number;
  /** Blocks imported since the previous line, 0 ..= 2^32-1. */
  imported: number;
  peers: number;
  syncing: boolean;
  txpool: { ready: number; future: number };
  /** Resident set size, MiB (rounded down). */
  rssMiB: number;
  /** V8 heap in use / reserved, MiB (rounded down). */
  heapUsedMiB: number;
  heapTotalMiB: number;
}

const MIB = 1024 * 1024;

/** Logs a status line every `intervalMs` (1,000 ..= 3,600,000) until stopped. */
export class Informant {
  #timer: NodeJS.Timeout | undefined;
  #lastBest: number;

  constructor(
    private readonly source: InformantSource,
    private readonly logger: Logger,
    private readonly intervalMs = 5000,
  ) {
    if (!Number.isInteger(intervalMs) || intervalMs < 1000 || intervalMs > 3_600_000) throw new RangeError(`informant interval must be 1000..=3600000 ms, got ${intervalMs}`);
    this.#lastBest = source.best();
  }

  /** Start ticking (the timer does not keep the process alive). */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#tick(), this.intervalMs);
    this.#timer.unref();
  }

  /** Stop ticking. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The current line (and the imported count starts again from here). */
  line(): InformantLine {
    const best = this.source.best();
    const imported = Math.max(0, best - this.#lastBest);
    this.#lastBest = best;
    const mem = process.memoryUsage();
    return {
      best,
      imported,
      peers: this.source.peers(),
      syncing: this.source.syncing(),
      txpool: this.source.pool(),
      rssMiB: Math.floor(mem.rss / MIB),
      heapUsedMiB: Math.floor(mem.heapUsed / MIB),
      heapTotalMiB: Math.floor(mem.heapTotal / MIB),
    };
  }

  #tick(): void {
    try {
      const l = this.line();
      this.logger.info(l, l.syncing ? 'syncing' : l.imported === 0 ? 'idle' : 'importing');
    } catch (e) {
      this.logger.warn({ err: e }, 'informant: could not read the status');
    }
  }
}
