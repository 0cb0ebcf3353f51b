/**
 * The lending pallets wired together: Banks (13), Loans (14) and Auctions (15) over the UDST ledger, the price oracle
 * and the certificate registry. `composition.ts` calls this after building those three.
 */
import type { EnsureOrigin } from '../../runtime/dispatch.js';
import type { PalletModule } from '../../runtime/runtime.js';
import type { CertificateRegistry } from '../certificates/interface.js';
import type { PriceOracle } from '../oracle/interface.js';
import type { UdstLedger } from '../udst/interface.js';
import type { TokenDecimals } from '../oracle/math.js';
import { createAuctions } from '../auctions/index.js';
import { createBanks, type BanksModule } from '../banks/index.js';
import { createLoans, type LoansModule } from './index.js';

/** The services the lending pallets need. */
export interface LendingServices {
  udst: UdstLedger;
  oracle: PriceOracle;
  certificates: CertificateRegistry;
  decimals: TokenDecimals;
  /** Receives the protocol fee share of interest. */
  treasury: Uint8Array;
  /** Who may make the privileged calls of Banks, Loans and Auctions (the chain wires Root; governance later). */
  origins: LendingOrigins;
}

/** The origin checks of the lending pallets' privileged calls. */
export interface LendingOrigins {
  /** `Banks.create_bank`. */
  createBank: EnsureOrigin<unknown>;
  /** `Banks.set_officer`, `set_credit_ceiling`, `set_params`, `set_kind_params`. */
  bankAdmin: EnsureOrigin<unknown>;
  /** `Loans.set_params`. */
  loanParams: EnsureOrigin<unknown>;
  /** `Auctions.set_params`. */
  auctionParams: EnsureOrigin<unknown>;
}

/** The lending pallets as runtime modules (genesis sections `banks` and `loans`), and the modules themselves. */
export function composeLending(s: LendingServices): { modules: PalletModule[]; banks: BanksModule; loans: LoansModule } {
  const banks = createBanks({ udst: s.udst, decimals: s.decimals, treasury: s.treasury, createOrigin: s.origins.createBank, adminOrigin: s.origins.bankAdmin });
  // Auctions settle through Loans, which is built after them: bound late.
  const late: { loans?: LoansModule } = {};
  const auctions = createAuctions({
    udst: s.udst,
    oracle: s.oracle,
    decimals: s.decimals,
    paramsOrigin: s.origins.auctionParams,
    settlement: () => {
      if (!late.loans) throw new Error('auctions used before the loans pallet was built');
      return late.loans.settlement;
    },
  });
  const loans = createLoans({ udst: s.udst, oracle: s.oracle, certificates: s.certificates, banks: banks.api, auctions: auctions.api, decimals: s.decimals, paramsOrigin: s.origins.loanParams });
  late.loans = loans;
  return {
    modules: [
      { pallet: banks.pallet as PalletModule['pallet'], genesisKey: 'banks' },
      { pallet: loans.pallet as PalletModule['pallet'], genesisKey: 'loans' },
      { pallet: auctions.pallet },
    ],
    banks,
    loans,
  };
}
