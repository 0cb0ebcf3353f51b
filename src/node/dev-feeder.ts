/**
 * The development chain's own price feeder (`--dev`, on unless `--no-dev-feeder`): without it the genesis price goes
 * stale `price_lifetime` (10 minutes) after the first block and every `apply` and `draw` fails with
 * `PriceUnavailable` until someone finds and starts `dcn-node feeder`.
 *
 * Before each block the dev author builds, it looks at the oracle values of the public dev keys (//Alice … //Ferdie)
 * that are in the chain's feeder set. A value that will be `refreshMs` old (chain time: the timestamp of the block
 * about to be built, so `dev_advanceTime` counts) is fed again: a real `Oracle.feed` extrinsic signed with that key,
 * its next pool-aware nonce and no tip, submitted to the node's own pool like any wallet's, and included by the block
 * being built. It feeds the key's own latest price (at first the spec's genesis value), so a price set by hand with
 * `oracle.feed` from a dev key stays as set: this only keeps it fresh. A feed still waiting in the pool is not
 * repeated.
 */
import type { Logger } from 'pino';
import { keyPairFromUri, type KeyPair } from '../crypto/keys.js';
import { equalBytes, toHex } from '../primitives/bytes.js';
import { GENESIS_FED_AT } from '../pallets/oracle/types.js';
import { isWithinOpenBounds } from '../pallets/oracle/math.js';
import type { Chain } from './chain.js';
import { encodeSignedFeed, formatPrice } from './feeder.js';
import type { TransactionService } from './transactions.js';

/** The public development keys the dev feeder may sign with (those of them in the chain's feeder set). */
export const DEV_FEEDER_URIS = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie'] as const;

/** Default age (ms of chain time) at which a dev key's value is fed again: 2 minutes, a fifth of the dev spec's 10-minute lifetime. */
export const DEV_FEED_REFRESH_MS = 120_000n;

/** Chain time (ms) a key waits after a refused feed before it is tried again. */
const REFUSED_PAUSE_MS = 30_000n;

/** Options of {@link DevFeeder}. */
export interface DevFeederOptions {
  /** Age (ms) at which a value is fed again, 1 ..= 2^63; never more than half the chain's `price_lifetime`. */
  refreshMs?: bigint;
  /** The spec's genesis prices by feeder (fed when a dev key has no value of its own). */
  genesisPrices?: ReadonlyArray<readonly [Uint8Array, bigint]>;
}

/** Keeps the dev feeder keys' prices fresh (see the module comment). */
export class DevFeeder {
  private readonly keys: KeyPair[];
  private readonly refreshMs: bigint;
  /** Hash of the last feed submitted per key (hex public key → hex tx hash), to not stack feeds in the pool. */
  private readonly pending = new Map<string, Uint8Array>();
  private warnedNoKeys = false;
  /** Chain time (ms) before which a key whose feed was refused is not tried again (hex public key → ms). */
  private readonly pausedUntil = new Map<string, bigint>();
  /** `key:price` pairs already warned about as out of bounds (at most one per key and price seen). */
  private readonly warnedBounds = new Set<string>();

  constructor(
    private readonly chain: Chain,
    private readonly txs: TransactionService,
    private readonly logger: Logger,
    private readonly opts: DevFeederOptions = {},
  ) {
    this.keys = DEV_FEEDER_URIS.map((u) => keyPairFromUri(u, 'sr25519'));
    this.refreshMs = opts.refreshMs ?? DEV_FEED_REFRESH_MS;
    if (this.refreshMs <= 0n) throw new RangeError('the dev feeder refresh must be positive');
  }

  /**
   * Feed again every dev key's value that is at least the refresh age at `blockTimeMs` (the timestamp of the block
   * about to be built). Never throws: a refused feed is logged and tried again before a later block.
   */
  async beforeBlock(blockTimeMs: bigint): Promise<void> {
    const st = this.chain.headState();
    const oracle = this.chain.runtime.queries.oracle;
    const feeders = oracle.feeders(st);
    const params = oracle.params(st);
    const ours = this.keys.filter((k) => feeders.some((f) => equalBytes(f, k.publicKey)));
    if (ours.length === 0) {
      if (!this.warnedNoKeys) this.logger.warn('dev feeder: no dev key (//Alice … //Ferdie) is in the chain\'s feeder set; the price will go stale');
      this.warnedNoKeys = true;
      return;
    }
    const halfLife = params.priceLifetimeMs / 2n;
    const refresh = this.refreshMs < halfLife ? this.refreshMs : halfLife > 0n ? halfLife : 1n;
    const { specVersion, transactionVersion } = this.chain.runtime.version;
    for (const key of ours) {
      const id = toHex(key.publicKey);
      const value = oracle.value(st, key.publicKey);
      // A genesis value waiting for block 1's time is fresh by definition.
      if (value?.at === GENESIS_FED_AT) continue;
      const ageMs = value === undefined ? undefined : blockTimeMs - value.at;
      if (ageMs !== undefined && ageMs < refresh) continue;
      const price = value?.price ?? this.opts.genesisPrices?.find(([f]) => equalBytes(f, key.publicKey))?.[1];
      if (price === undefined) continue;
      if (!isWithinOpenBounds(price, params.priceMin, params.priceMax)) {
        // Once per key and price, not before every block.
        const what = `${id}:${price}`;
        if (!this.warnedBounds.has(what)) this.logger.warn({ feeder: key.address(), price: formatPrice(price) }, 'dev feeder: the last price is outside the current bounds; not fed');
        this.warnedBounds.add(what);
        continue;
      }
      if (blockTimeMs < (this.pausedUntil.get(id) ?? 0n)) continue;
      const prev = this.pending.get(id);
      if (prev !== undefined) {
        const s = this.txs.pool.status(prev).type;
        if (s === 'ready' || s === 'future') continue;
      }
      const nonce = this.txs.nextNonce(key.publicKey);
      try {
        const bytes = encodeSignedFeed(key, price, { nonce, specVersion, transactionVersion, genesisHash: this.chain.genesisHash });
        const hash = await this.txs.submit(bytes, 'local');
        this.pending.set(id, hash);
        this.logger.info({ feeder: key.address(), price: formatPrice(price), nonce, ageMs: ageMs?.toString(), txHash: toHex(hash) }, 'dev feeder: price fed');
      } catch (e) {
        // Not again before every block: a refusal that persists (say, the key ran out of XFG for fees) logs twice a minute.
        this.pausedUntil.set(id, blockTimeMs + REFUSED_PAUSE_MS);
        this.logger.warn({ feeder: key.address(), nonce, err: (e as Error).message, retryInMs: Number(REFUSED_PAUSE_MS) }, 'dev feeder: feed refused');
      }
    }
  }
}
