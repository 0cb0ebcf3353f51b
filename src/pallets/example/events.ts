/**
 * Events of the Example pallet: past tense, named fields.
 */
import { enumeration, fields, u32 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { eventFactory } from '../../runtime/pallet.js';

/** Events of Example. */
export const ExampleEvents = enumeration(
  ['pallet_example', 'pallet', 'Event'],
  { Incremented: fields({ who: AccountId32, by: u32, tally: u32 }) },
  { params: [{ name: 'T' }], docs: ['The `Event` enum of this pallet'], variantDocs: { Incremented: ['`who`\'s tally grew by `by` to `tally`.'] } },
);

/** Typed constructor of Example events. */
export const exampleEvent = eventFactory('Example', ExampleEvents);
