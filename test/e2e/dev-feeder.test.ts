/**
 * Issue 9, finding 7: on `npm start` (`run --dev`) the price stays fresh by itself. Two real dev node processes,
 * one with the dev feeder (the default of `run --dev`) and one with `--no-dev-feeder`; both move their clock past the
 * 10-minute staleness window with `dev_advanceTime` instead of waiting, then a borrower locks collateral and applies
 * for a loan through @polkadot/api. With the dev feeder the dev keys' values are re-fed by real signed `oracle.feed`
 * extrinsics (visible as `Oracle.Fed` events of signed extrinsics in the blocks) and the loan goes through, window
 * after window; without it the price is gone and `apply` fails with `PriceUnavailable`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@polkadot/api-augment';
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import { sendAndWatch, type WatchedTx } from '../helpers/clients.js';
import { killAllNodes, makeTempBasePath, NodeProcess, removeBasePath } from '../helpers/node-process.js';
import { withTimeout } from '../helpers/rpc-client.js';
import { devAccount } from './support.js';

const XFG = 1_000_000_000_000n;
const U = 1_000_000n;
/** Past the dev spec's 10-minute price lifetime. */
const ELEVEN_MINUTES = 11 * 60_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

interface Running {
  node: NodeProcess;
  api: ApiPromise;
  basePath: string;
}

async function start(label: string, devFeeder: boolean): Promise<Running> {
  const basePath = makeTempBasePath(label);
  const node = await NodeProcess.start({ basePath, blockTimeMs: 200, devFeeder });
  const api = await withTimeout(ApiPromise.create({ provider: new WsProvider(node.wsUrl), throwOnConnect: true, noInitWarn: true }), 20_000, 'ApiPromise.create');
  return { node, api, basePath };
}

/** The module error of a transaction (`section.Name`), or undefined when it succeeded. */
function moduleError(api: ApiPromise, r: WatchedTx): string | undefined {
  const d = r.dispatchError;
  if (d === undefined) return undefined;
  if (!d.isModule) return d.toString();
  const m = api.registry.findMetaError(d.asModule);
  return `${m.section}.${m.name}`;
}

/** Move the chain's clock and wait until a block carries the new time (the timestamp of the best block). */
async function advance(r: Running, ms: number): Promise<bigint> {
  const before = ((await r.api.query.timestamp.now()) as Any).toBigInt() as bigint;
  // @polkadot/api does not know dev_*: sent raw over the same connection.
  await (r.api as Any)._rpcCore.provider.send('dev_advanceTime', [ms]);
  const target = before + BigInt(ms);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const now = ((await r.api.query.timestamp.now()) as Any).toBigInt() as bigint;
    if (now >= target) return now;
    if (Date.now() > deadline) throw new Error(`the chain's time did not reach ${target} (at ${now})`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Lock 3,000 XFG and apply for 1,000 UDST: the application's outcome. */
async function lockAndApply(api: ApiPromise, who: KeyringPair): Promise<{ error: string | undefined; applied: WatchedTx }> {
  const locked = await sendAndWatch(api.tx.certificates.lock(3_000n * XFG), who);
  expect(moduleError(api, locked)).toBeUndefined();
  const cert = (locked.events.find((e) => e.event.method === 'Locked')!.event.data as Any).id;
  const applied = await sendAndWatch(api.tx.loans.apply(0, 'General', 1_000n * U, 90, [cert], 'seeds'), who);
  return { error: moduleError(api, applied), applied };
}

/** `Oracle.Fed` events in blocks (from, to] that came from signed extrinsics, with their feeders. */
async function signedFeedsBetween(api: ApiPromise, from: number, to: number): Promise<string[]> {
  const feeders: string[] = [];
  for (let n = from + 1; n <= to; n++) {
    const hash = await api.rpc.chain.getBlockHash(n);
    const [block, events] = await Promise.all([api.rpc.chain.getBlock(hash), (await api.at(hash)).query.system.events()]);
    for (const rec of events as Any as Array<Any>) {
      if (rec.event.section !== 'oracle' || rec.event.method !== 'Fed' || !rec.phase.isApplyExtrinsic) continue;
      const xt = block.block.extrinsics[rec.phase.asApplyExtrinsic.toNumber()];
      expect(xt.isSigned).toBe(true);
      expect(`${xt.method.section}.${xt.method.method}`).toBe('oracle.feed');
      feeders.push(xt.signer.toString());
    }
  }
  return feeders;
}

describe('the dev feeder keeps the price fresh on a dev node', () => {
  let on: Running;
  let off: Running;
  let dave: KeyringPair;

  beforeAll(async () => {
    [on, off] = await Promise.all([start('dev-feeder-on', true), start('dev-feeder-off', false)]);
    dave = await devAccount('Dave');
  }, 60_000);

  afterAll(async () => {
    try {
      await Promise.all([on?.api.disconnect(), off?.api.disconnect()]);
      await Promise.all([on?.node.stop(), off?.node.stop()]);
    } finally {
      await killAllNodes();
      for (const r of [on, off]) if (r) removeBasePath(r.basePath);
    }
  });

  it('feeds the dev keys again past each staleness window, and loans go through', async () => {
    const alice = (await devAccount('Alice')).address;
    const bob = (await devAccount('Bob')).address;
    const charlie = (await devAccount('Charlie')).address;
    for (let window = 1; window <= 3; window++) {
      const from = ((await on.api.rpc.chain.getHeader()) as Any).number.toNumber();
      const now = await advance(on, ELEVEN_MINUTES);
      // The block with the new time carries the feeds; every value is now from the advanced time.
      const deadline = Date.now() + 20_000;
      for (;;) {
        const values = await Promise.all([alice, bob, charlie].map(async (f) => ((await on.api.query.oracle.values(f)) as Any).unwrap()));
        if (values.every((v) => v.at.toBigInt() >= now - 1_000n)) {
          for (const v of values) expect(v.price.toBigInt()).toBe(5n * 10n ** 17n);
          break;
        }
        if (Date.now() > deadline) throw new Error(`window ${window}: the values were not fed again (${values.map((v) => v.at.toString()).join(', ')}; now ${now})`);
        await new Promise((res) => setTimeout(res, 100));
      }
      const to = ((await on.api.rpc.chain.getHeader()) as Any).number.toNumber();
      expect(new Set(await signedFeedsBetween(on.api, from, to))).toEqual(new Set([alice, bob, charlie]));
      const { error } = await lockAndApply(on.api, dave);
      expect(error, `window ${window}`).toBeUndefined();
    }
    expect(on.node.output()).toMatch(/dev feeder: price fed/);
  }, 120_000);

  it('with --no-dev-feeder the price goes stale and apply fails with PriceUnavailable', async () => {
    // Fresh at first: the genesis values.
    expect((await lockAndApply(off.api, dave)).error).toBeUndefined();
    await advance(off, ELEVEN_MINUTES);
    const { error } = await lockAndApply(off.api, dave);
    expect(error).toBe('loans.PriceUnavailable');
    expect(off.node.output()).toMatch(/dev feeder off/);
    expect(off.node.output()).not.toMatch(/dev feeder: price fed/);
  }, 120_000);
});
