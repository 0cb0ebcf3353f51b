/**
 * pallet-scheduler and pallet-sudo through the real executive: tasks scheduled through `sudo` run with the Root
 * origin at their block (in `onInitialize`), in priority order within `MaximumWeight` with the rest carried over in
 * order, by name or at a time; cancellation; periodic tasks; the refusals. Every test checks the state effect of the
 * dispatched call, the events and the Scheduler's storage as FRAME lays it out.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { XFG } from '../../../src/chain/index.js';
import type { EventRecord, RuntimeCallValue } from '../../../src/runtime/dispatch.js';
import { SchedulerErrors } from '../../../src/pallets/scheduler/errors.js';
import { TASK_WEIGHT } from '../../../src/pallets/scheduler/calls.js';
import { WEIGHTS as SCHEDULER_WEIGHTS } from '../../../src/pallets/scheduler/weights.js';
import { weightOf } from '../../../src/runtime/weights.js';
import { schedulerStorage } from '../../../src/pallets/scheduler/storage.js';
import { SudoErrors, } from '../../../src/pallets/sudo/errors.js';
import { SudoStorage } from '../../../src/pallets/sudo/index.js';
import { checkInvariantsAfterEach, TestChain, type ApplyResult } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';

let k: DevKeys;
beforeAll(async () => {
  k = await devKeys();
});
checkInvariantsAfterEach();

const SE = SchedulerErrors.of;

/** A chain whose sudo key is Alice (as the dev chain spec). */
async function chain(): Promise<TestChain> {
  return TestChain.create(k, { genesis: { sudo: { key: k.alice.publicKey } } });
}

/** The dispatch result of an applied extrinsic (throws when it was not included). */
function dispatchOf(r: ApplyResult) {
  if (!r.ok) throw new Error(`not included: ${r.error.reason} ${r.error.message}`);
  return r.applied.dispatch.ok ? { ok: true as const } : { ok: false as const, error: r.applied.dispatch.error };
}

/** A decoded RuntimeCall, as a call argument carries it. */
function rc(c: TestChain, pallet: string, call: string, args: Record<string, unknown>): RuntimeCallValue {
  return c.runtime.callCodec.decode(c.call(pallet, call, args));
}

/** `Balances.force_set_balance(who, newFree)`: a Root-only call whose effect is easy to see. */
function setBalance(c: TestChain, who: Uint8Array, newFree: bigint): RuntimeCallValue {
  return rc(c, 'Balances', 'forceSetBalance', { who: { tag: 'Id', value: who }, newFree });
}

/** Alice's `sudo(call)` extrinsic. */
function sudo(c: TestChain, call: RuntimeCallValue, nonce?: number): Uint8Array {
  return c.sign(k.alice, c.call('Sudo', 'sudo', { call }), nonce === undefined ? {} : { nonce });
}

/** Alice's `sudo(Scheduler.<name>(args))`. */
function sudoScheduler(c: TestChain, name: string, args: Record<string, unknown>, nonce?: number): Uint8Array {
  return sudo(c, rc(c, 'Scheduler', name, args), nonce);
}

/** Scheduler events of `records` as `[name, value]`. */
function schedulerEvents(records: readonly EventRecord[]): Array<[string, unknown]> {
  return records.filter((r) => r.event.tag === 'Scheduler').map((r) => [r.event.value.tag, r.event.value.value]);
}

/** The `Sudid` result of the block's events. */
function sudid(records: readonly EventRecord[]): unknown[] {
  return records.filter((r) => r.event.tag === 'Sudo').map((r) => r.event.value.value);
}

const NAME = new Uint8Array(32).fill(7);

describe('Scheduler through Sudo', () => {
  it('schedule: the call runs at its block in onInitialize with the Root origin; Agenda empties', async () => {
    const c = await chain();
    const S = schedulerStorage(c.runtime.outer).items;
    const dave = k.dave.publicKey;
    const { results } = c.produce([sudoScheduler(c, 'schedule', { when: 3, maybePeriodic: undefined, priority: 0, call: setBalance(c, dave, 5n * XFG) })]);
    expect(dispatchOf(results[0])).toEqual({ ok: true });
    expect(sudid(c.events())).toEqual([{ sudoResult: { ok: true, value: null } }]);
    expect(schedulerEvents(c.events())).toEqual([['Scheduled', { when: 3, index: 0 }]]);
    const agenda = S.Agenda.get(c.state, 3);
    expect(agenda).toHaveLength(1);
    expect(agenda[0]).toMatchObject({ maybeId: undefined, priority: 0, maybePeriodic: undefined, origin: { tag: 'system', value: { tag: 'Root' } } });
    expect(agenda[0]!.call).toEqual({ tag: 'Inline', value: c.runtime.callCodec.encode(setBalance(c, dave, 5n * XFG)) });
    c.produce([]);
    expect(c.free(dave)).toBe(0n);
    const block = c.begin();
    // Dispatched in onInitialize: before any extrinsic, and its weight counted against the block as Mandatory.
    const forceSetWeight = c.runtime.callInfoOf(setBalance(c, dave, 5n * XFG)).weight;
    expect(block.exec.weightUsed.Mandatory).toBeGreaterThanOrEqual(forceSetWeight);
    const sealed = c.seal(block);
    c.commit(sealed);
    expect(c.free(dave)).toBe(5n * XFG);
    const init = c.events().filter((r) => r.phase.tag === 'Initialization');
    const names = init.map((r) => `${r.event.tag}.${r.event.value.tag}`);
    expect(names).toContain('Balances.BalanceSet');
    expect(names[names.length - 1]).toBe('Scheduler.Dispatched');
    expect(schedulerEvents(init)).toEqual([['Dispatched', { task: [3, 0], id: undefined, result: { ok: true, value: null } }]]);
    expect(S.Agenda.contains(c.state, 3)).toBe(false);
    expect(S.IncompleteSince.get(c.state)).toBeUndefined();
  });

  it('only ScheduleOrigin (Root) schedules: a signed schedule is BadOrigin; a non-key sudo is RequireSudo', async () => {
    const c = await chain();
    const call = setBalance(c, k.dave.publicKey, XFG);
    const { results } = c.produce([
      c.sign(k.bob, c.call('Scheduler', 'schedule', { when: 5, maybePeriodic: undefined, priority: 0, call })),
      c.sign(k.bob, c.call('Sudo', 'sudo', { call: rc(c, 'Scheduler', 'schedule', { when: 5, maybePeriodic: undefined, priority: 0, call }) }), { nonce: 1 }),
    ]);
    expect(dispatchOf(results[0])).toEqual({ ok: false, error: { tag: 'BadOrigin' } });
    expect(dispatchOf(results[1])).toEqual({ ok: false, error: SudoErrors.of.RequireSudo });
    expect(schedulerStorage(c.runtime.outer).items.Agenda.contains(c.state, 5)).toBe(false);
  });

  it('a failing task: Dispatched carries its error, its state changes are rolled back, later tasks still run', async () => {
    const c = await chain();
    const dave = k.dave.publicKey;
    // forceTransfer of more than Bob has fails; then force_set_balance for Dave runs.
    const failing = rc(c, 'Balances', 'forceTransfer', { source: { tag: 'Id', value: k.bob.publicKey }, dest: { tag: 'Id', value: dave }, value: 1_000_000n * XFG });
    c.produce([
      sudoScheduler(c, 'schedule', { when: 2, maybePeriodic: undefined, priority: 0, call: failing }),
      sudoScheduler(c, 'schedule', { when: 2, maybePeriodic: undefined, priority: 1, call: setBalance(c, dave, 2n * XFG) }, 1),
    ]);
    const bobBefore = c.free(k.bob.publicKey);
    c.produce([]);
    const ev = schedulerEvents(c.events());
    expect(ev[0][0]).toBe('Dispatched');
    expect((ev[0][1] as { result: { ok: boolean } }).result.ok).toBe(false);
    expect(ev[1]).toEqual(['Dispatched', { task: [2, 1], id: undefined, result: { ok: true, value: null } }]);
    expect(c.free(k.bob.publicKey)).toBe(bobBefore);
    expect(c.free(dave)).toBe(2n * XFG);
  });

  it("onInitialize declares its measured work per task serviced, beside the dispatched calls' own weight", async () => {
    const c = await chain();
    const who = [k.dave.publicKey, k.eve.publicKey, k.ferdie.publicKey];
    c.produce(who.map((w, i) => sudoScheduler(c, 'schedule', { when: 3, maybePeriodic: undefined, priority: 0, call: setBalance(c, w, XFG) }, i)));
    // Block 2 services no task: the hooks' fixed work only.
    const idle = c.begin();
    const idleWeight = idle.exec.weightUsed.Mandatory;
    c.commit(c.seal(idle));
    const busy = c.begin();
    const calls = who.reduce((sum, w) => sum + c.runtime.callInfoOf(setBalance(c, w, XFG)).weight, 0n);
    expect(busy.exec.weightUsed.Mandatory - idleWeight).toBe(3n * SCHEDULER_WEIGHTS.hooks.onInitialize.perItem + calls);
    expect(weightOf(SCHEDULER_WEIGHTS.hooks.onInitialize, 3)).toBe(SCHEDULER_WEIGHTS.hooks.onInitialize.base + 3n * TASK_WEIGHT);
    c.commit(c.seal(busy));
    expect(schedulerEvents(c.events()).filter(([n]) => n === 'Dispatched')).toHaveLength(3);
    for (const w of who) expect(c.free(w)).toBe(XFG);
  });

  it('priority order, and MaximumWeight: what does not fit is carried over to the next block in order', async () => {
    const c = await chain();
    const S = schedulerStorage(c.runtime.outer).items;
    const max = (c.runtime.spec.limits.maxBlockRefTime * 80n) / 100n;
    // Three tasks each declaring 45 % of MaximumWeight: two fit a block, the third waits.
    const heavy = (who: Uint8Array, v: bigint) => rc(c, 'Sudo', 'sudoUncheckedWeight', { call: setBalance(c, who, v), weight: { refTime: (max * 45n) / 100n, proofSize: 0n } });
    c.produce([
      sudoScheduler(c, 'schedule', { when: 2, maybePeriodic: undefined, priority: 200, call: heavy(k.dave.publicKey, 1n * XFG) }),
      sudoScheduler(c, 'schedule', { when: 2, maybePeriodic: undefined, priority: 10, call: heavy(k.eve.publicKey, 2n * XFG) }, 1),
      sudoScheduler(c, 'schedule', { when: 2, maybePeriodic: undefined, priority: 100, call: heavy(k.ferdie.publicKey, 3n * XFG) }, 2),
    ]);
    c.produce([]);
    // Block 2: priority 10 (index 1) then 100 (index 2); 200 (index 0) does not fit.
    expect(schedulerEvents(c.events()).map(([n, v]) => [n, (v as { task: unknown }).task])).toEqual([
      ['Dispatched', [2, 1]],
      ['Dispatched', [2, 2]],
    ]);
    expect([c.free(k.eve.publicKey), c.free(k.ferdie.publicKey), c.free(k.dave.publicKey)]).toEqual([2n * XFG, 3n * XFG, 0n]);
    expect(S.IncompleteSince.get(c.state)).toBe(2);
    expect(S.Agenda.get(c.state, 2)).toHaveLength(1);
    c.produce([]);
    expect(schedulerEvents(c.events()).map(([n, v]) => [n, (v as { task: unknown }).task])).toEqual([['Dispatched', [2, 0]]]);
    expect(c.free(k.dave.publicKey)).toBe(1n * XFG);
    expect(S.IncompleteSince.get(c.state)).toBeUndefined();
    expect(S.Agenda.contains(c.state, 2)).toBe(false);
  });

  it('scheduleNamed + cancelNamed: Lookup holds the address; the canceled task never runs; a taken name is refused', async () => {
    const c = await chain();
    const S = schedulerStorage(c.runtime.outer).items;
    const dave = k.dave.publicKey;
    const { results } = c.produce([
      sudoScheduler(c, 'scheduleNamed', { id: NAME, when: 4, maybePeriodic: undefined, priority: 0, call: setBalance(c, dave, XFG) }),
      sudoScheduler(c, 'scheduleNamed', { id: NAME, when: 5, maybePeriodic: undefined, priority: 0, call: setBalance(c, dave, XFG) }, 1),
    ]);
    expect(results.map(dispatchOf)).toEqual([{ ok: true }, { ok: true }]);
    // The second sudo succeeded, its inner call failed with Named.
    expect(sudid(c.events())).toEqual([{ sudoResult: { ok: true, value: null } }, { sudoResult: { ok: false, error: SE.Named } }]);
    expect(S.Lookup.get(c.state, NAME)).toEqual([4, 0]);
    c.produce([sudoScheduler(c, 'cancelNamed', { id: NAME })]);
    expect(schedulerEvents(c.events())).toEqual([['Canceled', { when: 4, index: 0 }]]);
    expect(S.Lookup.contains(c.state, NAME)).toBe(false);
    expect(S.Agenda.contains(c.state, 4)).toBe(false);
    c.produceEmpty(3);
    expect(c.free(dave)).toBe(0n);
    // Canceling again: NotFound.
    c.produce([sudoScheduler(c, 'cancelNamed', { id: NAME })]);
    expect(sudid(c.events())).toEqual([{ sudoResult: { ok: false, error: SE.NotFound } }]);
  });

  it('cancel by address; NotFound for an empty slot; TargetBlockNumberInPast; CallTooHeavy', async () => {
    const c = await chain();
    const S = schedulerStorage(c.runtime.outer).items;
    const max = (c.runtime.spec.limits.maxBlockRefTime * 80n) / 100n;
    const tooHeavy = rc(c, 'Sudo', 'sudoUncheckedWeight', { call: setBalance(c, k.dave.publicKey, XFG), weight: { refTime: max - TASK_WEIGHT + 1n, proofSize: 0n } });
    c.produce([
      sudoScheduler(c, 'schedule', { when: 6, maybePeriodic: undefined, priority: 0, call: setBalance(c, k.dave.publicKey, XFG) }),
      sudoScheduler(c, 'schedule', { when: 6, maybePeriodic: undefined, priority: 0, call: setBalance(c, k.eve.publicKey, XFG) }, 1),
      sudoScheduler(c, 'schedule', { when: 1, maybePeriodic: undefined, priority: 0, call: setBalance(c, k.dave.publicKey, XFG) }, 2),
      sudoScheduler(c, 'schedule', { when: 9, maybePeriodic: undefined, priority: 0, call: tooHeavy }, 3),
    ]);
    expect(sudid(c.events()).slice(2)).toEqual([{ sudoResult: { ok: false, error: SE.TargetBlockNumberInPast } }, { sudoResult: { ok: false, error: SE.CallTooHeavy } }]);
    const r = c.produce([sudoScheduler(c, 'cancel', { when: 6, index: 0 }), sudoScheduler(c, 'cancel', { when: 6, index: 0 }, c.nonce(k.alice.publicKey) + 1)]);
    expect(r.results.map(dispatchOf)).toEqual([{ ok: true }, { ok: true }]);
    expect(sudid(c.events())).toEqual([{ sudoResult: { ok: true, value: null } }, { sudoResult: { ok: false, error: SE.NotFound } }]);
    // The slot stays empty so index 1 keeps its address.
    expect(S.Agenda.get(c.state, 6)).toHaveLength(2);
    expect(S.Agenda.get(c.state, 6)[0]).toBeUndefined();
    c.produceEmpty(4);
    expect([c.free(k.dave.publicKey), c.free(k.eve.publicKey)]).toEqual([0n, XFG]);
  });

  it('periodic: every 2 blocks, 3 runs in all, under its name', async () => {
    const c = await chain();
    const S = schedulerStorage(c.runtime.outer).items;
    // Each run sets Dave's balance to the same amount; the runs are counted from the events.
    c.produce([sudoScheduler(c, 'scheduleNamed', { id: NAME, when: 3, maybePeriodic: [2, 3], priority: 0, call: setBalance(c, k.dave.publicKey, XFG) })]);
    const runs: number[] = [];
    for (let i = 0; i < 8; i++) {
      c.produce([]);
      for (const [n, v] of schedulerEvents(c.events())) if (n === 'Dispatched') runs.push((v as { task: [number, number] }).task[0]);
    }
    expect(runs).toEqual([3, 5, 7]);
    expect(S.Lookup.contains(c.state, NAME)).toBe(false);
    expect(c.free(k.dave.publicKey)).toBe(XFG);
  });

  it('at a time: runs in the first block that starts once Timestamp.Now ≥ the time; cancelNamed before that', async () => {
    const c = await chain();
    const S = schedulerStorage(c.runtime.outer).items;
    // Block n has time timeOf(n) (6 s apart). Due at timeOf(3) + 1: block 4's time is after it, so block 5 runs it.
    const t = c.timeOf(3) + 1n;
    const other = new Uint8Array(32).fill(9);
    c.produce([
      sudoScheduler(c, 'scheduleAtTime', { time: t, priority: 0, call: setBalance(c, k.dave.publicKey, XFG) }),
      sudoScheduler(c, 'scheduleNamedAtTime', { id: other, time: t, priority: 0, call: setBalance(c, k.eve.publicKey, XFG) }, 1),
      sudoScheduler(c, 'scheduleAtTime', { time: c.timeOf(1), priority: 0, call: setBalance(c, k.eve.publicKey, XFG) }, 2),
    ]);
    expect(schedulerEvents(c.events())).toEqual([
      ['ScheduledAtTime', { time: t, id: undefined }],
      ['ScheduledAtTime', { time: t, id: other }],
    ]);
    expect(sudid(c.events())[2]).toEqual({ sudoResult: { ok: false, error: SE.TargetTimeInPast } });
    expect(S.TimeAgenda.get(c.state).map((x) => x.time)).toEqual([t, t]);
    c.produce([sudoScheduler(c, 'cancelNamed', { id: other })]);
    expect(schedulerEvents(c.events())).toEqual([['CanceledAtTime', { time: t, id: other }]]);
    c.produceEmpty(2);
    expect(c.free(k.dave.publicKey)).toBe(0n);
    c.produce([]);
    expect(c.head.header.number).toBe(5);
    expect(schedulerEvents(c.events())).toEqual([
      ['Scheduled', { when: 5, index: 0 }],
      ['Dispatched', { task: [5, 0], id: undefined, result: { ok: true, value: null } }],
    ]);
    expect(c.free(k.dave.publicKey)).toBe(XFG);
    expect(c.free(k.eve.publicKey)).toBe(0n);
    expect(S.TimeAgenda.get(c.state)).toEqual([]);
  });
});

describe('Sudo', () => {
  it('set_key hands the key on (KeyChanged), sudo_as dispatches as a signed account, remove_key ends sudo', async () => {
    const c = await chain();
    c.produce([c.sign(k.alice, c.call('Sudo', 'setKey', { new: { tag: 'Id', value: k.bob.publicKey } }))]);
    expect(sudid(c.events())).toEqual([{ old: k.alice.publicKey, new: k.bob.publicKey }]);
    expect(SudoStorage.Key.get(c.state)).toEqual(k.bob.publicKey);
    // Alice is no longer the key.
    const { results } = c.produce([
      sudo(c, setBalance(c, k.dave.publicKey, XFG)),
      c.sign(k.bob, c.call('Sudo', 'sudoAs', { who: { tag: 'Id', value: k.charlie.publicKey }, call: rc(c, 'Balances', 'transferKeepAlive', { dest: { tag: 'Id', value: k.dave.publicKey }, value: XFG }) })),
    ]);
    expect(dispatchOf(results[0])).toEqual({ ok: false, error: SudoErrors.of.RequireSudo });
    expect(dispatchOf(results[1])).toEqual({ ok: true });
    expect(sudid(c.events())).toEqual([{ sudoResult: { ok: true, value: null } }]);
    expect(c.free(k.dave.publicKey)).toBe(XFG);
    c.produce([c.sign(k.bob, c.call('Sudo', 'removeKey', {}))]);
    expect(c.events().filter((r) => r.event.tag === 'Sudo').map((r) => r.event.value.tag)).toEqual(['KeyRemoved']);
    expect(SudoStorage.Key.get(c.state)).toBeUndefined();
    const after = c.produce([c.sign(k.bob, c.call('Sudo', 'sudo', { call: setBalance(c, k.eve.publicKey, XFG) }))]);
    expect(dispatchOf(after.results[0])).toEqual({ ok: false, error: SudoErrors.of.RequireSudo });
  });

  it('a chain without a genesis key has no sudo; the sudo call weighs the wrapped call plus its own', async () => {
    const c = await TestChain.create(k);
    expect(SudoStorage.Key.get(c.state)).toBeUndefined();
    const { results } = c.produce([sudo(c, setBalance(c, k.dave.publicKey, XFG))]);
    expect(dispatchOf(results[0])).toEqual({ ok: false, error: SudoErrors.of.RequireSudo });
    const inner = c.runtime.callInfoOf(setBalance(c, k.dave.publicKey, XFG)).weight;
    expect(c.runtime.callInfoOf(rc(c, 'Sudo', 'sudo', { call: setBalance(c, k.dave.publicKey, XFG) })).weight).toBeGreaterThan(inner);
  });

  it('calls nested deeper than MAX_CALL_DEPTH do not decode', async () => {
    const c = await chain();
    let call = setBalance(c, k.dave.publicKey, XFG);
    for (let i = 0; i < 300; i++) call = { tag: 'Sudo', value: { tag: 'sudo', value: { call } } };
    const bytes = c.runtime.callCodec.encode(call);
    expect(() => c.runtime.callCodec.decode(bytes)).toThrow(/nested deeper than 256/);
  });
});
