/**
 * frame_system: accounts (nonce, reference counts, balances data), block number and hashes, the digest and the
 * events of the block. Every other pallet stands on it.
 */
import { concatBytes } from '../../primitives/bytes.js';
import { blake2_256 } from '../../primitives/hashing.js';
import { bytes, enumeration, fields, u16, u32 } from '../../primitives/scale/index.js';
import { AccountId32, Digest, DispatchError, DispatchInfo, H256, RuntimeVersionCodec, type DispatchErrorValue, type DispatchInfoValue, type Header } from '../../primitives/types.js';
import { ensureSigned, type DispatchContext, type EventRecord } from '../../runtime/dispatch.js';
import { call, defineErrors, definePallet, eventFactory } from '../../runtime/pallet.js';
import type { StateAccess, StateReader } from '../../runtime/state.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { AccountInfo, EMPTY_ACCOUNT, EventRecords, PerDispatchClassWeight, type AccountInfoValue } from './types.js';
import { weightOf } from '../../runtime/weights.js';
import { WEIGHTS } from './weights.js';

/** Pallet index of System. */
export const SYSTEM_INDEX = 0;
/** How many recent block hashes are kept (`BlockHashCount`); bounds mortal eras. */
export const BLOCK_HASH_COUNT = 2400;

const s = new StorageBuilder('System');
const ZERO_WEIGHT = { refTime: 0n, proofSize: 0n };

/** Storage items of System. */
export const SystemStorage = {
  /** Account nonce, reference counts and balances. Blake2_128Concat: account ids are user-chosen. */
  Account: s.map('Account', 'Blake2_128Concat', AccountId32, AccountInfo, { default: EMPTY_ACCOUNT, docs: ['The full account information for a particular account ID.'] }),
  /** Extrinsics applied so far in the current block (transient). */
  ExtrinsicCount: s.value('ExtrinsicCount', u32, { docs: ['Total extrinsics count for the current block.'] }),
  /** Weight consumed by the current block (transient). */
  BlockWeight: s.value('BlockWeight', PerDispatchClassWeight, { default: { normal: ZERO_WEIGHT, operational: ZERO_WEIGHT, mandatory: ZERO_WEIGHT }, docs: ['The current weight for the block.'] }),
  /** Total length of the extrinsics in the current block (transient). */
  AllExtrinsicsLen: s.value('AllExtrinsicsLen', u32, { docs: ['Total length (in bytes) for all extrinsics put together, for the current block.'] }),
  /** Recent block hashes by number. Twox64Concat: the block number is not user-controlled. */
  BlockHash: s.map('BlockHash', 'Twox64Concat', u32, H256, { default: new Uint8Array(32), docs: ['Map of block numbers to block hashes.'] }),
  /** The current block number. */
  Number: s.value('Number', u32, { default: 0, docs: ['The current block number being processed. Set by `execute_block`.'] }),
  /** Hash of the previous block. */
  ParentHash: s.value('ParentHash', H256, { default: new Uint8Array(32), docs: ['Hash of the previous block.'] }),
  /** Digest of the current block. */
  Digest: s.value('Digest', Digest, { default: { logs: [] }, docs: ['Digest of the current block, also part of the block header.'] }),
  /** Events deposited in the current block. */
  Events: s.value('Events', EventRecords, { default: [], docs: ['Events deposited for the current block.'] }),
  /** Number of events in the current block. */
  EventCount: s.value('EventCount', u32, { default: 0, docs: ['The number of events in the `Events<T>` list.'] }),
};

/** Errors of System. */
export const SystemErrors = defineErrors(['frame_system', 'pallet', 'Error'], SYSTEM_INDEX, {
  InvalidSpecName: 'The name of specification does not match between the current runtime and the new runtime.',
  SpecVersionNeedsToIncrease: 'The specification version is not allowed to decrease between the current runtime and the new runtime.',
  FailedToExtractRuntimeVersion: 'Failed to extract the runtime version from the new runtime.',
  NonDefaultComposite: 'Suicide called when the account has non-default composite data.',
  NonZeroRefCount: 'There is a non-zero reference count preventing the account from being purged.',
  CallFiltered: 'The origin filter prevent the call to be dispatched.',
});

/** Events of System. */
export const SystemEvents = enumeration(
  ['frame_system', 'pallet', 'Event'],
  {
    ExtrinsicSuccess: fields({ dispatchInfo: DispatchInfo }),
    ExtrinsicFailed: fields({ dispatchError: DispatchError, dispatchInfo: DispatchInfo }),
    CodeUpdated: null,
    NewAccount: fields({ account: AccountId32 }),
    KilledAccount: fields({ account: AccountId32 }),
    Remarked: fields({ sender: AccountId32, hash: H256 }, { typeName: { sender: 'T::AccountId', hash: 'T::Hash' } }),
  },
  {
    params: [{ name: 'T' }],
    docs: ['Event for the System pallet.'],
    variantDocs: {
      ExtrinsicSuccess: ['An extrinsic completed successfully.'],
      ExtrinsicFailed: ['An extrinsic failed.'],
      CodeUpdated: ['`:code` was updated.'],
      NewAccount: ['A new account was created.'],
      KilledAccount: ['An account was reaped.'],
      Remarked: ['On on-chain remark happened.'],
    },
  },
);
const event = eventFactory('System', SystemEvents);

/** The account record (all-zero default). */
export function getAccount(st: StateReader, who: Uint8Array): AccountInfoValue {
  return SystemStorage.Account.get(st, who);
}

/** Write an account record; removes it once nothing references it (providers and sufficients zero). */
export function putAccount(ctx: DispatchContext, who: Uint8Array, info: AccountInfoValue): void {
  // The key once for the existence check and the write (the same key `contains`, `remove` and `set` compute).
  const key = SystemStorage.Account.keyOf(who);
  const before = ctx.state.get(key) !== undefined;
  if (info.providers === 0 && info.sufficients === 0) {
    if (before) {
      ctx.state.delete(key);
      ctx.deposit(event('KilledAccount', { account: who }));
    }
    return;
  }
  ctx.state.set(key, SystemStorage.Account.encodeValue(info));
  if (!before) ctx.deposit(event('NewAccount', { account: who }));
}

/** The account's nonce (u32). */
export function accountNonce(st: StateReader, who: Uint8Array): number {
  return SystemStorage.Account.get(st, who).nonce;
}

/** Increment the nonce of a signer (done before dispatch; never rolled back with the call). */
export function incrementNonce(st: StateAccess, who: Uint8Array): void {
  const key = SystemStorage.Account.keyOf(who);
  const raw = st.get(key);
  const info = raw === undefined ? EMPTY_ACCOUNT : AccountInfo.decode(raw);
  st.set(key, SystemStorage.Account.encodeValue({ ...info, nonce: (info.nonce + 1) >>> 0 }));
}

/** Hash of block `n` if still remembered (the last BLOCK_HASH_COUNT blocks and genesis). */
export function blockHash(st: StateReader, n: number): Uint8Array | undefined {
  const key = SystemStorage.BlockHash.keyOf(n);
  const raw = st.get(key);
  return raw === undefined ? undefined : raw.slice();
}

/** Begin a block: number, parent hash, digest, and forget the hash that left the mortality window. */
export function initializeBlock(st: StateAccess, header: Pick<Header, 'number' | 'parentHash' | 'digest'>): void {
  SystemStorage.Number.set(st, header.number);
  SystemStorage.ParentHash.set(st, header.parentHash);
  SystemStorage.Digest.set(st, header.digest);
  SystemStorage.BlockHash.set(st, header.number - 1, header.parentHash);
  SystemStorage.Events.kill(st);
  SystemStorage.EventCount.kill(st);
  SystemStorage.ExtrinsicCount.kill(st);
  SystemStorage.AllExtrinsicsLen.kill(st);
  SystemStorage.BlockWeight.kill(st);
  // Keep genesis (block 0) forever, like FRAME; older hashes fall out of the window.
  const old = header.number - 1 - BLOCK_HASH_COUNT;
  if (old > 0) SystemStorage.BlockHash.remove(st, old);
}

/** End a block: persist events, clear transient items. */
export function finalizeBlock(st: StateAccess, events: EventRecord[], extrinsicCount: number): void {
  SystemStorage.ExtrinsicCount.kill(st);
  SystemStorage.AllExtrinsicsLen.kill(st);
  SystemStorage.BlockWeight.kill(st);
  if (events.length > 0) SystemStorage.Events.set(st, events);
  else SystemStorage.Events.kill(st);
  SystemStorage.EventCount.set(st, events.length);
  void extrinsicCount;
}

/** The `ExtrinsicSuccess` event. */
export function extrinsicSuccess(info: DispatchInfoValue) {
  return event('ExtrinsicSuccess', { dispatchInfo: info });
}
/** The `ExtrinsicFailed` event. */
export function extrinsicFailed(error: DispatchErrorValue, info: DispatchInfoValue) {
  return event('ExtrinsicFailed', { dispatchError: error, dispatchInfo: info });
}

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
    storage: s.infos(),
    calls: {
      remark: call({
        index: 0,
        args: { remark: bytes },
        typeNames: { remark: 'Vec<u8>' },
        docs: ['Make some on-chain remark.'],
        weight: ({ remark }) => weightOf(WEIGHTS.calls.remark, remark.length),
        dispatch: (_ctx, origin) => {
          ensureSigned(origin);
        },
      }),
      remarkWithEvent: call({
        index: 7,
        args: { remark: bytes },
        typeNames: { remark: 'Vec<u8>' },
        docs: ['Make some on-chain remark and emit an event.'],
        weight: ({ remark }) => weightOf(WEIGHTS.calls.remarkWithEvent, remark.length),
        dispatch: (ctx, origin, { remark }) => {
          const sender = ensureSigned(origin);
          ctx.deposit(event('Remarked', { sender, hash: blake2_256(remark) }));
        },
      }),
    },
    events: SystemEvents,
    errors: SystemErrors,
    constants: [
      { name: 'BlockHashCount', codec: u32, value: BLOCK_HASH_COUNT, docs: ['Maximum number of block number to block hash mappings to keep (oldest pruned first).'] },
      { name: 'Version', codec: RuntimeVersionCodec, value: consts.version, docs: ['Get the chain\'s in-code version.'] },
      { name: 'SS58Prefix', codec: u16, value: consts.ss58Prefix, docs: ['The designated SS58 prefix of this chain.'] },
    ],
    hooks: {},
  });
}

/** Key of `System.Events` (what wallets read after inclusion). */
export const EVENTS_KEY = SystemStorage.Events.key;
/** Concatenation helper re-exported for pallets computing derived keys. */
export { concatBytes };
