/**
 * Errors of the Udst pallet: each names the condition that refused the operation.
 */
import { UDST_INDEX } from './types.js';
import { defineErrors } from '../../runtime/pallet.js';

/** Errors of Udst, in index order (the order is part of the encoding: append only). */
export const UdstErrors = defineErrors(['pallet_udst', 'pallet', 'Error'], UDST_INDEX, {
  InsufficientBalance: 'The account holds less free UDST than the operation takes.',
  InsufficientReserved: 'The account holds less reserved UDST than the operation takes.',
  InsufficientHeld: 'Less UDST is held outside accounts than the operation takes.',
});

/** `DispatchError::Module` values of the Udst errors. */
export const UE = UdstErrors.of;
