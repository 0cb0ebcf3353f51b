import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auctionCycle,
  auctionFloorPrice,
  auctionPrice,
  auctionStartPrice,
  bidFill,
  DEFAULT_AUCTION_DURATION_MS,
  restartAuction,
} from '../../../src/pallets/auctions/math.js';
import { PRICE_ONE, type TokenDecimals } from '../../../src/pallets/oracle/math.js';

const DEV: TokenDecimals = { xfg: 12, udst: 6 };
const D = DEFAULT_AUCTION_DURATION_MS; // 10,800,000 ms
const START = (11n * PRICE_ONE) / 10n; // oracle price 1.0 · 110 %

describe('start and floor prices', () => {
  it('3 h cycles, start at +10 %, floor at 60 % of the start', () => {
    expect(D).toBe(10_800_000n);
    expect(auctionStartPrice(PRICE_ONE)).toBe(START);
    expect(auctionStartPrice(3n)).toBe(3n); // 3.3 → 3 (down)
    expect(auctionFloorPrice(START)).toBe(660_000_000_000_000_000n);
    expect(auctionFloorPrice(5n)).toBe(3n);
  });
});

describe('auctionCycle', () => {
  it.each<[bigint, bigint, bigint]>([
    [0n, 0n, 0n],
    [D, 0n, D], // the floor is reached at the end of cycle 0
    [D + 1n, 1n, 1n], // the restart is the millisecond after
    [2n * D, 1n, D],
    [2n * D + 1n, 2n, 1n],
    [7n * D + 5n, 7n, 5n],
  ])('elapsed %s → cycle %s, %s into it', (elapsed, cycle, elapsedInCycle) => {
    expect(auctionCycle(elapsed, D)).toEqual({ cycle, elapsedInCycle });
  });

  it('needs a positive duration', () => {
    expect(() => auctionCycle(0n, 0n)).toThrow(RangeError);
  });
});

describe('auctionPrice (start 1.1, floor 0.66, 3 h)', () => {
  it.each<[string, bigint, bigint]>([
    ['start', 0n, START],
    ['one third: 0.66 + 0.44 · 2/3 = 0.95333…, down', D / 3n, 953_333_333_333_333_333n],
    ['middle: 0.88', D / 2n, 880_000_000_000_000_000n],
    ['1 ms before the end', D - 1n, 660_000_040_740_740_740n],
    ['end: the floor', D, 660_000_000_000_000_000n],
    ['restart, 1 ms in (same start, the pallet re-tops it)', D + 1n, 1_099_999_959_259_259_259n],
    ['end of the second cycle', 2n * D, 660_000_000_000_000_000n],
  ])('%s', (_name, elapsed, price) => {
    expect(auctionPrice({ startPrice: START, elapsed, duration: D })).toBe(price);
  });

  it('never rises within a cycle and stays within [floor, start]', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 9n }),
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        fc.bigInt({ min: 0n, max: 10n ** 9n }),
        (start, duration, a, b) => {
          const t1 = a % (duration + 1n);
          const t2 = b % (duration + 1n);
          const [lo, hi] = t1 <= t2 ? [t1, t2] : [t2, t1];
          const p1 = auctionPrice({ startPrice: start, elapsed: lo, duration });
          const p2 = auctionPrice({ startPrice: start, elapsed: hi, duration });
          expect(p2 <= p1).toBe(true);
          expect(p1 <= start && p2 >= auctionFloorPrice(start)).toBe(true);
        },
      ),
    );
  });
});

describe('restartAuction', () => {
  const clock = { startedAt: 1_000n, startPrice: START };

  it('within the cycle: unchanged', () => {
    expect(restartAuction(clock, 1_000n + D, D, 2n * PRICE_ONE)).toEqual({ ...clock, restarted: false });
  });

  it('after the cycle: re-topped from the oracle price, on the original grid', () => {
    const r = restartAuction(clock, 1_000n + D + 5n, D, 2n * PRICE_ONE);
    expect(r).toEqual({ startedAt: 1_000n + D, startPrice: 2_200_000_000_000_000_000n, restarted: true });
    // 5 ms into the new cycle from 2.2 towards 1.32.
    expect(auctionPrice({ startPrice: r.startPrice, elapsed: 5n, duration: D })).toBe(
      1_320_000_000_000_000_000n + (880_000_000_000_000_000n * (D - 5n)) / D,
    );
  });

  it('touched late: skips whole cycles; no oracle price keeps the start', () => {
    expect(restartAuction(clock, 1_000n + 3n * D + 1n, D, undefined)).toEqual({
      startedAt: 1_000n + 3n * D,
      startPrice: START,
      restarted: true,
    });
  });

  it('refuses a time before the cycle began', () => {
    expect(() => restartAuction(clock, 999n, D, PRICE_ONE)).toThrow(RangeError);
  });
});

describe('bidFill (XFG 12 decimals, UDST 6)', () => {
  const lot = 10n * 10n ** 12n; // 10 XFG
  const tab = 5_000_000n; // 5 UDST

  it.each<[string, { lotXfg: bigint; tab: bigint; price: bigint; maxXfg: bigint }, object]>([
    [
      'takes 2 XFG at 1.0 for 2 UDST',
      { lotXfg: lot, tab, price: PRICE_ONE, maxXfg: 2n * 10n ** 12n },
      { xfg: 2n * 10n ** 12n, udst: 2_000_000n, lotXfg: 8n * 10n ** 12n, tab: 3_000_000n, done: false },
    ],
    [
      'wants 8 XFG, the tab needs 3: pays the tab, gets 3 XFG, the rest returns',
      { lotXfg: 8n * 10n ** 12n, tab: 3_000_000n, price: PRICE_ONE, maxXfg: 8n * 10n ** 12n },
      { xfg: 3n * 10n ** 12n, udst: 3_000_000n, lotXfg: 5n * 10n ** 12n, tab: 0n, done: true },
    ],
    [
      'sells out the lot before the tab',
      { lotXfg: 10n ** 12n, tab, price: PRICE_ONE, maxXfg: 2n * 10n ** 12n },
      { xfg: 10n ** 12n, udst: 1_000_000n, lotXfg: 0n, tab: 4_000_000n, done: true },
    ],
    [
      '1 XFG base unit at 3.0 costs ⌈0.000003⌉ = 1 UDST unit (the bidder pays: up)',
      { lotXfg: lot, tab, price: 3n * PRICE_ONE, maxXfg: 1n },
      { xfg: 1n, udst: 1n, lotXfg: lot - 1n, tab: tab - 1n, done: false },
    ],
    [
      'tab of 1 unit at 0.1: pays 1, gets at most what was asked (5 XFG units, not ⌊10^7⌋)',
      { lotXfg: lot, tab: 1n, price: PRICE_ONE / 10n, maxXfg: 5n },
      { xfg: 5n, udst: 1n, lotXfg: lot - 5n, tab: 0n, done: true },
    ],
    [
      'a bid for nothing buys nothing',
      { lotXfg: lot, tab, price: PRICE_ONE, maxXfg: 0n },
      { xfg: 0n, udst: 0n, lotXfg: lot, tab, done: false },
    ],
  ])('%s', (_name, args, fill) => {
    expect(bidFill({ ...args, decimals: DEV })).toEqual(fill);
  });

  it('needs a positive price', () => {
    expect(() => bidFill({ lotXfg: lot, tab, price: 0n, maxXfg: 1n, decimals: DEV })).toThrow(RangeError);
  });

  it('bids never raise more than the tab, never sell more than the lot, and pay at least the XFG’s value', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 18n }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 10n ** 22n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 18n }), { minLength: 1, maxLength: 10 }),
        (lot0, tab0, price, bids) => {
          let lotXfg = lot0;
          let left = tab0;
          let raised = 0n;
          let sold = 0n;
          for (const maxXfg of bids) {
            const f = bidFill({ lotXfg, tab: left, price, maxXfg, decimals: DEV });
            expect(f.xfg <= maxXfg && f.xfg <= lotXfg && f.udst <= left).toBe(true);
            // Value of the XFG received ≤ UDST paid: xfg · price · 10^6 ≤ udst · 10^18 · 10^12.
            expect(f.xfg * price * 10n ** 6n <= f.udst * PRICE_ONE * 10n ** 12n).toBe(true);
            raised += f.udst;
            sold += f.xfg;
            lotXfg = f.lotXfg;
            left = f.tab;
            if (f.done) break;
          }
          expect(raised + left).toBe(tab0);
          expect(sold + lotXfg).toBe(lot0);
        },
      ),
    );
  });
});
