/**
 * The validator set of this permissioned chain: each validator's account (which receives the author's share of
 * fees) and its ed25519 session key (which signs consensus votes). Set at genesis; changed later by governance,
 * effective at a chosen height.
 */
import { bytes, struct, vec } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { definePallet } from '../../runtime/pallet.js';
import type { StateAccess, StateReader } from '../../runtime/state.js';
import { StorageBuilder } from '../../runtime/storage.js';

/** Pallet index of ValidatorSet. */
export const VALIDATOR_SET_INDEX = 4;
/** Largest validator set (bounded collection). */
export const MAX_VALIDATORS = 100;

/** One validator. `peerId` is the libp2p peer id as UTF-8 bytes (may be empty). */
export const Validator = struct(['pallet_validator_set', 'Validator'], { account: AccountId32, sessionKey: AccountId32, peerId: bytes });
/** A validator value. */
export interface ValidatorValue {
  account: Uint8Array;
  sessionKey: Uint8Array;
  peerId: Uint8Array;
}

const s = new StorageBuilder('ValidatorSet');
/** Storage items of ValidatorSet. */
export const ValidatorSetStorage = {
  /** The current validators, in proposer order. */
  Validators: s.value('Validators', vec(Validator, MAX_VALIDATORS), { default: [], docs: ['The current validator set, in proposer-rotation order.'] }),
};

/** Genesis of ValidatorSet. */
export interface ValidatorSetGenesis {
  validators: ValidatorValue[];
}

/** The current validators. */
export function validators(st: StateReader): ValidatorValue[] {
  return ValidatorSetStorage.Validators.get(st);
}

/** The ValidatorSet pallet. */
export const validatorSetPallet = definePallet<ValidatorSetGenesis>({
  name: 'ValidatorSet',
  index: VALIDATOR_SET_INDEX,
  crate: 'pallet_validator_set',
  docs: ['The permissioned validator set: accounts and ed25519 session keys.'],
  storage: s.infos(),
  constants: [],
  hooks: {},
  genesis(st: StateAccess, g: ValidatorSetGenesis) {
    if (g.validators.length === 0) throw new Error('genesis needs at least one validator');
    if (g.validators.length > MAX_VALIDATORS) throw new Error(`at most ${MAX_VALIDATORS} validators`);
    ValidatorSetStorage.Validators.set(st, g.validators);
  },
});
