/**
 * Genesis of the Oracle pallet: the chain spec's section (its zod schema) and its conversion to the pallet's genesis
 * value; the chain lists it (src/chain/genesis.ts). The genesis build is the pallet's `genesis` in index.ts.
 */
import { z } from 'zod';
import { genesisAddress as address, genesisAmount as amount, genesisSection } from '../../runtime/genesis.js';
import type { OracleGenesis } from './index.js';
import { MAX_FEEDERS } from './math.js';

// ---- The section of the chain spec's genesis config (its JSON schema and its conversion).

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
