/**
 * Invariants of the Balances pallet (`tryState`).
 */
import { equalBytes, toHexRaw } from '../../primitives/bytes.js';
import type { StateReader } from '../../runtime/state.js';
import { accountEntries, getAccount } from '../system/interface.js';
import { consumes } from './interface.js';
import { BalancesStorage } from './storage.js';
import { freezeReasonCount, holdReasonCount, RuntimeHoldReasonRef, sameReason } from './types.js';

/**
 * Throw unless: `TotalIssuance = Σ (free + reserved)` over `System.Account`, and no account holds less than the
 * existential deposit `ed` with nothing held or frozen (it would have been reaped, its dust burnt).
 */
export function checkBalancesInvariants(st: StateReader, ed: bigint): void {
  const issuance = BalancesStorage.TotalIssuance.get(st);
  if (issuance < 0n) throw new Error('Balances: negative total issuance');
  let sum = 0n;
  let count = 0;
  for (const [who, a] of accountEntries(st)) {
    sum += a.data.free + a.data.reserved;
    count++;
    if (!consumes(a.data) && a.data.free < ed && a.providers > 0) {
      throw new Error(`Balances: account 0x${toHexRaw(who)} holds ${a.data.free} < ED ${ed} with nothing held or frozen`);
    }
  }
  if (issuance !== sum) throw new Error(`Balances: total issuance ${issuance} ≠ Σ free + reserved ${sum} over ${count} accounts`);
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const hex = (b: Uint8Array) => `0x${toHexRaw(b)}`;

/**
 * Throw unless, for every account: `reserved` = Σ holds + Σ named reserves; `frozen` = the largest lock or freeze;
 * no hold, reserve or freeze is zero or repeats its id; holds ≤ the number of hold reasons, freezes ≤ MaxFreezes;
 * the consumer reference is there exactly when something is held or frozen; and no item is stored empty or for a
 * dead account.
 */
export function checkHoldsAndFreezes(st: StateReader): void {
  const S = BalancesStorage;
  const seen = new Set<string>();
  const check = (who: Uint8Array) => {
    const k = hex(who);
    if (seen.has(k)) return;
    seen.add(k);
    const a = getAccount(st, who);
    const [holds, reserves, locks, freezes] = [S.Holds.get(st, who), S.Reserves.get(st, who), S.Locks.get(st, who), S.Freezes.get(st, who)];
    let held = 0n;
    for (const [i, h] of holds.entries()) {
      if (h.amount <= 0n) throw new Error(`Balances: ${k} has an empty hold ${h.id.tag}.${h.id.value.tag}`);
      if (holds.findIndex((o) => sameReason(RuntimeHoldReasonRef, o.id, h.id)) !== i) throw new Error(`Balances: ${k} holds twice under ${h.id.tag}.${h.id.value.tag}`);
      held += h.amount;
    }
    if (holds.length > holdReasonCount()) throw new Error(`Balances: ${k} has ${holds.length} holds, more than the ${holdReasonCount()} hold reasons`);
    for (const [i, r] of reserves.entries()) {
      if (r.amount <= 0n) throw new Error(`Balances: ${k} has an empty named reserve`);
      if (reserves.findIndex((o) => equalBytes(o.id, r.id)) !== i) throw new Error(`Balances: ${k} has a named reserve twice`);
      held += r.amount;
    }
    if (a.data.reserved !== held) throw new Error(`Balances: ${k} has reserved ${a.data.reserved} but holds and named reserves sum to ${held}`);
    let frozen = 0n;
    for (const l of locks) frozen = max(frozen, l.amount);
    for (const f of freezes) {
      if (f.amount <= 0n) throw new Error(`Balances: ${k} has an empty freeze`);
      frozen = max(frozen, f.amount);
    }
    if (freezes.length > freezeReasonCount()) throw new Error(`Balances: ${k} has ${freezes.length} freezes, more than MaxFreezes ${freezeReasonCount()}`);
    if (a.data.frozen !== frozen) throw new Error(`Balances: ${k} has frozen ${a.data.frozen} but its locks and freezes say ${frozen}`);
    if (consumes(a.data) && a.consumers === 0) throw new Error(`Balances: ${k} holds or freezes funds without a consumer reference`);
    if (consumes(a.data) && a.providers === 0) throw new Error(`Balances: ${k} holds or freezes funds on a dead account`);
  };
  for (const [item, name] of [
    [S.Holds, 'Holds'],
    [S.Reserves, 'Reserves'],
    [S.Locks, 'Locks'],
    [S.Freezes, 'Freezes'],
  ] as const) {
    for (const [who, v] of (item as typeof S.Holds).entries(st)) {
      if (v.length === 0) throw new Error(`Balances: ${name} of ${hex(who)} is stored empty`);
      check(who);
    }
  }
  // Accounts holding or freezing funds with no item behind it.
  for (const [who, a] of accountEntries(st)) if (consumes(a.data)) check(who);
}

