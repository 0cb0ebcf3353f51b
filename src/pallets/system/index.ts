/**
 * frame_system: accounts (nonce, reference counts, balances data), block number and hashes, the digest and the
 * events of the block. Every other pallet stands on it.
 */
import { concatBytes } from '../../primitives/bytes.js';
import { u16, u32 } from '../../primitives/scale/index.js';
import { RuntimeVersionCodec } from '../../primitives/types.js';
import { definePallet } from '../../runtime/pallet.js';
import { systemCalls } from './calls.js';
import { SystemErrors } from './errors.js';
import { SystemEvents } from './events.js';
import { checkSystemInvariants } from './invariants.js';
import { SYSTEM_STORAGE_INFO, SystemStorage } from './storage.js';
import { BLOCK_HASH_COUNT, SYSTEM_INDEX } from './types.js';

export { SYSTEM_INDEX, BLOCK_HASH_COUNT } from './types.js';
export { SystemStorage } from './storage.js';
export { SystemErrors } from './errors.js';
export { SystemEvents, extrinsicSuccess, extrinsicFailed } from './events.js';
export { getAccount, putAccount, accountNonce, incrementNonce, blockHash, initializeBlock, finalizeBlock, noteBestBlock, systemServices } from './interface.js';
export { checkSystemInvariants } from './invariants.js';

/** Configuration values System exposes as constants. */
export interface SystemConstants {
  ss58Prefix: number;
  version: import('../../primitives/types.js').RuntimeVersion;
}

/** Build the System pallet with its constants. */
export function systemPallet(consts: SystemConstants) {
  return definePallet({
    name: 'System',
    index: SYSTEM_INDEX,
    crate: 'frame_system',
    docs: ['Accounts, block numbers and hashes, digests and events.'],
    storage: SYSTEM_STORAGE_INFO,
    calls: systemCalls,
    events: SystemEvents,
    errors: SystemErrors,
    constants: [
      { name: 'BlockHashCount', codec: u32, value: BLOCK_HASH_COUNT, docs: ['Maximum number of block number to block hash mappings to keep (oldest pruned first).'] },
      { name: 'Version', codec: RuntimeVersionCodec, value: consts.version, docs: ['Get the chain\'s in-code version.'] },
      { name: 'SS58Prefix', codec: u16, value: consts.ss58Prefix, docs: ['The designated SS58 prefix of this chain.'] },
    ],
    hooks: { tryState: checkSystemInvariants },
  });
}

/** Key of `System.Events` (what wallets read after inclusion). */
export const EVENTS_KEY = SystemStorage.Events.key;
/** Concatenation helper re-exported for pallets computing derived keys. */
export { concatBytes };
