/**
 * The v4 extrinsic envelope, the signing payload (with the > 256-byte hashing rule) and the transaction hash
 * against `@polkadot/types` 16.5.6: pjs signs with this chain's signed extensions (metadata built from our
 * codecs), we decode and verify; we sign, pjs decodes and rebuilds the payload.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import type { TypeRegistry } from '@polkadot/types';
import { u8aToHex } from '@polkadot/util';
import { blake2AsU8a, signatureVerify } from '@polkadot/util-crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../../src/crypto/verify.js';
import { concatBytes } from '../../../src/primitives/bytes.js';
import {
  decodeExtrinsic,
  encodeExtra,
  encodeSignedExtrinsic,
  encodeUnsignedExtrinsic,
  SIGNING_PAYLOAD_HASH_THRESHOLD,
  signingPayload,
  type ExtrinsicSignature,
} from '../../../src/primitives/extrinsic.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { encodeCompact, ScaleDecodeError } from '../../../src/primitives/scale/index.js';
import { EraCodec, mortalEra, type Era } from '../../../src/primitives/types.js';
import { createChainRuntime } from '../../../src/chain/index.js';
import type { Runtime } from '../../../src/runtime/runtime.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';
import { pjsRegistryFor } from '../../helpers/pjs-metadata.js';
import { signExtrinsic } from '../../helpers/signer.js';

const hex = (b: Uint8Array) => u8aToHex(b);
const GENESIS = new Uint8Array(32).fill(0x11);
const BIRTH_HASH = new Uint8Array(32).fill(0x22);

let keys: DevKeys;
let runtime: Runtime;
let registry: TypeRegistry;
const SPEC = { specVersion: 100, transactionVersion: 1 };

beforeAll(async () => {
  keys = await devKeys();
  runtime = createChainRuntime();
  registry = pjsRegistryFor(runtime).registry;
  SPEC.specVersion = runtime.version.specVersion;
  SPEC.transactionVersion = runtime.version.transactionVersion;
});

/** pjs's own signing payload for these inputs (`ExtrinsicPayload.toU8a({ method: true })`). */
function pjsPayload(call: Uint8Array, era: Era, nonce: number, tip: bigint, blockHash: Uint8Array): Uint8Array {
  return registry
    .createType('ExtrinsicPayload', { method: hex(call), era: hex(EraCodec.encode(era)), nonce, tip: tip.toString(), ...SPEC, genesisHash: hex(GENESIS), blockHash: hex(blockHash) }, { version: 4 })
    .toU8a({ method: true });
}

/** pjs signs `call` with `pair`; returns the extrinsic bytes and pjs's hash. */
function pjsSign(pair: KeyringPair, call: Uint8Array, era: Era, nonce: number, tip: bigint, blockHash: Uint8Array): { bytes: Uint8Array; hash: string } {
  const ext = registry.createType('Extrinsic', registry.createType('Call', call), { version: 4 });
  ext.sign(pair, {
    blockHash: hex(blockHash),
    genesisHash: hex(GENESIS),
    nonce,
    tip: tip.toString(),
    era: registry.createType('ExtrinsicEra', EraCodec.encode(era)),
    runtimeVersion: SPEC as never,
    signedExtensions: registry.signedExtensions,
  });
  return { bytes: ext.toU8a(), hash: ext.hash.toHex() };
}

describe('extrinsics signed by @polkadot/types', () => {
  it('uses exactly this chain’s signed extensions', () => {
    expect(registry.signedExtensions).toEqual(['CheckNonZeroSender', 'CheckSpecVersion', 'CheckTxVersion', 'CheckGenesis', 'CheckMortality', 'CheckNonce', 'CheckWeight', 'ChargeTransactionPayment']);
  });

  const cases: Array<{ label: string; era: () => Era; nonce: number; tip: bigint; call: () => Uint8Array; pair: () => KeyringPair }> = [
    { label: 'sr25519 transfer, immortal', era: () => ({ tag: 'Immortal' }), nonce: 0, tip: 0n, call: () => runtime.encodeCall('Balances', 'transferAllowDeath', { dest: { tag: 'Id', value: keys.bob.publicKey }, value: 12_345n }), pair: () => keys.alice },
    { label: 'sr25519 keep-alive, mortal 64 at 1234, nonce 7, tip 1000', era: () => mortalEra(64, 1234), nonce: 7, tip: 1000n, call: () => runtime.encodeCall('Balances', 'transferKeepAlive', { dest: { tag: 'Id', value: keys.bob.publicKey }, value: 10n ** 30n }), pair: () => keys.alice },
    { label: 'ed25519 remark, mortal 4096, large nonce and tip', era: () => mortalEra(4096, 99_999), nonce: 0xfffffffe, tip: (1n << 128n) - 1n, call: () => runtime.encodeCall('System', 'remark', { remark: new Uint8Array(40).fill(1) }), pair: () => keys.edward },
    { label: 'sr25519 300-byte remark (payload > 256 bytes, hashed)', era: () => mortalEra(64, 1234), nonce: 3, tip: 5n, call: () => runtime.encodeCall('System', 'remark', { remark: new Uint8Array(300).fill(0xab) }), pair: () => keys.bob },
  ];

  for (const c of cases) {
    it(`decodes and verifies: ${c.label}`, () => {
      const call = c.call();
      const era = c.era();
      const pair = c.pair();
      const blockHash = era.tag === 'Immortal' ? GENESIS : BIRTH_HASH;
      const { bytes, hash } = pjsSign(pair, call, era, c.nonce, c.tip, blockHash);
      const xt = decodeExtrinsic(bytes);
      // Envelope: the same call, signer, extra; re-encoding gives pjs's bytes exactly.
      expect(hex(xt.call)).toBe(hex(call));
      expect(xt.signature!.address).toEqual({ tag: 'Id', value: pair.publicKey });
      expect(xt.signature!.signature.tag).toBe(pair.type === 'ed25519' ? 'Ed25519' : 'Sr25519');
      expect(xt.signature!.extra).toEqual({ era, nonce: c.nonce, tip: c.tip });
      expect(hex(encodeSignedExtrinsic(xt.signature!, xt.call))).toBe(hex(bytes));
      // Transaction hash: blake2_256 of everything, length prefix included.
      expect(hex(xt.hash)).toBe(hash);
      expect(hex(xt.hash)).toBe(hex(blake2AsU8a(bytes, 256)));
      // Signing payload: pjs's bytes, hashed when longer than 256 bytes, and the signature verifies over ours.
      const full = pjsPayload(call, era, c.nonce, c.tip, blockHash);
      const add = { ...SPEC, genesisHash: GENESIS, eraBlockHash: blockHash };
      const ours = signingPayload(xt.call, xt.extraBytes!, add);
      expect(hex(ours)).toBe(hex(full.length > SIGNING_PAYLOAD_HASH_THRESHOLD ? blake2AsU8a(full, 256) : full));
      const scheme = pair.type === 'ed25519' ? 'ed25519' : 'sr25519';
      expect(verifySignature(scheme, ours, xt.signature!.signature.value, pair.publicKey)).toBe(true);
      if (full.length > SIGNING_PAYLOAD_HASH_THRESHOLD) {
        expect(ours.length).toBe(32);
        expect(verifySignature(scheme, full, xt.signature!.signature.value, pair.publicKey)).toBe(false);
      }
      // Any other genesis or birth block hash gives another payload, which the signature does not cover.
      const other = signingPayload(xt.call, xt.extraBytes!, { ...add, genesisHash: BIRTH_HASH.map((b) => b ^ 1) });
      expect(verifySignature(scheme, other, xt.signature!.signature.value, pair.publicKey)).toBe(false);
    });
  }

  it('the 256-byte threshold: a payload of exactly 256 bytes is signed as is, 257 is hashed', () => {
    const extra = encodeExtra({ era: { tag: 'Immortal' }, nonce: 0, tip: 0n });
    const add = { ...SPEC, genesisHash: GENESIS, eraBlockHash: GENESIS };
    // additional signed = 4 + 4 + 32 + 32 bytes.
    const fixed = extra.length + 72;
    const at = signingPayload(new Uint8Array(256 - fixed).fill(9), extra, add);
    const over = signingPayload(new Uint8Array(257 - fixed).fill(9), extra, add);
    expect(at.length).toBe(256);
    expect(over).toEqual(blake2_256(concatBytes(new Uint8Array(257 - fixed).fill(9), extra, new Uint8Array([SPEC.specVersion, 0, 0, 0, SPEC.transactionVersion, 0, 0, 0]), GENESIS, GENESIS)));
  });
});

describe('extrinsics signed by us, read by @polkadot/types', () => {
  it('pjs decodes the envelope and its payload verifies the signature', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        fc.option(fc.tuple(fc.integer({ min: 4, max: 65_536 }), fc.integer({ min: 0, max: 1 << 30 })), { nil: undefined }),
        fc.boolean(),
        (remark, nonce, tip, mortal, useEd) => {
          const pair = useEd ? keys.edward : keys.alice;
          const era: Era = mortal ? mortalEra(mortal[0], mortal[1]) : { tag: 'Immortal' };
          const blockHash = mortal ? BIRTH_HASH : GENESIS;
          const call = runtime.encodeCall('System', 'remark', { remark });
          const bytes = signExtrinsic(pair, call, { nonce, tip, era, ...SPEC, genesisHash: GENESIS, eraBlockHash: blockHash });
          const ext = registry.createType('Extrinsic', bytes);
          expect(ext.isSigned).toBe(true);
          expect(ext.signer.toU8a().subarray(1)).toEqual(pair.publicKey);
          expect(ext.nonce.toNumber()).toBe(nonce);
          expect(ext.tip.toBigInt()).toBe(tip);
          expect(hex(ext.era.toU8a())).toBe(hex(EraCodec.encode(era)));
          expect(hex(ext.method.toU8a())).toBe(hex(call));
          expect(ext.hash.toHex()).toBe(hex(blake2_256(bytes)));
          const full = pjsPayload(call, era, nonce, tip, blockHash);
          const signed = full.length > SIGNING_PAYLOAD_HASH_THRESHOLD ? blake2AsU8a(full, 256) : full;
          expect(signatureVerify(signed, ext.signature.toU8a(), pair.publicKey).isValid).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('unsigned extrinsics (the timestamp inherent) match pjs’s unsigned envelope', () => {
    const inherent = runtime.timestampInherent(1_700_000_000_123n);
    const xt = decodeExtrinsic(inherent);
    expect(xt.signature).toBeUndefined();
    const pjs = registry.createType('Extrinsic', registry.createType('Call', xt.call), { version: 4 });
    expect(hex(pjs.toU8a())).toBe(hex(inherent));
    expect(hex(encodeUnsignedExtrinsic(xt.call))).toBe(hex(inherent));
    expect(pjs.method.section).toBe('timestamp');
    expect(pjs.method.args[0].toString()).toBe('1700000000123');
  });
});

describe('decodeExtrinsic refuses malformed envelopes with ScaleDecodeError', () => {
  const sig = (): ExtrinsicSignature => ({
    address: { tag: 'Id', value: keys.alice.publicKey },
    signature: { tag: 'Sr25519', value: new Uint8Array(64).fill(3) },
    extra: { era: { tag: 'Immortal' }, nonce: 1, tip: 2n },
  });
  const call = () => runtime.encodeCall('System', 'remark', { remark: new Uint8Array([1, 2, 3]) });

  it('length prefix that disagrees with the body', () => {
    const good = encodeSignedExtrinsic(sig(), call());
    expect(() => decodeExtrinsic(good.subarray(0, good.length - 1))).toThrow(ScaleDecodeError);
    expect(() => decodeExtrinsic(concatBytes(good, new Uint8Array([0])))).toThrow(ScaleDecodeError);
    expect(() => decodeExtrinsic(new Uint8Array())).toThrow(ScaleDecodeError);
  });

  it('unsupported version, short call, tip above u128, non-canonical nonce', () => {
    const body = (versionByte: number, rest: Uint8Array) => {
      const b = concatBytes(new Uint8Array([versionByte]), rest);
      return concatBytes(encodeCompact(b.length), b);
    };
    expect(() => decodeExtrinsic(body(0x05, call()))).toThrow(/unsupported extrinsic version 5/);
    expect(() => decodeExtrinsic(body(0x85, call()))).toThrow(ScaleDecodeError);
    expect(() => decodeExtrinsic(body(0x04, new Uint8Array([0])))).toThrow(/call too short/);
    const s = sig();
    const head = encodeSignedExtrinsic(s, call()).subarray(2, 2 + 1 + 33 + 65);
    // tip = 2^128 as a compact: 17 bytes of value.
    const bigTip = concatBytes(new Uint8Array([0x00, 0x04]), encodeCompact(1n << 128n));
    expect(() => decodeExtrinsic(concatBytes(encodeCompact(head.length + bigTip.length + 3), head, bigTip, new Uint8Array([0, 0, 1])))).toThrow(/tip exceeds u128/);
    // nonce 1 written as a two-byte compact.
    const nonCanonical = concatBytes(new Uint8Array([0x00]), new Uint8Array([0x05, 0x00]), new Uint8Array([0x00]));
    expect(() => decodeExtrinsic(concatBytes(encodeCompact(head.length + nonCanonical.length + 3), head, nonCanonical, new Uint8Array([0, 0, 1])))).toThrow(/non-canonical/);
  });

  it('every truncation and every single-byte corruption either decodes or throws ScaleDecodeError', () => {
    const good = encodeSignedExtrinsic(sig(), call());
    for (let n = 0; n < good.length; n++) expect(() => decodeExtrinsic(good.subarray(0, n))).toThrow(ScaleDecodeError);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 0, max: 255 }), (i, b) => {
        const bad = good.slice();
        bad[i] = b;
        try {
          const xt = decodeExtrinsic(bad);
          expect(xt.bytes).toBe(bad);
        } catch (e) {
          expect(e).toBeInstanceOf(ScaleDecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips random signed envelopes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.constantFrom('Ed25519' as const, 'Sr25519' as const),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        fc.option(fc.tuple(fc.integer({ min: 1, max: 1 << 17 }), fc.nat()), { nil: undefined }),
        fc.uint8Array({ minLength: 2, maxLength: 100 }),
        (who, tag, s, nonce, tip, mortal, c) => {
          const signature: ExtrinsicSignature = { address: { tag: 'Id', value: who }, signature: { tag, value: s }, extra: { era: mortal ? mortalEra(...mortal) : { tag: 'Immortal' }, nonce, tip } };
          const bytes = encodeSignedExtrinsic(signature, c);
          const xt = decodeExtrinsic(bytes);
          expect(xt.signature).toEqual(signature);
          expect(xt.call).toEqual(c);
          expect(xt.extraBytes).toEqual(encodeExtra(signature.extra));
          expect(xt.hash).toEqual(blake2_256(bytes));
        },
      ),
      { numRuns: 200 },
    );
  });
});
