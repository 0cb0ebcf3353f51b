/**
 * Chain specifications in Substrate's shape (name, id, chainType, bootNodes, properties, genesis), validated with
 * zod. `genesis` is either `runtimeGenesis.config` (this chain's pallets) or `raw.top` (key-value pairs, as
 * `build-spec --raw` writes and as live Substrate chains publish).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fromHex, isHex } from '../primitives/bytes.js';
import type { GenesisConfig } from '../runtime/runtime.js';
import type { StateChange } from '../runtime/state.js';
import { decodeAddress } from '../crypto/keys.js';
import { compareBytes } from '../primitives/bytes.js';
import { childStorageKey, trieRoot, type StateVersion } from '../trie/index.js';
import { MAX_FEEDERS } from '../pallets/oracle/math.js';
import type { OracleGenesis } from '../pallets/oracle/index.js';
import type { UdstGenesis } from '../pallets/udst/index.js';
import type { CertificatesGenesis } from '../pallets/certificates/index.js';
import type { BankGenesis, BanksGenesis } from '../pallets/banks/index.js';
import type { LoansGenesis } from '../pallets/loans/index.js';

const hex = z.string().refine(isHex, 'must be 0x-prefixed hex');
const amount = z.union([z.string().regex(/^\d+$/, 'must be a decimal integer string'), z.number().int().nonnegative()]);
const address = z.string().min(1);

const RuntimeGenesisConfig = z.object({
  balances: z.object({ balances: z.array(z.tuple([address, amount])).max(100_000) }),
  validatorSet: z.object({
    validators: z
      .array(z.object({ account: address, sessionKey: hex, peerId: z.string().default('') }))
      .min(1)
      .max(100),
  }),
  // Sudo (optional): the account that may dispatch calls as Root. Absent: no sudo on this chain.
  sudo: z.object({ key: address.optional() }).strict().optional(),
  // Credit pallets (optional: a spec without them starts with no UDST, no feeders and no certificates).
  udst: z.object({ balances: z.array(z.tuple([address, amount])).max(100_000).default([]) }).optional(),
  oracle: z
    .object({
      feeders: z.array(address).max(MAX_FEEDERS),
      params: z
        .object({ priceLifetimeMs: amount, minFeeders: z.number().int().min(0).max(MAX_FEEDERS), priceMin: amount, priceMax: amount })
        .partial()
        .optional(),
      values: z.array(z.tuple([address, amount])).max(MAX_FEEDERS).default([]),
    })
    .optional(),
  certificates: z.object({ certificates: z.array(z.object({ owner: address, xfg: amount })).max(10_000).default([]) }).optional(),
  // Lending (optional): community banks (amounts in UDST base units) and chain-wide loan parameters.
  banks: z
    .object({
      banks: z
        .array(
          z.object({
            name: z.string().min(1).max(64),
            bioregion: z.string().min(1).max(64),
            creditCeiling: amount,
            officers: z.array(address).min(1).max(100),
            members: z.array(address).max(10_000).default([]),
            reserves: amount.default('0'),
            reservesHolder: address,
            params: z.record(z.string(), amount).optional(),
            kinds: z.partialRecord(z.enum(['Production', 'Marketing', 'Equipment', 'General']), z.record(z.string(), amount)).optional(),
          }),
        )
        .max(100),
    })
    .optional(),
  loans: z.object({ params: z.record(z.string(), amount).optional() }).optional(),
});

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
    z.object({ runtimeGenesis: z.object({ config: RuntimeGenesisConfig }) }),
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

/** This chain's pallet genesis config from a spec with `runtimeGenesis`. */
export function genesisConfigOf(spec: ChainSpec): GenesisConfig {
  if (!('runtimeGenesis' in spec.genesis)) throw new ChainSpecError(`chain spec ${spec.id} has raw genesis, not a runtime genesis config`);
  const cfg = spec.genesis.runtimeGenesis.config;
  const account = (a: string, field: string): Uint8Array => {
    try {
      return isHex(a) ? fromHex(a) : decodeAddress(a);
    } catch (e) {
      throw new ChainSpecError(`chain spec ${spec.id}: ${field}: invalid address ${a}: ${(e as Error).message}`);
    }
  };
  return {
    balances: { balances: cfg.balances.balances.map(([a, v], i) => [account(a, `genesis.balances[${i}]`), BigInt(v)] as [Uint8Array, bigint]) },
    validatorSet: {
      validators: cfg.validatorSet.validators.map((v, i) => {
        const sessionKey = fromHex(v.sessionKey);
        if (sessionKey.length !== 32) throw new ChainSpecError(`chain spec ${spec.id}: validators[${i}].sessionKey must be 32 bytes`);
        return { account: account(v.account, `validators[${i}].account`), sessionKey, peerId: new TextEncoder().encode(v.peerId) };
      }),
    },
    ...(cfg.sudo?.key !== undefined ? { sudo: { key: account(cfg.sudo.key, 'sudo.key') } } : {}),
    ...creditGenesisOf(cfg, account),
    ...lendingGenesisOf(cfg, account, spec.id),
  };
}

const BANK_PARAM_FIELDS = ['riskPremiumBps', 'minRateBps', 'autoApproveLimit', 'autoApproveMinScore', 'minDebt', 'leverageCapBps', 'protocolFeeShareBps', 'originationFeeBps'];
const KIND_PARAM_FIELDS = ['maxAmount', 'minCollateralRatioBps', 'maxTermDays', 'baseRateBps'];
const LOAN_PARAM_FIELDS = [
  'marginCallRatioBps', 'liquidationRatioBps', 'hardFloorRatioBps', 'liquidationTargetBps', 'liquidationPenaltyBps', 'liquidationGraceMs',
  'dueSoonMs', 'dueGraceMs', 'drawWindowMs', 'maxChecksPerBlock', 'restructureMaxAutoDays', 'restructureMinRatioBps', 'restructureFeeBps', 'restructureMaxDays',
];

/** Amount fields of a parameter record as bigints; an unknown field name is an error naming it. */
function bigintFields(rec: Record<string, string | number> | undefined, allowed: string[], where: string): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const [k, v] of Object.entries(rec ?? {})) {
    if (!allowed.includes(k)) throw new ChainSpecError(`${where}: unknown parameter ${k} (known: ${allowed.join(', ')})`);
    out[k] = BigInt(v);
  }
  return out;
}

/** The genesis sections of Banks and Loans present in `cfg`. */
function lendingGenesisOf(cfg: z.infer<typeof RuntimeGenesisConfig>, account: (a: string, field: string) => Uint8Array, id: string): { banks?: BanksGenesis; loans?: LoansGenesis } {
  const out: { banks?: BanksGenesis; loans?: LoansGenesis } = {};
  if (cfg.banks) {
    out.banks = {
      banks: cfg.banks.banks.map((b, i): BankGenesis => ({
        name: b.name,
        bioregion: b.bioregion,
        creditCeiling: BigInt(b.creditCeiling),
        officers: b.officers.map((a, j) => account(a, `banks[${i}].officers[${j}]`)),
        members: b.members.map((a, j) => account(a, `banks[${i}].members[${j}]`)),
        reserves: BigInt(b.reserves),
        reservesHolder: account(b.reservesHolder, `banks[${i}].reservesHolder`),
        params: bigintFields(b.params, BANK_PARAM_FIELDS, `chain spec ${id}: banks[${i}].params`),
        kinds: Object.fromEntries(Object.entries(b.kinds ?? {}).map(([k, v]) => [k, bigintFields(v, KIND_PARAM_FIELDS, `chain spec ${id}: banks[${i}].kinds.${k}`)])),
      })),
    };
  }
  if (cfg.loans) out.loans = { params: bigintFields(cfg.loans.params, LOAN_PARAM_FIELDS, `chain spec ${id}: loans.params`) };
  return out;
}

/** The genesis sections of the Udst, Oracle and Certificates pallets present in `cfg` (amounts as bigints). */
function creditGenesisOf(
  cfg: z.infer<typeof RuntimeGenesisConfig>,
  account: (a: string, field: string) => Uint8Array,
): { udst?: UdstGenesis; oracle?: OracleGenesis; certificates?: CertificatesGenesis } {
  const out: { udst?: UdstGenesis; oracle?: OracleGenesis; certificates?: CertificatesGenesis } = {};
  if (cfg.udst) out.udst = { balances: cfg.udst.balances.map(([a, v], i) => [account(a, `udst.balances[${i}]`), BigInt(v)]) };
  if (cfg.oracle) {
    const p = cfg.oracle.params ?? {};
    out.oracle = {
      feeders: cfg.oracle.feeders.map((a, i) => account(a, `oracle.feeders[${i}]`)),
      params: {
        ...(p.priceLifetimeMs === undefined ? {} : { priceLifetimeMs: BigInt(p.priceLifetimeMs) }),
        ...(p.minFeeders === undefined ? {} : { minFeeders: p.minFeeders }),
        ...(p.priceMin === undefined ? {} : { priceMin: BigInt(p.priceMin) }),
        ...(p.priceMax === undefined ? {} : { priceMax: BigInt(p.priceMax) }),
      },
      values: cfg.oracle.values.map(([a, v], i) => [account(a, `oracle.values[${i}]`), BigInt(v)]),
    };
  }
  if (cfg.certificates) {
    out.certificates = { certificates: cfg.certificates.certificates.map((c, i) => ({ owner: account(c.owner, `certificates[${i}].owner`), xfg: BigInt(c.xfg) })) };
  }
  return out;
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
