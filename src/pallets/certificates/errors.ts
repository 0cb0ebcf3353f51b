/**
 * Errors of the Certificates pallet: each names the condition that refused the operation.
 */
import { defineErrors } from '../../runtime/pallet.js';
import { CERTIFICATES_INDEX } from './types.js';

/** Errors of Certificates, in index order (append only). */
export const CertificatesErrors = defineErrors(['pallet_certificates', 'pallet', 'Error'], CERTIFICATES_INDEX, {
  UnknownCertificate: 'No certificate has this id.',
  NotOwner: 'The account does not own the certificate.',
  CertificatePledged: 'The certificate is pledged to a loan.',
  NotPledgedToLoan: 'The certificate is not pledged to this loan.',
  TooManyCertificates: 'The owner already holds `MaxCertificatesPerOwner` certificates.',
  BelowMinimumLock: 'The amount is below `MinLock`.',
  FreeBelowExistentialDeposit: 'Locking this much would leave less free XFG than the existential deposit.',
  SeizeExceedsCertificate: 'More XFG is to be seized than the certificate holds.',
  ReserveMissing: "The owner's XFG on hold under CertificateLock is less than the certificate's (another pallet released it).",
  RecipientBelowExistentialDeposit: 'The recipient holds less free XFG than the existential deposit.',
});

/** `DispatchError::Module` values of the Certificates errors. */
export const CE = CertificatesErrors.of;
