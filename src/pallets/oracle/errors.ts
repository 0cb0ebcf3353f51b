/**
 * Errors of the Oracle pallet: each names the condition that refused the call.
 */
import { defineErrors } from '../../runtime/pallet.js';
import { ORACLE_INDEX } from './types.js';

/** Errors of Oracle, in index order (append only). */
export const OracleErrors = defineErrors(['pallet_oracle', 'pallet', 'Error'], ORACLE_INDEX, {
  NotFeeder: 'The caller is not one of the feeders.',
  PriceOutOfBounds: 'The price is not strictly between `price_min` and `price_max`.',
  TooManyFeeders: 'The feeder set is larger than `MaxFeeders`.',
  DuplicateFeeder: 'An account appears twice in the feeder set.',
  FeedersBelowMinimum: 'The feeder set would be smaller than `min_feeders`: no price could ever exist.',
  ParamOutOfBounds: 'A parameter is outside its absolute bounds (or `price_min` is not below `price_max`).',
  ParamStepTooLarge: 'A parameter changes by more than its maximum step.',
});

/** `DispatchError::Module` values of the Oracle errors. */
export const OE = OracleErrors.of;
