/**
 * Genesis of the Balances pallet: endow the initial accounts (each at least the existential deposit) and count
 * them in the issuance. The zod schema of the
 * chain spec's section and its conversion are here too; the chain lists them (src/chain/genesis.ts).
 */
import type { StateAccess } from '../../runtime/state.js';
import { getAccount, putAccountAtGenesis } from '../system/interface.js';
import { BalancesStorage } from './storage.js';
import type { BalancesGenesis } from './types.js';
import { z } from 'zod';
import { genesisAddress as address, genesisAmount as amount, genesisSection } from '../../runtime/genesis.js';

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

// ---- The section of the chain spec's genesis config (its JSON schema and its conversion).

/** The Balances section: endowed accounts and their free XFG. */
export const balancesGenesis = genesisSection(
  z.object({ balances: z.array(z.tuple([address, amount])).max(100_000) }),
  (json, r): BalancesGenesis => ({ balances: json.balances.map(([a, v], i) => [r.account(a, `genesis.balances[${i}]`), BigInt(v)]) }),
);
