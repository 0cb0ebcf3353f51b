/** Errors of the Banks pallet, named as conditions. */
import { defineErrors } from '../../runtime/pallet.js';
import { BANKS_INDEX } from './types.js';

/** Errors of Banks. */
export const BanksErrors = defineErrors(['pallet_banks', 'pallet', 'Error'], BANKS_INDEX, {
  UnknownBank: 'No bank has this id.',
  NotOfficer: 'The caller is not an officer of the bank.',
  NotMember: 'The account is not a member of the bank.',
  AlreadyMember: 'The account is already a member of the bank.',
  MemberIsOfficer: 'An officer cannot be removed as a member; remove the office first.',
  AlreadyBlacklisted: 'The account is already on the bank\'s blacklist.',
  NotBlacklisted: 'The account is not on the bank\'s blacklist.',
  ZeroAmount: 'The amount is zero.',
  ZeroShares: 'The deposit is worth less than one share (it would be a gift to the other lenders).',
  BankInsolvent: 'The bank\'s reserves are gone while shares exist: its shares have no price.',
  InsufficientShares: 'The caller holds fewer shares.',
  InsufficientFreeReserves: 'The reserves not needed to back outstanding credit are fewer than the shares\' value.',
  ParamOutOfBounds: 'A parameter is outside its governance bounds.',
  ParamStepTooLarge: 'A parameter moves by more than its maximum step.',
  NameTooLong: 'A bank\'s name or bioregion is longer than 64 bytes.',
  TooManyBanks: 'The bank id counter is exhausted.',
});
