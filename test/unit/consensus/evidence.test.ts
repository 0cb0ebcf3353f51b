/** Equivocation evidence: detection, canonical form, verification with real signatures, and the codec. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectConflictingProposal, detectDuplicateVote, Evidence, EvidenceErrorCode, offenceOf, signedVoteOf, verifyEvidence } from '../../../src/consensus/evidence.js';
import { proposalHeader, type SignedProposalHeaderValue } from '../../../src/consensus/messages.js';
import { verifyEd25519 } from '../../../src/crypto/verify.js';
import { block, GENESIS, hashBlock, signProposal, signVote, testSet } from './harness.js';

const A = hashBlock(block('A'));
const B = hashBlock(block('B'));
const set = testSet(4);
const sv = (...args: Parameters<typeof signVote>) => signedVoteOf(signVote(...args))!;

function header(from: number, round: number, b: Uint8Array, polRound?: number): SignedProposalHeaderValue {
  const s = signProposal(from, 1, round, b, polRound);
  if (s.message.tag !== 'Proposal') throw new Error('unreachable');
  return { header: proposalHeader(s.message.value, hashBlock(b)), signature: s.signature };
}

describe('detectDuplicateVote', () => {
  it('finds two votes of one validator, height, round and type for different values (nil included)', () => {
    for (const [x, y] of [
      [A, B],
      [A, undefined],
    ] as const) {
      const ev = detectDuplicateVote(sv(2, 'prevote', 5, 1, x), sv(2, 'prevote', 5, 1, y));
      expect(ev?.tag).toBe('DuplicateVote');
      expect(ev && offenceOf(ev)).toEqual({ height: 5, round: 1, validatorIndex: 2, step: 'prevote' });
    }
  });

  it('is not evidence: same value, or different validator, round, height or type', () => {
    expect(detectDuplicateVote(sv(2, 'prevote', 5, 1, A), sv(2, 'prevote', 5, 1, A))).toBeUndefined();
    expect(detectDuplicateVote(sv(2, 'prevote', 5, 1, A), sv(3, 'prevote', 5, 1, B))).toBeUndefined();
    expect(detectDuplicateVote(sv(2, 'prevote', 5, 1, A), sv(2, 'prevote', 5, 2, B))).toBeUndefined();
    expect(detectDuplicateVote(sv(2, 'prevote', 5, 1, A), sv(2, 'prevote', 6, 1, B))).toBeUndefined();
    expect(detectDuplicateVote(sv(2, 'prevote', 5, 1, A), sv(2, 'precommit', 5, 1, B))).toBeUndefined();
  });

  it('is canonical: the same evidence bytes whatever the order of arrival', () => {
    const a = sv(1, 'precommit', 3, 0, A);
    const b = sv(1, 'precommit', 3, 0, undefined);
    expect(Evidence.encode(detectDuplicateVote(a, b)!)).toEqual(Evidence.encode(detectDuplicateVote(b, a)!));
  });
});

describe('detectConflictingProposal', () => {
  it('finds two different proposals of the proposer for one round (block or POL round)', () => {
    expect(detectConflictingProposal(header(1, 0, block('A')), header(1, 0, block('B')))?.tag).toBe('ConflictingProposal');
    expect(detectConflictingProposal(header(2, 1, block('A')), header(2, 1, block('A'), 0))?.tag).toBe('ConflictingProposal');
    expect(detectConflictingProposal(header(1, 0, block('A')), header(1, 0, block('A')))).toBeUndefined();
    expect(detectConflictingProposal(header(1, 0, block('A')), header(2, 1, block('B')))).toBeUndefined();
  });
});

describe('verifyEvidence', () => {
  it('accepts evidence whose two messages are the offender’s and conflict', () => {
    const ev = detectDuplicateVote(sv(3, 'precommit', 9, 2, A), sv(3, 'precommit', 9, 2, B))!;
    expect(verifyEvidence(ev, set, GENESIS, verifyEd25519)).toEqual({ ok: true, offence: { height: 9, round: 2, validatorIndex: 3, step: 'precommit' } });
    const pe = detectConflictingProposal(header(1, 0, block('A')), header(1, 0, block('B')))!;
    expect(verifyEvidence(pe, set, GENESIS, verifyEd25519)).toEqual({ ok: true, offence: { height: 1, round: 0, validatorIndex: 1, step: 'propose' } });
  });

  it('refuses forged evidence: a signature by someone else, another chain, no conflict, an unknown validator', () => {
    const real = sv(3, 'prevote', 9, 2, A);
    const forged = { vote: { ...sv(0, 'prevote', 9, 2, B).vote, validatorIndex: 3 }, signature: sv(0, 'prevote', 9, 2, B).signature };
    expect(verifyEvidence(detectDuplicateVote(real, forged)!, set, GENESIS, verifyEd25519)).toEqual({ ok: false, code: EvidenceErrorCode.BadSignature });
    const ev = detectDuplicateVote(real, sv(3, 'prevote', 9, 2, B))!;
    expect(verifyEvidence(ev, set, hashBlock(block('other chain')), verifyEd25519)).toEqual({ ok: false, code: EvidenceErrorCode.BadSignature });
    expect(verifyEvidence({ tag: 'DuplicateVote', value: { a: real, b: real } }, set, GENESIS, verifyEd25519)).toEqual({ ok: false, code: EvidenceErrorCode.NotConflicting });
    expect(verifyEvidence(ev, testSet(3), GENESIS, verifyEd25519)).toEqual({ ok: false, code: EvidenceErrorCode.UnknownValidator });
    // A "proposal" by a validator that is not the proposer of that round.
    const notProposer = detectConflictingProposal(header(2, 0, block('A')), header(2, 0, block('B')))!;
    expect(verifyEvidence(notProposer, set, GENESIS, verifyEd25519)).toEqual({ ok: false, code: EvidenceErrorCode.UnknownValidator });
  });

  it('round-trips through SCALE', () => {
    fc.assert(
      fc.property(fc.nat(3), fc.nat(1000), fc.boolean(), (who, round, nil) => {
        const ev = detectDuplicateVote(sv(who, 'prevote', 1, round, A), sv(who, 'prevote', 1, round, nil ? undefined : B))!;
        expect(Evidence.decode(Evidence.encode(ev))).toEqual(ev);
      }),
      { numRuns: 20 },
    );
  });
});
