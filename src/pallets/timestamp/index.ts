/**
 * pallet_timestamp: the block time, set once per block by an inherent from the block author. The runtime never
 * reads a clock; the author proposes the time and every validator checks it against the parent's time here and
 * against its own clock (bounded drift) in {@link checkTimestampInherent} before executing a block.
 */
import { u64 } from '../../primitives/scale/index.js';
import { definePallet } from '../../runtime/pallet.js';
import { timestampCalls } from './calls.js';
import { timestampOnFinalize, timestampOnInitialize } from './hooks.js';
import { checkTimestampInvariants } from './invariants.js';
import { TIMESTAMP_STORAGE_INFO } from './storage.js';
import { MINIMUM_PERIOD_MS, TIMESTAMP_INDEX } from './types.js';

export { TIMESTAMP_INDEX, TIMESTAMP_SET_CALL, MINIMUM_PERIOD_MS, type TimestampRejection } from './types.js';
export { TimestampStorage } from './storage.js';
export { now, checkTimestampInherent, timestampInherent } from './interface.js';
export { checkTimestampInvariants } from './invariants.js';

/** The Timestamp pallet. */
export const timestampPallet = definePallet({
  name: 'Timestamp',
  index: TIMESTAMP_INDEX,
  crate: 'pallet_timestamp',
  docs: ['The block time, set by an inherent.'],
  storage: TIMESTAMP_STORAGE_INFO,
  calls: timestampCalls,
  constants: [{ name: 'MinimumPeriod', codec: u64, value: MINIMUM_PERIOD_MS, docs: ['The minimum period between blocks (milliseconds).'] }],
  hooks: {
    onInitialize: timestampOnInitialize,
    onFinalize: timestampOnFinalize,
    tryState: checkTimestampInvariants,
  },
});
