/**
 * pallet_oracle through the real executive: feeding, the exclusive price bounds, the median of fresh values and its
 * resistance to one outlier, staleness and fail-closed reads with `PriceUnavailable` once per block, genesis values
 * stamped by the first block, and the governance (root) calls with their bounds and steps. Every refused call leaves
 * the state root unchanged; every pallet's invariants run after each test.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnsureRoot } from '../../../src/runtime/dispatch.js';
import { createOracle, GENESIS_FED_AT, OracleErrors, OracleStorage } from '../../../src/pallets/oracle/index.js';
import { DEFAULT_ORACLE_PARAMS, DEFAULT_PRICE_MAX, DEFAULT_PRICE_MIN, MAX_FEEDERS, type OracleParamsValue } from '../../../src/pallets/oracle/math.js';
import { srPair } from '../../helpers/keys.js';
import { checkInvariantsAfterEach, eventNames, eventsOf, type TestChain } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';
import {
  assertPalletInvariants,
  checkPalletInvariantsAfterEach,
  creditChain,
  dispatchAs,
  dispatchOf,
  eventValues,
  expectNoop,
  finish,
  openEvents,
  PRICE_ONE,
  beginAfter,
  produceAfter,
  ROOT,
  signed,
  threeFeeders,
} from './oracle-harness.js';

let k: DevKeys;
beforeAll(async () => {
  k = await devKeys();
});
checkInvariantsAfterEach();
checkPalletInvariantsAfterEach();

const E = OracleErrors.of;
const { oracle } = createOracle({ adminOrigin: EnsureRoot });
const HALF = PRICE_ONE / 2n;
const LIFE = DEFAULT_ORACLE_PARAMS.priceLifetimeMs;

/** `price` as FixedU128 from a percentage of 0.5 (e.g. 130 → 0.65). */
const pct = (p: bigint) => (HALF * p) / 100n;

function feedXt(c: TestChain, who: DevKeys['alice'], price: bigint, nonce?: number): Uint8Array {
  return c.sign(who, c.call('Oracle', 'feed', { price }), nonce === undefined ? {} : { nonce });
}

describe('genesis', () => {
  it('stores the feeders and the genesis values as fed at the first block; block 1 stamps them with its time', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    expect(OracleStorage.Feeders.get(c.state)).toEqual([k.alice.publicKey, k.bob.publicKey, k.charlie.publicKey]);
    expect(OracleStorage.Values.get(c.state, k.alice.publicKey)).toEqual({ price: HALF, at: GENESIS_FED_AT });
    expect(OracleStorage.GenesisValuesPending.get(c.state)).toBe(true);
    // Before any block (time 0) the genesis price is there.
    expect(oracle.peekPrice(c.state)).toBe(HALF);
    c.produce([]);
    const t1 = c.timeOf(1);
    expect(OracleStorage.Values.get(c.state, k.bob.publicKey)).toEqual({ price: HALF, at: t1 });
    expect(OracleStorage.GenesisValuesPending.get(c.state)).toBe(false);
    // Fresh for exactly the lifetime after block 1's time, then gone.
    c.produce([], { timestamp: t1 + LIFE });
    expect(oracle.peekPrice(c.state)).toBe(HALF);
    c.produce([], { timestamp: t1 + LIFE + 1n });
    expect(oracle.peekPrice(c.state)).toBeUndefined();
  });

  it('a genesis value fed in block 1 is not overwritten by the stamping', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    const { results } = c.produce([feedXt(c, k.alice, pct(110n))]);
    expect(dispatchOf(results[0])).toEqual({ ok: true });
    expect(OracleStorage.Values.get(c.state, k.alice.publicKey)).toEqual({ price: pct(110n), at: c.timeOf(1) });
    expect(OracleStorage.Values.get(c.state, k.charlie.publicKey)).toEqual({ price: HALF, at: c.timeOf(1) });
  });

  it('refuses inconsistent genesis sections', async () => {
    const [a, b] = [k.alice.publicKey, k.bob.publicKey];
    await expect(creditChain(k, { oracle: { feeders: [a] } })).rejects.toThrow(/min_feeders/);
    await expect(creditChain(k, { oracle: { feeders: [a, a] } })).rejects.toThrow(/twice/);
    await expect(creditChain(k, { oracle: { feeders: [a, b], values: [[k.dave.publicKey, HALF]] } })).rejects.toThrow(/not a feeder/);
    await expect(creditChain(k, { oracle: { feeders: [a, b], values: [[a, DEFAULT_PRICE_MAX]] } })).rejects.toThrow(/not in/);
    await expect(creditChain(k, { oracle: { feeders: [a, b], params: { priceLifetimeMs: 1n } } })).rejects.toThrow(/priceLifetimeMs/);
  });
});

describe('feed', () => {
  it('records the feeder\'s price with the block time and deposits Fed', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    c.produce([]);
    const { results } = c.produce([feedXt(c, k.bob, pct(104n))]);
    expect(dispatchOf(results[0])).toEqual({ ok: true });
    expect(OracleStorage.Values.get(c.state, k.bob.publicKey)).toEqual({ price: pct(104n), at: c.timeOf(2) });
    expect(eventValues(eventsOf(c.events(), 1), 'Oracle.Fed')).toEqual([{ feeder: k.bob.publicKey, price: pct(104n) }]);
  });

  it('a non-feeder is refused with NotFeeder; the state root is unchanged', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    const { results } = c.produce([feedXt(c, k.dave, HALF)]);
    expect(dispatchOf(results[0])).toEqual({ ok: false, error: E.NotFeeder });
    expect(OracleStorage.Values.contains(c.state, k.dave.publicKey)).toBe(false);
    const block = c.begin();
    expectNoop(c, block, () => dispatchAs(c, block, 'Oracle', 'feed', signed(k.dave.publicKey), { price: HALF }), E.NotFeeder);
    expectNoop(c, block, () => dispatchAs(c, block, 'Oracle', 'feed', ROOT, { price: HALF }), { tag: 'BadOrigin' });
    finish(c, block);
  });

  it('a price at a configured bound is refused (bounds are exclusive); one unit inside is accepted', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    const block = c.begin();
    const alice = signed(k.alice.publicKey);
    for (const price of [DEFAULT_PRICE_MIN, DEFAULT_PRICE_MAX, 0n, DEFAULT_PRICE_MIN - 1n, DEFAULT_PRICE_MAX + 1n]) {
      expectNoop(c, block, () => dispatchAs(c, block, 'Oracle', 'feed', alice, { price }), E.PriceOutOfBounds);
    }
    dispatchAs(c, block, 'Oracle', 'feed', alice, { price: DEFAULT_PRICE_MIN + 1n });
    expect(OracleStorage.Values.get(block.exec.state, k.alice.publicKey)?.price).toBe(DEFAULT_PRICE_MIN + 1n);
    dispatchAs(c, block, 'Oracle', 'feed', alice, { price: DEFAULT_PRICE_MAX - 1n });
    expect(OracleStorage.Values.get(block.exec.state, k.alice.publicKey)?.price).toBe(DEFAULT_PRICE_MAX - 1n);
    finish(c, block);
  });

  it('the bound values refused follow the parameters set by governance', async () => {
    const c = await creditChain(k, { oracle: { ...threeFeeders(k), params: { priceMin: PRICE_ONE / 10n, priceMax: PRICE_ONE } } });
    const { results } = c.produce([feedXt(c, k.alice, PRICE_ONE), feedXt(c, k.bob, PRICE_ONE / 10n), feedXt(c, k.charlie, PRICE_ONE - 1n)]);
    expect(results.map(dispatchOf)).toEqual([{ ok: false, error: E.PriceOutOfBounds }, { ok: false, error: E.PriceOutOfBounds }, { ok: true }]);
  });
});

describe('price', () => {
  it('one feeder reporting +30 % (or −30 %) does not move the price of three', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    c.produce([]);
    c.produce([feedXt(c, k.alice, pct(130n))]);
    expect(oracle.peekPrice(c.state)).toBe(HALF);
    c.produce([feedXt(c, k.alice, pct(70n))]);
    expect(oracle.peekPrice(c.state)).toBe(HALF);
    // Two feeders agreeing do move it: the median follows the majority.
    c.produce([feedXt(c, k.alice, pct(130n)), feedXt(c, k.bob, pct(120n))]);
    expect(oracle.peekPrice(c.state)).toBe(pct(120n));
  });

  it('with two honest feeders, whatever the third reports the price stays between the honest values', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    c.produce([]);
    const price = fc.bigInt({ min: DEFAULT_PRICE_MIN + 1n, max: DEFAULT_PRICE_MAX - 1n });
    fc.assert(
      fc.property(price, price, price, (h1, h2, outlier) => {
        const block = c.begin();
        dispatchAs(c, block, 'Oracle', 'feed', signed(k.bob.publicKey), { price: h1 });
        dispatchAs(c, block, 'Oracle', 'feed', signed(k.charlie.publicKey), { price: h2 });
        dispatchAs(c, block, 'Oracle', 'feed', signed(k.alice.publicKey), { price: outlier });
        const p = oracle.peekPrice(block.exec.state)!;
        const [lo, hi] = h1 < h2 ? [h1, h2] : [h2, h1];
        expect(p >= lo && p <= hi).toBe(true);
        c.seal(block);
      }),
      { numRuns: 40 },
    );
  });

  it('an even count of fresh values takes the lower middle', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    c.produce([]);
    // Charlie's value goes stale; Alice and Bob feed later.
    const t = c.now();
    c.produce([feedXt(c, k.alice, pct(90n)), feedXt(c, k.bob, pct(110n))], { timestamp: t + LIFE });
    c.produce([], { timestamp: t + LIFE + 1n });
    expect(oracle.status(c.state)).toMatchObject({ price: pct(90n), fresh: 2, required: 2 });
  });

  it('with every feeder stale, price() is undefined and deposits PriceUnavailable once per block; peekPrice deposits nothing', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    c.produce([]);
    const block = c.begin({ timestamp: c.now() + LIFE + 1n });
    expect(oracle.peekPrice(block.exec.state)).toBeUndefined();
    expect(eventNames(openEvents(block))).not.toContain('Oracle.PriceUnavailable');
    // A read inside a call that then fails rolls its event back with it.
    expect(() =>
      block.exec.transactional(() => {
        expect(oracle.price(block.exec)).toBeUndefined();
        throw new Error('the caller fails');
      }),
    ).toThrow('the caller fails');
    expect(eventNames(openEvents(block))).not.toContain('Oracle.PriceUnavailable');
    expect(oracle.price(block.exec)).toBeUndefined();
    expect(oracle.price(block.exec)).toBeUndefined();
    const ev = finish(c, block);
    expect(eventValues(ev, 'Oracle.PriceUnavailable')).toEqual([{ fresh: 0, required: 2 }]);
    // The next block reports again.
    const next = beginAfter(c);
    expect(oracle.price(next.exec)).toBeUndefined();
    expect(eventValues(finish(c, next), 'Oracle.PriceUnavailable')).toHaveLength(1);
  });

  it('one fresh value of three is not enough with min_feeders 2; a second fresh value restores the price', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    c.produce([]);
    c.produce([feedXt(c, k.alice, pct(101n))], { timestamp: c.now() + LIFE + 1n });
    expect(oracle.status(c.state)).toMatchObject({ price: undefined, fresh: 1, required: 2 });
    produceAfter(c, [feedXt(c, k.charlie, pct(103n))]);
    expect(oracle.status(c.state)).toMatchObject({ price: pct(101n), fresh: 2 });
  });

  it('price() returns the price without events when it is available', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    const block = c.begin();
    expect(oracle.price(block.exec)).toBe(HALF);
    expect(eventNames(finish(c, block)).filter((n) => n.startsWith('Oracle.'))).toEqual([]);
  });

  it('a chain without an oracle section has no price (no feeders)', async () => {
    const c = await creditChain(k);
    expect(oracle.status(c.state)).toMatchObject({ price: undefined, fresh: 0, required: 2 });
  });
});

describe('governance calls (root)', () => {
  it('setFeeders replaces the set, deletes removed feeders\' values and deposits FeedersChanged', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    const block = c.begin();
    const set = [k.alice.publicKey, k.dave.publicKey];
    dispatchAs(c, block, 'Oracle', 'setFeeders', ROOT, { feeders: set });
    const ev = finish(c, block);
    expect(eventValues(ev, 'Oracle.FeedersChanged')).toEqual([{ feeders: set }]);
    expect(OracleStorage.Feeders.get(c.state)).toEqual(set);
    expect(OracleStorage.Values.contains(c.state, k.bob.publicKey)).toBe(false);
    expect(OracleStorage.Values.contains(c.state, k.charlie.publicKey)).toBe(false);
    // Alice's genesis value stays; Dave can now feed, Bob no longer.
    const { results } = c.produce([feedXt(c, k.dave, pct(101n)), feedXt(c, k.bob, HALF)]);
    expect(results.map(dispatchOf)).toEqual([{ ok: true }, { ok: false, error: E.NotFeeder }]);
    expect(oracle.peekPrice(c.state)).toBe(HALF);
  });

  it('setFeeders refusals change nothing: signed origin, duplicates, too few for min_feeders, more than MaxFeeders', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    const block = c.begin();
    const a = k.alice.publicKey;
    expectNoop(c, block, () => dispatchAs(c, block, 'Oracle', 'setFeeders', signed(a), { feeders: [a, k.bob.publicKey] }), { tag: 'BadOrigin' });
    expectNoop(c, block, () => dispatchAs(c, block, 'Oracle', 'setFeeders', ROOT, { feeders: [a, a] }), E.DuplicateFeeder);
    expectNoop(c, block, () => dispatchAs(c, block, 'Oracle', 'setFeeders', ROOT, { feeders: [a] }), E.FeedersBelowMinimum);
    const many = Array.from({ length: MAX_FEEDERS + 1 }, (_, i) => srPair(`//feeder${i}`).publicKey);
    // An extrinsic cannot even carry the 33rd feeder (the bounded vector refuses to decode); a direct call is refused.
    expect(() => c.runtime.decodeCall(c.runtime.encodeCall('Oracle', 'setFeeders', { feeders: many }))).toThrow();
    const def = c.runtime.pallet('Oracle')!.calls!.setFeeders;
    expectNoop(c, block, (ctx) => def.dispatch(ctx, ROOT, { feeders: many }), E.TooManyFeeders);
    finish(c, block);
  });

  it('setParams changes the parameters within bounds and steps (ParamsChanged); the new lifetime applies at once', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    c.produce([]);
    const params: OracleParamsValue = { priceLifetimeMs: LIFE * 2n, minFeeders: 3, priceMin: DEFAULT_PRICE_MIN * 10n, priceMax: DEFAULT_PRICE_MAX / 10n };
    const block = c.begin({ timestamp: c.timeOf(1) + LIFE + 1n });
    expect(oracle.peekPrice(block.exec.state)).toBeUndefined();
    dispatchAs(c, block, 'Oracle', 'setParams', ROOT, { params });
    expect(oracle.peekPrice(block.exec.state)).toBe(HALF);
    expect(eventValues(finish(c, block), 'Oracle.ParamsChanged')).toEqual([{ params }]);
    expect(OracleStorage.Params.get(c.state)).toEqual(params);
  });

  it('values outside bounds narrowed by governance stop counting at once', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    c.produce([feedXt(c, k.alice, PRICE_ONE * 150n), feedXt(c, k.bob, PRICE_ONE * 120n), feedXt(c, k.charlie, PRICE_ONE * 110n)]);
    expect(oracle.peekPrice(c.state)).toBe(PRICE_ONE * 120n);
    const block = c.begin();
    dispatchAs(c, block, 'Oracle', 'setParams', ROOT, { params: { ...DEFAULT_ORACLE_PARAMS, priceMax: PRICE_ONE * 130n } });
    // Alice's 150 is outside: two values remain, the lower middle of 110 and 120.
    expect(oracle.status(block.exec.state)).toMatchObject({ price: PRICE_ONE * 110n, fresh: 2 });
    finish(c, block);
  });

  it('setParams refusals change nothing: bounds, steps, min_feeders above the feeder count, signed origin', async () => {
    const c = await creditChain(k, { oracle: threeFeeders(k) });
    const block = c.begin();
    const d = DEFAULT_ORACLE_PARAMS;
    const cases: Array<[Partial<OracleParamsValue>, typeof E.ParamOutOfBounds]> = [
      [{ priceLifetimeMs: 59_999n }, E.ParamOutOfBounds],
      [{ priceLifetimeMs: 3_600_001n }, E.ParamOutOfBounds],
      [{ minFeeders: 0 }, E.ParamOutOfBounds],
      [{ priceMin: d.priceMax, priceMax: d.priceMax }, E.ParamOutOfBounds],
      [{ priceMin: 0n }, E.ParamOutOfBounds],
      [{ priceLifetimeMs: d.priceLifetimeMs * 2n + 1n }, E.ParamStepTooLarge],
      [{ priceLifetimeMs: d.priceLifetimeMs / 2n - 1n }, E.ParamStepTooLarge],
      [{ minFeeders: 4 }, E.ParamStepTooLarge],
      [{ priceMin: d.priceMin * 10n + 1n }, E.ParamStepTooLarge],
      [{ priceMax: d.priceMax / 10n - 1n }, E.ParamStepTooLarge],
    ];
    for (const [change, error] of cases) {
      expectNoop(c, block, () => dispatchAs(c, block, 'Oracle', 'setParams', ROOT, { params: { ...d, ...change } }), error);
    }
    expectNoop(c, block, () => dispatchAs(c, block, 'Oracle', 'setParams', signed(k.alice.publicKey), { params: d }), { tag: 'BadOrigin' });
    // Three feeders: min_feeders may go to 3 but then not to 4 (step 1, yet above the count).
    dispatchAs(c, block, 'Oracle', 'setParams', ROOT, { params: { ...d, minFeeders: 3 } });
    expectNoop(c, block, () => dispatchAs(c, block, 'Oracle', 'setParams', ROOT, { params: { ...d, minFeeders: 4 } }), E.FeedersBelowMinimum);
    finish(c, block);
    assertPalletInvariants(c);
  });
});
