/**
 * Events of the Scheduler pallet (FRAME's names, fields and indices).
 */
import { enumeration, fields, option, u32, u64 } from '../../primitives/scale/index.js';
import { DispatchError, type DispatchErrorValue } from '../../primitives/types.js';
import { result, unit } from '../../primitives/scale/index.js';
import { eventFactory } from '../../runtime/pallet.js';
import { TaskAddress, TaskName } from './types.js';

/** `DispatchResult`. */
export const DispatchResult = result(unit, DispatchError);
/** A `DispatchResult` value. */
export type DispatchResultValue = { ok: true; value: null } | { ok: false; error: DispatchErrorValue };

/** Events of Scheduler. */
export const SchedulerEvents = enumeration(
  ['pallet_scheduler', 'pallet', 'Event'],
  {
    Scheduled: fields({ when: u32, index: u32 }),
    Canceled: fields({ when: u32, index: u32 }),
    Dispatched: fields({ task: TaskAddress, id: option(TaskName), result: DispatchResult }),
    CallUnavailable: fields({ task: TaskAddress, id: option(TaskName) }),
    PeriodicFailed: fields({ task: TaskAddress, id: option(TaskName) }),
    ScheduledAtTime: fields({ time: u64, id: option(TaskName) }),
    CanceledAtTime: fields({ time: u64, id: option(TaskName) }),
  },
  {
    // FRAME's indices for its events; this chain's own after them.
    indices: { Scheduled: 0, Canceled: 1, Dispatched: 2, CallUnavailable: 5, PeriodicFailed: 6, ScheduledAtTime: 20, CanceledAtTime: 21 },
    params: [{ name: 'T' }],
    docs: ['Events type.'],
    variantDocs: {
      Scheduled: ['Scheduled some task (placed in the agenda of block `when` at `index`).'],
      Canceled: ['Canceled some task.'],
      Dispatched: ['Dispatched some task.'],
      CallUnavailable: ['The call for the provided hash was not found (or no longer decodes) so the task has been aborted.'],
      PeriodicFailed: ['The given task was unable to be renewed since the agenda is full at that block.'],
      ScheduledAtTime: ['A task was scheduled at a time (ms); `Scheduled` follows when it is placed in a block\'s agenda.'],
      CanceledAtTime: ['A task waiting for its time was canceled.'],
    },
  },
);

/** Typed constructor of Scheduler events. */
export const schedulerEvent = eventFactory('Scheduler', SchedulerEvents);
