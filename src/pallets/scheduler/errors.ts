/**
 * Errors of the Scheduler pallet: each names the condition that refused the operation.
 */
import { defineErrors } from '../../runtime/pallet.js';
import { SCHEDULER_INDEX } from './types.js';

/** Errors of Scheduler, in index order (append only). */
export const SchedulerErrors = defineErrors(['pallet_scheduler', 'pallet', 'Error'], SCHEDULER_INDEX, {
  FailedToSchedule: 'Failed to schedule a call: the agenda of the target block is full (`MaxScheduledPerBlock`).',
  NotFound: 'Cannot find the scheduled call.',
  TargetBlockNumberInPast: 'Given target block number is in the past.',
  RescheduleNoChange: 'Reschedule failed because it does not change scheduled time.',
  Named: 'Attempt to use a non-named function on a named task, or the name is already taken.',
  TargetTimeInPast: 'The given time is not after the current block time.',
  TimeAgendaFull: 'Already `MaxTimeScheduled` tasks wait for a time.',
  CallTooLong: 'The encoded call is longer than `MaxCallLength`.',
  CallTooHeavy: "The call's weight exceeds the weight a block gives scheduled tasks (`MaximumWeight`): it could never run.",
});

/** `DispatchError::Module` values of the Scheduler errors. */
export const SE = SchedulerErrors.of;
