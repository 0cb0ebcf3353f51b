/**
 * What other pallets (Loans) use of Auctions: {@link AuctionsApi} to start and read auctions, and the
 * {@link AuctionSettlement} Loans implements to settle sales. Other pallets import this file (or index.ts), never
 * `storage.ts`.
 */
import type { DispatchContext } from '../../runtime/dispatch.js';
import type { StateReader } from '../../runtime/state.js';
import type { AuctionValue } from './types.js';

/** A sale, as the lot's owner settles it. */
export interface Sale {
  bidder: Uint8Array;
  /** XFG the bidder receives. */
  xfg: bigint;
  /** UDST the bidder paid, now held in escrow. */
  udst: bigint;
}

/** How an auction's owner (Loans) settles sales. */
export interface AuctionSettlement {
  /** Move `sale.xfg` of the loan's collateral to the bidder and apply `sale.udst` from escrow. */
  onSale(ctx: DispatchContext, auctionId: bigint, auction: AuctionValue, sale: Sale): void;
  /** The auction is over (tab raised or lot sold out); `auction` is its final record. */
  onEnd(ctx: DispatchContext, auctionId: bigint, auction: AuctionValue): void;
}

/** What Loans may do with auctions. */
export interface AuctionsApi {
  /** Start an auction of `lotXfg` of `loanId`'s collateral to raise `tab`, at `oraclePrice`; returns its id. */
  start(ctx: DispatchContext, loanId: bigint, lotXfg: bigint, tab: bigint, oraclePrice: bigint): bigint;
  get(st: StateReader, id: bigint): AuctionValue | undefined;
}
