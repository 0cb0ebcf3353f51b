/**
 * SCALE schemas of the Certificates pallet and the TypeScript types derived from them.
 */
import { option, struct, u128, u64 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';

/** The most certificates one account may own (bounds the per-owner index and a loan's pledge list). */
export const MAX_CERTIFICATES_PER_OWNER = 64;

/**
 * A collateral certificate, as stored. Same shape as `Certificate` in `credit/interfaces.ts`: `xfg` reserved in the
 * owner's XFG balance, `lockedAt` the block time (ms) of the lock, `valueAtLock` its UDST value (base units, rounded
 * down) at the oracle price then (0 when no price existed), `pledgedTo` the loan holding it.
 */
export const CertificateCodec = struct(
  ['pallet_certificates', 'Certificate'],
  { id: u64, owner: AccountId32, xfg: u128, lockedAt: u64, valueAtLock: u128, pledgedTo: option(u64) },
  { typeName: { id: 'CertificateId', owner: 'T::AccountId', xfg: 'Balance', lockedAt: 'Moment', valueAtLock: 'Balance', pledgedTo: 'Option<LoanId>' } },
);

/** Pallet index of Certificates (fixed: part of every call's encoding). */
export const CERTIFICATES_INDEX = 12;
