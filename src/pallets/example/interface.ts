/**
 * What other pallets may use of Example. Other pallets import this file (or index.ts), never `storage.ts`.
 */
import type { StateReader } from '../../runtime/state.js';
import { ExampleStorage } from './storage.js';

/** The tally of `who` (zero when absent). */
export function tallyOf(st: StateReader, who: Uint8Array): number {
  return ExampleStorage.Tallies.get(st, who) ?? 0;
}

/** The sum of all tallies. */
export function total(st: StateReader): number {
  return ExampleStorage.Total.get(st);
}
