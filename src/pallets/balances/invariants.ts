/**
 * Invariants of the Balances pallet (`tryState`).
 */
import { toHexRaw } from '../../primitives/bytes.js';
import type { StateReader } from '../../runtime/state.js';
import { accountEntries } from '../system/interface.js';
import { BalancesStorage } from './storage.js';

/**
 * Throw unless: `TotalIssuance = Σ (free + reserved)` over `System.Account`, and no account holds less than the
 * existential deposit `ed` without reserves (it would have been reaped, its dust burnt).
 */
export function checkBalancesInvariants(st: StateReader, ed: bigint): void {
  const issuance = BalancesStorage.TotalIssuance.get(st);
  if (issuance < 0n) throw new Error('Balances: negative total issuance');
  let sum = 0n;
  let count = 0;
  for (const [who, a] of accountEntries(st)) {
    sum += a.data.free + a.data.reserved;
    count++;
    if (a.data.reserved === 0n && a.data.free < ed && a.providers > 0) {
      throw new Error(`Balances: account 0x${toHexRaw(who)} holds ${a.data.free} < ED ${ed} without reserves`);
    }
  }
  if (issuance !== sum) throw new Error(`Balances: total issuance ${issuance} ≠ Σ free + reserved ${sum} over ${count} accounts`);
}
