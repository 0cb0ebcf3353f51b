/**
 * Consensus messages on the wire (SCALE) and the exact bytes a validator signs for each. Pure; no I/O.
 *
 * Wire format: `SignedMessage { message: ConsensusMessage, signature: [u8; 64] }` where `ConsensusMessage` is
 * `Proposal(Proposal)` (index 0) or `Vote(Vote)` (index 1). A proposal carries the block as opaque bytes; its
 * signature covers the block's hash, not the bytes, so evidence and certificates stay small.
 *
 * Signing payload (domain separated, so a consensus signature can never be replayed as an extrinsic signature, on
 * another chain, or as the other kind of message):
 *
 * ```text
 * SigningPayload { domain: [u8; 7] = "dcn-bft", genesisHash: H256, body: SigningBody }
 * SigningBody    = Proposal(ProposalHeader) = 0 | Vote(Vote) = 1
 * ProposalHeader { height: u32, round: u32, polRound: Option<u32>, validatorIndex: u32, blockHash: H256 }
 * Vote           { type: VoteType (Prevote = 0, Precommit = 1), height: u32, round: u32,
 *                  blockHash: Option<H256> (None = nil), validatorIndex: u32 }
 * ```
 */
import { equalBytes, utf8 } from '../primitives/bytes.js';
import { ScaleDecodeError, ScaleEncodeError } from '../primitives/scale/io.js';
import { bytes, codec, enumeration, fixedBytes, option, struct, u32, type Codec, type ValueOf } from '../primitives/scale/index.js';
import { H256 } from '../primitives/types.js';
import type { ValidatorSet } from './validators.js';

/** The domain tag at the start of every signing payload. */
export const SIGNING_DOMAIN: Uint8Array = utf8('dcn-bft');

/** The two kinds of vote. */
export type VoteType = 'prevote' | 'precommit';

/** `VoteType`: `Prevote` = 0, `Precommit` = 1 (an enum without fields; the value is the lowercase name). */
export const VoteTypeCodec: Codec<VoteType> = codec(
  () => ({
    path: ['dcn_consensus', 'VoteType'],
    params: [],
    def: {
      kind: 'variant',
      variants: [
        { name: 'Prevote', index: 0, fields: [], docs: [] },
        { name: 'Precommit', index: 1, fields: [], docs: [] },
      ],
    },
    docs: ['The kind of a consensus vote.'],
  }),
  (v, w) => {
    if (v === 'prevote') w.u8(0);
    else if (v === 'precommit') w.u8(1);
    else throw new ScaleEncodeError(`unknown vote type ${String(v)}`);
  },
  (r) => {
    const d = r.u8();
    if (d === 0) return 'prevote';
    if (d === 1) return 'precommit';
    throw new ScaleDecodeError(`invalid VoteType ${d}`, r.offset - 1);
  },
);

/** 64-byte ed25519 signature. */
export const Signature64 = fixedBytes(64);

/** A prevote or precommit for a block hash (`blockHash` undefined = nil). */
export const Vote = struct(['dcn_consensus', 'Vote'], {
  type: VoteTypeCodec,
  height: u32,
  round: u32,
  blockHash: option(H256),
  validatorIndex: u32,
});
/** A vote value. */
export type VoteValue = ValueOf<typeof Vote>;

/** A proposal: the block (opaque bytes) proposed by the proposer of (height, round), with its POL round if any. */
export const Proposal = struct(['dcn_consensus', 'Proposal'], {
  height: u32,
  round: u32,
  polRound: option(u32),
  validatorIndex: u32,
  block: bytes,
});
/** A proposal value. */
export type ProposalValue = ValueOf<typeof Proposal>;

/** What a proposer signs: the proposal with the block replaced by its hash. */
export const ProposalHeader = struct(['dcn_consensus', 'ProposalHeader'], {
  height: u32,
  round: u32,
  polRound: option(u32),
  validatorIndex: u32,
  blockHash: H256,
});
/** A proposal header value. */
export type ProposalHeaderValue = ValueOf<typeof ProposalHeader>;

/** An unsigned consensus message: `Proposal` = 0, `Vote` = 1. */
export const ConsensusMessage = enumeration(['dcn_consensus', 'ConsensusMessage'], { Proposal, Vote });
/** A consensus message value. */
export type ConsensusMessageValue = ValueOf<typeof ConsensusMessage>;

/** A consensus message with the ed25519 signature of its signing payload (the gossip wire format). */
export const SignedMessage = struct(['dcn_consensus', 'SignedMessage'], { message: ConsensusMessage, signature: Signature64 });
/** A signed message value. */
export type SignedMessageValue = ValueOf<typeof SignedMessage>;

/** A vote with its signature (the form votes take inside evidence). */
export const SignedVote = struct(['dcn_consensus', 'SignedVote'], { vote: Vote, signature: Signature64 });
/** A signed vote value. */
export type SignedVoteValue = ValueOf<typeof SignedVote>;

/** A proposal header with its signature (the form proposals take inside evidence). */
export const SignedProposalHeader = struct(['dcn_consensus', 'SignedProposalHeader'], {
  header: ProposalHeader,
  signature: Signature64,
});
/** A signed proposal header value. */
export type SignedProposalHeaderValue = ValueOf<typeof SignedProposalHeader>;

const SigningBody = enumeration(['dcn_consensus', 'SigningBody'], { Proposal: ProposalHeader, Vote });

/** The domain-separated bytes a validator signs (see the module doc). */
export const SigningPayload = struct(['dcn_consensus', 'SigningPayload'], {
  domain: fixedBytes(SIGNING_DOMAIN.length),
  genesisHash: H256,
  body: SigningBody,
});

/** The bytes a proposer signs for `header` on the chain with `genesisHash`. */
export function proposalSigningPayload(genesisHash: Uint8Array, header: ProposalHeaderValue): Uint8Array {
  return SigningPayload.encode({ domain: SIGNING_DOMAIN, genesisHash, body: { tag: 'Proposal', value: header } });
}

/** The bytes a validator signs for `vote` on the chain with `genesisHash`. */
export function voteSigningPayload(genesisHash: Uint8Array, vote: VoteValue): Uint8Array {
  return SigningPayload.encode({ domain: SIGNING_DOMAIN, genesisHash, body: { tag: 'Vote', value: vote } });
}

/** The header of `proposal` given its block hash. */
export function proposalHeader(proposal: ProposalValue, blockHash: Uint8Array): ProposalHeaderValue {
  return {
    height: proposal.height,
    round: proposal.round,
    polRound: proposal.polRound,
    validatorIndex: proposal.validatorIndex,
    blockHash,
  };
}

/** The steps of a round that sign a message, in order. */
export type SignedStep = 'propose' | 'prevote' | 'precommit';

/** Height, round and step of a message: the unit of double-sign protection. */
export interface Hrs {
  /** Block height, 1 ≤ height ≤ 2^32 − 1. */
  readonly height: number;
  /** Round, 0 ≤ round ≤ 2^32 − 1. */
  readonly round: number;
  readonly step: SignedStep;
}

const STEP_ORDER: Record<SignedStep, number> = { propose: 0, prevote: 1, precommit: 2 };

/** Order of a step within a round: propose 0 < prevote 1 < precommit 2. */
export function stepOrder(step: SignedStep): number {
  return STEP_ORDER[step];
}

/** Compare two (height, round, step) triples lexicographically: negative, zero or positive. */
export function compareHrs(a: Hrs, b: Hrs): number {
  return a.height - b.height || a.round - b.round || STEP_ORDER[a.step] - STEP_ORDER[b.step];
}

/** The (height, round, step) a message is signed at. */
export function messageHrs(message: ConsensusMessageValue): Hrs {
  const m = message.value;
  const step: SignedStep = message.tag === 'Proposal' ? 'propose' : message.value.type;
  return { height: m.height, round: m.round, step };
}

/** Signature verification injected into the pure code: true when `signature` by `publicKey` covers `message`. */
export type VerifyFn = (message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => boolean;

/** Block hash function injected into the pure code (the node's is blake2-256 of the SCALE header). */
export type HashBlockFn = (block: Uint8Array) => Uint8Array;

/** The signing payload of an unsigned message (`hashBlock` hashes a proposal's block). */
export function signingPayloadOf(genesisHash: Uint8Array, message: ConsensusMessageValue, hashBlock: HashBlockFn): Uint8Array {
  if (message.tag === 'Vote') return voteSigningPayload(genesisHash, message.value);
  return proposalSigningPayload(genesisHash, proposalHeader(message.value, hashBlock(message.value.block)));
}

/**
 * True when `signed` is signed by the validator it names in `set` on the chain with `genesisHash` (for a proposal
 * the signer must also be the proposer of its height and round). Cheap checks first; `verify` last.
 */
export function verifySignedMessage(
  signed: SignedMessageValue,
  set: ValidatorSet,
  genesisHash: Uint8Array,
  verify: VerifyFn,
  hashBlock: HashBlockFn,
): boolean {
  const m = signed.message;
  const key = set.publicKey(m.value.validatorIndex);
  if (key === undefined || signed.signature.length !== 64) return false;
  if (m.tag === 'Proposal') {
    if (set.proposer(m.value.height, m.value.round) !== m.value.validatorIndex) return false;
    if (m.value.polRound !== undefined && m.value.polRound >= m.value.round) return false;
  }
  return verify(signingPayloadOf(genesisHash, m, hashBlock), signed.signature, key);
}

/** Equality of two optional hashes (undefined = nil). */
export function equalOptionalHash(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return equalBytes(a, b);
}
