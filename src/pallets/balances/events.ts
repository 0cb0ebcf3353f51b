/**
 * Events of the Balances pallet (FRAME's variants and indices).
 */
import { enumeration, fields, u128 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { eventFactory } from '../../runtime/pallet.js';

/** Events of Balances (FRAME's indices). */
export const BalancesEvents = enumeration(
  ['pallet_balances', 'pallet', 'Event'],
  {
    Endowed: fields({ account: AccountId32, freeBalance: u128 }),
    DustLost: fields({ account: AccountId32, amount: u128 }),
    Transfer: fields({ from: AccountId32, to: AccountId32, amount: u128 }),
    BalanceSet: fields({ who: AccountId32, free: u128 }),
    Reserved: fields({ who: AccountId32, amount: u128 }),
    Unreserved: fields({ who: AccountId32, amount: u128 }),
    Deposit: fields({ who: AccountId32, amount: u128 }),
    Withdraw: fields({ who: AccountId32, amount: u128 }),
    Slashed: fields({ who: AccountId32, amount: u128 }),
    Locked: fields({ who: AccountId32, amount: u128 }),
    Unlocked: fields({ who: AccountId32, amount: u128 }),
    Frozen: fields({ who: AccountId32, amount: u128 }),
    Thawed: fields({ who: AccountId32, amount: u128 }),
  },
  {
    indices: { Endowed: 0, DustLost: 1, Transfer: 2, BalanceSet: 3, Reserved: 4, Unreserved: 5, Deposit: 7, Withdraw: 8, Slashed: 9, Locked: 17, Unlocked: 18, Frozen: 19, Thawed: 20 },
    params: [{ name: 'T' }, { name: 'I' }],
    docs: ['The `Event` enum of this pallet'],
    variantDocs: {
      Endowed: ['An account was created with some free balance.'],
      DustLost: ['An account was removed whose balance was non-zero but below ExistentialDeposit, resulting in an outright loss.'],
      Transfer: ['Transfer succeeded.'],
      BalanceSet: ['A balance was set by root.'],
      Reserved: ['Some balance was reserved (moved from free to reserved).'],
      Unreserved: ['Some balance was unreserved (moved from reserved to free).'],
      Deposit: ['Some amount was deposited (e.g. for transaction fees).'],
      Withdraw: ['Some amount was withdrawn from the account (e.g. for transaction fees).'],
      Slashed: ['Some amount was removed from the account (e.g. for misbehavior).'],
      Locked: ['Some balance was locked.'],
      Unlocked: ['Some balance was unlocked.'],
      Frozen: ['Some balance was frozen.'],
      Thawed: ['Some balance was thawed.'],
    },
  },
);
/** Typed constructor of Balances events. */
export const balancesEvent = eventFactory('Balances', BalancesEvents);
