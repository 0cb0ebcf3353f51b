/**
 * The Auctions pallet on the real runtime: the Dutch price curve over cycles with no bids (decay, floor, restart from
 * the oracle price of the moment), bids at the current price within `maxPrice`, partial fills, refusals that change
 * nothing, and parameters within bounds.
 */
import { describe, expect, it } from 'vitest';
import { CreditChain, checkCreditInvariantsAfterEach, HOUR, PRICE_ONE, U, XFG } from './credit-harness.js';
import { AuctionsStorage, DEFAULT_AUCTION_PARAMS } from '../../../src/pallets/auctions/index.js';
import { auctionFloorPrice } from '../../../src/pallets/auctions/math.js';
import { CertificatesStorage } from '../../../src/pallets/certificates/index.js';

checkCreditInvariantsAfterEach();

const price = (num: bigint, den = 100n) => (PRICE_ONE * num) / den;
const CYCLE = 3n * HOUR;

/** Bob's loan (1,000 UDST against 1,500 XFG) after a 40 % price drop: the whole collateral at auction. */
async function withAuction() {
  const c = await CreditChain.create();
  const cert = c.lock(c.keys.bob, 1_500n * XFG);
  const loanId = c.borrow(c.keys.bob, 1_000n * U, [cert]);
  c.feed(price(60n));
  c.produce([]);
  const auctionId = c.loan(loanId).liquidation!.auctionId;
  return { c, loanId, auctionId, cert };
}

describe('Auctions', () => {
  it('with no bids the price decays linearly to its floor, restarts from the current oracle price, and never goes below the floor', async () => {
    const { c, auctionId } = await withAuction();
    const a = AuctionsStorage.Auctions.get(c.state, auctionId)!;
    expect(a.startPrice).toBe(price(66n));
    const floor = auctionFloorPrice(a.startPrice);
    expect(floor).toBe((price(66n) * 6_000n) / 10_000n);
    const at = (t: bigint) => c.auctionQueries.view(c.state, auctionId, a.createdAt + t)!;
    expect(at(0n).price).toBe(a.startPrice);
    expect(at(CYCLE / 2n).price).toBe(floor + (a.startPrice - floor) / 2n);
    expect(at(CYCLE).price).toBe(floor);
    let prev = a.startPrice;
    for (let t = 0n; t <= CYCLE; t += CYCLE / 50n) {
      const p = at(t).price;
      expect(p).toBeLessThanOrEqual(prev);
      expect(p).toBeGreaterThanOrEqual(floor);
      prev = p;
    }
    // One millisecond after the floor a new cycle starts from the oracle price · 110 % (here still 0.60).
    const restarted = at(CYCLE + 1n);
    expect(restarted.auction.cycleStartedAt).toBe(a.createdAt + CYCLE);
    expect(restarted.auction.restarts).toBe(1n);
    expect(restarted.price).toBeGreaterThan(floor);
    expect(restarted.price).toBeLessThanOrEqual(price(66n));
    // Over several cycles with no bids the price stays within [floor, start] of each cycle.
    for (let t = 0n; t <= 4n * CYCLE; t += CYCLE / 7n) {
      const v = at(t);
      expect(v.price).toBeGreaterThanOrEqual(v.floorPrice);
      expect(v.floorPrice).toBe(floor);
    }
  });

  it('on chain a cycle without bids restarts at the oracle price of the moment and sells no lower than that cycle\'s floor', async () => {
    const { c, auctionId, loanId } = await withAuction();
    const a = AuctionsStorage.Auctions.get(c.state, auctionId)!;
    // The market moves to 0.50 while nobody bids; the next cycle starts from 0.55, not from the old 0.396 floor.
    c.advance(CYCLE + HOUR);
    c.feed(price(50n));
    const quoted = c.auctionQueries.view(c.state, auctionId, c.t)!;
    expect(quoted.auction.startPrice).toBe(price(55n));
    expect(quoted.floorPrice).toBe(auctionFloorPrice(price(55n)));
    const r = c.ok(c.keys.eve, 'Auctions', 'bid', { auctionId, maxXfg: 100n * XFG, maxPrice: price(55n) });
    expect(r.events).toContain('Auctions.AuctionRestarted');
    const bid = r.records.find((x) => x.event.value.tag === 'BidAccepted')!.event.value.value as { price: bigint; xfg: bigint; udst: bigint };
    expect(bid.price).toBe(quoted.price);
    expect(bid.price).toBeGreaterThanOrEqual(quoted.floorPrice);
    expect(bid.xfg).toBe(100n * XFG);
    expect(bid.udst).toBe((100n * bid.price * U + PRICE_ONE - 1n) / PRICE_ONE);
    const after = AuctionsStorage.Auctions.get(c.state, auctionId)!;
    expect(after.restarts).toBe(1n);
    expect(after.lotXfg).toBe(a.lotXfg - 100n * XFG);
    expect(after.tab).toBe(a.tab - bid.udst);
    expect(c.loan(loanId).liquidation).toBeDefined();
  });

  it('partial bids fill the lot in turn; the auction ends when the tab is raised and the rest stays with the borrower', async () => {
    const { c, auctionId, loanId, cert } = await withAuction();
    const { eve, charlie } = c.keys;
    const a = AuctionsStorage.Auctions.get(c.state, auctionId)!;
    c.ok(eve, 'Auctions', 'bid', { auctionId, maxXfg: 500n * XFG, maxPrice: price(66n) });
    expect(AuctionsStorage.Auctions.get(c.state, auctionId)!.lotXfg).toBe(a.lotXfg - 500n * XFG);
    expect(CertificatesStorage.Certificates.get(c.state, cert)!.xfg).toBe(1_000n * XFG);
    // The tab (≈ 1,050) exceeds what the lot fetches at this price, so the second bid takes everything: bad debt.
    const r = c.ok(charlie, 'Auctions', 'bid', { auctionId, maxXfg: 5_000n * XFG, maxPrice: price(66n) });
    expect(r.events).toEqual(expect.arrayContaining(['Auctions.AuctionEnded', 'Loans.BadDebt']));
    expect(AuctionsStorage.Auctions.get(c.state, auctionId)).toBeUndefined();
    expect(c.loan(loanId).state.tag).toBe('WrittenOff');
  });

  it('refused bids change nothing: unknown auction, nothing to buy, price above the maximum, no oracle price, no UDST', async () => {
    const { c, auctionId } = await withAuction();
    const { eve, dave } = c.keys;
    const cur = c.auctionQueries.view(c.state, auctionId, c.t)!.price;
    c.expectNoop(eve, 'Auctions', 'bid', { auctionId: 99n, maxXfg: XFG, maxPrice: PRICE_ONE }, 'Auctions.UnknownAuction');
    c.expectNoop(eve, 'Auctions', 'bid', { auctionId, maxXfg: 0n, maxPrice: PRICE_ONE }, 'Auctions.NothingToBuy');
    c.expectNoop(eve, 'Auctions', 'bid', { auctionId, maxXfg: XFG, maxPrice: cur - 1n }, 'Auctions.PriceAboveMax');
    c.expectNoop(dave, 'Auctions', 'bid', { auctionId, maxXfg: XFG, maxPrice: PRICE_ONE }, 'Udst.InsufficientBalance');
    c.advance(11n * 60_000n);
    c.produce([]);
    c.expectNoop(eve, 'Auctions', 'bid', { auctionId, maxXfg: XFG, maxPrice: PRICE_ONE }, 'Auctions.PriceUnavailable');
  });

  it('parameters change only by root, within bounds and steps', async () => {
    const c = await CreditChain.create();
    c.expectNoop(c.keys.alice, 'Auctions', 'setParams', { params: DEFAULT_AUCTION_PARAMS }, 'BadOrigin');
    c.expectNoop('root', 'Auctions', 'setParams', { params: { ...DEFAULT_AUCTION_PARAMS, floorBps: 500n } }, 'Auctions.ParamOutOfBounds');
    c.expectNoop('root', 'Auctions', 'setParams', { params: { ...DEFAULT_AUCTION_PARAMS, durationMs: 6n * HOUR } }, 'Auctions.ParamStepTooLarge');
    expect(c.root('Auctions', 'setParams', { params: { ...DEFAULT_AUCTION_PARAMS, durationMs: 4n * HOUR } })).toEqual(['Auctions.ParamsSet']);
    expect(AuctionsStorage.Params.get(c.state).durationMs).toBe(4n * HOUR);
  });
});
