/**
 * pallet-scheduler: calls dispatched later, at a block or at a time, with the origin that scheduled them. Tasks are
 * dispatched in `onInitialize` in priority order within `MaximumWeight`; the rest carry over to the next block in
 * order. Calls, storage, events and their indices are FRAME's (`schedule`, `cancel`, `schedule_named`, `cancel_named`,
 * `schedule_after`, `schedule_named_after`), so wallets and @polkadot/api use them as on any Substrate chain; the
 * calls at a time (`schedule_at_time`, `schedule_named_at_time`, indices 20 and 21) are this chain's. See README.md.
 */
import { compactU64, option, u32, u8, u64 } from '../../primitives/scale/index.js';
import { ensureOrigin, type Origin } from '../../runtime/dispatch.js';
import { call, definePallet, type Pallet } from '../../runtime/pallet.js';
import { weightOf } from '../../runtime/weights.js';
import { AGENDA_WEIGHT, schedulerOperations, TASK_WEIGHT, type SchedulerConfig, type SchedulerOperations } from './calls.js';
import { SchedulerErrors } from './errors.js';
import { SchedulerEvents } from './events.js';
import { schedulerHooks } from './hooks.js';
import type { ScheduleTasks } from './interface.js';
import { checkSchedulerInvariants } from './invariants.js';
import { schedulerStorage, type SchedulerStorage } from './storage.js';
import { WEIGHTS } from './weights.js';
import { MAX_CALL_LENGTH, MAX_SCHEDULED_PER_BLOCK, MAX_TIME_SCHEDULED, Period, SCHEDULER_INDEX, TaskName } from './types.js';

export { SCHEDULER_INDEX, MAX_SCHEDULED_PER_BLOCK, MAX_TIME_SCHEDULED, MAX_CALL_LENGTH } from './types.js';
export type { SchedulerConfig } from './calls.js';
export type { ScheduleTasks } from './interface.js';

/** The Scheduler pallet, its operations, its storage (for tests and queries) and what other pallets may use. */
export interface SchedulerModule {
  pallet: Pallet;
  operations: SchedulerOperations;
  storage: SchedulerStorage;
  tasks: ScheduleTasks;
}

/** Build the Scheduler pallet. */
export function createScheduler(cfg: SchedulerConfig): SchedulerModule {
  const { items: S, infos } = schedulerStorage(cfg.outer);
  const ops = schedulerOperations(cfg, S);
  const RuntimeCall = cfg.outer.call;
  const encode = (c: Parameters<typeof RuntimeCall.encode>[0]) => RuntimeCall.encode(c);
  /** The scheduling origin, checked against the configured `ScheduleOrigin`; it becomes the task's origin. */
  const scheduler = (ctx: Parameters<SchedulerOperations['service']>[0], origin: Origin): Origin => {
    ensureOrigin(cfg.scheduleOrigin, origin, ctx.state);
    return origin;
  };
  const callDoc = 'The call is stored inline (at most `MaxCallLength` bytes) and must fit `MaximumWeight`.';

  const pallet = definePallet({
    name: 'Scheduler',
    index: SCHEDULER_INDEX,
    crate: 'pallet_scheduler',
    docs: ['Calls dispatched later, at a block or a time, with the origin that scheduled them.'],
    storage: infos,
    calls: {
      schedule: call({
        index: 0,
        args: { when: u32, maybePeriodic: option(Period), priority: u8, call: RuntimeCall },
        typeNames: { when: 'BlockNumberFor<T>', maybePeriodic: 'Option<schedule::Period<BlockNumberFor<T>>>', priority: 'schedule::Priority', call: 'Box<<T as Config>::RuntimeCall>' },
        docs: ['Anonymously schedule a task at block `when` (after the current block).', callDoc, 'Origin: `ScheduleOrigin` (Root). Event: Scheduled.'],
        weight: () => weightOf(WEIGHTS.calls.schedule),
        dispatch: (ctx, origin, a) => void ops.schedule(ctx, a.when, a.maybePeriodic, { priority: a.priority, call: encode(a.call), origin: scheduler(ctx, origin) }),
      }),
      cancel: call({
        index: 1,
        args: { when: u32, index: u32 },
        typeNames: { when: 'BlockNumberFor<T>', index: 'u32' },
        docs: ['Cancel an anonymously scheduled task.', 'Origin: `ScheduleOrigin`; only Root cancels a task another origin scheduled. Event: Canceled.'],
        weight: () => weightOf(WEIGHTS.calls.cancel),
        dispatch: (ctx, origin, a) => ops.cancel(ctx, scheduler(ctx, origin), a.when, a.index),
      }),
      scheduleNamed: call({
        index: 2,
        args: { id: TaskName, when: u32, maybePeriodic: option(Period), priority: u8, call: RuntimeCall },
        typeNames: { id: 'TaskName', when: 'BlockNumberFor<T>', maybePeriodic: 'Option<schedule::Period<BlockNumberFor<T>>>', priority: 'schedule::Priority', call: 'Box<<T as Config>::RuntimeCall>' },
        docs: ['Schedule a named task at block `when`.', callDoc, 'Errors: Named (the name is taken). Origin: `ScheduleOrigin` (Root). Event: Scheduled.'],
        weight: () => weightOf(WEIGHTS.calls.scheduleNamed),
        dispatch: (ctx, origin, a) => void ops.schedule(ctx, a.when, a.maybePeriodic, { id: a.id, priority: a.priority, call: encode(a.call), origin: scheduler(ctx, origin) }),
      }),
      cancelNamed: call({
        index: 3,
        args: { id: TaskName },
        typeNames: { id: 'TaskName' },
        docs: ['Cancel a named scheduled task (in an agenda or waiting for its time).', 'Origin: `ScheduleOrigin` (Root); only Root cancels a task another origin scheduled. Event: Canceled or CanceledAtTime.'],
        weight: () => weightOf(WEIGHTS.calls.cancelNamed),
        dispatch: (ctx, origin, a) => ops.cancelNamed(ctx, scheduler(ctx, origin), a.id),
      }),
      scheduleAfter: call({
        index: 4,
        args: { after: u32, maybePeriodic: option(Period), priority: u8, call: RuntimeCall },
        typeNames: { after: 'BlockNumberFor<T>', maybePeriodic: 'Option<schedule::Period<BlockNumberFor<T>>>', priority: 'schedule::Priority', call: 'Box<<T as Config>::RuntimeCall>' },
        docs: ['Anonymously schedule a task `after` blocks from now (at block current + 1 + `after`).', callDoc, 'Origin: `ScheduleOrigin` (Root). Event: Scheduled.'],
        weight: () => weightOf(WEIGHTS.calls.scheduleAfter),
        dispatch: (ctx, origin, a) => void ops.schedule(ctx, after(ctx.blockNumber, a.after), a.maybePeriodic, { priority: a.priority, call: encode(a.call), origin: scheduler(ctx, origin) }),
      }),
      scheduleNamedAfter: call({
        index: 5,
        args: { id: TaskName, after: u32, maybePeriodic: option(Period), priority: u8, call: RuntimeCall },
        typeNames: { id: 'TaskName', after: 'BlockNumberFor<T>', maybePeriodic: 'Option<schedule::Period<BlockNumberFor<T>>>', priority: 'schedule::Priority', call: 'Box<<T as Config>::RuntimeCall>' },
        docs: ['Schedule a named task `after` blocks from now.', callDoc, 'Origin: `ScheduleOrigin` (Root). Event: Scheduled.'],
        weight: () => weightOf(WEIGHTS.calls.scheduleNamedAfter),
        dispatch: (ctx, origin, a) => void ops.schedule(ctx, after(ctx.blockNumber, a.after), a.maybePeriodic, { id: a.id, priority: a.priority, call: encode(a.call), origin: scheduler(ctx, origin) }),
      }),
      scheduleAtTime: call({
        index: 20,
        args: { time: compactU64, priority: u8, call: RuntimeCall },
        typeNames: { time: 'T::Moment', priority: 'schedule::Priority', call: 'Box<<T as Config>::RuntimeCall>' },
        docs: [
          'Anonymously schedule a task at `time` (ms since the Unix epoch, after the current block\'s time). It is dispatched in the first block',
          'that starts once `Timestamp::Now` ≥ `time` (the previous block\'s time: a block\'s own time is set after its `on_initialize`).',
          callDoc,
          'Origin: `ScheduleOrigin` (Root). Event: ScheduledAtTime, then Scheduled when placed.',
        ],
        weight: () => weightOf(WEIGHTS.calls.scheduleAtTime),
        dispatch: (ctx, origin, a) => ops.scheduleAtTime(ctx, a.time, { priority: a.priority, call: encode(a.call), origin: scheduler(ctx, origin) }),
      }),
      scheduleNamedAtTime: call({
        index: 21,
        args: { id: TaskName, time: compactU64, priority: u8, call: RuntimeCall },
        typeNames: { id: 'TaskName', time: 'T::Moment', priority: 'schedule::Priority', call: 'Box<<T as Config>::RuntimeCall>' },
        docs: ['Schedule a named task at `time` (ms), as `schedule_at_time`; `cancel_named` cancels it before and after it is placed.', callDoc, 'Origin: `ScheduleOrigin` (Root). Event: ScheduledAtTime.'],
        weight: () => weightOf(WEIGHTS.calls.scheduleNamedAtTime),
        dispatch: (ctx, origin, a) => ops.scheduleAtTime(ctx, a.time, { id: a.id, priority: a.priority, call: encode(a.call), origin: scheduler(ctx, origin) }),
      }),
    },
    events: SchedulerEvents,
    errors: SchedulerErrors,
    constants: [
      { name: 'MaximumWeight', codec: u64, value: cfg.maximumWeight, docs: ['The maximum weight (ref time, ps) that may be scheduled per block for any dispatchables.'] },
      { name: 'MaxScheduledPerBlock', codec: u32, value: MAX_SCHEDULED_PER_BLOCK, docs: ['The maximum number of scheduled calls in the queue for a single block.'] },
      { name: 'MaxTimeScheduled', codec: u32, value: MAX_TIME_SCHEDULED, docs: ['The maximum number of tasks waiting for a time.'] },
      { name: 'MaxCallLength', codec: u32, value: MAX_CALL_LENGTH, docs: ['The longest encoded call a task may carry (bytes).'] },
      { name: 'TaskWeight', codec: u64, value: TASK_WEIGHT, docs: ['Weight of handling one task besides its call (ps): the measured per-task work of `on_initialize`.'] },
      { name: 'AgendaWeight', codec: u64, value: AGENDA_WEIGHT, docs: ["Weight of servicing one block's agenda besides its tasks (ps): the measured fixed work of `on_initialize`."] },
    ],
    hooks: schedulerHooks(ops, (st) => checkSchedulerInvariants(st, S)),
  });
  return { pallet, operations: ops, storage: S, tasks: ops };
}

/** Block `current + 1 + after` (FRAME's `DispatchTime::After`), saturating at the largest u32. */
function after(current: number, n: number): number {
  return Math.min(current + 1 + n, 0xffff_ffff);
}
