/** Errors of the Auctions pallet. */
import { defineErrors } from '../../runtime/pallet.js';
import { AUCTIONS_INDEX } from './types.js';

/** Errors of Auctions. */
export const AuctionsErrors = defineErrors(['pallet_auctions', 'pallet', 'Error'], AUCTIONS_INDEX, {
  UnknownAuction: 'No running auction has this id.',
  PriceUnavailable: 'There is no oracle price: bids are refused (fail closed).',
  PriceAboveMax: 'The current auction price is above the bid\'s maximum price.',
  NothingToBuy: 'The bid would receive no XFG (zero `maxXfg`).',
  ParamOutOfBounds: 'A parameter is outside its governance bounds.',
  ParamStepTooLarge: 'A parameter moves by more than its maximum step.',
});
