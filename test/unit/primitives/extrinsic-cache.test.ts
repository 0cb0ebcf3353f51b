/**
 * Decoding the same extrinsic array twice gives the first result again, but never a stale one: an array changed in
 * place after its first decode is decoded afresh (a bad byte then fails or decodes to the new content), and an
 * equal copy decodes to an equal result. The signing payload written in one exact-size array equals the
 * concatenation the format defines, for lengths on both sides of the hashing threshold.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import fc from 'fast-check';
import { concatBytes } from '../../../src/primitives/bytes.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { decodeExtrinsic, encodeExtra, encodeSignedExtrinsic, encodeUnsignedExtrinsic, SIGNING_PAYLOAD_HASH_THRESHOLD, signingPayload, type ExtrinsicSignature } from '../../../src/primitives/extrinsic.js';
import { ScaleDecodeError, u32 } from '../../../src/primitives/scale/index.js';

beforeAll(async () => {
  await cryptoWaitReady();
});

const sig = (nonce: number): ExtrinsicSignature => ({
  address: { tag: 'Id', value: new Uint8Array(32).fill(7) },
  signature: { tag: 'Sr25519', value: new Uint8Array(64).fill(9) },
  extra: { era: { tag: 'Immortal' }, nonce, tip: 5n },
});
const CALL = new Uint8Array([2, 3, 0, ...new Uint8Array(32).fill(1), 0x10]);

describe('decodeExtrinsic cache', () => {
  it('returns the same result for the same unchanged array, an equal one for a copy', () => {
    const bytes = encodeSignedExtrinsic(sig(3), CALL);
    const a = decodeExtrinsic(bytes);
    expect(decodeExtrinsic(bytes)).toBe(a);
    const b = decodeExtrinsic(bytes.slice());
    expect(b).not.toBe(a);
    expect(b).toEqual(a);
    expect(a.hash).toEqual(blake2_256(bytes));
  });

  it('decodes an array changed in place afresh', () => {
    const bytes = encodeSignedExtrinsic(sig(3), CALL);
    const first = decodeExtrinsic(bytes);
    expect(first.signature!.extra.nonce).toBe(3);
    // The nonce is the compact after the era (immortal: one byte) at the end of the extra: 3 << 2 = 12.
    const at = bytes.length - CALL.length - 2;
    expect(bytes[at]).toBe(12);
    bytes[at] = 4 << 2;
    const second = decodeExtrinsic(bytes);
    expect(second.signature!.extra.nonce).toBe(4);
    expect(second.hash).toEqual(blake2_256(bytes));
    expect(first.signature!.extra.nonce).toBe(3);
    // A version byte broken in place is refused, though the array decoded before.
    bytes[2] = 0x85;
    expect(() => decodeExtrinsic(bytes)).toThrow(ScaleDecodeError);
  });

  it('caches unsigned extrinsics too, and never a failure', () => {
    const bytes = encodeUnsignedExtrinsic(CALL);
    expect(decodeExtrinsic(bytes)).toBe(decodeExtrinsic(bytes));
    const bad = new Uint8Array([0x04, 0x04, 0x01]);
    expect(() => decodeExtrinsic(bad)).toThrow(ScaleDecodeError);
    expect(() => decodeExtrinsic(bad)).toThrow(ScaleDecodeError);
  });
});

describe('signingPayload', () => {
  it('is call ‖ extra ‖ spec ‖ tx version ‖ genesis ‖ era block hash, hashed above the threshold', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 400 }), fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (call, spec, tx) => {
        const extra = encodeExtra({ era: { tag: 'Immortal' }, nonce: 1, tip: 0n });
        const genesisHash = new Uint8Array(32).fill(0x11);
        const eraBlockHash = new Uint8Array(32).fill(0x22);
        const full = concatBytes(call, extra, u32.encode(spec), u32.encode(tx), genesisHash, eraBlockHash);
        const expected = full.length > SIGNING_PAYLOAD_HASH_THRESHOLD ? blake2_256(full) : full;
        expect(signingPayload(call, extra, { specVersion: spec, transactionVersion: tx, genesisHash, eraBlockHash })).toEqual(expected);
      }),
    );
  });
});
