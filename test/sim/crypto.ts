/**
 * Signers for the simulator. `mac` stands in for ed25519 with a keyed hash (HMAC-SHA512, 64 bytes) so hundreds of
 * seeds run in seconds; it is unforgeable by the simulated validators, which is all the protocol needs. `ed25519`
 * uses real keys (`node:crypto`) and the node's verifier (`verifyEd25519`), for runs that check the real path.
 */
import { createHash, createHmac, createPrivateKey, createPublicKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import { toHexRaw } from '../../src/primitives/bytes.js';
import { verifyEd25519 } from '../../src/crypto/verify.js';
import type { VerifyFn } from '../../src/consensus/messages.js';

/** A validator's signing key. */
export interface SimSigner {
  readonly publicKey: Uint8Array;
  sign(payload: Uint8Array): Uint8Array;
}

/** A signature scheme for one simulation. */
export interface SimCrypto {
  readonly kind: 'mac' | 'ed25519';
  /** The key of a 32-byte seed. */
  signer(seed: Uint8Array): SimSigner;
  readonly verify: VerifyFn;
}

/** The fast keyed-hash scheme; its `verify` knows the keys this instance made. */
export function macCrypto(): SimCrypto {
  const secrets = new Map<string, Uint8Array>();
  const mac = (secret: Uint8Array, payload: Uint8Array): Uint8Array => new Uint8Array(createHmac('sha512', secret).update(payload).digest());
  return {
    kind: 'mac',
    signer(seed) {
      const publicKey = new Uint8Array(createHash('sha256').update('dcn-sim-public').update(seed).digest());
      secrets.set(toHexRaw(publicKey), seed);
      return { publicKey, sign: (payload) => mac(seed, payload) };
    },
    verify(message, signature, publicKey) {
      const secret = secrets.get(toHexRaw(publicKey));
      if (secret === undefined || signature.length !== 64) return false;
      const expected = mac(secret, message);
      for (let i = 0; i < 64; i++) if (expected[i] !== signature[i]) return false;
      return true;
    },
  };
}

/** PKCS#8 DER prefix of an Ed25519 private key (RFC 8410) before the 32-byte seed. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Real ed25519 (OpenSSL) keys and the node's verifier. */
export function ed25519Crypto(): SimCrypto {
  return {
    kind: 'ed25519',
    signer(seed) {
      const privateKey: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
      const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
      const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
      return { publicKey, sign: (payload) => new Uint8Array(nodeSign(null, payload, privateKey)) };
    },
    verify: verifyEd25519,
  };
}
