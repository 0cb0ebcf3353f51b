/**
 * Byte helpers shared by every layer. Pure; no I/O.
 */

const HEX = '0123456789abcdef';
const HEX_PAIRS: string[] = Array.from({ length: 256 }, (_, i) => HEX[i >> 4] + HEX[i & 15]);

/**
 * Below this length a JavaScript loop is faster than a call into `Buffer`'s native hex encoder (measured on Node 20:
 * equal at about 16 bytes, the loop 3–4× faster at 4 bytes, the encoder 4× faster from 64 bytes on).
 */
const NATIVE_HEX_FROM = 16;

/**
 * Hex digits of `bytes`. Long inputs go through `Buffer`'s native encoder, which writes one flat string: the loop's
 * `+=` builds a rope of one V8 cons-string (32 bytes) per input byte, so a 3.5 MB extrinsic cost over 100 MB and
 * most of a second to encode (issue 9). Deterministic either way; no copy of `bytes` is made.
 */
function hexDigits(bytes: Uint8Array): string {
  if (bytes.length >= NATIVE_HEX_FROM) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i]];
  return out;
}

/** Lowercase `0x`-prefixed hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return '0x' + hexDigits(bytes);
}

/** Lowercase hex of `bytes` without the `0x` prefix (for map keys). */
export function toHexRaw(bytes: Uint8Array): string {
  return hexDigits(bytes);
}

/** Thrown when a hex string is malformed. */
export class HexError extends Error {}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Parse hex with or without `0x`; throws {@link HexError} on odd length or a non-hex digit. */
export function fromHex(hex: string): Uint8Array {
  const start = hex.startsWith('0x') || hex.startsWith('0X') ? 2 : 0;
  const len = hex.length - start;
  if (len % 2 !== 0) throw new HexError(`hex string has an odd number of digits (${len})`);
  const out = new Uint8Array(len / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(start + 2 * i));
    const lo = nibble(hex.charCodeAt(start + 2 * i + 1));
    if (hi < 0 || lo < 0) throw new HexError(`invalid hex digit near position ${start + 2 * i}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** True when `s` is `0x`-prefixed hex with an even number of digits. */
export function isHex(s: string): boolean {
  return /^0x([0-9a-fA-F]{2})*$/.test(s);
}

/** Concatenate byte arrays into a new array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Byte-wise lexicographic comparison (never locale order): negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Byte equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when `bytes` starts with `prefix`. */
export function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** UTF-8 encode. */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** UTF-8 decode (fatal on invalid sequences). */
export function fromUtf8(b: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(b);
}
