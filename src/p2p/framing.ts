/**
 * Length-prefixed framing for the p2p streams: every frame is a 4-byte big-endian length followed by that many
 * bytes. Many frames go into one `stream.send()` (the performance figures: 26,000 sends/s one message at a time,
 * 715,000 messages/s fifty per send), and the decoder reassembles frames split across or packed into chunks.
 * Every frame length is checked against a limit before any byte of it is buffered.
 */

/** Bytes of the length prefix. */
export const FRAME_HEADER_BYTES = 4;

/** Largest frame body the format can carry (2^32 − 1); real limits are far lower and set per protocol. */
export const MAX_ENCODABLE_FRAME_BYTES = 0xffff_ffff;

/** Thrown by {@link FrameDecoder.push} when the peer announces a frame above the limit; the stream must be dropped. */
export class FrameTooLargeError extends Error {
  override name = 'FrameTooLargeError';
  /** The announced body length, 0 ..= 2^32 − 1. */
  readonly length: number;
  /** The limit it broke, in bytes. */
  readonly limit: number;

  /** An error for an announced `length` above `limit`. */
  constructor(length: number, limit: number) {
    super(`frame of ${length} bytes exceeds the limit of ${limit} bytes`);
    this.length = length;
    this.limit = limit;
  }
}

/**
 * A fresh copy of `bytes[start, end)`. Never `bytes.slice()`: libp2p hands over Node `Buffer`s, often small views
 * into a shared, pooled slab, and `Buffer#slice` returns a view (not a copy) that the next read overwrites.
 */
export function copyBytes(bytes: Uint8Array, start = 0, end = bytes.length): Uint8Array {
  // A plain view + `set` is a memcpy; `slice`/`subarray` on a Buffer construct through Buffer's species (slow, and
  // `Buffer#slice` does not even copy).
  const out = new Uint8Array(end - start);
  out.set(new Uint8Array(bytes.buffer, bytes.byteOffset + start, end - start));
  return out;
}

/** Total encoded size of `bodies` as frames. */
export function encodedFramesLength(bodies: readonly Uint8Array[]): number {
  let n = 0;
  for (const b of bodies) n += FRAME_HEADER_BYTES + b.length;
  return n;
}

/** Encode `bodies` as consecutive frames in one new buffer. */
export function encodeFrames(bodies: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(encodedFramesLength(bodies));
  const view = new DataView(out.buffer);
  let off = 0;
  for (const b of bodies) {
    if (b.length > MAX_ENCODABLE_FRAME_BYTES) throw new RangeError(`frame of ${b.length} bytes cannot be encoded`);
    view.setUint32(off, b.length, false);
    out.set(b, off + FRAME_HEADER_BYTES);
    off += FRAME_HEADER_BYTES + b.length;
  }
  return out;
}

/** Encode one body as a frame. */
export function encodeFrame(body: Uint8Array): Uint8Array {
  return encodeFrames([body]);
}

/**
 * Incremental frame decoder for one stream. Feed it chunks in arrival order; it returns the complete frame bodies
 * and keeps the incomplete tail (at most one header plus `maxFrameBytes`) for the next chunk.
 *
 * Bodies are returned as views into the chunk (or into one reassembly buffer), valid while the caller handles them:
 * copy what you keep (`slice`), the more so as `scale-ts` misreads views with a non-zero `byteOffset`. The gossip
 * and request layers copy each payload exactly once.
 */
export class FrameDecoder {
  /** Largest accepted body, in bytes (1 ..= 2^32 − 1). */
  readonly maxFrameBytes: number;
  // Unconsumed bytes: `pending` chunks in order, `pendingBytes` their total (≤ header + maxFrameBytes + one chunk).
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  // Header + body bytes of the frame the pending bytes start, once its header is known; 0 before.
  #need = 0;

  /** A decoder that rejects frames above `maxFrameBytes`. */
  constructor(maxFrameBytes: number) {
    if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 1 || maxFrameBytes > MAX_ENCODABLE_FRAME_BYTES) {
      throw new RangeError(`maxFrameBytes must be an integer in 1..=${MAX_ENCODABLE_FRAME_BYTES}, got ${maxFrameBytes}`);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Bytes buffered towards the next frame. */
  get bufferedBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Add `chunk` and return every frame body it completes. Throws {@link FrameTooLargeError} as soon as a header
   * announces more than `maxFrameBytes`; the decoder is unusable afterwards (the stream is out of sync).
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length === 0) return [];
    if (this.#need > 0 && this.#pendingBytes + chunk.length < this.#need) {
      // Still inside a large frame: keep the chunk and copy once when the frame completes (never O(n²) re-copies).
      this.#pending.push(copyBytes(chunk));
      this.#pendingBytes += chunk.length;
      return [];
    }
    let buf: Uint8Array;
    if (this.#pendingBytes === 0) buf = chunk;
    else {
      this.#pending.push(chunk);
      buf = concat(this.#pending, this.#pendingBytes + chunk.length);
    }
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#need = 0;

    const out: Uint8Array[] = [];
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let off = 0;
    while (buf.length - off >= FRAME_HEADER_BYTES) {
      const len = view.getUint32(off, false);
      if (len > this.maxFrameBytes) throw new FrameTooLargeError(len, this.maxFrameBytes);
      if (buf.length - off - FRAME_HEADER_BYTES < len) break;
      out.push(buf.subarray(off + FRAME_HEADER_BYTES, off + FRAME_HEADER_BYTES + len));
      off += FRAME_HEADER_BYTES + len;
    }
    if (off < buf.length) {
      // Keep a copy of the tail only: the transport reuses pooled chunks, and a view would pin the whole chunk.
      const tail = copyBytes(buf, off);
      this.#pending.push(tail);
      this.#pendingBytes = tail.length;
      if (tail.length >= FRAME_HEADER_BYTES) this.#need = FRAME_HEADER_BYTES + new DataView(tail.buffer).getUint32(0, false);
    }
    return out;
  }
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
