/**
 * Invariants of the System pallet (`tryState`).
 */
import { toHexRaw } from '../../primitives/bytes.js';
import type { StateReader } from '../../runtime/state.js';
import { SystemStorage } from './storage.js';

/**
 * Throw unless every stored account is referenced (`providers + sufficients > 0`: `putAccount` removes an account
 * the moment nothing references it).
 */
export function checkSystemInvariants(st: StateReader): void {
  for (const [who, a] of SystemStorage.Account.entries(st)) {
    if (a.providers === 0 && a.sufficients === 0) throw new Error(`System: account 0x${toHexRaw(who)} is stored with no provider and no sufficient`);
  }
}
