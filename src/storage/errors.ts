/**
 * Errors of the chain database: one code per condition, with the facts that explain it.
 */

/** Why a database operation was refused. */
export enum StorageErrorCode {
  /** Another process (or another handle in this one) has the database open. */
  Locked = 'Locked',
  /** The directory holds keys but no schema version: not a chain database of this node. */
  NotAChainDatabase = 'NotAChainDatabase',
  /** The stored schema version is not the one this code reads. */
  SchemaMismatch = 'SchemaMismatch',
  /** The head pointer names a block whose header, or whose state root node, is missing. */
  CorruptHead = 'CorruptHead',
  /** A different genesis (or chain id) is already stored. */
  GenesisMismatch = 'GenesisMismatch',
  /** `commitBlock` before any genesis was committed. */
  NoGenesis = 'NoGenesis',
  /** The block does not extend the head (wrong parent or number). */
  NotChildOfHead = 'NotChildOfHead',
  /** The block's fields disagree with each other (hash, number or state root vs the header). */
  InconsistentBlock = 'InconsistentBlock',
  /** The header bytes are too short or malformed to read parent, number and state root. */
  MalformedHeader = 'MalformedHeader',
  /** The block names a state root whose node is neither in `trieNodes` nor already stored. */
  MissingStateRoot = 'MissingStateRoot',
  /** The block hash is not stored. */
  UnknownBlock = 'UnknownBlock',
  /** A previous write failed; the in-memory view may disagree with disk, so reopen the database. */
  Poisoned = 'Poisoned',
  /** The database is closed. */
  Closed = 'Closed',
}

/** Error raised by `storage/`; `code` says which condition, `meta` the facts (hex strings, numbers). */
export class StorageError extends Error {
  /** Which condition. */
  readonly code: StorageErrorCode;
  /** Values that explain the error, for logs. */
  readonly meta: Readonly<Record<string, string | number>>;

  /** Build an error; the message should name the values involved. */
  constructor(code: StorageErrorCode, message: string, meta: Record<string, string | number> = {}) {
    super(`${code}: ${message}`);
    this.name = 'StorageError';
    this.code = code;
    this.meta = meta;
  }
}
