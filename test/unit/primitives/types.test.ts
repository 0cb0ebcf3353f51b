/**
 * Eras (construction, encoding, birth and death) against `@polkadot/types`' ExtrinsicEra and Substrate's
 * rules, and the header/digest helpers of the shared types.
 */
import { TypeRegistry } from '@polkadot/types';
import { u8aToHex } from '@polkadot/util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScaleDecodeError, ScaleEncodeError } from '../../../src/primitives/scale/index.js';
import { EraCodec, eraBirth, eraDeath, ERA_MAX_PERIOD, mortalEra, type Era } from '../../../src/primitives/types.js';

const registry = new TypeRegistry();
const hex = (b: Uint8Array) => u8aToHex(b);

describe('Era against @polkadot/types ExtrinsicEra', () => {
  it('mortalEra(period, current) encodes exactly like ExtrinsicEra({ current, period }) for many pairs', () => {
    const check = (period: number, current: number) => {
      const ours = mortalEra(period, current);
      const pjs = registry.createType('ExtrinsicEra', { current, period });
      expect(hex(EraCodec.encode(ours)), `period ${period} current ${current}`).toBe(hex(pjs.toU8a()));
      // pjs keeps the unquantized phase in memory; the bytes (and so what is signed) are what must agree.
      const decoded = registry.createType('ExtrinsicEra', pjs.toU8a()).asMortalEra;
      expect(ours).toEqual({ tag: 'Mortal', period: decoded.period.toNumber(), phase: decoded.phase.toNumber() });
    };
    // Every power of two and its neighbours, at small and large currents (quantized phases from 8,192 up).
    for (let p = 1; p <= 1 << 17; p *= 2) {
      for (const period of [p - 1, p, p + 1]) for (const current of [0, 1, 42, 1234, 4095, 65_535, 65_536, 123_456_789, 0xffffffff]) if (period > 0) check(period, current);
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 18 }), fc.integer({ min: 0, max: 0xffffffff }), check),
      { numRuns: 400 },
    );
  });

  it('birth and death agree with pjs MortalEra.birth/death', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 17 }), fc.integer({ min: 0, max: 1 << 24 }), fc.integer({ min: 0, max: 1 << 24 }), (period, signedAt, current) => {
        const era = mortalEra(period, signedAt);
        const pjs = registry.createType('ExtrinsicEra', EraCodec.encode(era)).asMortalEra;
        expect(eraBirth(era, current)).toBe(pjs.birth(current));
        expect(eraDeath(era, current)).toBe(pjs.death(current));
        // Substrate's definitions: birth ≤ current < death once current ≥ phase, and death = birth + period.
        if (era.tag === 'Mortal' && current >= era.phase) {
          expect(eraBirth(era, current)).toBeLessThanOrEqual(current);
          expect(eraDeath(era, current)).toBeGreaterThan(current);
        }
        expect(eraDeath(era, current) - eraBirth(era, current)).toBe(era.tag === 'Mortal' ? era.period : Infinity);
      }),
      { numRuns: 400 },
    );
  });

  it('immortal: one zero byte, born at genesis, never dies', () => {
    const imm: Era = { tag: 'Immortal' };
    expect(hex(EraCodec.encode(imm))).toBe(hex(registry.createType('ExtrinsicEra').toU8a()));
    expect(hex(EraCodec.encode(imm))).toBe('0x00');
    expect(EraCodec.decode(new Uint8Array([0]))).toEqual(imm);
    expect(eraBirth(imm, 1000)).toBe(0);
    expect(eraDeath(imm, 1000)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('known vectors: the reference example and Substrate’s own', () => {
    // shared/reference §3: `25 01` = period 64, phase 18 (signed at block 1234).
    expect(hex(EraCodec.encode(mortalEra(64, 1234)))).toBe('0x2501');
    expect(EraCodec.decode(new Uint8Array([0x25, 0x01]))).toEqual({ tag: 'Mortal', period: 64, phase: 18 });
    expect(eraBirth(mortalEra(64, 1234), 1234)).toBe(1234);
    // sp_runtime era tests: mortal(64, 42) = Mortal(64, 42); mortal(200, 513) = Mortal(256, 1); clamped to [4, 65536].
    expect(mortalEra(64, 42)).toEqual({ tag: 'Mortal', period: 64, phase: 42 });
    expect(mortalEra(200, 513)).toEqual({ tag: 'Mortal', period: 256, phase: 1 });
    expect(mortalEra(2, 1)).toEqual({ tag: 'Mortal', period: 4, phase: 1 });
    expect(mortalEra(1 << 20, 5)).toEqual({ tag: 'Mortal', period: ERA_MAX_PERIOD, phase: 0 });
    expect(mortalEra(32_768, 20_000)).toEqual({ tag: 'Mortal', period: 32_768, phase: 20_000 });
    expect(mortalEra(65_536, 20_001)).toEqual({ tag: 'Mortal', period: 65_536, phase: 20_000 });
  });

  it('every two-byte input decodes iff Substrate accepts it, and re-encodes to the same bytes', () => {
    let valid = 0;
    const wrong: string[] = [];
    for (let v = 0; v < 0x10000; v++) {
      const b = new Uint8Array([v & 0xff, v >> 8]);
      if (b[0] === 0) continue; // immortal: one byte (a second byte is trailing)
      const low = v & 15;
      const period = 2 << low;
      const phase = (v >> 4) * Math.max(period >> 12, 1);
      const accepted = period >= 4 && phase < period;
      let got: Era | Error;
      try {
        got = EraCodec.decode(b);
      } catch (e) {
        got = e as Error;
      }
      if (!accepted) {
        if (!(got instanceof ScaleDecodeError)) wrong.push(`${hex(b)} accepted`);
        continue;
      }
      valid++;
      if (got instanceof Error || got.tag !== 'Mortal' || got.period !== period || got.phase !== phase) wrong.push(`${hex(b)} decoded wrong`);
      else if (hex(EraCodec.encode(got)) !== hex(b)) wrong.push(`${hex(b)} re-encoded differently`);
    }
    expect(wrong).toEqual([]);
    // Σ over periods 4..65536 of their distinct quantized phases: 4 + 8 + … + 2048 + 5 × 4096.
    expect(valid).toBe(24_572);
  });

  it('refuses to encode an invalid mortal era and to decode a truncated one', () => {
    expect(() => EraCodec.encode({ tag: 'Mortal', period: 3, phase: 0 })).toThrow(ScaleEncodeError);
    expect(() => EraCodec.encode({ tag: 'Mortal', period: 64, phase: 64 })).toThrow(ScaleEncodeError);
    expect(() => EraCodec.encode({ tag: 'Mortal', period: 1 << 17, phase: 0 })).toThrow(ScaleEncodeError);
    expect(() => EraCodec.decode(new Uint8Array([0x25]))).toThrow(ScaleDecodeError);
    expect(() => EraCodec.decode(new Uint8Array([]))).toThrow(ScaleDecodeError);
    expect(() => EraCodec.decode(new Uint8Array([0, 0]))).toThrow(ScaleDecodeError);
  });
});
