/**
 * Issue 9, finding 2, on the real methods over a real chain (dev genesis in LevelDB, blocks from the dev author):
 * the hex the node serves is unchanged by the cheaper encoding (metadata, `Metadata_*` runtime calls,
 * `chain_getBlock`, `archive_v1_body`), metadata is encoded once per runtime (a cache hit afterwards), and a long
 * `state_queryStorage` scan gives the event loop turns: a short scan sent after it is answered first. Order and
 * counts only, never time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { RpcServer } from '../../../src/rpc/server.js';
import { registerChainMethods } from '../../../src/rpc/methods/chain.js';
import { registerStateMethods } from '../../../src/rpc/methods/state.js';
import { registerV1Methods } from '../../../src/rpc/methods/v1/index.js';
import type { RpcNode } from '../../../src/rpc/methods/context.js';
import { runtimeHexStats } from '../../../src/rpc/methods/runtime-hex.js';
import { blockJsonStats } from '../../../src/rpc/methods/block-json.js';
import { RawJson } from '../../../src/rpc/protocol.js';
import { tupleParams } from '../../../src/rpc/params.js';
import { post, startServer } from './helpers.js';
import { DigestItemCodec } from '../../../src/primitives/types.js';
import { DEFAULT_READS_PER_TURN } from '../../../src/rpc/heavy-calls.js';
import { signExtrinsic } from '../../helpers/signer.js';
import { V1Harness } from '../rpc-v1/harness.js';
import { TestWs, type Reply } from './helpers.js';

/** The hex encoding before issue 9 (one `+=` per byte), kept as the reference. */
function loopHex(bytes: Uint8Array): string {
  const digits = '0123456789abcdef';
  let out = '0x';
  for (let i = 0; i < bytes.length; i++) out += digits[bytes[i] >> 4] + digits[bytes[i] & 15];
  return out;
}

let h: V1Harness;
let server: RpcServer;
let url: string;
let remarkBlock: Uint8Array;

beforeAll(async () => {
  h = await V1Harness.create();
  server = new RpcServer({ host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }), methods: 'unsafe', cors: 'all', pingIntervalMs: 0 });
  // What the chain_* and state_* methods read of the node: the real chain and transaction service.
  const node = { chain: h.chain, txs: h.txs, spec: h.spec, name: 'test', version: '0', isValidator: true } as unknown as RpcNode;
  registerChainMethods(server, node);
  registerStateMethods(server, node);
  registerV1Methods(server, { chain: h.chain, txs: h.txs, spec: h.spec });
  const { port } = await server.listen();
  url = `ws://127.0.0.1:${port}`;
  // A block holding a 40 KB remark (its 80 KB of hex is cached as JSON), then two more blocks.
  const v = h.chain.runtime.version;
  const call = h.chain.runtime.encodeCall('System', 'remark', { remark: Uint8Array.from({ length: 40_000 }, (_, i) => (i * 131) & 0xff) });
  await h.txs.submit(signExtrinsic(h.keys.alice, call, {
    nonce: h.txs.nextNonce(h.keys.alice.publicKey), specVersion: v.specVersion, transactionVersion: v.transactionVersion,
    genesisHash: h.chain.genesisHash, eraBlockHash: h.chain.genesisHash,
  }));
  remarkBlock = (await h.produce()).hash;
  expect(h.chain.body(remarkBlock)!.some((x) => x.length > 40_000)).toBe(true);
  await h.txs.submit(h.transfer(h.keys.bob, h.keys.alice.publicKey, 1_000n));
  await h.produce();
  await h.produce();
});

afterAll(async () => {
  await server?.close();
  await h?.close();
});

describe('hex served by the node', () => {
  it('state_getMetadata is the same hex as before, and encoded once: the second call is a cache hit', async () => {
    const ws = await TestWs.open(url);
    const expected = loopHex(h.chain.runtime.metadata(14));
    const before = runtimeHexStats();
    expect(await ws.result('state_getMetadata', [])).toBe(expected);
    const mid = runtimeHexStats();
    expect(await ws.result('state_getMetadata', [loopHex(h.chain.head.hash)])).toBe(expected);
    const after = runtimeHexStats();
    expect(mid.misses - before.misses + mid.hits - before.hits).toBe(1);
    expect(after.misses).toBe(mid.misses);
    expect(after.hits).toBe(mid.hits + 1);
    await ws.close();
  });

  it('state_call Metadata_metadata_at_version answers the same bytes as the runtime API, cached; other calls are not', async () => {
    const ws = await TestWs.open(url);
    const ctx = { runtime: h.chain.runtime, state: h.chain.headState(), block: { number: h.chain.head.number, hash: h.chain.head.hash }, checker: h.txs.checker };
    const v15 = Uint8Array.of(15, 0, 0, 0);
    const expected = loopHex(h.chain.runtime.callApi(ctx, 'Metadata_metadata_at_version', v15));
    expect(await ws.result('state_call', ['Metadata_metadata_at_version', '0x0f000000'])).toBe(expected);
    const mid = runtimeHexStats();
    expect(await ws.result('state_call', ['Metadata_metadata_at_version', '0x0f000000'])).toBe(expected);
    expect(runtimeHexStats().hits).toBe(mid.hits + 1);
    // An unsupported version answers None (one byte): served, and never cached.
    expect(await ws.result('state_call', ['Metadata_metadata_at_version', '0x63000000'])).toBe('0x00');
    const afterNone = runtimeHexStats();
    expect(await ws.result('state_call', ['Metadata_metadata_at_version', '0x63000000'])).toBe('0x00');
    expect(runtimeHexStats()).toEqual({ hits: afterNone.hits, misses: afterNone.misses + 1 });
    expect(await ws.result('state_call', ['Core_version', '0x'])).toBe(loopHex(h.chain.runtime.callApi(ctx, 'Core_version', new Uint8Array())));
    await ws.close();
  });

  it('chain_getBlock and archive_v1_body of a block with a 40 KB extrinsic are byte-identical to the loop encoding; the body is encoded once', async () => {
    const ws = await TestWs.open(url);
    const header = h.chain.header(remarkBlock)!;
    const body = h.chain.body(remarkBlock)!;
    const justification = h.chain.db.getJustification(remarkBlock);
    const expected = {
      block: {
        header: {
          parentHash: loopHex(header.parentHash),
          number: '0x' + header.number.toString(16),
          stateRoot: loopHex(header.stateRoot),
          extrinsicsRoot: loopHex(header.extrinsicsRoot),
          digest: { logs: header.digest.logs.map((l) => loopHex(DigestItemCodec.encode(l))) },
        },
        extrinsics: body.map((x) => loopHex(x)),
      },
      justifications: justification === undefined ? null : [[[...justification.subarray(0, 4)], loopHex(justification.subarray(4))]],
    };
    const before = blockJsonStats();
    expect(JSON.stringify(await ws.result('chain_getBlock', [loopHex(remarkBlock)]))).toBe(JSON.stringify(expected));
    expect(JSON.stringify(await ws.result('archive_v1_body', [loopHex(remarkBlock)]))).toBe(JSON.stringify(expected.block.extrinsics));
    expect(JSON.stringify(await ws.result('chain_getBlock', [loopHex(remarkBlock)]))).toBe(JSON.stringify(expected));
    const after = blockJsonStats();
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(2);
    // A small block (the last one) is served the same way, uncached; an unknown one is null.
    const small = h.chain.head.hash;
    const smallHeader = h.chain.header(small)!;
    const got = (await ws.result('chain_getBlock', [loopHex(small)])) as { block: { header: { number: string }; extrinsics: string[] } };
    expect(got.block.header.number).toBe('0x' + smallHeader.number.toString(16));
    expect(got.block.extrinsics).toEqual(h.chain.body(small)!.map((x) => loopHex(x)));
    expect(await ws.result('chain_getBlock', ['0x' + '11'.repeat(32)])).toBeNull();
    expect(await ws.result('archive_v1_body', ['0x' + '11'.repeat(32)])).toBeNull();
    await ws.close();
  });
});

describe('state_queryStorage scans', () => {
  it('a long scan yields to the event loop: a short scan sent after it is answered first, and both results are right', async () => {
    const ws = await TestWs.open(url);
    // Every key of the state (System.Number, Timestamp.Now and the accounts change from block to block) padded to
    // 1,000 with absent keys: 1,000 keys × 4 blocks = 4,000 reads, several turns' worth.
    const present = (await ws.result('state_getKeysPaged', ['0x', 1000])) as string[];
    const keys = [...present];
    for (let i = 0; keys.length < 1000; i++) keys.push('0xffee' + i.toString(16).padStart(8, '0'));
    const from = h.chain.hashAt(1)!;
    const blocks = h.chain.head.number; // blocks 1..head
    expect(keys.length * blocks).toBeGreaterThan(2 * DEFAULT_READS_PER_TURN);

    ws.send({ jsonrpc: '2.0', id: 'long', method: 'state_queryStorage', params: [keys, loopHex(from)] });
    ws.send({ jsonrpc: '2.0', id: 'short', method: 'state_queryStorage', params: [[keys[0]], loopHex(h.chain.head.hash)] });
    const first = (await ws.next()) as Reply;
    const second = (await ws.next()) as Reply;
    expect([first.id, second.id]).toEqual(['short', 'long']);

    // The long scan's result is what the old algorithm (all keys at `from`, then only changed values) gives.
    const expected: Array<{ block: string; changes: Array<[string, string | null]> }> = [];
    let last = new Map<string, string | null>();
    for (let n = 1; n <= h.chain.head.number; n++) {
      const hash = h.chain.hashAt(n)!;
      const state = h.chain.stateAt(hash)!;
      const now = new Map<string, string | null>();
      const changes: Array<[string, string | null]> = [];
      for (const k of keys) {
        const v = state.get(Buffer.from(k.slice(2), 'hex'));
        const hex = v === undefined ? null : loopHex(v);
        now.set(k, hex);
        if (n === 1 || last.get(k) !== hex) changes.push([k, hex]);
      }
      last = now;
      if (changes.length > 0 || n === 1) expected.push({ block: loopHex(hash), changes });
    }
    expect(expected.length).toBeGreaterThan(1);
    expect(JSON.stringify(second.result)).toBe(JSON.stringify(expected));
    await ws.close();
  });
});

describe('RawJson results', () => {
  it('reach the client as the same JSON over WebSocket, in a batch beside ordinary results, and over HTTP', async () => {
    const value = { a: [1, 'ü', null], b: { c: '0xabcdef' } };
    const text = JSON.stringify(value);
    const s = await startServer({}, (srv) => {
      srv.register({ name: 'raw', params: tupleParams(), handler: () => new RawJson(Buffer.from(text.slice(0, 5)), Buffer.from(text.slice(5))) });
      srv.register({ name: 'plain', params: tupleParams(), handler: () => value });
    });
    try {
      const ws = await TestWs.open(s.wsUrl);
      expect(await ws.result('raw', [])).toEqual(value);
      ws.send([{ jsonrpc: '2.0', id: 1, method: 'raw', params: [] }, { jsonrpc: '2.0', id: 2, method: 'plain', params: [] }]);
      expect(await ws.next()).toEqual([{ jsonrpc: '2.0', id: 1, result: value }, { jsonrpc: '2.0', id: 2, result: value }]);
      await ws.close();
      const r = await post(s.httpUrl, { jsonrpc: '2.0', id: 'x', method: 'raw', params: [] });
      expect(r.status).toBe(200);
      expect(r.text).toBe(`{"jsonrpc":"2.0","id":"x","result":${text}}`);
    } finally {
      await s.server.close();
    }
  });
});
