/**
 * Origins, dispatch errors and the context a call or hook runs in. Pure.
 */
import type { DispatchErrorValue } from '../primitives/types.js';
import type { Overlay } from './state.js';

/** Who dispatched a call. */
export type Origin = { kind: 'Root' } | { kind: 'Signed'; who: Uint8Array } | { kind: 'None' };

/** A call failed with a `DispatchError`: the transactional layer is rolled back, fee and nonce stay. */
export class DispatchFailure extends Error {
  constructor(
    readonly error: DispatchErrorValue,
    message?: string,
  ) {
    super(message ?? describeDispatchError(error));
    this.name = 'DispatchFailure';
  }
}

/** Throw `error` unless `cond` holds (FRAME's `ensure!`). */
export function ensure(cond: unknown, error: DispatchErrorValue, message?: string): asserts cond {
  if (!cond) throw new DispatchFailure(error, message);
}

/** Throw `error` (FRAME's `fail!`). */
export function fail(error: DispatchErrorValue, message?: string): never {
  throw new DispatchFailure(error, message);
}

/** The signer of a signed origin, or `BadOrigin`. */
export function ensureSigned(origin: Origin): Uint8Array {
  if (origin.kind !== 'Signed') fail({ tag: 'BadOrigin' }, 'expected a signed origin');
  return origin.who;
}

/** Require the root origin, or `BadOrigin`. */
export function ensureRoot(origin: Origin): void {
  if (origin.kind !== 'Root') fail({ tag: 'BadOrigin' }, 'expected the root origin');
}

/** Require no origin (inherents), or `BadOrigin`. */
export function ensureNone(origin: Origin): void {
  if (origin.kind !== 'None') fail({ tag: 'BadOrigin' }, 'expected no origin');
}

/** A short human description of a dispatch error. */
export function describeDispatchError(e: DispatchErrorValue): string {
  if (e.tag === 'Module') return `Module error (pallet ${e.value.index}, error ${e.value.error[0]})`;
  if (e.value !== undefined && typeof e.value === 'object' && 'tag' in e.value) return `${e.tag}::${(e.value as { tag: string }).tag}`;
  return e.tag;
}

/** An event as stored: pallet name tag and the pallet event value. */
export interface RuntimeEventValue {
  tag: string;
  value: { tag: string; value?: unknown };
}

/** `frame_system::Phase`. */
export type Phase = { tag: 'ApplyExtrinsic'; value: number } | { tag: 'Finalization' } | { tag: 'Initialization' };

/** One stored event. */
export interface EventRecord {
  phase: Phase;
  event: RuntimeEventValue;
  topics: Uint8Array[];
}

/** Context of a call or hook: the state overlay, block facts and the event sink. */
export interface DispatchContext {
  readonly state: Overlay;
  /** Number of the block being built or executed (u32). */
  readonly blockNumber: number;
  /** Deposit an event in the current phase. */
  deposit(event: RuntimeEventValue): void;
  /** Run `fn` in a transactional layer: state and events roll back if it throws. */
  transactional<T>(fn: () => T): T;
}
