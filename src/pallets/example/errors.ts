/**
 * Errors of the Example pallet, in index order (appending only: indices are part of the wire format).
 */
import { defineErrors } from '../../runtime/pallet.js';
import { EXAMPLE_INDEX } from './types.js';

/** Errors of Example. */
export const ExampleErrors = defineErrors(['pallet_example', 'pallet', 'Error'], EXAMPLE_INDEX, {
  ZeroIncrement: 'An increment must be at least one.',
  IncrementTooLarge: 'An increment may be at most `MaxIncrement`.',
  Overflow: 'The total would exceed u32.',
});

/** The `DispatchError` of each Example error. */
export const EE = ExampleErrors.of;
