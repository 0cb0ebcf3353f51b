/**
 * `chainSpec_v1_*` and `chainHead_v1_*` over a real WebSocket against an in-process node (real database, runtime,
 * pool and author; blocks produced on demand): event order, pinning and its limit, the follow limit, header /
 * body / call / storage operations with paging through `chainHead_v1_continue`, the operation limit, unpin and the
 * spec's error codes. Every expected value is recomputed from the chain itself (trie, codecs, hashing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/primitives/bytes.js';
import { blake2_256, blake2_64 } from '../../../src/primitives/hashing.js';
import { HeaderCodec, RuntimeVersionCodec } from '../../../src/primitives/types.js';
import { utf8 } from '../../../src/primitives/bytes.js';
import { SystemStorage } from '../../../src/pallets/system/index.js';
import type { Subscription, RpcClient } from '../../helpers/rpc-client.js';
import { RpcCallError } from '../../helpers/rpc-client.js';
import { V1Harness, type V1Server } from './harness.js';

type Ev = Record<string, unknown> & { event: string };

/** Expect `p` to fail with JSON-RPC `code`. */
async function expectCode(p: Promise<unknown>, code: number): Promise<RpcCallError> {
  const e = await p.then(
    (v) => {
      throw new Error(`expected error ${code}, got ${JSON.stringify(v)}`);
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RpcCallError);
  expect((e as RpcCallError).code).toBe(code);
  return e as RpcCallError;
}

/** Notifications up to and including the first for which `last` holds. */
async function until(sub: Subscription<Ev>, last: (e: Ev) => boolean): Promise<Ev[]> {
  const out: Ev[] = [];
  for (;;) {
    const e = await sub.next();
    out.push(e);
    if (last(e)) return out;
  }
}

/** Run an operation and collect its events (and `continue` through pages) until it ends. */
async function runOperation(client: RpcClient, sub: Subscription<Ev>, started: { result: string; operationId: string }): Promise<Ev[]> {
  expect(started.result).toBe('started');
  const out: Ev[] = [];
  for (;;) {
    const e = await sub.nextMatching((x) => x.operationId === started.operationId);
    out.push(e);
    if (e.event === 'operationWaitingForContinue') {
      expect(await client.call('chainHead_v1_continue', [sub.id, started.operationId])).toBeNull();
      continue;
    }
    if (e.event !== 'operationStorageItems') return out;
  }
}

const follow = (c: RpcClient, withRuntime = true) => c.subscribe<Ev>('chainHead_v1_follow', [withRuntime], 'chainHead_v1_unfollow');

describe('chainSpec_v1 and chainHead_v1 on an in-process dev node', () => {
  let h: V1Harness;
  let main: V1Server;
  /** Small limits: 3 pinned blocks, 4 operation slots, storage pages of 3 items. */
  let tight: V1Server;
  let client: RpcClient;

  beforeAll(async () => {
    h = await V1Harness.create();
    main = await h.serve();
    tight = await h.serve({ chainHead: { maxPinnedBlocks: 3, maxOperationsPerSubscription: 4, storagePageItems: 3 } });
    client = await h.connect(main);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('chainSpec_v1_* return the chain spec name, the genesis hash and the properties', async () => {
    expect(await client.call('chainSpec_v1_chainName')).toBe(h.spec.name);
    expect(await client.call('chainSpec_v1_genesisHash')).toBe(toHex(h.chain.genesisHash));
    expect(await client.call('chainSpec_v1_properties')).toEqual(h.spec.properties);
    expect(h.spec.name).toBe('Development');
  });

  it('follow: initialized (with the runtime), bestBlockChanged, then newBlock / bestBlockChanged / finalized per block, in order', async () => {
    const sub = await follow(client, true);
    const head = toHex(h.chain.head.hash);
    const [init, best] = await sub.take(2);
    expect(init.event).toBe('initialized');
    expect(init.finalizedBlockHashes).toEqual([head]);
    const v = h.chain.runtime.version;
    const rt = init.finalizedBlockRuntime as { type: string; spec: Record<string, unknown> };
    expect(rt.type).toBe('valid');
    expect(rt.spec).toEqual({
      specName: v.specName,
      implName: v.implName,
      specVersion: v.specVersion,
      implVersion: v.implVersion,
      transactionVersion: v.transactionVersion,
      apis: Object.fromEntries(v.apis.map(([id, n]) => [toHex(id), n])),
    });
    // The API ids are blake2_64 of the trait names.
    expect((rt.spec.apis as Record<string, number>)[toHex(blake2_64(utf8('Core')))]).toBe(5);
    expect(best).toEqual({ event: 'bestBlockChanged', bestBlockHash: head });

    const b1 = await h.produce();
    const b2 = await h.produce();
    const events = await sub.take(6);
    expect(events).toEqual([
      { event: 'newBlock', blockHash: toHex(b1.hash), parentBlockHash: head, newRuntime: null },
      { event: 'bestBlockChanged', bestBlockHash: toHex(b1.hash) },
      { event: 'finalized', finalizedBlockHashes: [toHex(b1.hash)], prunedBlockHashes: [] },
      { event: 'newBlock', blockHash: toHex(b2.hash), parentBlockHash: toHex(b1.hash), newRuntime: null },
      { event: 'bestBlockChanged', bestBlockHash: toHex(b2.hash) },
      { event: 'finalized', finalizedBlockHashes: [toHex(b2.hash)], prunedBlockHashes: [] },
    ]);
    expect(await client.call('chainHead_v1_unfollow', [sub.id])).toBeNull();
    await h.produce();
    // After unfollow nothing more arrives: a header call on it is answered null (stale subscription).
    expect(await client.call('chainHead_v1_header', [sub.id, toHex(b2.hash)])).toBeNull();
    expect(sub.buffered).toEqual([]);
  });

  it('follow(false): no runtime in initialized, no newRuntime member in newBlock; call is refused with -32802', async () => {
    const sub = await follow(client, false);
    const [init] = await sub.take(2);
    expect(init).toEqual({ event: 'initialized', finalizedBlockHashes: [toHex(h.chain.head.hash)] });
    const b = await h.produce();
    const [nb] = await sub.take(3);
    expect(nb).toEqual({ event: 'newBlock', blockHash: toHex(b.hash), parentBlockHash: toHex(b.header.parentHash) });
    await expectCode(client.call('chainHead_v1_call', [sub.id, toHex(b.hash), 'Core_version', '0x']), -32802);
    await sub.unsubscribe();
  });

  it('at most 2 follow subscriptions per connection: the third gets -32800; unfollowing frees a place', async () => {
    const c = await h.connect(main);
    const a = await follow(c);
    const b = await follow(c);
    const e = await expectCode(follow(c), -32800);
    expect(e.rpcMessage).toContain('chainHead_follow');
    // Another connection has its own allowance.
    const other = await follow(client);
    expect(await c.call('chainHead_v1_unfollow', [a.id])).toBeNull();
    const d = await follow(c);
    expect((await d.next()).event).toBe('initialized');
    for (const s of [b, d, other]) await s.unsubscribe();
  });

  it('pinning: reporting one block more than the limit emits stop and ends the subscription; unpinning keeps it alive', async () => {
    const c = await h.connect(tight);
    const kept = await follow(c);
    const dropped = await follow(c);
    for (const s of [kept, dropped]) await s.take(2);
    const pinnedKept: string[] = [toHex(h.chain.head.hash)];
    // 3 pinned allowed: the initial block plus two new ones fit, the fourth report stops `dropped`.
    for (let i = 0; i < 4; i++) {
      const b = await h.produce();
      const hash = toHex(b.hash);
      const ev = await kept.take(3);
      expect(ev[0]).toMatchObject({ event: 'newBlock', blockHash: hash });
      pinnedKept.push(hash);
      // `kept` unpins everything but the newest block.
      expect(await c.call('chainHead_v1_unpin', [kept.id, pinnedKept.slice(0, -1)])).toBeNull();
      pinnedKept.splice(0, pinnedKept.length - 1);
      if (i < 2) {
        expect((await dropped.take(3)).map((e) => e.event)).toEqual(['newBlock', 'bestBlockChanged', 'finalized']);
      } else if (i === 2) {
        expect(await dropped.next()).toEqual({ event: 'stop' });
      }
    }
    expect(dropped.buffered).toEqual([]);
    // The stopped subscription is gone: header is null, operations get limitReached, unpin is ignored.
    const head = toHex(h.chain.head.hash);
    expect(await c.call('chainHead_v1_header', [dropped.id, head])).toBeNull();
    expect(await c.call('chainHead_v1_body', [dropped.id, head])).toEqual({ result: 'limitReached' });
    expect(await c.call('chainHead_v1_storage', [dropped.id, head, [{ key: '0x', type: 'value' }], null])).toEqual({ result: 'limitReached' });
    expect(await c.call('chainHead_v1_unpin', [dropped.id, head])).toBeNull();
    // Its place is free again (2 per connection).
    const again = await follow(c);
    expect((await again.next()).event).toBe('initialized');
    expect((await c.call<string>('chainHead_v1_header', [kept.id, pinnedKept[0]]))).toMatch(/^0x/);
    await again.unsubscribe();
    await kept.unsubscribe();
  });

  it('header: the SCALE header of a pinned block (hash = blake2_256 of it); -32801 for unknown or unpinned hashes', async () => {
    const sub = await follow(client);
    const [init] = await sub.take(2);
    const hash = (init.finalizedBlockHashes as string[])[0];
    const hex = await client.call<string>('chainHead_v1_header', [sub.id, hash]);
    expect(toHex(blake2_256(fromHex(hex)))).toBe(hash);
    expect(hex).toBe(toHex(HeaderCodec.encode(h.chain.header(fromHex(hash))!)));
    // A real block this subscription never reported (genesis) is not pinned.
    await expectCode(client.call('chainHead_v1_header', [sub.id, toHex(h.chain.genesisHash)]), -32801);
    await expectCode(client.call('chainHead_v1_header', [sub.id, '0x' + '11'.repeat(32)]), -32801);
    await expectCode(client.call('chainHead_v1_header', [sub.id, '0x1234']), -32602);
    expect(await client.call('chainHead_v1_unpin', [sub.id, hash])).toBeNull();
    await expectCode(client.call('chainHead_v1_header', [sub.id, hash]), -32801);
    await expectCode(client.call('chainHead_v1_unpin', [sub.id, hash]), -32801);
    await sub.unsubscribe();
  });

  it('unpin: duplicates give -32804, an unknown hash gives -32801 and nothing is unpinned', async () => {
    const sub = await follow(client);
    await sub.take(2);
    const b = await h.produce();
    await sub.take(3);
    const h0 = toHex(b.header.parentHash);
    const h1 = toHex(b.hash);
    await expectCode(client.call('chainHead_v1_unpin', [sub.id, [h0, h1, h0]]), -32804);
    await expectCode(client.call('chainHead_v1_unpin', [sub.id, [h0, '0x' + '22'.repeat(32)]]), -32801);
    expect(await client.call<string>('chainHead_v1_header', [sub.id, h0])).toMatch(/^0x/);
    expect(await client.call('chainHead_v1_unpin', [sub.id, [h0, h1]])).toBeNull();
    await expectCode(client.call('chainHead_v1_header', [sub.id, h1]), -32801);
    expect(await client.call('chainHead_v1_unpin', [sub.id, []])).toBeNull();
    await sub.unsubscribe();
  });

  it('body: operationBodyDone with the block extrinsics, including a signed transfer', async () => {
    const sub = await follow(client);
    await sub.take(2);
    const xt = h.transfer(h.keys.bob, h.keys.charlie.publicKey, 1_000_000n);
    await h.txs.submit(xt);
    const b = await h.produce();
    await sub.take(3);
    const started = await client.call<{ result: string; operationId: string }>('chainHead_v1_body', [sub.id, toHex(b.hash)]);
    const [done] = await runOperation(client, sub, started);
    expect(done).toEqual({ event: 'operationBodyDone', operationId: started.operationId, value: h.chain.body(b.hash)!.map((x) => toHex(x)) });
    expect((done.value as string[])).toContain(toHex(xt));
    await expectCode(client.call('chainHead_v1_body', [sub.id, toHex(h.chain.genesisHash)]), -32801);
    expect(await client.call('chainHead_v1_body', ['nope', toHex(b.hash)])).toEqual({ result: 'limitReached' });
    await sub.unsubscribe();
  });

  it('call: Core_version and Metadata_metadata_versions outputs; operationError for an unknown function or bad input', async () => {
    const sub = await follow(client);
    const [init] = await sub.take(2);
    const hash = (init.finalizedBlockHashes as string[])[0];
    const call = (fn: string, input: string) => client.call<{ result: string; operationId: string }>('chainHead_v1_call', [sub.id, hash, fn, input]);
    const [v] = await runOperation(client, sub, await call('Core_version', '0x'));
    expect(v.event).toBe('operationCallDone');
    expect(RuntimeVersionCodec.decode(fromHex(v.output as string))).toEqual(h.chain.runtime.version);
    const [m] = await runOperation(client, sub, await call('Metadata_metadata_versions', '0x'));
    expect(m).toMatchObject({ event: 'operationCallDone', output: '0x080e0000000f000000' });
    const [n] = await runOperation(client, sub, await call('AccountNonceApi_account_nonce', toHex(h.keys.bob.publicKey)));
    expect(n.output).toBe(toHex(new Uint8Array(new Uint32Array([h.nonce(h.keys.bob.publicKey)]).buffer)));
    const [unknown] = await runOperation(client, sub, await call('Nope_nothing', '0x'));
    expect(unknown).toMatchObject({ event: 'operationError' });
    expect(unknown.error).toContain('Nope_nothing');
    const [bad] = await runOperation(client, sub, await call('Core_version', '0x01'));
    expect(bad.event).toBe('operationError');
    await expectCode(client.call('chainHead_v1_call', [sub.id, hash, 'Core_version', 'zz']), -32602);
    await sub.unsubscribe();
  });

  it('storage: value, hash and closestDescendantMerkleValue match the trie; absent keys give no item', async () => {
    const sub = await follow(client);
    const [init] = await sub.take(2);
    const hash = (init.finalizedBlockHashes as string[])[0];
    const trie = h.chain.trieAt(fromHex(hash))!;
    const aliceKey = SystemStorage.Account.keyOf(h.keys.alice.publicKey);
    const prefix = SystemStorage.Account.prefix;
    const alice = trie.get(aliceKey)!;
    const absent = new Uint8Array([0xde, 0xad]);
    const started = await client.call<{ result: string; operationId: string; discardedItems: number }>('chainHead_v1_storage', [
      sub.id,
      hash,
      [
        { key: toHex(aliceKey), type: 'value' },
        { key: toHex(aliceKey), type: 'hash' },
        { key: toHex(prefix), type: 'closestDescendantMerkleValue' },
        { key: '0x', type: 'closestDescendantMerkleValue' },
        { key: toHex(absent), type: 'value' },
      ],
      null,
    ]);
    expect(started.discardedItems).toBe(0);
    const events = await runOperation(client, sub, started);
    expect(events.map((e) => e.event)).toEqual(['operationStorageItems', 'operationStorageDone']);
    expect(events[0].items).toEqual([
      { key: toHex(aliceKey), value: toHex(alice) },
      { key: toHex(aliceKey), hash: toHex(blake2_256(alice)) },
      { key: toHex(prefix), closestDescendantMerkleValue: toHex(trie.closestDescendantMerkleValue(prefix)!) },
      // The closest descendant of the empty key is the root node: its Merkle value is the state root.
      { key: '0x', closestDescendantMerkleValue: toHex(h.chain.header(fromHex(hash))!.stateRoot) },
    ]);
    // A child trie that does not exist holds nothing.
    const child = await client.call<{ result: string; operationId: string }>('chainHead_v1_storage', [sub.id, hash, [{ key: '0x', type: 'descendantsValues' }], '0x0102']);
    expect((await runOperation(client, sub, child)).map((e) => e.event)).toEqual(['operationStorageDone']);
    await expectCode(client.call('chainHead_v1_storage', [sub.id, toHex(h.chain.genesisHash), [], null]), -32801);
    await expectCode(client.call('chainHead_v1_storage', [sub.id, hash, [{ key: '0x', type: 'everything' }], null]), -32602);
    await sub.unsubscribe();
  });

  it('storage: descendantsValues / descendantsHashes over System.Account come in pages of 3 with continue, equal to the trie entries', async () => {
    const c = await h.connect(tight);
    const sub = await follow(c);
    const [init] = await sub.take(2);
    const hash = (init.finalizedBlockHashes as string[])[0];
    const trie = h.chain.trieAt(fromHex(hash))!;
    const prefix = SystemStorage.Account.prefix;
    const expected = [...trie.entries(prefix)].map(([k, v]) => ({ key: toHex(k), value: toHex(v) }));
    expect(expected.length).toBeGreaterThan(3);
    const started = await c.call<{ result: string; operationId: string }>('chainHead_v1_storage', [sub.id, hash, [{ key: toHex(prefix), type: 'descendantsValues' }], null]);
    const events = await runOperation(c, sub, started);
    const pages = events.filter((e) => e.event === 'operationStorageItems').map((e) => e.items as unknown[]);
    expect(pages.every((p) => p.length <= 3)).toBe(true);
    expect(pages.flat()).toEqual(expected);
    expect(events.filter((e) => e.event === 'operationWaitingForContinue').length).toBe(Math.ceil(expected.length / 3) - 1);
    expect(events.at(-1)!.event).toBe('operationStorageDone');

    const hashes = await runOperation(c, sub, await c.call('chainHead_v1_storage', [sub.id, hash, [{ key: toHex(prefix), type: 'descendantsHashes' }], null]));
    expect(hashes.filter((e) => e.event === 'operationStorageItems').flatMap((e) => e.items as unknown[])).toEqual(
      [...trie.entries(prefix)].map(([k, v]) => ({ key: toHex(k), hash: toHex(blake2_256(v)) })),
    );
    await sub.unsubscribe();
  });

  it('operations are limited per subscription (4 here): items beyond the free slots are discarded, then limitReached until one ends', async () => {
    const c = await h.connect(tight);
    const sub = await follow(c);
    const [init] = await sub.take(2);
    const hash = (init.finalizedBlockHashes as string[])[0];
    const prefix = toHex(SystemStorage.Account.prefix);
    const items = Array.from({ length: 6 }, () => ({ key: prefix, type: 'descendantsValues' }));
    const big = await c.call<{ result: string; operationId: string; discardedItems: number }>('chainHead_v1_storage', [sub.id, hash, items, null]);
    expect(big).toMatchObject({ result: 'started', discardedItems: 2 });
    // The operation holds its 4 slots while it waits for continue.
    await sub.nextMatching((e) => e.event === 'operationWaitingForContinue' && e.operationId === big.operationId);
    expect(await c.call('chainHead_v1_body', [sub.id, hash])).toEqual({ result: 'limitReached' });
    expect(await c.call('chainHead_v1_call', [sub.id, hash, 'Core_version', '0x'])).toEqual({ result: 'limitReached' });
    expect(await c.call('chainHead_v1_storage', [sub.id, hash, [{ key: '0x', type: 'value' }], null])).toEqual({ result: 'limitReached' });
    // Stopping it frees the slots; continue on it is then ignored, and no event of it follows.
    expect(await c.call('chainHead_v1_stopOperation', [sub.id, big.operationId])).toBeNull();
    expect(await c.call('chainHead_v1_continue', [sub.id, big.operationId])).toBeNull();
    const body = await c.call<{ result: string; operationId: string }>('chainHead_v1_body', [sub.id, hash]);
    const seen = await until(sub as Subscription<Ev>, (e) => e.operationId === body.operationId);
    expect(seen.filter((e) => e.operationId === big.operationId)).toEqual([]);
    expect(seen.at(-1)!.event).toBe('operationBodyDone');
    await sub.unsubscribe();
  });

  it('continue on an operation that is not waiting gives -32803; stopOperation and continue with unknown ids are ignored', async () => {
    const c = await h.connect(tight);
    const sub = await follow(c);
    const [init] = await sub.take(2);
    const hash = (init.finalizedBlockHashes as string[])[0];
    const prefix = toHex(SystemStorage.Account.prefix);
    const op = await c.call<{ result: string; operationId: string }>('chainHead_v1_storage', [sub.id, hash, [{ key: prefix, type: 'descendantsHashes' }], null]);
    await sub.nextMatching((e) => e.event === 'operationWaitingForContinue');
    // Two continues in one batch: both run before the next page is produced, so only the first finds the
    // operation waiting.
    const [first, second] = await c.batch([
      ['chainHead_v1_continue', [sub.id, op.operationId]],
      ['chainHead_v1_continue', [sub.id, op.operationId]],
    ]);
    expect(first).toEqual({ ok: true, result: null });
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.error.code).toBe(-32803);
    // The operation goes on normally after that.
    const rest = await runOperation(c, sub, op);
    expect(rest.at(-1)!.event).toBe('operationStorageDone');
    expect(await c.call('chainHead_v1_continue', [sub.id, 'no-such-op'])).toBeNull();
    expect(await c.call('chainHead_v1_stopOperation', [sub.id, 'no-such-op'])).toBeNull();
    expect(await c.call('chainHead_v1_continue', ['no-such-sub', op.operationId])).toBeNull();
    await sub.unsubscribe();
  });
});
