/**
 * Types of the transaction pool: what the runtime's validation returns, what the pool stores,
 * the status stream a watcher sees, and the errors `submit` throws.
 *
 * The pool is generic over the runtime: it never decodes an extrinsic; everything it knows
 * about a transaction comes from {@link ValidationOutcome} (Substrate's `TransactionValidity`).
 */

// The runtime defines Substrate's validity vocabulary (`ValidTransaction`, `InvalidTransaction` and
// `UnknownTransaction` variant names); the pool speaks the same one.
import type { InvalidReason, UnknownReason, ValidTransaction } from '../runtime/validity.js';
export type { InvalidReason, UnknownReason, ValidTransaction };

/** Where a transaction came from (Substrate's `TransactionSource`). */
export type TxSource = 'external' | 'local' | 'inBlock';

/**
 * Result of validating a transaction against the current best state.
 * `sender` and `nonce` are optional hints used only by {@link TransactionPool.nextNonce}.
 */
export type ValidationOutcome =
  | { ok: true; valid: ValidTransaction; sender?: Uint8Array; /** 0 ..= 2^32-1 */ nonce?: number }
  | { ok: false; kind: 'invalid'; reason: InvalidReason; message: string }
  | { ok: false; kind: 'unknown'; reason: UnknownReason; message: string };

/** The validation function the node wires in (sync; validates against the current best state). */
export type ValidateFn = (bytes: Uint8Array, hash: Uint8Array, source: TxSource) => ValidationOutcome;

/** A transaction held by the pool. Treat as read-only. */
export interface PoolTransaction {
  /** Extrinsic hash (blake2-256 of `bytes`, computed by the caller). */
  hash: Uint8Array;
  /** `0x`-prefixed lowercase hex of `hash`; the pool's key. */
  hashHex: string;
  /** The encoded extrinsic, exactly as submitted. */
  bytes: Uint8Array;
  /** The latest validation result. */
  valid: ValidTransaction;
  /** Sender reported by validation, if any. */
  sender?: Uint8Array;
  /** Nonce reported by validation, if any; 0 ..= 2^32-1. */
  nonce?: number;
  /** Pool sequence number at first submission; 0 ..= 2^53-1, strictly increasing. */
  insertedAt: number;
  /** Where the transaction came from. */
  source: TxSource;
}

/**
 * Status updates a watcher receives (Substrate's `TransactionStatus`), in order.
 * `finalized`, `finalityTimeout`, `usurped`, `dropped` and `invalid` are terminal: the watch ends after them.
 */
export type TxStatus =
  | { type: 'future' }
  | { type: 'ready' }
  | { type: 'broadcast'; peers: string[] }
  /** `index`: position of the extrinsic in the block, 0 ..= 2^32-1. */
  | { type: 'inBlock'; blockHash: Uint8Array; index: number }
  | { type: 'retracted'; blockHash: Uint8Array }
  | { type: 'finalityTimeout'; blockHash: Uint8Array }
  /** `index`: position of the extrinsic in the block, 0 ..= 2^32-1. */
  | { type: 'finalized'; blockHash: Uint8Array; index: number }
  | { type: 'usurped'; by: Uint8Array }
  | { type: 'dropped'; reason: string }
  | { type: 'invalid'; reason: string };

/** Status types after which a watcher is removed. */
export const TERMINAL_STATUSES: ReadonlySet<TxStatus['type']> = new Set([
  'finalized',
  'finalityTimeout',
  'usurped',
  'dropped',
  'invalid',
]);

/** Listener of one transaction's status updates. */
export type TxStatusListener = (status: TxStatus) => void;

/** What {@link TransactionPool.status} reports about a hash right now. */
export type PoolTxState =
  | { type: 'ready' }
  /** `waitingFor`: the required tags that neither a ready transaction nor the chain provides yet. */
  | { type: 'future'; waitingFor: Uint8Array[] }
  /** Rejected recently; `until` is the clock value (ms) at which the ban ends. */
  | { type: 'banned'; until: number }
  | { type: 'unknown' };

/** Size limits of the two queues. Every value is 0 ..= 2^53-1. */
export interface PoolLimits {
  /** Maximum number of ready transactions. */
  readyCount: number;
  /** Maximum total encoded bytes of ready transactions. */
  readyBytes: number;
  /** Maximum number of future transactions. */
  futureCount: number;
  /** Maximum total encoded bytes of future transactions. */
  futureBytes: number;
}

/** Substrate's defaults (`--pool-limit 8192`, `--pool-kbytes 20480`; future is a tenth of ready). */
export const DEFAULT_POOL_LIMITS: PoolLimits = {
  readyCount: 8192,
  readyBytes: 20 * 1024 * 1024,
  futureCount: 819,
  futureBytes: 2 * 1024 * 1024,
};

/** The subset of a pino logger the pool uses. */
export interface PoolLogger {
  /** Verbose tracing. */
  debug(obj: object, msg?: string): void;
  /** Something went wrong that the pool recovered from. */
  warn(obj: object, msg?: string): void;
}

/** One extrinsic of an imported block. */
export interface IncludedTx {
  /** Extrinsic hash. */
  hash: Uint8Array;
  /** Position in the block; 0 ..= 2^32-1. */
  index: number;
}

/** Block import notification given to {@link TransactionPool.onBlockImported}. */
export interface ImportedBlock {
  /** Hash of the new best block. */
  blockHash: Uint8Array;
  /** Its number; 0 ..= 2^32-1. */
  blockNumber: number;
  /** Extrinsics it contains (inherents may be included; unknown hashes are ignored except for watchers). */
  included: readonly IncludedTx[];
}

/** Error codes of {@link PoolError}, each with the JSON-RPC code Substrate's `author_*` methods use. */
export type PoolErrorData =
  | { code: 'Invalid'; reason: InvalidReason; message: string }
  | { code: 'Unknown'; reason: UnknownReason; message: string }
  | { code: 'TemporarilyBanned' }
  | { code: 'AlreadyImported' }
  | { code: 'TooLowPriority'; old: bigint; new: bigint }
  | { code: 'CycleDetected' }
  /** `detail`: why, when it is not the plain limit (a predecessor nonce refused for lack of room). */
  | { code: 'ImmediatelyDropped'; detail?: string }
  | { code: 'NoTagsProvided' };

/** Code of a {@link PoolError}. */
export type PoolErrorCode = PoolErrorData['code'];

/** Substrate's JSON-RPC error codes for pool errors (`sc_rpc_api::author::error`). */
export const POOL_ERROR_RPC_CODES: Readonly<Record<PoolErrorCode, number>> = {
  Invalid: 1010,
  Unknown: 1011,
  TemporarilyBanned: 1012,
  AlreadyImported: 1013,
  TooLowPriority: 1014,
  CycleDetected: 1015,
  ImmediatelyDropped: 1016,
  NoTagsProvided: 1018,
};

function poolErrorMessage(d: PoolErrorData): string {
  switch (d.code) {
    case 'Invalid':
      return `Invalid Transaction: ${d.reason}: ${d.message}`;
    case 'Unknown':
      return `Unknown Transaction Validity: ${d.reason}: ${d.message}`;
    case 'TemporarilyBanned':
      return 'Transaction is temporarily banned';
    case 'AlreadyImported':
      return 'Transaction Already Imported';
    case 'TooLowPriority':
      return `Priority is too low: (${d.old} vs ${d.new})`;
    case 'CycleDetected':
      return 'Cycle Detected';
    case 'ImmediatelyDropped':
      return `Immediately Dropped: the transaction could not enter the pool because of the limits${d.detail === undefined ? '' : `: ${d.detail}`}`;
    case 'NoTagsProvided':
      return "Transaction does not provide any tags, so the pool can't identify it";
  }
}

/** Why `submit` refused a transaction. The message follows Substrate's wording. */
export class PoolError extends Error {
  /** The code and its metadata. */
  readonly data: PoolErrorData;

  constructor(data: PoolErrorData) {
    super(poolErrorMessage(data));
    this.name = 'PoolError';
    this.data = data;
  }

  /** Shorthand for `data.code`. */
  get code(): PoolErrorCode {
    return this.data.code;
  }

  /** The JSON-RPC error code Substrate gives this error. */
  get rpcCode(): number {
    return POOL_ERROR_RPC_CODES[this.data.code];
  }
}
