/**
 * Request/response between real hosts on 127.0.0.1: round trips on one long-lived stream, errors, timeouts,
 * limits, overload and disconnects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestError, type P2pHost, type RequestErrorCode } from '../../../src/p2p/index.js';
import { equalBytes, utf8 } from '../../../src/primitives/bytes.js';
import { keysFor, startMesh, stopAll, waitFor } from './helpers.js';

let hosts: P2pHost[];
let client: P2pHost;
let server: P2pHost;
let serverId: string;
const gates: Array<() => void> = [];

beforeAll(async () => {
  const keys = await keysFor(['Alice', 'Bob']);
  hosts = await startMesh(keys, { reqResp: { maxConcurrentHandlers: 4, maxResponseBytes: 8 * 1024 * 1024, maxRequestBytes: 64 * 1024 } });
  [client, server] = hosts;
  serverId = keys[1].peerId;
  server.handle('echo/1', (b) => b);
  server.handle('fail/1', () => {
    throw new Error('no such block');
  });
  server.handle('big/1', (b) => new Uint8Array(new DataView(b.buffer, b.byteOffset).getUint32(0)).fill(7));
  // Holds its answer until the test opens the gate.
  server.handle('hold/1', (b) => new Promise<Uint8Array>((resolve) => gates.push(() => resolve(b))));
  server.handle('wrong/1', () => 'not bytes' as unknown as Uint8Array);
});

afterAll(async () => {
  for (const g of gates.splice(0)) g();
  await stopAll(hosts);
});

async function codeOf(p: Promise<unknown>): Promise<RequestErrorCode> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(RequestError);
    return (err as RequestError).code;
  }
  throw new Error('request unexpectedly succeeded');
}

const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};

describe('request/response', () => {
  it('answers many concurrent requests on one stream, each with its own response', async () => {
    const reqs = Array.from({ length: 60 }, (_, i) => client.request(serverId, 'echo/1', utf8(`req-${i}`)));
    const res = await Promise.all(reqs);
    expect(res.map((r) => new TextDecoder().decode(r))).toEqual(Array.from({ length: 60 }, (_, i) => `req-${i}`));
    // 60 requests, then their answers, travelled on one long-lived stream (the stats count no failures).
    expect(client.stats().reqResp.failed).toBe(0);
  });

  it('carries a multi-megabyte response', async () => {
    const res = await client.request(serverId, 'big/1', u32(5 * 1024 * 1024));
    expect(res.length).toBe(5 * 1024 * 1024);
    expect(equalBytes(res.subarray(0, 4), new Uint8Array([7, 7, 7, 7]))).toBe(true);
  });

  it('reports handler errors, unknown protocols, bad responses and size limits as coded errors', async () => {
    const err = await client.request(serverId, 'fail/1', new Uint8Array()).catch((e: unknown) => e as RequestError);
    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).code).toBe('remote-error');
    expect((err as RequestError).message).toContain('no such block');
    expect(await codeOf(client.request(serverId, 'nope/1', new Uint8Array()))).toBe('unknown-protocol');
    expect(await codeOf(client.request(serverId, 'wrong/1', new Uint8Array()))).toBe('remote-error');
    expect(await codeOf(client.request(serverId, 'big/1', u32(8 * 1024 * 1024 + 1)))).toBe('too-large');
    expect(await codeOf(client.request(serverId, 'echo/1', new Uint8Array(64 * 1024 + 1)))).toBe('too-large');
    expect(await codeOf(client.request(serverId, '', new Uint8Array()))).toBe('invalid-argument');
    // The stream survived all of that.
    expect(new TextDecoder().decode(await client.request(serverId, 'echo/1', utf8('still here')))).toBe('still here');
  });

  it('times out and ignores the late answer; queues requests beyond the handler slots; caps requests in flight', async () => {
    const before = client.stats().reqResp.late;
    expect(await codeOf(client.request(serverId, 'hold/1', utf8('slow'), { timeoutMs: 100 }))).toBe('timeout');
    // The server has 4 handler slots, one still held by the timed-out request: 3 of these run, the rest wait.
    const held = Array.from({ length: 64 }, (_, i) => client.request(serverId, 'hold/1', utf8(`held-${i}`)));
    await waitFor(() => gates.length === 4, 'four handlers to be running');
    // 64 requests in flight to this peer is the client's limit.
    expect(await codeOf(client.request(serverId, 'echo/1', utf8('one too many')))).toBe('overloaded');
    let settled = false;
    const all = Promise.all(held).finally(() => (settled = true));
    while (!settled) {
      for (const g of gates.splice(0)) g();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect((await all).map((r) => new TextDecoder().decode(r))).toEqual(Array.from({ length: 64 }, (_, i) => `held-${i}`));
    await waitFor(() => client.stats().reqResp.late === before + 1, 'the late answer to be discarded');
    expect(server.stats().reqResp.overloaded).toBe(0);
  });

  it('fails at once for a peer that is not connected, and fails pending requests on disconnect', async () => {
    const [stranger] = await keysFor(['Mallory']);
    expect(await codeOf(client.request(stranger.peerId, 'echo/1', new Uint8Array()))).toBe('not-connected');
    expect(await codeOf(client.request('not-a-peer-id', 'echo/1', new Uint8Array()))).toBe('not-connected');
    const pending = client.request(serverId, 'hold/1', utf8('cut'));
    await waitFor(() => gates.length === 1, 'the handler to be running');
    await client.disconnect(serverId);
    expect(await codeOf(pending)).toBe('stream-closed');
    for (const g of gates.splice(0)) g();
    // Bob has Alice as a bootnode and redials; requests work again on a new stream.
    await waitFor(() => client.isConnected(serverId), 'the redial');
    expect(new TextDecoder().decode(await client.request(serverId, 'echo/1', utf8('back')))).toBe('back');
  });
});
