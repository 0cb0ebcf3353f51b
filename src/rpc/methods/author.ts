/** `author_*` (basic set): submit, submit-and-watch and pending extrinsics. */
import { toHex } from '../../primitives/bytes.js';
import { SubmitError } from '../../node/transactions.js';
import type { TxStatus } from '../../txpool/types.js';
import { RpcError } from '../errors.js';
import { defineMethod, defineSubscription, type RpcServer } from '../server.js';
import { boundedArray, hash32, hexBytes, tupleParams } from '../params.js';
import { z } from 'zod';
import { blake2_256 } from '../../primitives/hashing.js';
import { KeystoreError } from '../../node/keystore.js';
import { KeyError } from '../../crypto/keys.js';

/** Code for keystore failures (unsupported key type, bad secret URI, key mismatch): Substrate's author error range. */
const AUTHOR_KEYSTORE_ERROR = 1005;
import type { RpcNode } from './context.js';
import type { Chain } from '../../node/chain.js';

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

/** Longest wait for the next block before a held `finalized` notice is sent anyway (ms). */
const FINALIZED_NOTICE_FALLBACK_MS = 2_000;

/**
 * Callbacks run once at the next committed block, behind ONE `block` listener per chain: a block that finalizes
 * thousands of watched transfers used to add (and the next one remove) a listener per transfer, each removal a scan
 * of the emitter's listener array on the thread that runs consensus.
 */
class NextBlockWaiters {
  readonly #waiting = new Set<() => void>();
  #listening = false;
  readonly #fire = (): void => {
    const due = [...this.#waiting];
    this.#waiting.clear();
    this.#chain.off('block', this.#fire);
    this.#listening = false;
    for (const fn of due) fn();
  };

  readonly #chain: Chain;

  constructor(chain: Chain) {
    this.#chain = chain;
  }

  /** Run `fn` at the next block; returns the function that cancels it. */
  add(fn: () => void): () => void {
    this.#waiting.add(fn);
    if (!this.#listening) {
      this.#listening = true;
      this.#chain.on('block', this.#fire);
    }
    return () => {
      this.#waiting.delete(fn);
      if (this.#waiting.size === 0 && this.#listening) {
        this.#listening = false;
        this.#chain.off('block', this.#fire);
      }
    };
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

/** Register the `author_*` methods and `dcn_transactionStatus`. */
export function registerAuthorMethods(server: RpcServer, node: RpcNode): void {
  const nextBlock = new NextBlockWaiters(node.chain);
  server.register(
    defineMethod({
      name: 'author_removeExtrinsic',
      unsafe: true,
      params: tupleParams(boundedArray(z.union([z.object({ Hash: hash32 }), z.object({ Extrinsic: hexBytes })]), 1000)),
      handler: ([items]) => {
        const hashes = items.map((i) => ('Hash' in i ? i.Hash : blake2_256(i.Extrinsic)));
        return node.txs.pool.remove(hashes, 'removed by author_removeExtrinsic').map((t) => toHex(t.hash));
      },
    }),
  );
  const keyCall = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof KeystoreError || e instanceof KeyError) throw new RpcError(AUTHOR_KEYSTORE_ERROR, `Keystore error: ${e.message}`);
      throw e;
    }
  };
  server.register(
    defineMethod({
      name: 'author_insertKey',
      unsafe: true,
      params: tupleParams(z.string(), z.string().min(1).max(1024), hexBytes),
      handler: ([keyType, suri, publicKey]) => keyCall(() => node.keystore.insert(keyType, suri, publicKey)) ?? null,
    }),
  );
  server.register(
    defineMethod({
      name: 'author_hasKey',
      unsafe: true,
      params: tupleParams(hexBytes, z.string()),
      handler: ([publicKey, keyType]) => keyCall(() => node.keystore.has(keyType, publicKey)),
    }),
  );
  server.register(
    defineMethod({
      name: 'author_rotateKeys',
      unsafe: true,
      params: tupleParams(),
      // The session keys of this chain are one ed25519 consensus key; its SCALE encoding is the 32 bytes.
      handler: () => toHex(keyCall(() => node.keystore.generate('dcns'))),
    }),
  );
  server.register(
    defineMethod({
      name: 'author_hasSessionKeys',
      unsafe: true,
      params: tupleParams(hexBytes),
      handler: ([keys]) => keys.length === 32 && node.keystore.has('dcns', keys),
    }),
  );
  server.register(
    defineMethod({
      name: 'dcn_transactionStatus',
      params: tupleParams(hash32),
      handler: ([hash]) => node.txs.status(hash),
    }),
  );
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
        let deferred: (() => void) | undefined;
        const onStatus = (s: TxStatus) => {
          if (s.type === 'finalized') {
            // Finality is immediate here, but wallets (@polkadot/api's switchMap) drop an `inBlock` that is
            // followed at once by `finalized`: report finality when the next block commits, as GRANDPA would.
            const fire = () => {
              deferred?.();
              deferred = undefined;
              emit(statusJson(s));
              ctx.close();
            };
            const timer = setTimeout(fire, FINALIZED_NOTICE_FALLBACK_MS);
            const cancel = nextBlock.add(fire);
            deferred = () => {
              clearTimeout(timer);
              cancel();
            };
            return;
          }
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
        return () => {
          unwatch?.();
          deferred?.();
        };
      },
    }),
  );
}
