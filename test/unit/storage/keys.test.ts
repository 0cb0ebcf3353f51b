import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes, concatBytes } from '../../../src/primitives/bytes.js';
import { readHeaderFields, StorageErrorCode } from '../../../src/storage/index.js';
import {
  canonicalKey,
  decodeBe32,
  decodeLe32,
  encodeBe32,
  encodeLe32,
  prefixUpperBound,
} from '../../../src/storage/keys.js';
import { LruCache } from '../../../src/storage/lru.js';

/** SCALE Compact<u32> in all four modes. */
function compactU32(n: number): Uint8Array {
  if (n < 1 << 6) return Uint8Array.of(n << 2);
  if (n < 1 << 14) return Uint8Array.of(((n << 2) | 1) & 0xff, n >>> 6);
  if (n < 1 << 30) return Uint8Array.of(((n << 2) | 2) & 0xff, (n >>> 6) & 0xff, (n >>> 14) & 0xff, n >>> 22);
  return concatBytes(Uint8Array.of(3), encodeLe32(n));
}

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('storage keys', () => {
  it('round-trips u32 in both byte orders; big-endian keys sort numerically', () => {
    fc.assert(
      fc.property(u32, u32, (a, b) => {
        expect(decodeBe32(encodeBe32(a))).toBe(a);
        expect(decodeLe32(encodeLe32(a))).toBe(a);
        expect(Math.sign(compareBytes(canonicalKey(a), canonicalKey(b)))).toBe(Math.sign(a - b));
      }),
    );
    expect(() => encodeBe32(2 ** 32)).toThrow(RangeError);
    expect(() => encodeLe32(-1)).toThrow(RangeError);
  });

  it('gives an exclusive upper bound above every key with the prefix and below every larger key', () => {
    expect(prefixUpperBound(Uint8Array.of(1, 2, 0xff))).toEqual(Uint8Array.of(1, 3));
    expect(prefixUpperBound(Uint8Array.of(0xff, 0xff))).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 6 }), fc.uint8Array({ maxLength: 6 }), (prefix, tail) => {
        const bound = prefixUpperBound(prefix);
        if (bound === undefined) return;
        expect(compareBytes(concatBytes(prefix, tail), bound)).toBeLessThan(0);
        expect(compareBytes(prefix, bound)).toBeLessThan(0);
      }),
    );
  });
});

describe('readHeaderFields', () => {
  it('reads parent hash, number and state root for every compact width', () => {
    fc.assert(
      fc.property(bytes32, u32, bytes32, bytes32, (parent, number, stateRoot, xtRoot) => {
        const header = concatBytes(parent, compactU32(number), stateRoot, xtRoot, Uint8Array.of(0));
        expect(readHeaderFields(header)).toEqual({ parentHash: parent, number, stateRoot });
      }),
    );
  });

  it('refuses short headers and non-canonical or oversized numbers', () => {
    const z = new Uint8Array(32);
    const bad = [
      new Uint8Array(10),
      concatBytes(z, Uint8Array.of(0), new Uint8Array(31)),
      concatBytes(z, Uint8Array.of(0b01, 0), z), // 0 in two bytes
      concatBytes(z, Uint8Array.of(0b10, 0, 0, 0), z), // 0 in four bytes
      concatBytes(z, Uint8Array.of(3, 0, 0, 0, 0), z), // 0 in big mode
      concatBytes(z, Uint8Array.of(0b111, 0, 0, 0, 0, 1), z), // 2^32: five bytes of number
    ];
    for (const h of bad) expect(() => readHeaderFields(h)).toThrow(expect.objectContaining({ code: StorageErrorCode.MalformedHeader }));
  });
});

describe('LruCache', () => {
  it('never answers with a stale value, stays within capacity, and keeps recently used keys', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.tuple(fc.constantFrom('set', 'get', 'delete'), fc.integer({ min: 0, max: 30 }), fc.integer()), { maxLength: 300 }),
        (capacity, steps) => {
          const lru = new LruCache<number, number>(capacity);
          const truth = new Map<number, number>();
          const recent: number[] = []; // keys set or hit, most recent last
          for (const [op, k, v] of steps) {
            if (op === 'set') {
              lru.set(k, v);
              truth.set(k, v);
              recent.push(k);
            } else if (op === 'delete') {
              lru.delete(k);
              truth.delete(k);
            } else {
              const got = lru.get(k);
              if (got !== undefined) {
                expect(got).toBe(truth.get(k));
                recent.push(k);
              }
            }
            expect(lru.size).toBeLessThanOrEqual(Math.max(capacity, 2));
            // The last key set or hit is always still cached (unless deleted since).
            const last = recent[recent.length - 1];
            if (last !== undefined && truth.has(last)) expect(lru.get(last)).toBe(truth.get(last));
          }
        },
      ),
    );
    const off = new LruCache<number, number>(0);
    off.set(1, 1);
    expect(off.get(1)).toBeUndefined();
    expect(off.size).toBe(0);
    expect(() => new LruCache(-1)).toThrow(RangeError);
  });

  it('keeps a key that is used at least once per half-capacity insertions', () => {
    const lru = new LruCache<number, string>(100);
    lru.set(-1, 'hot');
    for (let i = 0; i < 10_000; i++) {
      lru.set(i, 'cold');
      if (i % 40 === 0) expect(lru.get(-1)).toBe('hot');
    }
    expect(lru.get(0)).toBeUndefined();
    expect(lru.size).toBeLessThanOrEqual(100);
  });
});
