/**
 * Synchronous signature verification for sr25519 and ed25519 that never throws: malformed input is `false`.
 *
 * - sr25519 runs in `@polkadot-labs/schnorrkel-wasm` (the `schnorrkel` crate compiled to WASM, signing context
 *   `substrate` as in `sp_core::sr25519`), about 16 times faster than util-crypto's pure-JS `sr25519Verify`.
 *   That build *panics* (a WASM trap) on a malformed public key or signature instead of returning false, and a trap
 *   leaks the WASM shadow stack: about 1,200 traps later the instance is unusable. So inputs are checked before
 *   the call (lengths, the schnorrkel marker bit, a canonical `s`, a decodable Ristretto public key), and if a trap
 *   still happens the WASM instance is replaced.
 * - ed25519 runs in `node:crypto` (OpenSSL) with a bounded cache of `KeyObject`s per public key. OpenSSL rejects a
 *   non-canonical `s` like `ed25519-dalek`'s strict checks; it may differ from Substrate's `ed25519-zebra` (ZIP-215)
 *   on crafted small-order or non-canonical point encodings, which honest signers never produce.
 *
 * The worker threads of `verifier-pool.ts` run a JavaScript copy of the same checks; the unit tests compare both.
 */
import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { toHexRaw } from '../primitives/bytes.js';
import { LruCache } from './lru.js';

/** The signature schemes the chain accepts (`MultiSignature` variants without ECDSA). */
export type SignatureScheme = 'sr25519' | 'ed25519';

type Schnorrkel = typeof import('@polkadot-labs/schnorrkel-wasm');
type RistrettoModule = typeof import('@noble/curves/ed25519.js');

const require = createRequire(import.meta.url);

/** Absolute paths of the CommonJS builds this module loads (also handed to the verifier workers). */
export const CRYPTO_MODULE_PATHS = {
  schnorrkel: require.resolve('@polkadot-labs/schnorrkel-wasm'),
  nobleEd25519: require.resolve('@noble/curves/ed25519'),
} as const;

let schnorrkel = require(CRYPTO_MODULE_PATHS.schnorrkel) as Schnorrkel;
const ristrettoPoint = (require(CRYPTO_MODULE_PATHS.nobleEd25519) as RistrettoModule).ristretto255.Point;

/** Count of WASM traps survived since start (each one replaced the instance); ≤ 2^53. */
let sr25519Traps = 0;

/** Load a fresh schnorrkel WASM instance (a trap leaves the old one with a leaked stack). */
function reloadSchnorrkel(): void {
  delete require.cache[CRYPTO_MODULE_PATHS.schnorrkel];
  schnorrkel = require(CRYPTO_MODULE_PATHS.schnorrkel) as Schnorrkel;
  sr25519Traps++;
}

/** How many sr25519 WASM traps were caught (and the instance replaced); zero unless a pre-check is missing. */
export function sr25519TrapCount(): number {
  return sr25519Traps;
}

/** The group order ℓ = 2^252 + 27742317777372353535851937790883648493, little-endian. */
const GROUP_ORDER_LE = new Uint8Array([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
]);

/**
 * True when `signature` has the shape schnorrkel accepts: 64 bytes, the marker bit (bit 7 of byte 63) set, and
 * `s` (bytes 32..63 without the marker) a canonical scalar below ℓ. `R` is checked by the verification itself.
 */
export function isWellFormedSr25519Signature(signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const top = signature[63];
  if ((top & 0x80) === 0) return false;
  // s < 2^252 needs no further check (ℓ > 2^252); schnorrkel only validates when one of bits 252..254 is set.
  if ((top & 0x70) === 0) return true;
  // Compare s (marker cleared) with ℓ from the most significant byte down.
  for (let i = 31; i >= 0; i--) {
    const b = i === 31 ? top & 0x7f : signature[32 + i];
    if (b !== GROUP_ORDER_LE[i]) return b < GROUP_ORDER_LE[i];
  }
  return false; // s = ℓ is not canonical
}

/** Public keys seen before, mapped to whether they decode as a Ristretto point (decoding costs about 85 µs). */
const sr25519KeyValidity = new LruCache<string, boolean>(65_536);

/** True when `publicKey` is 32 bytes encoding a valid Ristretto point (so schnorrkel accepts it). */
export function isValidSr25519PublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return false;
  const key = toHexRaw(publicKey);
  const known = sr25519KeyValidity.get(key);
  if (known !== undefined) return known;
  let ok: boolean;
  try {
    ristrettoPoint.fromBytes(publicKey);
    ok = true;
  } catch {
    ok = false;
  }
  sr25519KeyValidity.set(key, ok);
  return ok;
}

/** sr25519 verification (context `substrate`); `false` on any malformed input, never throws. */
export function verifySr25519(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(message instanceof Uint8Array) || !(signature instanceof Uint8Array) || !(publicKey instanceof Uint8Array)) {
    return false;
  }
  if (!isWellFormedSr25519Signature(signature) || !isValidSr25519PublicKey(publicKey)) return false;
  try {
    return schnorrkel.sr25519_verify(publicKey, message, signature);
  } catch {
    // A trap the pre-checks did not foresee: the instance's stack pointer is now off, so replace it.
    reloadSchnorrkel();
    return false;
  }
}

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): SEQUENCE { AlgorithmIdentifier 1.3.101.112, BIT STRING }. */
const ED25519_SPKI_PREFIX = new Uint8Array([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

/** Imported ed25519 keys by hex, `null` for keys OpenSSL refuses; bounded to the validator sets seen recently. */
const ed25519Keys = new LruCache<string, KeyObject | null>(4096);

/** The OpenSSL key object of a 32-byte ed25519 public key (cached); `null` when it cannot be imported. */
function ed25519KeyObject(publicKey: Uint8Array): KeyObject | null {
  const hex = toHexRaw(publicKey);
  const cached = ed25519Keys.get(hex);
  if (cached !== undefined) return cached;
  let key: KeyObject | null;
  try {
    const der = new Uint8Array(ED25519_SPKI_PREFIX.length + 32);
    der.set(ED25519_SPKI_PREFIX, 0);
    der.set(publicKey, ED25519_SPKI_PREFIX.length);
    key = createPublicKey({ key: Buffer.from(der.buffer, der.byteOffset, der.byteLength), format: 'der', type: 'spki' });
  } catch {
    key = null;
  }
  ed25519Keys.set(hex, key);
  return key;
}

/** ed25519 verification (RFC 8032, via OpenSSL); `false` on any malformed input, never throws. */
export function verifyEd25519(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(message instanceof Uint8Array) || !(signature instanceof Uint8Array) || !(publicKey instanceof Uint8Array)) {
    return false;
  }
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const key = ed25519KeyObject(publicKey);
  if (key === null) return false;
  try {
    return nodeVerify(null, message, key, signature);
  } catch {
    return false;
  }
}

/** Calls of {@link verifySignature} on this thread since start (≤ 2^53). */
let verifyCalls = 0;

/** How many signatures {@link verifySignature} checked on this thread (the workers keep their own count). */
export function verifySignatureCount(): number {
  return verifyCalls;
}

/** Verify `signature` over `message` by `publicKey` with `scheme`; `false` for anything malformed, never throws. */
export function verifySignature(
  scheme: SignatureScheme,
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  verifyCalls++;
  switch (scheme) {
    case 'sr25519':
      return verifySr25519(message, signature, publicKey);
    case 'ed25519':
      return verifyEd25519(message, signature, publicKey);
    default:
      return false;
  }
}
