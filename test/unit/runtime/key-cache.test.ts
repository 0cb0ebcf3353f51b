/**
 * The executive's key caches change no key and no answer: `StorageMap.keyOf` (and the double map's `keyOf` and
 * `prefixOf`) returns the hasher's key however
 * often and in whatever order keys are asked for (well beyond the cache's capacity), for byte and number keys,
 * and still refuses keys that do not encode; the overlay finds a value whether it is written and read with an
 * interned key array, an equal copy of it, or a key of any length (beyond the string-building chunk too), and
 * orders keys with bytes ≥ 0x80 exactly as the bytes.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { compareBytes, concatBytes, toHexRaw } from '../../../src/primitives/bytes.js';
import { blake2_128, storagePrefix, twox64 } from '../../../src/primitives/hashing.js';
import { bytes, u32 } from '../../../src/primitives/scale/index.js';
import { AccountId32 } from '../../../src/primitives/types.js';
import { internKey, Overlay, type StateReader } from '../../../src/runtime/state.js';
import { StorageBuilder } from '../../../src/runtime/storage.js';

beforeAll(async () => {
  await cryptoWaitReady();
});

const EMPTY: StateReader = { get: () => undefined, nextKey: () => undefined };

describe('StorageMap.keyOf with its key cache', () => {
  const s = new StorageBuilder('KeyCacheTest');
  const Accounts = s.map('Accounts', 'Blake2_128Concat', AccountId32, u32);
  const Numbers = s.map('Numbers', 'Twox64Concat', u32, u32);
  const Blobs = s.map('Blobs', 'Blake2_128Concat', bytes, u32);

  it('gives the hasher key for every account, asked many times in random order past the capacity', () => {
    const prefix = storagePrefix('KeyCacheTest', 'Accounts');
    const accounts = Array.from({ length: 10_000 }, (_, i) => {
      const a = new Uint8Array(32);
      a[0] = i & 0xff;
      a[1] = (i >> 8) & 0xff;
      a[31] = 0x80 | (i % 7);
      return a;
    });
    let seed = 1;
    for (let n = 0; n < 30_000; n++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const a = accounts[seed % accounts.length];
      // A fresh copy each time: the cache is by value, not by array.
      expect(toHexRaw(Accounts.keyOf(a.slice()))).toBe(toHexRaw(concatBytes(prefix, blake2_128(a), a)));
    }
  });

  it('keys numbers and byte strings by value', () => {
    const prefix = storagePrefix('KeyCacheTest', 'Numbers');
    for (const n of [0, 1, 255, 256, 0xffffffff, 7, 0, 7]) expect(Numbers.keyOf(n)).toEqual(concatBytes(prefix, twox64(u32.encode(n)), u32.encode(n)));
    // Vec<u8> keys of different lengths never share a cache entry.
    const blobPrefix = storagePrefix('KeyCacheTest', 'Blobs');
    for (const b of [new Uint8Array(0), new Uint8Array(1), new Uint8Array(2), new Uint8Array([0x80, 0xff]), new Uint8Array(5000).fill(3), new Uint8Array(5000).fill(3)]) {
      const enc = bytes.encode(b);
      expect(Blobs.keyOf(b)).toEqual(concatBytes(blobPrefix, blake2_128(enc), enc));
    }
  });

  it('still refuses a key that does not encode, before and after valid ones', () => {
    expect(() => Accounts.keyOf(new Uint8Array(31))).toThrow(/expected 32 bytes/);
    Accounts.keyOf(new Uint8Array(32));
    expect(() => Accounts.keyOf(new Uint8Array(31))).toThrow(/expected 32 bytes/);
    expect(() => Numbers.keyOf(-1)).toThrow(/out of range/);
    expect(() => Numbers.keyOf(1.5)).toThrow(/out of range/);
    expect(() => Numbers.keyOf(2 ** 32)).toThrow(/out of range/);
  });

  it('gives double-map keys and prefixes by value, for every mix of key kinds', () => {
    const ByNum = s.doubleMap('ByNum', ['Twox64Concat', 'Blake2_128Concat'], [u32, AccountId32], u32);
    const ByBytes = s.doubleMap('ByBytes', ['Blake2_128Concat', 'Twox64Concat'], [bytes, u32], u32);
    const pn = storagePrefix('KeyCacheTest', 'ByNum');
    const pb = storagePrefix('KeyCacheTest', 'ByBytes');
    const who = (i: number) => new Uint8Array(32).fill(i);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 300; i++) {
        const a = who(i & 0xff);
        const n = (i * 7919) >>> 0;
        const expectN = concatBytes(pn, twox64(u32.encode(n)), u32.encode(n), blake2_128(a), a);
        expect(ByNum.keyOf(n, a.slice())).toEqual(expectN);
        expect(ByNum.prefixOf(n)).toEqual(expectN.subarray(0, 32 + 12));
        // Byte keys whose Latin-1 forms could run together ([1] ‖ n vs [] ‖ …) still get their own keys.
        const b = new Uint8Array(i % 3).fill(i & 0xff);
        const enc = bytes.encode(b);
        expect(ByBytes.keyOf(b, n)).toEqual(concatBytes(pb, blake2_128(enc), enc, twox64(u32.encode(n)), u32.encode(n)));
      }
    }
    expect(() => ByNum.keyOf(1, new Uint8Array(31))).toThrow(/expected 32 bytes/);
    expect(() => ByNum.keyOf(-1, who(1))).toThrow(/out of range/);
  });

  it('reads and writes through the overlay with cached keys as with computed ones', () => {
    const o = new Overlay(EMPTY);
    const who = new Uint8Array(32).fill(0xc3);
    Accounts.set(o, who, 41);
    expect(Accounts.get(o, who.slice())).toBe(41);
    expect(o.get(concatBytes(storagePrefix('KeyCacheTest', 'Accounts'), blake2_128(who), who))).toEqual(u32.encode(41));
  });
});

describe('Overlay key strings', () => {
  it('finds values by interned arrays, equal copies and keys of any length', () => {
    const o = new Overlay(EMPTY);
    const keys = [new Uint8Array(0), new Uint8Array([0]), new Uint8Array([0xff, 0x80, 0x00]), new Uint8Array(4096).fill(0x81), new Uint8Array(4097).fill(0x81), new Uint8Array(10_000).map((_, i) => i & 0xff)];
    keys.forEach((k, i) => {
      if (i % 2 === 0) internKey(k);
      o.set(k, new Uint8Array([i]));
    });
    keys.forEach((k, i) => {
      expect(o.get(k)).toEqual(new Uint8Array([i]));
      expect(o.get(k.slice())).toEqual(new Uint8Array([i]));
    });
    const changes = o.changes();
    expect(changes.map(([k]) => toHexRaw(k))).toEqual([...keys].sort(compareBytes).map(toHexRaw));
  });

  it('orders keys and walks nextKey exactly as the bytes compare', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uint8Array({ minLength: 0, maxLength: 6 }), { selector: toHexRaw, maxLength: 30 }), fc.uint8Array({ maxLength: 6 }), (ks, probe) => {
        const o = new Overlay(EMPTY);
        for (const k of ks) o.set(k, k);
        const sorted = [...ks].sort(compareBytes);
        expect(o.changes().map(([k]) => toHexRaw(k))).toEqual(sorted.map(toHexRaw));
        const next = sorted.find((k) => compareBytes(k, probe) > 0);
        const got = o.nextKey(probe);
        expect(got === undefined ? undefined : toHexRaw(got)).toBe(next === undefined ? undefined : toHexRaw(next));
      }),
    );
  });
});
