/**
 * End to end on a real dev node process: the new JSON-RPC spec (v1) as a pure new-spec client (polkadot-api's raw
 * provider) uses it — follow with the runtime, pinned-block header / body / call / storage operations (with
 * paging through `chainHead_v1_continue`), unpin, a signed transfer through `transactionWatch_v1_submitAndWatch`
 * and another through `transaction_v1_broadcast`, and the `archive_v1_*` methods at past blocks — each result
 * checked against the legacy methods of the same node and against independent computations (blake2 of headers,
 * runtime codecs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyringPair } from '@polkadot/keyring/types';
import { blake2_256 } from '../../src/primitives/hashing.js';
import { HeaderCodec, RuntimeVersionCodec } from '../../src/primitives/types.js';
import { SystemStorage } from '../../src/pallets/system/index.js';
import { makeTempBasePath, NodeProcess, removeBasePath } from '../helpers/node-process.js';
import { RpcClient, type Subscription } from '../helpers/rpc-client.js';
import {
  accountKey,
  allKeys,
  bytes,
  devAccount,
  expectRpcError,
  hex,
  readAccount,
  runtime,
  signExtrinsic,
  transferKeepAliveCall,
  XFG,
  type SignedBlockJson,
} from './support.js';

type Ev = Record<string, unknown> & { event: string };
type Started = { result: string; operationId: string; discardedItems?: number };

const V1_METHODS = [
  'chainSpec_v1_chainName',
  'chainSpec_v1_genesisHash',
  'chainSpec_v1_properties',
  'chainHead_v1_follow',
  'chainHead_v1_unfollow',
  'chainHead_v1_header',
  'chainHead_v1_body',
  'chainHead_v1_call',
  'chainHead_v1_storage',
  'chainHead_v1_continue',
  'chainHead_v1_stopOperation',
  'chainHead_v1_unpin',
  'transaction_v1_broadcast',
  'transaction_v1_stop',
  'transactionWatch_v1_submitAndWatch',
  'transactionWatch_v1_unwatch',
  'archive_v1_finalizedHeight',
  'archive_v1_hashByHeight',
  'archive_v1_header',
  'archive_v1_body',
  'archive_v1_genesisHash',
  'archive_v1_call',
  'archive_v1_storage',
  'archive_v1_stopStorage',
];

/**
 * The events of a follow subscription, taken by predicate without losing the others: block events and
 * operation events interleave, and a test waiting for one kind must not drop the other.
 */
class FollowEvents {
  /** Events received and not yet taken, in arrival order (bounded by what one test file produces). */
  private readonly backlog: Ev[] = [];

  constructor(readonly sub: Subscription<Ev>) {}

  get id(): string | number {
    return this.sub.id;
  }

  /** The first event (backlog first, then new arrivals) for which `pred` holds. */
  async next(pred: (e: Ev) => boolean = () => true, what = 'a follow event'): Promise<Ev> {
    const i = this.backlog.findIndex(pred);
    if (i >= 0) return this.backlog.splice(i, 1)[0];
    for (;;) {
      const e = await this.sub.next(20_000).catch((err: Error) => {
        throw new Error(`${err.message} (waiting for ${what})`);
      });
      if (pred(e)) return e;
      this.backlog.push(e);
    }
  }

  /** The next `n` block events (operation events stay in the backlog). */
  async blocks(n: number): Promise<Ev[]> {
    const out: Ev[] = [];
    for (let i = 0; i < n; i++) out.push(await this.next((e) => e.operationId === undefined, 'a block event'));
    return out;
  }
}

/** Collect an operation's events until it ends, calling continue when it waits. */
async function operation(client: RpcClient, follow: FollowEvents, started: Started): Promise<Ev[]> {
  expect(started.result).toBe('started');
  const out: Ev[] = [];
  for (;;) {
    const e = await follow.next((x) => x.operationId === started.operationId, `events of operation ${started.operationId}`);
    out.push(e);
    if (e.event === 'operationWaitingForContinue') await client.call('chainHead_v1_continue', [follow.id, started.operationId]);
    else if (e.event !== 'operationStorageItems') return out;
  }
}

describe('dev node process: new JSON-RPC spec (v1)', () => {
  const basePath = makeTempBasePath('rpc-v1');
  let node: NodeProcess;
  let client: RpcClient;
  let alice: KeyringPair;
  let bob: KeyringPair;
  let genesisHash: string;
  /** Blocks reported by the follow subscription of the first test, in order. */
  const reported: string[] = [];
  let follow: FollowEvents;

  beforeAll(async () => {
    node = await NodeProcess.start({ basePath });
    client = await RpcClient.connect(node.wsUrl);
    alice = await devAccount('Alice');
    bob = await devAccount('Bob');
    genesisHash = await client.call<string>('chainSpec_v1_genesisHash');
  });

  afterAll(async () => {
    await client?.close();
    await node?.stop();
    removeBasePath(basePath);
  });

  /** Sign a transfer from `from` at its current nonce (read over RPC). */
  async function transfer(from: KeyringPair, to: KeyringPair, value: bigint): Promise<Uint8Array> {
    const { nonce } = await readAccount(client, from.publicKey);
    return signExtrinsic(from, transferKeepAliveCall(to.publicKey, value), { genesisHash: bytes(genesisHash) }, { nonce });
  }

  it('rpc_methods lists every v1 method; chainSpec_v1_* agree with the legacy system_* and chain_* methods', async () => {
    const { methods } = await client.call<{ methods: string[] }>('rpc_methods');
    for (const m of V1_METHODS) expect(methods, m).toContain(m);
    expect(await client.call('chainSpec_v1_chainName')).toBe(await client.call('system_chain'));
    expect(await client.call('chainSpec_v1_properties')).toEqual(await client.call('system_properties'));
    expect(genesisHash).toBe(await client.call('chain_getBlockHash', [0]));
    expect(await client.call('archive_v1_genesisHash')).toBe(genesisHash);
  });

  it('follow(true): initialized with the runtime, then newBlock → bestBlockChanged → finalized for each block, chained by parent hash', async () => {
    follow = new FollowEvents(await client.subscribe<Ev>('chainHead_v1_follow', [true], 'chainHead_v1_unfollow'));
    const init = await follow.next();
    expect(init.event).toBe('initialized');
    const [finalized] = init.finalizedBlockHashes as string[];
    const rt = init.finalizedBlockRuntime as { type: string; spec: { specVersion: number; transactionVersion: number; apis: Record<string, number> } };
    expect(rt.type).toBe('valid');
    expect(rt.spec.specVersion).toBe(runtime.version.specVersion);
    expect(rt.spec.transactionVersion).toBe(runtime.version.transactionVersion);
    expect(rt.spec.apis['0xdf6acb689907609b']).toBe(5);
    expect(rt.spec.apis['0x37e397fc7c91f5e4']).toBe(2);
    expect(await follow.next()).toEqual({ event: 'bestBlockChanged', bestBlockHash: finalized });
    reported.push(finalized);
    for (let i = 0; i < 3; i++) {
      const [nb, best, fin] = await follow.blocks(3);
      expect(nb).toMatchObject({ event: 'newBlock', parentBlockHash: reported.at(-1), newRuntime: null });
      const hash = nb.blockHash as string;
      expect(best).toEqual({ event: 'bestBlockChanged', bestBlockHash: hash });
      expect(fin).toEqual({ event: 'finalized', finalizedBlockHashes: [hash], prunedBlockHashes: [] });
      reported.push(hash);
    }
    // Each reported block is the canonical block at its height.
    const header = HeaderCodec.decode(bytes(await client.call<string>('chainHead_v1_header', [follow.id, reported.at(-1)])));
    expect(await client.call('chain_getBlockHash', [header.number])).toBe(reported.at(-1));
  });

  it('header, body and call on pinned blocks; unknown or unpinned hashes give -32801', async () => {
    const hash = reported.at(-1)!;
    const headerHex = await client.call<string>('chainHead_v1_header', [follow.id, hash]);
    expect(hex(blake2_256(bytes(headerHex)))).toBe(hash);
    const legacy = await client.call<SignedBlockJson>('chain_getBlock', [hash]);
    expect(hex(HeaderCodec.decode(bytes(headerHex)).stateRoot)).toBe(legacy.block.header.stateRoot);
    const [body] = await operation(client, follow, await client.call<Started>('chainHead_v1_body', [follow.id, hash]));
    expect(body).toMatchObject({ event: 'operationBodyDone', value: legacy.block.extrinsics });
    const [version] = await operation(client, follow, await client.call<Started>('chainHead_v1_call', [follow.id, hash, 'Core_version', '0x']));
    expect(RuntimeVersionCodec.decode(bytes(version.output as string)).specName).toBe(runtime.version.specName);
    const [mv] = await operation(client, follow, await client.call<Started>('chainHead_v1_call', [follow.id, hash, 'Metadata_metadata_versions', '0x']));
    expect(mv.output).toBe('0x080e0000000f000000');
    await expectRpcError(client.call('chainHead_v1_header', [follow.id, '0x' + '11'.repeat(32)]), -32801);
    await expectRpcError(client.call('chainHead_v1_body', [follow.id, '0x' + '00'.repeat(32)]), -32801);
    const first = reported[0];
    expect(await client.call('chainHead_v1_unpin', [follow.id, first])).toBeNull();
    await expectRpcError(client.call('chainHead_v1_header', [follow.id, first]), -32801);
    await expectRpcError(client.call('chainHead_v1_unpin', [follow.id, [hash, hash]]), -32804);
  });

  it('storage: value / hash / closestDescendantMerkleValue and descendantsValues over System.Account equal the legacy state reads', async () => {
    const hash = reported.at(-1)!;
    const key = accountKey(alice.publicKey);
    const prefix = hex(SystemStorage.Account.prefix);
    const value = await client.call<string>('state_getStorage', [key, hash]);
    const started = await client.call<Started>('chainHead_v1_storage', [
      follow.id,
      hash,
      [
        { key, type: 'value' },
        { key, type: 'hash' },
        { key: '0x', type: 'closestDescendantMerkleValue' },
        { key: prefix, type: 'descendantsValues' },
      ],
      null,
    ]);
    expect(started.discardedItems).toBe(0);
    const events = await operation(client, follow, started);
    expect(events.at(-1)!.event).toBe('operationStorageDone');
    const items = events.filter((e) => e.event === 'operationStorageItems').flatMap((e) => e.items as Array<Record<string, string>>);
    expect(items[0]).toEqual({ key, value });
    expect(items[1]).toEqual({ key, hash: hex(blake2_256(bytes(value))) });
    const legacyHeader = await client.call<{ stateRoot: string }>('chain_getHeader', [hash]);
    expect(items[2]).toEqual({ key: '0x', closestDescendantMerkleValue: legacyHeader.stateRoot });
    const keys = await allKeys(client, prefix, hash);
    const values = await client.batch(keys.map((k) => ['state_getStorage', [k, hash]] as const));
    expect(items.slice(3)).toEqual(keys.map((k, i) => ({ key: k, value: (values[i] as { result: string }).result })));
    expect(keys.length).toBeGreaterThanOrEqual(6);
  });

  it('a third follow subscription on the connection is refused with -32800', async () => {
    const second = await client.subscribe<Ev>('chainHead_v1_follow', [false], 'chainHead_v1_unfollow');
    await expectRpcError(client.call('chainHead_v1_follow', [false]), -32800);
    expect(await client.call('chainHead_v1_unfollow', [second.id])).toBeNull();
  });

  it('transactionWatch_v1_submitAndWatch: a signed transfer goes validated → bestChainBlockIncluded → finalized, and moves the balance', async () => {
    const before = (await readAccount(client, bob.publicKey)).data.free;
    const xt = await transfer(alice, bob, 3n * XFG);
    const watch = await client.subscribe<Ev>('transactionWatch_v1_submitAndWatch', [hex(xt)], 'transactionWatch_v1_unwatch');
    expect(await watch.next()).toEqual({ event: 'validated' });
    const included = await watch.next();
    expect(included.event).toBe('bestChainBlockIncluded');
    const block = included.block as { hash: string; index: number };
    expect(await watch.next()).toEqual({ event: 'finalized', block });
    const legacy = await client.call<SignedBlockJson>('chain_getBlock', [block.hash]);
    expect(legacy.block.extrinsics[block.index]).toBe(hex(xt));
    expect((await readAccount(client, bob.publicKey, block.hash)).data.free).toBe(before + 3n * XFG);
    // The follow subscription reported that block too.
    await follow.next((e) => e.event === 'newBlock' && e.blockHash === block.hash, `newBlock ${block.hash}`);
  });

  it('transaction_v1_broadcast: the transfer shows up in a followed block body; transaction_v1_stop', async () => {
    const xt = await transfer(bob, alice, XFG);
    const id = await client.call<string>('transaction_v1_broadcast', [hex(xt)]);
    expect(typeof id).toBe('string');
    // As a new-spec client does: read the body of each new block until the transaction is in one.
    let found: { hash: string; index: number } | undefined;
    while (found === undefined) {
      const nb = await follow.next((e) => e.event === 'newBlock', 'a newBlock');
      const [body] = await operation(client, follow, await client.call<Started>('chainHead_v1_body', [follow.id, nb.blockHash]));
      const index = (body.value as string[]).indexOf(hex(xt));
      if (index >= 0) found = { hash: nb.blockHash as string, index };
      expect(await client.call('chainHead_v1_unpin', [follow.id, nb.blockHash])).toBeNull();
    }
    expect(found.index).toBeGreaterThan(0);
    expect(await client.call('transaction_v1_stop', [id])).toBeNull();
    await expectRpcError(client.call('transaction_v1_stop', [id]), -32602);
  });

  it('archive_v1_*: height, hashes, headers, bodies, calls and storage at past blocks agree with the legacy methods', async () => {
    const height = await client.call<number>('archive_v1_finalizedHeight');
    expect(height).toBeGreaterThanOrEqual(4);
    const n = 2;
    const [hash] = await client.call<string[]>('archive_v1_hashByHeight', [n]);
    expect(hash).toBe(await client.call('chain_getBlockHash', [n]));
    expect(await client.call('archive_v1_hashByHeight', [height + 1_000_000])).toEqual([]);
    const header = await client.call<string>('archive_v1_header', [hash]);
    expect(hex(blake2_256(bytes(header)))).toBe(hash);
    const legacy = await client.call<SignedBlockJson>('chain_getBlock', [hash]);
    expect(await client.call('archive_v1_body', [hash])).toEqual(legacy.block.extrinsics);
    // Alice's nonce at block 2 (before any transfer of this file) and now.
    const nonceAt = async (at: string) => client.call<{ success: boolean; value: string }>('archive_v1_call', [at, 'AccountNonceApi_account_nonce', hex(alice.publicKey)]);
    expect(await nonceAt(hash)).toEqual({ success: true, value: '0x00000000' });
    const now = await client.call<string>('chain_getBlockHash', [height]);
    expect(await nonceAt(now)).toEqual({ success: true, value: '0x01000000' });
    expect((await client.call<{ success: boolean }>('archive_v1_call', [hash, 'Nope_nothing', '0x'])).success).toBe(false);
    expect(await client.call('archive_v1_header', ['0x' + '00'.repeat(32)])).toBeNull();

    const key = accountKey(alice.publicKey);
    const storage = await client.subscribe<Ev>('archive_v1_storage', [hash, [{ key, type: 'value' }, { key: hex(SystemStorage.Account.prefix), type: 'descendantsHashes' }], null], 'archive_v1_stopStorage');
    const events: Ev[] = [];
    for (;;) {
      const e = await storage.next();
      events.push(e);
      if (e.event !== 'storage') break;
    }
    expect(events.at(-1)).toEqual({ event: 'storageDone' });
    expect(events[0]).toEqual({ event: 'storage', key, value: await client.call('state_getStorage', [key, hash]) });
    const keys = await allKeys(client, hex(SystemStorage.Account.prefix), hash);
    expect(events.slice(1, -1).map((e) => e.key)).toEqual(keys);
  });

  it('unfollow ends the subscription: its header calls answer null', async () => {
    expect(await client.call('chainHead_v1_unfollow', [follow.id])).toBeNull();
    expect(await client.call('chainHead_v1_header', [follow.id, reported.at(-1)])).toBeNull();
  });
});
