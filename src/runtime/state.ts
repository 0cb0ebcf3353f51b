/**
 * The runtime's storage port and its transactional overlay.
 *
 * The runtime reads state through {@link StateReader} (implemented by `storage/` over LevelDB, or by a trie for a
 * past block) and writes only into an {@link Overlay}: a stack of transactional layers over the block's changes.
 * Nothing reaches the database until the node commits the block's change set. Pure.
 */
import { compareBytes, startsWith } from '../primitives/bytes.js';

/** Read access to a state (sync: the runtime is synchronous and deterministic). */
export interface StateReader {
  get(key: Uint8Array): Uint8Array | undefined;
  /** The smallest key strictly greater than `key`, if any. */
  nextKey(key: Uint8Array): Uint8Array | undefined;
}

/** Read/write access as pallets see it. */
export interface StateAccess extends StateReader {
  set(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

/** A change to one key: a new value, or `null` for deletion. */
export type StateChange = readonly [key: Uint8Array, value: Uint8Array | null];

type Layer = Map<string, Uint8Array | null>;

/** Bytes per `String.fromCharCode` call when building a key string (bounded by the engine's argument limit). */
const CHARS_PER_CALL = 4096;

/** One char per byte (Latin-1): a cheap Map key that sorts exactly like the bytes (code units compare as bytes). */
function latin1(bytes: Uint8Array): string {
  if (bytes.length <= CHARS_PER_CALL) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let out = '';
  for (let i = 0; i < bytes.length; i += CHARS_PER_CALL) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHARS_PER_CALL) as unknown as number[]);
  }
  return out;
}

/** The bytes of a {@link latin1} string. */
function fromLatin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** True when `v` spans its whole buffer (not a view into a larger one). */
function isWhole(v: Uint8Array): boolean {
  return v.byteOffset === 0 && v.byteLength === v.buffer.byteLength;
}

/** Key strings of long-lived key arrays registered with {@link internKey}, by identity. */
const interned = new WeakMap<Uint8Array, string>();

/**
 * Remember the overlay's string form of `key`, so every later overlay access with this very array skips building
 * and hashing a new string. For keys that are never mutated afterwards (storage keys cached by their item).
 */
export function internKey(key: Uint8Array): void {
  interned.set(key, latin1(key));
}

/** The overlay's map key of `key`. */
function keyString(key: Uint8Array): string {
  const s = interned.get(key);
  return s !== undefined ? s : latin1(key);
}

/** Raised when transactional layers are misused (a bug, never user input). */
export class OverlayError extends Error {}

/** Maximum nesting of transactional layers (like Substrate's `TRANSACTIONAL_LIMIT`). */
export const MAX_TRANSACTION_DEPTH = 255;

/** Block-level overlay with nested transactional layers. */
export class Overlay implements StateAccess {
  private readonly base: StateReader;
  /** Changes accepted for the block so far. */
  private readonly committed: Layer = new Map();
  /** Open transactional layers, innermost last. */
  private readonly layers: Layer[] = [];
  /** Sorted overlay keys (key strings), rebuilt lazily for `nextKey`. */
  private sortedKeys: string[] | undefined;

  constructor(base: StateReader) {
    this.base = base;
  }

  /** Depth of open transactional layers (0 ≤ depth ≤ MAX_TRANSACTION_DEPTH). */
  get depth(): number {
    return this.layers.length;
  }

  private lookup(ks: string): Uint8Array | null | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const v = this.layers[i].get(ks);
      if (v !== undefined) return v;
    }
    return this.committed.get(ks);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const v = this.lookup(keyString(key));
    if (v === null) return undefined;
    if (v !== undefined) return v;
    return this.base.get(key);
  }

  private write(key: Uint8Array, value: Uint8Array | null): void {
    const ks = keyString(key);
    const top = this.layers.length > 0 ? this.layers[this.layers.length - 1] : this.committed;
    if (this.sortedKeys && !top.has(ks) && this.lookup(ks) === undefined) this.sortedKeys = undefined;
    top.set(ks, value);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.write(key, value);
  }

  delete(key: Uint8Array): void {
    this.write(key, null);
  }

  private overlayKeys(): string[] {
    if (!this.sortedKeys) {
      const all = new Set<string>(this.committed.keys());
      for (const l of this.layers) for (const k of l.keys()) all.add(k);
      // Key strings (one char per byte) sort exactly like the bytes themselves.
      this.sortedKeys = [...all].sort();
    }
    return this.sortedKeys;
  }

  nextKey(key: Uint8Array): Uint8Array | undefined {
    const keys = this.overlayKeys();
    const ks = keyString(key);
    // First overlay key strictly greater than `key` whose value is live.
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] <= ks) lo = mid + 1;
      else hi = mid;
    }
    let overlayNext: Uint8Array | undefined;
    for (let i = lo; i < keys.length; i++) {
      if (this.lookup(keys[i]) !== null) {
        overlayNext = fromLatin1(keys[i]);
        break;
      }
    }
    // First base key strictly greater than `key` not deleted in the overlay.
    let baseNext = this.base.nextKey(key);
    while (baseNext !== undefined && this.lookup(keyString(baseNext)) === null) baseNext = this.base.nextKey(baseNext);
    if (overlayNext === undefined) return baseNext;
    if (baseNext === undefined) return overlayNext;
    return compareBytes(overlayNext, baseNext) <= 0 ? overlayNext : baseNext;
  }

  /** Every live key starting with `prefix`, in byte order. */
  *keysWithPrefix(prefix: Uint8Array): Generator<Uint8Array> {
    let k: Uint8Array | undefined = this.get(prefix) !== undefined ? prefix : this.nextKey(prefix);
    while (k !== undefined && startsWith(k, prefix)) {
      yield k;
      k = this.nextKey(k);
    }
  }

  /** Delete every key starting with `prefix`; returns how many were removed. */
  clearPrefix(prefix: Uint8Array, limit = Number.MAX_SAFE_INTEGER): number {
    const doomed: Uint8Array[] = [];
    for (const k of this.keysWithPrefix(prefix)) {
      if (doomed.length >= limit) break;
      doomed.push(k);
    }
    for (const k of doomed) this.delete(k);
    return doomed.length;
  }

  /** Open a transactional layer. */
  startTransaction(): void {
    if (this.layers.length >= MAX_TRANSACTION_DEPTH) throw new OverlayError('transactional layer limit reached');
    this.layers.push(new Map());
  }

  /** Merge the innermost layer into the one below it. */
  commitTransaction(): void {
    const top = this.layers.pop();
    if (!top) throw new OverlayError('no transactional layer to commit');
    const below = this.layers.length > 0 ? this.layers[this.layers.length - 1] : this.committed;
    for (const [k, v] of top) below.set(k, v);
  }

  /** Discard the innermost layer. */
  rollbackTransaction(): void {
    if (!this.layers.pop()) throw new OverlayError('no transactional layer to roll back');
    this.sortedKeys = undefined;
  }

  /** Run `fn` in a transactional layer: committed if it returns, rolled back if it throws. */
  transactional<T>(fn: () => T): T {
    this.startTransaction();
    try {
      const r = fn();
      this.commitTransaction();
      return r;
    } catch (e) {
      this.rollbackTransaction();
      throw e;
    }
  }

  /**
   * The block's change set, sorted by key. Only valid with no open layer. Values come out as arrays of their own:
   * a value written as a view into a larger buffer (storage values are carved from shared slabs) is copied, so
   * what outlives the block does not hold the slab.
   */
  changes(): StateChange[] {
    if (this.layers.length > 0) throw new OverlayError('open transactional layers at the end of the block');
    return [...this.committed.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([k, v]) => [fromLatin1(k), v === null || isWhole(v) ? v : v.slice()] as const);
  }
}
