/**
 * RuntimeMetadata V14 and V15, generated from the pallets' own declarations and the codecs that encode the node's
 * bytes (one source of truth: a call, event, error or storage value cannot be encoded one way and described
 * another). The metadata structures are written with the same SCALE combinators. Pure.
 */
import {
  bytes,
  compactU32,
  enumeration,
  option,
  str,
  struct,
  u8,
  u32,
  vec,
  type AnyCodec,
  type TypeInfo,
  type ValueOf,
  fields,
} from '../primitives/scale/index.js';
import { concatBytes, utf8 } from '../primitives/bytes.js';
import type { Pallet } from './pallet.js';

// ---- scale-info portable registry ----

const Field = struct(['Field'], { name: option(str), ty: compactU32, typeName: option(str), docs: vec(str) });
const Variant = struct(['Variant'], { name: str, fields: vec(Field), index: u8, docs: vec(str) });
const TypeParameter = struct(['TypeParameter'], { name: str, ty: option(compactU32) });
const PrimitiveDef = enumeration(['Primitive'], { bool: null, char: null, str: null, u8: null, u16: null, u32: null, u64: null, u128: null, u256: null, i8: null, i16: null, i32: null, i64: null, i128: null, i256: null });
const TypeDefCodec = enumeration(['TypeDef'], {
  Composite: fields({ fields: vec(Field) }),
  Variant: fields({ variants: vec(Variant) }),
  Sequence: fields({ typeParam: compactU32 }),
  Array: fields({ len: u32, typeParam: compactU32 }),
  Tuple: fields({ fields: vec(compactU32) }),
  Primitive: PrimitiveDef,
  Compact: fields({ typeParam: compactU32 }),
  BitSequence: fields({ bitStoreType: compactU32, bitOrderType: compactU32 }),
});
const PortableType = struct(['PortableType'], { id: compactU32, path: vec(str), params: vec(TypeParameter), def: TypeDefCodec, docs: vec(str) });
type PortableTypeValue = ValueOf<typeof PortableType>;

/** Assigns type ids to codecs (by identity, resolving lazy wrappers to what they describe). */
export class TypeRegistry {
  readonly types: PortableTypeValue[] = [];
  private readonly ids = new Map<AnyCodec, number>();
  private readonly byInfo = new Map<TypeInfo, number>();
  private readonly tuples = new Map<string, number>();

  /** The id of `codec`, registering it (and everything it refers to) on first use. */
  id(codec: AnyCodec): number {
    const known = this.ids.get(codec);
    if (known !== undefined) return known;
    const info = codec.info();
    // Lazy codecs return their target's info object: share the target's id.
    const viaInfo = this.byInfo.get(info);
    if (viaInfo !== undefined) {
      this.ids.set(codec, viaInfo);
      return viaInfo;
    }
    const id = this.types.length;
    this.ids.set(codec, id);
    this.byInfo.set(info, id);
    // Reserve the slot before recursing so recursive types terminate.
    this.types.push(undefined as unknown as PortableTypeValue);
    this.types[id] = {
      id,
      path: info.path,
      params: info.params.map((p) => ({ name: p.name, ty: p.type ? this.id(p.type) : undefined })),
      def: this.def(info),
      docs: info.docs,
    };
    return id;
  }

  /** The id of the anonymous tuple of `items` (registered once per distinct item list). */
  tupleId(items: AnyCodec[]): number {
    const ids = items.map((c) => this.id(c));
    const key = ids.join(',');
    const known = this.tuples.get(key);
    if (known !== undefined) return known;
    const id = this.types.length;
    this.types.push({ id, path: [], params: [], def: { tag: 'Tuple', value: { fields: ids } }, docs: [] });
    this.tuples.set(key, id);
    return id;
  }

  private field(f: { name?: string; type: AnyCodec; typeName?: string; docs: string[] }) {
    return { name: f.name, ty: this.id(f.type), typeName: f.typeName, docs: f.docs };
  }

  private def(info: TypeInfo): ValueOf<typeof TypeDefCodec> {
    const d = info.def;
    switch (d.kind) {
      case 'primitive':
        return { tag: 'Primitive', value: { tag: d.primitive } };
      case 'composite':
        return { tag: 'Composite', value: { fields: d.fields.map((f) => this.field(f)) } };
      case 'variant':
        return {
          tag: 'Variant',
          value: { variants: d.variants.map((v) => ({ name: v.name, index: v.index, docs: v.docs, fields: v.fields.map((f) => this.field(f)) })) },
        };
      case 'sequence':
        return { tag: 'Sequence', value: { typeParam: this.id(d.item) } };
      case 'array':
        return { tag: 'Array', value: { len: d.len, typeParam: this.id(d.item) } };
      case 'tuple':
        return { tag: 'Tuple', value: { fields: d.items.map((t) => this.id(t)) } };
      case 'compact':
        return { tag: 'Compact', value: { typeParam: this.id(d.item) } };
    }
  }
}

// ---- metadata structures ----

const StorageHasherCodec = enumeration(['StorageHasher'], { Blake2_128: null, Blake2_256: null, Blake2_128Concat: null, Twox128: null, Twox256: null, Twox64Concat: null, Identity: null });
const StorageEntryType = enumeration(['StorageEntryType'], {
  Plain: compactU32,
  Map: fields({ hashers: vec(StorageHasherCodec), key: compactU32, value: compactU32 }),
});
const StorageEntry = struct(['StorageEntryMetadata'], {
  name: str,
  modifier: enumeration(['StorageEntryModifier'], { Optional: null, Default: null }),
  ty: StorageEntryType,
  fallback: bytes,
  docs: vec(str),
});
const PalletStorage = struct(['PalletStorageMetadata'], { prefix: str, entries: vec(StorageEntry) });
const TyRef = struct(['Ty'], { ty: compactU32 });
const PalletConstant = struct(['PalletConstantMetadata'], { name: str, ty: compactU32, value: bytes, docs: vec(str) });
const palletShape = {
  name: str,
  storage: option(PalletStorage),
  calls: option(TyRef),
  event: option(TyRef),
  constants: vec(PalletConstant),
  error: option(TyRef),
  index: u8,
};
const PalletV14 = struct(['PalletMetadataV14'], palletShape);
const PalletV15 = struct(['PalletMetadataV15'], { ...palletShape, docs: vec(str) });
const SignedExtension = struct(['SignedExtensionMetadata'], { identifier: str, ty: compactU32, additionalSigned: compactU32 });
const ExtrinsicV14 = struct(['ExtrinsicMetadataV14'], { ty: compactU32, version: u8, signedExtensions: vec(SignedExtension) });
const ExtrinsicV15 = struct(['ExtrinsicMetadataV15'], {
  version: u8,
  addressTy: compactU32,
  callTy: compactU32,
  signatureTy: compactU32,
  extraTy: compactU32,
  signedExtensions: vec(SignedExtension),
});
const ApiMethod = struct(['RuntimeApiMethodMetadata'], { name: str, inputs: vec(struct(['Param'], { name: str, ty: compactU32 })), output: compactU32, docs: vec(str) });
const RuntimeApi = struct(['RuntimeApiMetadata'], { name: str, methods: vec(ApiMethod), docs: vec(str) });
const MetadataV14 = struct(['RuntimeMetadataV14'], { types: vec(PortableType), pallets: vec(PalletV14), extrinsic: ExtrinsicV14, ty: compactU32 });
const MetadataV15 = struct(['RuntimeMetadataV15'], {
  types: vec(PortableType),
  pallets: vec(PalletV15),
  extrinsic: ExtrinsicV15,
  ty: compactU32,
  apis: vec(RuntimeApi),
  outerEnums: struct(['OuterEnums'], { callEnumTy: compactU32, eventEnumTy: compactU32, errorEnumTy: compactU32 }),
  custom: vec(struct(['Custom'], { name: str, ty: compactU32, value: bytes })),
});

/** A signed extension as the metadata lists it: what it adds to the extrinsic and to the signed payload. */
export interface SignedExtensionInfo {
  identifier: string;
  type: AnyCodec;
  additionalSigned: AnyCodec;
}

/** A runtime API method for V15 `apis`. */
export interface RuntimeApiInfo {
  name: string;
  docs: string[];
  methods: Array<{ name: string; inputs: Array<{ name: string; type: AnyCodec }>; output: AnyCodec; docs: string[] }>;
}

/** Everything outside the pallets that the metadata describes. */
export interface MetadataSources {
  pallets: readonly Pallet[];
  runtimeType: AnyCodec;
  callType: AnyCodec;
  eventType: AnyCodec;
  errorType: AnyCodec;
  addressType: AnyCodec;
  signatureType: AnyCodec;
  extrinsicType: AnyCodec;
  /** The tuple of the signed extensions' types. */
  extraType: AnyCodec;
  signedExtensions: SignedExtensionInfo[];
  apis: RuntimeApiInfo[];
}

/** The `meta` magic that prefixes RuntimeMetadataPrefixed. */
export const METADATA_MAGIC = utf8('meta');

function palletEntries(reg: TypeRegistry, p: Pallet) {
  return {
    name: p.name,
    storage:
      p.storage.length === 0
        ? undefined
        : {
            prefix: p.name,
            entries: p.storage.map((s) => ({
              name: s.name,
              modifier: { tag: s.modifier },
              ty:
                s.kind.type === 'plain'
                  ? ({ tag: 'Plain', value: reg.id(s.kind.value) } as const)
                  : ({
                      tag: 'Map',
                      value: {
                        hashers: s.kind.hashers.map((h) => ({ tag: h })),
                        key: s.kind.keys.length === 1 ? reg.id(s.kind.keys[0]) : reg.tupleId(s.kind.keys),
                        value: reg.id(s.kind.value),
                      },
                    } as const),
              fallback: s.fallback,
              docs: s.docs,
            })),
          },
    calls: p.callCodec ? { ty: reg.id(p.callCodec) } : undefined,
    event: p.events ? { ty: reg.id(p.events) } : undefined,
    constants: p.constants.map((c) => ({ name: c.name, ty: reg.id(c.codec), value: c.codec.encode(c.value), docs: c.docs })),
    error: p.errors ? { ty: reg.id(p.errors.codec) } : undefined,
    index: p.index,
  };
}

function signedExtensions(reg: TypeRegistry, src: MetadataSources) {
  return src.signedExtensions.map((e) => ({ identifier: e.identifier, ty: reg.id(e.type), additionalSigned: reg.id(e.additionalSigned) }));
}

/** RuntimeMetadataPrefixed with V14. */
export function encodeMetadataV14(src: MetadataSources): Uint8Array {
  const reg = new TypeRegistry();
  const pallets = src.pallets.map((p) => palletEntries(reg, p));
  const extrinsic = { ty: reg.id(src.extrinsicType), version: 4, signedExtensions: signedExtensions(reg, src) };
  const ty = reg.id(src.runtimeType);
  return concatBytes(METADATA_MAGIC, new Uint8Array([14]), MetadataV14.encode({ types: reg.types, pallets, extrinsic, ty }));
}

/** RuntimeMetadataPrefixed with V15. */
export function encodeMetadataV15(src: MetadataSources): Uint8Array {
  const reg = new TypeRegistry();
  const pallets = src.pallets.map((p) => ({ ...palletEntries(reg, p), docs: p.docs }));
  // V15 has no field pointing at UncheckedExtrinsic, but FRAME still registers it (one registry for every
  // version) and pjs derives its `Call`/`Address`/`AccountId`/`ExtrinsicSignature` aliases from its params.
  reg.id(src.extrinsicType);
  const extraTy = reg.id(src.extraType);
  const extrinsic = {
    version: 4,
    addressTy: reg.id(src.addressType),
    callTy: reg.id(src.callType),
    signatureTy: reg.id(src.signatureType),
    extraTy,
    signedExtensions: signedExtensions(reg, src),
  };
  const ty = reg.id(src.runtimeType);
  const apis = src.apis.map((a) => ({
    name: a.name,
    docs: a.docs,
    methods: a.methods.map((m) => ({ name: m.name, docs: m.docs, inputs: m.inputs.map((i) => ({ name: i.name, ty: reg.id(i.type) })), output: reg.id(m.output) })),
  }));
  const outerEnums = { callEnumTy: reg.id(src.callType), eventEnumTy: reg.id(src.eventType), errorEnumTy: reg.id(src.errorType) };
  return concatBytes(METADATA_MAGIC, new Uint8Array([15]), MetadataV15.encode({ types: reg.types, pallets, extrinsic, ty, apis, outerEnums, custom: [] }));
}

