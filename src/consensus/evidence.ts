/**
 * Equivocation evidence: proof, checkable by anyone holding the validator set, that a validator signed two
 * conflicting messages. Pure; no I/O.
 *
 * - `DuplicateVote`: two votes by one validator with the same height, round and type for different block hashes
 *   (nil counts as a value: a prevote for B and a prevote for nil conflict).
 * - `ConflictingProposal`: two proposals by the proposer of one height and round that differ (block hash or POL
 *   round). The signature covers the proposal header, so the evidence carries headers, not blocks.
 *
 * Evidence is canonical: the two messages are ordered by their SCALE bytes, so every node that sees the same pair
 * produces the same evidence bytes whatever order the messages arrived in.
 */
import { compareBytes, equalBytes } from '../primitives/bytes.js';
import { enumeration, fields, type ValueOf } from '../primitives/scale/index.js';
import {
  equalOptionalHash,
  proposalSigningPayload,
  SignedProposalHeader,
  SignedVote,
  voteSigningPayload,
  type SignedMessageValue,
  type SignedProposalHeaderValue,
  type SignedVoteValue,
  type VerifyFn,
} from './messages.js';
import type { ValidatorSet } from './validators.js';

/** Equivocation evidence (`DuplicateVote` = 0, `ConflictingProposal` = 1). */
export const Evidence = enumeration(['dcn_consensus', 'Evidence'], {
  DuplicateVote: fields({ a: SignedVote, b: SignedVote }),
  ConflictingProposal: fields({ a: SignedProposalHeader, b: SignedProposalHeader }),
});
/** An evidence value. */
export type EvidenceValue = ValueOf<typeof Evidence>;

/** Who equivocated, and where. */
export interface Offence {
  /** Height, 1 ≤ height ≤ 2^32 − 1. */
  height: number;
  /** Round, 0 ≤ round ≤ 2^32 − 1. */
  round: number;
  /** Index of the offender in the validator set of `height` (0 ≤ index < 100). */
  validatorIndex: number;
  /** `propose`, `prevote` or `precommit`. */
  step: 'propose' | 'prevote' | 'precommit';
}

/** The vote inside a signed message, or `undefined` for a proposal. */
export function signedVoteOf(signed: SignedMessageValue): SignedVoteValue | undefined {
  return signed.message.tag === 'Vote' ? { vote: signed.message.value, signature: signed.signature } : undefined;
}

/** Evidence when `a` and `b` are conflicting votes of one validator at one (height, round, type); else `undefined`. */
export function detectDuplicateVote(a: SignedVoteValue, b: SignedVoteValue): EvidenceValue | undefined {
  const x = a.vote;
  const y = b.vote;
  if (x.height !== y.height || x.round !== y.round || x.type !== y.type || x.validatorIndex !== y.validatorIndex) return undefined;
  if (equalOptionalHash(x.blockHash, y.blockHash)) return undefined;
  const [first, second] = compareBytes(SignedVote.encode(a), SignedVote.encode(b)) <= 0 ? [a, b] : [b, a];
  return { tag: 'DuplicateVote', value: { a: first, b: second } };
}

/** Evidence when `a` and `b` are different proposals of one proposer at one (height, round); else `undefined`. */
export function detectConflictingProposal(a: SignedProposalHeaderValue, b: SignedProposalHeaderValue): EvidenceValue | undefined {
  const x = a.header;
  const y = b.header;
  if (x.height !== y.height || x.round !== y.round || x.validatorIndex !== y.validatorIndex) return undefined;
  if (equalBytes(x.blockHash, y.blockHash) && x.polRound === y.polRound) return undefined;
  const [first, second] = compareBytes(SignedProposalHeader.encode(a), SignedProposalHeader.encode(b)) <= 0 ? [a, b] : [b, a];
  return { tag: 'ConflictingProposal', value: { a: first, b: second } };
}

/** The offence `evidence` proves (assuming it verifies). */
export function offenceOf(evidence: EvidenceValue): Offence {
  if (evidence.tag === 'DuplicateVote') {
    const v = evidence.value.a.vote;
    return { height: v.height, round: v.round, validatorIndex: v.validatorIndex, step: v.type };
  }
  const h = evidence.value.a.header;
  return { height: h.height, round: h.round, validatorIndex: h.validatorIndex, step: 'propose' };
}

/** Why evidence was refused. */
export enum EvidenceErrorCode {
  /** The two messages do not conflict (different slots, or the same value). */
  NotConflicting = 'NotConflicting',
  /** The offender is not in the validator set, or a proposal's signer is not the proposer of its round. */
  UnknownValidator = 'UnknownValidator',
  /** One of the signatures does not verify. */
  BadSignature = 'BadSignature',
}

/** The verdict of {@link verifyEvidence}. */
export type EvidenceVerdict = { ok: true; offence: Offence } | { ok: false; code: EvidenceErrorCode };

/**
 * Check `evidence` against `set` (the validator set of the offence's height) on the chain with `genesisHash`: the
 * two messages conflict and both signatures are the offender's.
 */
export function verifyEvidence(evidence: EvidenceValue, set: ValidatorSet, genesisHash: Uint8Array, verify: VerifyFn): EvidenceVerdict {
  if (evidence.tag === 'DuplicateVote') {
    const { a, b } = evidence.value;
    if (detectDuplicateVote(a, b) === undefined) return { ok: false, code: EvidenceErrorCode.NotConflicting };
    const key = set.publicKey(a.vote.validatorIndex);
    if (key === undefined) return { ok: false, code: EvidenceErrorCode.UnknownValidator };
    if (!verify(voteSigningPayload(genesisHash, a.vote), a.signature, key) || !verify(voteSigningPayload(genesisHash, b.vote), b.signature, key)) {
      return { ok: false, code: EvidenceErrorCode.BadSignature };
    }
    return { ok: true, offence: offenceOf(evidence) };
  }
  const { a, b } = evidence.value;
  if (detectConflictingProposal(a, b) === undefined) return { ok: false, code: EvidenceErrorCode.NotConflicting };
  const key = set.publicKey(a.header.validatorIndex);
  if (key === undefined || set.proposer(a.header.height, a.header.round) !== a.header.validatorIndex) {
    return { ok: false, code: EvidenceErrorCode.UnknownValidator };
  }
  if (!verify(proposalSigningPayload(genesisHash, a.header), a.signature, key) || !verify(proposalSigningPayload(genesisHash, b.header), b.signature, key)) {
    return { ok: false, code: EvidenceErrorCode.BadSignature };
  }
  return { ok: true, offence: offenceOf(evidence) };
}
