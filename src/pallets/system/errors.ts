/**
 * Errors of the System pallet (FRAME's order and indices).
 */
import { defineErrors } from '../../runtime/pallet.js';
import { SYSTEM_INDEX } from './types.js';

/** Errors of System. */
export const SystemErrors = defineErrors(['frame_system', 'pallet', 'Error'], SYSTEM_INDEX, {
  InvalidSpecName: 'The name of specification does not match between the current runtime and the new runtime.',
  SpecVersionNeedsToIncrease: 'The specification version is not allowed to decrease between the current runtime and the new runtime.',
  FailedToExtractRuntimeVersion: 'Failed to extract the runtime version from the new runtime.',
  NonDefaultComposite: 'Suicide called when the account has non-default composite data.',
  NonZeroRefCount: 'There is a non-zero reference count preventing the account from being purged.',
  CallFiltered: 'The origin filter prevent the call to be dispatched.',
});
