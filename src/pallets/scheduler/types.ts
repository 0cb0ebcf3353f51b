/**
 * Types of the Scheduler pallet (FRAME's `pallet-scheduler`): task names and addresses, the stored call and the
 * scheduled task. The task's call and origin are the runtime's outer types, known only once the runtime is
 * assembled: the codecs that contain them are built from the runtime's {@link OuterTypes}.
 */
import { bytes, enumeration, fields, fixedBytes, option, struct, tuple, u32, u64, u8, type Codec } from '../../primitives/scale/index.js';
import { H256 } from '../../primitives/types.js';
import type { OriginCallerValue, OuterTypes } from '../../runtime/dispatch.js';

/** Pallet index of Scheduler (fixed). */
export const SCHEDULER_INDEX = 5;

/** Most tasks one block's agenda holds (FRAME's `MaxScheduledPerBlock`). */
export const MAX_SCHEDULED_PER_BLOCK = 50;
/** Most tasks waiting for a time (not yet placed in a block's agenda). */
export const MAX_TIME_SCHEDULED = 64;
/**
 * Longest encoded call a task may carry (bytes). FRAME stores calls of up to 128 bytes inline and larger ones in the
 * preimage pallet; this chain has no preimage pallet, so calls are stored inline up to this length.
 */
export const MAX_CALL_LENGTH = 1024;

/** `TaskName`: a task's 32-byte name. */
export const TaskName = fixedBytes(32);
/** `TaskAddress<BlockNumber>`: (block, index in that block's agenda). */
export const TaskAddress = tuple(u32, u32) as Codec<[number, number]>;
/** `Period<BlockNumber>`: (period in blocks, number of further runs). */
export const Period = tuple(u32, u32) as Codec<[number, number]>;

/** `frame_support::traits::preimages::Bounded<RuntimeCall, BlakeTwo256>`: only `Inline` is ever stored here. */
export type BoundedCallValue = { tag: 'Legacy'; value: { hash: Uint8Array } } | { tag: 'Inline'; value: Uint8Array } | { tag: 'Lookup'; value: { hash: Uint8Array; len: number } };

/** A scheduled task (`pallet_scheduler::Scheduled`). */
export interface ScheduledValue {
  /** The task's name, if it was scheduled with one. */
  maybeId: Uint8Array | undefined;
  /** 0 is the highest priority, 255 the lowest. */
  priority: number;
  call: BoundedCallValue;
  /** For a periodic task: (period in blocks, further runs). */
  maybePeriodic: [number, number] | undefined;
  /** The origin the call is dispatched with: the origin that scheduled it. */
  origin: OriginCallerValue;
}

/** A task waiting for a time: placed in the agenda of the first block that starts once `Timestamp.Now ≥ time`. */
export interface TimeTaskValue {
  /** Milliseconds since the Unix epoch (`T::Moment`). */
  time: bigint;
  task: ScheduledValue;
}

/** The codecs that contain the runtime's outer types. */
export interface SchedulerCodecs {
  boundedCall: Codec<BoundedCallValue>;
  scheduled: Codec<ScheduledValue>;
  timeTask: Codec<TimeTaskValue>;
}

/** Build the codecs of the tasks over the runtime's outer types. */
export function schedulerCodecs(outer: OuterTypes): SchedulerCodecs {
  const boundedCall = enumeration(
    ['frame_support', 'traits', 'preimages', 'Bounded'],
    { Legacy: fields({ hash: H256 }), Inline: bytes, Lookup: fields({ hash: H256, len: u32 }) },
    { params: [{ name: 'T', type: outer.call }, { name: 'H' }] },
  ) as unknown as Codec<BoundedCallValue>;
  const scheduled = struct(
    ['pallet_scheduler', 'Scheduled'],
    { maybeId: option(TaskName), priority: u8, call: boundedCall, maybePeriodic: option(Period), origin: outer.originCaller },
    { typeName: { maybeId: 'Option<Name>', priority: 'schedule::Priority', call: 'Call', maybePeriodic: 'Option<schedule::Period<BlockNumber>>', origin: 'PalletsOrigin' } },
  ) as unknown as Codec<ScheduledValue>;
  const timeTask = struct(['pallet_scheduler', 'TimeScheduled'], { time: u64, task: scheduled }, { typeName: { time: 'T::Moment' } }) as unknown as Codec<TimeTaskValue>;
  return { boundedCall, scheduled, timeTask };
}
