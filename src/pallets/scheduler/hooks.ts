/**
 * Hooks of the Scheduler: `onInitialize` dispatches the due tasks within the block's `MaximumWeight`.
 */
import type { Hooks } from '../../runtime/pallet.js';
import type { StateReader } from '../../runtime/state.js';
import { weightOf } from '../../runtime/weights.js';
import type { SchedulerOperations } from './calls.js';
import { WEIGHTS } from './weights.js';

/** The Scheduler's hooks. */
export function schedulerHooks(ops: SchedulerOperations, tryState: (st: StateReader) => void): Hooks {
  return {
    // The dispatched calls' weights are counted against the block by `ctx.dispatch` as they run; the hook declares
    // the agenda's own bookkeeping: its measured figure per task serviced (weights.ts).
    onInitialize: (ctx) => weightOf(WEIGHTS.hooks.onInitialize, ops.service(ctx)),
    tryState,
  };
}
