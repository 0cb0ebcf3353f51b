/**
 * Origins, dispatch errors and the context a call or hook runs in. Pure.
 *
 * Origins are open (FRAME's `RuntimeOrigin`): besides `Root`, `Signed` and `None` (`frame_system::RawOrigin`), a pallet
 * may declare origins of its own (a bank's members, a governance decision, the validator set) with
 * {@link palletOrigin}. A privileged call never tests the origin itself: it asks an {@link EnsureOrigin} taken from its
 * pallet's config, so the chain decides who may call it (Root today, a governance origin later) without editing the
 * pallet.
 */
import { equalBytes } from '../primitives/bytes.js';
import { codec, enumeration, lazy, ScaleDecodeError, type Codec } from '../primitives/scale/index.js';
import { AccountId32, type DispatchErrorValue } from '../primitives/types.js';
import type { Overlay, StateReader } from './state.js';

/** An origin a pallet defines: the pallet's name and a value of the pallet's `Origin` type (its codec in `Pallet.origin`). */
export interface PalletOrigin {
  kind: 'Pallet';
  /** Name of the pallet that defines the origin (its variant in `OriginCaller`). */
  pallet: string;
  /** The origin value, as the pallet's origin codec encodes it. */
  value: unknown;
}

/** Who dispatched a call: the system origins or an origin a pallet defines. */
export type Origin = { kind: 'Root' } | { kind: 'Signed'; who: Uint8Array } | { kind: 'None' } | PalletOrigin;

/** A pallet-defined origin value. */
export function palletOrigin(pallet: string, value: unknown): PalletOrigin {
  return { kind: 'Pallet', pallet, value };
}

/** `frame_support::dispatch::RawOrigin<AccountId32>`: the system origins as stored (e.g. in a scheduled task). */
export const RawOrigin = enumeration(['frame_support', 'dispatch', 'RawOrigin'], { Root: null, Signed: AccountId32, None: null }, { params: [{ name: 'AccountId', type: AccountId32 }] });

/** A value of the outer `OriginCaller` enum: `system` (a {@link RawOrigin}) or a pallet's origin, tagged by pallet name. */
export type OriginCallerValue = { tag: string; value: unknown };

/** Name of the `OriginCaller` variant holding the system origins (FRAME names it after `frame_system`). */
export const SYSTEM_ORIGIN_VARIANT = 'system';

/** An origin as an `OriginCaller` value (what `PalletsOrigin` stores). */
export function originToCaller(o: Origin): OriginCallerValue {
  switch (o.kind) {
    case 'Root':
      return { tag: SYSTEM_ORIGIN_VARIANT, value: { tag: 'Root' } };
    case 'None':
      return { tag: SYSTEM_ORIGIN_VARIANT, value: { tag: 'None' } };
    case 'Signed':
      return { tag: SYSTEM_ORIGIN_VARIANT, value: { tag: 'Signed', value: o.who } };
    case 'Pallet':
      return { tag: o.pallet, value: o.value };
  }
}

/** The origin an `OriginCaller` value stands for. */
export function callerToOrigin(c: OriginCallerValue): Origin {
  if (c.tag !== SYSTEM_ORIGIN_VARIANT) return palletOrigin(c.tag, c.value);
  const raw = c.value as { tag: 'Root' | 'None' } | { tag: 'Signed'; value: Uint8Array };
  if (raw.tag === 'Signed') return { kind: 'Signed', who: raw.value };
  return { kind: raw.tag };
}

/** A decoded `RuntimeCall`: pallet name, then the pallet's call variant and its arguments. */
export interface RuntimeCallValue {
  tag: string;
  value: { tag: string; value: Record<string, unknown> };
}

/** How deep calls may nest inside call arguments (FRAME's `MAX_EXTRINSIC_DEPTH`). */
export const MAX_CALL_DEPTH = 256;

/**
 * The runtime's outer types as pallets declared before the runtime see them: the `RuntimeCall` and `OriginCaller`
 * codecs (lazy: they exist once the runtime has assembled every pallet) and what a call weighs. A pallet that takes
 * a call as an argument (Sudo, Scheduler) declares it with {@link OuterTypes.call}.
 */
export class OuterTypes {
  private bound?: { call: Codec<RuntimeCallValue>; origin: Codec<OriginCallerValue>; info: (call: RuntimeCallValue) => CallInfo };
  /** Calls being decoded inside one another right now (a call argument holding a call: `sudo(schedule(…))`). */
  private depth = 0;
  /**
   * `RuntimeCall` (lazy). Decoding refuses calls nested deeper than {@link MAX_CALL_DEPTH} (FRAME's
   * `MAX_EXTRINSIC_DEPTH`), so a crafted `sudo(sudo(sudo(…)))` cannot exhaust the stack.
   */
  readonly call: Codec<RuntimeCallValue> = codec(
    () => this.get().call.info(),
    (v, w) => this.get().call.encodeTo(v, w),
    (r) => {
      if (this.depth >= MAX_CALL_DEPTH) throw new ScaleDecodeError(`calls nested deeper than ${MAX_CALL_DEPTH}`, r.offset);
      this.depth++;
      try {
        return this.get().call.decodeFrom(r);
      } finally {
        this.depth--;
      }
    },
  );
  /** `OriginCaller`, FRAME's `PalletsOrigin` (lazy). */
  readonly originCaller: Codec<OriginCallerValue> = lazy(() => this.get().origin);

  /** Called once by the runtime after it has built the outer enums. */
  bind(b: NonNullable<OuterTypes['bound']>): void {
    if (this.bound) throw new Error('outer types already bound');
    this.bound = b;
  }

  /** Weight and class of a decoded call (for a wrapping call's own weight, e.g. `sudo`). */
  callInfo(call: RuntimeCallValue): CallInfo {
    return this.get().info(call);
  }

  /** Whether two origins are the same (compared by their `OriginCaller` encoding). */
  sameOrigin(a: Origin, b: Origin): boolean {
    const c = this.get().origin;
    return equalBytes(c.encode(originToCaller(a)), c.encode(originToCaller(b)));
  }

  private get(): NonNullable<OuterTypes['bound']> {
    if (!this.bound) throw new Error('outer types not bound: construct the runtime first');
    return this.bound;
  }
}

/** Weight (ps) and dispatch class of a call. */
export interface CallInfo {
  weight: bigint;
  class: 'Normal' | 'Operational' | 'Mandatory';
}

/** What dispatching a call gave: success or the dispatch error (state rolled back), and the weight counted. */
export type DispatchOutcome = { ok: true; weight: bigint } | { ok: false; error: DispatchErrorValue; message: string; weight: bigint };

// ---------------------------------------------------------------------------------------------------------------
// EnsureOrigin

/** `tryOrigin`'s answer: the success value, or the origin given back unchanged. */
export type TryOrigin<S> = { ok: true; value: S } | { ok: false; origin: Origin };

/**
 * An origin check with a success value (FRAME's `EnsureOrigin`). The state is there for checks that read storage
 * (e.g. a membership list).
 */
export interface EnsureOrigin<S> {
  /** What the check accepts, for docs and error messages (e.g. `Root`, `Root or Signed by a feeder`). */
  readonly describe: string;
  tryOrigin(origin: Origin, state: StateReader): TryOrigin<S>;
}

/** The success value of `check` for `origin`, or `BadOrigin` naming what was expected. */
export function ensureOrigin<S>(check: EnsureOrigin<S>, origin: Origin, state: StateReader): S {
  const r = check.tryOrigin(origin, state);
  if (!r.ok) fail({ tag: 'BadOrigin' }, `expected the origin ${check.describe}, got ${describeOrigin(origin)}`);
  return r.value;
}

/** A short description of an origin for messages. */
export function describeOrigin(o: Origin): string {
  if (o.kind === 'Pallet') return `${o.pallet} origin`;
  if (o.kind === 'Signed') return 'Signed';
  return o.kind;
}

/** Accepts `Root` (FRAME's `EnsureRoot`); success value `null`. */
export const EnsureRoot: EnsureOrigin<null> = {
  describe: 'Root',
  tryOrigin: (o) => (o.kind === 'Root' ? { ok: true, value: null } : { ok: false, origin: o }),
};

/** Accepts any signed origin (FRAME's `EnsureSigned`); success value the signer. */
export const EnsureSigned: EnsureOrigin<Uint8Array> = {
  describe: 'Signed',
  tryOrigin: (o) => (o.kind === 'Signed' ? { ok: true, value: o.who } : { ok: false, origin: o }),
};

/** Accepts no origin (FRAME's `EnsureNone`). */
export const EnsureNone: EnsureOrigin<null> = {
  describe: 'None',
  tryOrigin: (o) => (o.kind === 'None' ? { ok: true, value: null } : { ok: false, origin: o }),
};

/** Accepts nothing (FRAME's `NeverEnsureOrigin`): a call no origin may make until the chain wires one. */
export function ensureNever<S>(): EnsureOrigin<S> {
  return { describe: 'no origin (disabled)', tryOrigin: (o) => ({ ok: false, origin: o }) };
}

/** Accepts an account signed origin whose signer is in `members(state)` (FRAME's `EnsureSignedBy`). */
export function ensureSignedBy(describe: string, members: (state: StateReader) => readonly Uint8Array[]): EnsureOrigin<Uint8Array> {
  return {
    describe: `Signed by ${describe}`,
    tryOrigin: (o, st) => (o.kind === 'Signed' && members(st).some((m) => equalBytes(m, o.who)) ? { ok: true, value: o.who } : { ok: false, origin: o }),
  };
}

/** Accepts an origin of pallet `pallet` for which `match` returns a success value (FRAME's `EnsureOrigin` for a pallet origin). */
export function ensurePalletOrigin<S>(pallet: string, describe: string, match: (value: unknown) => S | undefined): EnsureOrigin<S> {
  return {
    describe,
    tryOrigin: (o) => {
      if (o.kind !== 'Pallet' || o.pallet !== pallet) return { ok: false, origin: o };
      const v = match(o.value);
      return v === undefined ? { ok: false, origin: o } : { ok: true, value: v };
    },
  };
}

/** Either check, same success type (FRAME's `EitherOf`): `a` first. */
export function eitherOf<S>(a: EnsureOrigin<S>, b: EnsureOrigin<S>): EnsureOrigin<S> {
  return {
    describe: `${a.describe} or ${b.describe}`,
    tryOrigin: (o, st) => {
      const r = a.tryOrigin(o, st);
      return r.ok ? r : b.tryOrigin(o, st);
    },
  };
}

/** Either check, telling which one passed (FRAME's `EitherOfDiverse`, formerly `EnsureOneOf`). */
export function eitherOfDiverse<L, R>(a: EnsureOrigin<L>, b: EnsureOrigin<R>): EnsureOrigin<{ side: 'left'; value: L } | { side: 'right'; value: R }> {
  return {
    describe: `${a.describe} or ${b.describe}`,
    tryOrigin: (o, st) => {
      const l = a.tryOrigin(o, st);
      if (l.ok) return { ok: true, value: { side: 'left', value: l.value } };
      const r = b.tryOrigin(o, st);
      return r.ok ? { ok: true, value: { side: 'right', value: r.value } } : r;
    },
  };
}

/** The same check with its success value mapped (FRAME's `MapSuccess`). */
export function mapSuccess<S, T>(check: EnsureOrigin<S>, f: (s: S) => T): EnsureOrigin<T> {
  return {
    describe: check.describe,
    tryOrigin: (o, st) => {
      const r = check.tryOrigin(o, st);
      return r.ok ? { ok: true, value: f(r.value) } : r;
    },
  };
}

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
  /**
   * Dispatch an encoded `RuntimeCall` with `origin` in a transactional layer (a failing call rolls back its state and
   * events) and return the outcome. Outside an extrinsic (a hook, e.g. the scheduler's `onInitialize`) the call's
   * weight is counted against the block as `Mandatory` weight; inside one, the calling extrinsic's declared weight
   * already covers it. An undecodable call is `Unavailable` and changes nothing.
   */
  dispatch(origin: Origin, call: Uint8Array): DispatchOutcome;
  /** Weight and class of an encoded call, or `undefined` when the bytes are not a call of this runtime. */
  callInfo(call: Uint8Array): CallInfo | undefined;
}

/**
 * The dispatch half of a context where no call can be dispatched (genesis builds): `dispatch` throws, `callInfo`
 * knows no call. Spread into a hand-made {@link DispatchContext}.
 */
export const NO_CALL_DISPATCH: Pick<DispatchContext, 'dispatch' | 'callInfo'> = {
  dispatch: () => {
    throw new Error('no call can be dispatched here (genesis)');
  },
  callInfo: () => undefined,
};
