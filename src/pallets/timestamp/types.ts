/**
 * Types and constants of the Timestamp pallet.
 */

/** Pallet index of Timestamp. */
export const TIMESTAMP_INDEX = 1;
/** Call index of `set`. */
export const TIMESTAMP_SET_CALL = 0;
/** The timestamp must move forward by at least this much between blocks (milliseconds). */
export const MINIMUM_PERIOD_MS = 1n;

/** Why a proposed timestamp is refused by a validator. */
export type TimestampRejection = { reason: 'NotAfterParent'; parent: bigint } | { reason: 'TooFarInFuture'; maxAllowed: bigint };
