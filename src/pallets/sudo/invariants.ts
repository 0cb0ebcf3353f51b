/**
 * Invariants of Sudo (`tryState`): the stored key, when there is one, decodes as a 32-byte account. Any account (or
 * none) may hold the key, so there is nothing else to check.
 */
import type { StateReader } from '../../runtime/state.js';
import { SudoStorage } from './storage.js';

/** Throw with a message when `Sudo::Key` holds bytes that are not an account. */
export function checkSudoInvariants(st: StateReader): void {
  try {
    SudoStorage.Key.get(st);
  } catch (e) {
    throw new Error(`Sudo: Key does not decode as an account: ${(e as Error).message}`);
  }
}
