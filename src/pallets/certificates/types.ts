/**
 * SCALE schemas of the Certificates pallet and the TypeScript types derived from them.
 */
import { enumeration, option, struct, u128, u64 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';

/** The most certificates one account may own (bounds the per-owner index and a loan's pledge list). */
export const MAX_CERTIFICATES_PER_OWNER = 64;

/**
 * A collateral certificate, as stored. Same shape as `Certificate` in `certificates/interface.ts`: `xfg` held (CertificateLock) in the
 * owner's XFG balance, `lockedAt` the block time (ms) of the lock, `valueAtLock` its UDST value (base units, rounded
 * down) at the oracle price then (0 when no price existed), `pledgedTo` the loan holding it.
 */
export const CertificateCodec = struct(
  ['pallet_certificates', 'Certificate'],
  { id: u64, owner: AccountId32, xfg: u128, lockedAt: u64, valueAtLock: u128, pledgedTo: option(u64) },
  { typeName: { id: 'CertificateId', owner: 'T::AccountId', xfg: 'Balance', lockedAt: 'Moment', valueAtLock: 'Balance', pledgedTo: 'Option<LoanId>' } },
);

/**
 * `pallet_certificates::pallet::HoldReason`: why this pallet holds XFG. The runtime composes it into
 * `RuntimeHoldReason` as `Certificates(CertificateLock)`.
 */
export const CertificatesHoldReason = enumeration(['pallet_certificates', 'pallet', 'HoldReason'], { CertificateLock: null }, {
  docs: ['A reason for the pallet placing a hold on funds.'],
  variantDocs: { CertificateLock: ['XFG locked in a collateral certificate (held while the certificate exists, pledged or not).'] },
});

/** The hold of a certificate's XFG, as a `RuntimeHoldReason` value. */
export const CERTIFICATE_LOCK = { tag: 'Certificates', value: { tag: 'CertificateLock' } } as const;

/** Pallet index of Certificates (fixed: part of every call's encoding). */
export const CERTIFICATES_INDEX = 12;
