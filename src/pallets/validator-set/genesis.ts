/**
 * Genesis of the ValidatorSet pallet: the initial validators (1 ‥ MAX_VALIDATORS). (The zod schema of the section
 * is in node/chain-spec.ts.)
 */
import type { StateAccess } from '../../runtime/state.js';
import { ValidatorSetStorage } from './storage.js';
import { MAX_VALIDATORS, type ValidatorSetGenesis } from './types.js';

/** Write the ValidatorSet genesis. */
export function buildValidatorSetGenesis(st: StateAccess, g: ValidatorSetGenesis): void {
  if (g.validators.length === 0) throw new Error('genesis needs at least one validator');
  if (g.validators.length > MAX_VALIDATORS) throw new Error(`at most ${MAX_VALIDATORS} validators`);
  ValidatorSetStorage.Validators.set(st, g.validators);
}
