/**
 * Invariants of the Udst pallet (`tryState`), run after every test and by the replay command.
 */
import { toHexRaw } from '../../primitives/bytes.js';
import type { StateReader } from '../../runtime/state.js';
import { UdstStorage } from './storage.js';

/** Issuance, the sum over accounts, what is held outside accounts, and the number of stored accounts. */
export interface UdstTotals {
  issuance: bigint;
  /** Σ (free + reserved) over stored accounts. */
  accounts: bigint;
  held: bigint;
  /** Stored accounts (≤ 2^53). */
  count: number;
}

/** Sum the ledger (reads every account: for checks and queries, never in a block). */
export function udstTotals(st: StateReader): UdstTotals {
  let accounts = 0n;
  let count = 0;
  for (const [, a] of UdstStorage.Accounts.entries(st)) {
    accounts += a.free + a.reserved;
    count++;
  }
  return { issuance: UdstStorage.TotalIssuance.get(st), accounts, held: UdstStorage.Held.get(st), count };
}

/**
 * Throw unless: `TotalIssuance = Σ accounts (free + reserved) + Held` (ECONOMICS.md §1: no UDST appears or vanishes
 * outside `mint`, `burn` and `burnHeld`), and no account is stored holding nothing.
 */
export function checkUdstInvariants(st: StateReader): void {
  for (const [who, a] of UdstStorage.Accounts.entries(st)) {
    if (a.free === 0n && a.reserved === 0n) throw new Error(`Udst: account 0x${toHexRaw(who)} is stored holding nothing`);
  }
  const t = udstTotals(st);
  if (t.issuance !== t.accounts + t.held) {
    throw new Error(`Udst: total issuance ${t.issuance} ≠ Σ accounts ${t.accounts} + held ${t.held} (${t.count} accounts)`);
  }
}
