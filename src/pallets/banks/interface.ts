/**
 * What other pallets (Loans) use of Banks: the {@link BanksApi}. Other pallets import this file (or index.ts), never
 * `storage.ts`.
 */
import type { DispatchContext } from '../../runtime/dispatch.js';
import type { StateReader } from '../../runtime/state.js';
import type { BankInfoValue, KindParamsValue, LoanKindName } from './types.js';

/** What other pallets (Loans) may do with banks. */
export interface BanksApi {
  get(st: StateReader, bank: number): BankInfoValue | undefined;
  /** Every bank with its record, by id (reads every bank: for checks and queries, never in a block). */
  all(st: StateReader): Iterable<[number, BankInfoValue]>;
  /** The parameters of `kind` at `bank` (the defaults when never set). */
  kind(st: StateReader, bank: number, kind: LoanKindName): KindParamsValue;
  isMember(st: StateReader, bank: number, who: Uint8Array): boolean;
  isOfficer(st: StateReader, bank: number, who: Uint8Array): boolean;
  isBlacklisted(st: StateReader, bank: number, who: Uint8Array): boolean;
  /** Credit the bank can still extend (`capacity − outstanding`, or 0). */
  available(st: StateReader, bank: number): bigint;
  /** Record drawn principal. The caller has checked {@link available}. */
  addOutstanding(ctx: DispatchContext, bank: number, amount: bigint): void;
  /** Record repaid (burnt) principal. */
  reduceOutstanding(ctx: DispatchContext, bank: number, amount: bigint): void;
  /**
   * Interest income already taken out of accounts into held UDST (`udst.debit`): the treasury's share is credited
   * to the treasury account, the rest stays in the bank's reserves. Returns the treasury's share.
   */
  receiveInterest(ctx: DispatchContext, bank: number, interest: bigint): bigint;
  /** Fees or penalties already in held UDST: all to reserves. */
  receiveIncome(ctx: DispatchContext, bank: number, amount: bigint): void;
  /**
   * Write off `principal` of bad debt: outstanding falls by it, reserves absorb it first (that UDST is burnt), and the
   * part they cannot cover stays in circulation as unbacked issuance. Returns the covered and uncovered parts.
   */
  writeOff(ctx: DispatchContext, bank: number, principal: bigint): { covered: bigint; uncovered: bigint };
}
