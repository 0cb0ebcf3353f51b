/**
 * The new JSON-RPC spec (https://paritytech.github.io/json-rpc-interface-spec/), v1 functions: `chainSpec_v1_*`,
 * `chainHead_v1_*`, `transaction_v1_*`, `transactionWatch_v1_*` and `archive_v1_*`. See `README.md` beside this
 * file for the limits and the choices made.
 */
import type { RpcServer } from '../../server.js';
import { registerArchiveMethods, DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive.js';
import { registerChainHeadMethods, DEFAULT_CHAIN_HEAD_LIMITS, type ChainHeadLimits } from './chain-head.js';
import { registerChainSpecMethods } from './chain-spec.js';
import { registerTransactionMethods, DEFAULT_TRANSACTION_LIMITS, type TransactionLimits } from './transaction.js';
import type { V1Node } from './common.js';

export type { V1Node } from './common.js';
export { V1_ERROR, runtimeSpecJson } from './common.js';
export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive.js';
export { DEFAULT_CHAIN_HEAD_LIMITS, type ChainHeadLimits } from './chain-head.js';
export { DEFAULT_TRANSACTION_LIMITS, type TransactionLimits } from './transaction.js';

/** Limits of every v1 group; each field defaults to its group's defaults. */
export interface V1Options {
  chainHead?: Partial<ChainHeadLimits>;
  transaction?: Partial<TransactionLimits>;
  archive?: Partial<ArchiveLimits>;
}

/** Register every v1 method and subscription on `server`. Throws if a name is already registered. */
export function registerV1Methods(server: RpcServer, node: V1Node, options: V1Options = {}): void {
  registerChainSpecMethods(server, node);
  registerChainHeadMethods(server, node, { ...DEFAULT_CHAIN_HEAD_LIMITS, ...options.chainHead });
  registerTransactionMethods(server, node, { ...DEFAULT_TRANSACTION_LIMITS, ...options.transaction });
  registerArchiveMethods(server, node, { ...DEFAULT_ARCHIVE_LIMITS, ...options.archive });
}
