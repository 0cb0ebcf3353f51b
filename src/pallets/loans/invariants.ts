/**
 * Invariants of Loans (`tryState`, ECONOMICS.md §5): every pledged certificate belongs to exactly one open loan and
 * says so; a closed loan has zero principal, no interest and no certificates; principal is conserved
 * (`drawn = outstanding + repaid + written off`, so for repaid loans Σ repayment principal = drawn principal); each
 * bank's outstanding principal is the sum over its open loans; the open-loan index matches the loans.
 */
import type { StateReader } from '../../runtime/state.js';
import type { CertificateRegistry } from '../certificates/interface.js';
import type { BanksApi } from '../banks/interface.js';
import { LoansStorage } from './storage.js';
import { CLOSED_STATES } from './types.js';

/** Throw with a message naming the loan when an invariant is broken. */
export function checkLoanInvariants(st: StateReader, deps: { certificates: Pick<CertificateRegistry, 'get'>; banks: Pick<BanksApi, 'get' | 'all'> }): void {
  const pledged = new Map<bigint, bigint>();
  const outstanding = new Map<number, bigint>();
  for (const [id, loan] of LoansStorage.Loans.entries(st)) {
    const closed = CLOSED_STATES.includes(loan.state.tag);
    if (loan.principal + loan.principalRepaid + loan.writtenOff !== loan.principalDrawn) {
      throw new Error(`loan ${id}: principal ${loan.principal} + repaid ${loan.principalRepaid} + written off ${loan.writtenOff} ≠ drawn ${loan.principalDrawn}`);
    }
    const indexed = LoansStorage.OpenLoans.get(st, id);
    if (closed) {
      if (loan.principal !== 0n || loan.accruedOnTime !== 0n || loan.accruedLate !== 0n) throw new Error(`loan ${id} is ${loan.state.tag} with principal ${loan.principal}, interest ${loan.accruedOnTime + loan.accruedLate}`);
      if (loan.certificates.length > 0) throw new Error(`loan ${id} is ${loan.state.tag} with pledged certificates ${loan.certificates.join(', ')}`);
      if (indexed !== undefined) throw new Error(`closed loan ${id} is still in OpenLoans`);
      continue;
    }
    if (indexed !== loan.bank) throw new Error(`open loan ${id} of bank ${loan.bank} is indexed as ${indexed}`);
    outstanding.set(loan.bank, (outstanding.get(loan.bank) ?? 0n) + loan.principal);
    for (const c of loan.certificates) {
      const other = pledged.get(c);
      if (other !== undefined) throw new Error(`certificate ${c} is pledged to loans ${other} and ${id}`);
      pledged.set(c, id);
      const cert = deps.certificates.get(st, c);
      if (cert === undefined) throw new Error(`loan ${id} lists certificate ${c}, which does not exist`);
      if (cert.pledgedTo !== id) throw new Error(`certificate ${c} of loan ${id} says it is pledged to ${cert.pledgedTo}`);
    }
  }
  for (const [id] of LoansStorage.OpenLoans.entries(st)) {
    const loan = LoansStorage.Loans.get(st, id);
    if (loan === undefined || CLOSED_STATES.includes(loan.state.tag)) throw new Error(`OpenLoans lists ${id}, which is not an open loan`);
  }
  for (const bank of outstanding.keys()) {
    if (deps.banks.get(st, bank) === undefined) throw new Error(`loans reference unknown bank ${bank}`);
  }
  for (const [bank, b] of deps.banks.all(st)) {
    const sum = outstanding.get(bank) ?? 0n;
    if (b.outstanding !== sum) throw new Error(`bank ${bank}: outstanding ${b.outstanding} ≠ Σ open principal ${sum}`);
  }
}
