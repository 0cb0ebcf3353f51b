/**
 * Every storage item of the Loans pallet, with its hasher. Application and loan ids are chain-chosen counters
 * (`Twox64Concat`: cheap, iterable); reputations are keyed by account (`Blake2_128Concat`: user-chosen keys).
 */
import { u32, u64 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { DEFAULT_LOANS_PARAMS } from './params.js';
import { Application, Loan, LoansParams, Reputation, RestructureRequest, type ReputationValue } from './types.js';

const s = new StorageBuilder('Loans');

/** A reputation with no history (score 600). */
export const EMPTY_REPUTATION: ReputationValue = { totalLoans: 0n, repaidOnTime: 0n, repaidPrompt: 0n, defaulted: 0n, liquidated: 0n, restructured: 0n, daysToRepaySum: 0n, lastActivity: 0n };

/** Storage items of Loans. */
export const LoansStorage = {
  /** The id the next application gets; a drawn application's loan has the same id (u64 counter). */
  NextId: s.value('NextId', u64, { default: 0n, docs: ['The id the next application gets (its loan keeps it).'] }),
  /** Applications by id. */
  Applications: s.map('Applications', 'Twox64Concat', u64, Application, { docs: ['Loan applications by id.'] }),
  /** Loans by id, open and closed. */
  Loans: s.map('Loans', 'Twox64Concat', u64, Loan, { docs: ['Drawn loans by id (closed ones stay for their history).'] }),
  /** The open loans (value: their bank), scanned round-robin in every block. */
  OpenLoans: s.map('OpenLoans', 'Twox64Concat', u64, u32, { docs: ['Open loans (value: bank id), for the per-block scan.'] }),
  /** The last loan the per-block scan checked; the next scan continues after it in key order. */
  ScanCursor: s.value('ScanCursor', u64, { docs: ['The last loan checked by the per-block scan.'] }),
  /** Credit history per account. */
  Reputations: s.map('Reputations', 'Blake2_128Concat', AccountId32, Reputation, { default: EMPTY_REPUTATION, docs: ['Credit history of an account.'] }),
  /** Restructurings waiting for an officer, by loan. */
  RestructureRequests: s.map('RestructureRequests', 'Twox64Concat', u64, RestructureRequest, { docs: ['Restructuring requests that need an officer.'] }),
  /** Chain-wide loan parameters. */
  Params: s.value('Params', LoansParams, { default: DEFAULT_LOANS_PARAMS, docs: ['Risk, due-date and restructuring parameters.'] }),
};

/** Metadata of every Loans storage item. */
export const LOANS_STORAGE_INFOS = s.infos();
