/**
 * How a pallet declares its section of the chain spec's genesis config: the JSON shape (a zod schema, so the node
 * validates a spec file before anything is built) and how the validated JSON becomes the value the pallet's genesis
 * build takes. The chain composes the sections into its `GenesisConfig` type and the spec's schema. Pure: addresses
 * are decoded by the {@link GenesisReader} the caller hands in.
 */
import { z } from 'zod';
import { isHex } from '../primitives/bytes.js';

/** What turning a section's JSON into values needs from the caller. */
export interface GenesisReader {
  /** The account an address names (SS58 or 0x-hex); `field` says where it stands (`validators[0].account`). */
  account(address: string, field: string): Uint8Array;
  /** Refuse the spec with `message` (naming the field). */
  fail(message: string): never;
}

/** One pallet's genesis section: its JSON schema and its conversion to the pallet's genesis value `G`. */
export interface GenesisSection<S extends z.ZodType = z.ZodType, G = unknown> {
  readonly schema: S;
  /** The pallet's genesis value from JSON that `schema` accepted. */
  convert(json: z.output<S>, reader: GenesisReader): G;
}

/** Declare a genesis section (types of the JSON and of the value inferred). */
export function genesisSection<S extends z.ZodType, G>(schema: S, convert: (json: z.output<S>, reader: GenesisReader) => G): GenesisSection<S, G> {
  return { schema, convert };
}

/** The genesis value of a section. */
export type GenesisValueOf<T> = T extends GenesisSection<z.ZodType, infer G> ? G : never;

/** An amount as a spec writes it: a decimal integer string (any size) or a non-negative safe integer. */
export const genesisAmount = z.union([z.string().regex(/^\d+$/, 'must be a decimal integer string'), z.number().int().nonnegative()]);
/** An account address as a spec writes it (SS58 or 0x-hex; decoded by the {@link GenesisReader}). */
export const genesisAddress = z.string().min(1);
/** Bytes as 0x-prefixed hex. */
export const genesisHex = z.string().refine(isHex, 'must be 0x-prefixed hex');

/**
 * The amount fields of a parameter record as bigints; a name not in `allowed` is refused through `reader`, naming
 * `where` and the known names.
 */
export function genesisBigints(rec: Record<string, string | number> | undefined, allowed: readonly string[], where: string, reader: GenesisReader): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const [k, v] of Object.entries(rec ?? {})) {
    if (!allowed.includes(k)) reader.fail(`${where}: unknown parameter ${k} (known: ${allowed.join(', ')})`);
    out[k] = BigInt(v);
  }
  return out;
}
