/**
 * Shared pieces of the end-to-end tests: keys (@polkadot/keyring, sr25519), extrinsics built and signed the way a
 * Substrate wallet does — independently of the node's own encoder, with @polkadot/util and @polkadot/types — and
 * chain reads over JSON-RPC decoded with the runtime's codecs.
 */
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { TypeRegistry } from '@polkadot/types';
import { compactToU8a, hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, cryptoWaitReady, randomAsU8a } from '@polkadot/util-crypto';
import { expect } from 'vitest';
import { createChainRuntime, XFG } from '../../src/chain/index.js';
import { SystemStorage } from '../../src/pallets/system/index.js';
import { BalancesStorage } from '../../src/pallets/balances/index.js';
import { TimestampStorage } from '../../src/pallets/timestamp/index.js';
import type { AccountInfoValue } from '../../src/pallets/system/types.js';
import type { EventRecord } from '../../src/runtime/dispatch.js';
import { RpcCallError, type RpcClient, type Subscription } from '../helpers/rpc-client.js';

export { XFG };

/** The runtime, built once: binds the outer event enum so `System.Events` decodes. */
export const runtime = createChainRuntime();
/** Runtime version the node signs against (src/chain/spec.ts). */
export const SPEC_VERSION = runtime.version.specVersion;
export const TRANSACTION_VERSION = runtime.version.transactionVersion;

const registry = new TypeRegistry();

/** Key of `System.Events` (the brief's constant; checked against the runtime's in the tests). */
export const EVENTS_KEY_HEX = '0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7';

let keyring: Keyring | undefined;

/** The sr25519 keyring (after the WASM crypto is ready). */
export async function keys(): Promise<Keyring> {
  if (!keyring) {
    await cryptoWaitReady();
    keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  }
  return keyring;
}

/** A dev account (`//Alice` …). */
export async function devAccount(name: 'Alice' | 'Bob' | 'Charlie' | 'Dave' | 'Eve' | 'Ferdie'): Promise<KeyringPair> {
  return (await keys()).addFromUri(`//${name}`);
}

/** A new account nobody funded (random seed). */
export async function freshAccount(): Promise<KeyringPair> {
  return (await keys()).addFromSeed(randomAsU8a(32));
}

/** `Balances.transfer_keep_alive(dest: MultiAddress::Id, value: Compact<u128>)`: pallet 2, call 3. */
export function transferKeepAliveCall(dest: Uint8Array, value: bigint): Uint8Array {
  return u8aConcat([2, 3, 0], dest, compactToU8a(value));
}

/** `System.remark(remark: Vec<u8>)`: pallet 0, call 0. */
export function remarkCall(remark: Uint8Array): Uint8Array {
  return u8aConcat([0, 0], compactToU8a(remark.length), remark);
}

/** What a signer signs against. */
export interface SigningContext {
  genesisHash: Uint8Array;
  specVersion?: number;
  transactionVersion?: number;
}

/** Options of one signed extrinsic. */
export interface SignOptions {
  /** Account nonce (u32). */
  nonce: number;
  tip?: bigint;
  /** Mortal era: born at `current` (whose hash is `birthHash`), valid for `period` blocks. Immortal when absent. */
  mortal?: { current: number; period: number; birthHash: Uint8Array };
}

function u32le(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

/**
 * A signed extrinsic (format v4) as a wallet builds it: `Compact<len> ‖ 0x84 ‖ MultiAddress::Id(signer) ‖
 * MultiSignature::Sr25519(sig) ‖ era ‖ Compact<nonce> ‖ Compact<tip> ‖ call`, signing
 * `call ‖ extra ‖ specVersion ‖ transactionVersion ‖ genesisHash ‖ birthHash` (blake2_256 of it when longer than
 * 256 bytes).
 */
export function signExtrinsic(signer: KeyringPair, call: Uint8Array, ctx: SigningContext, opts: SignOptions): Uint8Array {
  const era = opts.mortal
    ? registry.createType('ExtrinsicEra', { current: opts.mortal.current, period: opts.mortal.period })
    : registry.createType('ExtrinsicEra');
  const extra = u8aConcat(era.toU8a(), compactToU8a(opts.nonce), compactToU8a(opts.tip ?? 0n));
  const full = u8aConcat(
    call,
    extra,
    u32le(ctx.specVersion ?? SPEC_VERSION),
    u32le(ctx.transactionVersion ?? TRANSACTION_VERSION),
    ctx.genesisHash,
    opts.mortal ? opts.mortal.birthHash : ctx.genesisHash,
  );
  const payload = full.length > 256 ? blake2AsU8a(full, 256) : full;
  const signature = signer.sign(payload);
  const body = u8aConcat([0x84, 0x00], signer.publicKey, [0x01], signature, extra, call);
  return u8aConcat(compactToU8a(body.length), body);
}

/**
 * `signer`'s signed `System.remark` whose whole extrinsic (length prefix included) is exactly `total` bytes
 * (16,384 ≤ total < 2^30, so that both length prefixes are 4 bytes).
 */
export function signedRemarkOfLength(signer: KeyringPair, total: number, ctx: SigningContext, opts: SignOptions): Uint8Array {
  const sign = (len: number) => signExtrinsic(signer, remarkCall(new Uint8Array(len).fill(0x73)), ctx, opts);
  const probe = sign(total - 200);
  const xt = sign(total - 200 + total - probe.length);
  if (xt.length !== total) throw new Error(`a remark extrinsic of ${total} bytes came out ${xt.length}`);
  return xt;
}

/** blake2_256 of an extrinsic's bytes (its pool and RPC hash), as hex. */
export function extrinsicHash(xt: Uint8Array): string {
  return u8aToHex(blake2AsU8a(xt, 256));
}

/** `0x` hex of bytes. */
export const hex = (b: Uint8Array): string => u8aToHex(b);
/** Bytes of `0x` hex. */
export const bytes = (h: string): Uint8Array => hexToU8a(h);

/** A header as the node's JSON-RPC returns it. */
export interface HeaderJson {
  parentHash: string;
  number: string;
  stateRoot: string;
  extrinsicsRoot: string;
  digest: { logs: string[] };
}

/** `chain_getBlock`'s result. */
export interface SignedBlockJson {
  block: { header: HeaderJson; extrinsics: string[] };
  justifications: unknown;
}

/** A header's number. */
export function numberOf(h: HeaderJson): number {
  return Number.parseInt(h.number, 16);
}

/** A header's hash computed by @polkadot/types (blake2_256 of its SCALE encoding). */
export function headerHash(h: HeaderJson): string {
  return registry.createType('Header', h).hash.toHex();
}

/** Storage key of `System.Account(who)`. */
export function accountKey(who: Uint8Array): string {
  return hex(SystemStorage.Account.keyOf(who));
}

/** `System.Account(who)` at `at` (the head when absent), decoded; the all-zero account when absent. */
export async function readAccount(client: RpcClient, who: Uint8Array, at?: string): Promise<AccountInfoValue> {
  const raw = await client.call<string | null>('state_getStorage', at === undefined ? [accountKey(who)] : [accountKey(who), at]);
  return raw === null ? SystemStorage.Account.get({ get: () => undefined, nextKey: () => undefined }, who) : SystemStorage.Account.value.decode(bytes(raw));
}

/** `System.Events` at block `at`, decoded with the runtime's codecs. */
export async function readEvents(client: RpcClient, at: string): Promise<EventRecord[]> {
  const raw = await client.call<string | null>('state_getStorage', [EVENTS_KEY_HEX, at]);
  return raw === null ? [] : SystemStorage.Events.value.decode(bytes(raw));
}

/** Every storage key under `prefix` at block `at`, via `state_getKeysPaged` pages of `pageSize` (1 ≤ n ≤ 1,000). */
export async function allKeys(client: RpcClient, prefix: string, at: string, pageSize = 1000): Promise<string[]> {
  const out: string[] = [];
  let start: string | null = null;
  for (;;) {
    const page: string[] = await client.call<string[]>('state_getKeysPaged', [prefix, pageSize, start, at]);
    out.push(...page);
    if (page.length < pageSize) return out;
    start = page[page.length - 1];
  }
}

/** Every key-value pair at block `at`, in key order (batched reads, 500 per batch). */
export async function fullState(client: RpcClient, at: string): Promise<Array<[string, string]>> {
  const keysAt = await allKeys(client, '0x', at);
  const out: Array<[string, string]> = [];
  for (let i = 0; i < keysAt.length; i += 500) {
    const chunk = keysAt.slice(i, i + 500);
    const values = await client.batch(chunk.map((k) => ['state_getStorage', [k, at]] as const));
    values.forEach((v, j) => {
      if (!v.ok || typeof v.result !== 'string') throw new Error(`state_getStorage(${chunk[j]}) at ${at} failed: ${JSON.stringify(v)}`);
      out.push([chunk[j], v.result]);
    });
  }
  return out;
}

/**
 * Keys that change in every block whatever it contains (block number, parent hash, digest, events, timestamp, the
 * block-hash map); everything else changes only when an extrinsic does something.
 */
const PER_BLOCK_KEYS = [
  SystemStorage.Number.key,
  SystemStorage.ParentHash.key,
  SystemStorage.Digest.key,
  SystemStorage.Events.key,
  SystemStorage.EventCount.key,
  TimestampStorage.Now.key,
].map(hex);
const BLOCK_HASH_PREFIX = hex(SystemStorage.BlockHash.prefix);

/** The state at `at` without the per-block bookkeeping keys: what only extrinsics can change. */
export async function durableState(client: RpcClient, at: string): Promise<Map<string, string>> {
  const all = await fullState(client, at);
  return new Map(all.filter(([k]) => !PER_BLOCK_KEYS.includes(k) && !k.startsWith(BLOCK_HASH_PREFIX)));
}

/** Storage key of `Balances.TotalIssuance`. */
export const TOTAL_ISSUANCE_KEY = hex(BalancesStorage.TotalIssuance.key);

/** The head's header and hash, read consistently (the hash from `chain_getBlockHash` of that header's number). */
export async function head(client: RpcClient): Promise<{ header: HeaderJson; hash: string; number: number }> {
  const header = await client.call<HeaderJson>('chain_getHeader', []);
  return { header, hash: headerHash(header), number: numberOf(header) };
}

/** Wait until the chain's head is at least `n` (using a head subscription). Returns that head's header. */
export async function waitForHead(heads: Subscription<HeaderJson>, n: number, timeoutMs = 20_000): Promise<HeaderJson> {
  return heads.nextMatching((h) => numberOf(h) >= n, timeoutMs, `block #${n}`);
}

/** Expect `promise` to be refused with JSON-RPC `code` and (when given) a `data`/message containing `text`. */
export async function expectRpcError(promise: Promise<unknown>, code: number, text?: string | RegExp): Promise<RpcCallError> {
  const err = await promise.then(
    (v) => {
      throw new Error(`expected RPC error ${code}, got result ${JSON.stringify(v)?.slice(0, 200)}`);
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RpcCallError);
  const e = err as RpcCallError;
  expect(e.code, e.message).toBe(code);
  if (text !== undefined) {
    const detail = `${e.rpcMessage} ${typeof e.data === 'string' ? e.data : JSON.stringify(e.data ?? '')}`;
    if (typeof text === 'string') expect(detail).toContain(text);
    else expect(detail).toMatch(text);
  }
  return e;
}

/** Pairs (number, hash) of the canonical chain from 0 to `to` (0 ≤ to < 2^32), in one batch per 1,000. */
export async function canonicalHashes(client: RpcClient, to: number): Promise<string[]> {
  const out: string[] = [];
  for (let from = 0; from <= to; from += 1000) {
    const numbers = Array.from({ length: Math.min(1000, to - from + 1) }, (_, i) => from + i);
    const hashes = await client.call<Array<string | null>>('chain_getBlockHash', [numbers]);
    hashes.forEach((h, i) => {
      if (h === null) throw new Error(`no block #${numbers[i]}`);
      out.push(h);
    });
  }
  return out;
}

/** Bodies (extrinsics as hex) of the given blocks, batched. */
export async function blockBodies(client: RpcClient, hashes: readonly string[]): Promise<string[][]> {
  const out: string[][] = [];
  for (let i = 0; i < hashes.length; i += 500) {
    const chunk = hashes.slice(i, i + 500);
    const replies = await client.batch(chunk.map((h) => ['chain_getBlock', [h]] as const));
    replies.forEach((r, j) => {
      if (!r.ok || r.result === null) throw new Error(`chain_getBlock(${chunk[j]}) failed: ${JSON.stringify(r)}`);
      out.push((r.result as SignedBlockJson).block.extrinsics);
    });
  }
  return out;
}

/** Size in bytes (1, 2, 4 or 5..68) of the SCALE compact length prefix at the start of `b`. */
function prefixLength(b: Uint8Array): number {
  const mode = b[0] & 3;
  return mode === 0 ? 1 : mode === 1 ? 2 : mode === 2 ? 4 : 5 + (b[0] >> 2);
}

/** The signer's public key of a signed extrinsic (hex), or undefined for an unsigned one. */
export function signerOf(xtHex: string): string | undefined {
  const b = bytes(xtHex);
  const off = prefixLength(b);
  if ((b[off] & 0x80) === 0) return undefined;
  // Version byte, then MultiAddress::Id (0x00) and the 32-byte account.
  return hex(b.subarray(off + 2, off + 34));
}

/** Offset of the 64 signature bytes in a signed extrinsic: after the length, 0x84, MultiAddress::Id and the tag. */
export function signatureOffset(xt: Uint8Array): number {
  return prefixLength(xt) + 1 + 33 + 1;
}
