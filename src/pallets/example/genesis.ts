/**
 * Genesis of the Example pallet: the starting tallies (each positive, each account once).
 */
import { toHexRaw } from '../../primitives/bytes.js';
import type { StateAccess } from '../../runtime/state.js';
import { checkedAddU32 } from './math.js';
import { ExampleStorage } from './storage.js';
import type { ExampleGenesis } from './types.js';

/** Write the Example genesis; throws on a zero tally, a repeated account or a total beyond u32. */
export function buildExampleGenesis(st: StateAccess, g: ExampleGenesis): void {
  let total = 0;
  for (const [who, tally] of g.tallies) {
    if (tally <= 0) throw new Error(`Example genesis: tally ${tally} must be positive`);
    if (ExampleStorage.Tallies.contains(st, who)) throw new Error(`Example genesis: account 0x${toHexRaw(who)} listed twice`);
    const next = checkedAddU32(total, tally);
    if (next === undefined) throw new Error('Example genesis: total tally exceeds u32');
    total = next;
    ExampleStorage.Tallies.set(st, who, tally);
  }
  ExampleStorage.Total.set(st, total);
}
