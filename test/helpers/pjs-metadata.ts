/**
 * A minimal RuntimeMetadata V14 built from the runtime's own codecs (their scale-info descriptions), loaded into
 * a `@polkadot/types` registry: enough for pjs to build, sign and decode this chain's extrinsics, calls, events
 * and errors. Storage and constants are left out. Test-only: it checks that what our codecs SAY they are is
 * what they ENCODE, as a wallet reads it.
 */
import { Metadata, TypeRegistry } from '@polkadot/types';
import { u8aConcat } from '@polkadot/util';
import { bytes, compactU128, compactU32, newtype, struct, tuple, type AnyCodec, type Primitive } from '../../src/primitives/scale/index.js';
import { EraCodec, H256, MultiAddress, MultiSignature } from '../../src/primitives/types.js';
import { EventRecords } from '../../src/pallets/system/types.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { u32 } from '../../src/primitives/scale/index.js';

/** scale-info primitive names as the metadata spells them. */
const PRIMITIVE_NAMES: Record<Primitive, string> = {
  bool: 'Bool', char: 'Char', str: 'Str', u8: 'U8', u16: 'U16', u32: 'U32', u64: 'U64', u128: 'U128', u256: 'U256',
  i8: 'I8', i16: 'I16', i32: 'I32', i64: 'I64', i128: 'I128', i256: 'I256',
};

/** A portable type registry (the metadata's `lookup`) built by walking codecs' `info()`. */
export class PortableTypes {
  readonly types: Array<{ id: number; type: Record<string, unknown> }> = [];
  private readonly ids = new Map<AnyCodec, number>();

  /** The type id of `codec`, registering it (and everything it refers to) on first use. */
  id(codec: AnyCodec): number {
    const known = this.ids.get(codec);
    if (known !== undefined) return known;
    const id = this.types.length;
    this.ids.set(codec, id);
    // Reserve the slot first so recursive references resolve to it.
    const slot: { id: number; type: Record<string, unknown> } = { id, type: {} };
    this.types.push(slot);
    const info = codec.info();
    const field = (f: { name?: string; type: AnyCodec; typeName?: string; docs: string[] }) => ({
      name: f.name ?? null,
      type: this.id(f.type),
      typeName: f.typeName ?? null,
      docs: f.docs,
    });
    let def: Record<string, unknown>;
    switch (info.def.kind) {
      case 'primitive':
        def = { Primitive: PRIMITIVE_NAMES[info.def.primitive] };
        break;
      case 'composite':
        def = { Composite: { fields: info.def.fields.map(field) } };
        break;
      case 'variant':
        def = { Variant: { variants: info.def.variants.map((v) => ({ name: v.name, fields: v.fields.map(field), index: v.index, docs: v.docs })) } };
        break;
      case 'sequence':
        def = { Sequence: { type: this.id(info.def.item) } };
        break;
      case 'array':
        def = { Array: { len: info.def.len, type: this.id(info.def.item) } };
        break;
      case 'tuple':
        def = { Tuple: info.def.items.map((c) => this.id(c)) };
        break;
      case 'compact':
        def = { Compact: { type: this.id(info.def.item) } };
        break;
    }
    slot.type = {
      path: info.path,
      params: info.params.map((p) => ({ name: p.name, type: p.type ? this.id(p.type) : null })),
      def,
      docs: info.docs,
    };
    return id;
  }
}

/** The signed extensions of this chain, in order, with the type each adds to the extrinsic and to the payload. */
function signedExtensionCodecs(): Array<{ identifier: string; type: AnyCodec; additionalSigned: AnyCodec }> {
  const unit = tuple();
  const ext = (name: string, inner?: AnyCodec) => {
    const path = ['frame_system', 'extensions', name.replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase()), name];
    return inner ? newtype(path, inner, { params: [{ name: 'T' }] }) : struct(path, {}, { params: [{ name: 'T' }] });
  };
  return [
    { identifier: 'CheckNonZeroSender', type: ext('CheckNonZeroSender'), additionalSigned: unit },
    { identifier: 'CheckSpecVersion', type: ext('CheckSpecVersion'), additionalSigned: u32 },
    { identifier: 'CheckTxVersion', type: ext('CheckTxVersion'), additionalSigned: u32 },
    { identifier: 'CheckGenesis', type: ext('CheckGenesis'), additionalSigned: H256 },
    { identifier: 'CheckMortality', type: ext('CheckMortality', EraCodec), additionalSigned: H256 },
    { identifier: 'CheckNonce', type: ext('CheckNonce', compactU32), additionalSigned: unit },
    { identifier: 'CheckWeight', type: ext('CheckWeight'), additionalSigned: unit },
    {
      identifier: 'ChargeTransactionPayment',
      type: newtype(['pallet_transaction_payment', 'ChargeTransactionPayment'], compactU128, { params: [{ name: 'T' }] }),
      additionalSigned: unit,
    },
  ];
}

/** A pjs registry that knows this runtime's calls, events and errors (metadata V14 built from our codecs). */
export function pjsRegistryFor(runtime: Runtime): { registry: TypeRegistry; metadata: Metadata; lookup: PortableTypes } {
  const lookup = new PortableTypes();
  const exts = signedExtensionCodecs();
  const extra = tuple(...exts.map((e) => e.type));
  const unchecked = newtype(['sp_runtime', 'generic', 'unchecked_extrinsic', 'UncheckedExtrinsic'], bytes, {
    params: [
      { name: 'Address', type: MultiAddress },
      { name: 'Call', type: runtime.callCodec },
      { name: 'Signature', type: MultiSignature },
      { name: 'Extra', type: extra },
    ],
  });
  const runtimeType = struct(['dcn_runtime', 'Runtime'], {});
  // The event record type gives pjs its `Event` alias; the error enum its module errors.
  lookup.id(EventRecords);
  lookup.id(runtime.errorCodec);
  const pallets = runtime.pallets.map((p) => ({
    name: p.name,
    storage: null,
    calls: p.callCodec ? { type: lookup.id(p.callCodec) } : null,
    events: p.events ? { type: lookup.id(p.events) } : null,
    constants: [],
    errors: p.errors ? { type: lookup.id(p.errors.codec) } : null,
    index: p.index,
  }));
  const extrinsic = {
    type: lookup.id(unchecked),
    version: 4,
    signedExtensions: exts.map((e) => ({ identifier: e.identifier, type: lookup.id(e.type), additionalSigned: lookup.id(e.additionalSigned) })),
  };
  const type = lookup.id(runtimeType);
  const registry = new TypeRegistry();
  const v14 = registry.createType('MetadataV14', { lookup: { types: lookup.types }, pallets, extrinsic, type });
  const metadata = new Metadata(registry, u8aConcat(new Uint8Array([0x6d, 0x65, 0x74, 0x61, 14]), v14.toU8a()));
  registry.setMetadata(metadata);
  return { registry, metadata, lookup };
}
