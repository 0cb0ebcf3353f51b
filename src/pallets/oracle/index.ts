/**
 * pallet_oracle: the XFG price (ECONOMICS.md §2). Feeders named at genesis (and by governance) record their value
 * with the block time; the price is the median of the values no older than `price_lifetime`, and exists only when at
 * least `min_feeders` are fresh. Reading an unavailable price deposits `PriceUnavailable` (once per block) and
 * returns `undefined`: callers fail closed. Other pallets read it through {@link PriceOracle}.
 */
import { equalBytes } from '../../primitives/bytes.js';
import { u128, u32, vec } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { ensure, ensureOrigin, ensureSigned, fail, type DispatchContext } from '../../runtime/dispatch.js';
import { call, definePallet, type Pallet } from '../../runtime/pallet.js';
import type { StateAccess, StateReader } from '../../runtime/state.js';
import type { PriceOracle } from './interface.js';
import { ORACLE_INDEX, type OracleConfig } from './types.js';
export { ORACLE_INDEX } from './types.js';
import { now } from '../timestamp/index.js';
import { OE, OracleErrors } from './errors.js';
import { oracleEvent, OracleEvents } from './events.js';
import { checkOracleInvariants } from './invariants.js';
import {
  checkParamBounds,
  checkParamsChange,
  DEFAULT_ORACLE_PARAMS,
  isFresh,
  isWithinOpenBounds,
  MAX_FEEDERS,
  medianPrice,
  type FedValue,
  type OracleParamsValue,
  type ParamsRefusal,
} from './math.js';
import { ORACLE_STORAGE_INFO, OracleStorage } from './storage.js';
import { GENESIS_FED_AT, OracleParams } from './types.js';
import { weightOf } from '../../runtime/weights.js';
import { WEIGHTS } from './weights.js';

export { OracleStorage } from './storage.js';
export { OracleErrors } from './errors.js';
export { OracleEvents } from './events.js';
export { FedValueCodec, GENESIS_FED_AT, OracleParams, type FedValueValue, type OracleConfig } from './types.js';
export { checkOracleInvariants } from './invariants.js';

/** Genesis of Oracle. */
export interface OracleGenesis {
  /** The feeders (1 ..= MAX_FEEDERS distinct accounts, at least `minFeeders`). */
  feeders: Uint8Array[];
  /** Parameters; missing ones take {@link DEFAULT_ORACLE_PARAMS}. */
  params?: Partial<OracleParamsValue>;
  /** Initial values (feeder, price), treated as fed at the first block (see {@link GENESIS_FED_AT}). */
  values?: Array<[feeder: Uint8Array, price: bigint]>;
}

/** The price and what it was computed from, at the block time of a state. */
export interface PriceStatus {
  /** The median of fresh values, or `undefined` when fewer than `required` are fresh. */
  price: bigint | undefined;
  /** Fresh values within the current bounds among the current feeders' (0 ≤ fresh ≤ MAX_FEEDERS). */
  fresh: number;
  /** Fresh values needed: `max(minFeeders, 1)` (1 ≤ required ≤ MAX_FEEDERS). */
  required: number;
  /** The block time (ms) the freshness was judged at. */
  now: bigint;
}

/** The oracle as this pallet offers it: {@link PriceOracle} plus the status behind a price. */
export interface OracleApi extends PriceOracle {
  status(st: StateReader): PriceStatus;
}

/** The price status at the block time of `st` (reads the feeder set and at most MAX_FEEDERS values). */
export function priceStatus(st: StateReader): PriceStatus {
  const params = OracleStorage.Params.get(st);
  const t = now(st);
  const values: FedValue[] = [];
  for (const f of OracleStorage.Feeders.get(st)) {
    const v = OracleStorage.Values.get(st, f);
    // A value fed before governance narrowed the bounds no longer counts: the bounds apply when reading too.
    if (v && isWithinOpenBounds(v.price, params.priceMin, params.priceMax)) values.push(v);
  }
  const fresh = values.filter((v) => isFresh(v.at, t, params.priceLifetimeMs)).length;
  return {
    price: medianPrice(values, t, params.priceLifetimeMs, params.minFeeders),
    fresh,
    required: Math.max(params.minFeeders, 1),
    now: t,
  };
}

function refuse(r: ParamsRefusal): never {
  return fail(r.reason === 'OutOfBounds' ? OE.ParamOutOfBounds : OE.ParamStepTooLarge, `${r.param}: ${r.reason}`);
}

/** Throw `TooManyFeeders` / `DuplicateFeeder` unless `feeders` is a valid set. */
function ensureFeederSet(feeders: readonly Uint8Array[]): void {
  ensure(feeders.length <= MAX_FEEDERS, OE.TooManyFeeders, `${feeders.length} feeders > ${MAX_FEEDERS}`);
  feeders.forEach((f, i) => ensure(feeders.findIndex((g) => equalBytes(f, g)) === i, OE.DuplicateFeeder));
}

/** Stamp genesis values with the current block time (the first block's `onFinalize`). */
function stampGenesisValues(st: StateAccess): void {
  const t = now(st);
  for (const f of OracleStorage.Feeders.get(st)) {
    const v = OracleStorage.Values.get(st, f);
    if (v && v.at === GENESIS_FED_AT) OracleStorage.Values.set(st, f, { price: v.price, at: t });
  }
  OracleStorage.GenesisValuesPending.kill(st);
}

/** Build the Oracle pallet and its {@link PriceOracle}. */
export function createOracle(config: OracleConfig): { pallet: Pallet<OracleGenesis>; oracle: OracleApi } {
  const oracle: OracleApi = {
    status: priceStatus,
    peekPrice: (st) => priceStatus(st).price,
    price(ctx: DispatchContext) {
      const s = priceStatus(ctx.state);
      if (s.price === undefined && OracleStorage.UnavailableReportedAt.get(ctx.state) !== ctx.blockNumber) {
        // Once per block: the flag is storage, so a call that fails rolls the event and the flag back together.
        OracleStorage.UnavailableReportedAt.set(ctx.state, ctx.blockNumber);
        ctx.deposit(oracleEvent('PriceUnavailable', { fresh: s.fresh, required: s.required }));
      }
      return s.price;
    },
  };

  const pallet = definePallet<OracleGenesis>({
    name: 'Oracle',
    index: ORACLE_INDEX,
    crate: 'pallet_oracle',
    docs: ['The XFG price: median of fresh feeder values, bounded, fail-closed.'],
    storage: ORACLE_STORAGE_INFO,
    calls: {
      feed: call({
        index: 0,
        args: { price: u128 },
        typeNames: { price: 'FixedU128' },
        docs: [
          'Record the caller\'s price (FixedU128 inner value: 1e18 = 1 UDST per XFG) at the block time.',
          'Origin: a feeder. Refused with PriceOutOfBounds unless price_min < price < price_max. Event: Fed.',
        ],
        // The feeder set (≤ 32 accounts), the parameters and one value write.
        weight: () => weightOf(WEIGHTS.calls.feed),
        dispatch: (ctx, origin, { price }) => {
          const who = ensureSigned(origin);
          ensure(OracleStorage.Feeders.get(ctx.state).some((f) => equalBytes(f, who)), OE.NotFeeder);
          const p = OracleStorage.Params.get(ctx.state);
          ensure(isWithinOpenBounds(price, p.priceMin, p.priceMax), OE.PriceOutOfBounds, `price ${price} not in (${p.priceMin}, ${p.priceMax})`);
          OracleStorage.Values.set(ctx.state, who, { price, at: now(ctx.state) });
          ctx.deposit(oracleEvent('Fed', { feeder: who, price }));
        },
      }),
      setFeeders: call({
        index: 1,
        args: { feeders: vec(AccountId32, MAX_FEEDERS) },
        typeNames: { feeders: 'BoundedVec<T::AccountId, T::MaxFeeders>' },
        docs: [
          'Replace the feeder set (`AdminOrigin`: root; governance later). Values of removed feeders are deleted.',
          'Errors: TooManyFeeders, DuplicateFeeder, FeedersBelowMinimum. Event: FeedersChanged.',
        ],
        weight: ({ feeders }) => weightOf(WEIGHTS.calls.setFeeders, feeders.length),
        dispatch: (ctx, origin, { feeders }) => {
          ensureOrigin(config.adminOrigin, origin, ctx.state);
          ensureFeederSet(feeders);
          const p = OracleStorage.Params.get(ctx.state);
          ensure(feeders.length >= p.minFeeders, OE.FeedersBelowMinimum, `${feeders.length} feeders < min_feeders ${p.minFeeders}`);
          for (const old of OracleStorage.Feeders.get(ctx.state)) {
            if (!feeders.some((f) => equalBytes(f, old))) OracleStorage.Values.remove(ctx.state, old);
          }
          OracleStorage.Feeders.set(ctx.state, feeders);
          ctx.deposit(oracleEvent('FeedersChanged', { feeders }));
        },
      }),
      setParams: call({
        index: 2,
        args: { params: OracleParams },
        typeNames: { params: 'OracleParams' },
        docs: [
          'Change the parameters (`AdminOrigin`: root; governance later) within their bounds and maximum steps.',
          'Errors: ParamOutOfBounds, ParamStepTooLarge, FeedersBelowMinimum. Event: ParamsChanged.',
        ],
        weight: () => weightOf(WEIGHTS.calls.setParams),
        dispatch: (ctx, origin, { params }) => {
          ensureOrigin(config.adminOrigin, origin, ctx.state);
          const refusal = checkParamsChange(OracleStorage.Params.get(ctx.state), params);
          if (refusal) refuse(refusal);
          const count = OracleStorage.Feeders.get(ctx.state).length;
          ensure(params.minFeeders <= count, OE.FeedersBelowMinimum, `min_feeders ${params.minFeeders} > ${count} feeders`);
          OracleStorage.Params.set(ctx.state, params);
          ctx.deposit(oracleEvent('ParamsChanged', { params }));
        },
      }),
    },
    events: OracleEvents,
    errors: OracleErrors,
    constants: [{ name: 'MaxFeeders', codec: u32, value: MAX_FEEDERS, docs: ['The largest feeder set.'] }],
    hooks: {
      // The weight of this block's onFinalize at its worst (the first block stamps every genesis value), declared at
      // its start (as FRAME's on_initialize does).
      onInitialize: () => weightOf(WEIGHTS.hooks.onFinalize),
      onFinalize(ctx) {
        // One read per block; the stamping itself happens once, in the first block.
        if (OracleStorage.GenesisValuesPending.get(ctx.state)) stampGenesisValues(ctx.state);
      },
      tryState: checkOracleInvariants,
    },
    genesis(st, g) {
      const params: OracleParamsValue = { ...DEFAULT_ORACLE_PARAMS, ...g.params };
      const bad = checkParamBounds(params);
      if (bad) throw new Error(`Oracle genesis: parameter ${bad.param} out of bounds`);
      if (g.feeders.length > MAX_FEEDERS) throw new Error(`Oracle genesis: ${g.feeders.length} feeders > ${MAX_FEEDERS}`);
      g.feeders.forEach((f, i) => {
        if (g.feeders.findIndex((x) => equalBytes(f, x)) !== i) throw new Error('Oracle genesis: a feeder is listed twice');
      });
      if (g.feeders.length < params.minFeeders) throw new Error(`Oracle genesis: ${g.feeders.length} feeders < min_feeders ${params.minFeeders}`);
      OracleStorage.Feeders.set(st, g.feeders);
      OracleStorage.Params.set(st, params);
      for (const [f, price] of g.values ?? []) {
        if (!g.feeders.some((x) => equalBytes(f, x))) throw new Error('Oracle genesis: a value from an account that is not a feeder');
        if (OracleStorage.Values.contains(st, f)) throw new Error('Oracle genesis: two values from one feeder');
        if (!isWithinOpenBounds(price, params.priceMin, params.priceMax)) {
          throw new Error(`Oracle genesis: price ${price} not in (${params.priceMin}, ${params.priceMax})`);
        }
        OracleStorage.Values.set(st, f, { price, at: GENESIS_FED_AT });
        OracleStorage.GenesisValuesPending.set(st, true);
      }
    },
  });
  return { pallet, oracle };
}
