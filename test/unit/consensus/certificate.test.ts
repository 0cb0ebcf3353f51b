/**
 * Commit certificates with real ed25519 signatures: what verifies, every way one is refused, canonical building,
 * and the Substrate justification wrapping.
 */
import { describe, expect, it } from 'vitest';
import {
  buildCertificate,
  certificatePrecommits,
  CertificateErrorCode,
  CommitCertificate,
  DCNB_ENGINE_ID,
  decodeJustification,
  encodeJustification,
  Justification,
  verifyCertificate,
  type CommitCertificateValue,
} from '../../../src/consensus/certificate.js';
import { verifyEd25519 } from '../../../src/crypto/verify.js';
import { utf8 } from '../../../src/primitives/bytes.js';
import { block, GENESIS, hashBlock, signVote, testSet } from './harness.js';

const A = hashBlock(block('A'));
const B = hashBlock(block('B'));
const set4 = testSet(4);

function cert(signers: number[], hash = A, round = 0, height = 7): CommitCertificateValue {
  return buildCertificate(height, round, hash, signers.map((i) => signVote(i, 'precommit', height, round, hash)));
}

describe('verifyCertificate', () => {
  it('accepts precommits from more than 2/3 of the weight', () => {
    expect(verifyCertificate(cert([0, 1, 2]), set4, GENESIS, verifyEd25519)).toEqual({ ok: true, weight: 3 });
    expect(verifyCertificate(cert([0, 1, 2, 3]), set4, GENESIS, verifyEd25519, { height: 7, blockHash: A })).toEqual({ ok: true, weight: 4 });
  });

  it('refuses exactly 2/3 or less (too few)', () => {
    expect(verifyCertificate(cert([0, 1]), set4, GENESIS, verifyEd25519)).toEqual({
      ok: false,
      error: { code: CertificateErrorCode.InsufficientWeight, weight: 2, totalWeight: 4 },
    });
    // 6 validators: 4 is exactly 2/3, not more.
    const set6 = testSet(6);
    expect(verifyCertificate(cert([0, 1, 2, 3]), set6, GENESIS, verifyEd25519)).toMatchObject({ ok: false, error: { code: CertificateErrorCode.InsufficientWeight } });
    expect(verifyCertificate(cert([0, 1, 2, 3, 4]), set6, GENESIS, verifyEd25519).ok).toBe(true);
  });

  it('counts weight, not heads', () => {
    const weighted = testSet(4, [5, 1, 1, 1]);
    // 6 of 8 > 2/3.
    expect(verifyCertificate(cert([0, 1]), weighted, GENESIS, verifyEd25519)).toEqual({ ok: true, weight: 6 });
    // 3 of 8 is not, though it is 3 of 4 validators.
    expect(verifyCertificate(cert([1, 2, 3]), weighted, GENESIS, verifyEd25519).ok).toBe(false);
  });

  it('refuses a duplicate signer (one validator listed twice cannot make a quorum)', () => {
    const c = cert([0, 1]);
    const dup = { ...c, precommits: [c.precommits[0], c.precommits[1], c.precommits[1]] };
    expect(verifyCertificate(dup, set4, GENESIS, verifyEd25519)).toEqual({ ok: false, error: { code: CertificateErrorCode.DuplicateSigner, validatorIndex: 1 } });
    const unsorted = { ...cert([0, 1, 2]), precommits: [...cert([0, 1, 2]).precommits].reverse() };
    expect(verifyCertificate(unsorted, set4, GENESIS, verifyEd25519)).toMatchObject({ ok: false, error: { code: CertificateErrorCode.DuplicateSigner } });
  });

  it('refuses signatures over another hash, round or height (wrong hash)', () => {
    const forB = cert([0, 1, 2], B);
    expect(verifyCertificate({ ...forB, blockHash: A }, set4, GENESIS, verifyEd25519)).toEqual({ ok: false, error: { code: CertificateErrorCode.BadSignature, validatorIndex: 0 } });
    expect(verifyCertificate({ ...cert([0, 1, 2]), round: 1 }, set4, GENESIS, verifyEd25519)).toMatchObject({ ok: false, error: { code: CertificateErrorCode.BadSignature } });
    expect(verifyCertificate({ ...cert([0, 1, 2]), height: 8 }, set4, GENESIS, verifyEd25519)).toMatchObject({ ok: false, error: { code: CertificateErrorCode.BadSignature } });
    // Another chain: same votes, other genesis hash in the payload.
    expect(verifyCertificate(cert([0, 1, 2]), set4, hashBlock(utf8('other chain')), verifyEd25519)).toMatchObject({ ok: false, error: { code: CertificateErrorCode.BadSignature } });
    // Prevotes are not precommits (the type is in the payload).
    const prevotes = buildCertificate(7, 0, A, []);
    prevotes.precommits = [0, 1, 2].map((i) => ({ validatorIndex: i, signature: signVote(i, 'prevote', 7, 0, A).signature }));
    expect(verifyCertificate(prevotes, set4, GENESIS, verifyEd25519)).toMatchObject({ ok: false, error: { code: CertificateErrorCode.BadSignature } });
  });

  it('refuses a bad signature even when the others would make a quorum', () => {
    const c = cert([0, 1, 2, 3]);
    const sig = c.precommits[2].signature.slice();
    sig[10] ^= 1;
    c.precommits[2] = { validatorIndex: 2, signature: sig };
    expect(verifyCertificate(c, set4, GENESIS, verifyEd25519)).toEqual({ ok: false, error: { code: CertificateErrorCode.BadSignature, validatorIndex: 2 } });
  });

  it('refuses an index outside the set, and a certificate for another height or block than expected', () => {
    const c = cert([0, 1, 2]);
    expect(verifyCertificate({ ...c, precommits: [...c.precommits, { validatorIndex: 4, signature: new Uint8Array(64) }] }, set4, GENESIS, verifyEd25519)).toEqual({
      ok: false,
      error: { code: CertificateErrorCode.UnknownValidator, validatorIndex: 4 },
    });
    expect(verifyCertificate(c, set4, GENESIS, verifyEd25519, { height: 6 })).toEqual({ ok: false, error: { code: CertificateErrorCode.WrongHeight, expected: 6, actual: 7 } });
    expect(verifyCertificate(c, set4, GENESIS, verifyEd25519, { blockHash: B })).toEqual({ ok: false, error: { code: CertificateErrorCode.WrongBlockHash } });
  });

  it('checks structure before signatures (no verification for a certificate without quorum)', () => {
    let calls = 0;
    const counting = (m: Uint8Array, s: Uint8Array, k: Uint8Array): boolean => (calls++, verifyEd25519(m, s, k));
    verifyCertificate(cert([0, 1]), set4, GENESIS, counting);
    expect(calls).toBe(0);
  });
});

describe('buildCertificate', () => {
  it('keeps one precommit per validator for the block, sorted by index, and skips everything else', () => {
    const c = buildCertificate(7, 0, A, [
      signVote(2, 'precommit', 7, 0, A),
      signVote(0, 'precommit', 7, 0, A),
      signVote(0, 'precommit', 7, 0, A),
      signVote(1, 'precommit', 7, 0, B),
      signVote(1, 'prevote', 7, 0, A),
      signVote(3, 'precommit', 7, 1, A),
      signVote(3, 'precommit', 7, 0, undefined),
    ]);
    expect(c.precommits.map((p) => p.validatorIndex)).toEqual([0, 2]);
  });

  it('round-trips through its signed precommits', () => {
    const c = cert([0, 2, 3]);
    expect(buildCertificate(7, 0, A, certificatePrecommits(c))).toEqual(c);
  });
});

describe('justification', () => {
  it('is (engine id "dcnb", SCALE certificate) and decodes back', () => {
    const c = cert([0, 1, 3]);
    const [engineId, data] = encodeJustification(c);
    expect(new TextDecoder().decode(engineId)).toBe('dcnb');
    expect(engineId).toEqual(DCNB_ENGINE_ID);
    expect(decodeJustification(engineId, data)).toEqual(c);
    expect(decodeJustification(utf8('FRNK'), data)).toBeUndefined();
    // The pair encodes as Substrate's (ConsensusEngineId, EncodedJustification): 4 bytes, then Vec<u8>.
    const pair = Justification.encode([engineId, data]);
    expect(Array.from(pair.subarray(0, 4))).toEqual(Array.from(utf8('dcnb')));
    expect(Justification.decode(pair)).toEqual([engineId, data]);
  });

  it('has the documented byte layout: height u32, round u32, hash, Vec<(u32, [u8; 64])>', () => {
    const c = cert([1, 2, 3], A, 2, 258);
    const bytes = CommitCertificate.encode(c);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([2, 1, 0, 0, 2, 0, 0, 0]);
    expect(bytes.subarray(8, 40)).toEqual(A);
    expect(bytes[40]).toBe(3 << 2);
    expect(bytes.length).toBe(41 + 3 * 68);
  });
});
