/**
 * Closed-form trie roots (paritytech `trie-root`, `trie_root_no_extension`): the root of a whole key/value set
 * computed in one pass over the sorted entries, without building nodes.
 *
 * This is deliberately a second, simpler implementation of the encoding, independent of the incremental
 * {@link Trie} (it shares no code with `node.ts`), so that tests comparing the two catch errors in either.
 */
import { compareBytes, concatBytes, fromHex } from '../primitives/bytes.js';
import { blake2_256 } from '../primitives/hashing.js';
import { type StateVersion, TRIE_VALUE_NODE_THRESHOLD } from './types.js';

/** Root of the empty trie: blake2_256(0x00). */
export const EMPTY_TRIE_ROOT: Uint8Array = fromHex('0x03170a2e7597b7b7e3d84c05391d139a62b157e78786d8c082f29dcf4c111314');

/** SCALE compact encoding of a non-negative safe integer (0 ≤ n ≤ 2^53 − 1). */
export function encodeCompact(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`cannot compact-encode ${n}`);
  if (n < 2 ** 6) return Uint8Array.of(n << 2);
  if (n < 2 ** 14) return Uint8Array.of(((n << 2) | 1) & 0xff, n >> 6);
  if (n < 2 ** 30) {
    const v = n * 4 + 2;
    return Uint8Array.of(v % 256, (v >>> 8) % 256, (v >>> 16) % 256, v >>> 24);
  }
  const bytes: number[] = [];
  let rest = n;
  while (rest > 0) {
    bytes.push(rest % 256);
    rest = (rest - (rest % 256)) / 256;
  }
  return Uint8Array.of(((bytes.length - 4) << 2) | 3, ...bytes);
}

/** Nibble `i` of `key` (0 ≤ i < 2·key.length). */
function nib(key: Uint8Array, i: number): number {
  return i % 2 === 0 ? key[i >> 1] >> 4 : key[i >> 1] & 15;
}

/** Header bytes: `prefix` holds the variant bits, `bits` (4..6) the width of the length field. */
function header(prefix: number, bits: number, len: number): number[] {
  const max = 2 ** bits - 1;
  if (len < max) return [prefix | len];
  const out = [prefix | max];
  let rest = len - max;
  while (rest >= 255) {
    out.push(255);
    rest -= 255;
  }
  out.push(rest);
  return out;
}

/** Nibbles `[from, to)` of `key`, packed two per byte with an odd count's first nibble alone in the low half. */
function packNibbles(key: Uint8Array, from: number, to: number): number[] {
  const out: number[] = [];
  let i = from;
  if ((to - from) % 2 === 1) out.push(nib(key, i++));
  for (; i < to; i += 2) out.push((nib(key, i) << 4) | nib(key, i + 1));
  return out;
}

/** Sorted entries, each key once (the last value given for it). */
export function sortedUnique(entries: Iterable<readonly [Uint8Array, Uint8Array]>): Array<readonly [Uint8Array, Uint8Array]> {
  const all = Array.from(entries);
  // Array.prototype.sort is stable, so equal keys keep their input order and the last one is the one kept.
  all.sort((a, b) => compareBytes(a[0], b[0]));
  const out: Array<readonly [Uint8Array, Uint8Array]> = [];
  for (let i = 0; i < all.length; i++) {
    if (i + 1 < all.length && compareBytes(all[i][0], all[i + 1][0]) === 0) continue;
    out.push(all[i]);
  }
  return out;
}

/** Value part of a node: `[hashed, bytes]`. */
function valuePart(value: Uint8Array, version: StateVersion): [boolean, Uint8Array] {
  if (version === 1 && value.length >= TRIE_VALUE_NODE_THRESHOLD) return [true, blake2_256(value)];
  return [false, concatBytes(encodeCompact(value.length), value)];
}

/** Encoding of the node holding the entries `[lo, hi)` (hi > lo), all sharing their first `depth` nibbles. */
function encodeRange(sorted: ReadonlyArray<readonly [Uint8Array, Uint8Array]>, depth: number, lo: number, hi: number, version: StateVersion): Uint8Array {
  const first = sorted[lo][0];
  if (hi - lo === 1) {
    const end = first.length * 2;
    const [hashed, value] = valuePart(sorted[lo][1], version);
    const h = hashed ? header(0x20, 5, end - depth) : header(0x40, 6, end - depth);
    return concatBytes(Uint8Array.from(h), Uint8Array.from(packNibbles(first, depth, end)), value);
  }
  // Sorted: the common prefix of the first and last key is common to all of them.
  const last = sorted[hi - 1][0];
  const limit = Math.min(first.length, last.length) * 2;
  let split = depth;
  while (split < limit && nib(first, split) === nib(last, split)) split++;
  let start = lo;
  let value: [boolean, Uint8Array] | undefined;
  if (first.length * 2 === split) {
    value = valuePart(sorted[lo][1], version);
    start++;
  }
  const parts: Uint8Array[] = [];
  let bitmap = 0;
  let i = start;
  while (i < hi) {
    const slot = nib(sorted[i][0], split);
    let j = i + 1;
    while (j < hi && nib(sorted[j][0], split) === slot) j++;
    bitmap |= 1 << slot;
    const child = encodeRange(sorted, split + 1, i, j, version);
    const ref = child.length < 32 ? child : blake2_256(child);
    parts.push(encodeCompact(ref.length), ref);
    i = j;
  }
  const len = split - depth;
  const h = value === undefined ? header(0x80, 6, len) : value[0] ? header(0x10, 4, len) : header(0xc0, 6, len);
  return concatBytes(
    Uint8Array.from(h),
    Uint8Array.from(packNibbles(first, depth, split)),
    Uint8Array.of(bitmap & 0xff, bitmap >> 8),
    ...(value === undefined ? [] : [value[1]]),
    ...parts,
  );
}

/**
 * Root of the trie holding `entries` (duplicates: the last wins) in layout `version`, computed in closed form.
 */
export function trieRoot(entries: Iterable<readonly [Uint8Array, Uint8Array]>, version: StateVersion): Uint8Array {
  const sorted = sortedUnique(entries);
  if (sorted.length === 0) return EMPTY_TRIE_ROOT.slice();
  return blake2_256(encodeRange(sorted, 0, 0, sorted.length, version));
}

/** Root of the ordered trie of `values` (key i = SCALE compact(i)), as for a block's extrinsics root. */
export function orderedTrieRoot(values: readonly Uint8Array[], version: StateVersion): Uint8Array {
  return trieRoot(
    values.map((v, i) => [encodeCompact(i), v] as const),
    version,
  );
}
