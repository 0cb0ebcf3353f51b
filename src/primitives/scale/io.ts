/**
 * SCALE byte reader and writer. Pure; no I/O.
 */

/** Raised for malformed SCALE input (truncated data, invalid discriminants, trailing bytes). */
export class ScaleDecodeError extends Error {
  /** Byte offset where decoding failed (bounded by the input length). */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'ScaleDecodeError';
    this.offset = offset;
  }
}

/** Raised when a value cannot be encoded (out of range, wrong length). */
export class ScaleEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScaleEncodeError';
  }
}

/** Sequential reader over a byte array. */
export class ScaleReader {
  /** Current offset, 0 ≤ offset ≤ bytes.length. */
  offset: number;
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Throw unless `n` more bytes are available. */
  need(n: number): void {
    if (n > this.bytes.length - this.offset) throw new ScaleDecodeError(`unexpected end of input (need ${n} bytes)`, this.offset);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++];
  }

  u16(): number {
    this.need(2);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 2;
    return b[o] | (b[o + 1] << 8);
  }

  u32(): number {
    this.need(4);
    const b = this.bytes;
    const o = this.offset;
    this.offset += 4;
    return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
  }

  /** Unsigned little-endian integer of `n` bytes as bigint. */
  uintN(n: number): bigint {
    this.need(n);
    const b = this.bytes;
    let r = 0n;
    for (let i = this.offset + n - 1; i >= this.offset; i--) r = (r << 8n) | BigInt(b[i]);
    this.offset += n;
    return r;
  }

  u64(): bigint {
    this.need(8);
    const lo = this.u32();
    const hi = this.u32();
    return join64(lo, hi);
  }

  u128(): bigint {
    if (this.bytes.length - this.offset < 16) {
      // Short input: read as two u64s, so the error names the same offset and length as always.
      const lo = this.u64();
      const hi = this.u64();
      return hi === 0n ? lo : (hi << 64n) | lo;
    }
    const w0 = this.u32();
    const w1 = this.u32();
    const w2 = this.u32();
    const w3 = this.u32();
    // Balances mostly fit 53 bits: one bigint conversion then, not eight operations.
    if (w2 === 0 && w3 === 0) return join64(w0, w1);
    return (join64(w2, w3) << 64n) | join64(w0, w1);
  }

  /** `n` raw bytes (a view, not a copy). */
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** SCALE compact integer as bigint; rejects non-canonical encodings like Substrate does. */
  compact(): bigint {
    this.need(1);
    const b0 = this.bytes[this.offset];
    const start = this.offset;
    switch (b0 & 3) {
      case 0:
        this.offset += 1;
        return BigInt(b0 >> 2);
      case 1: {
        const v = this.u16() >> 2;
        if (v < 64) throw new ScaleDecodeError('non-canonical compact', start);
        return BigInt(v);
      }
      case 2: {
        const v = Math.trunc(this.u32() / 4);
        if (v < 16384) throw new ScaleDecodeError('non-canonical compact', start);
        return BigInt(v);
      }
      default: {
        this.offset += 1;
        const n = (b0 >> 2) + 4;
        const v = this.uintN(n);
        if (v < 1n << BigInt(8 * (n - 1)) || v < 1n << 30n) throw new ScaleDecodeError('non-canonical compact', start);
        return v;
      }
    }
  }

  /** SCALE compact integer that must fit in `max` (a JS number, ≤ 2^53 − 1). */
  compactNumber(max = 0xffffffff): number {
    const start = this.offset;
    const v = this.compact();
    if (v > BigInt(max)) throw new ScaleDecodeError(`compact value ${v} exceeds ${max}`, start);
    return Number(v);
  }

  /** Throw unless every byte was consumed. */
  assertDone(what = 'value'): void {
    if (this.offset !== this.bytes.length) {
      throw new ScaleDecodeError(`${this.bytes.length - this.offset} trailing bytes after ${what}`, this.offset);
    }
  }
}

/** 2^53 − 1 as a bigint: the values a number holds exactly. */
const MAX_SAFE = 0x1fffffffffffffn;
/** 2^32 as a number. */
const TWO_POW_32 = 0x100000000;

/** The u64 `hi·2^32 + lo` of two u32 words as a bigint. */
function join64(lo: number, hi: number): bigint {
  // Below 2^21 the high word keeps the sum under 2^53: exact as a number, one conversion.
  if (hi < 0x200000) return BigInt(hi * TWO_POW_32 + lo);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Growable SCALE writer. */
export class ScaleWriter {
  private buf: Uint8Array;
  /** Bytes written so far. */
  length = 0;
  constructor(initialCapacity = 128) {
    this.buf = new Uint8Array(initialCapacity);
  }

  /** Bytes the buffer holds before it must grow (≥ length). */
  get capacity(): number {
    return this.buf.length;
  }

  /** Forget what was written, keeping the buffer (for writers reused across encodes). */
  reset(): void {
    this.length = 0;
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v & 0xff;
  }

  u16(v: number): void {
    this.reserve(2);
    this.buf[this.length++] = v & 0xff;
    this.buf[this.length++] = (v >>> 8) & 0xff;
  }

  u32(v: number): void {
    this.reserve(4);
    const b = this.buf;
    b[this.length++] = v & 0xff;
    b[this.length++] = (v >>> 8) & 0xff;
    b[this.length++] = (v >>> 16) & 0xff;
    b[this.length++] = (v >>> 24) & 0xff;
  }

  /** Unsigned little-endian of `n` bytes from a bigint in range. */
  uintN(v: bigint, n: number): void {
    this.reserve(n);
    const b = this.buf;
    let o = this.length; // write position, this.length ≤ o ≤ this.length + n
    const end = o + n;
    if (n >= 8 && v >= 0n && v <= MAX_SAFE) {
      // Below 2^53 (most balances): one conversion, two exact u32 words, zeros above.
      const num = Number(v);
      const lo = num % TWO_POW_32;
      const hi = (num - lo) / TWO_POW_32;
      b[o] = lo & 0xff;
      b[o + 1] = (lo >>> 8) & 0xff;
      b[o + 2] = (lo >>> 16) & 0xff;
      b[o + 3] = (lo >>> 24) & 0xff;
      b[o + 4] = hi & 0xff;
      b[o + 5] = (hi >>> 8) & 0xff;
      b[o + 6] = (hi >>> 16) & 0xff;
      b[o + 7] = (hi >>> 24) & 0xff;
      b.fill(0, o + 8, end);
      this.length = end;
      return;
    }
    let x = v;
    // 32 bits per bigint step while words remain (4× fewer bigint operations than byte by byte), then single bytes;
    // once the value is exhausted the rest is zero (a negative value never reaches 0n and is written in full, in
    // two's complement, as before).
    while (end - o >= 4 && x !== 0n) {
      const word = Number(x & 0xffffffffn);
      b[o] = word & 0xff;
      b[o + 1] = (word >>> 8) & 0xff;
      b[o + 2] = (word >>> 16) & 0xff;
      b[o + 3] = (word >>> 24) & 0xff;
      o += 4;
      x >>= 32n;
    }
    while (o < end && x !== 0n) {
      b[o++] = Number(x & 0xffn);
      x >>= 8n;
    }
    // The buffer may be reused: write the zeros explicitly.
    b.fill(0, o, end);
    this.length = end;
  }

  bytes(v: Uint8Array): void {
    this.reserve(v.length);
    this.buf.set(v, this.length);
    this.length += v.length;
  }

  /** SCALE compact of a non-negative integer. */
  compact(v: number | bigint): void {
    if (typeof v === 'number') {
      // A negative or fractional number would otherwise be shifted into the bytes of some other valid compact.
      if (!Number.isInteger(v) || v < 0) throw new ScaleEncodeError(`compact of ${v}: not a non-negative integer`);
      if (v < 64) return this.u8(v << 2);
      if (v < 16384) return this.u16((v << 2) | 1);
      if (v < 1073741824) return this.u32(v * 4 + 2);
      v = BigInt(v);
    }
    if (v < 0n) throw new ScaleEncodeError(`compact of negative value ${v}`);
    if (v < 1073741824n) return this.compact(Number(v));
    let n = 0;
    for (let x = v; x > 0n; x >>= 8n) n++;
    if (n > 67) throw new ScaleEncodeError('compact value too large');
    this.u8(((n - 4) << 2) | 3);
    this.uintN(v, n);
  }

  /** A view of the written bytes, valid until the next write or reset (copy it to keep it). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** A copy of the written bytes. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** SCALE compact encoding of `v` as bytes. */
export function encodeCompact(v: number | bigint): Uint8Array {
  const w = new ScaleWriter(17);
  w.compact(v);
  return w.finish();
}
