/**
 * What other pallets (and the node's inherent check) use of Timestamp: the block time, and the validator-side
 * check of a proposed time. Other pallets import this file, never `storage.ts`.
 */
import type { StateReader } from '../../runtime/state.js';
import { TimestampStorage } from './storage.js';
import { MINIMUM_PERIOD_MS, type TimestampRejection } from './types.js';
import type { TimestampInherent } from '../../runtime/services.js';

/** The block time (ms) as pallets read it. */
export function now(st: StateReader): bigint {
  return TimestampStorage.Now.get(st);
}

/**
 * Validator-side inherent check: the proposed time must be after the parent's and no further than `maxDriftMs`
 * ahead of the validator's own clock (`localNowMs`, passed in as data).
 */
export function checkTimestampInherent(proposed: bigint, parent: bigint, localNowMs: bigint, maxDriftMs: bigint): TimestampRejection | undefined {
  if (proposed < parent + MINIMUM_PERIOD_MS) return { reason: 'NotAfterParent', parent };
  if (proposed > localNowMs + maxDriftMs) return { reason: 'TooFarInFuture', maxAllowed: localNowMs + maxDriftMs };
  return undefined;
}

/** Read the block time (ms) in pallets: `Timestamp.Now`. */
export type BlockTime = (st: StateReader) => bigint;

/** The timestamp inherent as the executive takes it: `Timestamp.set { now }`, first in every block. */
export const timestampInherent: TimestampInherent = {
  pallet: 'Timestamp',
  call: 'set',
  args: (now) => ({ now }),
  timeOf: (args) => args.now as bigint,
  earliestNext: (st) => TimestampStorage.Now.get(st) + MINIMUM_PERIOD_MS,
};
