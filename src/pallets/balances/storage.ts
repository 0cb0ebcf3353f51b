/**
 * Storage of the Balances pallet (the balances themselves are in `System.Account`).
 */
import { u128 } from '../../primitives/scale/index.js';
import { StorageBuilder } from '../../runtime/storage.js';

const s = new StorageBuilder('Balances');
/** Storage items of Balances. */
export const BalancesStorage = {
  /** Total XFG in existence. */
  TotalIssuance: s.value('TotalIssuance', u128, { default: 0n, docs: ['The total units issued in the system.'] }),
  /** Issuance that is deactivated (kept for FRAME compatibility; always zero here). */
  InactiveIssuance: s.value('InactiveIssuance', u128, { default: 0n, docs: ['The total units of outstanding deactivated balance in the system.'] }),
};

/** Metadata of every Balances storage item, in declaration order. */
export const BALANCES_STORAGE_INFO = s.infos();
