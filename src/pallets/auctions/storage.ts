/** Every storage item of the Auctions pallet. Auction ids are chain-chosen counters (`Twox64Concat`). */
import { u64 } from '../../primitives/scale/index.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { DEFAULT_AUCTION_DURATION_MS, DEFAULT_AUCTION_FLOOR_BPS, DEFAULT_AUCTION_START_BPS } from './math.js';
import { Auction, AuctionParams } from './types.js';

const s = new StorageBuilder('Auctions');

/** Default auction parameters: 3 h cycles from +10 % down to 60 % of the start. */
export const DEFAULT_AUCTION_PARAMS = { durationMs: DEFAULT_AUCTION_DURATION_MS, startBps: DEFAULT_AUCTION_START_BPS, floorBps: DEFAULT_AUCTION_FLOOR_BPS };

/** Storage items of Auctions. */
export const AuctionsStorage = {
  /** The id the next auction gets (u64 counter). */
  NextAuctionId: s.value('NextAuctionId', u64, { default: 0n, docs: ['The id the next auction gets.'] }),
  /** Running auctions by id (removed when they end). */
  Auctions: s.map('Auctions', 'Twox64Concat', u64, Auction, { docs: ['Running auctions by id.'] }),
  /** Parameters of all auctions. */
  Params: s.value('Params', AuctionParams, { default: DEFAULT_AUCTION_PARAMS, docs: ['Cycle length, start and floor of every auction.'] }),
};

/** Metadata of every Auctions storage item. */
export const AUCTIONS_STORAGE_INFOS = s.infos();
