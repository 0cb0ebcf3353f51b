/**
 * SCALE codecs that carry their own type description.
 *
 * Every codec knows how to encode and decode its values AND what it is in scale-info terms (path, params, def,
 * docs), so the runtime metadata is generated from the very objects that encode the node's bytes: the two cannot
 * drift apart. Pure; no I/O.
 *
 * Value representations: u8/u16/u32 and Compact<u32> → number; u64/u128/u256 and their compacts → bigint;
 * Vec<u8> and [u8; N] → Uint8Array; Option<T> → T | undefined; enums → `{ tag, value? }`; structs → objects with
 * camelCase keys (the metadata gets the snake_case names); newtypes → the inner value.
 */
import { ScaleDecodeError, ScaleEncodeError, ScaleReader, ScaleWriter } from './io.js';

/** scale-info primitive names. */
export type Primitive = 'bool' | 'char' | 'str' | 'u8' | 'u16' | 'u32' | 'u64' | 'u128' | 'u256' | 'i8' | 'i16' | 'i32' | 'i64' | 'i128' | 'i256';

/** A field of a composite or variant. */
export interface FieldInfo {
  /** snake_case name in metadata; absent for tuple-like fields. */
  name?: string;
  type: AnyCodec;
  typeName?: string;
  docs: string[];
}

/** A variant of an enum. */
export interface VariantInfo {
  name: string;
  /** Discriminant byte (0 ≤ index ≤ 255). */
  index: number;
  fields: FieldInfo[];
  docs: string[];
}

/** The `def` of a scale-info type. */
export type TypeDef =
  | { kind: 'primitive'; primitive: Primitive }
  | { kind: 'composite'; fields: FieldInfo[] }
  | { kind: 'variant'; variants: VariantInfo[] }
  | { kind: 'sequence'; item: AnyCodec }
  | { kind: 'array'; len: number; item: AnyCodec }
  | { kind: 'tuple'; items: AnyCodec[] }
  | { kind: 'compact'; item: AnyCodec };

/** A scale-info type: path, generic params, definition and docs. */
export interface TypeInfo {
  path: string[];
  params: { name: string; type?: AnyCodec }[];
  def: TypeDef;
  docs: string[];
}

/** Writers kept for reuse by {@link Codec.encode} (at most this many: the depth of nested encodes seen at once). */
const MAX_POOLED_WRITERS = 8;
/** A writer that grew beyond this many bytes (a block's events, metadata) is not kept: 64 KiB. */
const MAX_POOLED_CAPACITY = 64 * 1024;
const writerPool: ScaleWriter[] = [];

/** A codec for values of type `T`, with its type description. */
export abstract class Codec<T> {
  /** The type description, computed lazily so recursive types can be declared. */
  abstract info(): TypeInfo;
  /** Append the encoding of `v` to `w`. */
  abstract encodeTo(v: T, w: ScaleWriter): void;
  /** Read one value from `r`. */
  abstract decodeFrom(r: ScaleReader): T;

  /** Encode `v` to fresh bytes (the caller owns them). */
  encode(v: T): Uint8Array {
    // A pooled writer: allocating one (and its buffer) per encode was a large share of the executive's time.
    // Taken off the pool for the duration, so an encode nested inside `encodeTo` gets a writer of its own.
    const w = writerPool.pop() ?? new ScaleWriter();
    try {
      this.encodeTo(v, w);
      return w.finish();
    } finally {
      w.reset();
      if (writerPool.length < MAX_POOLED_WRITERS && w.capacity <= MAX_POOLED_CAPACITY) writerPool.push(w);
    }
  }

  /** Decode exactly one value from `bytes`; trailing bytes are an error. */
  decode(bytes: Uint8Array): T {
    const r = new ScaleReader(bytes);
    const v = this.decodeFrom(r);
    // The type's name only matters for the error message: not computed on success.
    if (r.offset !== bytes.length) r.assertDone(this.describe());
    return v;
  }

  /** A short human name for error messages. */
  describe(): string {
    const i = this.info();
    if (i.path.length > 0) return i.path.join('::');
    return i.def.kind === 'primitive' ? i.def.primitive : i.def.kind;
  }
}

/** Any codec (the value type erased). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCodec = Codec<any>;
/** The value type of a codec. */
export type ValueOf<C> = C extends Codec<infer T> ? T : never;

class FnCodec<T> extends Codec<T> {
  constructor(
    private readonly infoFn: () => TypeInfo,
    private readonly enc: (v: T, w: ScaleWriter) => void,
    private readonly dec: (r: ScaleReader) => T,
  ) {
    super();
  }
  private cached?: TypeInfo;
  info(): TypeInfo {
    return (this.cached ??= this.infoFn());
  }
  encodeTo(v: T, w: ScaleWriter): void {
    this.enc(v, w);
  }
  decodeFrom(r: ScaleReader): T {
    return this.dec(r);
  }
}

/** Build a codec from functions. */
export function codec<T>(info: () => TypeInfo, enc: (v: T, w: ScaleWriter) => void, dec: (r: ScaleReader) => T): Codec<T> {
  return new FnCodec(info, enc, dec);
}

const prim = (primitive: Primitive): (() => TypeInfo) => () => ({ path: [], params: [], def: { kind: 'primitive', primitive }, docs: [] });

function checkInt(v: number, max: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new ScaleEncodeError(`${what} out of range: ${v}`);
}
/** Largest value of each unsigned width checked by {@link checkBig}. */
const UINT_MAX: Record<number, bigint> = { 64: (1n << 64n) - 1n, 128: (1n << 128n) - 1n, 256: (1n << 256n) - 1n };
function checkBig(v: bigint, bits: 64 | 128 | 256, what: string): void {
  // A comparison with the width's maximum: no bigint is allocated (a shift made one per value).
  if (typeof v !== 'bigint' || v < 0n || v > UINT_MAX[bits]) throw new ScaleEncodeError(`${what} out of range: ${v}`);
}

/** bool. */
export const bool: Codec<boolean> = codec(
  prim('bool'),
  (v, w) => w.u8(v ? 1 : 0),
  (r) => {
    const b = r.u8();
    if (b > 1) throw new ScaleDecodeError(`invalid bool ${b}`, r.offset - 1);
    return b === 1;
  },
);
/** u8. */
export const u8: Codec<number> = codec(prim('u8'), (v, w) => (checkInt(v, 0xff, 'u8'), w.u8(v)), (r) => r.u8());
/** u16. */
export const u16: Codec<number> = codec(prim('u16'), (v, w) => (checkInt(v, 0xffff, 'u16'), w.u16(v)), (r) => r.u16());
/** u32. */
export const u32: Codec<number> = codec(prim('u32'), (v, w) => (checkInt(v, 0xffffffff, 'u32'), w.u32(v)), (r) => r.u32());
/** u64 as bigint. */
export const u64: Codec<bigint> = codec(prim('u64'), (v, w) => (checkBig(v, 64, 'u64'), w.uintN(v, 8)), (r) => r.u64());
/** u128 as bigint. */
export const u128: Codec<bigint> = codec(prim('u128'), (v, w) => (checkBig(v, 128, 'u128'), w.uintN(v, 16)), (r) => r.u128());
/** u256 as bigint. */
export const u256: Codec<bigint> = codec(prim('u256'), (v, w) => (checkBig(v, 256, 'u256'), w.uintN(v, 32)), (r) => r.uintN(32));

/** Maximum byte length accepted when decoding a `str` or `Vec<u8>` (bounded; 64 MiB). */
export const MAX_DECODE_BYTES = 64 * 1024 * 1024;

/** str (UTF-8, compact length prefix). */
export const str: Codec<string> = codec(
  prim('str'),
  (v, w) => {
    const b = new TextEncoder().encode(v);
    w.compact(b.length);
    w.bytes(b);
  },
  (r) => {
    const n = r.compactNumber(MAX_DECODE_BYTES);
    const start = r.offset;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(r.take(n));
    } catch {
      throw new ScaleDecodeError('invalid UTF-8 in str', start);
    }
  },
);

/** The unit type `()`. */
export const unit: Codec<null> = codec(
  () => ({ path: [], params: [], def: { kind: 'tuple', items: [] }, docs: [] }),
  () => undefined,
  () => null,
);

const compactInfo = (item: AnyCodec) => (): TypeInfo => ({ path: [], params: [], def: { kind: 'compact', item }, docs: [] });

/** Compact<u32> as number. */
export const compactU32: Codec<number> = codec(
  compactInfo(u32),
  (v, w) => (checkInt(v, 0xffffffff, 'Compact<u32>'), w.compact(v)),
  (r) => r.compactNumber(0xffffffff),
);
/** Compact<u64> as bigint. */
export const compactU64: Codec<bigint> = codec(
  compactInfo(u64),
  (v, w) => (checkBig(v, 64, 'Compact<u64>'), w.compact(v)),
  (r) => {
    const start = r.offset;
    const v = r.compact();
    if (v >> 64n !== 0n) throw new ScaleDecodeError('Compact<u64> overflow', start);
    return v;
  },
);
/** Compact<u128> as bigint. */
export const compactU128: Codec<bigint> = codec(
  compactInfo(u128),
  (v, w) => (checkBig(v, 128, 'Compact<u128>'), w.compact(v)),
  (r) => {
    const start = r.offset;
    const v = r.compact();
    if (v >> 128n !== 0n) throw new ScaleDecodeError('Compact<u128> overflow', start);
    return v;
  },
);
/** Compact<()> (used by MultiAddress::Index in the metadata shape). */
export const compactUnit: Codec<null> = codec(compactInfo(unit), (_v, w) => w.u8(0), (r) => (r.compact(), null));

/** Vec<u8> as Uint8Array. */
export const bytes: Codec<Uint8Array> = codec(
  () => ({ path: [], params: [], def: { kind: 'sequence', item: u8 }, docs: [] }),
  (v, w) => {
    w.compact(v.length);
    w.bytes(v);
  },
  (r) => r.take(r.compactNumber(MAX_DECODE_BYTES)).slice(),
);

const fixedCache = new Map<number, Codec<Uint8Array>>();
/** [u8; n] as Uint8Array of exactly `n` bytes. */
export function fixedBytes(n: number): Codec<Uint8Array> {
  let c = fixedCache.get(n);
  if (!c) {
    c = codec(
      () => ({ path: [], params: [], def: { kind: 'array', len: n, item: u8 }, docs: [] }),
      (v, w) => {
        if (!(v instanceof Uint8Array) || v.length !== n) throw new ScaleEncodeError(`expected ${n} bytes, got ${v?.length}`);
        w.bytes(v);
      },
      (r) => r.take(n).slice(),
    );
    fixedCache.set(n, c);
  }
  return c;
}

/** [T; n]. */
export function array<T>(item: Codec<T>, len: number): Codec<T[]> {
  return codec(
    () => ({ path: [], params: [], def: { kind: 'array', len, item }, docs: [] }),
    (v, w) => {
      if (v.length !== len) throw new ScaleEncodeError(`expected ${len} items, got ${v.length}`);
      for (const x of v) item.encodeTo(x, w);
    },
    (r) => Array.from({ length: len }, () => item.decodeFrom(r)),
  );
}

/** Vec<T>; `max` bounds the length accepted when decoding (a BoundedVec in the metadata sense). */
export function vec<T>(item: Codec<T>, max = 1_000_000): Codec<T[]> {
  return codec(
    () => ({ path: [], params: [], def: { kind: 'sequence', item }, docs: [] }),
    (v, w) => {
      w.compact(v.length);
      for (const x of v) item.encodeTo(x, w);
    },
    (r) => {
      const n = r.compactNumber(max);
      const out: T[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = item.decodeFrom(r);
      return out;
    },
  );
}

/** Tuple (T1, T2, ...). */
export function tuple<T extends unknown[]>(...items: { [K in keyof T]: Codec<T[K]> }): Codec<T> {
  return codec(
    () => ({ path: [], params: [], def: { kind: 'tuple', items: items as AnyCodec[] }, docs: [] }),
    (v, w) => items.forEach((c, i) => c.encodeTo(v[i], w)),
    (r) => items.map((c) => c.decodeFrom(r)) as T,
  );
}

/** Option<T> as `T | undefined` (path `Option`, variants None = 0, Some = 1). */
export function option<T>(item: Codec<T>): Codec<T | undefined> {
  return codec(
    () => ({
      path: ['Option'],
      params: [{ name: 'T', type: item }],
      def: {
        kind: 'variant',
        variants: [
          { name: 'None', index: 0, fields: [], docs: [] },
          { name: 'Some', index: 1, fields: [{ type: item, docs: [] }], docs: [] },
        ],
      },
      docs: [],
    }),
    (v, w) => {
      if (v === undefined) w.u8(0);
      else {
        w.u8(1);
        item.encodeTo(v, w);
      }
    },
    (r) => {
      const d = r.u8();
      if (d === 0) return undefined;
      if (d === 1) return item.decodeFrom(r);
      throw new ScaleDecodeError(`invalid Option discriminant ${d}`, r.offset - 1);
    },
  );
}

/** A Result value. */
export type ResultValue<T, E> = { ok: true; value: T } | { ok: false; error: E };

/** Result<T, E> (path `Result`, Ok = 0, Err = 1). */
export function result<T, E>(ok: Codec<T>, err: Codec<E>): Codec<ResultValue<T, E>> {
  return codec(
    () => ({
      path: ['Result'],
      params: [
        { name: 'T', type: ok },
        { name: 'E', type: err },
      ],
      def: {
        kind: 'variant',
        variants: [
          { name: 'Ok', index: 0, fields: [{ type: ok, docs: [] }], docs: [] },
          { name: 'Err', index: 1, fields: [{ type: err, docs: [] }], docs: [] },
        ],
      },
      docs: [],
    }),
    (v, w) => {
      if (v.ok) {
        w.u8(0);
        ok.encodeTo(v.value, w);
      } else {
        w.u8(1);
        err.encodeTo(v.error, w);
      }
    },
    (r) => {
      const d = r.u8();
      if (d === 0) return { ok: true, value: ok.decodeFrom(r) };
      if (d === 1) return { ok: false, error: err.decodeFrom(r) };
      throw new ScaleDecodeError(`invalid Result discriminant ${d}`, r.offset - 1);
    },
  );
}

/** camelCase → snake_case for metadata names. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()).replace(/^_/, '');
}

/** Options shared by named types. */
export interface NamedTypeOptions {
  docs?: string[];
  params?: { name: string; type?: AnyCodec }[];
}

/** Per-field metadata of a struct. */
export interface FieldOptions {
  /** Rust type name shown by explorers, e.g. `T::Balance`. */
  typeName?: Record<string, string>;
  docs?: Record<string, string[]>;
  /** Override the snake_case metadata name of a field. */
  rename?: Record<string, string>;
}

type Shape = Record<string, AnyCodec>;
/** The object value of a struct shape. */
export type StructValue<S extends Shape> = { [K in keyof S]: ValueOf<S[K]> };

function shapeFields(shape: Shape, opts: FieldOptions = {}): FieldInfo[] {
  return Object.entries(shape).map(([k, c]) => ({
    name: opts.rename?.[k] ?? snakeCase(k),
    type: c,
    typeName: opts.typeName?.[k],
    docs: opts.docs?.[k] ?? [],
  }));
}

function encodeShape(entries: [string, AnyCodec][], v: Record<string, unknown>, w: ScaleWriter): void {
  for (const [k, c] of entries) {
    const x = v[k];
    try {
      c.encodeTo(x, w);
    } catch (e) {
      if (e instanceof ScaleEncodeError) throw new ScaleEncodeError(`field ${k}: ${e.message}`);
      throw e;
    }
  }
}
function decodeShape(entries: [string, AnyCodec][], r: ScaleReader): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, c] of entries) out[k] = c.decodeFrom(r);
  return out;
}

/** A named struct (composite with named fields), e.g. `struct(['frame_system','AccountInfo'], {nonce: u32, ...})`. */
export function struct<S extends Shape>(path: string[], shape: S, opts: NamedTypeOptions & FieldOptions = {}): Codec<StructValue<S>> {
  const entries = Object.entries(shape);
  return codec(
    () => ({ path, params: opts.params ?? [], def: { kind: 'composite', fields: shapeFields(shape, opts) }, docs: opts.docs ?? [] }),
    (v, w) => encodeShape(entries, v as Record<string, unknown>, w),
    (r) => decodeShape(entries, r) as StructValue<S>,
  );
}

/** A named newtype (composite with one unnamed field); the value is the inner value. */
export function newtype<T>(path: string[], inner: Codec<T>, opts: NamedTypeOptions & { typeName?: string } = {}): Codec<T> {
  return codec(
    () => ({
      path,
      params: opts.params ?? [],
      def: { kind: 'composite', fields: [{ type: inner, typeName: opts.typeName, docs: [] }] },
      docs: opts.docs ?? [],
    }),
    (v, w) => inner.encodeTo(v, w),
    (r) => inner.decodeFrom(r),
  );
}

/** Marker for an enum variant with named fields. */
export class NamedFields<S extends Shape> {
  constructor(
    readonly shape: S,
    readonly opts: FieldOptions = {},
  ) {}
}
/** Named fields of an enum variant: `Transfer: fields({ from: AccountId, to: AccountId, amount: u128 })`. */
export function fields<S extends Shape>(shape: S, opts: FieldOptions = {}): NamedFields<S> {
  return new NamedFields(shape, opts);
}

/** What a variant carries: nothing, one unnamed value, or named fields. */
export type VariantSpec = null | AnyCodec | NamedFields<Shape>;
type VariantPayload<S> = S extends NamedFields<infer F> ? StructValue<F> : S extends Codec<infer T> ? T : never;
/** The tagged-union value of an enum. */
export type EnumValue<V extends Record<string, VariantSpec>> = {
  [K in keyof V & string]: V[K] extends null ? { tag: K; value?: undefined } : { tag: K; value: VariantPayload<V[K]> };
}[keyof V & string];

/** Options of an enum. */
export interface EnumOptions<V> extends NamedTypeOptions {
  /** Explicit discriminants; the others follow declaration order (0, 1, 2, ...). */
  indices?: Partial<Record<keyof V & string, number>>;
  /** Docs per variant. */
  variantDocs?: Partial<Record<keyof V & string, string[]>>;
}

/** The variant table of an enum codec, for dispatch. */
export interface EnumCodec<V extends Record<string, VariantSpec>> extends Codec<EnumValue<V>> {
  readonly variants: readonly { name: keyof V & string; index: number; spec: VariantSpec }[];
  indexOf(tag: keyof V & string): number;
}

/** An enum (variant type) with a tagged-union value `{ tag, value }`. */
export function enumeration<V extends Record<string, VariantSpec>>(path: string[], variants: V, opts: EnumOptions<V> = {}): EnumCodec<V> {
  let next = 0;
  const table = Object.entries(variants).map(([name, spec]) => {
    const index = opts.indices?.[name as keyof V & string] ?? next;
    next = index + 1;
    if (!Number.isInteger(index) || index < 0 || index > 255) throw new Error(`variant ${name} index ${index} out of range`);
    return { name: name as keyof V & string, index, spec };
  });
  // The field list of each named-fields variant, computed once rather than on every encode and decode.
  const shapes = new Map<string, [string, AnyCodec][]>();
  for (const v of table) if (v.spec instanceof NamedFields) shapes.set(v.name, Object.entries(v.spec.shape));
  const byIndex = new Map<number, (typeof table)[number]>();
  const byName = new Map<string, (typeof table)[number]>();
  for (const v of table) {
    if (byIndex.has(v.index)) throw new Error(`${path.join('::')}: duplicate variant index ${v.index}`);
    byIndex.set(v.index, v);
    byName.set(v.name, v);
  }
  const base = codec<EnumValue<V>>(
    () => ({
      path,
      params: opts.params ?? [],
      def: {
        kind: 'variant',
        variants: table.map((v) => ({
          name: v.name,
          index: v.index,
          docs: opts.variantDocs?.[v.name] ?? [],
          fields:
            v.spec === null
              ? []
              : v.spec instanceof NamedFields
                ? shapeFields(v.spec.shape, v.spec.opts)
                : [{ type: v.spec, docs: [] }],
        })),
      },
      docs: opts.docs ?? [],
    }),
    (val, w) => {
      const v = byName.get(val.tag);
      if (!v) throw new ScaleEncodeError(`${path.join('::')}: unknown variant ${String(val.tag)}`);
      w.u8(v.index);
      if (v.spec === null) return;
      if (v.spec instanceof NamedFields) encodeShape(shapes.get(v.name)!, val.value as Record<string, unknown>, w);
      else v.spec.encodeTo(val.value, w);
    },
    (r) => {
      const d = r.u8();
      const v = byIndex.get(d);
      if (!v) throw new ScaleDecodeError(`${path.join('::')}: invalid variant index ${d}`, r.offset - 1);
      if (v.spec === null) return { tag: v.name } as EnumValue<V>;
      if (v.spec instanceof NamedFields) return { tag: v.name, value: decodeShape(shapes.get(v.name)!, r) } as EnumValue<V>;
      return { tag: v.name, value: v.spec.decodeFrom(r) } as EnumValue<V>;
    },
  );
  return Object.assign(base, {
    variants: table,
    indexOf(tag: keyof V & string): number {
      const v = byName.get(tag);
      if (!v) throw new Error(`${path.join('::')}: unknown variant ${tag}`);
      return v.index;
    },
  });
}

/** A codec declared lazily (for recursive or forward-referenced types). */
export function lazy<T>(get: () => Codec<T>): Codec<T> {
  return codec(
    () => get().info(),
    (v, w) => get().encodeTo(v, w),
    (r) => get().decodeFrom(r),
  );
}

/** A codec whose metadata description is another type (same encoding, different path/docs). */
export function described<T>(inner: Codec<T>, info: () => TypeInfo): Codec<T> {
  return codec(info, (v, w) => inner.encodeTo(v, w), (r) => inner.decodeFrom(r));
}
