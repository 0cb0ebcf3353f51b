/**
 * The allocation-free paths of the SCALE writer and codecs give exactly the bytes of the plain ones: `uintN`
 * (53-bit fast path, then 32 bits per step) equals the byte-by-byte reference for every width and value (negative ones included,
 * in two's complement, and into a dirty reused buffer); `Codec.encode` with pooled writers returns fresh, owned
 * copies, also when an encode runs nested inside another encode or after one that threw; `decode` still names the
 * type when trailing bytes remain.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codec, enumeration, fields, ScaleReader, ScaleWriter, struct, u128, u32, u64, vec, ScaleDecodeError, type Codec } from '../../../src/primitives/scale/index.js';

/** The writer's original byte-by-byte little-endian encoding. */
function referenceUintN(v: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = v;
  for (let i = 0; i < n; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

describe('ScaleWriter.uintN', () => {
  it('matches the byte-by-byte reference for every width, value and buffer state', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.oneof(fc.bigInt({ min: -(1n << 330n), max: 1n << 330n }), fc.integer({ min: 0, max: 80 }).chain((bits) => fc.bigInt({ min: 0n, max: 1n << BigInt(bits) }))), fc.boolean(), (n, v, dirty) => {
        const w = new ScaleWriter(4);
        if (dirty) {
          // Fill then reset: the buffer holds 0xff bytes the write must overwrite.
          for (let i = 0; i < 64; i++) w.u8(0xff);
          w.reset();
        }
        w.u8(7);
        w.uintN(v, n);
        w.u8(9);
        const out = w.finish();
        expect(out.length).toBe(n + 2);
        expect(out[0]).toBe(7);
        expect(out[n + 1]).toBe(9);
        expect(out.subarray(1, n + 1)).toEqual(referenceUintN(v, n));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the edge values of u64 and u128 exactly', () => {
    for (const [v, n] of [
      [0n, 8],
      [1n, 8],
      [0xffffffffn, 8],
      [0x100000000n, 8],
      [(1n << 64n) - 1n, 8],
      [0n, 16],
      [(1n << 64n) - 1n, 16],
      [1n << 64n, 16],
      [(1n << 128n) - 1n, 16],
      [(1n << 96n) + 5n, 16],
      // Around the 53-bit fast paths of the writer and of the reader's word joining.
      [(1n << 53n) - 1n, 8],
      [1n << 53n, 8],
      [(1n << 53n) + 1n, 16],
      [(1n << 53n) - 1n, 16],
      [(1n << 52n) + 12345n, 16],
      [(0x200000n << 32n) - 1n, 16],
      [0x200000n << 32n, 16],
      [((1n << 53n) - 1n) << 64n, 16],
      [(((1n << 53n) - 1n) << 64n) + (1n << 53n) - 1n, 16],
      [(1n << 53n) - 1n, 32],
    ] as const) {
      const w = new ScaleWriter(1);
      w.uintN(v, n);
      expect(w.finish()).toEqual(referenceUintN(v, n));
      expect(new ScaleReader(w.finish()).uintN(n)).toBe(v);
    }
  });
});

describe('ScaleReader u64/u128', () => {
  it('read what uintN wrote, for values with and without high words', () => {
    // Values of every magnitude, not only huge ones: a random bit length, then a value of that length.
    const sized = (bits: number) => fc.integer({ min: 0, max: bits }).chain((n) => fc.bigInt({ min: 0n, max: (1n << BigInt(n)) - 1n }));
    fc.assert(
      fc.property(sized(128), sized(64), (a, b) => {
        expect(u128.decode(u128.encode(a))).toBe(a);
        expect(u64.decode(u64.encode(b))).toBe(b);
        expect(u128.decode(referenceUintN(a, 16))).toBe(a);
      }),
    );
  });
});

describe('Codec.encode with pooled writers', () => {
  const Pair = struct(['t', 'Pair'], { a: u32, b: u128 });

  it('returns owned copies: later encodes never change earlier results', () => {
    const first = Pair.encode({ a: 1, b: 2n });
    const copy = first.slice();
    for (let i = 0; i < 50; i++) Pair.encode({ a: 0xffffffff, b: (1n << 128n) - 1n });
    expect(first).toEqual(copy);
    first[0] = 0xaa;
    expect(Pair.encode({ a: 1, b: 2n })).toEqual(copy);
  });

  it('gives a nested encode (inside encodeTo) a writer of its own', () => {
    // A codec whose encodeTo encodes its inner value separately first, as a length-prefixed blob.
    const Wrapped: Codec<{ a: number; b: bigint }> = codec(
      () => Pair.info(),
      (v, w) => {
        w.u8(0x11);
        const inner = Pair.encode(v);
        w.compact(inner.length);
        w.bytes(inner);
        w.u8(0x22);
      },
      (r) => {
        r.u8();
        r.compactNumber();
        const v = Pair.decodeFrom(r);
        r.u8();
        return v;
      },
    );
    const Outer = vec(Wrapped);
    const values = Array.from({ length: 12 }, (_, i) => ({ a: i, b: BigInt(i) << 100n }));
    const bytes = Outer.encode(values);
    // The same bytes built by hand, without any shared writer.
    const expected: number[] = [12 << 2];
    for (const v of values) {
      const inner = [...Pair.encode(v)];
      expected.push(0x11, inner.length << 2, ...inner, 0x22);
    }
    expect([...bytes]).toEqual(expected);
    expect(Outer.decode(bytes)).toEqual(values);
  });

  it('recovers after an encode that threw half-way', () => {
    const good = Pair.encode({ a: 5, b: 6n });
    expect(() => Pair.encode({ a: 5, b: -1n })).toThrow(/field b/);
    expect(() => Pair.encode({ a: -1, b: 6n })).toThrow(/field a/);
    expect(Pair.encode({ a: 5, b: 6n })).toEqual(good);
  });

  it('encodes large values (beyond the pooled capacity) whole', () => {
    const Big = vec(u128, 100_000);
    const values = Array.from({ length: 10_000 }, (_, i) => BigInt(i) * 0x1_0000_0000_0000_0001n);
    const a = Big.encode(values);
    const b = Big.encode(values);
    expect(a).toEqual(b);
    // Compact<u32> of 10,000 takes two bytes.
    expect(a.length).toBe(2 + 10_000 * 16);
    expect(Big.decode(a)).toEqual(values);
  });
});

describe('Codec.decode', () => {
  it('names the type when trailing bytes remain, and decodes without them', () => {
    const Pair = struct(['t', 'Named'], { a: u32 });
    expect(Pair.decode(new Uint8Array([1, 0, 0, 0]))).toEqual({ a: 1 });
    expect(() => Pair.decode(new Uint8Array([1, 0, 0, 0, 9]))).toThrow(ScaleDecodeError);
    expect(() => Pair.decode(new Uint8Array([1, 0, 0, 0, 9]))).toThrow('1 trailing bytes after t::Named at byte 4');
  });
});

describe('enumeration with named fields', () => {
  it('encodes and decodes every variant as before (field lists computed once)', () => {
    const E = enumeration(['t', 'E'], { A: fields({ x: u32, y: u128 }), B: null, C: fields({ z: u64 }) }, { indices: { C: 9 } });
    const a = E.encode({ tag: 'A', value: { x: 3, y: 4n } });
    expect([...a]).toEqual([0, 3, 0, 0, 0, 4, ...new Array(15).fill(0)]);
    expect(E.decode(a)).toEqual({ tag: 'A', value: { x: 3, y: 4n } });
    expect([...E.encode({ tag: 'C', value: { z: 1n } })]).toEqual([9, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(E.decode(E.encode({ tag: 'B' }))).toEqual({ tag: 'B' });
  });
});
