/**
 * What other pallets (and the node) use of ValidatorSet: the current validators. Other pallets import this file,
 * never `storage.ts`.
 */
import type { StateReader } from '../../runtime/state.js';
import { ValidatorSetStorage } from './storage.js';
import type { ValidatorValue } from './types.js';

/** The current validators. */
export function validators(st: StateReader): ValidatorValue[] {
  return ValidatorSetStorage.Validators.get(st);
}
