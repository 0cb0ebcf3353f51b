/**
 * Hooks of the Scheduler: `onInitialize` dispatches the due tasks within the block's `MaximumWeight`.
 */
import type { Hooks } from '../../runtime/pallet.js';
import type { StateReader } from '../../runtime/state.js';
import type { SchedulerOperations } from './calls.js';

/** The Scheduler's hooks. */
export function schedulerHooks(ops: SchedulerOperations, tryState: (st: StateReader) => void): Hooks {
  return {
    // The dispatched calls' weights are counted against the block by `ctx.dispatch` as they run; the agenda's own
    // bookkeeping has no measured weight yet (see weights.ts), so the hook declares none of its own.
    onInitialize: (ctx) => {
      ops.service(ctx);
      return 0n;
    },
    tryState,
  };
}
