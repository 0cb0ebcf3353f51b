/**
 * How a pallet is declared: one object with its index, calls, storage, events, errors, constants, hooks and
 * genesis (FRAME's `#[frame_support::pallet]`). The runtime assembles pallets into the outer enums and the
 * metadata from these declarations. Pure.
 */
import {
  enumeration,
  fields,
  snakeCase,
  type AnyCodec,
  type Codec,
  type EnumCodec,
  type NamedFields,
  type StructValue,
  type VariantSpec,
} from '../primitives/scale/index.js';
import type { DispatchErrorValue } from '../primitives/types.js';
import type { DispatchContext, Origin, RuntimeEventValue } from './dispatch.js';
import type { StateAccess } from './state.js';
import type { StorageItemInfo } from './storage.js';

/** Dispatch class of a call. */
export type DispatchClassName = 'Normal' | 'Operational' | 'Mandatory';

type Shape = Record<string, AnyCodec>;

/** One dispatchable call. */
export interface CallDef<S extends Shape = Shape> {
  /** Fixed call index (0 ≤ index ≤ 255). */
  index: number;
  args: S;
  docs: string[];
  /** Reference-time weight of the call given its arguments (picoseconds). */
  weight: (args: StructValue<S>) => bigint;
  class?: DispatchClassName;
  /** Whether the sender pays a fee (default yes). */
  paysFee?: boolean;
  /** Rust type names of the arguments, for explorers. */
  typeNames?: Record<string, string>;
  dispatch: (ctx: DispatchContext, origin: Origin, args: StructValue<S>) => void;
}

/** Declare a call with type inference for its arguments. */
export function call<S extends Shape>(def: CallDef<S>): CallDef<S> {
  return def;
}

/** A constant exposed in the metadata. */
export interface ConstantDef {
  name: string;
  codec: AnyCodec;
  value: unknown;
  docs: string[];
}

/** Declared errors of a pallet: the enum codec plus a constructor of `DispatchError::Module`. */
export interface PalletErrors<N extends string> {
  readonly codec: EnumCodec<Record<N, null>>;
  /** The `DispatchError::Module` value of error `name`. */
  readonly of: Record<N, DispatchErrorValue>;
}

/** Declare a pallet's errors: names with their docs, in index order. */
export function defineErrors<N extends string>(path: string[], palletIndex: number, docs: Record<N, string>): PalletErrors<N> {
  const variants = Object.fromEntries(Object.keys(docs).map((n) => [n, null])) as Record<N, null>;
  const variantDocs = Object.fromEntries(Object.entries(docs).map(([n, d]) => [n, [d as string]])) as Partial<Record<N, string[]>>;
  const codec = enumeration(path, variants, { docs: ['The `Error` enum of this pallet.'], params: [{ name: 'T' }], variantDocs });
  const of = {} as Record<N, DispatchErrorValue>;
  for (const v of codec.variants) {
    of[v.name as N] = { tag: 'Module', value: { index: palletIndex, error: new Uint8Array([v.index, 0, 0, 0]) } };
  }
  return { codec, of };
}

/** Per-block hooks. Bounded work only. */
export interface Hooks {
  /**
   * Start of block. Returns the reference-time weight (ps) of the pallet's hook work in this block — its own and its
   * `onFinalize`'s, as FRAME's `on_initialize` does — from the pallet's measured weights; the executive counts it as
   * `Mandatory` weight of the block, so extrinsics cannot overfill a block after a heavy hook.
   */
  onInitialize?(ctx: DispatchContext): bigint;
  onFinalize?(ctx: DispatchContext): void;
  /** Invariants (`try_state`): throw with a message when one is broken. */
  tryState?(state: StateAccess): void;
}

/** Any call definition (argument types erased). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCallDef = CallDef<any>;
/** Any enum codec (variant types erased). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEnumCodec = EnumCodec<any>;

/** A pallet as the runtime sees it. */
export interface Pallet<G = unknown> {
  name: string;
  /** Fixed pallet index (0 ≤ index ≤ 255). */
  index: number;
  docs: string[];
  /** Path prefix of the pallet's types, e.g. `pallet_balances`. */
  crate: string;
  calls?: Record<string, AnyCallDef>;
  callCodec?: AnyEnumCodec;
  events?: AnyEnumCodec;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  errors?: PalletErrors<any>;
  storage: StorageItemInfo[];
  /**
   * The reasons this pallet holds funds for (FRAME's `#[pallet::composite_enum] HoldReason`, path
   * `<crate>::pallet::HoldReason`); the runtime composes every pallet's into `RuntimeHoldReason`, variant = pallet
   * name at the pallet's index.
   */
  holdReasons?: AnyEnumCodec;
  /** The reasons this pallet freezes funds for (`FreezeReason`), composed into `RuntimeFreezeReason` likewise. */
  freezeReasons?: AnyEnumCodec;
  constants: ConstantDef[];
  hooks: Hooks;
  /**
   * The pallet's own origin type (FRAME's `#[pallet::origin]`): its variant in the outer `OriginCaller`, at the
   * pallet's index. Values of it reach calls as a `PalletOrigin` `{ kind: 'Pallet', pallet: name, value }`.
   */
  origin?: AnyCodec;
  /** Write the pallet's genesis state. */
  genesis?(state: StateAccess, config: G): void;
}

/** Build the `Call` enum of a pallet from its call definitions (variant names in snake_case). */
export function buildCallCodec(crate: string, calls: Record<string, AnyCallDef>): AnyEnumCodec {
  const variants: Record<string, VariantSpec> = {};
  const indices: Record<string, number> = {};
  const variantDocs: Record<string, string[]> = {};
  for (const [name, c] of Object.entries(calls)) {
    const n = snakeCase(name);
    variants[n] = fields(c.args, { typeName: c.typeNames });
    indices[n] = c.index;
    variantDocs[n] = c.docs;
  }
  return enumeration([crate, 'pallet', 'Call'], variants, {
    indices,
    variantDocs,
    params: [{ name: 'T' }],
    docs: ['Contains a variant per dispatchable extrinsic that this pallet has.'],
  });
}

/** Declare a pallet; fills in the call codec. */
export function definePallet<G>(p: Omit<Pallet<G>, 'callCodec'>): Pallet<G> {
  return { ...p, callCodec: p.calls ? buildCallCodec(p.crate, p.calls) : undefined };
}

/** An event of pallet `pallet`: `{ tag: pallet, value: { tag: name, value } }`. */
export function palletEvent(pallet: string, name: string, value?: unknown): RuntimeEventValue {
  return { tag: pallet, value: value === undefined ? { tag: name } : { tag: name, value } };
}

/** Typed event constructor for one pallet's event enum. */
export function eventFactory<V extends Record<string, VariantSpec>>(pallet: string, _codec: EnumCodec<V>) {
  return <K extends keyof V & string>(name: K, value: V[K] extends null ? undefined : V[K] extends NamedFields<infer F> ? StructValue<F> : V[K] extends Codec<infer T> ? T : never): RuntimeEventValue =>
    palletEvent(pallet, name, value);
}
