/**
 * Genesis of the Loans pallet: the chain spec's section (its zod schema) and its conversion to the pallet's genesis
 * value; the chain lists it (src/chain/genesis.ts). The genesis build is the pallet's `genesis` in index.ts.
 */
import { z } from 'zod';
import { genesisAmount as amount, genesisBigints, genesisSection } from '../../runtime/genesis.js';
import type { LoansGenesis } from './index.js';

// ---- The section of the chain spec's genesis config (its JSON schema and its conversion).

const LOAN_PARAM_FIELDS = [
  'marginCallRatioBps', 'liquidationRatioBps', 'hardFloorRatioBps', 'liquidationTargetBps', 'liquidationPenaltyBps', 'liquidationGraceMs',
  'dueSoonMs', 'dueGraceMs', 'drawWindowMs', 'maxChecksPerBlock', 'restructureMaxAutoDays', 'restructureMinRatioBps', 'restructureFeeBps', 'restructureMaxDays',
];
/** The Loans section: chain-wide loan parameters (missing ones take the defaults). */
export const loansGenesis = genesisSection(
  z.object({ params: z.record(z.string(), amount).optional() }),
  (json, r): LoansGenesis => ({ params: genesisBigints(json.params, LOAN_PARAM_FIELDS, 'loans.params', r) }),
);
