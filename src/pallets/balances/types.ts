/**
 * Types of the Balances pallet. Balances live in `System.Account` (`pallet_balances::types::AccountData`, see
 * ../system/types.ts). The SCALE types of the locks, reserves, holds and freezes are laid out (paths, params, field
 * names and type names) exactly as `pallet_balances` and `frame_support` declare them, so `@polkadot/api`,
 * polkadot-api and Sidecar decode `balances.locks/reserves/holds/freezes` from the metadata unchanged.
 */
import { enumeration, fixedBytes, lazy, newtype, struct, u128, vec, type AnyCodec, type Codec, type EnumCodec, type ValueOf, type VariantSpec } from '../../primitives/scale/index.js';

import type { EnsureOrigin } from '../../runtime/dispatch.js';

/** Pallet index of Balances. */
export const BALANCES_INDEX = 2;

/** Parameters of Balances. */
export interface BalancesConfig {
  /** Smallest balance an account may hold (XFG base units). */
  existentialDeposit: bigint;
  /** Who may make `force_transfer` and `force_set_balance` (this chain: Root). */
  forceOrigin: EnsureOrigin<unknown>;
}

/** Genesis of Balances: initial free balances. */
export interface BalancesGenesis {
  balances: Array<[account: Uint8Array, amount: bigint]>;
}


/** The decode bound of the bounded vectors below (the chain's own bounds are smaller and enforced on write). */
const VEC_DECODE_MAX = 1_024;

/** `bounded_collections::bounded_vec::BoundedVec<T, S>`: a Vec in a one-field composite (pjs unwraps it by path). */
export function boundedVec<T>(item: Codec<T>): Codec<T[]> {
  return newtype(['bounded_collections', 'bounded_vec', 'BoundedVec'], vec(item, VEC_DECODE_MAX), { params: [{ name: 'T', type: item as AnyCodec }, { name: 'S' }], typeName: 'Vec<T>' });
}

/** `bounded_collections::weak_bounded_vec::WeakBoundedVec<T, S>`. */
export function weakBoundedVec<T>(item: Codec<T>): Codec<T[]> {
  return newtype(['bounded_collections', 'weak_bounded_vec', 'WeakBoundedVec'], vec(item, VEC_DECODE_MAX), { params: [{ name: 'T', type: item as AnyCodec }, { name: 'S' }], typeName: 'Vec<T>' });
}

/** `frame_support::traits::tokens::misc::IdAmount<Id, Balance>`: one hold or freeze. */
export function idAmount<I>(id: Codec<I>) {
  return struct(
    ['frame_support', 'traits', 'tokens', 'misc', 'IdAmount'],
    { id, amount: u128 },
    {
      params: [
        { name: 'Id', type: id as AnyCodec },
        { name: 'Balance', type: u128 },
      ],
      typeName: { id: 'Id', amount: 'Balance' },
    },
  );
}

/** `frame_support::traits::LockIdentifier` / this chain's `ReserveIdentifier`: `[u8; 8]`. */
export const LockIdentifier = fixedBytes(8);

/** `pallet_balances::types::Reasons`: which withdrawals a lock restricts (every lock restricts all of them since the fungible rework). */
export const Reasons = enumeration(['pallet_balances', 'types', 'Reasons'], { Fee: null, Misc: null, All: null }, {
  variantDocs: {
    Fee: ['Paying system transaction fees.'],
    Misc: ['Any reason other than paying system transaction fees.'],
    All: ['Any reason at all.'],
  },
});
/** A Reasons value. */
export type ReasonsValue = ValueOf<typeof Reasons>;

/** `pallet_balances::types::BalanceLock<Balance>`: a single lock on a balance. */
export const BalanceLock = struct(
  ['pallet_balances', 'types', 'BalanceLock'],
  { id: LockIdentifier, amount: u128, reasons: Reasons },
  { params: [{ name: 'Balance', type: u128 }], typeName: { id: 'LockIdentifier', amount: 'Balance', reasons: 'Reasons' } },
);
/** A BalanceLock value. */
export type BalanceLockValue = ValueOf<typeof BalanceLock>;

/** `pallet_balances::types::ReserveData<ReserveIdentifier, Balance>`: a named reserve. */
export const ReserveData = struct(
  ['pallet_balances', 'types', 'ReserveData'],
  { id: LockIdentifier, amount: u128 },
  {
    params: [
      { name: 'ReserveIdentifier', type: LockIdentifier },
      { name: 'Balance', type: u128 },
    ],
    typeName: { id: 'ReserveIdentifier', amount: 'Balance' },
  },
);
/** A ReserveData value. */
export type ReserveDataValue = ValueOf<typeof ReserveData>;

/**
 * A value of the runtime's `RuntimeHoldReason` (or `RuntimeFreezeReason`): the declaring pallet's name, then its
 * own reason, e.g. `{ tag: 'Certificates', value: { tag: 'CertificateLock' } }`.
 */
export interface RuntimeReason {
  tag: string;
  value: { tag: string; value?: unknown };
}

/** The runtime's outer reason enums, composed from the pallets' declared reasons (bound once by the runtime). */
let bound: { hold: EnumCodec<Record<string, VariantSpec>>; freeze: EnumCodec<Record<string, VariantSpec>> } | undefined;

/** Bind the composed `RuntimeHoldReason` and `RuntimeFreezeReason` (done by the runtime assembly, as for RuntimeEvent). */
export function bindRuntimeReasons(hold: EnumCodec<Record<string, VariantSpec>>, freeze: EnumCodec<Record<string, VariantSpec>>): void {
  bound = { hold, freeze };
}

function reasons() {
  if (!bound) throw new Error('RuntimeHoldReason not bound: construct the runtime first');
  return bound;
}

/** How many hold reasons the runtime has (FRAME's `VariantCountOf<RuntimeHoldReason>`: the bound of `Holds`). */
export function holdReasonCount(): number {
  return reasons().hold.variants.reduce((n, v) => n + variantCount(v.spec), 0);
}

/** How many freeze reasons the runtime has (`MaxFreezes`). */
export function freezeReasonCount(): number {
  return reasons().freeze.variants.reduce((n, v) => n + variantCount(v.spec), 0);
}

/** The variants a pallet's reason enum contributes (FRAME's `VariantCount` sums the inner enums' counts). */
function variantCount(spec: VariantSpec): number {
  const inner = spec as { variants?: readonly unknown[] } | null;
  return inner?.variants?.length ?? 1;
}

/** The outer hold-reason enum, once bound. */
export const RuntimeHoldReasonRef: Codec<RuntimeReason> = lazy(() => reasons().hold as unknown as Codec<RuntimeReason>);
/** The outer freeze-reason enum, once bound. */
export const RuntimeFreezeReasonRef: Codec<RuntimeReason> = lazy(() => reasons().freeze as unknown as Codec<RuntimeReason>);

/** `IdAmount<RuntimeHoldReason, Balance>`. */
export const HoldIdAmount = idAmount(RuntimeHoldReasonRef);
/** `IdAmount<RuntimeFreezeReason, Balance>`. */
export const FreezeIdAmount = idAmount(RuntimeFreezeReasonRef);
/** One hold: its reason and amount. */
export type Hold = ValueOf<typeof HoldIdAmount>;
/** One freeze: its reason and amount. */
export type Freeze = ValueOf<typeof FreezeIdAmount>;

/** Whether two reasons are the same (same encoding under the bound enum). */
export function sameReason(codec: Codec<RuntimeReason>, a: RuntimeReason, b: RuntimeReason): boolean {
  if (a.tag !== b.tag || a.value.tag !== b.value.tag) return false;
  if (a.value.value === undefined && b.value.value === undefined) return true;
  const [ea, eb] = [codec.encode(a), codec.encode(b)];
  return ea.length === eb.length && ea.every((x, i) => x === eb[i]);
}
