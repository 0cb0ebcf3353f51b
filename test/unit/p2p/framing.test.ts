import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equalBytes } from '../../../src/primitives/bytes.js';
import { FRAME_HEADER_BYTES, FrameDecoder, FrameTooLargeError, copyBytes, encodeFrame, encodeFrames } from '../../../src/p2p/framing.js';

/** Split `bytes` at the given cut points (sorted, deduplicated, within range). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.slice(prev, p));
    prev = p;
  }
  return out;
}

describe('framing', () => {
  it('prefixes each body with its big-endian u32 length', () => {
    expect([...encodeFrame(new Uint8Array([7, 8, 9]))]).toEqual([0, 0, 0, 3, 7, 8, 9]);
    expect([...encodeFrames([new Uint8Array([]), new Uint8Array([1])])]).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1]);
  });

  it('decodes any sequence of bodies however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (bodies, cuts) => {
          const decoder = new FrameDecoder(300);
          const got: number[][] = [];
          for (const chunk of split(encodeFrames(bodies), cuts)) for (const f of decoder.push(chunk)) got.push([...f]);
          expect(got).toEqual(bodies.map((b) => [...b]));
          expect(decoder.bufferedBytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reassembles a large frame delivered in many small chunks', () => {
    const body = new Uint8Array(1_000_000).map((_, i) => i & 0xff);
    const encoded = encodeFrame(body);
    const decoder = new FrameDecoder(body.length);
    const frames: Uint8Array[] = [];
    for (let off = 0; off < encoded.length; off += 65_536) frames.push(...decoder.push(encoded.subarray(off, off + 65_536)));
    expect(frames).toHaveLength(1);
    // equalBytes, not toEqual: a deep diff of a megabyte array is slow.
    expect(equalBytes(frames[0], body)).toBe(true);
  });

  it('copies what it keeps from pooled Node Buffers that the transport overwrites (Buffer#slice is a view)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (bodies, cuts) => {
          // One pooled slab, like Node's Buffer pool: every chunk is a view at an offset, overwritten by the next read.
          const slab = Buffer.alloc(8192);
          const decoder = new FrameDecoder(300);
          const got: number[][] = [];
          for (const chunk of split(encodeFrames(bodies), cuts)) {
            slab.fill(0xee);
            chunk.forEach((b, i) => (slab[100 + i] = b));
            for (const f of decoder.push(slab.subarray(100, 100 + chunk.length))) got.push([...f]);
          }
          expect(got).toEqual(bodies.map((b) => [...b]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('copyBytes copies even from a Buffer', () => {
    const b = Buffer.from([1, 2, 3, 4]);
    const c = copyBytes(b, 1, 3);
    b[1] = 9;
    expect([...c]).toEqual([2, 3]);
  });

  it('rejects a frame above the limit as soon as its header arrives', () => {
    const decoder = new FrameDecoder(10);
    expect(decoder.push(encodeFrame(new Uint8Array(10)))).toHaveLength(1);
    // Only the header of an 11-byte frame: no body byte is needed to refuse it.
    const header = encodeFrame(new Uint8Array(11)).subarray(0, FRAME_HEADER_BYTES);
    expect(() => decoder.push(header)).toThrow(FrameTooLargeError);
    expect(() => new FrameDecoder(0)).toThrow(RangeError);
  });

  it('never throws anything but FrameTooLargeError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }), (chunks) => {
        const decoder = new FrameDecoder(1000);
        try {
          for (const c of chunks) decoder.push(c);
        } catch (err) {
          expect(err).toBeInstanceOf(FrameTooLargeError);
        }
      }),
    );
  });
});
