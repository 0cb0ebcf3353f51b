/**
 * Errors of the Balances pallet (FRAME's order and indices).
 */
import { defineErrors } from '../../runtime/pallet.js';
import { BALANCES_INDEX } from './types.js';

/** Errors of Balances (FRAME's order). */
export const BalancesErrors = defineErrors(['pallet_balances', 'pallet', 'Error'], BALANCES_INDEX, {
  VestingBalance: 'Vesting balance too high to send value.',
  LiquidityRestrictions: 'Account liquidity restrictions prevent withdrawal.',
  InsufficientBalance: 'Balance too low to send value.',
  ExistentialDeposit: 'Value too low to create account due to existential deposit.',
  Expendability: 'Transfer/payment would kill account.',
  ExistingVestingSchedule: 'A vesting schedule already exists for this account.',
  DeadAccount: 'Beneficiary account must pre-exist.',
  TooManyReserves: 'Number of named reserves exceed `MaxReserves`.',
  TooManyHolds: 'Number of holds exceed `VariantCountOf<T::RuntimeHoldReason>`.',
  TooManyFreezes: 'Number of freezes exceed `MaxFreezes`.',
  IssuanceDeactivated: 'The issuance cannot be modified since it is already deactivated.',
  DeltaZero: 'The delta cannot be zero.',
});
/** The `DispatchError` of each Balances error. */
export const BE = BalancesErrors.of;
