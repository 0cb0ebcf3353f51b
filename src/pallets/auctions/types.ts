/** SCALE schemas of the Auctions pallet. Amounts: XFG and UDST base units (`u128`); times block ms (`u64`). */
import { struct, u64, u128, type ValueOf } from '../../primitives/scale/index.js';

/** A Dutch auction of liquidated collateral. */
export const Auction = struct(['pallet_auctions', 'types', 'Auction'], {
  /** The loan whose collateral is sold. */
  loanId: u64,
  /** XFG still for sale (held in the loan's pledged certificates until sold). */
  lotXfg: u128,
  /** UDST still to raise (debt repaid by the liquidation plus its penalty). */
  tab: u128,
  /** When the auction began (ms). */
  createdAt: u64,
  /** When the current cycle began (ms); restarts stay on the grid `createdAt + k · duration`. */
  cycleStartedAt: u64,
  /** The current cycle's start price (FixedU128 inner, UDST per XFG). */
  startPrice: u128,
  /** UDST raised so far. */
  raised: u128,
  /** XFG sold so far. */
  sold: u128,
  /** Restarts so far (u64 counter). */
  restarts: u64,
});
/** {@link Auction} as a value. */
export type AuctionValue = ValueOf<typeof Auction>;

/** Parameters of all auctions. */
export const AuctionParams = struct(['pallet_auctions', 'types', 'AuctionParams'], {
  /** Length of one cycle (ms). */
  durationMs: u64,
  /** A cycle starts at the oracle price · startBps / 10_000. */
  startBps: u64,
  /** A cycle ends at its start price · floorBps / 10_000. */
  floorBps: u64,
});
/** {@link AuctionParams} as a value. */
export type AuctionParamsValue = ValueOf<typeof AuctionParams>;

/** What `AuctionsApi` reports about an auction at a moment. */
export const AuctionView = struct(['pallet_auctions', 'types', 'AuctionView'], {
  id: u64,
  auction: Auction,
  /** The price a bid would pay now (after any due restart). */
  price: u128,
  /** The lowest price of the current cycle. */
  floorPrice: u128,
});
/** {@link AuctionView} as a value. */
export type AuctionViewValue = ValueOf<typeof AuctionView>;

/** Pallet index of Auctions (fixed: part of every call's encoding). */
export const AUCTIONS_INDEX = 15;
