/**
 * Genesis of the Certificates pallet: the chain spec's section (its zod schema) and its conversion to the pallet's genesis
 * value; the chain lists it (src/chain/genesis.ts). The genesis build is the pallet's `genesis` in index.ts.
 */
import { z } from 'zod';
import { genesisAddress as address, genesisAmount as amount, genesisSection } from '../../runtime/genesis.js';
import type { CertificatesGenesis } from './index.js';

// ---- The section of the chain spec's genesis config (its JSON schema and its conversion).

/** The Certificates section: certificates (owner, XFG locked) at genesis. */
export const certificatesGenesis = genesisSection(
  z.object({ certificates: z.array(z.object({ owner: address, xfg: amount })).max(10_000).default([]) }),
  (json, r): CertificatesGenesis => ({ certificates: json.certificates.map((c, i) => ({ owner: r.account(c.owner, `certificates[${i}].owner`), xfg: BigInt(c.xfg) })) }),
);
