/**
 * This chain's cross-pallet identities (ECONOMICS.md §1, §4, §5): what must hold between pallets' storage after
 * every block. Each pallet's own invariants are its `tryState`; these name several pallets, so they live with the
 * concrete chain (the only place that names every pallet) and are handed to the runtime as its check list:
 * `new Runtime(spec, { invariants: CHAIN_INVARIANTS })`. Tests run them after every block (test/helpers/chain.ts),
 * the auditor with `replay --check-invariants`. Each message carries both sides and their difference.
 */
import { toHexRaw } from '../primitives/bytes.js';
import type { ChainInvariant } from '../runtime/invariants.js';
import type { StateReader } from '../runtime/state.js';
import { accountEntries } from '../pallets/system/interface.js';
import { BalancesStorage } from '../pallets/balances/index.js';
import { UdstStorage } from '../pallets/udst/index.js';
import { BanksStorage } from '../pallets/banks/index.js';
import { CertificatesStorage } from '../pallets/certificates/index.js';
import { CLOSED_STATES, LoansStorage } from '../pallets/loans/index.js';

/** `a ≠ b (difference a − b)`: both sides and how far apart they are. */
function differs(a: bigint, b: bigint): string {
  const d = a - b;
  return `(difference ${d > 0n ? '+' : ''}${d})`;
}

/** XFG: `Balances.TotalIssuance = Σ (free + reserved)` over `System.Account`. */
export const xfgIssuance: ChainInvariant = {
  name: 'XFG issuance',
  identity: 'Balances.TotalIssuance = Σ (free + reserved) over System.Account',
  check(st: StateReader) {
    const issuance = BalancesStorage.TotalIssuance.get(st);
    let sum = 0n;
    let count = 0;
    for (const [, a] of accountEntries(st)) {
      sum += a.data.free + a.data.reserved;
      count++;
    }
    if (issuance !== sum) throw new Error(`Balances.TotalIssuance ${issuance} ≠ Σ free + reserved ${sum} over ${count} accounts ${differs(issuance, sum)}`);
  },
};

/** UDST: `Udst.TotalIssuance = Σ (free + reserved)` over `Udst.Accounts` + `Udst.Held` (held = outside accounts). */
export const udstIssuance: ChainInvariant = {
  name: 'UDST issuance',
  identity: 'Udst.TotalIssuance = Σ (free + reserved) over Udst.Accounts + Udst.Held',
  check(st: StateReader) {
    const issuance = UdstStorage.TotalIssuance.get(st);
    const held = UdstStorage.Held.get(st);
    let sum = 0n;
    let count = 0;
    for (const [, a] of UdstStorage.Accounts.entries(st)) {
      sum += a.free + a.reserved;
      count++;
    }
    if (issuance !== sum + held) {
      throw new Error(`Udst.TotalIssuance ${issuance} ≠ Σ balances ${sum} over ${count} accounts + held ${held} = ${sum + held} ${differs(issuance, sum + held)}`);
    }
  },
};

/**
 * UDST held outside accounts is exactly the banks' reserves: `Udst.Held = Σ Banks.reserves`. Auction escrow is
 * applied within the bid that paid it, so none is held between blocks.
 */
export const udstHeldByBanks: ChainInvariant = {
  name: 'UDST held by banks',
  identity: 'Udst.Held = Σ reserves over Banks.Banks',
  check(st: StateReader) {
    const held = UdstStorage.Held.get(st);
    let reserves = 0n;
    let count = 0;
    for (const [, b] of BanksStorage.Banks.entries(st)) {
      reserves += b.reserves;
      count++;
    }
    if (held !== reserves) throw new Error(`Udst.Held ${held} ≠ Σ reserves ${reserves} over ${count} banks ${differs(held, reserves)}`);
  },
};

/**
 * Pledged certificates are exactly the open loans' collateral: a certificate says `pledgedTo = L` if and only if
 * loan L is open and lists it (so no certificate is pledged to a closed or missing loan, and no open loan counts
 * collateral that is free to unlock).
 */
export const pledgedCollateral: ChainInvariant = {
  name: 'pledged certificates',
  identity: "{certificates with pledgedTo} = ⋃ open Loans.certificates, each pledged to the loan listing it",
  check(st: StateReader) {
    const collateral = new Map<bigint, bigint>();
    for (const [id, loan] of LoansStorage.Loans.entries(st)) {
      if (CLOSED_STATES.includes(loan.state.tag)) continue;
      for (const c of loan.certificates) collateral.set(c, id);
    }
    let pledged = 0;
    let pledgedXfg = 0n;
    const wrong: string[] = [];
    for (const [id, c] of CertificatesStorage.Certificates.entries(st)) {
      if (c.pledgedTo === undefined) {
        const loan = collateral.get(id);
        if (loan !== undefined) wrong.push(`certificate ${id} (owner 0x${toHexRaw(c.owner)}) is collateral of open loan ${loan} but not pledged`);
        continue;
      }
      pledged++;
      pledgedXfg += c.xfg;
      const loan = collateral.get(id);
      if (loan !== c.pledgedTo) wrong.push(`certificate ${id} says pledged to loan ${c.pledgedTo}, ${loan === undefined ? 'which is not an open loan listing it' : `but open loan ${loan} lists it`}`);
    }
    for (const [c, loan] of collateral) {
      if (!CertificatesStorage.Certificates.get(st, c)) wrong.push(`open loan ${loan} lists certificate ${c}, which does not exist`);
    }
    if (wrong.length > 0) {
      throw new Error(`${pledged} certificates pledged (${pledgedXfg} XFG) vs ${collateral.size} in open loans' collateral: ${wrong.slice(0, 5).join('; ')}${wrong.length > 5 ? `; and ${wrong.length - 5} more` : ''}`);
    }
  },
};

/** The identities this chain checks after every block, in report order. */
export const CHAIN_INVARIANTS: readonly ChainInvariant[] = [xfgIssuance, udstIssuance, udstHeldByBanks, pledgedCollateral];
