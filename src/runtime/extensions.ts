/**
 * The signed extensions of this chain's extrinsics, as types for the metadata: what each adds to the extrinsic
 * (`type`) and to the signed payload (`additionalSigned`). Their order is the order of `extra` in the extrinsic.
 */
import { compactU128, compactU32, newtype, struct, tuple, u32, unit, type AnyCodec } from '../primitives/scale/index.js';
import { EraCodec, H256, MultiAddress, MultiSignature } from '../primitives/types.js';
import { bytes } from '../primitives/scale/index.js';
import type { SignedExtensionInfo } from './metadata.js';

const T = [{ name: 'T' }];
const ext = (module: string, name: string, inner?: AnyCodec, typeName?: string): AnyCodec =>
  inner ? newtype(['frame_system', 'extensions', module, name], inner, { params: T, typeName }) : struct(['frame_system', 'extensions', module, name], {}, { params: T });

/** The signed extensions, in extrinsic order. */
export const SIGNED_EXTENSIONS: SignedExtensionInfo[] = [
  { identifier: 'CheckNonZeroSender', type: ext('check_non_zero_sender', 'CheckNonZeroSender'), additionalSigned: unit },
  { identifier: 'CheckSpecVersion', type: ext('check_spec_version', 'CheckSpecVersion'), additionalSigned: u32 },
  { identifier: 'CheckTxVersion', type: ext('check_tx_version', 'CheckTxVersion'), additionalSigned: u32 },
  { identifier: 'CheckGenesis', type: ext('check_genesis', 'CheckGenesis'), additionalSigned: H256 },
  { identifier: 'CheckMortality', type: ext('check_mortality', 'CheckMortality', EraCodec, 'Era'), additionalSigned: H256 },
  { identifier: 'CheckNonce', type: ext('check_nonce', 'CheckNonce', compactU32, 'T::Nonce'), additionalSigned: unit },
  { identifier: 'CheckWeight', type: ext('check_weight', 'CheckWeight'), additionalSigned: unit },
  {
    identifier: 'ChargeTransactionPayment',
    type: newtype(['pallet_transaction_payment', 'ChargeTransactionPayment'], compactU128, { params: T, typeName: 'BalanceOf<T>' }),
    additionalSigned: unit,
  },
];

/** `sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic<Address, Call, Signature, Extra>` (opaque bytes). */
export function uncheckedExtrinsicType(call: AnyCodec, extra: AnyCodec): AnyCodec {
  return newtype(['sp_runtime', 'generic', 'unchecked_extrinsic', 'UncheckedExtrinsic'], bytes, {
    params: [
      { name: 'Address', type: MultiAddress },
      { name: 'Call', type: call },
      { name: 'Signature', type: MultiSignature },
      { name: 'Extra', type: extra },
    ],
  });
}

/** The runtime marker type. */
export const RuntimeType = struct(['dcn_runtime', 'Runtime'], {});

/** The tuple of every signed extension's type (`Extra`). */
export const EXTRA_TYPE: AnyCodec = tuple(...SIGNED_EXTENSIONS.map((e) => e.type));
