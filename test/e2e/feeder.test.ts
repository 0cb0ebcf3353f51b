/**
 * The price feeder against a real dev node process and real HTTP price sources on 127.0.0.1: sources that agree get
 * their price fed on chain (read back from `Oracle.Values`); with one source down the median of the rest is fed; with
 * every source down nothing is fed (no transaction, the stored value unchanged). The `dcn-node feeder` command itself
 * runs as a process too: `--once` feeds and exits 0, fewer sources than `--min-sources` exits 1, bad flags exit 2.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeederContext, parseFeederConfig, runFeederRound, type FeederConfigInput, type RoundResult } from '../../src/node/feeder.js';
import { FedValueCodec, OracleStorage, type FedValueValue } from '../../src/pallets/oracle/index.js';
import { PRICE_ONE } from '../../src/pallets/oracle/math.js';
import { fromHex, toHex } from '../../src/primitives/bytes.js';
import { CLI_PATH, killAllNodes, makeTempBasePath, NodeProcess, REPO_ROOT, removeBasePath } from '../helpers/node-process.js';
import { RpcClient } from '../helpers/rpc-client.js';
import { devAccount } from './support.js';

const run = promisify(execFile);
const price = (decimal: bigint, scale: bigint) => (decimal * PRICE_ONE) / scale;

describe('feeder against a dev node process and local HTTP sources', () => {
  const basePath = makeTempBasePath('feeder');
  let node: NodeProcess;
  let rpc: RpcClient;
  let sources: Server;
  let base = '';
  let refusedUrl = '';

  beforeAll(async () => {
    node = await NodeProcess.start({ basePath, blockTimeMs: 200, log: 'warn' });
    rpc = await RpcClient.connect(node.wsUrl);
    // Three exchanges answering in three shapes, plus a failing and a silent one.
    const routes: Record<string, (res: ServerResponse) => void> = {
      '/a/agree': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"price":"0.61"}}'),
      '/b/agree': (res) => res.writeHead(200).end('[{"last":0.61}]'),
      '/c/agree': (res) => res.writeHead(200).end('{"result":{"p":"6.1e-1"}}'),
      '/a/spread': (res) => res.writeHead(200).end('{"data":{"price":"0.70"}}'),
      '/b/spread': (res) => res.writeHead(200).end('[{"last":0.72}]'),
      '/down': (res) => res.writeHead(503).end('{"error":"maintenance"}'),
      '/silent': () => undefined,
    };
    sources = createServer((req, res) => (routes[req.url ?? ''] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res));
    await new Promise<void>((resolve) => sources.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(sources.address() as AddressInfo).port}`;
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    refusedUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/ticker`;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
  });

  afterAll(async () => {
    await rpc?.close();
    sources?.closeAllConnections();
    await new Promise<void>((resolve) => (sources ? sources.close(() => resolve()) : resolve()));
    await node?.stop();
    await killAllNodes();
    removeBasePath(basePath);
  });

  /** Alice's, Bob's or Charlie's stored value. */
  async function fedValue(who: Uint8Array): Promise<FedValueValue | undefined> {
    const raw = await rpc.call('state_getStorage', [toHex(OracleStorage.Values.keyOf(who))]);
    return typeof raw === 'string' ? FedValueCodec.decode(fromHex(raw)) : undefined;
  }

  /** Wait (polling each block time) until `who`'s stored price is `expected`. */
  async function waitForPrice(who: Uint8Array, expected: bigint): Promise<FedValueValue> {
    for (let i = 0; i < 200; i++) {
      const v = await fedValue(who);
      if (v?.price === expected) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the stored price of 0x${Buffer.from(who).toString('hex')} never became ${expected}; node output:\n${node.output()}`);
  }

  /** One in-process feeder round with its log lines. */
  async function round(input: Omit<FeederConfigInput, 'rpc'>): Promise<{ result: RoundResult; logs: Array<Record<string, unknown>> }> {
    const logs: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    const fc = await createFeederContext(parseFeederConfig({ rpc: node.wsUrl, ...input }), logger);
    try {
      return { result: await runFeederRound(fc), logs };
    } finally {
      await fc.rpc.close();
    }
  }

  const head = async () => Number.parseInt(((await rpc.call('chain_getHeader', [])) as { number: string }).number, 16);

  it('sources that agree: their price is fed and stored on chain with the block time', async () => {
    const alice = await devAccount('Alice');
    const { result } = await round({ suri: '//Alice', sources: [`${base}/a/agree::data.price`, `${base}/b/agree::[0].last`, `${base}/c/agree::result.p`], minSources: 3 });
    expect(result).toMatchObject({ status: 'fed', price: price(61n, 100n) });
    const v = await waitForPrice(alice.publicKey, price(61n, 100n));
    // Stamped with a real block time (the genesis sentinel is u64::MAX).
    expect(v.at < 1n << 63n && v.at > 0n).toBe(true);
  });

  it('one source down, one failing: the median of the rest is fed, the bad ones are logged and skipped', async () => {
    const bob = await devAccount('Bob');
    const { result, logs } = await round({
      suri: '//Bob',
      sources: [`${base}/a/spread::data.price`, `${refusedUrl}::price`, `${base}/b/spread::[0].last`, `${base}/down::data.price`],
      minSources: 2,
    });
    // Two readable prices, 0.70 and 0.72: an even count takes the lower middle.
    expect(result).toMatchObject({ status: 'fed', price: price(70n, 100n) });
    expect(result.readings.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.error))).toEqual(['ECONNREFUSED', 'HTTP 503']);
    expect(logs.filter((l) => l.msg === 'source skipped').map((l) => l.source)).toEqual([`${refusedUrl}::price`, `${base}/down::data.price`]);
    await waitForPrice(bob.publicKey, price(70n, 100n));
  });

  it('every source down: nothing is fed (no transaction, the stored value unchanged)', async () => {
    const charlie = await devAccount('Charlie');
    const before = await fedValue(charlie.publicKey);
    const nonce = await rpc.call('system_accountNextIndex', [toHex(charlie.publicKey)]);
    const { result, logs } = await round({
      suri: '//Charlie',
      sources: [`${refusedUrl}::price`, `${base}/down::data.price`, `${base}/silent::price`],
      timeoutMs: 300,
    });
    expect(result).toMatchObject({ status: 'skipped', reason: 'too-few-sources' });
    expect(logs.some((l) => typeof l.msg === 'string' && l.msg.startsWith('nothing fed: 0 of 3 sources readable'))).toBe(true);
    // A few blocks later: no transaction from Charlie, his value as it was.
    const h = await head();
    while ((await head()) < h + 3) await new Promise((r) => setTimeout(r, 100));
    expect(await rpc.call('system_accountNextIndex', [toHex(charlie.publicKey)])).toBe(nonce);
    expect(await fedValue(charlie.publicKey)).toEqual(before);
  });

  it('fewer readable sources than --min-sources: nothing fed', async () => {
    const { result } = await round({ suri: '//Charlie', sources: [`${base}/a/agree::data.price`, `${refusedUrl}::price`], minSources: 2 });
    expect(result).toMatchObject({ status: 'skipped', reason: 'too-few-sources', detail: '1 of 2 sources readable, 2 needed' });
  });

  it('a median outside the chain\'s bounds, or a key that is not a feeder, is not submitted', async () => {
    const outside = await round({ suri: '//Alice', sources: [`${base}/a/agree::data.price`], fixedPrice: '100', minSources: 2 });
    // Two sources, 0.61 and 100: the lower middle is 0.61, inside; with 100 alone it is at the bound and refused.
    expect(outside.result).toMatchObject({ status: 'fed', price: price(61n, 100n) });
    const atBound = await round({ suri: '//Alice', sources: [], fixedPrice: '100' });
    expect(atBound.result).toMatchObject({ status: 'skipped', reason: 'out-of-bounds' });
    const dave = await round({ suri: '//Dave', sources: [`${base}/a/agree::data.price`] });
    expect(dave.result).toMatchObject({ status: 'skipped', reason: 'not-a-feeder' });
  });

  it('the dcn-node feeder command: --once feeds and exits 0; too few sources exits 1; a bad source flag exits 2', async () => {
    const charlie = await devAccount('Charlie');
    const cli = (args: string[]) =>
      run(process.execPath, [CLI_PATH, 'feeder', '--rpc', node.wsUrl, ...args], { cwd: REPO_ROOT }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    const fed = await cli(['--suri', '//Charlie', '--source', `${base}/a/agree::data.price`, '--source', `${base}/b/agree::[0].last`, '--min-sources', '2', '--once']);
    expect(fed.code, fed.stderr).toBe(0);
    expect(fed.stderr).toContain('"msg":"price fed"');
    await waitForPrice(charlie.publicKey, price(61n, 100n));
    const starved = await cli(['--suri', '//Charlie', '--source', `${refusedUrl}::price`, '--once', '--log', 'error']);
    expect(starved.code).toBe(1);
    const bad = await cli(['--suri', '//Charlie', '--source', `${base}/a/agree`, '--once']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('must be URL::JSONPATH');
    const none = await cli(['--suri', '//Charlie', '--once']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give at least one --source');
  });
});
