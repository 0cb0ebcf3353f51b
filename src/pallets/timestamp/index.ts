/**
 * pallet_timestamp: the block time, set once per block by an inherent from the block author. The runtime never
 * reads a clock; the author proposes the time and every validator checks it against the parent's time here and
 * against its own clock (bounded drift) in {@link checkTimestampInherent} before executing a block.
 */
import { bool, compactU64, u64 } from '../../primitives/scale/index.js';
import { ensureNone, fail, type DispatchContext } from '../../runtime/dispatch.js';
import { call, definePallet } from '../../runtime/pallet.js';
import type { StateReader } from '../../runtime/state.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { weightOf } from '../../runtime/weights.js';
import { WEIGHTS } from './weights.js';

/** Pallet index of Timestamp. */
export const TIMESTAMP_INDEX = 1;
/** Call index of `set`. */
export const TIMESTAMP_SET_CALL = 0;
/** The timestamp must move forward by at least this much between blocks (milliseconds). */
export const MINIMUM_PERIOD_MS = 1n;

const s = new StorageBuilder('Timestamp');
/** Storage items of Timestamp. */
export const TimestampStorage = {
  /** The current block's time in milliseconds since the Unix epoch. */
  Now: s.value('Now', u64, { default: 0n, docs: ['The current time for the current block.'] }),
  /** Whether the timestamp was set in this block (transient). */
  DidUpdate: s.value('DidUpdate', bool, { default: false, docs: ['Whether the timestamp has been updated in this block.'] }),
};

/** The block time (ms) as pallets read it. */
export function now(st: StateReader): bigint {
  return TimestampStorage.Now.get(st);
}

/** Why a proposed timestamp is refused by a validator. */
export type TimestampRejection = { reason: 'NotAfterParent'; parent: bigint } | { reason: 'TooFarInFuture'; maxAllowed: bigint };

/**
 * Validator-side inherent check: the proposed time must be after the parent's and no further than `maxDriftMs`
 * ahead of the validator's own clock (`localNowMs`, passed in as data).
 */
export function checkTimestampInherent(proposed: bigint, parent: bigint, localNowMs: bigint, maxDriftMs: bigint): TimestampRejection | undefined {
  if (proposed < parent + MINIMUM_PERIOD_MS) return { reason: 'NotAfterParent', parent };
  if (proposed > localNowMs + maxDriftMs) return { reason: 'TooFarInFuture', maxAllowed: localNowMs + maxDriftMs };
  return undefined;
}

/** The Timestamp pallet. */
export const timestampPallet = definePallet({
  name: 'Timestamp',
  index: TIMESTAMP_INDEX,
  crate: 'pallet_timestamp',
  docs: ['The block time, set by an inherent.'],
  storage: s.infos(),
  calls: {
    set: call({
      index: TIMESTAMP_SET_CALL,
      args: { now: compactU64 },
      typeNames: { now: 'T::Moment' },
      docs: ['Set the current time. Inherent: must be the first extrinsic of every block, unsigned, once.'],
      weight: () => weightOf(WEIGHTS.calls.set),
      class: 'Mandatory',
      paysFee: false,
      dispatch: (ctx: DispatchContext, origin, { now: t }) => {
        ensureNone(origin);
        if (TimestampStorage.DidUpdate.get(ctx.state)) fail({ tag: 'Other' }, 'Timestamp must be updated only once in the block');
        const prev = TimestampStorage.Now.get(ctx.state);
        if (t < prev + MINIMUM_PERIOD_MS) fail({ tag: 'Other' }, `Timestamp ${t} must be after the parent's ${prev}`);
        TimestampStorage.Now.set(ctx.state, t);
        TimestampStorage.DidUpdate.set(ctx.state, true);
      },
    }),
  },
  constants: [{ name: 'MinimumPeriod', codec: u64, value: MINIMUM_PERIOD_MS, docs: ['The minimum period between blocks (milliseconds).'] }],
  hooks: {
    // The weight of this block's onFinalize, declared at its start (as FRAME's on_initialize does).
    onInitialize: () => weightOf(WEIGHTS.hooks.onFinalize),
    onFinalize(ctx) {
      if (!TimestampStorage.DidUpdate.take(ctx.state)) fail({ tag: 'Other' }, 'Timestamp must be updated once in the block');
    },
  },
});
