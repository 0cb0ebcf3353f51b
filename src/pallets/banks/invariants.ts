/**
 * Invariants of Banks (`tryState`), checked after every test and by the replay command (ECONOMICS.md §1, §4):
 * Σ shares of holders = totalShares, member and officer counts match the member records, and the UDST issuance
 * identity `issuance = UnbackedIssuance + Σ outstanding principal` (once a bank exists).
 */
import type { StateReader } from '../../runtime/state.js';
import type { UdstLedger } from '../udst/interface.js';
import { BanksStorage } from './storage.js';

/** Throw with a message naming the bank when an invariant is broken. */
export function checkBankInvariants(st: StateReader, udst: Pick<UdstLedger, 'totalIssuance'>): void {
  let outstanding = 0n;
  for (const [id, b] of BanksStorage.Banks.entries(st)) {
    let shares = 0n;
    for (const [, s] of entriesOf(st, BanksStorage.Shares.prefixOf(id))) shares += BanksStorage.Shares.value.decode(s);
    if (shares !== b.totalShares) throw new Error(`bank ${id}: Σ shares ${shares} ≠ totalShares ${b.totalShares}`);
    let members = 0;
    let officers = 0;
    for (const [, m] of entriesOf(st, BanksStorage.Members.prefixOf(id))) {
      members++;
      if (BanksStorage.Members.value.decode(m).officer) officers++;
    }
    if (members !== b.memberCount || officers !== b.officerCount) {
      throw new Error(`bank ${id}: ${members} members / ${officers} officers stored, counts say ${b.memberCount} / ${b.officerCount}`);
    }
    if (b.totalShares === 0n && b.reserves > 0n) throw new Error(`bank ${id}: reserves ${b.reserves} without shares`);
    outstanding += b.outstanding;
  }
  const unbacked = BanksStorage.UnbackedIssuance.get(st);
  // Before the first bank there is no credit and no baseline (other pallets' tests mint through the ledger directly).
  if (unbacked === undefined) {
    if (outstanding > 0n) throw new Error(`Σ outstanding ${outstanding} without an issuance baseline`);
    return;
  }
  const issuance = udst.totalIssuance(st);
  if (issuance !== unbacked + outstanding) {
    throw new Error(`UDST issuance ${issuance} ≠ unbacked ${unbacked} + Σ outstanding principal ${outstanding}`);
  }
}

/** Raw key-value pairs under `prefix` in key order (bounded by the state). */
function* entriesOf(st: StateReader, prefix: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
  let k = st.nextKey(prefix);
  while (k !== undefined && k.length >= prefix.length && prefix.every((b, i) => k![i] === b)) {
    yield [k, st.get(k)!];
    k = st.nextKey(k);
  }
}
