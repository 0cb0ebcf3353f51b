/**
 * Hooks of the Scheduler: `onInitialize` dispatches the due tasks within the block's `MaximumWeight`.
 */
import type { Hooks } from '../../runtime/pallet.js';
import type { StateReader } from '../../runtime/state.js';
import type { SchedulerOperations } from './calls.js';

/** The Scheduler's hooks. */
export function schedulerHooks(ops: SchedulerOperations, tryState: (st: StateReader) => void): Hooks {
  return {
    onInitialize: (ctx) => ops.service(ctx),
    tryState,
  };
}
