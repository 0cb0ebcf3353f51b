/**
 * Pieces shared by the new JSON-RPC spec (v1) groups: what they need of the node, the spec's error codes, the
 * runtime specification in its `chainHead_v1` shape, parameter schemas, and a per-connection registry of the
 * subscriptions whose "unsubscribe" is a plain method returning `null` (the spec's shape, where the server's own
 * unsubscribe would return a boolean).
 */
import { z } from 'zod';
import type { RuntimeVersion } from '../../../primitives/types.js';
import { fromHex, toHex } from '../../../primitives/bytes.js';
import type { RpcNode } from '../context.js';

/** What the v1 methods use of the node (the lead's full `RpcNode` is assignable to it). */
export type V1Node = Pick<RpcNode, 'chain' | 'txs' | 'spec'>;

/** Error codes of the new JSON-RPC spec. */
export const V1_ERROR = {
  /** `chainHead_v1_follow`: the connection already holds the maximum number of follow subscriptions. */
  ReachedLimits: -32800,
  /** A block hash that the follow subscription did not report, or that it has unpinned. */
  InvalidBlock: -32801,
  /** `chainHead_v1_call` on a follow subscription started with `withRuntime: false`. */
  InvalidRuntimeCall: -32802,
  /** `chainHead_v1_continue` on an operation that is not waiting for it. */
  InvalidContinue: -32803,
  /** `chainHead_v1_unpin` with the same hash twice in its array. */
  InvalidDuplicateHashes: -32804,
  /** Standard invalid-params code, used by the spec for unknown operation and subscription ids. */
  InvalidParams: -32602,
} as const;

/** The `finalizedBlockRuntime` / `newRuntime` object of `chainHead_v1_followEvent`. */
export interface RuntimeSpecJson {
  type: 'valid';
  spec: {
    specName: string;
    implName: string;
    specVersion: number;
    implVersion: number;
    transactionVersion: number;
    /** `0x` + blake2_64(API name) → API version. */
    apis: Record<string, number>;
  };
}

/** A runtime version in the spec's `{type: 'valid', spec}` shape (apis as an object keyed by hex id). */
export function runtimeSpecJson(v: RuntimeVersion): RuntimeSpecJson {
  const apis: Record<string, number> = {};
  for (const [id, version] of v.apis) apis[toHex(id)] = version;
  return {
    type: 'valid',
    spec: {
      specName: v.specName,
      implName: v.implName,
      specVersion: v.specVersion,
      implVersion: v.implVersion,
      transactionVersion: v.transactionVersion,
      apis,
    },
  };
}

const HEX_OR_EMPTY_RE = /^(?:0x(?:[0-9a-fA-F]{2})*|)$/;

/**
 * Hex-encoded bytes as the spec's `callParameters` and `childTrie`: `0x`-prefixed hex with an even number of
 * digits, or the empty string (Substrate accepts it as no bytes).
 */
export const hexOrEmpty = z
  .string()
  .regex(HEX_OR_EMPTY_RE, { message: 'expected 0x-prefixed hex with an even number of digits' })
  .transform((s) => (s === '' ? new Uint8Array(0) : fromHex(s)));

/** An opaque id we handed out (subscription or operation id): a non-empty string of at most 128 characters. */
export const opaqueId = z.string().min(1).max(128);

/**
 * The subscriptions of one kind per WebSocket connection, so that a plain method (`chainHead_v1_unfollow`,
 * `chainHead_v1_header`, …) can find the subscription it names. Entries are added in `start` and removed by the
 * teardown, so the registry never outlives the server's own bookkeeping.
 */
export class ConnectionRegistry<T> {
  private readonly byConnection = new Map<number, Map<string, T>>();

  /** Entries held by a connection (0 ≤ n ≤ the server's subscription limit). */
  count(connectionId: number): number {
    return this.byConnection.get(connectionId)?.size ?? 0;
  }

  /** The entry `id` of connection `connectionId`. */
  get(connectionId: number, id: string): T | undefined {
    return this.byConnection.get(connectionId)?.get(id);
  }

  /** Add an entry. */
  add(connectionId: number, id: string, value: T): void {
    let m = this.byConnection.get(connectionId);
    if (m === undefined) this.byConnection.set(connectionId, (m = new Map()));
    m.set(id, value);
  }

  /** Remove an entry (no-op when absent). */
  delete(connectionId: number, id: string): void {
    const m = this.byConnection.get(connectionId);
    if (m === undefined) return;
    m.delete(id);
    if (m.size === 0) this.byConnection.delete(connectionId);
  }

  /** Connections holding at least one entry (0 ≤ n ≤ the server's connection limit). */
  get connections(): number {
    return this.byConnection.size;
  }
}
