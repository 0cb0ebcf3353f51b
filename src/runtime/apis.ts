/**
 * The core runtime APIs, served over `state_call` / `chainHead_v1_call` / `archive_v1_call`: `Core`, `Metadata`,
 * `TaggedTransactionQueue`, `AccountNonceApi`, `TransactionPaymentApi`. They need only the framework's interfaces
 * (the executive, System's nonce, the fee schedule); pallets declare their own APIs and the chain lists them all.
 * Each method decodes its SCALE input and returns SCALE output; the V15 metadata lists them from the same
 * declarations. Pure.
 */
import { ScaleReader } from '../primitives/scale/io.js';
import {
  bool,
  bytes,
  enumeration,
  option,
  result,
  struct,
  u8,
  u32,
  u64,
  u128,
  vec,
  type AnyCodec,
} from '../primitives/scale/index.js';
import { AccountId32, DispatchClass, H256, RuntimeVersionCodec, Weight } from '../primitives/types.js';
import type { ValidationOutcome } from './validity.js';
import { callRuntimeApi, decodeApiInput, RuntimeApiError, type ApiContext, type ApiMethod, type ApiTrait } from './api-support.js';

/** `sp_runtime::transaction_validity::InvalidTransaction`. */
export const InvalidTransactionCodec = enumeration(['sp_runtime', 'transaction_validity', 'InvalidTransaction'], {
  Call: null,
  Payment: null,
  Future: null,
  Stale: null,
  BadProof: null,
  AncientBirthBlock: null,
  ExhaustsResources: null,
  Custom: u8,
  BadMandatory: null,
  MandatoryValidation: null,
  BadSigner: null,
});
/** `sp_runtime::transaction_validity::UnknownTransaction`. */
export const UnknownTransactionCodec = enumeration(['sp_runtime', 'transaction_validity', 'UnknownTransaction'], { CannotLookup: null, NoUnsignedValidator: null, Custom: u8 });
/** `sp_runtime::transaction_validity::TransactionValidityError`. */
export const TransactionValidityErrorCodec = enumeration(['sp_runtime', 'transaction_validity', 'TransactionValidityError'], { Invalid: InvalidTransactionCodec, Unknown: UnknownTransactionCodec });
/** `sp_runtime::transaction_validity::ValidTransaction`. */
export const ValidTransactionCodec = struct(['sp_runtime', 'transaction_validity', 'ValidTransaction'], { priority: u64, requires: vec(bytes), provides: vec(bytes), longevity: u64, propagate: bool });
/** `Result<ValidTransaction, TransactionValidityError>`. */
export const TransactionValidityCodec = result(ValidTransactionCodec, TransactionValidityErrorCodec);
/** `sp_runtime::transaction_validity::TransactionSource`. */
export const TransactionSourceCodec = enumeration(['sp_runtime', 'transaction_validity', 'TransactionSource'], { InBlock: null, Local: null, External: null });
/** `pallet_transaction_payment::types::RuntimeDispatchInfo`. */
export const RuntimeDispatchInfoCodec = struct(
  ['pallet_transaction_payment', 'types', 'RuntimeDispatchInfo'],
  { weight: Weight, class: DispatchClass, partialFee: u128 },
  { params: [{ name: 'Balance', type: u128 }, { name: 'Weight', type: Weight }] },
);
/** `pallet_transaction_payment::types::InclusionFee`. */
export const InclusionFeeCodec = struct(['pallet_transaction_payment', 'types', 'InclusionFee'], { baseFee: u128, lenFee: u128, adjustedWeightFee: u128 }, { params: [{ name: 'Balance', type: u128 }] });
/** `pallet_transaction_payment::types::FeeDetails`. */
export const FeeDetailsCodec = struct(['pallet_transaction_payment', 'types', 'FeeDetails'], { inclusionFee: option(InclusionFeeCodec), tip: u128 }, { params: [{ name: 'Balance', type: u128 }] });
/** `sp_core::OpaqueMetadata`. */
export const OpaqueMetadata = struct(['sp_core', 'OpaqueMetadata'], { bytes }, {}) as unknown as AnyCodec;
const OpaqueMetadataBytes = bytes;

export { callRuntimeApi, RuntimeApiError, type ApiContext, type ApiMethod, type ApiTrait };

/** An extrinsic as a runtime API argument: its own length-prefixed encoding, kept whole. */
const UncheckedExtrinsicArg: AnyCodec = {
  ...bytes,
  info: () => bytes.info(),
  describe: () => 'UncheckedExtrinsic',
  encode: (v: Uint8Array) => v,
  encodeTo: (v: Uint8Array, w: { bytes(b: Uint8Array): void }) => w.bytes(v),
  decodeFrom: (r: ScaleReader) => {
    const start = r.offset;
    const len = r.compactNumber(1 << 26);
    r.take(len);
    return r.bytes.slice(start, r.offset);
  },
} as unknown as AnyCodec;

function validityOf(o: ValidationOutcome) {
  if (o.ok) return { ok: true as const, value: o.valid };
  const error =
    o.kind === 'invalid'
      ? { tag: 'Invalid' as const, value: o.reason === 'Custom' ? { tag: 'Custom' as const, value: 0 } : { tag: o.reason } }
      : { tag: 'Unknown' as const, value: o.reason === 'Custom' ? { tag: 'Custom' as const, value: 0 } : { tag: o.reason } };
  return { ok: false as const, error };
}

/** The core runtime APIs, first in every chain's list. Metadata versions offered: 14 and 15. */
export function coreApis(): ApiTrait[] {
  return [
    {
      name: 'Core',
      version: 5,
      docs: ['The `Core` runtime api that every Substrate runtime needs to implement.'],
      methods: [
        {
          name: 'version',
          docs: ['Returns the version of the runtime.'],
          inputs: [],
          output: RuntimeVersionCodec,
          call: (ctx, input) => (decodeApiInput(input, [], 'Core_version'), RuntimeVersionCodec.encode(ctx.runtime.version)),
        },
      ],
    },
    {
      name: 'Metadata',
      version: 2,
      docs: ['The `Metadata` api trait that returns metadata for the runtime.'],
      methods: [
        {
          name: 'metadata',
          docs: ['Returns the metadata of a runtime.'],
          inputs: [],
          output: OpaqueMetadataBytes,
          call: (ctx, input) => (decodeApiInput(input, [], 'Metadata_metadata'), bytes.encode(ctx.runtime.metadata(14))),
        },
        {
          name: 'metadata_at_version',
          docs: ['Returns the metadata at a given version.'],
          inputs: [{ name: 'version', type: u32 }],
          output: option(OpaqueMetadataBytes),
          call: (ctx, input) => {
            const [v] = decodeApiInput(input, [u32], 'Metadata_metadata_at_version') as [number];
            const md = v === 14 || v === 15 ? ctx.runtime.metadata(v) : undefined;
            return option(bytes).encode(md);
          },
        },
        {
          name: 'metadata_versions',
          docs: ['Returns the supported metadata versions.'],
          inputs: [],
          output: vec(u32),
          call: (_ctx, input) => (decodeApiInput(input, [], 'Metadata_metadata_versions'), vec(u32).encode([14, 15])),
        },
      ],
    },
    {
      name: 'TaggedTransactionQueue',
      version: 3,
      docs: ['The `TaggedTransactionQueue` api trait for interfering with the transaction queue.'],
      methods: [
        {
          name: 'validate_transaction',
          docs: ['Validate the transaction.'],
          inputs: [
            { name: 'source', type: TransactionSourceCodec },
            { name: 'tx', type: UncheckedExtrinsicArg },
            { name: 'block_hash', type: H256 },
          ],
          output: TransactionValidityCodec,
          call: (ctx, input) => {
            const [, tx] = decodeApiInput(input, [TransactionSourceCodec, UncheckedExtrinsicArg, H256], 'TaggedTransactionQueue_validate_transaction') as [unknown, Uint8Array, Uint8Array];
            const outcome = ctx.runtime.validateTransaction(ctx.state, tx, ctx.block, ctx.checker);
            return TransactionValidityCodec.encode(validityOf(outcome));
          },
        },
      ],
    },
    {
      name: 'AccountNonceApi',
      version: 1,
      docs: ['The API to query account nonce.'],
      methods: [
        {
          name: 'account_nonce',
          docs: ['Get current account nonce of given `AccountId`.'],
          inputs: [{ name: 'account', type: AccountId32 }],
          output: u32,
          call: (ctx, input) => {
            const [who] = decodeApiInput(input, [AccountId32], 'AccountNonceApi_account_nonce') as [Uint8Array];
            return u32.encode(ctx.runtime.system.accountNonce(ctx.state, who));
          },
        },
      ],
    },
    {
      name: 'TransactionPaymentApi',
      version: 4,
      docs: [],
      methods: [
        {
          name: 'query_info',
          docs: [],
          inputs: [
            { name: 'uxt', type: UncheckedExtrinsicArg },
            { name: 'len', type: u32 },
          ],
          output: RuntimeDispatchInfoCodec,
          call: (ctx, input) => {
            const [uxt] = decodeApiInput(input, [UncheckedExtrinsicArg, u32], 'TransactionPaymentApi_query_info') as [Uint8Array, number];
            const q = queryFee(ctx, uxt);
            return RuntimeDispatchInfoCodec.encode({ weight: { refTime: q.weight, proofSize: 0n }, class: { tag: q.class }, partialFee: q.partialFee });
          },
        },
        {
          name: 'query_fee_details',
          docs: [],
          inputs: [
            { name: 'uxt', type: UncheckedExtrinsicArg },
            { name: 'len', type: u32 },
          ],
          output: FeeDetailsCodec,
          call: (ctx, input) => {
            const [uxt] = decodeApiInput(input, [UncheckedExtrinsicArg, u32], 'TransactionPaymentApi_query_fee_details') as [Uint8Array, number];
            const q = queryFee(ctx, uxt);
            const f = q.fee;
            const paysFee = f.baseFee + f.lenFee + f.adjustedWeightFee > 0n;
            return FeeDetailsCodec.encode({ inclusionFee: paysFee ? { baseFee: f.baseFee, lenFee: f.lenFee, adjustedWeightFee: f.adjustedWeightFee } : undefined, tip: f.tip });
          },
        },
      ],
    },
  ];
}

function queryFee(ctx: ApiContext, uxt: Uint8Array) {
  try {
    return ctx.runtime.queryFee(uxt);
  } catch (e) {
    throw new RuntimeApiError(`could not decode the extrinsic: ${(e as Error).message}`);
  }
}

void OpaqueMetadata;
