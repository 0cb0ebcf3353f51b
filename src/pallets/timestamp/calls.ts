/**
 * Calls of the Timestamp pallet: the `set` inherent.
 */
import { compactU64 } from '../../primitives/scale/index.js';
import { ensureNone, fail, type DispatchContext } from '../../runtime/dispatch.js';
import { call } from '../../runtime/pallet.js';
import { TimestampStorage } from './storage.js';
import { MINIMUM_PERIOD_MS, TIMESTAMP_SET_CALL } from './types.js';
import { weightOf } from '../../runtime/weights.js';
import { WEIGHTS } from './weights.js';

/** The calls of Timestamp. */
export const timestampCalls = {
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
};
