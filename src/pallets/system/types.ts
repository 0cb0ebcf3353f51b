/**
 * SCALE types of the System pallet, laid out exactly as FRAME's so wallets decode them unchanged
 * (shared/reference/substrate-clients §2).
 */
import { bytes, enumeration, newtype, struct, u128, u32, vec, lazy, type Codec, type ValueOf } from '../../primitives/scale/index.js';
import { H256, Weight } from '../../primitives/types.js';
import type { EventRecord } from '../../runtime/dispatch.js';

/** `pallet_balances::types::ExtraFlags(u128)`: a tuple struct in FRAME, so a newtype here (the value is the u128). */
export const ExtraFlags = newtype(['pallet_balances', 'types', 'ExtraFlags'], u128, { typeName: 'u128' });
/** `pallet_balances::types::AccountData<u128>`: free, reserved, frozen, flags. pjs detects this layout by `frozen`. */
export const AccountData = struct(
  ['pallet_balances', 'types', 'AccountData'],
  { free: u128, reserved: u128, frozen: u128, flags: ExtraFlags },
  { params: [{ name: 'Balance', type: u128 }], typeName: { free: 'Balance', reserved: 'Balance', frozen: 'Balance', flags: 'ExtraFlags' } },
);
/** An AccountData value. */
export type AccountDataValue = ValueOf<typeof AccountData>;

/** `frame_system::AccountInfo<u32, AccountData>`: 80 bytes. */
export const AccountInfo = struct(
  ['frame_system', 'AccountInfo'],
  { nonce: u32, consumers: u32, providers: u32, sufficients: u32, data: AccountData },
  {
    params: [
      { name: 'Nonce', type: u32 },
      { name: 'AccountData', type: AccountData },
    ],
    typeName: { nonce: 'Nonce', consumers: 'RefCount', providers: 'RefCount', sufficients: 'RefCount', data: 'AccountData' },
  },
);
/** An AccountInfo value. */
export type AccountInfoValue = ValueOf<typeof AccountInfo>;

/** The all-zero account. */
export const EMPTY_ACCOUNT: AccountInfoValue = {
  nonce: 0,
  consumers: 0,
  providers: 0,
  sufficients: 0,
  data: { free: 0n, reserved: 0n, frozen: 0n, flags: 0n },
};

/** `frame_support::dispatch::PerDispatchClass<Weight>`. */
export const PerDispatchClassWeight = struct(['frame_support', 'dispatch', 'PerDispatchClass'], { normal: Weight, operational: Weight, mandatory: Weight }, { params: [{ name: 'T', type: Weight }] });

/** `frame_system::Phase`. */
export const Phase = enumeration(['frame_system', 'Phase'], { ApplyExtrinsic: u32, Finalization: null, Initialization: null });

/** Pallet index of System. */
export const SYSTEM_INDEX = 0;
/** How many recent block hashes are kept (`BlockHashCount`); bounds mortal eras. */
export const BLOCK_HASH_COUNT = 2400;

let runtimeEvent: Codec<EventRecord['event']> | undefined;

/** Bind the runtime's outer event enum (done once by the runtime assembly). */
export function bindRuntimeEvent(codec: Codec<EventRecord['event']>): void {
  runtimeEvent = codec;
}

/** The outer event enum, once bound. */
export const RuntimeEventRef: Codec<EventRecord['event']> = lazy(() => {
  if (!runtimeEvent) throw new Error('RuntimeEvent not bound: construct the runtime first');
  return runtimeEvent;
});

/** `frame_system::EventRecord<RuntimeEvent, H256>`. */
export const EventRecordCodec = struct(
  ['frame_system', 'EventRecord'],
  { phase: Phase, event: RuntimeEventRef, topics: vec(H256) },
  {
    params: [
      { name: 'E', type: RuntimeEventRef },
      { name: 'T', type: H256 },
    ],
    typeName: { phase: 'Phase', event: 'E', topics: 'Vec<T>' },
  },
) as unknown as Codec<EventRecord>;

/** Vec<EventRecord>. */
export const EventRecords = vec(EventRecordCodec, 1_000_000);

/** Remark bytes. */
export const RemarkBytes = bytes;
