/** Shared signing helpers for the crypto tests: real keys from `@polkadot/keyring`, no mocks. */
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { SignatureScheme } from '../../../src/crypto/verify.js';

const keyrings: Record<SignatureScheme, Keyring> = {
  sr25519: new Keyring({ type: 'sr25519' }),
  ed25519: new Keyring({ type: 'ed25519' }),
};

const pairs = new Map<string, KeyringPair>();

/** The keyring pair of a dev account (`//Alice`, …), memoised. */
export function devPair(scheme: SignatureScheme, name: string): KeyringPair {
  const key = `${scheme}:${name}`;
  let p = pairs.get(key);
  if (p === undefined) {
    p = keyrings[scheme].addFromUri(`//${name}`);
    pairs.set(key, p);
  }
  return p;
}

/** The group order ℓ of Ristretto/Ed25519 as 32 little-endian bytes. */
export const GROUP_ORDER_LE = (() => {
  let l = (1n << 252n) + 27742317777372353535851937790883648493n;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(l & 0xffn);
    l >>= 8n;
  }
  return out;
})();

/** A copy of `bytes` with byte `index` xor-ed with `mask`. */
export function flip(bytes: Uint8Array, index: number, mask = 0x01): Uint8Array {
  const out = bytes.slice();
  out[index] ^= mask;
  return out;
}

/** A copy of an sr25519 signature whose `s` (bytes 32..63, marker bit kept) is replaced by `s`. */
export function withS(signature: Uint8Array, s: Uint8Array): Uint8Array {
  const out = signature.slice();
  out.set(s, 32);
  out[63] |= 0x80;
  return out;
}
