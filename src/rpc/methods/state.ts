/** `state_*`: storage reads at any block, key paging, proofs, storage history, subscriptions, metadata and runtime calls. */
import { z } from 'zod';
import { compareBytes, fromHex, startsWith, toHex, toHexRaw } from '../../primitives/bytes.js';
import { blake2_256 } from '../../primitives/hashing.js';
import { RuntimeVersionCodec } from '../../primitives/types.js';
import { RuntimeApiError } from '../../runtime/api-support.js';
import type { SealedBlock } from '../../runtime/runtime.js';
import type { ChainHead } from '../../node/chain.js';
import { RpcError, ensureUnsafeAllowed } from '../errors.js';
import { defineMethod, defineSubscription, type RpcServer } from '../server.js';
import { boundedArray, hash32, hexBytes, optional, optionalBlockHash, tupleParams, u32 } from '../params.js';
import { apiContextAt, resolveAt, type RpcNode } from './context.js';
import { ReadBudget, nextTurn } from '../heavy-calls.js';
import { metadataJson, runtimeCallJson } from './runtime-hex.js';

/**
 * The call data of `state_call`: hex with or without `0x`, possibly empty, as Substrate's `Bytes` deserializer
 * accepts. polkadot-api's legacy shim sends `""` for calls without arguments (`Metadata_metadata_versions`).
 */
const callData = z
  .string()
  .regex(/^(0x)?([0-9a-fA-F]{2})*$/, { message: 'expected hex (0x optional) with an even number of digits' })
  .transform((s) => fromHex(s.startsWith('0x') ? s : `0x${s}`));

/** Largest page of `state_getKeysPaged` (Substrate's limit). */
export const MAX_KEYS_PAGE = 1000;
/** Most keys in one `state_queryStorage*`, `state_getReadProof` or `state_subscribeStorage` call. */
export const MAX_QUERY_KEYS = 1000;
/** Most blocks `state_queryStorage` walks. */
export const MAX_QUERY_BLOCKS = 1000;
/** Substrate's `state_*` error code for failed runtime calls and bad ranges. */
export const STATE_ERROR = { InvalidBlockRange: 4001, InvalidCount: 4002, Client: 4003 } as const;

/** The runtime version as Substrate's JSON shows it. */
export function runtimeVersionJson(node: RpcNode) {
  const v = node.chain.runtime.version;
  return {
    specName: v.specName,
    implName: v.implName,
    authoringVersion: v.authoringVersion,
    specVersion: v.specVersion,
    implVersion: v.implVersion,
    apis: v.apis.map(([id, ver]) => [toHex(id), ver]),
    transactionVersion: v.transactionVersion,
    systemVersion: v.systemVersion,
    stateVersion: 1,
  };
}

/** Register the `state_*` methods. */
export function registerStateMethods(server: RpcServer, node: RpcNode): void {
  const { chain } = node;
  const stateOf = (at: Uint8Array | undefined) => chain.stateAt(resolveAt(node, at))!;
  const keysParam = boundedArray(hexBytes, MAX_QUERY_KEYS);

  server.register(
    defineMethod({
      name: 'state_getStorage',
      params: tupleParams(hexBytes, optionalBlockHash),
      handler: ([key, at]) => {
        const v = stateOf(at).get(key);
        return v === undefined ? null : toHex(v);
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'state_getStorageHash',
      params: tupleParams(hexBytes, optionalBlockHash),
      handler: ([key, at]) => {
        const v = stateOf(at).get(key);
        return v === undefined ? null : toHex(blake2_256(v));
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'state_getStorageSize',
      params: tupleParams(hexBytes, optionalBlockHash),
      handler: ([key, at]) => stateOf(at).get(key)?.length ?? null,
    }),
  );
  server.register(
    defineMethod({
      name: 'state_getKeysPaged',
      heavy: true,
      params: tupleParams(hexBytes, z.number().int().min(0).max(MAX_KEYS_PAGE), optional(hexBytes), optionalBlockHash),
      handler: async ([prefix, count, startKey, at]) => {
        const state = stateOf(at);
        const out: string[] = [];
        const budget = new ReadBudget();
        // Keys strictly after startKey (when it is at or past the prefix), in byte order, under the prefix.
        let k: Uint8Array | undefined;
        if (startKey !== undefined && compareBytes(startKey, prefix) >= 0) k = state.nextKey(startKey);
        else k = state.get(prefix) !== undefined ? prefix : state.nextKey(prefix);
        while (k !== undefined && out.length < count && startsWith(k, prefix)) {
          out.push(toHex(k));
          k = state.nextKey(k);
          // Every stored state stays readable (archive), so the scan may continue after other work.
          if (budget.spend()) await nextTurn();
        }
        return out;
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'state_queryStorageAt',
      heavy: true,
      params: tupleParams(keysParam, optionalBlockHash),
      handler: async ([keys, at]) => {
        const hash = resolveAt(node, at);
        const state = chain.stateAt(hash)!;
        const budget = new ReadBudget();
        const changes: Array<[string, string | null]> = [];
        for (const k of keys) {
          changes.push([toHex(k), hexOrNull(state.get(k))]);
          if (budget.spend()) await nextTurn();
        }
        return [{ block: toHex(hash), changes }];
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'state_queryStorage',
      // Substrate refuses it on a public interface (`deny_unsafe`): it walks up to 1,000 blocks per call.
      unsafe: true,
      heavy: true,
      params: tupleParams(keysParam, hash32, optionalBlockHash),
      handler: async ([keys, from, to]) => {
        const fromHeader = chain.header(from);
        const toHash = resolveAt(node, to);
        const toHeader = chain.header(toHash)!;
        if (!fromHeader) throw new RpcError(STATE_ERROR.InvalidBlockRange, `Invalid block range: unknown block ${toHex(from)}`);
        if (fromHeader.number > toHeader.number) throw new RpcError(STATE_ERROR.InvalidBlockRange, `Invalid block range: ${fromHeader.number} is after ${toHeader.number}`);
        if (toHeader.number - fromHeader.number >= MAX_QUERY_BLOCKS) throw new RpcError(STATE_ERROR.InvalidBlockRange, `Invalid block range: at most ${MAX_QUERY_BLOCKS} blocks`);
        const out: Array<{ block: string; changes: Array<[string, string | null]> }> = [];
        // Up to 1,000 keys × 1,000 blocks of reads: the scan gives the event loop a turn every ReadBudget reads.
        // Every stored state stays readable (archive) and the blocks by number never change (instant finality).
        const keyHex = keys.map((k) => toHex(k));
        const budget = new ReadBudget();
        let last: Array<string | null> = [];
        for (let n = fromHeader.number; n <= toHeader.number; n++) {
          const hash = chain.hashAt(n)!;
          const state = chain.stateAt(hash)!;
          const changes: Array<[string, string | null]> = [];
          const now: Array<string | null> = new Array<string | null>(keys.length);
          for (let i = 0; i < keys.length; i++) {
            const v = hexOrNull(state.get(keys[i]));
            now[i] = v;
            if (n === fromHeader.number || last[i] !== v) changes.push([keyHex[i], v]);
            if (budget.spend()) await nextTurn();
          }
          last = now;
          if (changes.length > 0 || n === fromHeader.number) out.push({ block: toHex(hash), changes });
        }
        return out;
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'state_getReadProof',
      heavy: true,
      params: tupleParams(keysParam, optionalBlockHash),
      handler: ([keys, at]) => {
        const hash = resolveAt(node, at);
        return { at: toHex(hash), proof: chain.trieAt(hash)!.proof(keys).map((n) => toHex(n)) };
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'state_getMetadata',
      heavy: true,
      params: tupleParams(optionalBlockHash),
      handler: ([at]) => {
        resolveAt(node, at);
        return metadataJson(chain.runtime, 14);
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'state_getRuntimeVersion',
      params: tupleParams(optionalBlockHash),
      handler: ([at]) => {
        resolveAt(node, at);
        return runtimeVersionJson(node);
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'state_call',
      heavy: true,
      params: tupleParams(z.string().min(1).max(256), callData, optionalBlockHash),
      handler: ([method, data, at]) => {
        const ctx = apiContextAt(node, resolveAt(node, at));
        try {
          return runtimeCallJson(ctx, method, data);
        } catch (e) {
          if (e instanceof RuntimeApiError) throw new RpcError(STATE_ERROR.Client, `Client error: Execution failed: ${e.message}`);
          throw e;
        }
      },
    }),
  );
  server.registerSubscription(
    defineSubscription({
      subscribe: ['state_subscribeRuntimeVersion', 'chain_subscribeRuntimeVersion'],
      unsubscribe: ['state_unsubscribeRuntimeVersion', 'chain_unsubscribeRuntimeVersion'],
      notification: 'state_runtimeVersion',
      params: tupleParams(),
      start: (_p, emit) => {
        let last = toHexRaw(RuntimeVersionCodec.encode(chain.runtime.version));
        emit(runtimeVersionJson(node));
        const on = () => {
          const now = toHexRaw(RuntimeVersionCodec.encode(chain.runtime.version));
          if (now !== last) {
            last = now;
            emit(runtimeVersionJson(node));
          }
        };
        chain.on('block', on);
        return () => chain.off('block', on);
      },
    }),
  );
  server.registerSubscription(
    defineSubscription({
      subscribe: 'state_subscribeStorage',
      unsubscribe: 'state_unsubscribeStorage',
      notification: 'state_storage',
      params: tupleParams(optional(keysParam)),
      start: ([keys], emit, ctx) => {
        // Every change of every block: unsafe without keys, as in Substrate.
        if (keys === undefined) ensureUnsafeAllowed(ctx);
        const watched = keys === undefined ? undefined : new Set(keys.map((k) => toHexRaw(k)));
        if (keys !== undefined) {
          const state = chain.headState();
          emit({ block: toHex(chain.head.hash), changes: keys.map((k) => [toHex(k), hexOrNull(state.get(k))]) });
        }
        const on = (head: ChainHead, block: SealedBlock) => {
          const changes: Array<[string, string | null]> = [];
          for (const [k, v] of block.changes) {
            if (watched && !watched.has(toHexRaw(k))) continue;
            changes.push([toHex(k), hexOrNull(v ?? undefined)]);
          }
          if (changes.length > 0) emit({ block: toHex(head.hash), changes });
        };
        chain.on('block', on);
        return () => chain.off('block', on);
      },
    }),
  );
  void u32;
}

function hexOrNull(v: Uint8Array | undefined): string | null {
  return v === undefined ? null : toHex(v);
}
