/**
 * Storage of the Udst pallet. Every item in one place, each with its hasher and why.
 */
import { u128 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { EMPTY_UDST_ACCOUNT, UdstAccountData } from './types.js';

const s = new StorageBuilder('Udst');

/** Storage items of Udst. */
export const UdstStorage = {
  /**
   * UDST per account. Blake2_128Concat: account ids are chosen by users, so the hasher must resist crafted keys;
   * the `Concat` part lets the invariant check iterate accounts. An account holding nothing is removed.
   */
  Accounts: s.map('Accounts', 'Blake2_128Concat', AccountId32, UdstAccountData, {
    default: EMPTY_UDST_ACCOUNT,
    docs: ['The UDST balances of an account (absent = nothing held).'],
  }),
  /** All UDST in existence: `Σ accounts (free + reserved) + Held`. */
  TotalIssuance: s.value('TotalIssuance', u128, { default: 0n, docs: ['The total UDST issued.'] }),
  /** UDST held outside accounts: bank reserves and auction escrow (their pallets keep the breakdown). */
  Held: s.value('Held', u128, { default: 0n, docs: ['UDST held outside accounts (bank reserves, auction escrow).'] }),
};

/** Metadata of every Udst storage item, in declaration order. */
export const UDST_STORAGE_INFO = s.infos();
