/**
 * On a real node process exposed with `--rpc-external`, what a client from outside met (issue 9, items 3 and 4):
 * a slow reader of 800 pipelined `state_getMetadata` is served in full, a client that reads nothing is dropped
 * after the stall time (not at a buffer size), a 16.8 MB plain POST gets 413 / -32007 (not EPIPE), one address
 * cannot take every connection slot with unfinished bodies, ids beyond 2^53 come back exactly, and the storage
 * history methods Substrate marks unsafe are refused.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllNodes, makeTempBasePath, NodeProcess, removeBasePath } from '../helpers/node-process.js';
import { RpcClient } from '../helpers/rpc-client.js';
import { RawWs, readSlowly } from '../helpers/raw-ws.js';
import { expectRpcError } from './support.js';

afterAll(() => killAllNodes());

const PER_IP = 6;
const STALL_MS = 4_000;
/** Long enough to upload 16.8 MB over loopback on a loaded machine, short enough for the test of the deadline. */
const REQUEST_TIMEOUT_MS = 4_000;

describe('the RPC transport of a node on --rpc-external', () => {
  const basePath = makeTempBasePath('rpc-transport');
  let node: NodeProcess;
  const sockets: net.Socket[] = [];

  beforeAll(async () => {
    node = await NodeProcess.start({
      basePath,
      blockTimeMs: 500,
      log: 'warn',
      args: ['--rpc-external', '--rpc-max-connections-per-ip', String(PER_IP), '--rpc-limit-loopback-connections', '--rpc-request-timeout', String(REQUEST_TIMEOUT_MS), '--rpc-stall-timeout', String(STALL_MS)],
    });
  });
  afterAll(async () => {
    for (const so of sockets) so.destroy();
    await node?.stop();
    removeBasePath(basePath);
  });

  async function connect(localAddress?: string): Promise<net.Socket> {
    const so = net.connect({ port: node.port, host: '127.0.0.1', ...(localAddress === undefined ? {} : { localAddress }) });
    sockets.push(so);
    so.on('error', () => {});
    await new Promise<void>((r) => so.once('connect', () => r()));
    return so;
  }

  /** Everything the node sends on `so` until the connection closes. */
  const readAll = (so: net.Socket) => new Promise<string>((resolve) => {
    let text = '';
    so.on('data', (d: Buffer) => { text += d.toString('latin1'); });
    so.once('close', () => resolve(text));
  });

  const post = async (body: string) => {
    const res = await fetch(node.httpUrl, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body });
    return { status: res.status, text: await res.text() };
  };

  it('refuses state_queryStorage and state_subscribeStorage without keys as unsafe, and serves the keyed forms', async () => {
    const client = await RpcClient.connect(node.wsUrl);
    try {
      const genesis = await client.call<string>('chain_getBlockHash', [0]);
      const key = '0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7';
      await expectRpcError(client.call('state_queryStorage', [[key], genesis]), -32601, 'RPC call is unsafe to be called externally');
      await expectRpcError(client.call('state_subscribeStorage', []), -32601, 'RPC call is unsafe to be called externally');
      await expectRpcError(client.call('author_rotateKeys', []), -32601, 'RPC call is unsafe to be called externally');
      const at = await client.call<Array<{ block: string }>>('state_queryStorageAt', [[key], genesis]);
      expect(at[0].block).toBe(genesis);
      const sub = await client.subscribe('state_subscribeStorage', [[key]], 'state_unsubscribeStorage');
      const first = await sub.next() as { block: string; changes: Array<[string, string | null]> };
      expect(first.changes.map(([k]) => k)).toEqual([key]);
      await sub.unsubscribe();
    } finally {
      await client.close();
    }
  });

  it('echoes numeric ids beyond 2^53 digit for digit', async () => {
    const big = '18446744073709551615';
    const r = await post(`{"jsonrpc":"2.0","id":${big},"method":"system_chain","params":[]}`);
    expect(r.text).toBe(`{"jsonrpc":"2.0","id":${big},"result":"Development"}`);
    const e = await post(`[{"jsonrpc":"2.0","id":${big}1,"method":"no_such_method"}]`);
    expect(e.text).toContain(`"id":${big}1,"error":{"code":-32601`);
  });

  it('answers a 16.8 MB plain POST with 413 and -32007 once the body is read, not a broken pipe', async () => {
    const so = await connect();
    let writeError: unknown = null;
    so.on('error', (err) => { writeError = err; });
    const answer = readAll(so);
    const size = 16_800_000;
    so.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`);
    const piece = Buffer.alloc(256 * 1024, 0x20);
    for (let sent = 0; sent < size && !so.destroyed; sent += piece.length) {
      if (!so.write(piece.subarray(0, Math.min(piece.length, size - sent)))) {
        await new Promise((r) => { so.once('drain', r); so.once('close', r); });
      }
    }
    const text = await answer;
    expect(writeError).toBeNull();
    expect(text.startsWith('HTTP/1.1 413 ')).toBe(true);
    const length = Number(/content-length: (\d+)/i.exec(text)![1]);
    const start = text.indexOf('\r\n\r\n') + 4;
    expect(JSON.parse(text.slice(start, start + length))).toMatchObject({ id: null, error: { code: -32007, message: 'Request is too big' } });
  });

  it('limits the connections of one address, so unfinished bodies cannot take every slot; they time out with 408', async () => {
    const answers: Array<Promise<string>> = [];
    for (let i = 0; i < PER_IP + 2; i++) {
      const so = await connect();
      answers.push(readAll(so));
      so.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"js');
    }
    // Another address is served meanwhile (127.0.0.2 reaches the node on 0.0.0.0 over loopback).
    const other = await connect('127.0.0.2');
    const otherAnswer = readAll(other);
    const body = '{"jsonrpc":"2.0","id":1,"method":"system_chain","params":[]}';
    other.write(`POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expect(await otherAnswer).toContain('"result":"Development"');
    // Those let in are cut at the request deadline; the others were refused at once.
    const texts = await Promise.all(answers);
    const refused = texts.filter((t) => t.startsWith('HTTP/1.1 503 '));
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(texts.filter((t) => t.startsWith('HTTP/1.1 408 ')).length).toBe(texts.length - refused.length);
    expect(JSON.parse(refused[0].slice(refused[0].indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: -32009, data: `Exceeded max limit of ${PER_IP} connections per IP` },
    });
    expect((await post(body)).text).toContain('"result":"Development"');
  });

  it('serves a client that reads 800 pipelined state_getMetadata slower than it asks, without dropping it', async () => {
    const ws = await RawWs.open(node.port);
    sockets.push(ws.socket);
    const n = 800; // about 65 MB of replies, twice what the node used to buffer before dropping a client
    for (let id = 1; id <= n; id++) ws.sendText(JSON.stringify({ jsonrpc: '2.0', id, method: 'state_getMetadata', params: [] }));
    // Nothing read for a while (less than the stall time): the node fills the socket, then stops reading us.
    await new Promise((r) => setTimeout(r, 2_000));
    await readSlowly(ws, () => ws.inbox.messages.length === n, 5);
    const ids = (ws.inbox.messages as Array<{ id: number; result: string }>).map((m) => m.id).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(node.output()).not.toContain('dropping RPC connection');
    ws.socket.destroy();
  }, 120_000);

  it('drops a client that reads nothing after the stall time, not at a buffer size', async () => {
    const ws = await RawWs.open(node.port);
    sockets.push(ws.socket);
    const dropped = node.waitForLine((l) => l.includes('dropping RPC connection'), 60_000, 'the drop of the non-reading client');
    for (let id = 1; id <= 800; id++) ws.sendText(JSON.stringify({ jsonrpc: '2.0', id, method: 'state_getMetadata', params: [] }));
    const line = JSON.parse(await dropped) as { reason: string };
    expect(line.reason).toMatch(new RegExp(`^client read nothing for ${STALL_MS} ms with \\d+ bytes waiting to be sent$`));
    ws.socket.destroy();
    // The node serves others as before.
    expect((await post('{"jsonrpc":"2.0","id":1,"method":"system_chain","params":[]}')).text).toContain('Development');
  }, 120_000);
});
