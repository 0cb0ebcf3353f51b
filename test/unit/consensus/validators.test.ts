/** The validator set: quorum arithmetic, proposer rotation and its checks. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createValidatorSet, MAX_CONSENSUS_VALIDATORS, ValidatorSetError } from '../../../src/consensus/validators.js';

const key = (i: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, k) => (k === 0 ? i & 0xff : k === 1 ? i >> 8 : 7));
const setOf = (weights: number[]) => createValidatorSet(weights.map((weight, i) => ({ sessionKey: key(i), weight })));

describe('quorum arithmetic', () => {
  it('is strictly more than 2/3 and strictly more than 1/3 of the total weight', () => {
    const s = setOf([1, 1, 1, 1]);
    expect([0, 1, 2, 3, 4].map((w) => s.hasQuorum(w))).toEqual([false, false, false, true, true]);
    expect([0, 1, 2].map((w) => s.exceedsOneThird(w))).toEqual([false, false, true]);
    expect(s.maxFaultyWeight).toBe(1);
    const six = setOf([1, 1, 1, 1, 1, 1]);
    expect(six.hasQuorum(4)).toBe(false);
    expect(six.hasQuorum(5)).toBe(true);
  });

  it('two quorums always share more than 1/3 of the weight (so an honest validator when faults stay below 1/3)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }), fc.nat(), (weights, pick) => {
        const s = setOf(weights);
        // Smallest quorum by weight from the heaviest validators down, and from the lightest up.
        const total = s.totalWeight;
        const minQuorum = Math.floor((2 * total) / 3) + 1;
        expect(s.hasQuorum(minQuorum)).toBe(true);
        expect(s.hasQuorum(minQuorum - 1)).toBe(false);
        expect(s.exceedsOneThird(2 * minQuorum - total)).toBe(true);
        expect(s.weightOf(pick % weights.length)).toBe(weights[pick % weights.length]);
      }),
    );
  });
});

describe('proposer rotation', () => {
  it('is (height + round) mod n with equal weights', () => {
    const s = setOf([1, 1, 1, 1]);
    for (let h = 1; h < 6; h++) for (let r = 0; r < 6; r++) expect(s.proposer(h, r)).toBe((h + r) % 4);
    // Equal weights other than 1 behave the same (weights are divided by their gcd).
    const s3 = setOf([3, 3, 3, 3]);
    for (let h = 1; h < 6; h++) expect(s3.proposer(h, 0)).toBe(h % 4);
  });

  it('gives each validator turns in proportion to its weight, spread out', () => {
    const s = setOf([3, 1, 2]);
    const turns = Array.from({ length: 6 }, (_, k) => s.proposer(k, 0));
    expect(turns.filter((t) => t === 0)).toHaveLength(3);
    expect(turns.filter((t) => t === 1)).toHaveLength(1);
    expect(turns.filter((t) => t === 2)).toHaveLength(2);
    // Smooth: the heavy validator never proposes three times in a row.
    expect(turns).toEqual([0, 2, 0, 1, 2, 0]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 12 }), fc.nat(1000), (weights, start) => {
        const set = setOf(weights);
        const g = weights.reduce((a, b) => gcd(a, b));
        const period = set.totalWeight / g;
        const counts = new Array<number>(weights.length).fill(0);
        for (let k = 0; k < period; k++) counts[set.proposer(start + k, 0)]++;
        expect(counts).toEqual(weights.map((w) => w / g));
      }),
    );
  });
});

describe('createValidatorSet', () => {
  it('refuses an empty, oversized, duplicated or badly weighted set, and a malformed key', () => {
    expect(() => createValidatorSet([])).toThrow(ValidatorSetError);
    expect(() => setOf(new Array<number>(MAX_CONSENSUS_VALIDATORS + 1).fill(1))).toThrow(/at most/);
    expect(() => createValidatorSet([{ sessionKey: key(1) }, { sessionKey: key(1) }])).toThrow(/duplicate/);
    for (const w of [0, -1, 1.5, 1_000_001]) expect(() => setOf([w])).toThrow(/weight/);
    expect(() => createValidatorSet([{ sessionKey: new Uint8Array(31) }])).toThrow(/32 bytes/);
    expect(() => setOf([100_000, 99_999])).toThrow(/proposer sequence/);
  });

  it('defaults weights to 1 and finds validators by session key', () => {
    const s = createValidatorSet([{ sessionKey: key(0) }, { sessionKey: key(1) }]);
    expect(s.totalWeight).toBe(2);
    expect(s.indexOf(key(1))).toBe(1);
    expect(s.indexOf(key(9))).toBe(-1);
    expect(s.publicKey(2)).toBeUndefined();
  });
});

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
