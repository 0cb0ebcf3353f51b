/** Wire codecs and signing payloads of consensus messages. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareHrs,
  ConsensusMessage,
  messageHrs,
  Proposal,
  proposalHeader,
  proposalSigningPayload,
  SIGNING_DOMAIN,
  SignedMessage,
  verifySignedMessage,
  Vote,
  voteSigningPayload,
  type ProposalValue,
  type VoteValue,
} from '../../../src/consensus/messages.js';
import { verifyEd25519 } from '../../../src/crypto/verify.js';
import { utf8 } from '../../../src/primitives/bytes.js';
import { block, GENESIS, hashBlock, signProposal, signVote, testSet } from './harness.js';

const u32 = fc.nat({ max: 0xffffffff });
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });
const vote: fc.Arbitrary<VoteValue> = fc.record({
  type: fc.constantFrom('prevote' as const, 'precommit' as const),
  height: u32,
  round: u32,
  blockHash: fc.option(hash, { nil: undefined }),
  validatorIndex: u32,
});
const proposal: fc.Arbitrary<ProposalValue> = fc.record({
  height: u32,
  round: u32,
  polRound: fc.option(u32, { nil: undefined }),
  validatorIndex: u32,
  block: fc.uint8Array({ maxLength: 200 }),
});

describe('codecs', () => {
  it('round-trip votes, proposals and signed messages', () => {
    fc.assert(
      fc.property(vote, proposal, fc.uint8Array({ minLength: 64, maxLength: 64 }), (v, p, signature) => {
        expect(Vote.decode(Vote.encode(v))).toEqual(v);
        expect(Proposal.decode(Proposal.encode(p))).toEqual(p);
        for (const message of [{ tag: 'Vote' as const, value: v }, { tag: 'Proposal' as const, value: p }]) {
          expect(SignedMessage.decode(SignedMessage.encode({ message, signature }))).toEqual({ message, signature });
        }
      }),
    );
  });

  it('lay a vote out as type, height, round, Option<hash>, index', () => {
    const h = hashBlock(block('A'));
    const bytes = Vote.encode({ type: 'precommit', height: 1, round: 2, blockHash: h, validatorIndex: 3 });
    expect(Array.from(bytes.subarray(0, 10))).toEqual([1, 1, 0, 0, 0, 2, 0, 0, 0, 1]);
    expect(bytes.subarray(10, 42)).toEqual(h);
    expect(Array.from(bytes.subarray(42))).toEqual([3, 0, 0, 0]);
    expect(Array.from(Vote.encode({ type: 'prevote', height: 1, round: 0, blockHash: undefined, validatorIndex: 0 }))).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // Proposal = variant 0 and Vote = variant 1 of ConsensusMessage.
    expect(ConsensusMessage.encode({ tag: 'Vote', value: { type: 'prevote', height: 1, round: 0, blockHash: undefined, validatorIndex: 0 } })[0]).toBe(1);
  });

  it('reject a bad vote type, a bad option tag and trailing bytes', () => {
    const good = Vote.encode({ type: 'prevote', height: 1, round: 0, blockHash: undefined, validatorIndex: 0 });
    expect(() => Vote.decode(Uint8Array.from([2, ...good.subarray(1)]))).toThrow(/VoteType/);
    const badOption = good.slice();
    badOption[9] = 2;
    expect(() => Vote.decode(badOption)).toThrow(/Option/);
    expect(() => Vote.decode(Uint8Array.from([...good, 0]))).toThrow();
  });
});

describe('signing payloads', () => {
  it('start with "dcn-bft" and the genesis hash, then the body variant', () => {
    const v: VoteValue = { type: 'prevote', height: 4, round: 1, blockHash: undefined, validatorIndex: 2 };
    const payload = voteSigningPayload(GENESIS, v);
    expect(new TextDecoder().decode(payload.subarray(0, 7))).toBe('dcn-bft');
    expect(SIGNING_DOMAIN).toEqual(utf8('dcn-bft'));
    expect(payload.subarray(7, 39)).toEqual(GENESIS);
    expect(payload[39]).toBe(1);
    expect(payload.subarray(40)).toEqual(Vote.encode(v));
    const header = proposalHeader({ height: 4, round: 1, polRound: 0, validatorIndex: 2, block: block('A') }, hashBlock(block('A')));
    expect(proposalSigningPayload(GENESIS, header)[39]).toBe(0);
  });

  it('separate domains: chain, type, round and value all change the payload', () => {
    fc.assert(
      fc.property(vote, vote, (a, b) => {
        const same = a.type === b.type && a.height === b.height && a.round === b.round && a.validatorIndex === b.validatorIndex && String(a.blockHash) === String(b.blockHash);
        expect(Buffer.from(voteSigningPayload(GENESIS, a)).equals(Buffer.from(voteSigningPayload(GENESIS, b)))).toBe(same);
      }),
    );
    const v: VoteValue = { type: 'prevote', height: 1, round: 0, blockHash: undefined, validatorIndex: 0 };
    expect(voteSigningPayload(GENESIS, v)).not.toEqual(voteSigningPayload(hashBlock(utf8('other')), v));
  });

  it('verifySignedMessage accepts real signatures and refuses the wrong proposer or key', () => {
    const set = testSet(4);
    expect(verifySignedMessage(signVote(2, 'precommit', 1, 0, undefined), set, GENESIS, verifyEd25519, hashBlock)).toBe(true);
    expect(verifySignedMessage(signProposal(1, 1, 0, block('A')), set, GENESIS, verifyEd25519, hashBlock)).toBe(true);
    expect(verifySignedMessage(signProposal(2, 1, 0, block('A')), set, GENESIS, verifyEd25519, hashBlock)).toBe(false);
    const stolen = signVote(2, 'precommit', 1, 0, undefined);
    const relabelled = { ...stolen, message: { tag: 'Vote' as const, value: { ...(stolen.message.value as VoteValue), validatorIndex: 3 } } };
    expect(verifySignedMessage(relabelled, set, GENESIS, verifyEd25519, hashBlock)).toBe(false);
  });
});

describe('height, round, step order', () => {
  it('orders by height, then round, then propose < prevote < precommit', () => {
    const p = messageHrs(signProposal(1, 1, 0, block('A')).message);
    const pv = messageHrs(signVote(0, 'prevote', 1, 0, undefined).message);
    const pc = messageHrs(signVote(0, 'precommit', 1, 0, undefined).message);
    const next = messageHrs(signVote(0, 'prevote', 1, 1, undefined).message);
    const later = messageHrs(signVote(0, 'prevote', 2, 0, undefined).message);
    const ordered = [p, pv, pc, next, later];
    for (let i = 1; i < ordered.length; i++) expect(compareHrs(ordered[i - 1], ordered[i])).toBeLessThan(0);
    expect(compareHrs(pv, { ...pv })).toBe(0);
  });
});
