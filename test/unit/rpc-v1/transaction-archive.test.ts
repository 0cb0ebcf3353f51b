/**
 * `transaction_v1_*`, `transactionWatch_v1_*` and `archive_v1_*` over a real WebSocket against an in-process node
 * (real database, runtime, pool and author; blocks produced on demand). Transfers are signed with
 * @polkadot/keyring (sr25519) over our extrinsic encoders, and their effects are read back from the chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/primitives/bytes.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { HeaderCodec } from '../../../src/primitives/types.js';
import { SystemStorage } from '../../../src/pallets/system/index.js';
import type { RpcClient } from '../../helpers/rpc-client.js';
import { RpcCallError } from '../../helpers/rpc-client.js';
import { V1Harness, type V1Server } from './harness.js';

type Ev = Record<string, unknown> & { event: string };

async function expectCode(p: Promise<unknown>, code: number): Promise<void> {
  const e = await p.then(
    (v) => {
      throw new Error(`expected error ${code}, got ${JSON.stringify(v)}`);
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RpcCallError);
  expect((e as RpcCallError).code).toBe(code);
}

const u32le = (n: number) => toHex(new Uint8Array(new Uint32Array([n]).buffer));

describe('transaction_v1, transactionWatch_v1 and archive_v1 on an in-process dev node', () => {
  let h: V1Harness;
  let main: V1Server;
  let client: RpcClient;

  beforeAll(async () => {
    h = await V1Harness.create();
    main = await h.serve();
    client = await h.connect(main);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('submitAndWatch: validated → bestChainBlockIncluded → finalized for a signed transfer, at its index in the block', async () => {
    const before = SystemStorage.Account.get(h.chain.headState(), h.keys.dave.publicKey).data.free;
    const xt = h.transfer(h.keys.alice, h.keys.dave.publicKey, 5_000_000n);
    const sub = await client.subscribe<Ev>('transactionWatch_v1_submitAndWatch', [toHex(xt)], 'transactionWatch_v1_unwatch');
    expect(await sub.next()).toEqual({ event: 'validated' });
    expect(h.txs.pool.has(blake2_256(xt))).toBe(true);
    const b = await h.produce();
    const [included, finalized] = await sub.take(2);
    const index = h.chain.body(b.hash)!.findIndex((x) => toHex(x) === toHex(xt));
    expect(index).toBeGreaterThan(0);
    expect(included).toEqual({ event: 'bestChainBlockIncluded', block: { hash: toHex(b.hash), index } });
    expect(finalized).toEqual({ event: 'finalized', block: { hash: toHex(b.hash), index } });
    expect(SystemStorage.Account.get(h.chain.headState(), h.keys.dave.publicKey).data.free).toBe(before + 5_000_000n);
    // The subscription ended with `finalized`: unwatching it now is an error, and nothing more arrives.
    await expectCode(client.call('transactionWatch_v1_unwatch', [sub.id]), -32602);
    await h.produce();
    expect(sub.buffered).toEqual([]);
  });

  it('submitAndWatch: a bad signature, undecodable bytes and a stale nonce give `invalid` (no JSON-RPC error); bad hex gives -32602', async () => {
    const good = h.transfer(h.keys.bob, h.keys.eve.publicKey, 1_000n);
    const tampered = good.slice();
    // Flip a bit in the signature (after the length prefix, 0x84, MultiAddress::Id, the signature tag).
    tampered[2 + 1 + 33 + 1 + 5] ^= 1;
    const bad = await client.subscribe<Ev>('transactionWatch_v1_submitAndWatch', [toHex(tampered)], 'transactionWatch_v1_unwatch');
    const ev = await bad.next();
    expect(ev.event).toBe('invalid');
    expect(String(ev.error)).toMatch(/signature/i);
    const garbage = await client.subscribe<Ev>('transactionWatch_v1_submitAndWatch', ['0x0102'], 'transactionWatch_v1_unwatch');
    expect((await garbage.next()).event).toBe('invalid');
    const stale = h.transfer(h.keys.alice, h.keys.eve.publicKey, 1_000n, 0);
    const old = await client.subscribe<Ev>('transactionWatch_v1_submitAndWatch', [toHex(stale)], 'transactionWatch_v1_unwatch');
    const oldEv = await old.next();
    expect(oldEv.event).toBe('invalid');
    expect(String(oldEv.error)).toMatch(/outdated|Stale/i);
    await expectCode(client.call('transactionWatch_v1_submitAndWatch', ['0xabc']), -32602);
    expect(h.txs.pool.has(blake2_256(tampered))).toBe(false);
  });

  it('unwatch stops the notifications but not the transaction; a second submission of the same bytes is invalid', async () => {
    const xt = h.transfer(h.keys.charlie, h.keys.ferdie.publicKey, 2_000n);
    const sub = await client.subscribe<Ev>('transactionWatch_v1_submitAndWatch', [toHex(xt)], 'transactionWatch_v1_unwatch');
    expect(await sub.next()).toEqual({ event: 'validated' });
    const dup = await client.subscribe<Ev>('transactionWatch_v1_submitAndWatch', [toHex(xt)], 'transactionWatch_v1_unwatch');
    expect((await dup.next()).event).toBe('invalid');
    expect(await client.call('transactionWatch_v1_unwatch', [sub.id])).toBeNull();
    await expectCode(client.call('transactionWatch_v1_unwatch', ['nope']), -32602);
    const b = await h.produce();
    expect(h.chain.body(b.hash)!.map((x) => toHex(x))).toContain(toHex(xt));
    expect(sub.buffered).toEqual([]);
  });

  it('broadcast: returns an operation id and the transaction is included; invalid ones are dropped silently; stop', async () => {
    const xt = h.transfer(h.keys.dave, h.keys.alice.publicKey, 3_000n);
    const id = await client.call<string>('transaction_v1_broadcast', [toHex(xt)]);
    expect(typeof id).toBe('string');
    const invalid = xt.slice();
    invalid[2 + 1 + 33 + 1 + 9] ^= 0x10;
    const id2 = await client.call<string>('transaction_v1_broadcast', [toHex(invalid)]);
    expect(typeof id2).toBe('string');
    expect(id2).not.toBe(id);
    // Submission runs in the background: the block after it includes the valid one only.
    await expect.poll(() => h.txs.pool.has(blake2_256(xt)), { timeout: 10_000 }).toBe(true);
    const b = await h.produce();
    const body = h.chain.body(b.hash)!.map((x) => toHex(x));
    expect(body).toContain(toHex(xt));
    expect(body).not.toContain(toHex(invalid));
    // Stopping works after inclusion (the operation stays known until stopped), once.
    expect(await client.call('transaction_v1_stop', [id])).toBeNull();
    await expectCode(client.call('transaction_v1_stop', [id]), -32602);
    expect(await client.call('transaction_v1_stop', [id2])).toBeNull();
    await expectCode(client.call('transaction_v1_stop', ['unknown']), -32602);
    await expectCode(client.call('transaction_v1_broadcast', ['0x1']), -32602);
  });

  it('broadcast: beyond the limit (2 here) running operations, null; a finished or stopped one makes room', async () => {
    const small = await h.serve({ transaction: { maxBroadcasts: 2 } });
    const c = await h.connect(small);
    const a = h.transfer(h.keys.eve, h.keys.bob.publicKey, 1_000n);
    const b = h.transfer(h.keys.ferdie, h.keys.bob.publicKey, 1_000n);
    const idA = await c.call<string>('transaction_v1_broadcast', [toHex(a)]);
    const idB = await c.call<string>('transaction_v1_broadcast', [toHex(b)]);
    await expect.poll(() => h.txs.pool.has(blake2_256(a)) && h.txs.pool.has(blake2_256(b)), { timeout: 10_000 }).toBe(true);
    const c3 = h.transfer(h.keys.eve, h.keys.bob.publicKey, 1_000n);
    expect(await c.call('transaction_v1_broadcast', [toHex(c3)])).toBeNull();
    expect(await c.call('transaction_v1_stop', [idA])).toBeNull();
    const idC = await c.call<string>('transaction_v1_broadcast', [toHex(c3)]);
    expect(typeof idC).toBe('string');
    // Both remaining transactions finish (finalized in the next block): their operations can then be replaced.
    await expect.poll(() => h.txs.pool.has(blake2_256(c3)), { timeout: 10_000 }).toBe(true);
    await h.produce();
    const d = h.transfer(h.keys.ferdie, h.keys.bob.publicKey, 1_000n);
    expect(typeof (await c.call('transaction_v1_broadcast', [toHex(d)]))).toBe('string');
    // The oldest finished operation (B) was forgotten to make room.
    await expectCode(c.call('transaction_v1_stop', [idB]), -32602);
    expect(await c.call('transaction_v1_stop', [idC])).toBeNull();
    await expect.poll(() => h.txs.pool.has(blake2_256(d)), { timeout: 10_000 }).toBe(true);
    await h.produce();
  });

  it('archive: finalizedHeight, genesisHash, hashByHeight, header and body of past blocks', async () => {
    const head = h.chain.head;
    expect(await client.call('archive_v1_finalizedHeight')).toBe(head.number);
    expect(head.number).toBeGreaterThan(2);
    expect(await client.call('archive_v1_genesisHash')).toBe(toHex(h.chain.genesisHash));
    expect(await client.call('archive_v1_hashByHeight', [0])).toEqual([toHex(h.chain.genesisHash)]);
    for (let n = 1; n <= head.number; n++) {
      const [hash] = await client.call<string[]>('archive_v1_hashByHeight', [n]);
      const header = await client.call<string>('archive_v1_header', [hash]);
      expect(toHex(blake2_256(fromHex(header)))).toBe(hash);
      expect(HeaderCodec.decode(fromHex(header)).number).toBe(n);
      expect(await client.call('archive_v1_body', [hash])).toEqual(h.chain.body(fromHex(hash))!.map((x) => toHex(x)));
    }
    expect(await client.call('archive_v1_hashByHeight', [head.number + 1])).toEqual([]);
    expect(await client.call('archive_v1_hashByHeight', [2 ** 40])).toEqual([]);
    expect(await client.call('archive_v1_header', ['0x' + '33'.repeat(32)])).toBeNull();
    expect(await client.call('archive_v1_body', ['0x' + '33'.repeat(32)])).toBeNull();
    await expectCode(client.call('archive_v1_hashByHeight', [-1]), -32602);
  });

  it('archive_v1_call at past blocks: the nonce before and after a transfer; success:false for an unknown function; null for an unknown block', async () => {
    const who = h.keys.bob.publicKey;
    const beforeHash = toHex(h.chain.head.hash);
    const n0 = h.nonce(who);
    await h.txs.submit(h.transfer(h.keys.bob, h.keys.alice.publicKey, 1_000n));
    const b = await h.produce();
    const at = (hash: string) => client.call('archive_v1_call', [hash, 'AccountNonceApi_account_nonce', toHex(who)]);
    expect(await at(beforeHash)).toEqual({ success: true, value: u32le(n0) });
    expect(await at(toHex(b.hash))).toEqual({ success: true, value: u32le(n0 + 1) });
    const genesis = toHex(h.chain.genesisHash);
    expect(await at(genesis)).toEqual({ success: true, value: u32le(0) });
    const bad = await client.call<{ success: boolean; error: string }>('archive_v1_call', [genesis, 'Nope_nothing', '0x']);
    expect(bad.success).toBe(false);
    expect(bad.error).toContain('Nope_nothing');
    expect(await client.call('archive_v1_call', ['0x' + '44'.repeat(32), 'Core_version', '0x'])).toBeNull();
  });

  it('archive_v1_storage: storage events per item at a past block, paginationStartKey, then storageDone; storageError for an unknown block', async () => {
    const past = h.chain.hashAt(1)!;
    const trie = h.chain.trieAt(past)!;
    const prefix = SystemStorage.Account.prefix;
    const aliceKey = SystemStorage.Account.keyOf(h.keys.alice.publicKey);
    const entries = [...trie.entries(prefix)];
    const collect = async (params: unknown[]) => {
      const sub = await client.subscribe<Ev>('archive_v1_storage', params, 'archive_v1_stopStorage');
      const out: Ev[] = [];
      for (;;) {
        const e = await sub.next();
        out.push(e);
        if (e.event !== 'storage') return out;
      }
    };
    const all = await collect([toHex(past), [
      { key: toHex(aliceKey), type: 'value' },
      { key: toHex(aliceKey), type: 'hash' },
      { key: toHex(prefix), type: 'closestDescendantMerkleValue' },
      { key: toHex(prefix), type: 'descendantsValues' },
    ], null]);
    expect(all).toEqual([
      { event: 'storage', key: toHex(aliceKey), value: toHex(trie.get(aliceKey)!) },
      { event: 'storage', key: toHex(aliceKey), hash: toHex(blake2_256(trie.get(aliceKey)!)) },
      { event: 'storage', key: toHex(prefix), closestDescendantMerkleValue: toHex(trie.closestDescendantMerkleValue(prefix)!) },
      ...entries.map(([k, v]) => ({ event: 'storage', key: toHex(k), value: toHex(v) })),
      { event: 'storageDone' },
    ]);
    // Alice's account at block 1 differs from the head's (she has sent transfers since).
    expect(toHex(trie.get(aliceKey)!)).not.toBe(toHex(h.chain.headState().get(aliceKey)!));
    const resumed = await collect([toHex(past), [{ key: toHex(prefix), type: 'descendantsHashes', paginationStartKey: toHex(entries[1][0]) }], null]);
    expect(resumed).toEqual([
      ...entries.slice(2).map(([k, v]) => ({ event: 'storage', key: toHex(k), hash: toHex(blake2_256(v)) })),
      { event: 'storageDone' },
    ]);
    expect(await collect(['0x' + '55'.repeat(32), [{ key: '0x', type: 'value' }], null])).toEqual([{ event: 'storageError', error: 'Invalid block hash' }]);
    expect(await collect([toHex(past), [{ key: '0x', type: 'descendantsValues' }], '0x00'])).toEqual([{ event: 'storageDone' }]);
    await expectCode(client.call('archive_v1_storage', [toHex(past), [{ key: '0x', type: 'value', paginationStartKey: '0x00' }], null]), -32602);
    expect(await client.call('archive_v1_stopStorage', ['unknown'])).toBeNull();
  });

  it('archive_v1_storage: at most 1 running per connection here; the second in the same batch gets -32800', async () => {
    const c = await h.connect(await h.serve({ archive: { maxStorageSubscriptionsPerConnection: 1 } }));
    const params = [toHex(h.chain.head.hash), [{ key: '0x', type: 'descendantsHashes' }], null];
    // Both subscribe calls of a batch start before the first stream can end.
    const [first, second] = await c.batch([
      ['archive_v1_storage', params],
      ['archive_v1_storage', params],
    ]);
    expect(first.ok).toBe(true);
    expect(second.ok ? undefined : second.error.code).toBe(-32800);
  });

  it('archive_v1_storage over the whole state streams every key in order and stopStorage ends it early', async () => {
    const hash = h.chain.head.hash;
    const trie = h.chain.trieAt(hash)!;
    const keys = [...trie.keys(new Uint8Array(0))].map((k) => toHex(k));
    const sub = await client.subscribe<Ev>('archive_v1_storage', [toHex(hash), [{ key: '0x', type: 'descendantsHashes' }], null], 'archive_v1_stopStorage');
    const got: string[] = [];
    for (;;) {
      const e = await sub.next();
      if (e.event === 'storageDone') break;
      got.push(e.key as string);
    }
    expect(got).toEqual(keys);
    // Stop, on a server emitting one event per turn of the event loop (the client shares the loop, so the stop
    // arrives after a few events): answered null, no storageDone, and after a round trip nothing more arrives.
    const slow = await h.connect(await h.serve({ archive: { storageEventsPerTurn: 1 } }));
    const stopped = await slow.subscribe<Ev>('archive_v1_storage', [toHex(hash), [{ key: '0x', type: 'descendantsValues' }], null], 'archive_v1_stopStorage');
    expect(await slow.call('archive_v1_stopStorage', [stopped.id])).toBeNull();
    const arrived = stopped.buffered.length;
    await slow.call('archive_v1_finalizedHeight');
    expect(stopped.buffered.length).toBe(arrived);
    expect(arrived).toBeLessThan(keys.length);
    expect(stopped.buffered.some((e) => e.event === 'storageDone')).toBe(false);
  });
});
