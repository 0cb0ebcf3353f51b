/**
 * Genesis of the Balances pallet: endow the initial accounts (each at least the existential deposit) and count
 * them in the issuance. (The zod schema of the section is in node/chain-spec.ts.)
 */
import type { StateAccess } from '../../runtime/state.js';
import { getAccount, putAccountAtGenesis } from '../system/interface.js';
import { BalancesStorage } from './storage.js';
import type { BalancesGenesis } from './types.js';

/** Write the Balances genesis with existential deposit `ed`. */
export function buildBalancesGenesis(st: StateAccess, g: BalancesGenesis, ed: bigint): void {
  let total = 0n;
  for (const [who, amount] of g.balances) {
    if (amount < ed) throw new Error(`genesis balance ${amount} below the existential deposit ${ed}`);
    const acct = getAccount(st, who);
    const next = { ...acct, providers: acct.providers === 0 ? 1 : acct.providers, data: { ...acct.data, free: acct.data.free + amount } };
    putAccountAtGenesis(st, who, next);
    total += amount;
  }
  BalancesStorage.TotalIssuance.set(st, BalancesStorage.TotalIssuance.get(st) + total);
}
