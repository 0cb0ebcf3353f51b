/**
 * Block authoring for the development chain: one validator builds a block from its pool every `blockTimeMs`
 * and, being the whole validator set, finalizes it on commit. (The multi-validator BFT engine drives the same
 * `buildBlock` through consensus.)
 */
import type { Logger } from 'pino';
import { toHex } from '../primitives/bytes.js';
import { decodeExtrinsic } from '../primitives/extrinsic.js';
import type { DigestItemValue, Header } from '../primitives/types.js';
import { AUTHOR_ENGINE_ID, AuthorDigest, type SealedBlock } from '../runtime/runtime.js';
import type { Chain } from './chain.js';
import { REVALIDATE_READY_PER_BLOCK, type TransactionService } from './transactions.js';

/** Limits of one authored block. */
export interface AuthorOptions {
  /** Account credited as the block author (receives its share of fees). */
  author: Uint8Array;
  /** Milliseconds between blocks, 1 ≤ n ≤ 2^31. */
  blockTimeMs: number;
  /** Most extrinsics taken from the pool per block (1 ≤ n ≤ 100,000). */
  maxExtrinsics?: number;
  /** Clock (ms since the Unix epoch): the node's only source of time. */
  now?: () => number;
  /**
   * Called with the timestamp of the block about to be built, before it takes transactions from the pool (the dev
   * feeder submits its feeds here, so they are in this very block). Awaited; a rejection is logged, the block built.
   */
  beforeBuild?: (blockTimeMs: bigint) => Promise<void>;
}

/** Least time a block builder is given (ms), however short its budget. */
export const MIN_BUILD_BUDGET_MS = 50;

/** How often (in applied extrinsics) block building looks at its deadline. */
const DEADLINE_CHECK_EVERY = 32;

/**
 * How many transactions that do not fit the space left in the block the builder passes over before it calls the
 * block full (Substrate's basic-authorship `MAX_SKIPPED_TRANSACTIONS`): a big transaction first in line must not keep
 * the small ones behind it out, and a full block must not cost a walk of the whole pool.
 */
export const MAX_SKIPPED_TRANSACTIONS = 8;

/** Options of {@link buildBlock}. */
export interface BuildOptions {
  author: Uint8Array;
  round: number;
  /** The block's timestamp (ms), raised to the parent's + 1 when not above it. */
  nowMs: bigint;
  /** Most extrinsics, 1 ..= 100,000. */
  maxExtrinsics: number;
  /**
   * Stop taking transactions once `clock()` reaches this (ms), as Substrate's proposer stops at its deadline: every
   * validator has to execute the block within its propose timeout, so a deep pool must not make a block take longer
   * to build (and so to check) than that. Which transactions make it is the proposer's choice, so the wall clock here
   * does not touch determinism: the block is what it is, and the others only re-execute it.
   */
  deadline?: { atMs: number; clock: () => number };
  /** Where skipped and dropped transactions are logged (debug and info). */
  logger?: Logger;
}

/**
 * Build a block on the chain head from the pool. Pure with respect to the chain: nothing is committed.
 *
 * Transactions go in best first. One that is invalid now is passed over with everything depending on it (the pool's
 * revalidation removes it later). One that does not fit the space left (`ExhaustsResources`) is passed over too, and
 * the walk goes on until {@link MAX_SKIPPED_TRANSACTIONS} such skips, the deadline or `maxExtrinsics`. One that does
 * not fit even a block holding only the inherents can never be included: it is removed from the pool (status
 * `invalid`, with the runtime's reason) instead of waiting there forever.
 */
export function buildBlock(chain: Chain, txs: TransactionService, opts: BuildOptions): SealedBlock {
  const parent = chain.head;
  const state = chain.headState();
  const digest: Header['digest'] = {
    logs: [{ tag: 'PreRuntime', value: [AUTHOR_ENGINE_ID, AuthorDigest.encode({ author: opts.author, round: opts.round })] } as DigestItemValue],
  };
  const exec = chain.runtime.beginBlock(state, { parentHash: parent.hash, number: parent.number + 1, digest }, txs.checker);
  exec.initialize();
  for (const xt of chain.runtime.inherentExtrinsics(state, { nowMs: opts.nowMs })) {
    const inherent = exec.applyExtrinsic(xt, { enforceLimits: true });
    if (!inherent.ok) throw new Error(`timestamp inherent failed: ${inherent.error.message}`);
  }
  const ready = txs.pool.ready();
  let taken = 0;
  let tried = 0; // 0 ≤ tried ≤ pool size
  let skipped = 0; // 0 ≤ skipped ≤ MAX_SKIPPED_TRANSACTIONS
  const unfit: Array<{ hash: Uint8Array; hashHex: string; reason: string }> = [];
  for (const tx of ready) {
    if (taken >= opts.maxExtrinsics) break;
    if (opts.deadline !== undefined && ++tried % DEADLINE_CHECK_EVERY === 0 && opts.deadline.clock() >= opts.deadline.atMs) break;
    const r = exec.applyExtrinsic(tx.bytes, { enforceLimits: true });
    if (r.ok) {
      taken++;
      continue;
    }
    // Not in this block: neither is anything that depends on it.
    ready.reportInvalid(tx);
    if (r.error.reason !== 'ExhaustsResources') continue; // invalid now (e.g. its balance spent by an earlier one)
    if (r.exceedsEmptyBlock === true || taken === 0) {
      // Beside nothing but the inherents and still too big: no later block can take it either.
      unfit.push({ hash: tx.hash, hashHex: tx.hashHex, reason: `${r.error.reason}: ${r.error.message}` });
      continue;
    }
    if (skipped === MAX_SKIPPED_TRANSACTIONS) {
      opts.logger?.debug({ hash: tx.hashHex, skipped, taken }, 'block building: block full');
      break;
    }
    skipped++;
    opts.logger?.debug({ hash: tx.hashHex, reason: r.error.message, skipped, taken }, 'block building: transaction does not fit the space left; skipped');
  }
  const sealed = exec.finalize(chain.headTrie(), digest);
  for (const u of unfit) {
    opts.logger?.info({ hash: u.hashHex, reason: u.reason }, 'block building: transaction can never fit a block; removed from the pool');
    txs.pool.remove([u.hash], u.reason, { ban: true });
  }
  return sealed;
}

/** The development chain's block producer. */
export class DevAuthor {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  private building: Promise<void> = Promise.resolve();
  /** Development only: milliseconds added to the wall clock for every later block (≥ 0; it only grows). */
  private offsetMs = 0n;

  constructor(
    private readonly chain: Chain,
    private readonly txs: TransactionService,
    private readonly opts: AuthorOptions,
    private readonly logger: Logger,
  ) {}

  /** Start producing blocks. */
  start(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.building = this.produce().then(
        () => undefined,
        () => undefined,
      ).finally(() => this.schedule());
    }, this.opts.blockTimeMs);
  }

  /**
   * Development only: move this chain's clock forward by `ms` (to try due dates, grace periods and defaults
   * without waiting days). Later blocks carry wall-clock time plus every advance so far; returns the total offset.
   */
  advanceTime(ms: bigint): bigint {
    if (ms < 0n) throw new RangeError('time only moves forward');
    this.offsetMs += ms;
    return this.offsetMs;
  }

  /** Build, commit and announce one block. */
  async produce(): Promise<SealedBlock | undefined> {
    if (this.running || this.stopped) return undefined;
    this.running = true;
    try {
      const clock = this.opts.now ?? Date.now;
      if (this.opts.beforeBuild !== undefined) {
        const at = BigInt(clock()) + this.offsetMs;
        await this.opts.beforeBuild(at).catch((e: unknown) => this.logger.error({ err: e }, 'before-build hook failed'));
      }
      const start = clock();
      const nowMs = BigInt(start) + this.offsetMs;
      // Half the block time for building, so a deep pool does not stretch the block time.
      const deadline = { atMs: start + Math.max(MIN_BUILD_BUDGET_MS, Math.floor(this.opts.blockTimeMs / 2)), clock };
      const sealed = buildBlock(this.chain, this.txs, { author: this.opts.author, round: 0, nowMs, maxExtrinsics: this.opts.maxExtrinsics ?? 10_000, deadline, logger: this.logger });
      await this.chain.commit(sealed);
      // The hashes computed when the block applied them (the decode cache holds these very arrays).
      const included = sealed.extrinsics.map((x, index) => ({ hash: decodeExtrinsic(x).hash, index }));
      this.txs.pool.onBlockImported({ blockHash: sealed.hash, blockNumber: sealed.header.number, included }, REVALIDATE_READY_PER_BLOCK);
      this.txs.pool.onBlockFinalized(sealed.hash, included);
      this.logger.info({ number: sealed.header.number, hash: toHex(sealed.hash), extrinsics: sealed.extrinsics.length - 1 }, 'authored block');
      return sealed;
    } catch (e) {
      this.logger.error({ err: e }, 'block production failed');
      return undefined;
    } finally {
      this.running = false;
    }
  }

  /** Stop after the block being built (if any) is committed. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.building;
  }
}
