/**
 * The pure integer maths of the Auctions pallet (ECONOMICS.md §5 Liquidation): the Dutch auction price curve, its
 * restarts, and how much of a lot a bid takes and pays.
 *
 * An auction sells up to `lot` XFG to raise `tab` UDST (the liquidated debt plus its penalty). Its price starts at
 * the oracle price · 110 % and falls linearly to 60 % of that start over `duration` (3 h); after that it restarts
 * from the oracle price of the moment. Prices are FixedU128 inner values (UDST per whole XFG); time is block time in
 * ms. Every division names its rounding.
 */
import { minBig, mulDiv } from '../../primitives/arith.js';
import { udstToXfg, xfgToUdst, type TokenDecimals } from '../oracle/math.js';

/** Basis points in one whole. */
const BPS = 10_000n;

/** The start price is the oracle price · 11,000 / 10,000 (+10 %). */
export const DEFAULT_AUCTION_START_BPS = 11_000n;
/** The price falls to 6,000 / 10,000 (60 %) of the start price by the end of a cycle. */
export const DEFAULT_AUCTION_FLOOR_BPS = 6_000n;
/** Default `auctionDuration`: one cycle lasts 3 hours. */
export const DEFAULT_AUCTION_DURATION_MS = 3n * 3_600_000n;

function requireNonNegative(x: bigint, name: string): void {
  if (x < 0n) throw new RangeError(`${name} must be non-negative, got ${x}`);
}

function requirePositive(x: bigint, name: string): void {
  if (x <= 0n) throw new RangeError(`${name} must be positive, got ${x}`);
}

/** The start price of a cycle: `⌊oraclePrice · startBps / 10_000⌋` (a price is a valuation: rounded down). */
export function auctionStartPrice(oraclePrice: bigint, startBps: bigint = DEFAULT_AUCTION_START_BPS): bigint {
  requireNonNegative(oraclePrice, 'oraclePrice');
  requireNonNegative(startBps, 'startBps');
  return mulDiv(oraclePrice, startBps, BPS, 'down');
}

/** The lowest price of a cycle: `⌊startPrice · floorBps / 10_000⌋`, reached at the cycle's last millisecond. */
export function auctionFloorPrice(startPrice: bigint, floorBps: bigint = DEFAULT_AUCTION_FLOOR_BPS): bigint {
  requireNonNegative(startPrice, 'startPrice');
  if (floorBps < 0n || floorBps > BPS) throw new RangeError(`floorBps must be within 0..=10_000, got ${floorBps}`);
  return mulDiv(startPrice, floorBps, BPS, 'down');
}

/** Which cycle an auction is in, and how far into it. */
export interface AuctionCycle {
  /** Restarts so far (0 for the first cycle). */
  readonly cycle: bigint;
  /** Time since the current cycle started: `0 ..= duration` in cycle 0, `1 ..= duration` afterwards. */
  readonly elapsedInCycle: bigint;
}

/**
 * The cycle at `elapsed` ms after the auction started. Cycle 0 covers `[0, duration]`; cycle `k ≥ 1` covers
 * `(k · duration, (k + 1) · duration]`: the price reaches the floor exactly at the end of a cycle and the restart
 * happens the millisecond after. So `k = 0` when `elapsed ≤ duration`, else `⌊(elapsed − 1) / duration⌋`.
 */
export function auctionCycle(elapsed: bigint, duration: bigint): AuctionCycle {
  requireNonNegative(elapsed, 'elapsed');
  requirePositive(duration, 'duration');
  if (elapsed <= duration) return { cycle: 0n, elapsedInCycle: elapsed };
  const cycle = (elapsed - 1n) / duration;
  return { cycle, elapsedInCycle: elapsed - cycle * duration };
}

/** The inputs of {@link auctionPrice}. */
export interface AuctionPriceArgs {
  /** The current cycle's start price ({@link auctionStartPrice} of the oracle price when the cycle began). */
  readonly startPrice: bigint;
  /** Time since the current cycle began (ms); beyond `duration` the same curve repeats (see {@link auctionCycle}). */
  readonly elapsed: bigint;
  /** Cycle length (ms, > 0; default 3 h). */
  readonly duration: bigint;
  /** The end of a cycle as bps of its start (default 6,000). */
  readonly floorBps?: bigint;
}

/**
 * The Dutch auction price at `elapsed` into a cycle:
 *
 * ```
 * price(t) = floor + ⌊(start − floor) · (duration − t) / duration⌋,   floor = ⌊start · 6_000 / 10_000⌋
 * ```
 *
 * so `price(0) = start`, `price(duration) = floor`, non-increasing in between, and rounded down (the price values
 * collateral). With `elapsed > duration` the curve repeats with the same start ({@link auctionCycle}): the pallet
 * re-tops a restarted cycle with the oracle price of the restart ({@link restartAuction}) before pricing it.
 */
export function auctionPrice(args: AuctionPriceArgs): bigint {
  const { startPrice, duration } = args;
  const floor = auctionFloorPrice(startPrice, args.floorBps ?? DEFAULT_AUCTION_FLOOR_BPS);
  const t = auctionCycle(args.elapsed, duration).elapsedInCycle;
  return floor + mulDiv(startPrice - floor, duration - t, duration, 'down');
}

/** An auction's current cycle: when it began and its start price. */
export interface AuctionClock {
  /** When the current cycle began (block time, ms). */
  readonly startedAt: bigint;
  /** The current cycle's start price. */
  readonly startPrice: bigint;
}

/**
 * Brings an auction's cycle up to `now`: unchanged while `now − startedAt ≤ duration`; otherwise the cycle that
 * contains `now` begins at `startedAt + k · duration` ({@link auctionCycle}'s `k`, so restarts stay on the original
 * grid whenever the auction is touched) and starts from {@link auctionStartPrice} of `oraclePrice`. With no oracle
 * price (`undefined`) the start price is kept; the pallet refuses bids while there is no price anyway (fail closed).
 */
export function restartAuction(
  clock: AuctionClock,
  now: bigint,
  duration: bigint,
  oraclePrice: bigint | undefined,
  startBps: bigint = DEFAULT_AUCTION_START_BPS,
): AuctionClock & { readonly restarted: boolean } {
  if (now < clock.startedAt) throw new RangeError(`now ${now} is before the cycle start ${clock.startedAt}`);
  const { cycle } = auctionCycle(now - clock.startedAt, duration);
  if (cycle === 0n) return { ...clock, restarted: false };
  return {
    startedAt: clock.startedAt + cycle * duration,
    startPrice: oraclePrice === undefined ? clock.startPrice : auctionStartPrice(oraclePrice, startBps),
    restarted: true,
  };
}

/** The inputs of {@link bidFill}. */
export interface BidArgs {
  /** XFG still for sale. */
  readonly lotXfg: bigint;
  /** UDST still to raise. */
  readonly tab: bigint;
  /** The auction price now ({@link auctionPrice}). */
  readonly price: bigint;
  /** The most XFG the bidder wants. */
  readonly maxXfg: bigint;
  /** Token decimals. */
  readonly decimals: TokenDecimals;
}

/** What a bid buys and pays, and what is left of the auction. */
export interface BidFill {
  /** XFG the bidder receives. */
  readonly xfg: bigint;
  /** UDST the bidder pays. */
  readonly udst: bigint;
  /** XFG left for sale. */
  readonly lotXfg: bigint;
  /** UDST left to raise. */
  readonly tab: bigint;
  /** True when the auction is over: the tab is raised (the rest of the lot returns to the borrower) or the lot is sold out. */
  readonly done: boolean;
}

/**
 * Fills a bid at `price`. The bidder takes `want = min(maxXfg, lotXfg)` and pays its cost `⌈want · price⌉` in UDST
 * (rounded up: the bidder owes it), unless that reaches the tab: then the bidder pays exactly the tab and receives
 * `min(want, ⌊tab / price⌋)` XFG (rounded down: what the bidder is paid), so the auction never raises more than its
 * tab and never hands out XFG worth more than was paid. The pallet checks `price ≤ maxPrice` before.
 */
export function bidFill(args: BidArgs): BidFill {
  requireNonNegative(args.lotXfg, 'lotXfg');
  requireNonNegative(args.tab, 'tab');
  requireNonNegative(args.maxXfg, 'maxXfg');
  requirePositive(args.price, 'price');
  const want = minBig(args.maxXfg, args.lotXfg);
  const cost = xfgToUdst(want, args.price, args.decimals, 'up');
  let xfg: bigint;
  let udst: bigint;
  if (cost >= args.tab) {
    udst = args.tab;
    xfg = minBig(want, udstToXfg(args.tab, args.price, args.decimals, 'down'));
  } else {
    udst = cost;
    xfg = want;
  }
  const lotXfg = args.lotXfg - xfg;
  const tab = args.tab - udst;
  return { xfg, udst, lotXfg, tab, done: tab === 0n || lotXfg === 0n };
}

