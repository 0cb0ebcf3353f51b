/**
 * Storage of the Oracle pallet. Every item in one place, each with its hasher and why.
 */
import { bool, u32, vec } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { DEFAULT_ORACLE_PARAMS, MAX_FEEDERS } from './math.js';
import { FedValueCodec, OracleParams } from './types.js';

const s = new StorageBuilder('Oracle');

/** Storage items of Oracle. */
export const OracleStorage = {
  /** The accounts allowed to feed (at most MAX_FEEDERS, no duplicates). Set at genesis and by governance (root). */
  Feeders: s.value('Feeders', vec(AccountId32, MAX_FEEDERS), { default: [], docs: ['The accounts allowed to feed prices.'] }),
  /**
   * Each feeder's latest value. Blake2_128Concat: keys are accounts (user-chosen ids); `Concat` lets the invariant
   * check list them. Only current feeders have an entry.
   */
  Values: s.map('Values', 'Blake2_128Concat', AccountId32, FedValueCodec, { docs: ["Each feeder's latest price and the block time it was fed at."] }),
  /** The parameters (lifetime, minimum feeders, exclusive price bounds). */
  Params: s.value('Params', OracleParams, { default: DEFAULT_ORACLE_PARAMS, docs: ['Price lifetime, minimum fresh feeders and the exclusive price bounds.'] }),
  /** The block (u32) in which `PriceUnavailable` was last deposited: it is deposited at most once per block. */
  UnavailableReportedAt: s.value('UnavailableReportedAt', u32, { docs: ['The last block in which `PriceUnavailable` was deposited.'] }),
  /** Set at genesis when genesis values wait to be stamped with the first block's time (cleared by that block). */
  GenesisValuesPending: s.value('GenesisValuesPending', bool, { default: false, docs: ['Whether genesis values still wait for the first block time.'] }),
};

/** Metadata of every Oracle storage item, in declaration order. */
export const ORACLE_STORAGE_INFO = s.infos();
