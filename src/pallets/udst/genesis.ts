/**
 * Genesis of the Udst pallet (initial free balances, for test networks), and the account and issuance writes the
 * ledger shares with it. The zod schema of the
 * chain spec's section and its conversion are here too; the chain lists them (src/chain/genesis.ts).
 */
import { ArithmeticError, U128_MAX } from '../../primitives/arith.js';
import type { StateAccess, StateReader } from '../../runtime/state.js';
import { UdstStorage } from './storage.js';
import type { UdstAccountDataValue, UdstGenesis } from './types.js';
import { z } from 'zod';
import { genesisAddress as address, genesisAmount as amount, genesisSection } from '../../runtime/genesis.js';

/** `who`'s UDST (all-zero when absent). */
export function load(st: StateReader, who: Uint8Array): UdstAccountDataValue {
  return UdstStorage.Accounts.get(st, who);
}

/** Write `who`'s UDST; an account holding nothing is removed. */
export function save(st: StateAccess, who: Uint8Array, a: UdstAccountDataValue): void {
  // No existential deposit: only an account holding nothing at all leaves storage.
  if (a.free === 0n && a.reserved === 0n) UdstStorage.Accounts.remove(st, who);
  else UdstStorage.Accounts.set(st, who, a);
}

/** Grow the issuance by `amount` (checked against u128). */
export function addIssuance(st: StateAccess, amount: bigint): void {
  const next = UdstStorage.TotalIssuance.get(st) + amount;
  // Every balance is bounded by the issuance, so checking the issuance bounds every account too.
  if (next > U128_MAX) throw new ArithmeticError('Overflow', 'UDST total issuance would exceed u128');
  UdstStorage.TotalIssuance.set(st, next);
}

/** Add `amount` to `who`'s free balance. */
export function giveFree(st: StateAccess, who: Uint8Array, amount: bigint): void {
  const a = load(st, who);
  save(st, who, { ...a, free: a.free + amount });
}


/** Write the Udst genesis: each balance positive, the issuance their sum. */
export function buildUdstGenesis(st: StateAccess, g: UdstGenesis): void {
  let total = 0n;
  for (const [who, amount] of g.balances ?? []) {
    if (amount <= 0n) throw new Error(`Udst genesis: balance ${amount} must be positive`);
    giveFree(st, who, amount);
    total += amount;
  }
  addIssuance(st, total);
}

// ---- The section of the chain spec's genesis config (its JSON schema and its conversion).

/** The Udst section: UDST balances at genesis. */
export const udstGenesis = genesisSection(
  z.object({ balances: z.array(z.tuple([address, amount])).max(100_000).default([]) }),
  (json, r): UdstGenesis => ({ balances: json.balances.map(([a, v], i) => [r.account(a, `udst.balances[${i}]`), BigInt(v)]) }),
);
