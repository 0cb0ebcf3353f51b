/**
 * The Scheduler and Sudo end to end: a real dev node process (its chain spec names Alice the sudo key) and
 * @polkadot/api used as an operator uses it, with no type overrides. Alice schedules a Root-only call through
 * `sudo(scheduler.schedule(…))`; it is dispatched at its block (the `Scheduler.Dispatched` event in that block, its
 * effect in that block's state, the agenda read back through `api.query.scheduler`). A named task is canceled
 * with `cancel_named` and never runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@polkadot/api-augment';
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { EventRecord } from '@polkadot/types/interfaces';
import { u8aToHex } from '@polkadot/util';
import { captureConsole, sendAndWatch } from '../helpers/clients.js';
import { killAllNodes, makeTempBasePath, NodeProcess, removeBasePath } from '../helpers/node-process.js';
import { withTimeout } from '../helpers/rpc-client.js';
import { devAccount, freshAccount } from './support.js';

describe('Scheduler through Sudo on a dev node, with @polkadot/api', () => {
  const basePath = makeTempBasePath('scheduler-sudo');
  let node: NodeProcess;
  let api: ApiPromise;
  let alice: KeyringPair;

  beforeAll(async () => {
    node = await NodeProcess.start({ basePath, blockTimeMs: 200 });
    alice = await devAccount('Alice');
    const capture = captureConsole();
    try {
      api = await withTimeout(ApiPromise.create({ provider: new WsProvider(node.wsUrl), throwOnConnect: true }), 20_000, 'ApiPromise.create');
    } finally {
      capture.stop();
    }
  });

  afterAll(async () => {
    try {
      await api?.disconnect();
      await node?.stop();
    } finally {
      await killAllNodes();
      removeBasePath(basePath);
    }
  });

  /** The events of block `n`, once the chain has finalized it (polls the finalized head). */
  async function eventsAt(n: number): Promise<{ events: EventRecord[]; hash: string }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const fin = await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead());
      if (fin.number.toNumber() >= n) {
        const hash = await api.rpc.chain.getBlockHash(n);
        const at = await api.at(hash);
        return { events: [...(await at.query.system.events())], hash: hash.toHex() };
      }
      if (Date.now() > deadline) throw new Error(`block ${n} was not finalized within 30 s (finalized: ${fin.number.toNumber()})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('the dev chain names Alice the sudo key; Sudo and Scheduler are in the metadata', async () => {
    expect((await api.query.sudo.key()).unwrap().toString()).toBe(alice.address);
    expect(api.tx.scheduler.schedule.meta.args.map((a) => a.name.toString())).toEqual(['when', 'maybePeriodic', 'priority', 'call']);
    expect(api.consts.scheduler.maxScheduledPerBlock.toNumber()).toBe(50);
  });

  it('sudo(scheduler.schedule(when, null, 0, call)): the call is dispatched at block `when` with Root', async () => {
    const dave = await freshAccount();
    const amount = 7_000_000_000_000n;
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    // Far enough ahead that inclusion and finality (a few blocks each) come first even on a loaded machine.
    const when = head + 30;
    const inner = api.tx.balances.forceSetBalance(dave.address, amount);
    const watched = await sendAndWatch(api.tx.sudo.sudo(api.tx.scheduler.schedule(when, null, 0, inner)), alice);
    expect(watched.dispatchError).toBeUndefined();
    const names = watched.events.map((e) => `${e.event.section}.${e.event.method}`);
    expect(names).toContain('scheduler.Scheduled');
    const sudid = watched.events.find((e) => e.event.section === 'sudo' && e.event.method === 'Sudid')!;
    expect((sudid.event.data[0] as unknown as { isOk: boolean }).isOk).toBe(true);
    const scheduled = watched.events.find((e) => e.event.method === 'Scheduled')!.event.data as unknown as { when: { toNumber(): number }; index: { toNumber(): number } };
    expect(scheduled.when.toNumber()).toBe(when);
    // The agenda, read back through the metadata's types: the task, its Root origin and the inline call.
    const agenda = await api.query.scheduler.agenda(when);
    expect(agenda.length).toBe(1);
    const task = agenda[0].unwrap();
    expect(task.priority.toNumber()).toBe(0);
    expect(task.maybeId.isNone).toBe(true);
    expect(task.origin.toJSON()).toEqual({ system: { root: null } });
    expect(task.call.isInline).toBe(true);
    expect(u8aToHex(task.call.asInline)).toBe(inner.method.toHex());
    expect((await api.query.system.account(dave.address)).data.free.toBigInt()).toBe(0n);

    const { events, hash } = await eventsAt(when);
    const dispatched = events.filter((e) => e.event.section === 'scheduler' && e.event.method === 'Dispatched');
    expect(dispatched).toHaveLength(1);
    expect(dispatched[0].phase.isInitialization).toBe(true);
    const d = dispatched[0].event.data as unknown as { task: [{ toNumber(): number }, { toNumber(): number }]; result: { isOk: boolean } };
    expect([d.task[0].toNumber(), d.task[1].toNumber()]).toEqual([when, 0]);
    expect(d.result.isOk).toBe(true);
    // Its effect is in that block's state, not in the block before.
    const atWhen = await api.at(hash);
    expect((await atWhen.query.system.account(dave.address)).data.free.toBigInt()).toBe(amount);
    const before = await api.at(await api.rpc.chain.getBlockHash(when - 1));
    expect((await before.query.system.account(dave.address)).data.free.toBigInt()).toBe(0n);
    expect((await atWhen.query.scheduler.agenda(when)).length).toBe(0);
  });

  it('scheduleNamed then cancelNamed: Lookup shows the task, then nothing; it never runs', async () => {
    const eve = await freshAccount();
    const id = u8aToHex(new Uint8Array(32).fill(0x42));
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    const when = head + 40;
    const scheduled = await sendAndWatch(api.tx.sudo.sudo(api.tx.scheduler.scheduleNamed(id, when, null, 0, api.tx.balances.forceSetBalance(eve.address, 3_000_000_000_000n))), alice);
    expect(scheduled.dispatchError).toBeUndefined();
    const lookup = await api.query.scheduler.lookup(id);
    expect(lookup.isSome).toBe(true);
    expect(lookup.unwrap()[0].toNumber()).toBe(when);
    const canceled = await sendAndWatch(api.tx.sudo.sudo(api.tx.scheduler.cancelNamed(id)), alice);
    const c = canceled.events.find((e) => e.event.section === 'scheduler' && e.event.method === 'Canceled');
    expect(c).toBeDefined();
    expect((c!.event.data as unknown as { when: { toNumber(): number } }).when.toNumber()).toBe(when);
    expect((await api.query.scheduler.lookup(id)).isNone).toBe(true);
    const { events, hash } = await eventsAt(when);
    expect(events.filter((e) => e.event.section === 'scheduler')).toHaveLength(0);
    expect((await (await api.at(hash)).query.system.account(eve.address)).data.free.toBigInt()).toBe(0n);
  });

  it('a signer that is not the key is refused with Sudo.RequireSudo', async () => {
    const bob = await devAccount('Bob');
    const r = await sendAndWatch(api.tx.sudo.sudo(api.tx.scheduler.cancelNamed(u8aToHex(new Uint8Array(32)))), bob);
    expect(r.dispatchError?.isModule).toBe(true);
    const err = api.registry.findMetaError(r.dispatchError!.asModule);
    expect(`${err.section}.${err.name}`).toBe('sudo.RequireSudo');
  });
});
