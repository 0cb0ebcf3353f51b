/**
 * Storage of the Timestamp pallet.
 */
import { bool, u64 } from '../../primitives/scale/index.js';
import { StorageBuilder } from '../../runtime/storage.js';

const s = new StorageBuilder('Timestamp');
/** Storage items of Timestamp. */
export const TimestampStorage = {
  /** The current block's time in milliseconds since the Unix epoch. */
  Now: s.value('Now', u64, { default: 0n, docs: ['The current time for the current block.'] }),
  /** Whether the timestamp was set in this block (transient). */
  DidUpdate: s.value('DidUpdate', bool, { default: false, docs: ['Whether the timestamp has been updated in this block.'] }),
};

/** Metadata of every Timestamp storage item, in declaration order. */
export const TIMESTAMP_STORAGE_INFO = s.infos();
