/**
 * Chain specifications in Substrate's shape (name, id, chainType, bootNodes, properties, genesis), validated with
 * zod. `genesis` is either `runtimeGenesis.config` (this chain's pallets) or `raw.top` (key-value pairs, as
 * `build-spec --raw` writes and as live Substrate chains publish).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fromHex, isHex } from '../primitives/bytes.js';
import type { StateChange } from '../runtime/state.js';
import type { GenesisReader } from '../runtime/genesis.js';
import { genesisConfigFromJson, RuntimeGenesisConfigSchema, type GenesisConfig } from '../chain/index.js';
import { decodeAddress } from '../crypto/keys.js';
import { compareBytes } from '../primitives/bytes.js';
import { childStorageKey, trieRoot, type StateVersion } from '../trie/index.js';

/** Schema of one chain spec. */
export const ChainSpecSchema = z.object({
  name: z.string().min(1),
  id: z.string().min(1),
  chainType: z.enum(['Development', 'Local', 'Live']).default('Live'),
  bootNodes: z.array(z.string()).default([]),
  telemetryEndpoints: z.unknown().optional(),
  protocolId: z.string().nullable().optional(),
  properties: z
    .object({
      ss58Format: z.number().int().min(0).max(16383).optional(),
      tokenDecimals: z.union([z.number().int(), z.array(z.number().int())]).optional(),
      tokenSymbol: z.union([z.string(), z.array(z.string())]).optional(),
    })
    .passthrough()
    .nullable()
    .optional(),
  genesis: z.union([
    z.object({ runtimeGenesis: z.object({ config: RuntimeGenesisConfigSchema }) }),
    z.object({
      raw: z.object({
        top: z.record(z.string(), z.string()),
        childrenDefault: z.record(z.string(), z.record(z.string(), z.string())).optional(),
      }),
    }),
  ]),
  stateVersion: z.union([z.literal(0), z.literal(1)]).optional(),
});

/** A validated chain spec. */
export type ChainSpec = z.infer<typeof ChainSpecSchema>;

/** Raised for a chain spec that cannot be read or is invalid; the message names the file and the field. */
export class ChainSpecError extends Error {}

/** The chain-spec.json shipped with the node (chains by id). */
export const BUILTIN_SPEC_FILE = fileURLToPath(new URL('../../chain-spec.json', import.meta.url));

function parseSpec(json: unknown, source: string): ChainSpec {
  const r = ChainSpecSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new ChainSpecError(`invalid chain spec ${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ChainSpecError(`cannot read chain spec file ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ChainSpecError(`chain spec file ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Load `dev`, `local` (from the built-in file) or a chain spec file path. */
export function loadChainSpec(chain: string): ChainSpec {
  if (chain === 'dev' || chain === 'local') {
    const all = readJson(BUILTIN_SPEC_FILE) as Record<string, unknown>;
    return parseSpec(all[chain], `${BUILTIN_SPEC_FILE}#${chain}`);
  }
  return parseSpec(readJson(chain), chain);
}

/** The ss58 prefix of a spec (42 when absent). */
export function ss58PrefixOf(spec: ChainSpec): number {
  return spec.properties?.ss58Format ?? 42;
}

/**
 * This chain's pallet genesis config from a spec with `runtimeGenesis`: each pallet's section converted as the pallet
 * declares it (src/chain/genesis.ts); a bad address or field is a {@link ChainSpecError} naming it.
 */
export function genesisConfigOf(spec: ChainSpec): GenesisConfig {
  if (!('runtimeGenesis' in spec.genesis)) throw new ChainSpecError(`chain spec ${spec.id} has raw genesis, not a runtime genesis config`);
  const reader: GenesisReader = {
    account(a, field) {
      try {
        return isHex(a) ? fromHex(a) : decodeAddress(a);
      } catch (e) {
        throw new ChainSpecError(`chain spec ${spec.id}: ${field}: invalid address ${a}: ${(e as Error).message}`);
      }
    },
    fail(message) {
      throw new ChainSpecError(`chain spec ${spec.id}: ${message}`);
    },
  };
  return genesisConfigFromJson(spec.genesis.runtimeGenesis.config, reader);
}

/**
 * Raw genesis key-values of a spec with `raw.top`, sorted. Default child tries (`raw.childrenDefault`, keyed by
 * child key without the `:child_storage:default:` prefix) are folded into the top trie as their roots, computed
 * with the trie layout `version`, exactly as Substrate stores them.
 */
export function rawGenesisOf(spec: ChainSpec, version: StateVersion = 1): StateChange[] {
  if (!('raw' in spec.genesis)) throw new ChainSpecError(`chain spec ${spec.id} has no raw genesis`);
  const pairs = (obj: Record<string, string>, where: string): Array<[Uint8Array, Uint8Array]> =>
    Object.entries(obj).map(([k, v]) => {
      if (!isHex(k) || !isHex(v)) throw new ChainSpecError(`chain spec ${spec.id}: ${where} entry ${k.slice(0, 20)}… is not hex`);
      return [fromHex(k), fromHex(v)];
    });
  const out = pairs(spec.genesis.raw.top, 'raw.top');
  for (const [childKey, entries] of Object.entries(spec.genesis.raw.childrenDefault ?? {})) {
    if (!isHex(childKey)) throw new ChainSpecError(`chain spec ${spec.id}: raw.childrenDefault key ${childKey.slice(0, 20)}… is not hex`);
    const list = pairs(entries, `raw.childrenDefault[${childKey}]`);
    if (list.length > 0) out.push([childStorageKey(fromHex(childKey)), trieRoot(list, version)]);
  }
  return out.sort((a, b) => compareBytes(a[0], b[0]));
}
