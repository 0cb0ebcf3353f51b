/**
 * Storage of the Balances pallet (the balances themselves are in `System.Account`): issuance, and each account's
 * locks, named reserves, holds and freezes, with pallet_balances' keys and types.
 */
import { u128 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { BalanceLock, boundedVec, FreezeIdAmount, HoldIdAmount, ReserveData, weakBoundedVec } from './types.js';

const s = new StorageBuilder('Balances');
/** Storage items of Balances. */
export const BalancesStorage = {
  /** Total XFG in existence. */
  TotalIssuance: s.value('TotalIssuance', u128, { default: 0n, docs: ['The total units issued in the system.'] }),
  /** Issuance that is deactivated (kept for FRAME compatibility; always zero here). */
  InactiveIssuance: s.value('InactiveIssuance', u128, { default: 0n, docs: ['The total units of outstanding deactivated balance in the system.'] }),
  /**
   * Liquidity locks of an account (`LockableCurrency`): `frozen` is the largest of them and of the freezes. Removed
   * when empty. Blake2_128Concat: the key is a user's account.
   */
  Locks: s.map('Locks', 'Blake2_128Concat', AccountId32, weakBoundedVec(BalanceLock), {
    default: [],
    docs: [
      'Any liquidity locks on some account balances.',
      'NOTE: Should only be accessed when setting, changing and freeing a lock.',
      '',
      'Use of locks is deprecated in favour of freezes. See `https://github.com/paritytech/substrate/pull/12951/`',
    ],
  }),
  /** Named reserves (`[u8; 8]` ids). No pallet of this chain makes named reserves: always empty, kept for wallets. */
  Reserves: s.map('Reserves', 'Blake2_128Concat', AccountId32, boundedVec(ReserveData), {
    default: [],
    docs: ['Named reserves on some account balances.', '', 'Use of reserves is deprecated in favour of holds. See `https://github.com/paritytech/substrate/pull/12951/`'],
  }),
  /** Holds of an account by `RuntimeHoldReason` (at most one entry per reason); their sum is in `reserved`. Removed when empty. */
  Holds: s.map('Holds', 'Blake2_128Concat', AccountId32, boundedVec(HoldIdAmount), { default: [], docs: ['Holds on account balances.'] }),
  /** Freezes of an account by `RuntimeFreezeReason`. This chain declares no freeze reason yet, so it is always empty. */
  Freezes: s.map('Freezes', 'Blake2_128Concat', AccountId32, boundedVec(FreezeIdAmount), { default: [], docs: ['Freeze locks on account balances.'] }),
};

/** The most locks an account may have (`MaxLocks`, Polkadot's value). */
export const MAX_LOCKS = 50;
/** The most named reserves an account may have (`MaxReserves`; no named reserves are made on this chain). */
export const MAX_RESERVES = 50;

/** Metadata of every Balances storage item, in declaration order. */
export const BALANCES_STORAGE_INFO = s.infos();
