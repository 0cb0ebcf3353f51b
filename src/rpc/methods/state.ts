/** `state_*` (basic set): storage reads and key paging at any block. */
import { z } from 'zod';
import { compareBytes, startsWith, toHex } from '../../primitives/bytes.js';
import { defineMethod, type RpcServer } from '../server.js';
import { hexBytes, optional, optionalBlockHash, tupleParams } from '../params.js';
import { resolveAt, type RpcNode } from './context.js';

/** Largest page of `state_getKeysPaged` (Substrate's limit). */
export const MAX_KEYS_PAGE = 1000;

/** Register the basic `state_*` methods. */
export function registerStateMethods(server: RpcServer, node: RpcNode): void {
  const { chain } = node;
  server.register(
    defineMethod({
      name: 'state_getStorage',
      params: tupleParams(hexBytes, optionalBlockHash),
      handler: ([key, at]) => {
        const hash = resolveAt(node, at);
        const v = chain.stateAt(hash)!.get(key);
        return v === undefined ? null : toHex(v);
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'state_getKeysPaged',
      params: tupleParams(hexBytes, z.number().int().min(0).max(MAX_KEYS_PAGE), optional(hexBytes), optionalBlockHash),
      handler: ([prefix, count, startKey, at]) => {
        const hash = resolveAt(node, at);
        const state = chain.stateAt(hash)!;
        const out: string[] = [];
        // Keys strictly after startKey (when it is past the prefix), in byte order, under the prefix.
        let k: Uint8Array | undefined;
        if (startKey !== undefined && compareBytes(startKey, prefix) >= 0) k = state.nextKey(startKey);
        else k = state.get(prefix) !== undefined ? prefix : state.nextKey(prefix);
        while (k !== undefined && out.length < count && startsWith(k, prefix)) {
          out.push(toHex(k));
          k = state.nextKey(k);
        }
        return out;
      },
    }),
  );
}
