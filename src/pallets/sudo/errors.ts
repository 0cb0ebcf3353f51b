/**
 * Errors of the Sudo pallet.
 */
import { defineErrors } from '../../runtime/pallet.js';
import { SUDO_INDEX } from './types.js';

/** Errors of Sudo, in index order (append only). */
export const SudoErrors = defineErrors(['pallet_sudo', 'pallet', 'Error'], SUDO_INDEX, {
  RequireSudo: 'Sender must be the Sudo account.',
});

/** `DispatchError::Module` values of the Sudo errors. */
export const SudoE = SudoErrors.of;
