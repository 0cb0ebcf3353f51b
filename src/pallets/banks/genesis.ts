/**
 * Genesis of the Banks pallet: the chain spec's section (its zod schema) and its conversion to the pallet's genesis
 * value; the chain lists it (src/chain/genesis.ts). The genesis build is the pallet's `genesis` in index.ts.
 */
import { z } from 'zod';
import { genesisAddress as address, genesisAmount as amount, genesisBigints, genesisSection } from '../../runtime/genesis.js';
import type { BankGenesis, BanksGenesis } from './index.js';

// ---- The section of the chain spec's genesis config (its JSON schema and its conversion).

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
