/** Events of the Auctions pallet. */
import { enumeration, fields, u64, u128 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { eventFactory } from '../../runtime/pallet.js';
import { AuctionParams } from './types.js';

/** Events of Auctions. */
export const AuctionsEvents = enumeration(
  ['pallet_auctions', 'pallet', 'Event'],
  {
    AuctionStarted: fields({ auctionId: u64, loanId: u64, lotXfg: u128, tab: u128, startPrice: u128 }),
    AuctionRestarted: fields({ auctionId: u64, cycleStartedAt: u64, startPrice: u128 }),
    BidAccepted: fields({ auctionId: u64, bidder: AccountId32, xfg: u128, udst: u128, price: u128 }),
    AuctionEnded: fields({ auctionId: u64, loanId: u64, raised: u128, sold: u128, unsoldXfg: u128, tabLeft: u128 }),
    ParamsSet: fields({ params: AuctionParams }),
  },
  {
    params: [{ name: 'T' }],
    docs: ['The `Event` enum of this pallet'],
    variantDocs: {
      AuctionStarted: ['A lot of pledged collateral went to auction to raise `tab` UDST.'],
      AuctionRestarted: ['A cycle ended unsold at its floor; a new one started from the oracle price.'],
      BidAccepted: ['A bidder bought `xfg` for `udst` at `price`.'],
      AuctionEnded: ['An auction ended: its tab was raised or its lot sold out; unsold XFG stays with the borrower.'],
      ParamsSet: ['The auction parameters were changed.'],
    },
  },
);

/** Typed constructor of Auctions events. */
export const auctionsEvent = eventFactory('Auctions', AuctionsEvents);
