/**
 * Invariants of the Timestamp pallet (`tryState`), checked between blocks.
 */
import type { StateReader } from '../../runtime/state.js';
import { TimestampStorage } from './storage.js';

/** Throw unless the transient `DidUpdate` flag is cleared between blocks (`on_finalize` takes it). */
export function checkTimestampInvariants(st: StateReader): void {
  if (TimestampStorage.DidUpdate.get(st)) throw new Error('Timestamp: DidUpdate is still set between blocks');
}
