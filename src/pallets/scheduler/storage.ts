/**
 * Storage of the Scheduler pallet, with FRAME's names and keys (`Agenda`, `Lookup`, `IncompleteSince`), so
 * `api.query.scheduler.agenda(block)` and `api.query.scheduler.lookup(name)` read it, plus `TimeAgenda` for the tasks
 * scheduled at a time (this chain's addition). Built over the runtime's outer types (the task's call and origin).
 */
import { option, u32, vec } from '../../primitives/scale/index.js';
import type { OuterTypes } from '../../runtime/dispatch.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { MAX_SCHEDULED_PER_BLOCK, MAX_TIME_SCHEDULED, schedulerCodecs, TaskAddress, TaskName } from './types.js';

/** The Scheduler's storage items over the runtime's outer types (same keys for every runtime instance). */
export function schedulerStorage(outer: OuterTypes) {
  const codecs = schedulerCodecs(outer);
  const s = new StorageBuilder('Scheduler');
  const items = {
    /** The first block whose agenda still holds tasks due and not yet dispatched (the weight limit carried them over). */
    IncompleteSince: s.value('IncompleteSince', u32, { docs: ['Block number at which the agenda began incomplete execution.'] }),
    /** Tasks by the block they run at; an emptied slot is `None` until reused, so task addresses stay valid. */
    Agenda: s.map('Agenda', 'Twox64Concat', u32, vec(option(codecs.scheduled), MAX_SCHEDULED_PER_BLOCK), {
      default: [],
      docs: ['Items to be executed, indexed by the block number that they should be executed on.'],
    }),
    /** Where each named task is: (block, index in its agenda). */
    Lookup: s.map('Lookup', 'Twox64Concat', TaskName, TaskAddress, { docs: ['Lookup from a name to the block number and index of the task.'] }),
    /** Tasks scheduled at a time, by time then scheduling order; each moves to a block's agenda once its time has come. */
    TimeAgenda: s.value('TimeAgenda', vec(codecs.timeTask, MAX_TIME_SCHEDULED), {
      default: [],
      docs: ['Tasks scheduled at a time (ms), earliest first: each is placed in the agenda of the first block that starts once `Timestamp::Now` has reached its time.'],
    }),
  };
  return { items, infos: s.infos(), codecs };
}

/** The Scheduler's storage items. */
export type SchedulerStorage = ReturnType<typeof schedulerStorage>['items'];
