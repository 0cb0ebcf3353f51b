/**
 * Storage item declarations (FRAME's `#[pallet::storage]`): a value, a map or a double map, each with its key
 * layout `twox128(pallet) ‖ twox128(item) ‖ hasher(SCALE key)…`, value codec, default and docs. The same
 * declarations produce the metadata. Pure.
 */
import { concatBytes } from '../primitives/bytes.js';
import { hashKey, storagePrefix, type StorageHasher } from '../primitives/hashing.js';
import type { Codec } from '../primitives/scale/index.js';
import { ScaleWriter } from '../primitives/scale/io.js';
import { internKey, type StateAccess, type StateReader } from './state.js';

/** Whether an absent value reads as `undefined` (Optional) or as the declared default (Default). */
export type StorageModifier = 'Optional' | 'Default';

/** What every storage item exposes to the metadata generator. */
export interface StorageItemInfo {
  pallet: string;
  name: string;
  modifier: StorageModifier;
  kind: { type: 'plain'; value: Codec<unknown> } | { type: 'map'; hashers: StorageHasher[]; keys: Codec<unknown>[]; value: Codec<unknown> };
  /** Encoded default (empty for Optional items, whose default is `None`). */
  fallback: Uint8Array;
  docs: string[];
}

interface ItemOptions<V> {
  docs?: string[];
  /** When given the item is `Default` and reads as this value when absent. */
  default?: V;
}

/** Keys kept per map in each generation of its key cache (the cache holds at most twice this many). */
const KEY_CACHE_GENERATION = 4096;

/**
 * Storage keys already computed, by their map key (two generations: a key used again moves to the young one, the
 * old one is dropped whole when the young one fills). Hashing the map key (blake2 of an account for every
 * `System.Account` access) dominated the executive's time before. Only keys that are plain functions of the
 * map key's value are cached: numbers and byte arrays.
 */
class KeyCache {
  private young = new Map<number | string, Uint8Array>();
  private old = new Map<number | string, Uint8Array>();

  get(k: number | string): Uint8Array | undefined {
    const v = this.young.get(k);
    if (v !== undefined) return v;
    const o = this.old.get(k);
    if (o !== undefined) this.put(k, o);
    return o;
  }

  put(k: number | string, v: Uint8Array): void {
    if (this.young.size >= KEY_CACHE_GENERATION) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(k, v);
  }
}

/** Bytes per `String.fromCharCode` call (bounded by the engine's argument limit). */
const CHARS_PER_CALL = 4096;

/** The cache key of a map key: the number itself, the bytes as one char each, or undefined (not cached). */
function cacheKeyOf(k: unknown): number | string | undefined {
  if (typeof k === 'number') return k;
  if (!(k instanceof Uint8Array)) return undefined;
  if (k.length <= CHARS_PER_CALL) return String.fromCharCode.apply(null, k as unknown as number[]);
  return undefined;
}

/** Largest typed array V8 keeps on the JS heap (bytes): a larger one gets its own off-heap store, ~10× dearer. */
const ON_HEAP_MAX = 64;
/** Values up to this many bytes are carved out of a slab (larger ones are rare and get their own array). */
const SLAB_VALUE_MAX = 1024;
/** Bytes per slab. */
const SLAB_BYTES = 64 * 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
/** Bytes of `slab` handed out, 0 ≤ slabUsed ≤ SLAB_BYTES. */
let slabUsed = 0;
/** The writer of {@link encodeStored} and whether an encode is using it (nested encodes fall back). */
let storedWriter = new ScaleWriter(256);
let storedWriterBusy = false;
/** A writer grown beyond this (a block's events) is replaced, not kept: 64 KiB. */
const STORED_WRITER_MAX_CAPACITY = 64 * 1024;

/**
 * The encoding of a value about to be written to state. Values of 65 to 1,024 bytes (an `AccountInfo` is 80) are
 * views into a shared slab instead of arrays of their own: most are overwritten within the block, and the
 * overlay copies the survivors out (`Overlay.changes`), so a slab lives about as long as the block.
 */
function encodeStored<V>(codec: Codec<V>, v: V): Uint8Array {
  if (storedWriterBusy) return codec.encode(v);
  storedWriterBusy = true;
  try {
    storedWriter.reset();
    codec.encodeTo(v, storedWriter);
    const src = storedWriter.view();
    const n = src.length;
    if (n <= ON_HEAP_MAX || n > SLAB_VALUE_MAX) return src.slice();
    if (slabUsed + n > SLAB_BYTES) {
      slab = new ArrayBuffer(SLAB_BYTES);
      slabUsed = 0;
    }
    const out = new Uint8Array(slab, slabUsed, n);
    out.set(src);
    slabUsed += n;
    return out;
  } finally {
    if (storedWriter.capacity > STORED_WRITER_MAX_CAPACITY) storedWriter = new ScaleWriter(256);
    storedWriterBusy = false;
  }
}

abstract class StorageItem<V, Q> {
  readonly prefix: Uint8Array;
  constructor(
    readonly pallet: string,
    readonly name: string,
    readonly value: Codec<V>,
    protected readonly opts: ItemOptions<V>,
  ) {
    this.prefix = storagePrefix(pallet, name);
    internKey(this.prefix);
  }
  abstract info(): StorageItemInfo;
  /** The encoding of `v` as this item stores it (possibly a view into a shared slab: never mutate it). */
  encodeValue(v: V): Uint8Array {
    return encodeStored(this.value, v);
  }
  /** The default's encoding when it is an object or array: read back fresh, so no caller shares (and mutates) it. */
  private defaultBytes: Uint8Array | undefined;
  protected read(s: StateReader, key: Uint8Array): Q {
    const raw = s.get(key);
    if (raw === undefined) {
      const d = this.opts.default;
      if (d === null || typeof d !== 'object') return d as unknown as Q;
      this.defaultBytes ??= this.value.encode(d);
      return this.value.decode(this.defaultBytes) as unknown as Q;
    }
    return this.value.decode(raw) as unknown as Q;
  }
  protected base(): Omit<StorageItemInfo, 'kind'> {
    return {
      pallet: this.pallet,
      name: this.name,
      modifier: this.opts.default === undefined ? 'Optional' : 'Default',
      fallback: this.opts.default === undefined ? new Uint8Array([0]) : this.value.encode(this.opts.default),
      docs: this.opts.docs ?? [],
    };
  }
}

/** A single value. `Q` is `V` for Default items and `V | undefined` for Optional ones. */
export class StorageValue<V, Q = V | undefined> extends StorageItem<V, Q> {
  get key(): Uint8Array {
    return this.prefix;
  }
  get(s: StateReader): Q {
    return this.read(s, this.prefix);
  }
  set(s: StateAccess, v: V): void {
    s.set(this.prefix, encodeStored(this.value, v));
  }
  kill(s: StateAccess): void {
    s.delete(this.prefix);
  }
  exists(s: StateReader): boolean {
    return s.get(this.prefix) !== undefined;
  }
  /** Read then delete. */
  take(s: StateAccess): Q {
    const v = this.get(s);
    this.kill(s);
    return v;
  }
  info(): StorageItemInfo {
    return { ...this.base(), kind: { type: 'plain', value: this.value } };
  }
}

/** A map `K → V` with one hasher. */
export class StorageMap<K, V, Q = V | undefined> extends StorageItem<V, Q> {
  constructor(
    pallet: string,
    name: string,
    readonly hasher: StorageHasher,
    readonly keyCodec: Codec<K>,
    value: Codec<V>,
    opts: ItemOptions<V>,
  ) {
    super(pallet, name, value, opts);
  }
  private readonly keys = new KeyCache();

  /** The full storage key of `k`. The array may be shared with later calls: never mutate it. */
  keyOf(k: K): Uint8Array {
    const ck = cacheKeyOf(k);
    if (ck === undefined) return concatBytes(this.prefix, hashKey(this.hasher, this.keyCodec.encode(k)));
    let key = this.keys.get(ck);
    if (key === undefined) {
      key = concatBytes(this.prefix, hashKey(this.hasher, this.keyCodec.encode(k)));
      internKey(key);
      this.keys.put(ck, key);
    }
    return key;
  }
  get(s: StateReader, k: K): Q {
    return this.read(s, this.keyOf(k));
  }
  set(s: StateAccess, k: K, v: V): void {
    s.set(this.keyOf(k), encodeStored(this.value, v));
  }
  remove(s: StateAccess, k: K): void {
    s.delete(this.keyOf(k));
  }
  contains(s: StateReader, k: K): boolean {
    return s.get(this.keyOf(k)) !== undefined;
  }
  /** Read, transform and write back (`undefined` from `fn` removes the entry). */
  mutate(s: StateAccess, k: K, fn: (v: Q) => V | undefined): V | undefined {
    const key = this.keyOf(k);
    const next = fn(this.read(s, key));
    if (next === undefined) s.delete(key);
    else s.set(key, encodeStored(this.value, next));
    return next;
  }
  /**
   * Entries in storage-key order (hashed order). Only `*Concat` and `Identity` hashers can give back the key.
   * Bounded by `limit` entries.
   */
  *entries(s: StateReader, limit = Number.MAX_SAFE_INTEGER): Generator<[K, V]> {
    const hashLen = this.hasher === 'Blake2_128Concat' ? 16 : this.hasher === 'Twox64Concat' ? 8 : this.hasher === 'Identity' ? 0 : -1;
    if (hashLen < 0) throw new Error(`${this.pallet}.${this.name}: hasher ${this.hasher} cannot be iterated with keys`);
    let n = 0;
    let k = s.nextKey(this.prefix);
    while (k !== undefined && n < limit && startsWithPrefix(k, this.prefix)) {
      const raw = s.get(k)!;
      yield [this.keyCodec.decode(k.subarray(this.prefix.length + hashLen)), this.value.decode(raw)];
      n++;
      k = s.nextKey(k);
    }
  }
  info(): StorageItemInfo {
    return { ...this.base(), kind: { type: 'map', hashers: [this.hasher], keys: [this.keyCodec], value: this.value } };
  }
}

/** A double map `(K1, K2) → V`. */
export class StorageDoubleMap<K1, K2, V, Q = V | undefined> extends StorageItem<V, Q> {
  constructor(
    pallet: string,
    name: string,
    readonly hashers: [StorageHasher, StorageHasher],
    readonly keyCodecs: [Codec<K1>, Codec<K2>],
    value: Codec<V>,
    opts: ItemOptions<V>,
  ) {
    super(pallet, name, value, opts);
  }
  private readonly prefixes = new KeyCache();
  private readonly keys = new KeyCache();

  /** Key prefix of every entry with first key `k1`. The array may be shared with later calls: never mutate it. */
  prefixOf(k1: K1): Uint8Array {
    const ck = cacheKeyOf(k1);
    if (ck === undefined) return this.computePrefix(k1);
    let p = this.prefixes.get(ck);
    if (p === undefined) {
      p = this.computePrefix(k1);
      this.prefixes.put(ck, p);
    }
    return p;
  }
  /** The full storage key of `(k1, k2)`. The array may be shared with later calls: never mutate it. */
  keyOf(k1: K1, k2: K2): Uint8Array {
    const ck1 = cacheKeyOf(k1);
    const ck2 = ck1 === undefined ? undefined : cacheKeyOf(k2);
    if (ck1 === undefined || ck2 === undefined) return this.computeKey(k1, k2);
    // Type-tagged parts joined by a char no Latin-1 part holds: distinct key pairs never share a cache key.
    const ck = `${typeof ck1 === 'number' ? 'n' : 'b'}${ck1}\u0100${typeof ck2 === 'number' ? 'n' : 'b'}${ck2}`;
    let key = this.keys.get(ck);
    if (key === undefined) {
      key = this.computeKey(k1, k2);
      internKey(key);
      this.keys.put(ck, key);
    }
    return key;
  }
  private computePrefix(k1: K1): Uint8Array {
    return concatBytes(this.prefix, hashKey(this.hashers[0], this.keyCodecs[0].encode(k1)));
  }
  private computeKey(k1: K1, k2: K2): Uint8Array {
    return concatBytes(this.prefixOf(k1), hashKey(this.hashers[1], this.keyCodecs[1].encode(k2)));
  }
  get(s: StateReader, k1: K1, k2: K2): Q {
    return this.read(s, this.keyOf(k1, k2));
  }
  set(s: StateAccess, k1: K1, k2: K2, v: V): void {
    s.set(this.keyOf(k1, k2), encodeStored(this.value, v));
  }
  remove(s: StateAccess, k1: K1, k2: K2): void {
    s.delete(this.keyOf(k1, k2));
  }
  contains(s: StateReader, k1: K1, k2: K2): boolean {
    return s.get(this.keyOf(k1, k2)) !== undefined;
  }
  info(): StorageItemInfo {
    return { ...this.base(), kind: { type: 'map', hashers: [...this.hashers], keys: [...this.keyCodecs], value: this.value } };
  }
}

function startsWithPrefix(k: Uint8Array, p: Uint8Array): boolean {
  if (k.length < p.length) return false;
  for (let i = 0; i < p.length; i++) if (k[i] !== p[i]) return false;
  return true;
}

/** Declares the storage items of one pallet. */
export class StorageBuilder {
  readonly items: StorageItem<unknown, unknown>[] = [];
  constructor(readonly pallet: string) {}

  value<V>(name: string, codec: Codec<V>, opts: { docs?: string[]; default: V }): StorageValue<V, V>;
  value<V>(name: string, codec: Codec<V>, opts?: { docs?: string[] }): StorageValue<V, V | undefined>;
  value<V>(name: string, codec: Codec<V>, opts: ItemOptions<V> = {}): StorageValue<V, unknown> {
    const item = new StorageValue<V, unknown>(this.pallet, name, codec, opts);
    this.items.push(item as StorageItem<unknown, unknown>);
    return item;
  }

  map<K, V>(name: string, hasher: StorageHasher, key: Codec<K>, codec: Codec<V>, opts: { docs?: string[]; default: V }): StorageMap<K, V, V>;
  map<K, V>(name: string, hasher: StorageHasher, key: Codec<K>, codec: Codec<V>, opts?: { docs?: string[] }): StorageMap<K, V, V | undefined>;
  map<K, V>(name: string, hasher: StorageHasher, key: Codec<K>, codec: Codec<V>, opts: ItemOptions<V> = {}): StorageMap<K, V, unknown> {
    const item = new StorageMap<K, V, unknown>(this.pallet, name, hasher, key, codec, opts);
    this.items.push(item as StorageItem<unknown, unknown>);
    return item;
  }

  doubleMap<K1, K2, V>(name: string, hashers: [StorageHasher, StorageHasher], keys: [Codec<K1>, Codec<K2>], codec: Codec<V>, opts: { docs?: string[]; default: V }): StorageDoubleMap<K1, K2, V, V>;
  doubleMap<K1, K2, V>(name: string, hashers: [StorageHasher, StorageHasher], keys: [Codec<K1>, Codec<K2>], codec: Codec<V>, opts?: { docs?: string[] }): StorageDoubleMap<K1, K2, V, V | undefined>;
  doubleMap<K1, K2, V>(name: string, hashers: [StorageHasher, StorageHasher], keys: [Codec<K1>, Codec<K2>], codec: Codec<V>, opts: ItemOptions<V> = {}): StorageDoubleMap<K1, K2, V, unknown> {
    const item = new StorageDoubleMap<K1, K2, V, unknown>(this.pallet, name, hashers, keys, codec, opts);
    this.items.push(item as StorageItem<unknown, unknown>);
    return item;
  }

  /** Metadata of every declared item, in declaration order. */
  infos(): StorageItemInfo[] {
    return this.items.map((i) => i.info());
  }
}

/** Substrate's well-known key of the runtime code (`:code`). */
export const CODE_KEY = new Uint8Array([0x3a, 0x63, 0x6f, 0x64, 0x65]);
