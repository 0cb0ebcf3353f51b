/**
 * `toHex` / `toHexRaw`: the native-encoder path (16 bytes and more) gives exactly the digits of the per-byte loop
 * it replaced, for every length around the switch, for views at any offset into a larger buffer, and for a
 * multi-megabyte input (issue 9: the loop built a rope of one cons-string per byte).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { equalBytes, fromHex, toHex, toHexRaw } from '../../../src/primitives/bytes.js';

/** The implementation before issue 9, kept as the reference. */
function loopHex(bytes: Uint8Array): string {
  const digits = '0123456789abcdef';
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += digits[bytes[i] >> 4] + digits[bytes[i] & 15];
  return out;
}

describe('toHex', () => {
  it('matches the per-byte loop for every length 0..300', () => {
    for (let n = 0; n <= 300; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect(toHex(b)).toBe('0x' + loopHex(b));
      expect(toHexRaw(b)).toBe(loopHex(b));
    }
  });

  it('encodes only the view, for subarrays at any offset of a larger buffer (and Buffers from the pool)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.nat(200), fc.nat(200), (all, a, b) => {
        const start = Math.min(a, all.length);
        const end = Math.min(all.length, start + b);
        const view = all.subarray(start, end);
        expect(toHex(view)).toBe('0x' + loopHex(view));
        const pooled = Buffer.from(view); // small Buffers share one pooled ArrayBuffer at an offset
        expect(toHexRaw(pooled)).toBe(loopHex(view));
      }),
    );
  });

  it('round-trips a 3.5 MB input through fromHex', () => {
    const big = new Uint8Array(3_500_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    const hex = toHex(big);
    expect(hex.length).toBe(2 + 7_000_000);
    expect(hex.slice(0, 66)).toBe('0x' + loopHex(big.subarray(0, 32)));
    expect(equalBytes(fromHex(hex), big)).toBe(true); // (toEqual walks 3.5 M elements for a minute)
  });
});
