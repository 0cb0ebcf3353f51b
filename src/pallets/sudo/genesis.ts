/**
 * Genesis of the Sudo pallet: the key, when the chain spec names one. The zod schema of the chain spec's section and
 * its conversion are here too; the chain lists them (src/chain/genesis.ts).
 */
import { z } from 'zod';
import { genesisAddress as address, genesisSection } from '../../runtime/genesis.js';
import type { StateAccess } from '../../runtime/state.js';
import { SudoStorage } from './storage.js';
import type { SudoGenesis } from './types.js';

/** Write the genesis key (none: the chain has no sudo). */
export function buildSudoGenesis(st: StateAccess, g: SudoGenesis): void {
  if (g.key === undefined) return;
  if (g.key.length !== 32) throw new Error(`Sudo genesis: the key must be a 32-byte account, got ${g.key.length} bytes`);
  SudoStorage.Key.set(st, g.key);
}

// ---- The section of the chain spec's genesis config (its JSON schema and its conversion).

/** The Sudo section: the account that may dispatch calls as Root (absent: no sudo on this chain). */
export const sudoGenesis = genesisSection(
  z.object({ key: address.optional() }).strict(),
  (json, r): SudoGenesis => (json.key !== undefined ? { key: r.account(json.key, 'sudo.key') } : {}),
);
