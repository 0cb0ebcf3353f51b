/**
 * Invariants of the Example pallet (`tryState`).
 */
import { toHexRaw } from '../../primitives/bytes.js';
import type { StateReader } from '../../runtime/state.js';
import { ExampleStorage } from './storage.js';

/** Throw unless `Total = Σ Tallies` and no zero tally is stored. */
export function checkExampleInvariants(st: StateReader): void {
  let sum = 0;
  for (const [who, t] of ExampleStorage.Tallies.entries(st)) {
    if (t === 0) throw new Error(`Example: account 0x${toHexRaw(who)} is stored with a zero tally`);
    sum += t;
  }
  const total = ExampleStorage.Total.get(st);
  if (total !== sum) throw new Error(`Example: total ${total} ≠ Σ tallies ${sum}`);
}
