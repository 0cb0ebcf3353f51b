/**
 * The SCALE types every layer shares: accounts, hashes, addresses, signatures, eras, headers, blocks, weights and
 * dispatch results, each with its Substrate path so the metadata names them exactly as FRAME does. Pure.
 */
import {
  bytes,
  codec,
  compactU32,
  compactU64,
  compactUnit,
  described,
  enumeration,
  fixedBytes,
  newtype,
  str,
  struct,
  u8,
  u32,
  unit,
  vec,
  type ValueOf,
  type Codec,
} from './scale/index.js';
import { ScaleDecodeError, ScaleEncodeError } from './scale/io.js';

/** A 32-byte account id (an sr25519 or ed25519 public key). */
export const AccountId32 = newtype(['sp_core', 'crypto', 'AccountId32'], fixedBytes(32), { typeName: '[u8; 32]' });
/** A 32-byte hash. */
export const H256 = newtype(['primitive_types', 'H256'], fixedBytes(32), { typeName: '[u8; 32]' });

/** `sp_runtime::multiaddress::MultiAddress<AccountId32, ()>`. Only `Id` resolves to an account on this chain. */
export const MultiAddress = enumeration(
  ['sp_runtime', 'multiaddress', 'MultiAddress'],
  { Id: AccountId32, Index: compactUnit, Raw: bytes, Address32: fixedBytes(32), Address20: fixedBytes(20) },
  {
    // AccountIndex is `()` on FRAME chains: a real parameter (scale-info lists its type), not a skipped one.
    params: [
      { name: 'AccountId', type: AccountId32 },
      { name: 'AccountIndex', type: unit },
    ],
  },
);
/** A MultiAddress value. */
export type MultiAddressValue = ValueOf<typeof MultiAddress>;

const Ed25519Signature = newtype(['sp_core', 'ed25519', 'Signature'], fixedBytes(64), { typeName: '[u8; 64]' });
const Sr25519Signature = newtype(['sp_core', 'sr25519', 'Signature'], fixedBytes(64), { typeName: '[u8; 64]' });
const EcdsaSignature = newtype(['sp_core', 'ecdsa', 'Signature'], fixedBytes(65), { typeName: '[u8; 65]' });
/** `sp_runtime::MultiSignature`: Ed25519 = 0, Sr25519 = 1, Ecdsa = 2. */
export const MultiSignature = enumeration(['sp_runtime', 'MultiSignature'], {
  Ed25519: Ed25519Signature,
  Sr25519: Sr25519Signature,
  Ecdsa: EcdsaSignature,
});
/** A MultiSignature value. */
export type MultiSignatureValue = ValueOf<typeof MultiSignature>;

/** A transaction's mortality. */
export type Era = { tag: 'Immortal' } | { tag: 'Mortal'; period: number; phase: number };

/** Smallest and largest mortal periods Substrate accepts (powers of two). */
export const ERA_MIN_PERIOD = 4;
export const ERA_MAX_PERIOD = 65536;

/** The mortal era that starts at `current` and lasts about `period` blocks (Substrate's `Era::mortal`). */
export function mortalEra(period: number, current: number): Era {
  let p = ERA_MIN_PERIOD;
  while (p < period && p < ERA_MAX_PERIOD) p *= 2;
  const phase = current % p;
  const quantize = Math.max(p >> 12, 1);
  return { tag: 'Mortal', period: p, phase: phase - (phase % quantize) };
}

/** The block number an era was born at, given the current block (`Era::birth`). */
export function eraBirth(era: Era, current: number): number {
  if (era.tag === 'Immortal') return 0;
  const base = Math.max(current, era.phase) - era.phase;
  return base - (base % era.period) + era.phase;
}

/** The first block at which a transaction with this era is dead (`Era::death`); immortal never dies. */
export function eraDeath(era: Era, current: number): number {
  return era.tag === 'Immortal' ? Number.MAX_SAFE_INTEGER : eraBirth(era, current) + era.period;
}

const eraVariants: Record<string, null | Codec<number>> = { Immortal: null };
for (let i = 1; i < 256; i++) eraVariants[`Mortal${i}`] = u8;
const EraShape = enumeration(['sp_runtime', 'generic', 'era', 'Era'], eraVariants);

/** `sp_runtime::generic::era::Era` (one byte `00` immortal, else a little-endian u16). */
export const EraCodec: Codec<Era> = codec(
  () => EraShape.info(),
  (era, w) => {
    if (era.tag === 'Immortal') return w.u8(0);
    const { period, phase } = era;
    if (period < ERA_MIN_PERIOD || period > ERA_MAX_PERIOD || (period & (period - 1)) !== 0 || phase >= period) {
      throw new ScaleEncodeError(`invalid mortal era period ${period} phase ${phase}`);
    }
    const quantize = Math.max(period >> 12, 1);
    const tz = 31 - Math.clz32(period);
    const encoded = Math.min(15, Math.max(1, tz - 1)) | (((phase / quantize) | 0) << 4);
    w.u16(encoded);
  },
  (r) => {
    const first = r.u8();
    if (first === 0) return { tag: 'Immortal' };
    const encoded = first + (r.u8() << 8);
    const period = 2 << (encoded % 16);
    const quantize = Math.max(period >> 12, 1);
    const phase = (encoded >> 4) * quantize;
    if (period < 4 || phase >= period) throw new ScaleDecodeError('invalid era', r.offset - 2);
    return { tag: 'Mortal', period, phase };
  },
);

const ConsensusEngineId = fixedBytes(4);

/** A digest item value. `engine` is a 4-byte consensus engine id. */
export type DigestItemValue =
  | { tag: 'Other'; value: Uint8Array }
  | { tag: 'Consensus' | 'Seal' | 'PreRuntime'; value: [engine: Uint8Array, data: Uint8Array] }
  | { tag: 'RuntimeEnvironmentUpdated'; value?: undefined };

const EngineData = codec(
  () => ({ path: [], params: [], def: { kind: 'tuple', items: [ConsensusEngineId, bytes] }, docs: [] }),
  (v: [Uint8Array, Uint8Array], w) => (ConsensusEngineId.encodeTo(v[0], w), bytes.encodeTo(v[1], w)),
  (r) => [ConsensusEngineId.decodeFrom(r), bytes.decodeFrom(r)] as [Uint8Array, Uint8Array],
);
const DigestItemEnum = enumeration(
  ['sp_runtime', 'generic', 'digest', 'DigestItem'],
  { PreRuntime: EngineData, Consensus: EngineData, Seal: EngineData, Other: bytes, RuntimeEnvironmentUpdated: null },
  { indices: { PreRuntime: 6, Consensus: 4, Seal: 5, Other: 0, RuntimeEnvironmentUpdated: 8 } },
);
/**
 * `sp_runtime::generic::digest::DigestItem`. sp_runtime's hand-written TypeInfo declares PreRuntime, Consensus and
 * Seal as tuple variants with TWO fields (ConsensusEngineId, Vec<u8>), not one tuple-typed field: same bytes, and
 * the metadata says it the FRAME way. The value stays `[engine, data]`.
 */
export const DigestItemCodec = described(DigestItemEnum, () => {
  const engineFields = [
    { type: ConsensusEngineId, typeName: 'ConsensusEngineId', docs: [] },
    { type: bytes, typeName: 'Vec<u8>', docs: [] },
  ];
  return {
    path: ['sp_runtime', 'generic', 'digest', 'DigestItem'],
    params: [],
    def: {
      kind: 'variant',
      variants: DigestItemEnum.variants.map((v) => ({
        name: v.name,
        index: v.index,
        docs: [],
        fields: v.spec === null ? [] : v.name === 'Other' ? [{ type: bytes, typeName: 'Vec<u8>', docs: [] }] : engineFields,
      })),
    },
    docs: [],
  };
}) as unknown as Codec<DigestItemValue>;

/** `sp_runtime::generic::digest::Digest`. */
export const Digest = struct(['sp_runtime', 'generic', 'digest', 'Digest'], { logs: vec(DigestItemCodec, 64) });

/** A block header. `number` is bounded by u32. */
export interface Header {
  parentHash: Uint8Array;
  number: number;
  stateRoot: Uint8Array;
  extrinsicsRoot: Uint8Array;
  digest: { logs: DigestItemValue[] };
}
/** `sp_runtime::generic::header::Header<u32, BlakeTwo256>`. */
export const HeaderCodec: Codec<Header> = struct(
  ['sp_runtime', 'generic', 'header', 'Header'],
  { parentHash: H256, number: compactU32, stateRoot: H256, extrinsicsRoot: H256, digest: Digest },
  {
    params: [
      { name: 'Number', type: u32 },
      { name: 'Hash', type: undefined },
    ],
    typeName: { parentHash: 'Hash::Output', number: 'Number', stateRoot: 'Hash::Output', extrinsicsRoot: 'Hash::Output', digest: 'Digest' },
  },
);

/** A block body as stored and served: each extrinsic as its own length-prefixed bytes (`OpaqueExtrinsic`). */
export const BodyCodec: Codec<Uint8Array[]> = vec(bytes, 100_000);

/** `sp_weights::weight_v2::Weight`. */
export const Weight = struct(['sp_weights', 'weight_v2', 'Weight'], { refTime: compactU64, proofSize: compactU64 });
/** A weight value. */
export type WeightValue = ValueOf<typeof Weight>;
/** `frame_support::dispatch::DispatchClass`. */
export const DispatchClass = enumeration(['frame_support', 'dispatch', 'DispatchClass'], { Normal: null, Operational: null, Mandatory: null });
/** `frame_support::dispatch::Pays`. */
export const Pays = enumeration(['frame_support', 'dispatch', 'Pays'], { Yes: null, No: null });
/** `frame_support::dispatch::DispatchInfo`. */
export const DispatchInfo = struct(['frame_support', 'dispatch', 'DispatchInfo'], { weight: Weight, class: DispatchClass, paysFee: Pays });
/** A DispatchInfo value. */
export type DispatchInfoValue = ValueOf<typeof DispatchInfo>;

/** `sp_runtime::ModuleError`: pallet index and the error's 4 bytes (byte 0 = variant index). */
export const ModuleError = struct(['sp_runtime', 'ModuleError'], { index: u8, error: fixedBytes(4) }, { typeName: { error: '[u8; MAX_MODULE_ERROR_ENCODED_SIZE]' } });
/** `sp_runtime::TokenError`. */
export const TokenError = enumeration(['sp_runtime', 'TokenError'], {
  FundsUnavailable: null,
  OnlyProvider: null,
  BelowMinimum: null,
  CannotCreate: null,
  UnknownAsset: null,
  Frozen: null,
  Unsupported: null,
  CannotCreateHold: null,
  NotExpendable: null,
  Blocked: null,
});
/** `sp_arithmetic::ArithmeticError`. */
export const ArithmeticErrorCodec = enumeration(['sp_arithmetic', 'ArithmeticError'], { Underflow: null, Overflow: null, DivisionByZero: null });
/** `sp_runtime::TransactionalError`. */
export const TransactionalError = enumeration(['sp_runtime', 'TransactionalError'], { LimitReached: null, NoLayer: null });
/** `sp_runtime::DispatchError`. */
export const DispatchError = enumeration(['sp_runtime', 'DispatchError'], {
  Other: null,
  CannotLookup: null,
  BadOrigin: null,
  Module: ModuleError,
  ConsumerRemaining: null,
  NoProviders: null,
  TooManyConsumers: null,
  Token: TokenError,
  Arithmetic: ArithmeticErrorCodec,
  Transactional: TransactionalError,
  Exhausted: null,
  Corruption: null,
  Unavailable: null,
  RootNotAllowed: null,
});
/** A DispatchError value. */
export type DispatchErrorValue = ValueOf<typeof DispatchError>;

/** A runtime API id: blake2_64 of its name. */
export const ApiId = fixedBytes(8);
/** `sp_version::RuntimeVersion`. */
export const RuntimeVersionCodec = struct(['sp_version', 'RuntimeVersion'], {
  specName: str,
  implName: str,
  authoringVersion: u32,
  specVersion: u32,
  implVersion: u32,
  apis: vec(codec(
    () => ({ path: [], params: [], def: { kind: 'tuple', items: [ApiId, u32] }, docs: [] }),
    (v: [Uint8Array, number], w) => (ApiId.encodeTo(v[0], w), u32.encodeTo(v[1], w)),
    (r) => [ApiId.decodeFrom(r), u32.decodeFrom(r)] as [Uint8Array, number],
  )),
  transactionVersion: u32,
  systemVersion: u8,
});
/** A RuntimeVersion value. */
export type RuntimeVersion = ValueOf<typeof RuntimeVersionCodec>;
