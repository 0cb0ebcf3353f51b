/**
 * STAGING (moved into each pallet's genesis.ts once the pallets have the one layout): the genesis sections.
 */
import { z } from 'zod';
import { fromHex, utf8 } from '../primitives/bytes.js';
import { genesisAddress as address, genesisAmount as amount, genesisBigints, genesisHex as hex, genesisSection } from '../runtime/genesis.js';
import type { BalancesGenesis } from '../pallets/balances/index.js';
import { MAX_VALIDATORS, type ValidatorSetGenesis } from '../pallets/validator-set/index.js';
import type { UdstGenesis } from '../pallets/udst/index.js';
import type { OracleGenesis } from '../pallets/oracle/index.js';
import { MAX_FEEDERS } from '../pallets/oracle/math.js';
import type { CertificatesGenesis } from '../pallets/certificates/index.js';
import type { BankGenesis, BanksGenesis } from '../pallets/banks/index.js';
import type { LoansGenesis } from '../pallets/loans/index.js';

// ---- balances/genesis.ts
/** The Balances section: endowed accounts and their free XFG. */
export const balancesGenesis = genesisSection(
  z.object({ balances: z.array(z.tuple([address, amount])).max(100_000) }),
  (json, r): BalancesGenesis => ({ balances: json.balances.map(([a, v], i) => [r.account(a, `genesis.balances[${i}]`), BigInt(v)]) }),
);

// ---- validator-set/genesis.ts
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

// ---- udst/genesis.ts
/** The Udst section: UDST balances at genesis. */
export const udstGenesis = genesisSection(
  z.object({ balances: z.array(z.tuple([address, amount])).max(100_000).default([]) }),
  (json, r): UdstGenesis => ({ balances: json.balances.map(([a, v], i) => [r.account(a, `udst.balances[${i}]`), BigInt(v)]) }),
);

// ---- oracle/genesis.ts
/** The Oracle section: feeders, parameters (missing ones take the defaults) and initial values. */
export const oracleGenesis = genesisSection(
  z.object({
    feeders: z.array(address).max(MAX_FEEDERS),
    params: z
      .object({ priceLifetimeMs: amount, minFeeders: z.number().int().min(0).max(MAX_FEEDERS), priceMin: amount, priceMax: amount })
      .partial()
      .optional(),
    values: z.array(z.tuple([address, amount])).max(MAX_FEEDERS).default([]),
  }),
  (json, r): OracleGenesis => {
    const p = json.params ?? {};
    return {
      feeders: json.feeders.map((a, i) => r.account(a, `oracle.feeders[${i}]`)),
      params: {
        ...(p.priceLifetimeMs === undefined ? {} : { priceLifetimeMs: BigInt(p.priceLifetimeMs) }),
        ...(p.minFeeders === undefined ? {} : { minFeeders: p.minFeeders }),
        ...(p.priceMin === undefined ? {} : { priceMin: BigInt(p.priceMin) }),
        ...(p.priceMax === undefined ? {} : { priceMax: BigInt(p.priceMax) }),
      },
      values: json.values.map(([a, v], i) => [r.account(a, `oracle.values[${i}]`), BigInt(v)]),
    };
  },
);

// ---- certificates/genesis.ts
/** The Certificates section: certificates (owner, XFG locked) at genesis. */
export const certificatesGenesis = genesisSection(
  z.object({ certificates: z.array(z.object({ owner: address, xfg: amount })).max(10_000).default([]) }),
  (json, r): CertificatesGenesis => ({ certificates: json.certificates.map((c, i) => ({ owner: r.account(c.owner, `certificates[${i}].owner`), xfg: BigInt(c.xfg) })) }),
);

// ---- banks/genesis.ts
const BANK_PARAM_FIELDS = ['riskPremiumBps', 'minRateBps', 'autoApproveLimit', 'autoApproveMinScore', 'minDebt', 'leverageCapBps', 'protocolFeeShareBps', 'originationFeeBps'];
const KIND_PARAM_FIELDS = ['maxAmount', 'minCollateralRatioBps', 'maxTermDays', 'baseRateBps'];
/** The Banks section: community banks (amounts in UDST base units), their officers, members, reserves and parameters. */
export const banksGenesis = genesisSection(
  z.object({
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
  }),
  (json, r): BanksGenesis => ({
    banks: json.banks.map((b, i): BankGenesis => ({
      name: b.name,
      bioregion: b.bioregion,
      creditCeiling: BigInt(b.creditCeiling),
      officers: b.officers.map((a, j) => r.account(a, `banks[${i}].officers[${j}]`)),
      members: b.members.map((a, j) => r.account(a, `banks[${i}].members[${j}]`)),
      reserves: BigInt(b.reserves),
      reservesHolder: r.account(b.reservesHolder, `banks[${i}].reservesHolder`),
      params: genesisBigints(b.params, BANK_PARAM_FIELDS, `banks[${i}].params`, r),
      kinds: Object.fromEntries(Object.entries(b.kinds ?? {}).map(([k, v]) => [k, genesisBigints(v, KIND_PARAM_FIELDS, `banks[${i}].kinds.${k}`, r)])),
    })),
  }),
);

// ---- loans/genesis.ts
const LOAN_PARAM_FIELDS = [
  'marginCallRatioBps', 'liquidationRatioBps', 'hardFloorRatioBps', 'liquidationTargetBps', 'liquidationPenaltyBps', 'liquidationGraceMs',
  'dueSoonMs', 'dueGraceMs', 'drawWindowMs', 'maxChecksPerBlock', 'restructureMaxAutoDays', 'restructureMinRatioBps', 'restructureFeeBps', 'restructureMaxDays',
];
/** The Loans section: chain-wide loan parameters (missing ones take the defaults). */
export const loansGenesis = genesisSection(
  z.object({ params: z.record(z.string(), amount).optional() }),
  (json, r): LoansGenesis => ({ params: genesisBigints(json.params, LOAN_PARAM_FIELDS, 'loans.params', r) }),
);
