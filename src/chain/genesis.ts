/**
 * This chain's genesis config, composed from the genesis sections the pallets declare: the spec's JSON schema
 * ({@link RuntimeGenesisConfigSchema}) and the typed config the runtime's genesis build takes ({@link GenesisConfig}),
 * both derived from the same list. A pallet with genesis state adds one line here.
 */
import { z } from 'zod';
import type { GenesisReader, GenesisSection, GenesisValueOf } from '../runtime/genesis.js';
import { balancesGenesis } from '../pallets/balances/genesis.js';
import { validatorSetGenesis } from '../pallets/validator-set/genesis.js';
import { sudoGenesis } from '../pallets/sudo/genesis.js';
import { udstGenesis } from '../pallets/udst/genesis.js';
import { oracleGenesis } from '../pallets/oracle/genesis.js';
import { certificatesGenesis } from '../pallets/certificates/genesis.js';
import { banksGenesis } from '../pallets/banks/genesis.js';
import { loansGenesis } from '../pallets/loans/genesis.js';

/** Sections every spec must have. */
const REQUIRED = {
  balances: balancesGenesis,
  validatorSet: validatorSetGenesis,
};

/**
 * Sections a spec may leave out (a spec without them starts with no sudo key, no UDST, no feeders, no certificates,
 * no banks).
 */
const OPTIONAL = {
  sudo: sudoGenesis,
  udst: udstGenesis,
  oracle: oracleGenesis,
  certificates: certificatesGenesis,
  banks: banksGenesis,
  loans: loansGenesis,
};

type Required = typeof REQUIRED;
type Optional = typeof OPTIONAL;

/** Genesis configuration of every pallet, as the runtime's genesis build takes it. */
export type GenesisConfig = { [K in keyof Required]: GenesisValueOf<Required[K]> } & { [K in keyof Optional]?: GenesisValueOf<Optional[K]> };

function schemas<R extends Record<string, GenesisSection>>(sections: R): { [K in keyof R]: R[K]['schema'] } {
  return Object.fromEntries(Object.entries(sections).map(([k, s]) => [k, s.schema])) as { [K in keyof R]: R[K]['schema'] };
}
function optionalSchemas<R extends Record<string, GenesisSection>>(sections: R): { [K in keyof R]: z.ZodOptional<R[K]['schema']> } {
  return Object.fromEntries(Object.entries(sections).map(([k, s]) => [k, s.schema.optional()])) as { [K in keyof R]: z.ZodOptional<R[K]['schema']> };
}

/** The JSON schema of `genesis.runtimeGenesis.config` in a chain spec. */
export const RuntimeGenesisConfigSchema = z.object({ ...schemas(REQUIRED), ...optionalSchemas(OPTIONAL) });

/** A runtime genesis config as a spec writes it, validated. */
export type RuntimeGenesisJson = z.output<typeof RuntimeGenesisConfigSchema>;

/**
 * The typed genesis config from validated JSON, section by section in the order listed (so the first bad field
 * found is the same on every run); `reader` decodes addresses and refuses bad fields.
 */
export function genesisConfigFromJson(json: RuntimeGenesisJson, reader: GenesisReader): GenesisConfig {
  const out: Record<string, unknown> = {};
  const sections: Record<string, GenesisSection> = { ...REQUIRED, ...OPTIONAL };
  for (const [key, section] of Object.entries(sections)) {
    const value = (json as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = section.convert(value, reader);
  }
  return out as GenesisConfig;
}
