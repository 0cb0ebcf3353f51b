/** Events of the Banks pallet: past tense, named fields. */
import { bool, enumeration, fields, str, u32, u128 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { eventFactory } from '../../runtime/pallet.js';
import { BankParams, KindParams, LoanKind } from './types.js';

/** Events of Banks. */
export const BanksEvents = enumeration(
  ['pallet_banks', 'pallet', 'Event'],
  {
    BankCreated: fields({ bank: u32, name: str, bioregion: str, creditCeiling: u128 }),
    MemberAdmitted: fields({ bank: u32, who: AccountId32, by: AccountId32 }),
    MemberRemoved: fields({ bank: u32, who: AccountId32, by: AccountId32 }),
    OfficerSet: fields({ bank: u32, who: AccountId32, officer: bool }),
    Blacklisted: fields({ bank: u32, who: AccountId32, by: AccountId32 }),
    Unblacklisted: fields({ bank: u32, who: AccountId32, by: AccountId32 }),
    Deposited: fields({ bank: u32, who: AccountId32, amount: u128, shares: u128 }),
    Withdrawn: fields({ bank: u32, who: AccountId32, amount: u128, shares: u128 }),
    CreditCeilingSet: fields({ bank: u32, creditCeiling: u128 }),
    ParamsSet: fields({ bank: u32, params: BankParams }),
    KindParamsSet: fields({ bank: u32, kind: LoanKind, params: KindParams }),
    IncomeReceived: fields({ bank: u32, amount: u128, treasury: u128 }),
    LossAbsorbed: fields({ bank: u32, loss: u128, covered: u128, uncovered: u128 }),
  },
  {
    params: [{ name: 'T' }],
    docs: ['The `Event` enum of this pallet'],
    variantDocs: {
      BankCreated: ['A bank was created.'],
      MemberAdmitted: ['An officer admitted a member.'],
      MemberRemoved: ['An officer removed a member.'],
      OfficerSet: ['A member became or stopped being an officer.'],
      Blacklisted: ['An account was put on a bank\'s blacklist.'],
      Unblacklisted: ['An account was taken off a bank\'s blacklist.'],
      Deposited: ['A lender deposited UDST into reserves for shares.'],
      Withdrawn: ['A lender redeemed shares for UDST.'],
      CreditCeilingSet: ['A bank\'s credit ceiling was changed.'],
      ParamsSet: ['A bank\'s parameters were changed.'],
      KindParamsSet: ['A bank\'s parameters of one loan kind were changed.'],
      IncomeReceived: ['Interest, fees or penalties reached the reserves (`amount`) and the treasury (`treasury`).'],
      LossAbsorbed: ['Bad debt was written off against the reserves; `uncovered` exceeded them.'],
    },
  },
);

/** Typed constructor of Banks events. */
export const banksEvent = eventFactory('Banks', BanksEvents);
