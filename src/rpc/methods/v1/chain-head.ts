/**
 * `chainHead_v1_*`: follow the head of the chain, with pinning, and run body / call / storage operations on the
 * pinned blocks. Finality is immediate on this chain, so every committed block is reported as `newBlock`, then
 * `bestBlockChanged`, then `finalized` (nothing is ever pruned).
 *
 * Limits (see {@link ChainHeadLimits}): follow subscriptions per connection (the spec's minimum, 2: the third gets
 * -32800), pinned blocks per subscription (512, Substrate's figure: one more emits `stop` and ends the subscription),
 * operations in flight per subscription (16, the spec's minimum; each storage item counts as one), and the size of
 * one `operationStorageItems` page (after a page of descendants the operation waits for `chainHead_v1_continue`).
 *
 * Operation events are emitted from `setImmediate` callbacks, so the `started` reply (sent when the handler's
 * promise settles, in the same turn) always precedes them. No queue of our own grows with a slow client: follow
 * events are emitted as blocks arrive and the server drops a connection whose send buffer overflows, while
 * descendant pages only advance when the client asks.
 */
import { z } from 'zod';
import { toHex, toHexRaw } from '../../../primitives/bytes.js';
import type { ChainHead } from '../../../node/chain.js';
import { runtimeCallHex } from '../runtime-hex.js';
import { ErrorCode, RpcError } from '../../errors.js';
import { defineMethod, defineSubscription, type RpcServer, type SubscriptionContext } from '../../server.js';
import { bool, boundedArray, hash32, optional, tupleParams } from '../../params.js';
import { ConnectionRegistry, V1_ERROR, hexOrEmpty, opaqueId, runtimeSpecJson, type V1Node } from './common.js';
import { queryTrie, storageQuerySchema, storageResults, isDescendantsQuery, type ProducedItem, type StorageQuery } from './storage.js';

/** Limits of the `chainHead_v1_*` group. */
export interface ChainHeadLimits {
  /** Follow subscriptions per WebSocket connection, 1 ≤ n ≤ 2^16; default 2 (the spec's guaranteed minimum). */
  maxFollowSubscriptionsPerConnection: number;
  /** Blocks pinned per follow subscription, 1 ≤ n ≤ 2^20; default 512. Reporting one more emits `stop`. */
  maxPinnedBlocks: number;
  /** Operation slots per follow subscription (a storage item, a body or a call takes one), 1 ≤ n ≤ 2^16; default 16. */
  maxOperationsPerSubscription: number;
  /** Items of one `operationStorageItems` notification, 1 ≤ n ≤ 2^20; default 256. */
  storagePageItems: number;
  /** Approximate bytes of one `operationStorageItems` notification, 1 ≤ n ≤ 2^30; default 1 MiB (one larger item goes alone). */
  storagePageBytes: number;
  /** Entries of a `chainHead_v1_storage` `items` array accepted by the schema, 1 ≤ n ≤ 2^20; default 4,096 (beyond the free slots they are discarded). */
  maxStorageItemsPerCall: number;
}

/** Default {@link ChainHeadLimits}. */
export const DEFAULT_CHAIN_HEAD_LIMITS: Readonly<ChainHeadLimits> = Object.freeze({
  maxFollowSubscriptionsPerConnection: 2,
  maxPinnedBlocks: 512,
  maxOperationsPerSubscription: 16,
  storagePageItems: 256,
  storagePageBytes: 1024 * 1024,
  maxStorageItemsPerCall: 4096,
});

/** An operation started by body, call or storage. */
interface Operation {
  id: string;
  /** Slots it holds until it ends, 0 ≤ n ≤ maxOperationsPerSubscription. */
  slots: number;
  /** Scheduled next step, if any. */
  timer: NodeJS.Immediate | undefined;
  /** Set while waiting for `chainHead_v1_continue`: runs the next step. */
  resume: (() => void) | undefined;
  ended: boolean;
}

/** One follow subscription. */
class Follow {
  /** Hex hashes of the pinned blocks, size ≤ maxPinnedBlocks. */
  readonly pinned = new Set<string>();
  readonly operations = new Map<string, Operation>();
  /** Slots held by running operations, 0 ≤ n ≤ maxOperationsPerSubscription. */
  usedSlots = 0;
  /** Next operation number, 0 ≤ n ≤ 2^53. */
  private nextOperation = 0;
  /** True once stopped or unfollowed: nothing more is emitted. */
  ended = false;

  constructor(
    readonly ctx: SubscriptionContext,
    readonly withRuntime: boolean,
    private readonly emitRaw: (result: unknown) => void,
  ) {}

  emit(result: unknown): void {
    if (!this.ended) this.emitRaw(result);
  }

  /** Start an operation holding `slots` slots (the caller checked they are free). */
  startOperation(slots: number): Operation {
    const op: Operation = { id: String(this.nextOperation++), slots, timer: undefined, resume: undefined, ended: false };
    this.operations.set(op.id, op);
    this.usedSlots += slots;
    return op;
  }

  /** Run `step` of `op` on a later turn of the event loop. */
  schedule(op: Operation, step: () => void): void {
    op.timer = setImmediate(() => {
      op.timer = undefined;
      if (op.ended || this.ended) return;
      step();
    });
  }

  /** End `op` (done, failed or stopped): release its slots; later steps do nothing. Idempotent. */
  endOperation(op: Operation): void {
    if (op.ended) return;
    op.ended = true;
    if (op.timer !== undefined) clearImmediate(op.timer);
    op.timer = undefined;
    op.resume = undefined;
    this.operations.delete(op.id);
    this.usedSlots -= op.slots;
  }

  /** End the subscription's work: operations stop, pins are released. */
  end(): void {
    this.ended = true;
    for (const op of [...this.operations.values()]) this.endOperation(op);
    this.pinned.clear();
  }
}

const FOLLOW_LIMIT_MESSAGE = 'Maximum number of chainHead_follow has been reached';

function invalidBlock(): RpcError {
  return new RpcError(V1_ERROR.InvalidBlock, 'Invalid block hash');
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Register `chainHead_v1_*` (follow, unfollow, header, body, call, storage, continue, stopOperation, unpin). */
export function registerChainHeadMethods(server: RpcServer, node: V1Node, limits: ChainHeadLimits = DEFAULT_CHAIN_HEAD_LIMITS): void {
  const { chain } = node;
  const follows = new ConnectionRegistry<Follow>();
  const lookup = (connectionId: number, id: string) => {
    const f = follows.get(connectionId, id);
    return f === undefined || f.ended ? undefined : f;
  };
  const requirePinned = (f: Follow, hash: Uint8Array) => {
    if (!f.pinned.has(toHexRaw(hash))) throw invalidBlock();
  };
  const limitReached = { result: 'limitReached' } as const;

  server.registerSubscription(
    defineSubscription({
      subscribe: 'chainHead_v1_follow',
      // Unfollowing is the plain method below: the spec's return value is null, not the server's boolean.
      unsubscribe: [],
      notification: 'chainHead_v1_followEvent',
      params: tupleParams(bool),
      start: ([withRuntime], emit, ctx) => {
        if (follows.count(ctx.connectionId) >= limits.maxFollowSubscriptionsPerConnection) {
          throw new RpcError(V1_ERROR.ReachedLimits, FOLLOW_LIMIT_MESSAGE);
        }
        const f = new Follow(ctx, withRuntime, emit);
        follows.add(ctx.connectionId, ctx.subscriptionId, f);
        const stop = () => {
          f.emit({ event: 'stop' });
          f.end();
          ctx.close();
        };
        const head = chain.head;
        const headHex = toHex(head.hash);
        f.pinned.add(headHex.slice(2));
        f.emit(
          withRuntime
            ? { event: 'initialized', finalizedBlockHashes: [headHex], finalizedBlockRuntime: runtimeSpecJson(chain.runtime.version) }
            : { event: 'initialized', finalizedBlockHashes: [headHex] },
        );
        // No block is above the finalized one, so the best block is the finalized block.
        f.emit({ event: 'bestBlockChanged', bestBlockHash: headHex });
        const onBlock = (h: ChainHead) => {
          if (f.ended) return;
          if (f.pinned.size >= limits.maxPinnedBlocks) return stop();
          const hash = toHex(h.hash);
          f.pinned.add(hash.slice(2));
          const parentBlockHash = toHex(h.header.parentHash);
          // The runtime is part of the node and never changes between blocks.
          f.emit(withRuntime ? { event: 'newBlock', blockHash: hash, parentBlockHash, newRuntime: null } : { event: 'newBlock', blockHash: hash, parentBlockHash });
          f.emit({ event: 'bestBlockChanged', bestBlockHash: hash });
          f.emit({ event: 'finalized', finalizedBlockHashes: [hash], prunedBlockHashes: [] });
        };
        chain.on('block', onBlock);
        return () => {
          chain.off('block', onBlock);
          f.end();
          follows.delete(ctx.connectionId, ctx.subscriptionId);
        };
      },
    }),
  );

  server.register(
    defineMethod({
      name: 'chainHead_v1_unfollow',
      params: tupleParams(opaqueId),
      handler: ([id], ctx) => {
        follows.get(ctx.connectionId, id)?.ctx.close();
        return null;
      },
    }),
  );

  server.register(
    defineMethod({
      name: 'chainHead_v1_header',
      params: tupleParams(opaqueId, hash32),
      handler: ([id, hash], ctx) => {
        const f = lookup(ctx.connectionId, id);
        if (f === undefined) return null;
        requirePinned(f, hash);
        const raw = chain.db.getHeader(hash);
        if (raw === undefined) throw new RpcError(ErrorCode.InternalError, 'Internal error', 'pinned block header not found in the database');
        return toHex(raw);
      },
    }),
  );

  server.register(
    defineMethod({
      name: 'chainHead_v1_body',
      params: tupleParams(opaqueId, hash32),
      handler: ([id, hash], ctx) => {
        const f = lookup(ctx.connectionId, id);
        if (f === undefined) return limitReached;
        requirePinned(f, hash);
        if (f.usedSlots >= limits.maxOperationsPerSubscription) return limitReached;
        const op = f.startOperation(1);
        f.schedule(op, () => {
          const body = chain.body(hash);
          if (body === undefined) f.emit({ event: 'operationError', operationId: op.id, error: 'block body not found in the database' });
          else f.emit({ event: 'operationBodyDone', operationId: op.id, value: body.map((x) => toHex(x)) });
          f.endOperation(op);
        });
        return { result: 'started', operationId: op.id };
      },
    }),
  );

  server.register(
    defineMethod({
      name: 'chainHead_v1_call',
      params: tupleParams(opaqueId, hash32, z.string().max(256), hexOrEmpty),
      handler: ([id, hash, fn, input], ctx) => {
        const f = lookup(ctx.connectionId, id);
        if (f === undefined) return limitReached;
        requirePinned(f, hash);
        if (!f.withRuntime) throw new RpcError(V1_ERROR.InvalidRuntimeCall, 'Invalid runtime call', 'the follow subscription was started with withRuntime: false');
        if (f.usedSlots >= limits.maxOperationsPerSubscription) return limitReached;
        const op = f.startOperation(1);
        f.schedule(op, () => {
          try {
            const header = chain.header(hash);
            const state = chain.stateAt(hash);
            if (header === undefined || state === undefined) throw new Error('block state not found in the database');
            const output = runtimeCallHex({ runtime: chain.runtime, state, block: { number: header.number, hash }, checker: node.txs.checker }, fn, input);
            f.emit({ event: 'operationCallDone', operationId: op.id, output });
          } catch (e) {
            f.emit({ event: 'operationError', operationId: op.id, error: errorMessage(e) });
          }
          f.endOperation(op);
        });
        return { result: 'started', operationId: op.id };
      },
    }),
  );

  server.register(
    defineMethod({
      name: 'chainHead_v1_storage',
      params: tupleParams(opaqueId, hash32, boundedArray(storageQuerySchema, limits.maxStorageItemsPerCall), optional(hexOrEmpty)),
      handler: ([id, hash, items, childTrie], ctx) => {
        const f = lookup(ctx.connectionId, id);
        if (f === undefined) return limitReached;
        requirePinned(f, hash);
        const free = limits.maxOperationsPerSubscription - f.usedSlots;
        if (items.length > 0 && free <= 0) return limitReached;
        const accepted: StorageQuery[] = items.slice(0, free);
        const op = f.startOperation(accepted.length);
        runStorage(f, op, () => queryTrie(chain, hash, childTrie), accepted, limits);
        return { result: 'started', operationId: op.id, discardedItems: items.length - accepted.length };
      },
    }),
  );

  server.register(
    defineMethod({
      name: 'chainHead_v1_continue',
      params: tupleParams(opaqueId, opaqueId),
      handler: ([id, operationId], ctx) => {
        const f = lookup(ctx.connectionId, id);
        const op = f?.operations.get(operationId);
        if (f === undefined || op === undefined) return null;
        const resume = op.resume;
        if (resume === undefined) throw new RpcError(V1_ERROR.InvalidContinue, 'Invalid continue', 'the operation is not waiting for chainHead_v1_continue');
        op.resume = undefined;
        f.schedule(op, resume);
        return null;
      },
    }),
  );

  server.register(
    defineMethod({
      name: 'chainHead_v1_stopOperation',
      params: tupleParams(opaqueId, opaqueId),
      handler: ([id, operationId], ctx) => {
        const f = lookup(ctx.connectionId, id);
        const op = f?.operations.get(operationId);
        if (f !== undefined && op !== undefined) f.endOperation(op);
        return null;
      },
    }),
  );

  server.register(
    defineMethod({
      name: 'chainHead_v1_unpin',
      params: tupleParams(opaqueId, z.union([hash32, z.array(hash32).max(1 << 20)])),
      handler: ([id, hashOrHashes], ctx) => {
        const f = lookup(ctx.connectionId, id);
        if (f === undefined) return null;
        const hashes = (Array.isArray(hashOrHashes) ? hashOrHashes : [hashOrHashes]).map((h) => toHexRaw(h));
        if (new Set(hashes).size !== hashes.length) {
          throw new RpcError(V1_ERROR.InvalidDuplicateHashes, 'Received duplicate hashes for the `chainHead_v1_unpin` method');
        }
        // All or nothing: check every hash before unpinning any.
        for (const h of hashes) if (!f.pinned.has(h)) throw invalidBlock();
        for (const h of hashes) f.pinned.delete(h);
        return null;
      },
    }),
  );
}

/**
 * Run a storage operation: pages of at most `storagePageItems` items / `storagePageBytes` bytes, one per turn;
 * after a page holding descendants, when more remain, `operationWaitingForContinue` and a pause until
 * `chainHead_v1_continue`. The trie is resolved when the operation first runs.
 */
function runStorage(f: Follow, op: Operation, trieOf: () => ReturnType<typeof queryTrie>, queries: StorageQuery[], limits: ChainHeadLimits): void {
  let results: Generator<ProducedItem, void, undefined> | undefined;
  // An item pulled that did not fit in the previous page.
  let pending: ProducedItem | undefined;
  const fail = (error: string) => {
    f.emit({ event: 'operationError', operationId: op.id, error });
    f.endOperation(op);
  };
  const step = () => {
    const page: ProducedItem[] = [];
    let bytes = 0; // ≤ storagePageBytes, or one item's size
    let done = false;
    try {
      if (results === undefined) {
        const trie = trieOf();
        if (trie === null) return fail('block state not found in the database');
        results = storageResults(trie, queries);
      }
      for (;;) {
        let next = pending;
        pending = undefined;
        if (next === undefined) {
          const r = results.next();
          if (r.done) {
            done = true;
            break;
          }
          next = r.value;
        }
        if (page.length > 0 && (page.length >= limits.storagePageItems || bytes + next.bytes > limits.storagePageBytes)) {
          pending = next;
          break;
        }
        page.push(next);
        bytes += next.bytes;
      }
    } catch (e) {
      return fail(`could not read the state: ${errorMessage(e)}`);
    }
    if (page.length > 0) f.emit({ event: 'operationStorageItems', operationId: op.id, items: page.map((p) => p.item) });
    if (done) {
      f.emit({ event: 'operationStorageDone', operationId: op.id });
      f.endOperation(op);
      return;
    }
    if (page.some((p) => p.descendant) && queries.some((q) => isDescendantsQuery(q.type))) {
      // Flow control: the client reads this page before asking for the next one.
      f.emit({ event: 'operationWaitingForContinue', operationId: op.id });
      op.resume = step;
      return;
    }
    f.schedule(op, step);
  };
  f.schedule(op, step);
}
