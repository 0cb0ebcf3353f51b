/**
 * The in-memory trie node and its binary codec (Substrate's `NodeCodec` for the no-extension layouts V0/V1).
 *
 * A node's partial key is a run of nibbles held as a *view* into some byte array (`pk`, from nibble `pkOff`, `pkLen`
 * nibbles long) so that creating a leaf from an inserted key, or splitting a partial key, allocates nothing: a leaf
 * built from key `k` at depth `d` is simply `(k, d, 2·|k| − d)`, and a decoded node points into its own encoding.
 *
 * Nodes are immutable once committed (Merkle value computed); only the lazily computed Merkle value (`state`,
 * `mvInline`, `h0`…`h15`) and `valueHash` are ever written after construction, and those are deterministic
 * functions of the node's content.
 */
import { TrieCodecError } from './types.js';

/**
 * A child slot's content: the node itself, or the 32-byte hash of a node that is still in the store — either as
 * an array, or (for nodes decoded from the store) as the offset of those 32 bytes in the holder's `src`, so that
 * decoding a branch does not allocate 16 views that are rarely followed.
 */
export type ChildRef = Node | Uint8Array | number;

/** Longest partial key the header can describe (`trie_constants::NIBBLE_SIZE_BOUND`). */
export const MAX_PARTIAL_NIBBLES = 65_535;

/** Header variant bits (first byte, high bits). */
const LEAF = 0x40;
const BRANCH_NO_VALUE = 0x80;
const BRANCH_WITH_VALUE = 0xc0;
const LEAF_HASHED = 0x20;
const BRANCH_HASHED = 0x10;

/** One trie node: leaf when `children` is undefined, branch otherwise. */
export class Node {
  /** Bytes holding the partial key's nibbles (high nibble first). */
  pk: Uint8Array;
  /** First nibble of the partial key inside `pk` (0 ≤ pkOff ≤ 2·pk.length). */
  pkOff: number;
  /** Length of the partial key in nibbles (0 ≤ pkLen ≤ MAX_PARTIAL_NIBBLES). */
  pkLen: number;
  /** The value's bytes, when held in memory (always for inline values; hashed values decoded from the store have only `valueHash`). */
  value: Uint8Array | undefined;
  /** blake2_256 of a hashed value; undefined for a new hashed value until the node is committed. */
  valueHash: Uint8Array | undefined;
  /** True when the value is stored out of line (V1 "hashed value" header variants). */
  hashed: boolean;
  /** 16 child slots (branch) or undefined (leaf). */
  children: (ChildRef | undefined)[] | undefined;
  /** The bytes that numeric child slots point into (shared by every node built on the same children array). */
  src: Uint8Array | undefined;
  /** 0 before commit; 1 when the Merkle value is the encoding itself (< 32 bytes, in `mvInline`); 2 when it is the
   * blake2_256 of the encoding, held in `h0`…`h15`. */
  state: 0 | 1 | 2;
  /** The encoding, when it is the Merkle value (state 1). */
  mvInline: Uint8Array | undefined;
  // The hash (state 2) as 16 big-endian 16-bit words (small integers, stored in the object itself). A separate
  // 32-byte Uint8Array costs 232 heap bytes and two more pointer hops on every parent encoding.
  h0 = 0; h1 = 0; h2 = 0; h3 = 0; h4 = 0; h5 = 0; h6 = 0; h7 = 0;
  h8 = 0; h9 = 0; h10 = 0; h11 = 0; h12 = 0; h13 = 0; h14 = 0; h15 = 0;

  constructor(
    pk: Uint8Array,
    pkOff: number,
    pkLen: number,
    value: Uint8Array | undefined,
    valueHash: Uint8Array | undefined,
    hashed: boolean,
    children: (ChildRef | undefined)[] | undefined,
    src: Uint8Array | undefined,
  ) {
    this.pk = pk;
    this.pkOff = pkOff;
    this.pkLen = pkLen;
    this.value = value;
    this.valueHash = valueHash;
    this.hashed = hashed;
    this.children = children;
    this.src = src;
    this.state = 0;
    this.mvInline = undefined;
  }

  /** Set the Merkle value: an encoding under 32 bytes, or a 32-byte hash. */
  setMv(mv: Uint8Array): void {
    if (mv.length < 32) {
      this.mvInline = mv;
      this.state = 1;
    } else {
      this.setHash(mv, 0);
    }
  }

  /** Set the Merkle value to the 32-byte hash at `bytes[o]`. */
  setHash(b: Uint8Array, o: number): void {
    this.h0 = (b[o] << 8) | b[o + 1];
    this.h1 = (b[o + 2] << 8) | b[o + 3];
    this.h2 = (b[o + 4] << 8) | b[o + 5];
    this.h3 = (b[o + 6] << 8) | b[o + 7];
    this.h4 = (b[o + 8] << 8) | b[o + 9];
    this.h5 = (b[o + 10] << 8) | b[o + 11];
    this.h6 = (b[o + 12] << 8) | b[o + 13];
    this.h7 = (b[o + 14] << 8) | b[o + 15];
    this.h8 = (b[o + 16] << 8) | b[o + 17];
    this.h9 = (b[o + 18] << 8) | b[o + 19];
    this.h10 = (b[o + 20] << 8) | b[o + 21];
    this.h11 = (b[o + 22] << 8) | b[o + 23];
    this.h12 = (b[o + 24] << 8) | b[o + 25];
    this.h13 = (b[o + 26] << 8) | b[o + 27];
    this.h14 = (b[o + 28] << 8) | b[o + 29];
    this.h15 = (b[o + 30] << 8) | b[o + 31];
    this.mvInline = undefined;
    this.state = 2;
  }

  /** Write the 32-byte hash (state 2) at `out[o]`. */
  writeHash(out: Uint8Array, o: number): void {
    out[o] = this.h0 >> 8;
    out[o + 1] = this.h0 & 0xff;
    out[o + 2] = this.h1 >> 8;
    out[o + 3] = this.h1 & 0xff;
    out[o + 4] = this.h2 >> 8;
    out[o + 5] = this.h2 & 0xff;
    out[o + 6] = this.h3 >> 8;
    out[o + 7] = this.h3 & 0xff;
    out[o + 8] = this.h4 >> 8;
    out[o + 9] = this.h4 & 0xff;
    out[o + 10] = this.h5 >> 8;
    out[o + 11] = this.h5 & 0xff;
    out[o + 12] = this.h6 >> 8;
    out[o + 13] = this.h6 & 0xff;
    out[o + 14] = this.h7 >> 8;
    out[o + 15] = this.h7 & 0xff;
    out[o + 16] = this.h8 >> 8;
    out[o + 17] = this.h8 & 0xff;
    out[o + 18] = this.h9 >> 8;
    out[o + 19] = this.h9 & 0xff;
    out[o + 20] = this.h10 >> 8;
    out[o + 21] = this.h10 & 0xff;
    out[o + 22] = this.h11 >> 8;
    out[o + 23] = this.h11 & 0xff;
    out[o + 24] = this.h12 >> 8;
    out[o + 25] = this.h12 & 0xff;
    out[o + 26] = this.h13 >> 8;
    out[o + 27] = this.h13 & 0xff;
    out[o + 28] = this.h14 >> 8;
    out[o + 29] = this.h14 & 0xff;
    out[o + 30] = this.h15 >> 8;
    out[o + 31] = this.h15 & 0xff;
  }

  /** The Merkle value as bytes (a new array for a hash); the node must be committed. */
  mv(): Uint8Array {
    if (this.state === 1) return this.mvInline!;
    if (this.state !== 2) throw new Error('trie invariant broken: Merkle value of an uncommitted node');
    const out = new Uint8Array(32);
    this.writeHash(out, 0);
    return out;
  }

  /** True when a key ends at this node. */
  hasValue(): boolean {
    return this.value !== undefined || this.valueHash !== undefined;
  }

  /** Nibble `j` (0 ≤ j < pkLen) of the partial key. */
  nibble(j: number): number {
    const i = this.pkOff + j;
    const b = this.pk[i >> 1];
    return i & 1 ? b & 15 : b >> 4;
  }
}

/** Nibble `i` (0 ≤ i < 2·key.length) of `key`, high nibble first. */
export function nibbleAt(key: Uint8Array, i: number): number {
  const b = key[i >> 1];
  return i & 1 ? b & 15 : b >> 4;
}

/** A fresh array of 16 empty child slots. */
export function emptyChildren(): (ChildRef | undefined)[] {
  return [
    undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined,
    undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined,
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// SCALE compact (only the sizes a node can hold: < 2^30)
// ---------------------------------------------------------------------------------------------------------------

/** Bytes taken by the SCALE compact encoding of `n` (0 ≤ n < 2^32). */
export function compactLength(n: number): number {
  return n < 64 ? 1 : n < 16384 ? 2 : n < 1073741824 ? 4 : 5;
}

/** Write the SCALE compact encoding of `n` (0 ≤ n < 2^32) at `out[o]`; returns the offset after it. */
export function writeCompact(out: Uint8Array, o: number, n: number): number {
  if (n < 64) {
    out[o] = n << 2;
    return o + 1;
  }
  if (n < 16384) {
    const v = (n << 2) | 1;
    out[o] = v & 0xff;
    out[o + 1] = v >> 8;
    return o + 2;
  }
  if (n < 1073741824) {
    const v = ((n << 2) | 2) >>> 0;
    out[o] = v & 0xff;
    out[o + 1] = (v >>> 8) & 0xff;
    out[o + 2] = (v >>> 16) & 0xff;
    out[o + 3] = v >>> 24;
    return o + 4;
  }
  // Big-integer mode with 4 payload bytes: ((4 - 4) << 2) | 3.
  out[o] = 3;
  out[o + 1] = n & 0xff;
  out[o + 2] = (n >>> 8) & 0xff;
  out[o + 3] = (n >>> 16) & 0xff;
  out[o + 4] = (n >>> 24) & 0xff;
  return o + 5;
}

/** Reader position shared by the decoding helpers (0 ≤ pos ≤ end ≤ bytes.length). */
interface Cursor {
  pos: number;
  readonly end: number;
}

/** Read a canonical SCALE compact length (< 2^30); rejects non-minimal encodings like parity-scale-codec. */
function readCompact(bytes: Uint8Array, c: Cursor): number {
  if (c.pos >= c.end) throw new TrieCodecError('truncated compact length');
  const b0 = bytes[c.pos];
  switch (b0 & 3) {
    case 0:
      c.pos += 1;
      return b0 >> 2;
    case 1: {
      if (c.pos + 2 > c.end) throw new TrieCodecError('truncated compact length');
      const n = (b0 | (bytes[c.pos + 1] << 8)) >> 2;
      if (n < 64) throw new TrieCodecError('non-canonical compact length');
      c.pos += 2;
      return n;
    }
    case 2: {
      if (c.pos + 4 > c.end) throw new TrieCodecError('truncated compact length');
      const n = (b0 | (bytes[c.pos + 1] << 8) | (bytes[c.pos + 2] << 16) | (bytes[c.pos + 3] << 24)) >>> 2;
      if (n < 16384) throw new TrieCodecError('non-canonical compact length');
      c.pos += 4;
      return n;
    }
    default:
      // ≥ 2^30 bytes: no node can hold that much.
      throw new TrieCodecError('compact length too large for a trie node');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------------------------

/** Header variant bits (first byte) for `node`; the width of its length field follows from them (see {@link lengthBits}). */
function variantOf(node: Node): number {
  const hasValue = node.hasValue();
  if (node.children === undefined) {
    if (!hasValue) throw new Error('trie invariant broken: leaf without value');
    return node.hashed ? LEAF_HASHED : LEAF;
  }
  if (!hasValue) return BRANCH_NO_VALUE;
  return node.hashed ? BRANCH_HASHED : BRANCH_WITH_VALUE;
}

/** Width (4..6) of the partial-key length field in the first header byte of `variant`. */
function lengthBits(variant: number): number {
  return variant >= 0x40 ? 6 : variant === LEAF_HASHED ? 5 : 4;
}

/** Size in bytes of the header describing a partial key of `len` nibbles with `bits` length bits (bits ∈ 4..6). */
function headerLength(len: number, bits: number): number {
  const max = (1 << bits) - 1;
  if (len < max) return 1;
  const rest = len - max;
  return 2 + (rest - (rest % 255)) / 255;
}

/** Write the header at `out[0]`; returns the offset after it. */
function writeHeader(out: Uint8Array, variant: number, bits: number, len: number): number {
  const max = (1 << bits) - 1;
  if (len < max) {
    out[0] = variant | len;
    return 1;
  }
  out[0] = variant | max;
  let o = 1;
  let rest = len - max;
  while (rest >= 255) {
    out[o++] = 255;
    rest -= 255;
  }
  out[o++] = rest;
  return o;
}

/** Write `len` nibbles of `pk` starting at nibble `off`, packed (odd count: first nibble alone in a low half). */
export function writePartial(out: Uint8Array, o: number, pk: Uint8Array, off: number, len: number): number {
  if (len & 1) {
    out[o++] = nibbleAt(pk, off);
    off++;
    len--;
  }
  const nBytes = len >> 1;
  let b = off >> 1;
  if ((off & 1) === 0) {
    // Byte-aligned: a plain copy (a loop: partial keys are short, and a subarray would allocate).
    for (let i = 0; i < nBytes; i++) out[o + i] = pk[b + i];
  } else {
    for (let i = 0; i < nBytes; i++, b++) out[o + i] = ((pk[b] & 15) << 4) | (pk[b + 1] >> 4);
  }
  return o + nBytes;
}

/** Length of the Merkle value a child slot stands for (≤ 32). */
function childMvLength(c: ChildRef): number {
  if (c instanceof Node) {
    if (c.state === 0) throw new Error('trie invariant broken: encoding a node with an uncommitted child');
    return c.state === 2 ? 32 : c.mvInline!.length;
  }
  return typeof c === 'number' ? 32 : c.length;
}

/** The 32-byte hash a numeric slot of `holder` refers to, as a new array (not a view that would pin `src`). */
export function slotHash(holder: Node, offset: number): Uint8Array {
  return holder.src!.slice(offset, offset + 32);
}

/**
 * Allocates output arrays for encodings. Encodings over 64 bytes each get an off-heap ArrayBuffer when allocated
 * alone, which costs a malloc and external-memory accounting that makes V8 collect garbage far more often; a slab
 * hands out views into a few shared buffers instead. Views keep their whole buffer alive, and the nodes an update
 * writes outlive it in the node caches (the database's LRU of encoded nodes, the trie's cache of decoded ones), so
 * the buffers start small and grow with the update: the first is {@link SLAB_FIRST_BYTES}, each next one twice the
 * last, up to {@link SLAB_BYTES}. An update's buffers therefore hold at most about three times the bytes it encoded,
 * plus the first buffer: a block that changes a few dozen nodes keeps 4 KiB alive, not 256 KiB. (With one 256 KiB
 * buffer per update, a few cached nodes of each block pinned a quarter MiB per block: 27 MiB in 121 slabs in a heap
 * snapshot of the dev node after half a minute, issue 9.)
 */
export class Slab {
  private buf: Uint8Array | undefined;
  private pos = 0; // next free byte of buf, 0 ≤ pos ≤ buf.length
  private nextBytes = SLAB_FIRST_BYTES; // size of the next buffer, SLAB_FIRST_BYTES ≤ n ≤ SLAB_BYTES

  /** A zeroed view of `n` bytes (n ≥ 0). */
  alloc(n: number): Uint8Array {
    if (n > SLAB_BYTES >> 3) return new Uint8Array(n);
    if (this.buf === undefined || this.pos + n > this.buf.length) {
      let size = this.nextBytes;
      while (size < n) size *= 2; // n ≤ SLAB_BYTES / 8, so size ≤ SLAB_BYTES
      this.buf = new Uint8Array(size);
      this.pos = 0;
      this.nextBytes = Math.min(SLAB_BYTES, size * 2);
    }
    const view = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }
}

/** Size of a slab's first buffer (bytes). */
export const SLAB_FIRST_BYTES = 1 << 12;
/** Largest slab buffer (bytes). */
export const SLAB_BYTES = 1 << 18;

/**
 * Encode `node` (children must be committed and a hashed value must have its `valueHash`) into an array of exactly
 * the encoding's size, from `slab` when given.
 */
export function encodeNodeInternal(node: Node, slab?: Slab): Uint8Array {
  const variant = variantOf(node);
  const bits = lengthBits(variant);
  const len = node.pkLen;
  if (len > MAX_PARTIAL_NIBBLES) throw new TrieCodecError(`partial key of ${len} nibbles exceeds ${MAX_PARTIAL_NIBBLES}`);
  let size = headerLength(len, bits) + ((len + 1) >> 1);
  const children = node.children;
  if (children !== undefined) size += 2;
  const value = node.value;
  if (node.hashed) {
    if (node.valueHash === undefined) throw new Error('trie invariant broken: hashed value without its hash');
    size += 32;
  } else if (value !== undefined) {
    size += compactLength(value.length) + value.length;
  }
  let bitmap = 0;
  if (children !== undefined) {
    for (let i = 0; i < 16; i++) {
      const c = children[i];
      if (c === undefined) continue;
      bitmap |= 1 << i;
      const mvLen = childMvLength(c);
      size += compactLength(mvLen) + mvLen;
    }
    if (bitmap === 0) throw new Error('trie invariant broken: branch without children');
  }
  const out = slab === undefined ? new Uint8Array(size) : slab.alloc(size);
  let o = writeHeader(out, variant, bits, len);
  o = writePartial(out, o, node.pk, node.pkOff, len);
  if (children !== undefined) {
    out[o] = bitmap & 0xff;
    out[o + 1] = bitmap >> 8;
    o += 2;
  }
  if (node.hashed) {
    out.set(node.valueHash!, o);
    o += 32;
  } else if (value !== undefined) {
    o = writeCompact(out, o, value.length);
    out.set(value, o);
    o += value.length;
  }
  if (children !== undefined) {
    for (let i = 0; i < 16; i++) {
      const c = children[i];
      if (c === undefined) continue;
      if (typeof c === 'number') {
        // compact(32) = 0x80, then the hash copied from the holder's source bytes.
        out[o++] = 0x80;
        const src = node.src!;
        for (let k = 0; k < 32; k++) out[o + k] = src[c + k];
        o += 32;
        continue;
      }
      if (c instanceof Node && c.state === 2) {
        out[o++] = 0x80;
        c.writeHash(out, o);
        o += 32;
        continue;
      }
      // An inline child (< 32 bytes) or a 32-byte hash array: one compact byte, then the bytes.
      const mv = c instanceof Node ? c.mvInline! : c;
      out[o++] = mv.length << 2;
      out.set(mv, o);
      o += mv.length;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------------------------

/**
 * Decode the node encoded in `bytes[start..end)`, strictly: rejects the reserved and invalid headers, a non-zero
 * padding nibble, a zero bitmap, non-canonical compact lengths, child references longer than 32 bytes, invalid
 * inline children and trailing bytes. Returns `null` for the empty-trie node `00` (only when `allowEmpty`).
 * Inline children get their `mv` (their encoding); the caller sets the returned node's own `mv`.
 * The node keeps views into `bytes` (no copy).
 */
export function decodeNodeInternal(bytes: Uint8Array, start: number, end: number, allowEmpty: boolean): Node | null {
  if (start >= end) throw new TrieCodecError('empty node encoding');
  const b0 = bytes[start];
  let bits: number;
  let isLeaf: boolean;
  let valueKind: 0 | 1 | 2; // 0 none, 1 inline, 2 hashed
  if (b0 >= 0x40) {
    bits = 6;
    const top = b0 >> 6;
    isLeaf = top === 1;
    valueKind = top === 2 ? 0 : 1;
  } else if (b0 >= 0x20) {
    bits = 5;
    isLeaf = true;
    valueKind = 2;
  } else if (b0 >= 0x10) {
    bits = 4;
    isLeaf = false;
    valueKind = 2;
  } else if (b0 === 0) {
    if (!allowEmpty || end - start !== 1) throw new TrieCodecError('empty-node header inside a node');
    return null;
  } else {
    throw new TrieCodecError(`invalid node header 0x${b0.toString(16).padStart(2, '0')}`);
  }
  const c: Cursor = { pos: start + 1, end };
  const max = (1 << bits) - 1;
  let len = b0 & max;
  if (len === max) {
    for (;;) {
      if (c.pos >= end) throw new TrieCodecError('truncated header');
      const x = bytes[c.pos++];
      len += x;
      if (len > MAX_PARTIAL_NIBBLES) throw new TrieCodecError('partial key too long');
      if (x < 255) break;
    }
  }
  const pBytes = (len + 1) >> 1;
  if (c.pos + pBytes > end) throw new TrieCodecError('truncated partial key');
  if (len & 1 && bytes[c.pos] >> 4 !== 0) throw new TrieCodecError('non-zero padding nibble in partial key');
  const pkOff = 2 * c.pos + (len & 1);
  c.pos += pBytes;
  let bitmap = 0;
  if (!isLeaf) {
    if (c.pos + 2 > end) throw new TrieCodecError('truncated bitmap');
    bitmap = bytes[c.pos] | (bytes[c.pos + 1] << 8);
    if (bitmap === 0) throw new TrieCodecError('branch with a zero bitmap');
    c.pos += 2;
  }
  let value: Uint8Array | undefined;
  let valueHash: Uint8Array | undefined;
  if (valueKind === 1) {
    const n = readCompact(bytes, c);
    if (c.pos + n > end) throw new TrieCodecError('truncated value');
    value = bytes.subarray(c.pos, c.pos + n);
    c.pos += n;
  } else if (valueKind === 2) {
    if (c.pos + 32 > end) throw new TrieCodecError('truncated value hash');
    valueHash = bytes.subarray(c.pos, c.pos + 32);
    c.pos += 32;
  }
  let children: (ChildRef | undefined)[] | undefined;
  if (!isLeaf) {
    children = emptyChildren();
    for (let i = 0; i < 16; i++) {
      if ((bitmap & (1 << i)) === 0) continue;
      const n = readCompact(bytes, c);
      if (c.pos + n > end) throw new TrieCodecError('truncated child reference');
      if (n === 32) {
        children[i] = c.pos;
      } else if (n < 32) {
        const child = decodeNodeInternal(bytes, c.pos, c.pos + n, false)!;
        child.mvInline = bytes.subarray(c.pos, c.pos + n);
        child.state = 1;
        children[i] = child;
      } else {
        throw new TrieCodecError(`child reference of ${n} bytes (an inline child is < 32 bytes, a hash 32)`);
      }
      c.pos += n;
    }
  }
  if (c.pos !== end) throw new TrieCodecError('trailing bytes after node');
  return new Node(bytes, pkOff, len, value, valueHash, valueKind === 2, children, children === undefined ? undefined : bytes);
}
