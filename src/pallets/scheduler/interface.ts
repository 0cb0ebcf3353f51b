/**
 * What other pallets may use of the Scheduler (FRAME's `schedule::v3::Named` / `Anon` traits): schedule and cancel
 * tasks on behalf of an origin, e.g. a governance pallet enacting a decision at a block.
 */
import type { DispatchContext, Origin } from '../../runtime/dispatch.js';
import type { ScheduleRequest } from './calls.js';

/** The Scheduler as other pallets see it. */
export interface ScheduleTasks {
  /** Schedule at block `when` (> the current block); the task's address. Fails as the `schedule` call does. */
  schedule(ctx: DispatchContext, when: number, maybePeriodic: [number, number] | undefined, req: ScheduleRequest): [number, number];
  /** Schedule at time `time` (ms): dispatched in the first block that starts once `Timestamp::Now` ≥ `time`. */
  scheduleAtTime(ctx: DispatchContext, time: bigint, req: ScheduleRequest): void;
  /** Cancel the task named `id` as `origin` (Root cancels any task). */
  cancelNamed(ctx: DispatchContext, origin: Origin, id: Uint8Array): void;
}

export type { ScheduleRequest };
