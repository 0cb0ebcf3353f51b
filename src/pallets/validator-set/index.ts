/**
 * The validator set of this permissioned chain: each validator's account (which receives the author's share of
 * fees) and its ed25519 session key (which signs consensus votes). Set at genesis; changed later by governance,
 * effective at a chosen height.
 */
import { definePallet } from '../../runtime/pallet.js';
import { buildValidatorSetGenesis } from './genesis.js';
import { checkValidatorSetInvariants } from './invariants.js';
import { VALIDATOR_SET_STORAGE_INFO } from './storage.js';
import { VALIDATOR_SET_INDEX, type ValidatorSetGenesis } from './types.js';

export { VALIDATOR_SET_INDEX, MAX_VALIDATORS, Validator, type ValidatorValue, type ValidatorSetGenesis } from './types.js';
export { ValidatorSetStorage } from './storage.js';
export { validators } from './interface.js';
export { checkValidatorSetInvariants } from './invariants.js';

/** The ValidatorSet pallet. */
export const validatorSetPallet = definePallet<ValidatorSetGenesis>({
  name: 'ValidatorSet',
  index: VALIDATOR_SET_INDEX,
  crate: 'pallet_validator_set',
  docs: ['The permissioned validator set: accounts and ed25519 session keys.'],
  storage: VALIDATOR_SET_STORAGE_INFO,
  constants: [],
  hooks: { tryState: checkValidatorSetInvariants },
  genesis: buildValidatorSetGenesis,
});
