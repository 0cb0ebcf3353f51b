/**
 * Storage of the ValidatorSet pallet.
 */
import { vec } from '../../primitives/scale/index.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { MAX_VALIDATORS, Validator } from './types.js';

const s = new StorageBuilder('ValidatorSet');
/** Storage items of ValidatorSet. */
export const ValidatorSetStorage = {
  /** The current validators, in proposer order. */
  Validators: s.value('Validators', vec(Validator, MAX_VALIDATORS), { default: [], docs: ['The current validator set, in proposer-rotation order.'] }),
};

/** Metadata of every ValidatorSet storage item, in declaration order. */
export const VALIDATOR_SET_STORAGE_INFO = s.infos();
