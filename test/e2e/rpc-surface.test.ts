/**
 * End to end on a real dev node process: the read side of the JSON-RPC surface — head subscriptions, block hashes
 * by number, paged storage keys, the method list and the chain's identity — checked against each other and
 * against independent computations (header hashes by @polkadot/types, chain-spec.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemStorage } from '../../src/pallets/system/index.js';
import { killAllNodes, makeTempBasePath, NodeProcess, removeBasePath, REPO_ROOT } from '../helpers/node-process.js';
import { httpCall, RpcCallError, RpcClient } from '../helpers/rpc-client.js';
import { accountKey, allKeys, devAccount, expectRpcError, head, headerHash, hex, numberOf, waitForHead, type HeaderJson } from './support.js';

/** Every method the basic RPC set must serve (issue 2). */
const REQUIRED_METHODS = [
  'rpc_methods',
  'system_health',
  'system_chain',
  'system_name',
  'system_version',
  'system_properties',
  'chain_getBlockHash',
  'chain_getHeader',
  'chain_getBlock',
  'chain_getFinalizedHead',
  'chain_subscribeNewHeads',
  'chain_unsubscribeNewHeads',
  'chain_subscribeFinalizedHeads',
  'chain_unsubscribeFinalizedHeads',
  'state_getStorage',
  'state_getKeysPaged',
  'author_submitExtrinsic',
  'author_submitAndWatchExtrinsic',
  'author_unwatchExtrinsic',
  'author_pendingExtrinsics',
];

const DEV = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'] as const;

/** Whether hex keys are in strictly increasing byte order (lowercase hex compares like the bytes). */
function strictlyIncreasing(keys: readonly string[]): boolean {
  return keys.every((k, i) => i === 0 || keys[i - 1] < k);
}

describe('dev node process: read-side JSON-RPC surface', () => {
  const basePath = makeTempBasePath('rpc');
  let node: NodeProcess;
  let client: RpcClient;

  beforeAll(async () => {
    node = await NodeProcess.start({ basePath });
    client = await RpcClient.connect(node.wsUrl);
  });

  afterAll(async () => {
    try {
      await client?.close();
      await node?.stop();
    } finally {
      await killAllNodes();
      removeBasePath(basePath);
    }
  });

  it('chain_subscribeNewHeads delivers consecutive heads, each the parent of the next, as stored', async () => {
    const sub = await client.subscribe<HeaderJson>('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
    const fin = await client.subscribe<HeaderJson>('chain_subscribeFinalizedHeads', [], 'chain_unsubscribeFinalizedHeads');
    const got = await sub.take(6);
    for (let i = 1; i < got.length; i++) {
      expect(numberOf(got[i])).toBe(numberOf(got[i - 1]) + 1);
      expect(got[i].parentHash).toBe(headerHash(got[i - 1]));
    }
    const stored = await client.call<Array<string | null>>('chain_getBlockHash', [got.map(numberOf)]);
    expect(stored).toEqual(got.map(headerHash));
    for (const h of got) expect(await client.call('chain_getHeader', [headerHash(h)])).toEqual(h);

    // Finality is immediate on this chain: the finalized stream is the same chain of headers.
    const finalized = await fin.take(3);
    for (let i = 1; i < finalized.length; i++) expect(finalized[i].parentHash).toBe(headerHash(finalized[i - 1]));
    const finalizedStored = await client.call<Array<string | null>>('chain_getBlockHash', [finalized.map(numberOf)]);
    expect(finalizedStored).toEqual(finalized.map(headerHash));
    const finalizedHead = await client.call<string>('chain_getFinalizedHead', []);
    const fh = await client.call<HeaderJson>('chain_getHeader', [finalizedHead]);
    expect(numberOf(fh)).toBeGreaterThanOrEqual(numberOf(finalized[finalized.length - 1]));

    expect(await sub.unsubscribe()).toBe(true);
    expect(await fin.unsubscribe()).toBe(true);
    // A second unsubscribe knows nothing of it any more.
    expect(await client.call('chain_unsubscribeNewHeads', [sub.id])).toBe(false);
    // Subscriptions need a WebSocket.
    const overHttp = await httpCall(node.httpUrl, 'chain_subscribeNewHeads', []);
    expect(overHttp.body.error?.code).toBe(-32601);
  });

  it('chain_getBlockHash: numbers, hex strings, arrays, the head, and blocks that do not exist', async () => {
    const genesis = await client.call<string>('chain_getBlockHash', [0]);
    const genesisHeader = await client.call<HeaderJson>('chain_getHeader', [genesis]);
    expect(numberOf(genesisHeader)).toBe(0);
    expect(genesisHeader.parentHash).toBe(hex(new Uint8Array(32)));
    expect(headerHash(genesisHeader)).toBe(genesis);
    for (const n of ['0x0', '0x00', '0x00000000']) expect(await client.call('chain_getBlockHash', [n])).toBe(genesis);

    const sub = await client.subscribe<HeaderJson>('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
    const at = numberOf(await waitForHead(sub, 4));
    const singles = [];
    for (let n = 0; n <= 4; n++) singles.push(await client.call<string>('chain_getBlockHash', [n]));
    expect(new Set(singles).size).toBe(5);
    expect(await client.call('chain_getBlockHash', [[0, 1, '0x2', '0x03', 4]])).toEqual(singles);
    expect(await client.call('chain_getBlockHash', [[]])).toEqual([]);
    expect(await client.call('chain_getBlockHash', [[4, 4, 0]])).toEqual([singles[4], singles[4], singles[0]]);
    for (let n = 1; n <= 4; n++) {
      const h = await client.call<HeaderJson>('chain_getHeader', [singles[n]]);
      expect(numberOf(h)).toBe(n);
      expect(h.parentHash).toBe(singles[n - 1]);
    }

    // No parameter (or null): the best block.
    for (const params of [[], [null]]) {
      const best = await client.call<string>('chain_getBlockHash', params);
      const h = await client.call<HeaderJson>('chain_getHeader', [best]);
      expect(numberOf(h)).toBeGreaterThanOrEqual(at);
      expect(await client.call('chain_getBlockHash', [numberOf(h)])).toBe(best);
    }

    // Beyond the head: null, never an error.
    const far = 0xffff_ffff;
    expect(await client.call('chain_getBlockHash', [far])).toBeNull();
    expect(await client.call('chain_getBlockHash', ['0xffffffff'])).toBeNull();
    expect(await client.call('chain_getBlockHash', [[0, far, '0x1']])).toEqual([singles[0], null, singles[1]]);
    expect(await client.call('chain_getHeader', [hex(new Uint8Array(32).fill(7))])).toBeNull();
    expect(await client.call('chain_getBlock', [hex(new Uint8Array(32).fill(7))])).toBeNull();
    await expectRpcError(client.call('chain_getBlockHash', [Array.from({ length: 1001 }, () => 0)]), -32602);
  });

  it('state_getKeysPaged: strictly increasing keys under the prefix; pages of any size join up', async () => {
    // Pin a block: its state cannot change under the paging.
    const sub = await client.subscribe<HeaderJson>('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
    const pinned = headerHash(await waitForHead(sub, 2));
    const prefix = hex(SystemStorage.Account.prefix);
    const full = await client.call<string[]>('state_getKeysPaged', [prefix, 1000, null, pinned]);
    expect(strictlyIncreasing(full)).toBe(true);
    expect(full.every((k) => k.startsWith(prefix))).toBe(true);
    for (const name of DEV) expect(full).toContain(accountKey((await devAccount(name)).publicKey));
    expect(full.length).toBeGreaterThanOrEqual(DEV.length);

    for (const size of [1, 2, 3, full.length, full.length + 1]) {
      const pages: string[][] = [];
      let start: string | null = null;
      for (;;) {
        const page: string[] = await client.call<string[]>('state_getKeysPaged', [prefix, size, start, pinned]);
        expect(page.length).toBeLessThanOrEqual(size);
        if (start !== null && page.length > 0) expect(start < page[0]).toBe(true);
        pages.push(page);
        if (page.length < size) break;
        start = page[page.length - 1];
      }
      expect(pages.flat(), `pages of ${size}`).toEqual(full);
      expect(pages.slice(0, -1).every((p) => p.length === size)).toBe(true);
    }

    // startKey: before the prefix → from the start; a key not in storage → strictly after it; past the end → [].
    expect(await client.call('state_getKeysPaged', [prefix, 1000, '0x00', pinned])).toEqual(full);
    expect(await client.call('state_getKeysPaged', [prefix, 1000, `${full[1]}00`, pinned])).toEqual(full.slice(2));
    expect(await client.call('state_getKeysPaged', [prefix, 1000, full[full.length - 1], pinned])).toEqual([]);
    expect(await client.call('state_getKeysPaged', [prefix, 1000, '0xff', pinned])).toEqual([]);
    expect(await client.call('state_getKeysPaged', [prefix, 0, null, pinned])).toEqual([]);
    expect(await client.call('state_getKeysPaged', ['0xffffffff', 10, null, pinned])).toEqual([]);
    // Omitted trailing parameters: from the start, at the head (no transaction ran, so the same accounts).
    expect(await client.call('state_getKeysPaged', [prefix, 1000])).toEqual(full);

    // The whole state, in pages of 7, joins up to the single-page listing, and every key has a value.
    const everything = await client.call<string[]>('state_getKeysPaged', ['0x', 1000, null, pinned]);
    expect(strictlyIncreasing(everything)).toBe(true);
    expect(await allKeys(client, '0x', pinned, 7)).toEqual(everything);
    expect(everything).toEqual(expect.arrayContaining(full));
    const values = await client.batch(everything.map((k) => ['state_getStorage', [k, pinned]] as const));
    values.forEach((v, i) => expect(v.ok && typeof v.result === 'string', everything[i]).toBe(true));
  });

  it('rpc_methods lists every method, and every listed method is served', async () => {
    const listed = await client.call<{ version: number; methods: string[] }>('rpc_methods', []);
    expect(listed.version).toBe(1);
    expect(new Set(listed.methods).size).toBe(listed.methods.length);
    expect(listed.methods).toEqual(expect.arrayContaining(REQUIRED_METHODS));
    // Every listed name dispatches (whatever it answers to deliberately wrong parameters, it is not -32601).
    const other = await RpcClient.connect(node.wsUrl);
    try {
      for (const method of listed.methods) {
        const answer = await other.call(method, [{ wrong: true }, { wrong: true }, { wrong: true }, { wrong: true }, { wrong: true }]).then(
          () => 'ok',
          (e: unknown) => (e instanceof RpcCallError ? e.code : String(e)),
        );
        expect(answer, method).not.toBe(-32601);
      }
    } finally {
      await other.close();
    }
  });

  it('system_*: identity matches chain-spec.json and the package, over WebSocket and HTTP', async () => {
    const spec = JSON.parse(readFileSync(join(REPO_ROOT, 'chain-spec.json'), 'utf8')) as { dev: { name: string; chainType: string; properties: unknown } };
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await client.call('system_properties', [])).toEqual(spec.dev.properties);
    expect(await client.call('system_chain', [])).toBe(spec.dev.name);
    expect(await client.call('system_name', [])).toBe('dcn-node');
    expect(await client.call('system_version', [])).toBe(pkg.version);
    expect(await client.call('system_health', [])).toEqual({ peers: 0, isSyncing: false, shouldHavePeers: spec.dev.chainType !== 'Development' });
    const http = await httpCall(node.httpUrl, 'system_properties', []);
    expect(http.status).toBe(200);
    expect(http.body.result).toEqual(spec.dev.properties);
    // The same head over both transports (or a later one over the second call).
    const viaWs = await head(client);
    const viaHttp = (await httpCall(node.httpUrl, 'chain_getHeader', [])).body.result as HeaderJson;
    expect(numberOf(viaHttp)).toBeGreaterThanOrEqual(viaWs.number);
  });
});
