/** `chain_*`: block hashes, headers, blocks and head subscriptions. */
import { z } from 'zod';
import { toHex } from '../../primitives/bytes.js';
import { defineMethod, defineSubscription, type RpcServer } from '../server.js';
import { blockNumber, optional, optionalBlockHash, tupleParams } from '../params.js';
import type { ChainHead } from '../../node/chain.js';
import { headerJson, type RpcNode } from './context.js';
import { bodyJson } from './block-json.js';
import { RawJson } from '../protocol.js';

const EMPTY_BODY = Buffer.from('[]');


/** Register the `chain_*` methods. */
export function registerChainMethods(server: RpcServer, node: RpcNode): void {
  const { chain } = node;
  const hashAt = (n: number | undefined) => {
    if (n === undefined) return toHex(chain.head.hash);
    const h = chain.hashAt(n);
    return h === undefined ? null : toHex(h);
  };
  server.register(
    defineMethod({
      name: 'chain_getBlockHash',
      params: tupleParams(optional(z.union([blockNumber, z.array(blockNumber).max(1000)]))),
      handler: ([n]) => (Array.isArray(n) ? n.map((x) => hashAt(x)) : hashAt(n ?? undefined)),
    }),
  );
  server.register(
    defineMethod({
      name: 'chain_getHeader',
      params: tupleParams(optionalBlockHash),
      handler: ([at]) => {
        const h = at === undefined ? chain.head.header : chain.header(at);
        return h === undefined ? null : headerJson(h);
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'chain_getBlock',
      heavy: true,
      params: tupleParams(optionalBlockHash),
      handler: ([at]) => {
        const hash = at ?? chain.head.hash;
        const header = chain.header(hash);
        if (header === undefined) return null;
        const body = bodyJson(chain, hash) ?? EMPTY_BODY;
        const justification = chain.db.getJustification(hash);
        const justifications = justification === undefined ? null : [[[...justification.subarray(0, 4)], toHex(justification.subarray(4))]];
        // The same text as serializing {block: {header, extrinsics}, justifications}, with the (cached) body spliced in.
        return new RawJson(
          Buffer.from(`{"block":{"header":${JSON.stringify(headerJson(header))},"extrinsics":`),
          body,
          Buffer.from(`},"justifications":${JSON.stringify(justifications)}}`),
        );
      },
    }),
  );
  server.register(defineMethod({ name: 'chain_getFinalizedHead', params: tupleParams(), handler: () => toHex(chain.head.hash) }));
  server.register(defineMethod({ name: 'chain_getFinalisedHead', params: tupleParams(), handler: () => toHex(chain.head.hash) }));

  const headSubscription = (subscribe: string[], unsubscribe: string[], notification: string) =>
    defineSubscription({
      subscribe,
      unsubscribe,
      notification,
      params: tupleParams(),
      start: (_p, emit) => {
        const on = (head: ChainHead) => emit(headerJson(head.header));
        emit(headerJson(chain.head.header));
        chain.on('block', on);
        return () => chain.off('block', on);
      },
    });
  // Finality is immediate on this chain: new, all and finalized heads are the same stream.
  server.registerSubscription(headSubscription(['chain_subscribeNewHeads', 'chain_subscribeNewHead', 'subscribe_newHead'], ['chain_unsubscribeNewHeads', 'chain_unsubscribeNewHead', 'unsubscribe_newHead'], 'chain_newHead'));
  server.registerSubscription(headSubscription(['chain_subscribeFinalizedHeads', 'chain_subscribeFinalisedHeads'], ['chain_unsubscribeFinalizedHeads', 'chain_unsubscribeFinalisedHeads'], 'chain_finalizedHead'));
  server.registerSubscription(headSubscription(['chain_subscribeAllHeads'], ['chain_unsubscribeAllHeads'], 'chain_allHead'));
}
