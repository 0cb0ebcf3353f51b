/**
 * Genesis of the ValidatorSet pallet: the initial validators (1 ‥ MAX_VALIDATORS). (The zod schema of the section
 * is in node/chain-spec.ts.)
 */
import type { StateAccess } from '../../runtime/state.js';
import { ValidatorSetStorage } from './storage.js';
import { MAX_VALIDATORS, type ValidatorSetGenesis } from './types.js';
import { z } from 'zod';
import { fromHex, utf8 } from '../../primitives/bytes.js';
import { genesisAddress as address, genesisHex as hex, genesisSection } from '../../runtime/genesis.js';

/** Write the ValidatorSet genesis. */
export function buildValidatorSetGenesis(st: StateAccess, g: ValidatorSetGenesis): void {
  if (g.validators.length === 0) throw new Error('genesis needs at least one validator');
  if (g.validators.length > MAX_VALIDATORS) throw new Error(`at most ${MAX_VALIDATORS} validators`);
  ValidatorSetStorage.Validators.set(st, g.validators);
}

// ---- The section of the chain spec's genesis config (its JSON schema and its conversion).

/** The ValidatorSet section: each validator's account, ed25519 session key (32 bytes hex) and libp2p peer id. */
export const validatorSetGenesis = genesisSection(
  z.object({
    validators: z
      .array(z.object({ account: address, sessionKey: hex, peerId: z.string().default('') }))
      .min(1)
      .max(MAX_VALIDATORS),
  }),
  (json, r): ValidatorSetGenesis => ({
    validators: json.validators.map((v, i) => {
      const sessionKey = fromHex(v.sessionKey);
      if (sessionKey.length !== 32) r.fail(`validators[${i}].sessionKey must be 32 bytes`);
      return { account: r.account(v.account, `validators[${i}].account`), sessionKey, peerId: utf8(v.peerId) };
    }),
  }),
);
