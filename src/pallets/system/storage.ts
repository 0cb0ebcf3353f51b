/**
 * Storage of the System pallet (FRAME's layout and hashers, so wallets read it unchanged).
 */
import { u32 } from '../../primitives/scale/index.js';
import { AccountId32, Digest, H256 } from '../../primitives/types.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { AccountInfo, EMPTY_ACCOUNT, EventRecords, PerDispatchClassWeight } from './types.js';

const s = new StorageBuilder('System');
const ZERO_WEIGHT = { refTime: 0n, proofSize: 0n };

/** Storage items of System. */
export const SystemStorage = {
  /** Account nonce, reference counts and balances. Blake2_128Concat: account ids are user-chosen. */
  Account: s.map('Account', 'Blake2_128Concat', AccountId32, AccountInfo, { default: EMPTY_ACCOUNT, docs: ['The full account information for a particular account ID.'] }),
  /** Extrinsics applied so far in the current block (transient). */
  ExtrinsicCount: s.value('ExtrinsicCount', u32, { docs: ['Total extrinsics count for the current block.'] }),
  /** Weight consumed by the current block (transient). */
  BlockWeight: s.value('BlockWeight', PerDispatchClassWeight, { default: { normal: ZERO_WEIGHT, operational: ZERO_WEIGHT, mandatory: ZERO_WEIGHT }, docs: ['The current weight for the block.'] }),
  /** Total length of the extrinsics in the current block (transient). */
  AllExtrinsicsLen: s.value('AllExtrinsicsLen', u32, { docs: ['Total length (in bytes) for all extrinsics put together, for the current block.'] }),
  /** Recent block hashes by number. Twox64Concat: the block number is not user-controlled. */
  BlockHash: s.map('BlockHash', 'Twox64Concat', u32, H256, { default: new Uint8Array(32), docs: ['Map of block numbers to block hashes.'] }),
  /** The current block number. */
  Number: s.value('Number', u32, { default: 0, docs: ['The current block number being processed. Set by `execute_block`.'] }),
  /** Hash of the previous block. */
  ParentHash: s.value('ParentHash', H256, { default: new Uint8Array(32), docs: ['Hash of the previous block.'] }),
  /** Digest of the current block. */
  Digest: s.value('Digest', Digest, { default: { logs: [] }, docs: ['Digest of the current block, also part of the block header.'] }),
  /** Events deposited in the current block. */
  Events: s.value('Events', EventRecords, { default: [], docs: ['Events deposited for the current block.'] }),
  /** Number of events in the current block. */
  EventCount: s.value('EventCount', u32, { default: 0, docs: ['The number of events in the `Events<T>` list.'] }),
};

/** Metadata of every System storage item, in declaration order. */
export const SYSTEM_STORAGE_INFO = s.infos();
