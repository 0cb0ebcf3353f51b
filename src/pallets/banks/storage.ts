/**
 * Every storage item of the Banks pallet, with its hasher. Bank ids are small counters chosen by the chain
 * (`Twox64Concat`: cheap, and iteration gives the id back); accounts are chosen by users (`Blake2_128Concat`).
 */
import { u32, u64, u128 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { BankInfo, KindParams, LoanKind, MemberRecord } from './types.js';

const s = new StorageBuilder('Banks');

/** Storage items of Banks. */
export const BanksStorage = {
  /** The id the next bank gets (u32 counter). */
  NextBankId: s.value('NextBankId', u32, { default: 0, docs: ['The id the next bank gets.'] }),
  /** Banks by id. */
  Banks: s.map('Banks', 'Twox64Concat', u32, BankInfo, { docs: ['Community banks by id.'] }),
  /** Parameters of each loan kind per bank. */
  Kinds: s.doubleMap('Kinds', ['Twox64Concat', 'Twox64Concat'], [u32, LoanKind], KindParams, { docs: ['Parameters of each loan kind of a bank.'] }),
  /** Members of each bank. */
  Members: s.doubleMap('Members', ['Twox64Concat', 'Blake2_128Concat'], [u32, AccountId32], MemberRecord, { docs: ['Members of a bank, with their admission time and whether they are officers.'] }),
  /** Accounts a bank refuses to lend to, with the block time they were listed. */
  Blacklist: s.doubleMap('Blacklist', ['Twox64Concat', 'Blake2_128Concat'], [u32, AccountId32], u64, { docs: ['Accounts a bank does not lend to (value: block time listed).'] }),
  /** Lender shares of each bank's reserves. */
  Shares: s.doubleMap('Shares', ['Twox64Concat', 'Blake2_128Concat'], [u32, AccountId32], u128, { docs: ['Lender shares of a bank\'s reserves.'] }),
  /**
   * UDST issuance not backed by outstanding loan principal: what genesis minted (bank reserves, endowed accounts) plus
   * bad debt the reserves could not cover. The issuance identity is `issuance = UnbackedIssuance + Σ outstanding`.
   * Absent until the first bank exists (genesis or root): before that no credit can be drawn.
   */
  UnbackedIssuance: s.value('UnbackedIssuance', u128, { docs: ['UDST issuance not backed by outstanding principal (genesis mints and uncovered bad debt); set when the first bank is created.'] }),
};

/** Metadata of every Banks storage item, in declaration order. */
export const BANKS_STORAGE_INFOS = s.infos();
