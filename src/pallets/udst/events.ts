/**
 * Events of the Udst pallet: past tense, named fields.
 */
import { enumeration, fields, u128 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { eventFactory } from '../../runtime/pallet.js';

/** Events of Udst. */
export const UdstEvents = enumeration(
  ['pallet_udst', 'pallet', 'Event'],
  {
    Transferred: fields({ from: AccountId32, to: AccountId32, amount: u128 }),
    Minted: fields({ who: AccountId32, amount: u128 }),
    Burned: fields({ who: AccountId32, amount: u128 }),
    Debited: fields({ who: AccountId32, amount: u128 }),
    Credited: fields({ who: AccountId32, amount: u128 }),
    HeldBurned: fields({ amount: u128 }),
    Reserved: fields({ who: AccountId32, amount: u128 }),
    Unreserved: fields({ who: AccountId32, amount: u128 }),
  },
  {
    params: [{ name: 'T' }],
    docs: ['The `Event` enum of this pallet'],
    variantDocs: {
      Transferred: ['UDST moved between two accounts.'],
      Minted: ['UDST was created in an account (credit drawn).'],
      Burned: ['UDST was destroyed from an account (principal repaid).'],
      Debited: ['UDST left an account for a holder outside accounts (bank reserves, auction escrow).'],
      Credited: ['UDST came to an account from a holder outside accounts.'],
      HeldBurned: ['UDST held outside accounts was destroyed (bad debt written off against reserves).'],
      Reserved: ['UDST moved from free to reserved on an account.'],
      Unreserved: ['UDST moved from reserved back to free on an account.'],
    },
  },
);

/** Typed constructor of Udst events. */
export const udstEvent = eventFactory('Udst', UdstEvents);
