/**
 * The node's database (`storage/`): LevelDB behind one-byte column prefixes, one atomic durable batch per
 * committed block. Layout and guarantees: `README.md` beside this file.
 */
export {
  ChainDatabase,
  type BlockToCommit,
  type ChainDatabaseOptions,
  type GenesisToCommit,
  type StateMismatch,
  type StorageLogger,
  type Tamper,
} from './db.js';
export type { StoredBlock, TxLocation } from './blocks.js';
export { StorageError, StorageErrorCode } from './errors.js';
export { readHeaderFields, type HeaderFields } from './header.js';
export { Column, MetaKey, SCHEMA_VERSION } from './keys.js';
export type { HeadPointer, HeadState } from './state.js';
