/**
 * Types and constants of the ValidatorSet pallet.
 */
import { bytes, struct } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';

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

/** Genesis of ValidatorSet. */
export interface ValidatorSetGenesis {
  validators: ValidatorValue[];
}
