/**
 * Transaction validity as Substrate's `sp_runtime::transaction_validity` defines it: the pool and the RPC report
 * these exact reasons (JSON-RPC 1010 "Invalid Transaction" / 1011 "Unknown Transaction"). Pure.
 */

/** `InvalidTransaction` variants. */
export type InvalidReason =
  | 'Call'
  | 'Payment'
  | 'Future'
  | 'Stale'
  | 'BadProof'
  | 'AncientBirthBlock'
  | 'ExhaustsResources'
  | 'Custom'
  | 'BadMandatory'
  | 'MandatoryValidation'
  | 'BadSigner';

/** `UnknownTransaction` variants. */
export type UnknownReason = 'CannotLookup' | 'NoUnsignedValidator' | 'Custom';

/** Why a transaction is not valid. */
export type TransactionValidityError = { kind: 'invalid'; reason: InvalidReason; message: string } | { kind: 'unknown'; reason: UnknownReason; message: string };

/** Substrate's wording of each reason. */
export const INVALID_MESSAGES: Record<InvalidReason, string> = {
  Call: 'Transaction call is not expected',
  Payment: 'Inability to pay some fees (e.g. account balance too low)',
  Future: 'Transaction will be valid in the future',
  Stale: 'Transaction is outdated',
  BadProof: 'Transaction has a bad signature',
  AncientBirthBlock: 'Transaction has an ancient birth block',
  ExhaustsResources: 'Transaction would exhaust the block limits',
  Custom: 'Custom error',
  BadMandatory: 'A call was labelled as mandatory, but resulted in an Error.',
  MandatoryValidation: 'Transaction dispatch is mandatory; transactions must not be validated.',
  BadSigner: 'Invalid signing address',
};
/** Substrate's wording of each unknown reason. */
export const UNKNOWN_MESSAGES: Record<UnknownReason, string> = {
  CannotLookup: 'Could not lookup information required to validate the transaction',
  NoUnsignedValidator: 'Could not find an unsigned validator for the unsigned transaction',
  Custom: 'Custom error',
};

/** Thrown inside the executive when a transaction is invalid (it is then not included at all). */
export class TransactionInvalid extends Error {
  constructor(readonly error: TransactionValidityError) {
    super(error.message);
    this.name = 'TransactionInvalid';
  }
}

/** Throw an `InvalidTransaction`, optionally with detail appended to Substrate's message. */
export function invalid(reason: InvalidReason, detail?: string): never {
  throw new TransactionInvalid({ kind: 'invalid', reason, message: detail ? `${INVALID_MESSAGES[reason]}: ${detail}` : INVALID_MESSAGES[reason] });
}

/** Throw an `UnknownTransaction`. */
export function unknown(reason: UnknownReason, detail?: string): never {
  throw new TransactionInvalid({ kind: 'unknown', reason, message: detail ? `${UNKNOWN_MESSAGES[reason]}: ${detail}` : UNKNOWN_MESSAGES[reason] });
}

/** A valid transaction's pool parameters. */
export interface ValidTransaction {
  priority: bigint;
  requires: Uint8Array[];
  provides: Uint8Array[];
  longevity: bigint;
  propagate: boolean;
}

/** What validation returns. `nonce` is a u32. */
export type ValidationOutcome = { ok: true; valid: ValidTransaction; sender: Uint8Array; nonce: number } | ({ ok: false } & TransactionValidityError);
