/**
 * `archive_v1_*`: any stored block by hash or height. Every committed block is finalized on this chain and the
 * database keeps every state (archive), so each past block answers the same forever.
 *
 * `archive_v1_storage` follows the current spec: a subscription whose `archive_v1_storageEvent` notifications are
 * one `storage` event per result item, then `storageDone` (or `storageError`); `archive_v1_stopStorage` ends it and
 * returns null. Items may carry `paginationStartKey` (descendants strictly after it). Events go out in bursts of
 * `storageEventsPerTurn`, one burst per turn of the event loop, so a large descendant set neither blocks the node
 * nor piles up in memory (a client that cannot keep up is dropped by the server's send-buffer limit). An unknown
 * block hash gives `storageError`.
 */
import { z } from 'zod';
import { toHex } from '../../../primitives/bytes.js';
import { runtimeCallHex } from '../runtime-hex.js';
import { bodyJson } from '../block-json.js';
import { RawJson } from '../../protocol.js';
import { RpcError, invalidParams } from '../../errors.js';
import { defineMethod, defineSubscription, type RpcServer, type SubscriptionContext } from '../../server.js';
import { boundedArray, hash32, optional, tupleParams } from '../../params.js';
import { ConnectionRegistry, V1_ERROR, hexOrEmpty, opaqueId, type V1Node } from './common.js';
import { archiveStorageQuerySchema, isDescendantsQuery, queryTrie, storageResults } from './storage.js';

/** Limits of the `archive_v1_*` group. */
export interface ArchiveLimits {
  /** `archive_v1_storage` subscriptions running at once per connection, 1 ≤ n ≤ 2^16; default 16. */
  maxStorageSubscriptionsPerConnection: number;
  /** Entries of an `items` array, 1 ≤ n ≤ 2^20; default 1,024. */
  maxStorageItemsPerCall: number;
  /** `storage` events emitted per turn of the event loop, 1 ≤ n ≤ 2^20; default 128. */
  storageEventsPerTurn: number;
}

/** Default {@link ArchiveLimits}. */
export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxStorageSubscriptionsPerConnection: 16,
  maxStorageItemsPerCall: 1024,
  storageEventsPerTurn: 128,
});

/** Heights are JSON integers; anything past u32 has no block. */
const height = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Register `archive_v1_*`. */
export function registerArchiveMethods(server: RpcServer, node: V1Node, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): void {
  const { chain } = node;
  server.register(defineMethod({ name: 'archive_v1_genesisHash', params: tupleParams(), handler: () => toHex(chain.genesisHash) }));
  server.register(defineMethod({ name: 'archive_v1_finalizedHeight', params: tupleParams(), handler: () => chain.head.number }));
  server.register(
    defineMethod({
      name: 'archive_v1_hashByHeight',
      params: tupleParams(height),
      handler: ([n]) => {
        // Every stored block is finalized, so a height has exactly one block or none.
        const h = n <= 0xffff_ffff ? chain.hashAt(n) : undefined;
        return h === undefined ? [] : [toHex(h)];
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'archive_v1_header',
      params: tupleParams(hash32),
      handler: ([hash]) => {
        const raw = chain.db.getHeader(hash);
        return raw === undefined ? null : toHex(raw);
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'archive_v1_body',
      heavy: true,
      params: tupleParams(hash32),
      handler: ([hash]) => {
        const json = bodyJson(chain, hash);
        return json === undefined ? null : new RawJson(json);
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'archive_v1_call',
      heavy: true,
      params: tupleParams(hash32, z.string().max(256), hexOrEmpty),
      handler: ([hash, fn, input]) => {
        const header = chain.header(hash);
        const state = chain.stateAt(hash);
        if (header === undefined || state === undefined) return null;
        try {
          const value = runtimeCallHex({ runtime: chain.runtime, state, block: { number: header.number, hash }, checker: node.txs.checker }, fn, input);
          return { success: true, value };
        } catch (e) {
          return { success: false, error: e instanceof Error ? e.message : String(e) };
        }
      },
    }),
  );

  const storages = new ConnectionRegistry<SubscriptionContext>();
  server.registerSubscription(
    defineSubscription({
      subscribe: 'archive_v1_storage',
      // Stopping is the plain method below: the spec's return value is null.
      unsubscribe: [],
      notification: 'archive_v1_storageEvent',
      params: tupleParams(hash32, boundedArray(archiveStorageQuerySchema, limits.maxStorageItemsPerCall), optional(hexOrEmpty)),
      start: ([hash, items, childTrie], emit, ctx) => {
        for (const [i, q] of items.entries()) {
          if (q.paginationStartKey !== undefined && !isDescendantsQuery(q.type)) {
            throw invalidParams(`params[1][${i}].paginationStartKey: only valid for descendantsValues and descendantsHashes`);
          }
        }
        if (storages.count(ctx.connectionId) >= limits.maxStorageSubscriptionsPerConnection) {
          throw new RpcError(V1_ERROR.ReachedLimits, 'Maximum number of archive_v1_storage has been reached');
        }
        storages.add(ctx.connectionId, ctx.subscriptionId, ctx);
        const childTrieKey = childTrie === undefined ? undefined : toHex(childTrie);
        let timer: NodeJS.Immediate | undefined;
        let ended = false;
        const end = (last: Record<string, unknown>) => {
          emit(last);
          ended = true;
          ctx.close();
        };
        let results: ReturnType<typeof storageResults> | undefined;
        const step = () => {
          timer = undefined;
          if (ended) return;
          try {
            if (results === undefined) {
              const trie = queryTrie(chain, hash, childTrie);
              if (trie === null) return end({ event: 'storageError', error: 'Invalid block hash' });
              results = storageResults(trie, items);
            }
            for (let i = 0; i < limits.storageEventsPerTurn; i++) {
              const r = results.next();
              if (r.done) return end({ event: 'storageDone' });
              emit(childTrieKey === undefined ? { event: 'storage', ...r.value.item } : { event: 'storage', ...r.value.item, childTrieKey });
            }
          } catch (e) {
            return end({ event: 'storageError', error: `could not read the state: ${e instanceof Error ? e.message : String(e)}` });
          }
          timer = setImmediate(step);
        };
        timer = setImmediate(step);
        return () => {
          ended = true;
          if (timer !== undefined) clearImmediate(timer);
          storages.delete(ctx.connectionId, ctx.subscriptionId);
        };
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'archive_v1_stopStorage',
      params: tupleParams(opaqueId),
      handler: ([id], ctx) => {
        storages.get(ctx.connectionId, id)?.close();
        return null;
      },
    }),
  );
}
