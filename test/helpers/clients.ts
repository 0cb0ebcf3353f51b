/**
 * Pieces shared by the client-compatibility tests (`test/e2e/clients-*.test.ts`): capturing what a client library
 * logs, generic sample arguments for any call in the metadata, and a submit-and-watch wrapper for
 * `@polkadot/api` that records every status and never hangs.
 */
import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import { Bytes, bool, Compact, GenericAccountId, GenericMultiAddress, Int, Text, UInt } from '@polkadot/types';
import type { DispatchError, EventRecord, Hash } from '@polkadot/types/interfaces';
import type { ISubmittableResult } from '@polkadot/types/types';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import WebSocket from 'ws';
import { readAccount, signExtrinsic, transferKeepAliveCall } from '../e2e/support.js';
import { withTimeout, type RpcClient } from './rpc-client.js';

/** One line a library printed through `console.log`/`warn`/`error`, with its stream. */
export interface LoggedLine {
  stream: 'log' | 'warn' | 'error';
  text: string;
}

/**
 * Record everything printed through `console.log`, `console.warn` and `console.error` (still printing it) until
 * `stop()`. @polkadot/api reports missing RPC methods, unknown signed extensions and RPC failures this way.
 */
export function captureConsole(): { lines: LoggedLine[]; stop(): void } {
  const lines: LoggedLine[] = [];
  const saved = { log: console.log, warn: console.warn, error: console.error };
  for (const stream of ['log', 'warn', 'error'] as const) {
    console[stream] = (...args: unknown[]) => {
      lines.push({ stream, text: args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ') });
      saved[stream](...args);
    };
  }
  return {
    lines,
    stop() {
      Object.assign(console, saved);
    },
  };
}

/** What the sample arguments refer to. */
export interface SampleContext {
  /** The account every address/account argument names. */
  dest: KeyringPair;
  /** The value of every balance-sized integer argument (64 bits or wider). */
  amount: bigint;
}

/**
 * A plausible value for one argument of type `typeName` (a registry type name from the metadata): the context's
 * account for addresses, `amount` for 64-bit-or-wider integers (balances, moments), 1 for narrower ones, a short
 * text for bytes and strings, `true` for bools, and the type's default (zeroes, first variant) otherwise.
 */
export function sampleArg(api: ApiPromise, typeName: string, ctx: SampleContext): unknown {
  // A call argument (`sudo`, `scheduler.schedule`): a harmless call any origin may make.
  if (typeName === 'Call') return api.tx.system.remarkWithEvent(u8aToHex(new TextEncoder().encode('client e2e'))).method;
  const probe = api.registry.createType(typeName);
  if (probe instanceof GenericMultiAddress) return { Id: ctx.dest.address };
  if (probe instanceof GenericAccountId) return ctx.dest.address;
  if (probe instanceof Bytes) return u8aToHex(new TextEncoder().encode('client e2e'));
  if (probe instanceof Text) return 'client e2e';
  if (probe instanceof bool) return true;
  const int = probe instanceof Compact ? (probe.unwrap() as unknown) : probe;
  if (int instanceof UInt || int instanceof Int) return int.bitLength() >= 64 ? ctx.amount : 1;
  return probe.toJSON();
}

/** Sample arguments for every parameter of `api.tx[section][method]`. */
export function sampleArgs(api: ApiPromise, section: string, method: string, ctx: SampleContext): unknown[] {
  return api.tx[section][method].meta.args.map((a) => sampleArg(api, a.type.toString(), ctx));
}

/** Which origin a call's documentation says it needs. */
export type OriginKind = 'signed' | 'root' | 'inherent';

/**
 * The origin a call needs, read from its documentation as FRAME writes it: "origin must be root" / "(root only)"
 * → root (but "the sudo key" → signed); "Inherent" / "unsigned" → inherent (mandatory class, refused by the pool); anything else → signed.
 */
export function originOf(docs: readonly string[]): OriginKind {
  const text = docs.join(' ');
  // Sudo's calls ("Authenticates the sudo key and dispatches … with `Root` origin"): another signer is refused by the
  // pallet itself (`Sudo.RequireSudo`), as any signed call whose preconditions fail.
  if (/\bsudo key\b/i.test(text)) return 'signed';
  if (/\broot\b/i.test(text)) return 'root';
  if (/\binherent\b|\bunsigned\b/i.test(text)) return 'inherent';
  return 'signed';
}

/** Everything a `signAndSend`/`send` with a status callback reported. */
export interface WatchedTx {
  /** Status types in arrival order (`Ready`, `InBlock`, `Finalized`, …). */
  statuses: string[];
  /** The block it was included in (from `InBlock`). */
  inBlock: Hash;
  /** The block reported by `Finalized`. */
  finalized: Hash;
  /** The transaction's own events, decoded (from the `Finalized` result). */
  events: EventRecord[];
  /** Set when it failed in dispatch. */
  dispatchError: DispatchError | undefined;
  /** The extrinsic hash. */
  txHash: Hash;
}

/**
 * Send `tx` (signed by `signer` with `options`, or already signed when `signer` is undefined) with a status
 * callback and resolve when `Finalized` arrives; rejects on a submission error, on a terminal non-finalized
 * status, or after `timeoutMs`.
 */
export async function sendAndWatch(
  tx: SubmittableExtrinsic<'promise'>,
  signer: KeyringPair | undefined,
  options: { nonce?: number } = {},
  timeoutMs = 30_000,
): Promise<WatchedTx> {
  const statuses: string[] = [];
  let inBlock: Hash | undefined;
  let unsub: (() => void) | undefined;
  const done = new Promise<WatchedTx>((resolve, reject) => {
    const onResult = (r: ISubmittableResult) => {
      statuses.push(r.status.type);
      if (r.status.isInBlock) inBlock = r.status.asInBlock;
      if (r.status.isFinalized) {
        if (!inBlock) return reject(new Error(`Finalized without InBlock (statuses ${statuses.join(', ')})`));
        resolve({ statuses, inBlock, finalized: r.status.asFinalized, events: r.events, dispatchError: r.dispatchError, txHash: r.txHash });
      } else if (r.status.isDropped || r.status.isInvalid || r.status.isUsurped || r.status.isFinalityTimeout || r.status.isRetracted) {
        reject(new Error(`transaction ended ${r.status.type} (statuses ${statuses.join(', ')})`));
      }
    };
    const sent = signer ? tx.signAndSend(signer, options, onResult) : tx.send(onResult);
    sent.then((u) => (unsub = u), reject);
  });
  try {
    return await withTimeout(done, timeoutMs, `the transaction to be finalized (statuses so far: ${statuses.join(', ') || 'none'})`);
  } finally {
    unsub?.();
  }
}

/**
 * Fund each of `to` with `amount` from `from` over raw JSON-RPC (transactions signed by `signExtrinsic`, nonces in
 * a row from `system_accountNextIndex`, all submitted at once) and wait until every one is finalized; throws
 * unless each transfer succeeded. Independent of the client library under test.
 */
export async function fundAccounts(client: RpcClient, from: KeyringPair, to: readonly Uint8Array[], amount: bigint): Promise<void> {
  const genesisHash = hexToU8a(await client.call<string>('chain_getBlockHash', [0]));
  const nonce0 = await client.call<number>('system_accountNextIndex', [from.address]);
  const subs = await Promise.all(
    to.map((dest, i) => {
      const xt = signExtrinsic(from, transferKeepAliveCall(dest, amount), { genesisHash }, { nonce: nonce0 + i });
      return client.subscribe<unknown>('author_submitAndWatchExtrinsic', [u8aToHex(xt)], 'author_unwatchExtrinsic');
    }),
  );
  const blocks = await Promise.all(
    subs.map(async (s) => {
      const fin = await s.nextMatching((v) => typeof v === 'object' && v !== null && 'finalized' in v, 30_000, 'finalized');
      return (fin as { finalized: string }).finalized;
    }),
  );
  for (const [i, dest] of to.entries()) {
    const free = (await readAccount(client, dest, blocks[i])).data.free;
    if (free < amount) throw new Error(`funding ${u8aToHex(dest)} failed: free ${free} at ${blocks[i]}`);
  }
}

/** Whether a method belongs to the new JSON-RPC spec (`chainHead_v1_*`, `transaction_v1_*`, `archive_v1_*`, …). */
export function isNewSpecMethod(name: string): boolean {
  return /^[a-zA-Z]+_v\d+_/.test(name);
}

type MessageListener = (e: { data: unknown }) => void;

/**
 * A `ws` WebSocket class whose `rpc_methods` replies leave out the new-spec methods: polkadot-api's default
 * provider then emulates `chainHead_v1`/`transaction_v1` over the legacy methods, exactly as against a node that
 * serves only the legacy RPC. Only `addEventListener('message')` (what polkadot-api's ws-provider uses) is
 * rewritten.
 */
export class LegacyOnlyWebSocket extends WebSocket {
  private readonly wrapped = new Map<MessageListener, MessageListener>();

  override addEventListener(type: string, listener: never, options?: never): void {
    if (type !== 'message') return super.addEventListener(type as 'message', listener, options);
    const inner = listener as MessageListener;
    const outer: MessageListener = (e) => inner({ data: typeof e.data === 'string' ? hideNewSpec(e.data) : e.data });
    this.wrapped.set(inner, outer);
    super.addEventListener('message', outer as never, options);
  }

  override removeEventListener(type: string, listener: never): void {
    const outer = type === 'message' ? this.wrapped.get(listener as MessageListener) : undefined;
    if (outer) this.wrapped.delete(listener as MessageListener);
    super.removeEventListener(type as 'message', (outer ?? listener) as never);
  }
}

/** `text` with the new-spec names removed from it when it is an `rpc_methods` reply; otherwise unchanged. */
function hideNewSpec(text: string): string {
  const msg = JSON.parse(text) as { result?: { version?: unknown; methods?: unknown } };
  const methods = msg.result?.methods;
  if (msg.result?.version !== 1 || !Array.isArray(methods)) return text;
  return JSON.stringify({ ...msg, result: { ...msg.result, methods: methods.filter((m) => typeof m === 'string' && !isNewSpecMethod(m)) } });
}
