/**
 * This chain's genesis config: one section per pallet that has genesis state, keyed as the pallet list in
 * `index.ts` names them.
 */
import type { BalancesGenesis } from '../pallets/balances/index.js';
import type { ValidatorSetGenesis } from '../pallets/validator-set/index.js';
import type { UdstGenesis } from '../pallets/udst/index.js';
import type { OracleGenesis } from '../pallets/oracle/index.js';
import type { CertificatesGenesis } from '../pallets/certificates/index.js';
import type { BanksGenesis } from '../pallets/banks/index.js';
import type { LoansGenesis } from '../pallets/loans/index.js';

/** Genesis configuration of every pallet (the credit and lending sections are optional). */
export type GenesisConfig = {
  balances: BalancesGenesis;
  validatorSet: ValidatorSetGenesis;
  udst?: UdstGenesis;
  oracle?: OracleGenesis;
  certificates?: CertificatesGenesis;
  banks?: BanksGenesis;
  loans?: LoansGenesis;
};
