/**
 * Storage of the Example pallet. Every item in one place, each with its hasher and why.
 */
import { u32 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { StorageBuilder } from '../../runtime/storage.js';

const s = new StorageBuilder('Example');

/** Storage items of Example. */
export const ExampleStorage = {
  /** Σ of every tally (u32). */
  Total: s.value('Total', u32, { default: 0, docs: ['The sum of all tallies.'] }),
  /** Each account's tally. Blake2_128Concat: account ids are user-chosen, and the invariant check iterates them. */
  Tallies: s.map('Tallies', 'Blake2_128Concat', AccountId32, u32, { docs: ['The tally of an account (absent = zero).'] }),
};

/** Metadata of every Example storage item, in declaration order. */
export const EXAMPLE_STORAGE_INFO = s.infos();
