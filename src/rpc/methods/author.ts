/** `author_*` (basic set): submit, submit-and-watch and pending extrinsics. */
import { toHex } from '../../primitives/bytes.js';
import { SubmitError } from '../../node/transactions.js';
import type { TxStatus } from '../../txpool/types.js';
import { RpcError } from '../errors.js';
import { defineMethod, defineSubscription, type RpcServer } from '../server.js';
import { hexBytes, tupleParams } from '../params.js';
import type { RpcNode } from './context.js';

/** A pool status as Substrate's `author_extrinsicUpdate` shows it. */
export function statusJson(s: TxStatus): unknown {
  switch (s.type) {
    case 'future':
    case 'ready':
    case 'dropped':
    case 'invalid':
      return s.type;
    case 'broadcast':
      return { broadcast: s.peers };
    case 'inBlock':
      return { inBlock: toHex(s.blockHash) };
    case 'retracted':
      return { retracted: toHex(s.blockHash) };
    case 'finalityTimeout':
      return { finalityTimeout: toHex(s.blockHash) };
    case 'finalized':
      return { finalized: toHex(s.blockHash) };
    case 'usurped':
      return { usurped: toHex(s.by) };
  }
}

const TERMINAL = new Set(['finalized', 'usurped', 'dropped', 'invalid', 'finalityTimeout']);

async function submit(node: RpcNode, bytes: Uint8Array): Promise<Uint8Array> {
  try {
    return await node.txs.submit(bytes);
  } catch (e) {
    if (e instanceof SubmitError) throw new RpcError(e.code, e.message, e.data);
    throw e;
  }
}

/** Register the basic `author_*` methods. */
export function registerAuthorMethods(server: RpcServer, node: RpcNode): void {
  server.register(
    defineMethod({
      name: 'author_submitExtrinsic',
      params: tupleParams(hexBytes),
      handler: async ([bytes]) => toHex(await submit(node, bytes)),
    }),
  );
  server.register(
    defineMethod({
      name: 'author_pendingExtrinsics',
      params: tupleParams(),
      handler: () => node.txs.pool.pending().map((t) => toHex(t.bytes)),
    }),
  );
  server.registerSubscription(
    defineSubscription({
      subscribe: 'author_submitAndWatchExtrinsic',
      unsubscribe: 'author_unwatchExtrinsic',
      notification: 'author_extrinsicUpdate',
      params: tupleParams(hexBytes),
      start: async ([bytes], emit, ctx) => {
        const hash = await submit(node, bytes);
        const initial = node.txs.pool.status(hash);
        let unwatch: (() => void) | undefined;
        const onStatus = (s: TxStatus) => {
          emit(statusJson(s));
          if (TERMINAL.has(s.type)) ctx.close();
        };
        if (initial.type === 'ready' || initial.type === 'future') {
          // `watch` reports the current `ready`/`future` first, then every change: emitting it here too sent it twice.
          unwatch = node.txs.pool.watch(hash, onStatus);
        } else {
          // Already included between submission and here: report where it is.
          const loc = node.chain.db.getTxLocation(hash);
          if (loc) {
            emit({ inBlock: toHex(loc.blockHash) });
            emit({ finalized: toHex(loc.blockHash) });
          } else emit('dropped');
          ctx.close();
        }
        return () => unwatch?.();
      },
    }),
  );
}
