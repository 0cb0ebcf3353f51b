/**
 * What other pallets and the executive use of System: account records (with NewAccount/KilledAccount), nonces,
 * block hashes, and the begin/end of a block. Other pallets import this file, never `storage.ts`.
 */
import type { Header } from '../../primitives/types.js';
import type { DispatchContext, EventRecord } from '../../runtime/dispatch.js';
import type { StateAccess, StateReader } from '../../runtime/state.js';
import { systemEvent } from './events.js';
import { SystemStorage } from './storage.js';
import { AccountInfo, BLOCK_HASH_COUNT, EMPTY_ACCOUNT, SYSTEM_INDEX, type AccountInfoValue } from './types.js';
import type { SystemServices } from '../../runtime/services.js';
import { extrinsicFailed, extrinsicSuccess } from './events.js';
import { bindRuntimeEvent } from './types.js';

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
      ctx.deposit(systemEvent('KilledAccount', { account: who }));
    }
    return;
  }
  ctx.state.set(key, SystemStorage.Account.encodeValue(info));
  if (!before) ctx.deposit(systemEvent('NewAccount', { account: who }));
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

/**
 * Write an account record at genesis, where no events are deposited (Balances' genesis endows accounts this way).
 */
export function putAccountAtGenesis(st: StateAccess, who: Uint8Array, info: AccountInfoValue): void {
  st.set(SystemStorage.Account.keyOf(who), AccountInfo.encode(info));
}

/** Every stored account with its record (reads every account: for checks and queries, never in a block). */
export function accountEntries(st: StateReader): Iterable<[Uint8Array, AccountInfoValue]> {
  return SystemStorage.Account.entries(st);
}

/**
 * Make the block after `best` the current one for validating a transaction against the state after `best`: its
 * number, and `best`'s hash (so mortal eras born at `best` are known).
 */
export function noteBestBlock(st: StateAccess, best: { number: number; hash: Uint8Array }): void {
  SystemStorage.Number.set(st, best.number + 1);
  SystemStorage.BlockHash.set(st, best.number, best.hash);
}

/** System as the executive takes it (FRAME's `Executive` is generic over its `System`). */
export const systemServices: SystemServices = {
  palletIndex: SYSTEM_INDEX,
  accountNonce,
  incrementNonce,
  blockHash,
  noteBestBlock,
  initializeBlock,
  finalizeBlock,
  extrinsicSuccess,
  extrinsicFailed,
  bindEventCodec: bindRuntimeEvent,
};
