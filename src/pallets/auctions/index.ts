/**
 * Dutch auctions of liquidated collateral (ECONOMICS.md §5 Liquidation). An auction sells up to `lotXfg` of a loan's
 * pledged XFG to raise `tab` UDST: the price starts at the oracle price · 110 % and falls linearly to 60 % of that
 * over `durationMs` (3 h), then restarts from the oracle price of the moment. `bid(id, maxXfg, maxPrice)` buys at the
 * current price. The XFG stays in the borrower's certificates until sold, so unsold collateral never leaves them.
 *
 * The owner of the lot (Loans) settles each sale through {@link AuctionSettlement}: it moves the XFG to the bidder
 * and applies the UDST the bidder paid (held in escrow by the ledger's `debit`).
 */
import { compactU128, u64, u128 } from '../../primitives/scale/index.js';
import { ensure, ensureOrigin, ensureSigned, fail, type EnsureOrigin } from '../../runtime/dispatch.js';
import { call, definePallet, type Pallet } from '../../runtime/pallet.js';
import type { StateReader } from '../../runtime/state.js';
import type { BlockTime } from '../timestamp/interface.js';
import type { PriceOracle } from '../oracle/interface.js';
import type { UdstLedger } from '../udst/interface.js';
import { AUCTIONS_INDEX } from './types.js';
import type { AuctionSettlement, AuctionsApi } from './interface.js';
import type { TokenDecimals } from '../oracle/math.js';
import { now as timestampNow } from '../timestamp/index.js';
import { checkParams, type Bounds } from '../banks/params.js';
import { AuctionsErrors } from './errors.js';
import { auctionsEvent, AuctionsEvents } from './events.js';
import { auctionFloorPrice, auctionPrice, auctionStartPrice, bidFill, restartAuction } from './math.js';
import { AUCTIONS_STORAGE_INFOS, AuctionsStorage } from './storage.js';
import { AuctionParams, type AuctionParamsValue, type AuctionValue, type AuctionViewValue } from './types.js';
import { weightOf } from '../../runtime/weights.js';
import { WEIGHTS } from './weights.js';

export { AuctionsStorage, DEFAULT_AUCTION_PARAMS } from './storage.js';
export { AuctionsErrors } from './errors.js';
export { AuctionsEvents } from './events.js';
export * from './types.js';

const E = AuctionsErrors.of;

export type { Sale, AuctionSettlement, AuctionsApi } from './interface.js';

/** Read-only queries. */
export interface AuctionsQueries {
  /** The auction and its price at block time `at` (default: the state's time), with the oracle price as it stands. */
  view(st: StateReader, id: bigint, at?: bigint): AuctionViewValue | undefined;
}

/** What Auctions needs. */
export interface AuctionsConfig {
  udst: UdstLedger;
  oracle: PriceOracle;
  decimals: TokenDecimals;
  /** The lot owner's settlement, bound late (Loans is built after Auctions). */
  settlement: () => AuctionSettlement;
  time?: BlockTime;
  /** Who may change the auction parameters (this chain: Root; governance later). */
  paramsOrigin: EnsureOrigin<unknown>;
}

/** Governance bounds of the auction parameters. */
export const AUCTION_PARAM_BOUNDS: Bounds<AuctionParamsValue> = {
  durationMs: { min: 600_000n, max: 86_400_000n, maxStep: 3_600_000n },
  startBps: { min: 10_000n, max: 15_000n, maxStep: 1_000n },
  floorBps: { min: 1_000n, max: 9_000n, maxStep: 1_000n },
};

/** The auction's cycle brought up to `now` (restart on the grid from `oraclePrice`), and the price then. */
export function currentCycle(a: AuctionValue, now: bigint, p: AuctionParamsValue, oraclePrice: bigint | undefined): { auction: AuctionValue; restarted: boolean; price: bigint; floor: bigint } {
  const at = now < a.cycleStartedAt ? a.cycleStartedAt : now;
  const clock = restartAuction({ startedAt: a.cycleStartedAt, startPrice: a.startPrice }, at, p.durationMs, oraclePrice, p.startBps);
  const cycles = clock.restarted ? (clock.startedAt - a.cycleStartedAt) / p.durationMs : 0n;
  const auction = clock.restarted ? { ...a, cycleStartedAt: clock.startedAt, startPrice: clock.startPrice, restarts: a.restarts + cycles } : a;
  const price = auctionPrice({ startPrice: auction.startPrice, elapsed: at - auction.cycleStartedAt, duration: p.durationMs, floorBps: p.floorBps });
  return { auction, restarted: clock.restarted, price, floor: auctionFloorPrice(auction.startPrice, p.floorBps) };
}

/** Build the Auctions pallet. */
export function createAuctions(config: AuctionsConfig): { pallet: Pallet & { queries: AuctionsQueries }; api: AuctionsApi; queries: AuctionsQueries } {
  const { udst, oracle, decimals } = config;
  const time = config.time ?? timestampNow;

  const api: AuctionsApi = {
    start(ctx, loanId, lotXfg, tab, oraclePrice) {
      const p = AuctionsStorage.Params.get(ctx.state);
      const id = AuctionsStorage.NextAuctionId.get(ctx.state);
      AuctionsStorage.NextAuctionId.set(ctx.state, id + 1n);
      const now = time(ctx.state);
      const startPrice = auctionStartPrice(oraclePrice, p.startBps);
      AuctionsStorage.Auctions.set(ctx.state, id, { loanId, lotXfg, tab, createdAt: now, cycleStartedAt: now, startPrice, raised: 0n, sold: 0n, restarts: 0n });
      ctx.deposit(auctionsEvent('AuctionStarted', { auctionId: id, loanId, lotXfg, tab, startPrice }));
      return id;
    },
    get: (st, id) => AuctionsStorage.Auctions.get(st, id),
  };

  const queries: AuctionsQueries = {
    view(st, id, at) {
      const a = AuctionsStorage.Auctions.get(st, id);
      if (!a) return undefined;
      const c = currentCycle(a, at ?? time(st), AuctionsStorage.Params.get(st), oracle.peekPrice(st));
      return { id, auction: c.auction, price: c.price, floorPrice: c.floor };
    },
  };

  const auctionsPallet = definePallet({
    name: 'Auctions',
    index: AUCTIONS_INDEX,
    crate: 'pallet_auctions',
    docs: ['Dutch auctions of liquidated loan collateral.'],
    storage: AUCTIONS_STORAGE_INFOS,
    calls: {
      bid: call({
        index: 0,
        args: { auctionId: u64, maxXfg: compactU128, maxPrice: u128 },
        docs: [
          'Buy up to `max_xfg` of the lot at the current price, if it is at most `max_price` (FixedU128 UDST per XFG).',
          'Below the tab the bidder pays `ceil(xfg * price)`; reaching it, exactly the tab for `floor(tab / price)` XFG at most.',
        ],
        weight: () => weightOf(WEIGHTS.calls.bid),
        dispatch: (ctx, origin, { auctionId, maxXfg, maxPrice }) => {
          const bidder = ensureSigned(origin);
          const stored = AuctionsStorage.Auctions.get(ctx.state, auctionId) ?? fail(E.UnknownAuction, `no auction ${auctionId}`);
          ensure(maxXfg > 0n, E.NothingToBuy);
          // Fail closed: no oracle price, no sale (the restart price would be unknown).
          const oraclePrice = oracle.price(ctx) ?? fail(E.PriceUnavailable);
          const p = AuctionsStorage.Params.get(ctx.state);
          const c = currentCycle(stored, time(ctx.state), p, oraclePrice);
          if (c.restarted) ctx.deposit(auctionsEvent('AuctionRestarted', { auctionId, cycleStartedAt: c.auction.cycleStartedAt, startPrice: c.auction.startPrice }));
          ensure(c.price > 0n, E.PriceUnavailable);
          ensure(c.price <= maxPrice, E.PriceAboveMax, `price ${c.price} > max ${maxPrice}`);
          const fill = bidFill({ lotXfg: c.auction.lotXfg, tab: c.auction.tab, price: c.price, maxXfg, decimals });
          ensure(fill.xfg > 0n, E.NothingToBuy);
          udst.debit(ctx, bidder, fill.udst);
          const next: AuctionValue = { ...c.auction, lotXfg: fill.lotXfg, tab: fill.tab, raised: c.auction.raised + fill.udst, sold: c.auction.sold + fill.xfg };
          AuctionsStorage.Auctions.set(ctx.state, auctionId, next);
          ctx.deposit(auctionsEvent('BidAccepted', { auctionId, bidder, xfg: fill.xfg, udst: fill.udst, price: c.price }));
          const settlement = config.settlement();
          settlement.onSale(ctx, auctionId, next, { bidder, xfg: fill.xfg, udst: fill.udst });
          if (fill.done) {
            AuctionsStorage.Auctions.remove(ctx.state, auctionId);
            ctx.deposit(auctionsEvent('AuctionEnded', { auctionId, loanId: next.loanId, raised: next.raised, sold: next.sold, unsoldXfg: next.lotXfg, tabLeft: next.tab }));
            settlement.onEnd(ctx, auctionId, next);
          }
        },
      }),
      setParams: call({
        index: 1,
        args: { params: AuctionParams },
        docs: ['Change the auction parameters within their bounds and steps (`ParamsOrigin`: root; governance later).'],
        weight: () => weightOf(WEIGHTS.calls.setParams),
        dispatch: (ctx, origin, { params }) => {
          ensureOrigin(config.paramsOrigin, origin, ctx.state);
          const v = checkParams(params, AUCTION_PARAM_BOUNDS, AuctionsStorage.Params.get(ctx.state));
          if (v) fail(v.reason === 'OutOfBounds' ? E.ParamOutOfBounds : E.ParamStepTooLarge, `${v.field} = ${v.value} refused: ${v.reason}`);
          AuctionsStorage.Params.set(ctx.state, params);
          ctx.deposit(auctionsEvent('ParamsSet', { params }));
        },
      }),
    },
    events: AuctionsEvents,
    errors: AuctionsErrors,
    constants: [],
    hooks: {
      tryState(st) {
        for (const [id, a] of AuctionsStorage.Auctions.entries(st)) {
          if (a.tab === 0n || a.lotXfg === 0n) throw new Error(`auction ${id} is over (tab ${a.tab}, lot ${a.lotXfg}) but still stored`);
        }
      },
    },
  });
  return { pallet: Object.assign(auctionsPallet, { queries }), api, queries };
}
