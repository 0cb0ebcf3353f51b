/**
 * Signs extrinsics the way a wallet does, with our own encoder and a `@polkadot/keyring` pair: build the
 * signing payload (call ‖ extra ‖ additional signed, hashed when longer than 256 bytes), sign it, wrap it in
 * the v4 envelope. Every input can be overridden to produce the invalid variants the tests need.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { encodeExtra, encodeSignedExtrinsic, signingPayload, type AdditionalSigned } from '../../src/primitives/extrinsic.js';
import type { Era, MultiAddressValue, MultiSignatureValue } from '../../src/primitives/types.js';

/** Everything that goes into a signature, with optional tampering. `nonce` is a u32. */
export interface SignParams extends AdditionalSigned {
  nonce: number;
  tip?: bigint;
  era?: Era;
  /** The address put in the envelope (default `Id(pair.publicKey)`). */
  address?: MultiAddressValue;
  /** Rewrite the signature before it goes into the envelope. */
  tamper?: (signature: MultiSignatureValue) => MultiSignatureValue;
}

/** The MultiSignature variant of a key pair's scheme. */
export function signatureTag(pair: KeyringPair): 'Sr25519' | 'Ed25519' {
  if (pair.type === 'sr25519') return 'Sr25519';
  if (pair.type === 'ed25519') return 'Ed25519';
  throw new Error(`unsupported key type ${pair.type}`);
}

/** A signed v4 extrinsic (with its length prefix) of `call` by `pair`. */
export function signExtrinsic(pair: KeyringPair, call: Uint8Array, p: SignParams): Uint8Array {
  const extra = { era: p.era ?? ({ tag: 'Immortal' } as const), nonce: p.nonce, tip: p.tip ?? 0n };
  const payload = signingPayload(call, encodeExtra(extra), p);
  let signature: MultiSignatureValue = { tag: signatureTag(pair), value: pair.sign(payload) };
  if (p.tamper) signature = p.tamper(signature);
  return encodeSignedExtrinsic({ address: p.address ?? { tag: 'Id', value: pair.publicKey }, signature, extra }, call);
}

/** A copy of `sig` with bit `bit` (0 ≤ bit < 512) of its 64 bytes flipped. */
export function flipSignatureBit(sig: MultiSignatureValue, bit: number): MultiSignatureValue {
  const value = sig.value.slice();
  value[bit >> 3] ^= 1 << (bit & 7);
  return { ...sig, value } as MultiSignatureValue;
}
