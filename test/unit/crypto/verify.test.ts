import fc from 'fast-check';
import { sr25519Verify } from '@polkadot/util-crypto';
import { describe, expect, it } from 'vitest';
import {
  isValidSr25519PublicKey,
  isWellFormedSr25519Signature,
  sr25519TrapCount,
  verifyEd25519,
  verifySignature,
  verifySr25519,
  type SignatureScheme,
} from '../../../src/crypto/verify.js';
import { utf8 } from '../../../src/primitives/bytes.js';
import { GROUP_ORDER_LE, devPair, flip, withS } from './fixtures.js';

const SCHEMES: SignatureScheme[] = ['sr25519', 'ed25519'];
const msg = utf8('transfer 100 to Bob');

describe.each(SCHEMES)('%s', (scheme) => {
  const alice = devPair(scheme, 'Alice');
  const bob = devPair(scheme, 'Bob');
  const sig = alice.sign(msg);

  it('accepts a keyring signature', () => {
    expect(verifySignature(scheme, msg, sig, alice.publicKey)).toBe(true);
    const empty = alice.sign(new Uint8Array(0));
    expect(verifySignature(scheme, new Uint8Array(0), empty, alice.publicKey)).toBe(true);
    const big = new Uint8Array(10_000).fill(7);
    expect(verifySignature(scheme, big, alice.sign(big), alice.publicKey)).toBe(true);
  });

  it('rejects a tampered message, signature or key', () => {
    expect(verifySignature(scheme, flip(msg, 0), sig, alice.publicKey)).toBe(false);
    expect(verifySignature(scheme, msg.subarray(1), sig, alice.publicKey)).toBe(false);
    expect(verifySignature(scheme, msg, flip(sig, 5), alice.publicKey)).toBe(false); // in R
    expect(verifySignature(scheme, msg, flip(sig, 40), alice.publicKey)).toBe(false); // in s
    expect(verifySignature(scheme, msg, sig, bob.publicKey)).toBe(false);
    expect(verifySignature(scheme, msg, sig, flip(alice.publicKey, 3))).toBe(false);
  });

  it('returns false without throwing on malformed bytes', () => {
    const cases: Array<[Uint8Array, Uint8Array, Uint8Array]> = [
      [msg, sig.subarray(0, 63), alice.publicKey],
      [msg, new Uint8Array([...sig, 0]), alice.publicKey],
      [msg, new Uint8Array(0), alice.publicKey],
      [msg, new Uint8Array(64), alice.publicKey],
      [msg, new Uint8Array(64).fill(0xff), alice.publicKey],
      [msg, sig, alice.publicKey.subarray(0, 31)],
      [msg, sig, new Uint8Array(33)],
      [msg, sig, new Uint8Array(32)],
      [msg, sig, new Uint8Array(32).fill(0xff)],
      [msg, withS(sig, GROUP_ORDER_LE), alice.publicKey], // s = ℓ
    ];
    for (const [m, s, p] of cases) {
      expect(() => verifySignature(scheme, m, s, p)).not.toThrow();
      expect(verifySignature(scheme, m, s, p)).toBe(false);
    }
    // Not even byte arrays.
    const junk = 'abc' as unknown as Uint8Array;
    expect(verifySignature(scheme, junk, sig, alice.publicKey)).toBe(false);
    expect(verifySignature(scheme, msg, junk, alice.publicKey)).toBe(false);
    expect(verifySignature(scheme, msg, sig, undefined as unknown as Uint8Array)).toBe(false);
  });
});

describe('sr25519 specifics', () => {
  const alice = devPair('sr25519', 'Alice');
  const sig = alice.sign(msg);

  it('agrees with util-crypto sr25519Verify', () => {
    expect(sr25519Verify(msg, sig, alice.publicKey)).toBe(true);
    expect(verifySr25519(msg, sig, alice.publicKey)).toBe(true);
    expect(sr25519Verify(flip(msg, 1), sig, alice.publicKey)).toBe(verifySr25519(flip(msg, 1), sig, alice.publicKey));
  });

  it('needs the schnorrkel marker bit', () => {
    expect(isWellFormedSr25519Signature(sig)).toBe(true);
    expect(isWellFormedSr25519Signature(flip(sig, 63, 0x80))).toBe(false);
    expect(verifySr25519(msg, flip(sig, 63, 0x80), alice.publicKey)).toBe(false);
  });

  it('needs a canonical s (below the group order)', () => {
    const lMinus1 = GROUP_ORDER_LE.slice();
    lMinus1[0] -= 1;
    const lPlus1 = GROUP_ORDER_LE.slice();
    lPlus1[0] += 1;
    expect(isWellFormedSr25519Signature(withS(sig, lMinus1))).toBe(true);
    expect(isWellFormedSr25519Signature(withS(sig, GROUP_ORDER_LE))).toBe(false);
    expect(isWellFormedSr25519Signature(withS(sig, lPlus1))).toBe(false);
    const high = new Uint8Array(32).fill(0xff);
    high[31] = 0x7f;
    expect(isWellFormedSr25519Signature(withS(sig, high))).toBe(false);
    const low = new Uint8Array(32).fill(0xff);
    low[31] = 0x0f; // below 2^252, canonical
    expect(isWellFormedSr25519Signature(withS(sig, low))).toBe(true);
    expect(verifySr25519(msg, withS(sig, lMinus1), alice.publicKey)).toBe(false); // well formed, wrong
  });

  it('needs a public key that decodes as a Ristretto point', () => {
    expect(isValidSr25519PublicKey(alice.publicKey)).toBe(true);
    expect(isValidSr25519PublicKey(new Uint8Array(32).fill(0xff))).toBe(false);
    expect(isValidSr25519PublicKey(new Uint8Array(31))).toBe(false);
    expect(isValidSr25519PublicKey(new Uint8Array(32))).toBe(true); // the identity encodes fine (and never verifies)
  });

  it('never traps the WASM verifier on random signatures and keys', () => {
    const trapsBefore = sr25519TrapCount();
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.boolean(),
        fc.boolean(),
        (s, p, mark, realKey) => {
          if (mark) s[63] |= 0x80;
          const key = realKey ? alice.publicKey : p;
          expect(verifySr25519(msg, s, key)).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
    // Every malformed input was caught before reaching WASM: no trap, no instance reload.
    expect(sr25519TrapCount()).toBe(trapsBefore);
    expect(verifySr25519(msg, sig, alice.publicKey)).toBe(true);
  });
});

describe('ed25519 specifics', () => {
  const alice = devPair('ed25519', 'Alice');
  const sig = alice.sign(msg);

  it('rejects a non-canonical s (s + ℓ)', () => {
    // s' = s + ℓ satisfies the verification equation but is not canonical: RFC 8032 requires rejecting it.
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]);
    let l = 0n;
    for (let i = 31; i >= 0; i--) l = (l << 8n) | BigInt(GROUP_ORDER_LE[i]);
    let t = s + l;
    const mall = sig.slice();
    for (let i = 0; i < 32; i++) {
      mall[32 + i] = Number(t & 0xffn);
      t >>= 8n;
    }
    expect(verifyEd25519(msg, mall, alice.publicKey)).toBe(false);
  });

  it('caches key objects without mixing keys up', () => {
    const bob = devPair('ed25519', 'Bob');
    const bobSig = bob.sign(msg);
    for (let i = 0; i < 3; i++) {
      expect(verifyEd25519(msg, sig, alice.publicKey)).toBe(true);
      expect(verifyEd25519(msg, bobSig, bob.publicKey)).toBe(true);
      expect(verifyEd25519(msg, bobSig, alice.publicKey)).toBe(false);
    }
  });

  it('an unknown scheme is false', () => {
    expect(verifySignature('ecdsa' as SignatureScheme, msg, sig, alice.publicKey)).toBe(false);
  });
});
