/**
 * Genesis of the Sudo pallet: the key, when the chain spec names one.
 */
import type { StateAccess } from '../../runtime/state.js';
import { SudoStorage } from './storage.js';
import type { SudoGenesis } from './types.js';

/** Write the genesis key (none: the chain has no sudo). */
export function buildSudoGenesis(st: StateAccess, g: SudoGenesis): void {
  if (g.key === undefined) return;
  if (g.key.length !== 32) throw new Error(`Sudo genesis: the key must be a 32-byte account, got ${g.key.length} bytes`);
  SudoStorage.Key.set(st, g.key);
}
