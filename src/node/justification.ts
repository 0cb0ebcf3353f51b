/**
 * Commit certificates as the node stores and checks them.
 *
 * Stored form (the `Justifications` column, and the `justification` of block files and `/blocks/1` responses):
 * `engineId: [u8; 4] = "dcnb" ‖ SCALE(CommitCertificate)`, i.e. one `(ConsensusEngineId, EncodedJustification)`
 * with the encoded justification unprefixed. `chain_getBlock` serves it as Substrate's JSON does:
 * `[[[100, 99, 110, 98], "0x<SCALE(CommitCertificate)>"]]`.
 */
import { CertificateErrorCode, CommitCertificate, DCNB_ENGINE_ID, verifyCertificate, type CertificateVerdict, type CommitCertificateValue } from '../consensus/certificate.js';
import { createValidatorSet, type ValidatorSet } from '../consensus/validators.js';
import { verifyEd25519 } from '../crypto/verify.js';
import { concatBytes, equalBytes } from '../primitives/bytes.js';
import type { Authority } from '../runtime/host.js';

/** The stored justification of `cert`: `"dcnb" ‖ SCALE(cert)`. */
export function storedJustification(cert: CommitCertificateValue): Uint8Array {
  return concatBytes(DCNB_ENGINE_ID, CommitCertificate.encode(cert));
}

/** The certificate in stored justification bytes; throws when they are not a `dcnb` certificate. */
export function certificateOfStored(bytes: Uint8Array): CommitCertificateValue {
  if (bytes.length < 4 || !equalBytes(bytes.subarray(0, 4), DCNB_ENGINE_ID)) throw new Error('the justification is not a dcnb commit certificate');
  return CommitCertificate.decode(bytes.subarray(4));
}

/**
 * The consensus validator set (equal weights) of the runtime's authorities: those of the height after a block, as
 * `NodeRuntime.validators` reads them from its state.
 */
export function consensusSetOf(authorities: readonly Authority[]): ValidatorSet {
  return createValidatorSet(authorities.map((v) => ({ sessionKey: v.sessionKey })));
}

/**
 * Check the stored justification of block `number` with `hash` against `set` (the validator set of that height,
 * read from its parent's state) on the chain with `genesisHash`. Undecodable bytes are a refusal, not a throw.
 */
export function checkStoredJustification(
  justification: Uint8Array,
  set: ValidatorSet,
  genesisHash: Uint8Array,
  number: number,
  hash: Uint8Array,
): CertificateVerdict | { ok: false; error: { code: 'Undecodable'; message: string } } {
  let cert: CommitCertificateValue;
  try {
    cert = certificateOfStored(justification);
  } catch (e) {
    return { ok: false, error: { code: 'Undecodable', message: (e as Error).message } };
  }
  return verifyCertificate(cert, set, genesisHash, verifyEd25519, { height: number, blockHash: hash });
}

/** A readable reason for a refused certificate verdict. */
export function describeCertificateError(verdict: Exclude<ReturnType<typeof checkStoredJustification>, { ok: true }>): string {
  const e = verdict.error;
  if (e.code === 'Undecodable') return `undecodable justification: ${e.message}`;
  switch (e.code) {
    case CertificateErrorCode.InsufficientWeight:
      return `the precommits hold ${e.weight} of ${e.totalWeight} weight, not more than 2/3`;
    case CertificateErrorCode.WrongHeight:
      return `the certificate is for height ${e.actual}, not ${e.expected}`;
    case CertificateErrorCode.WrongBlockHash:
      return 'the certificate is for another block';
    case CertificateErrorCode.UnknownValidator:
    case CertificateErrorCode.DuplicateSigner:
    case CertificateErrorCode.BadSignature:
      return `${e.code} (validator index ${e.validatorIndex})`;
  }
}
