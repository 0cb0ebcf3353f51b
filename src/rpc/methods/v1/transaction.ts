/**
 * `transaction_v1_broadcast` / `transaction_v1_stop` and `transactionWatch_v1_submitAndWatch` /
 * `transactionWatch_v1_unwatch`.
 *
 * Both submit to the node's pool. Each watches the transaction's hash BEFORE submitting it, so no status can fall
 * between the submission and the watch (the pool reports `ready`/`future` to watchers as the transaction enters).
 *
 * Broadcast: the spec forbids telling the client anything about validity, so refusals are only logged. An
 * operation stays known until `transaction_v1_stop` (so stopping a transaction that was meanwhile finalized is not
 * an error); its watch ends at the transaction's last status. At most `maxBroadcasts` operations are kept: beyond,
 * the oldest finished one is forgotten, and when all are still running the call returns `null` (the spec's answer
 * when the limit is reached). This node has no peers to re-broadcast to, so a dropped transaction is not resubmitted.
 */
import { randomBytes } from 'node:crypto';
import { toHex } from '../../../primitives/bytes.js';
import { blake2_256 } from '../../../primitives/hashing.js';
import { SubmitError } from '../../../node/transactions.js';
import type { TxStatus } from '../../../txpool/types.js';
import { RpcError } from '../../errors.js';
import { defineMethod, defineSubscription, type RpcServer, type SubscriptionContext } from '../../server.js';
import { hexBytes, tupleParams } from '../../params.js';
import { ConnectionRegistry, V1_ERROR, opaqueId, type V1Node } from './common.js';

/** Limits of the transaction groups. */
export interface TransactionLimits {
  /** Broadcast operations remembered at once (running or finished, not yet stopped), 1 ≤ n ≤ 2^24; default 4,096. */
  maxBroadcasts: number;
}

/** Default {@link TransactionLimits}. */
export const DEFAULT_TRANSACTION_LIMITS: Readonly<TransactionLimits> = Object.freeze({ maxBroadcasts: 4096 });

/** A `transactionWatch_v1_watchEvent` result, or nothing for a status the spec does not report. */
export function watchEventOf(s: TxStatus): Record<string, unknown> | undefined {
  switch (s.type) {
    case 'ready':
    case 'future':
      return { event: 'validated' };
    case 'broadcast':
      return undefined;
    case 'inBlock':
      return { event: 'bestChainBlockIncluded', block: { hash: toHex(s.blockHash), index: s.index } };
    case 'retracted':
      return { event: 'bestChainBlockIncluded', block: null };
    case 'finalized':
      return { event: 'finalized', block: { hash: toHex(s.blockHash), index: s.index } };
    case 'finalityTimeout':
      return { event: 'dropped', error: `the block ${toHex(s.blockHash)} including the transaction was not finalized in time` };
    case 'usurped':
      return { event: 'invalid', error: `the transaction was replaced by ${toHex(s.by)}` };
    case 'dropped':
      return { event: 'dropped', error: s.reason };
    case 'invalid':
      return { event: 'invalid', error: s.reason };
  }
}

/** Events after which no more are sent. */
const TERMINAL_EVENTS = new Set(['finalized', 'invalid', 'dropped', 'error']);

/** The `invalid` / `error` event for a refused submission. */
function refusalEvent(e: unknown): { event: 'invalid' | 'error'; error: string } {
  if (e instanceof SubmitError) return { event: 'invalid', error: e.data === undefined ? e.message : `${e.message}: ${e.data}` };
  return { event: 'error', error: e instanceof Error ? e.message : String(e) };
}

interface Broadcast {
  /** Stops watching the pool; undefined once the transaction reached its last status. */
  unwatch: (() => void) | undefined;
}

/** Register `transaction_v1_*` and `transactionWatch_v1_*`. */
export function registerTransactionMethods(server: RpcServer, node: V1Node, limits: TransactionLimits = DEFAULT_TRANSACTION_LIMITS): void {
  const { txs } = node;
  // Insertion order is age: the first finished entry found is the oldest.
  const broadcasts = new Map<string, Broadcast>();

  const finish = (b: Broadcast) => {
    b.unwatch?.();
    b.unwatch = undefined;
  };

  server.register(
    defineMethod({
      name: 'transaction_v1_broadcast',
      params: tupleParams(hexBytes),
      handler: ([bytes]) => {
        if (broadcasts.size >= limits.maxBroadcasts) {
          let evicted = false;
          for (const [id, b] of broadcasts) {
            if (b.unwatch !== undefined) continue;
            broadcasts.delete(id);
            evicted = true;
            break;
          }
          if (!evicted) return null;
        }
        const id = randomBytes(16).toString('hex');
        const b: Broadcast = { unwatch: undefined };
        broadcasts.set(id, b);
        b.unwatch = txs.pool.watch(blake2_256(bytes), (s) => {
          if (s.type === 'finalized' || s.type === 'finalityTimeout' || s.type === 'usurped' || s.type === 'dropped' || s.type === 'invalid') finish(b);
        });
        txs.submit(bytes).catch((e: unknown) => {
          // Already in the pool (e.g. broadcast twice): keep following it.
          if (e instanceof SubmitError && e.code === 1013) return;
          finish(b);
        });
        return id;
      },
    }),
  );

  server.register(
    defineMethod({
      name: 'transaction_v1_stop',
      params: tupleParams(opaqueId),
      handler: ([id]) => {
        const b = broadcasts.get(id);
        if (b === undefined) throw new RpcError(V1_ERROR.InvalidParams, 'Invalid operation id');
        finish(b);
        broadcasts.delete(id);
        return null;
      },
    }),
  );

  const watches = new ConnectionRegistry<SubscriptionContext>();
  server.registerSubscription(
    defineSubscription({
      subscribe: 'transactionWatch_v1_submitAndWatch',
      // Unwatching is the plain method below: the spec's return value is null.
      unsubscribe: [],
      notification: 'transactionWatch_v1_watchEvent',
      params: tupleParams(hexBytes),
      start: ([bytes], emit, ctx) => {
        watches.add(ctx.connectionId, ctx.subscriptionId, ctx);
        let ended = false;
        let lastValidated = false;
        let unwatch = () => {};
        const send = (event: Record<string, unknown>) => {
          if (ended) return;
          // Consecutive `validated` events say nothing new (the spec allows skipping them).
          const validated = event.event === 'validated';
          if (validated && lastValidated) return;
          lastValidated = validated;
          emit(event);
          if (TERMINAL_EVENTS.has(event.event as string)) {
            ended = true;
            unwatch();
            ctx.close();
          }
        };
        const hash = blake2_256(bytes);
        // A copy already in the pool is refused (`invalid`, as Substrate does): watching it would first say `validated`.
        if (!txs.pool.has(hash)) {
          unwatch = txs.pool.watch(hash, (s) => {
            const ev = watchEventOf(s);
            if (ev !== undefined) send(ev);
          });
        }
        txs.submit(bytes).catch((e: unknown) => send(refusalEvent(e)));
        return () => {
          ended = true;
          unwatch();
          watches.delete(ctx.connectionId, ctx.subscriptionId);
        };
      },
    }),
  );

  server.register(
    defineMethod({
      name: 'transactionWatch_v1_unwatch',
      params: tupleParams(opaqueId),
      handler: ([id], ctx) => {
        const sub = watches.get(ctx.connectionId, id);
        if (sub === undefined) throw new RpcError(V1_ERROR.InvalidParams, 'Invalid subscription id');
        sub.close();
        return null;
      },
    }),
  );
}
