/**
 * Events of the Certificates pallet: past tense, named fields.
 */
import { enumeration, fields, u128, u64 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { eventFactory } from '../../runtime/pallet.js';

/** Events of Certificates. */
export const CertificatesEvents = enumeration(
  ['pallet_certificates', 'pallet', 'Event'],
  {
    Locked: fields({ id: u64, owner: AccountId32, xfg: u128, valueAtLock: u128 }),
    Unlocked: fields({ id: u64, owner: AccountId32, xfg: u128 }),
    Transferred: fields({ id: u64, from: AccountId32, to: AccountId32 }),
    Pledged: fields({ id: u64, loanId: u64 }),
    Released: fields({ id: u64, loanId: u64 }),
    Seized: fields({ id: u64, loanId: u64, xfg: u128, to: AccountId32, remaining: u128 }),
  },
  {
    params: [{ name: 'T' }],
    docs: ['The `Event` enum of this pallet'],
    variantDocs: {
      Locked: ['XFG was put on hold (CertificateLock) in a new certificate; `value_at_lock` is its UDST value at the price then (0 without a price).'],
      Unlocked: ["A certificate was dissolved and its XFG returned to the owner's free balance."],
      Transferred: ['A certificate and its held XFG moved to another owner.'],
      Pledged: ['A certificate was pledged to a loan.'],
      Released: ['A pledge was released.'],
      Seized: ['XFG was taken out of a pledged certificate (liquidation); `remaining` is left in it (0: removed).'],
    },
  },
);

/** Typed constructor of Certificates events. */
export const certificatesEvent = eventFactory('Certificates', CertificatesEvents);
