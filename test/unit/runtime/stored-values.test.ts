/**
 * Storage values carved out of shared slabs read back exactly as written, across many slabs, next to values of
 * every size (on-heap small ones, slab-sized ones, large ones); the overlay's change set hands out arrays of their
 * own (never a view into a slab), equal to plain encodings; nested writes (a value codec that writes state while
 * encoding never happens in the runtime, but an encode inside an encode does) still give exact bytes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { bytes, codec, u32, type Codec } from '../../../src/primitives/scale/index.js';
import { AccountId32 } from '../../../src/primitives/types.js';
import { Overlay, type StateReader } from '../../../src/runtime/state.js';
import { StorageBuilder } from '../../../src/runtime/storage.js';

beforeAll(async () => {
  await cryptoWaitReady();
});

const EMPTY: StateReader = { get: () => undefined, nextKey: () => undefined };
const whole = (v: Uint8Array) => v.byteOffset === 0 && v.byteLength === v.buffer.byteLength;

describe('slab-carved storage values', () => {
  const s = new StorageBuilder('SlabTest');
  const Blobs = s.map('Blobs', 'Twox64Concat', u32, bytes);
  const Single = s.value('Single', bytes);

  it('read back exactly, over many slabs, for every size', () => {
    const o = new Overlay(EMPTY);
    const sizes = [0, 1, 62, 63, 64, 65, 80, 300, 1021, 1022, 1023, 5000];
    const valueOf = (i: number) => new Uint8Array(sizes[i % sizes.length]).map((_, j) => (i * 31 + j) & 0xff);
    // About 3 MB of slab-sized values: dozens of 64 KiB slabs.
    for (let i = 0; i < 6000; i++) Blobs.set(o, i, valueOf(i));
    for (let i = 0; i < 6000; i++) expect(Blobs.get(o, i)).toEqual(valueOf(i));
    Single.set(o, new Uint8Array(100).fill(9));
    expect(Single.get(o)).toEqual(new Uint8Array(100).fill(9));
  });

  it('leave the overlay as arrays of their own, equal to plain encodings', () => {
    const o = new Overlay(EMPTY);
    for (let i = 0; i < 500; i++) Blobs.set(o, i, new Uint8Array(70 + (i % 50)).fill(i & 0xff));
    const changes = o.changes();
    expect(changes.length).toBe(500);
    for (const [k, v] of changes) {
      expect(whole(k)).toBe(true);
      expect(v).not.toBeNull();
      expect(whole(v!)).toBe(true);
    }
    for (let i = 0; i < 500; i++) expect(o.get(Blobs.keyOf(i))).toEqual(bytes.encode(new Uint8Array(70 + (i % 50)).fill(i & 0xff)));
  });

  it('encodeValue equals the codec encoding, also with an encode nested in the value codec', () => {
    const Inner = s.value('Inner', AccountId32);
    const who = new Uint8Array(32).fill(0xab);
    expect(Inner.encodeValue(who)).toEqual(AccountId32.encode(who));
    // A value codec that encodes a part of itself separately, as some codecs do.
    const Nested: Codec<Uint8Array> = codec(
      () => bytes.info(),
      (v, w) => {
        const inner = bytes.encode(v);
        w.bytes(inner);
        w.bytes(inner);
      },
      (r) => r.take(r.remaining).slice(),
    );
    const N = s.value('Nested', Nested);
    const v = new Uint8Array(90).fill(5);
    const enc = bytes.encode(v);
    const expected = new Uint8Array(enc.length * 2);
    expected.set(enc, 0);
    expected.set(enc, enc.length);
    expect(N.encodeValue(v)).toEqual(expected);
    const o = new Overlay(EMPTY);
    N.set(o, v);
    expect(o.get(N.key)).toEqual(expected);
  });

  it('a value that failed to encode leaves later encodes intact', () => {
    const Acct = s.value('Acct', AccountId32);
    expect(() => Acct.encodeValue(new Uint8Array(31))).toThrow(/expected 32 bytes/);
    expect(Acct.encodeValue(new Uint8Array(32).fill(1))).toEqual(new Uint8Array(32).fill(1));
    expect(Blobs.encodeValue(new Uint8Array(100).fill(2))).toEqual(bytes.encode(new Uint8Array(100).fill(2)));
  });
});
