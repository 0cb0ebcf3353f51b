/**
 * Commit certificates: more than 2/3 of the validator weight in precommits for one block at one (height, round).
 * Stored beside the block as its Substrate justification `(engineId = "dcnb", SCALE(CommitCertificate))` and checked
 * by every node that imports the block from a peer, and by the auditor's replay. Pure; no I/O.
 *
 * Canonical form: precommits sorted by strictly increasing `validatorIndex` (so each signer appears once and two
 * nodes encode the same set of signatures to the same bytes). Only the signatures are stored: the signed vote is
 * rebuilt as `Vote { Precommit, height, round, Some(blockHash), validatorIndex }`.
 */
import { equalBytes, utf8 } from '../primitives/bytes.js';
import { bytes, fixedBytes, struct, tuple, u32, vec, type ValueOf } from '../primitives/scale/index.js';
import { H256 } from '../primitives/types.js';
import { Signature64, voteSigningPayload, type SignedMessageValue, type VerifyFn } from './messages.js';
import { MAX_CONSENSUS_VALIDATORS, type ValidatorSet } from './validators.js';

/** The consensus engine id of this chain's justifications (`ConsensusEngineId = [u8; 4]`). */
export const DCNB_ENGINE_ID: Uint8Array = utf8('dcnb');

/** One signer of a certificate. */
export const PrecommitSignature = struct(['dcn_consensus', 'PrecommitSignature'], { validatorIndex: u32, signature: Signature64 });
/** A precommit signature value. */
export type PrecommitSignatureValue = ValueOf<typeof PrecommitSignature>;

/** A commit certificate (the justification of a block). */
export const CommitCertificate = struct(['dcn_consensus', 'CommitCertificate'], {
  height: u32,
  round: u32,
  blockHash: H256,
  precommits: vec(PrecommitSignature, MAX_CONSENSUS_VALIDATORS),
});
/** A commit certificate value. */
export type CommitCertificateValue = ValueOf<typeof CommitCertificate>;

/** Substrate's `(ConsensusEngineId, EncodedJustification)`. */
export const Justification = tuple<[Uint8Array, Uint8Array]>(fixedBytes(4), bytes);

/** Why a certificate was refused. */
export enum CertificateErrorCode {
  /** A precommit names an index outside the validator set. */
  UnknownValidator = 'UnknownValidator',
  /** A validator appears twice, or the precommits are not sorted by index. */
  DuplicateSigner = 'DuplicateSigner',
  /** A signature does not verify for the precommit it stands for. */
  BadSignature = 'BadSignature',
  /** The distinct valid signers hold 2/3 of the weight or less. */
  InsufficientWeight = 'InsufficientWeight',
  /** The certificate is for another height than expected. */
  WrongHeight = 'WrongHeight',
  /** The certificate is for another block than expected. */
  WrongBlockHash = 'WrongBlockHash',
}

/** A refused certificate: the code and what it concerns. */
export type CertificateError =
  | { code: CertificateErrorCode.UnknownValidator; validatorIndex: number }
  | { code: CertificateErrorCode.DuplicateSigner; validatorIndex: number }
  | { code: CertificateErrorCode.BadSignature; validatorIndex: number }
  | { code: CertificateErrorCode.InsufficientWeight; weight: number; totalWeight: number }
  | { code: CertificateErrorCode.WrongHeight; expected: number; actual: number }
  | { code: CertificateErrorCode.WrongBlockHash };

/** The verdict of {@link verifyCertificate}. */
export type CertificateVerdict = { ok: true; weight: number } | { ok: false; error: CertificateError };

/** What the caller expects the certificate to be for (checked before any signature). */
export interface CertificateExpectation {
  /** The height of the block it justifies. */
  height?: number;
  /** The hash of the block it justifies. */
  blockHash?: Uint8Array;
}

/**
 * Check that more than 2/3 of `set`'s weight signed precommits for `cert.blockHash` at `cert.height`/`cert.round` on
 * the chain with `genesisHash`. Every listed signature must verify (a bad one refuses the certificate rather than
 * being skipped: honest nodes never produce one). `verify` is injected (the node's `verifyEd25519`).
 */
export function verifyCertificate(
  cert: CommitCertificateValue,
  set: ValidatorSet,
  genesisHash: Uint8Array,
  verify: VerifyFn,
  expect: CertificateExpectation = {},
): CertificateVerdict {
  if (expect.height !== undefined && expect.height !== cert.height) {
    return { ok: false, error: { code: CertificateErrorCode.WrongHeight, expected: expect.height, actual: cert.height } };
  }
  if (expect.blockHash !== undefined && !equalBytes(expect.blockHash, cert.blockHash)) {
    return { ok: false, error: { code: CertificateErrorCode.WrongBlockHash } };
  }
  // Structure first (cheap), signatures after.
  let previous = -1;
  let weight = 0;
  for (const p of cert.precommits) {
    if (p.validatorIndex >= set.size) return { ok: false, error: { code: CertificateErrorCode.UnknownValidator, validatorIndex: p.validatorIndex } };
    if (p.validatorIndex <= previous) return { ok: false, error: { code: CertificateErrorCode.DuplicateSigner, validatorIndex: p.validatorIndex } };
    previous = p.validatorIndex;
    weight += set.weightOf(p.validatorIndex);
  }
  if (!set.hasQuorum(weight)) {
    return { ok: false, error: { code: CertificateErrorCode.InsufficientWeight, weight, totalWeight: set.totalWeight } };
  }
  for (const p of cert.precommits) {
    const payload = voteSigningPayload(genesisHash, {
      type: 'precommit',
      height: cert.height,
      round: cert.round,
      blockHash: cert.blockHash,
      validatorIndex: p.validatorIndex,
    });
    if (!verify(payload, p.signature, set.publicKey(p.validatorIndex)!)) {
      return { ok: false, error: { code: CertificateErrorCode.BadSignature, validatorIndex: p.validatorIndex } };
    }
  }
  return { ok: true, weight };
}

/**
 * A certificate from signed precommits for `blockHash` at (`height`, `round`); other messages among `precommits`
 * are skipped, and the result is in canonical order (one entry per validator, by index).
 */
export function buildCertificate(
  height: number,
  round: number,
  blockHash: Uint8Array,
  precommits: Iterable<SignedMessageValue>,
): CommitCertificateValue {
  const byIndex = new Map<number, Uint8Array>();
  for (const s of precommits) {
    if (s.message.tag !== 'Vote') continue;
    const v = s.message.value;
    if (v.type !== 'precommit' || v.height !== height || v.round !== round || v.blockHash === undefined) continue;
    if (!equalBytes(v.blockHash, blockHash) || byIndex.has(v.validatorIndex)) continue;
    byIndex.set(v.validatorIndex, s.signature);
  }
  const indices = [...byIndex.keys()].sort((a, b) => a - b);
  return { height, round, blockHash, precommits: indices.map((validatorIndex) => ({ validatorIndex, signature: byIndex.get(validatorIndex)! })) };
}

/** The signed precommit messages a certificate stands for (to gossip them to a validator still at that height). */
export function certificatePrecommits(cert: CommitCertificateValue): SignedMessageValue[] {
  return cert.precommits.map((p) => ({
    message: {
      tag: 'Vote' as const,
      value: { type: 'precommit' as const, height: cert.height, round: cert.round, blockHash: cert.blockHash, validatorIndex: p.validatorIndex },
    },
    signature: p.signature,
  }));
}

/** The justification of a block: `(DCNB_ENGINE_ID, SCALE(cert))`, as Substrate's `Justifications` holds it. */
export function encodeJustification(cert: CommitCertificateValue): [Uint8Array, Uint8Array] {
  return [DCNB_ENGINE_ID, CommitCertificate.encode(cert)];
}

/** The certificate in a justification, or `undefined` when the engine id is not `dcnb`; throws on malformed bytes. */
export function decodeJustification(engineId: Uint8Array, data: Uint8Array): CommitCertificateValue | undefined {
  if (!equalBytes(engineId, DCNB_ENGINE_ID)) return undefined;
  return CommitCertificate.decode(data);
}
