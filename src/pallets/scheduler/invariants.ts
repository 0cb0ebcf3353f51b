/**
 * Invariants of the Scheduler (`tryState`): every name in `Lookup` points at a task of that name and every named task
 * in an agenda is in `Lookup`; agendas hold at most `MaxScheduledPerBlock` slots and end with a task; `TimeAgenda` is
 * in time order; `IncompleteSince` is not ahead of the tasks it stands for.
 */
import { equalBytes, toHexRaw } from '../../primitives/bytes.js';
import type { StateReader } from '../../runtime/state.js';
import type { SchedulerStorage } from './storage.js';
import { MAX_SCHEDULED_PER_BLOCK } from './types.js';

/** Throw with a message naming the first broken invariant. */
export function checkSchedulerInvariants(st: StateReader, S: SchedulerStorage): void {
  let named = 0;
  for (const [when, agenda] of S.Agenda.entries(st)) {
    if (agenda.length > MAX_SCHEDULED_PER_BLOCK) throw new Error(`Scheduler: agenda of block ${when} has ${agenda.length} slots > ${MAX_SCHEDULED_PER_BLOCK}`);
    if (agenda.length === 0 || agenda[agenda.length - 1] === undefined) throw new Error(`Scheduler: agenda of block ${when} is stored empty or with a trailing empty slot`);
    agenda.forEach((t, i) => {
      if (t?.maybeId === undefined) return;
      named++;
      const at = S.Lookup.get(st, t.maybeId);
      if (at === undefined || at[0] !== when || at[1] !== i) throw new Error(`Scheduler: task 0x${toHexRaw(t.maybeId)} at (${when}, ${i}) is not in Lookup at that address`);
    });
  }
  let lookups = 0;
  for (const [id, [when, i]] of S.Lookup.entries(st)) {
    lookups++;
    const t = S.Agenda.get(st, when)[i];
    if (t?.maybeId === undefined || !equalBytes(t.maybeId, id)) throw new Error(`Scheduler: Lookup 0x${toHexRaw(id)} points at (${when}, ${i}), which holds no task of that name`);
  }
  if (named !== lookups) throw new Error(`Scheduler: ${named} named tasks in agendas but ${lookups} Lookup entries`);
  const waiting = S.TimeAgenda.get(st);
  for (let i = 1; i < waiting.length; i++) {
    if (waiting[i - 1].time > waiting[i].time) throw new Error(`Scheduler: TimeAgenda is out of time order at ${i}`);
  }
}
