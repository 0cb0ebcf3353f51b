/**
 * pallet_example: the smallest pallet in the one layout (../README.md), kept compiled and tested so the layout
 * stays real. Each account keeps a tally it can increment; the pallet keeps the total. Not part of the chain.
 */
import { u32 } from '../../primitives/scale/index.js';
import { definePallet } from '../../runtime/pallet.js';
import { exampleCalls } from './calls.js';
import { ExampleErrors } from './errors.js';
import { ExampleEvents } from './events.js';
import { buildExampleGenesis } from './genesis.js';
import { checkExampleInvariants } from './invariants.js';
import { EXAMPLE_STORAGE_INFO } from './storage.js';
import { EXAMPLE_INDEX, MAX_INCREMENT, type ExampleGenesis } from './types.js';

export { EXAMPLE_INDEX, MAX_INCREMENT, type ExampleGenesis } from './types.js';
export { ExampleStorage } from './storage.js';
export { ExampleErrors } from './errors.js';
export { ExampleEvents } from './events.js';
export { tallyOf, total } from './interface.js';
export { checkExampleInvariants } from './invariants.js';

/** The Example pallet. */
export const examplePallet = definePallet<ExampleGenesis>({
  name: 'Example',
  index: EXAMPLE_INDEX,
  crate: 'pallet_example',
  docs: ['A teaching pallet: per-account tallies and their total.'],
  storage: EXAMPLE_STORAGE_INFO,
  calls: exampleCalls,
  events: ExampleEvents,
  errors: ExampleErrors,
  constants: [{ name: 'MaxIncrement', codec: u32, value: MAX_INCREMENT, docs: ['The largest single increment.'] }],
  hooks: { tryState: checkExampleInvariants },
  genesis: buildExampleGenesis,
});
