/**
 * What the Scheduler does, as functions over a {@link DispatchContext}: place, cancel and service tasks. The calls in
 * `index.ts` and other pallets (governance enactment, through `interface.ts`) use the same functions.
 */
import { equalBytes, toHexRaw } from '../../primitives/bytes.js';
import { callerToOrigin, describeOrigin, ensure, fail, originToCaller, type DispatchContext, type EnsureOrigin, type Origin, type OuterTypes } from '../../runtime/dispatch.js';
import type { StateAccess, StateReader } from '../../runtime/state.js';
import { SE } from './errors.js';
import { schedulerEvent as event } from './events.js';
import type { SchedulerStorage } from './storage.js';
import { WEIGHTS } from './weights.js';
import { MAX_CALL_LENGTH, MAX_SCHEDULED_PER_BLOCK, MAX_TIME_SCHEDULED, type ScheduledValue } from './types.js';

/**
 * Weight of handling one task besides its call (ps): moved in from the time agenda, read, decoded, its slot written
 * back, its name removed, placed again when periodic, event. The measured per-task figure of `onInitialize`.
 */
export const TASK_WEIGHT = WEIGHTS.hooks.onInitialize.perItem;
/** Weight of servicing one block's agenda besides its tasks (ps): the measured fixed figure of `onInitialize`. */
export const AGENDA_WEIGHT = WEIGHTS.hooks.onInitialize.base;

/** What the Scheduler needs from the chain. */
export interface SchedulerConfig {
  /** The runtime's outer call and origin types. */
  outer: OuterTypes;
  /** Who may schedule and cancel (FRAME's `ScheduleOrigin`; this chain: Root). */
  scheduleOrigin: EnsureOrigin<unknown>;
  /** The chain's time (ms): `Timestamp::Now`. In `onInitialize` it is still the previous block's time. */
  now: (st: StateReader) => bigint;
  /** Weight the scheduled tasks of one block may take in total (FRAME's `MaximumWeight`, ps). */
  maximumWeight: bigint;
}

/** Where and how to schedule one task. */
export interface ScheduleRequest {
  /** The task's name (32 bytes), for `cancelNamed`; unique among waiting tasks. */
  id?: Uint8Array;
  /** 0 is the highest priority, 255 the lowest (u8). */
  priority: number;
  /** The encoded `RuntimeCall`. */
  call: Uint8Array;
  /** The origin the call will be dispatched with. */
  origin: Origin;
}

/** The Scheduler's operations bound to its configuration and storage. */
export function schedulerOperations(cfg: SchedulerConfig, S: SchedulerStorage) {
  const { outer } = cfg;
  // Each read is a fresh array (an absent item decodes its default anew), so the operations may edit what they read.
  const agendaOf = (st: StateReader, when: number): Array<ScheduledValue | undefined> => S.Agenda.get(st, when);
  const waitingOf = (st: StateReader) => S.TimeAgenda.get(st);

  /** Refuse a call that cannot be stored or could never run within `MaximumWeight`. */
  function checkCall(ctx: DispatchContext, call: Uint8Array): void {
    ensure(call.length <= MAX_CALL_LENGTH, SE.CallTooLong, `the call is ${call.length} bytes, more than MaxCallLength ${MAX_CALL_LENGTH}`);
    const info = ctx.callInfo(call);
    if (!info) fail({ tag: 'Unavailable' }, 'the bytes are not a call of this runtime');
    ensure(TASK_WEIGHT + info.weight <= cfg.maximumWeight, SE.CallTooHeavy, `the call weighs ${info.weight} ps, more than MaximumWeight ${cfg.maximumWeight} ps less ${TASK_WEIGHT} ps per task`);
  }

  /** Whether a waiting task (in an agenda or waiting for its time) has the name `id`. */
  function nameTaken(st: StateReader, id: Uint8Array): boolean {
    return S.Lookup.contains(st, id) || S.TimeAgenda.get(st).some((t) => t.task.maybeId !== undefined && equalBytes(t.task.maybeId, id));
  }

  /** Put `task` in the agenda of block `when` (a free slot, or at the end); its index, or undefined when full. Event: Scheduled. */
  function placeTask(ctx: DispatchContext, when: number, task: ScheduledValue): number | undefined {
    const agenda = agendaOf(ctx.state, when);
    let index = agenda.findIndex((t) => t === undefined);
    if (index < 0) {
      if (agenda.length >= MAX_SCHEDULED_PER_BLOCK) return undefined;
      index = agenda.length;
      agenda.push(task);
    } else {
      agenda[index] = task;
    }
    S.Agenda.set(ctx.state, when, agenda);
    if (task.maybeId !== undefined) S.Lookup.set(ctx.state, task.maybeId, [when, index]);
    ctx.deposit(event('Scheduled', { when, index }));
    return index;
  }

  /** Write an agenda back without its trailing empty slots (removed when empty). */
  function storeAgenda(st: StateAccess, when: number, agenda: Array<ScheduledValue | undefined>): void {
    let end = agenda.length;
    while (end > 0 && agenda[end - 1] === undefined) end--;
    if (end === 0) S.Agenda.remove(st, when);
    else S.Agenda.set(st, when, agenda.slice(0, end));
  }

  /** Root cancels any task; another origin only the tasks it scheduled (FRAME's `EqualPrivilegeOnly`). */
  function ensurePrivilege(origin: Origin, task: ScheduledValue): void {
    if (origin.kind === 'Root') return;
    if (!outer.sameOrigin(origin, callerToOrigin(task.origin))) fail({ tag: 'BadOrigin' }, `a ${describeOrigin(origin)} origin cannot cancel a task scheduled by another origin`);
  }

  function newTask(req: ScheduleRequest, periodic: [number, number] | undefined): ScheduledValue {
    return { maybeId: req.id, priority: req.priority, call: { tag: 'Inline', value: req.call }, maybePeriodic: periodic, origin: originToCaller(req.origin) };
  }

  const ops = {
    /**
     * Schedule `req.call` at block `when` (> the current block), optionally every `period` blocks for `count` runs in
     * all (FRAME's `maybe_periodic`). Returns the task's address. Event: Scheduled.
     */
    schedule(ctx: DispatchContext, when: number, maybePeriodic: [number, number] | undefined, req: ScheduleRequest): [number, number] {
      ensure(when > ctx.blockNumber, SE.TargetBlockNumberInPast, `block ${when} is not after the current block ${ctx.blockNumber}`);
      if (req.id !== undefined) ensure(!nameTaken(ctx.state, req.id), SE.Named, `a task named 0x${toHexRaw(req.id)} is already scheduled`);
      checkCall(ctx, req.call);
      // As FRAME: a period of 0 blocks or a single run is no period; the stored count is the runs after the first.
      const periodic = maybePeriodic !== undefined && maybePeriodic[0] > 0 && maybePeriodic[1] > 1 ? ([maybePeriodic[0], maybePeriodic[1] - 1] as [number, number]) : undefined;
      const index = placeTask(ctx, when, newTask(req, periodic));
      if (index === undefined) fail(SE.FailedToSchedule, `the agenda of block ${when} already holds ${MAX_SCHEDULED_PER_BLOCK} tasks`);
      return [when, index];
    },

    /**
     * Schedule `req.call` at time `time` (ms, after the current block's time): it is placed in the agenda of the first
     * block that starts once `Timestamp::Now` ≥ `time` and dispatched there. Event: ScheduledAtTime.
     */
    scheduleAtTime(ctx: DispatchContext, time: bigint, req: ScheduleRequest): void {
      const now = cfg.now(ctx.state);
      ensure(time > now, SE.TargetTimeInPast, `time ${time} is not after the current block time ${now}`);
      if (req.id !== undefined) ensure(!nameTaken(ctx.state, req.id), SE.Named, `a task named 0x${toHexRaw(req.id)} is already scheduled`);
      checkCall(ctx, req.call);
      const list = waitingOf(ctx.state);
      ensure(list.length < MAX_TIME_SCHEDULED, SE.TimeAgendaFull, `${MAX_TIME_SCHEDULED} tasks already wait for a time`);
      // After every task due at the same time or earlier: equal times keep their scheduling order.
      let at = list.length;
      while (at > 0 && list[at - 1].time > time) at--;
      list.splice(at, 0, { time, task: newTask(req, undefined) });
      S.TimeAgenda.set(ctx.state, list);
      ctx.deposit(event('ScheduledAtTime', { time, id: req.id }));
    },

    /** Cancel the task at `(when, index)`. Errors: NotFound, BadOrigin. Event: Canceled. */
    cancel(ctx: DispatchContext, origin: Origin, when: number, index: number): void {
      const agenda = agendaOf(ctx.state, when);
      const task = agenda[index];
      if (task === undefined) fail(SE.NotFound, `no task at block ${when} index ${index}`);
      ensurePrivilege(origin, task);
      agenda[index] = undefined;
      storeAgenda(ctx.state, when, agenda);
      if (task.maybeId !== undefined) S.Lookup.remove(ctx.state, task.maybeId);
      ctx.deposit(event('Canceled', { when, index }));
    },

    /** Cancel the task named `id`, in an agenda or waiting for its time. Errors: NotFound, BadOrigin. Event: Canceled or CanceledAtTime. */
    cancelNamed(ctx: DispatchContext, origin: Origin, id: Uint8Array): void {
      const addr = S.Lookup.get(ctx.state, id);
      if (addr !== undefined) return ops.cancel(ctx, origin, addr[0], addr[1]);
      const list = waitingOf(ctx.state);
      const at = list.findIndex((t) => t.task.maybeId !== undefined && equalBytes(t.task.maybeId, id));
      if (at < 0) fail(SE.NotFound, `no task named 0x${toHexRaw(id)}`);
      const { time, task } = list[at];
      ensurePrivilege(origin, task);
      list.splice(at, 1);
      S.TimeAgenda.set(ctx.state, list);
      ctx.deposit(event('CanceledAtTime', { time, id }));
    },

    /**
     * The block's scheduler work (`onInitialize`): place the tasks whose time has come in this block's agenda, then
     * dispatch the agendas from `IncompleteSince` (or this block) up to this block, each in priority order (then
     * agenda order), while the tasks' weight stays within `MaximumWeight`. The first task that does not fit stops the
     * work; it and everything after it are carried over to the next block, in the same order (`IncompleteSince`).
     * Returns the number of tasks serviced (dispatched, or found unavailable).
     */
    service(ctx: DispatchContext): number {
      const n = ctx.blockNumber;
      const now = cfg.now(ctx.state);
      const waiting = waitingOf(ctx.state);
      let moved = 0;
      while (moved < waiting.length && waiting[moved].time <= now) {
        if (placeTask(ctx, n, waiting[moved].task) === undefined) break;
        moved++;
      }
      if (moved > 0) S.TimeAgenda.set(ctx.state, waiting.slice(moved));
      let budget = cfg.maximumWeight;
      let when = S.IncompleteSince.get(ctx.state) ?? n;
      let complete = true;
      let serviced = 0;
      for (; when <= n; when++) {
        if (budget < AGENDA_WEIGHT) {
          complete = false;
          break;
        }
        budget -= AGENDA_WEIGHT;
        const left = serviceAgenda(ctx, when, n, budget);
        budget = left.budget;
        serviced += left.serviced;
        if (!left.complete) {
          complete = false;
          break;
        }
      }
      if (complete) S.IncompleteSince.kill(ctx.state);
      else S.IncompleteSince.set(ctx.state, when);
      return serviced;
    },
  };

  /** Dispatch the due tasks of block `when`'s agenda within `budget`; the budget left, whether the agenda is done, how many tasks were serviced. */
  function serviceAgenda(ctx: DispatchContext, when: number, n: number, budget: bigint): { budget: bigint; complete: boolean; serviced: number } {
    let agenda = agendaOf(ctx.state, when);
    let serviced = 0;
    if (agenda.length === 0) return { budget, complete: true, serviced };
    const order = agenda
      .map((t, i) => ({ t, i }))
      .filter((x): x is { t: ScheduledValue; i: number } => x.t !== undefined)
      .sort((a, b) => a.t.priority - b.t.priority || a.i - b.i)
      .map((x) => x.i);
    for (const i of order) {
      const task = agenda[i];
      // A task an earlier task of this agenda canceled.
      if (task === undefined) continue;
      const id = task.maybeId;
      const bytes = task.call.tag === 'Inline' ? task.call.value : undefined;
      const info = bytes === undefined ? undefined : ctx.callInfo(bytes);
      const need = TASK_WEIGHT + (info?.weight ?? 0n);
      if (need > budget) return { budget, complete: false, serviced };
      budget -= need;
      serviced++;
      // The slot is emptied (and written) before the call runs, so a call that touches this agenda sees it as it is.
      agenda[i] = undefined;
      storeAgenda(ctx.state, when, agenda);
      if (id !== undefined) S.Lookup.remove(ctx.state, id);
      if (bytes === undefined || info === undefined) {
        ctx.deposit(event('CallUnavailable', { task: [when, i], id }));
      } else {
        const out = ctx.dispatch(callerToOrigin(task.origin), bytes);
        ctx.deposit(event('Dispatched', { task: [when, i], id, result: out.ok ? { ok: true, value: null } : { ok: false, error: out.error } }));
        if (task.maybePeriodic !== undefined) {
          const [period, runs] = task.maybePeriodic;
          const next: ScheduledValue = { ...task, maybePeriodic: runs > 1 ? [period, runs - 1] : undefined };
          if (id !== undefined && nameTaken(ctx.state, id)) ctx.deposit(event('PeriodicFailed', { task: [when, i], id }));
          else if (placeTask(ctx, n + period, next) === undefined) ctx.deposit(event('PeriodicFailed', { task: [when, i], id }));
        }
      }
      agenda = agendaOf(ctx.state, when);
    }
    return { budget, complete: true, serviced };
  }

  return ops;
}

/** The Scheduler's operations. */
export type SchedulerOperations = ReturnType<typeof schedulerOperations>;
