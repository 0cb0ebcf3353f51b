/**
 * Substrate extrinsic format version 4: the envelope, the signed extensions this chain uses and the signing
 * payload. Layout (see shared/reference/substrate-clients/README.md §3):
 *
 *   Compact<u32> length ‖ 0x84 (signed) | 0x04 (unsigned) ‖ [MultiAddress ‖ MultiSignature ‖ extra] ‖ call
 *   extra = Era (CheckMortality) ‖ Compact<u32> nonce (CheckNonce) ‖ Compact<u128> tip (ChargeTransactionPayment)
 *   signing payload = call ‖ extra ‖ specVersion u32 ‖ txVersion u32 ‖ genesisHash ‖ eraBirthBlockHash,
 *                     replaced by its blake2_256 when longer than 256 bytes.
 *   tx hash = blake2_256 of the whole encoding including the length prefix.
 * Pure.
 */
import { concatBytes, equalBytes } from './bytes.js';
import { blake2_256 } from './hashing.js';
import { ScaleDecodeError, ScaleReader, ScaleWriter } from './scale/io.js';
import { EraCodec, MultiAddress, MultiSignature, type Era, type MultiAddressValue, type MultiSignatureValue } from './types.js';

/** Extrinsic format version. */
export const EXTRINSIC_VERSION = 4;
/** Largest extrinsic the decoder accepts, in bytes (above the RPC request limit, so an oversized one reaches the runtime and gets ExhaustsResources). */
export const MAX_EXTRINSIC_BYTES = 16 * 1024 * 1024;
/** Payloads longer than this are signed as their blake2_256 hash. */
export const SIGNING_PAYLOAD_HASH_THRESHOLD = 256;

/** The data the signed extensions add to a signed extrinsic. `nonce` is a u32. */
export interface SignedExtra {
  era: Era;
  nonce: number;
  tip: bigint;
}

/** The signature part of a signed extrinsic. */
export interface ExtrinsicSignature {
  address: MultiAddressValue;
  signature: MultiSignatureValue;
  extra: SignedExtra;
}

/** A decoded extrinsic; the call is kept as raw bytes for the runtime to decode. */
export interface DecodedExtrinsic {
  /** Full encoding, including the length prefix. */
  bytes: Uint8Array;
  /** blake2_256(bytes). */
  hash: Uint8Array;
  signature?: ExtrinsicSignature;
  /** The encoded extra (era ‖ nonce ‖ tip) exactly as signed. */
  extraBytes?: Uint8Array;
  /** The encoded call: pallet index ‖ call index ‖ arguments. */
  call: Uint8Array;
}

/** Encode the signed-extension extra. */
export function encodeExtra(extra: SignedExtra): Uint8Array {
  const w = new ScaleWriter(24);
  EraCodec.encodeTo(extra.era, w);
  w.compact(extra.nonce);
  w.compact(extra.tip);
  return w.finish();
}

/**
 * Extrinsics decoded before, by their bytes array (identity), each with a copy of the bytes it was decoded from:
 * a transaction is decoded at submission, at pool validation and again when a block applies it, and a block's
 * extrinsics at pre-verification and at execution. Entries live as long as the array does (no bound needed).
 */
const decoded = new WeakMap<Uint8Array, { copy: Uint8Array; xt: DecodedExtrinsic }>();

/**
 * Decode an extrinsic with its length prefix, as submitted over RPC and stored in block bodies. Decoding the same
 * array again (unchanged) returns the same result object: treat it as read-only.
 */
export function decodeExtrinsic(bytes: Uint8Array): DecodedExtrinsic {
  const hit = decoded.get(bytes);
  // Only while the array still holds the very bytes decoded then (a caller may have changed it in place).
  if (hit !== undefined && equalBytes(hit.copy, bytes)) return hit.xt;
  const xt = decodeExtrinsicUncached(bytes);
  decoded.set(bytes, { copy: snapshot(bytes), xt });
  return xt;
}

/** Largest typed array V8 keeps on the JS heap (bytes): a larger one gets its own off-heap store, ~10× dearer. */
const ON_HEAP_MAX = 64;
/** Snapshots up to this many bytes share slabs (a transfer is about 145 bytes). */
const SNAPSHOT_SLAB_MAX = 1024;
/** Bytes per snapshot slab. */
const SNAPSHOT_SLAB_BYTES = 64 * 1024;
let snapshotSlab = new ArrayBuffer(SNAPSHOT_SLAB_BYTES);
/** Bytes of `snapshotSlab` handed out, 0 ≤ snapshotUsed ≤ SNAPSHOT_SLAB_BYTES. */
let snapshotUsed = 0;

/**
 * A private copy of `bytes` for the decode cache, carved from a shared slab when of transaction size. Extrinsics
 * decoded together (a block, a burst of submissions) share a slab and are dropped together. Never handed out.
 */
function snapshot(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  if (n <= ON_HEAP_MAX || n > SNAPSHOT_SLAB_MAX) return bytes.slice();
  if (snapshotUsed + n > SNAPSHOT_SLAB_BYTES) {
    snapshotSlab = new ArrayBuffer(SNAPSHOT_SLAB_BYTES);
    snapshotUsed = 0;
  }
  const out = new Uint8Array(snapshotSlab, snapshotUsed, n);
  out.set(bytes);
  snapshotUsed += n;
  return out;
}

function decodeExtrinsicUncached(bytes: Uint8Array): DecodedExtrinsic {
  if (bytes.length > MAX_EXTRINSIC_BYTES + 5) throw new ScaleDecodeError(`extrinsic larger than ${MAX_EXTRINSIC_BYTES} bytes`, 0);
  const r = new ScaleReader(bytes);
  const len = r.compactNumber(MAX_EXTRINSIC_BYTES);
  if (len !== r.remaining) throw new ScaleDecodeError(`length prefix says ${len} bytes but ${r.remaining} follow`, 0);
  const versionByte = r.u8();
  const version = versionByte & 0x7f;
  if (version !== EXTRINSIC_VERSION) throw new ScaleDecodeError(`unsupported extrinsic version ${version}`, r.offset - 1);
  const hash = blake2_256(bytes);
  if ((versionByte & 0x80) === 0) {
    const call = r.take(r.remaining);
    if (call.length < 2) throw new ScaleDecodeError('call too short', r.offset);
    return { bytes, hash, call };
  }
  const address = MultiAddress.decodeFrom(r);
  const signature = MultiSignature.decodeFrom(r);
  const extraStart = r.offset;
  const era = EraCodec.decodeFrom(r);
  const nonce = r.compactNumber(0xffffffff);
  const tip = r.compact();
  if (tip >> 128n !== 0n) throw new ScaleDecodeError('tip exceeds u128', extraStart);
  const extraBytes = bytes.subarray(extraStart, r.offset);
  const call = r.take(r.remaining);
  if (call.length < 2) throw new ScaleDecodeError('call too short', r.offset);
  return { bytes, hash, signature: { address, signature, extra: { era, nonce, tip } }, extraBytes, call };
}

function withLength(body: Uint8Array): Uint8Array {
  const w = new ScaleWriter(body.length + 5);
  w.compact(body.length);
  w.bytes(body);
  return w.finish();
}

/** Encode an unsigned extrinsic (inherents) with its length prefix. */
export function encodeUnsignedExtrinsic(call: Uint8Array): Uint8Array {
  return withLength(concatBytes(new Uint8Array([EXTRINSIC_VERSION]), call));
}

/** Encode a signed extrinsic with its length prefix. */
export function encodeSignedExtrinsic(sig: ExtrinsicSignature, call: Uint8Array): Uint8Array {
  const w = new ScaleWriter(call.length + 128);
  w.u8(0x80 | EXTRINSIC_VERSION);
  MultiAddress.encodeTo(sig.address, w);
  MultiSignature.encodeTo(sig.signature, w);
  w.bytes(encodeExtra(sig.extra));
  w.bytes(call);
  return withLength(w.finish());
}

/** What the signed extensions add to the payload without putting it in the extrinsic. */
export interface AdditionalSigned {
  specVersion: number;
  transactionVersion: number;
  genesisHash: Uint8Array;
  /** Hash of the era's birth block; the genesis hash for an immortal era. */
  eraBlockHash: Uint8Array;
}

/** The bytes a signer signs: `call ‖ extra ‖ additional`, hashed with blake2_256 when longer than 256 bytes. */
export function signingPayload(call: Uint8Array, extraBytes: Uint8Array, add: AdditionalSigned): Uint8Array {
  // One array of the exact size (no writer, no copy out of it).
  const full = new Uint8Array(call.length + extraBytes.length + 8 + add.genesisHash.length + add.eraBlockHash.length);
  full.set(call, 0);
  let o = call.length; // write offset, ≤ full.length
  full.set(extraBytes, o);
  o += extraBytes.length;
  o = putU32(full, o, add.specVersion);
  o = putU32(full, o, add.transactionVersion);
  full.set(add.genesisHash, o);
  full.set(add.eraBlockHash, o + add.genesisHash.length);
  return full.length > SIGNING_PAYLOAD_HASH_THRESHOLD ? blake2_256(full) : full;
}

/** Write `v` as a little-endian u32 at `o`; returns the offset after it. */
function putU32(out: Uint8Array, o: number, v: number): number {
  out[o] = v & 0xff;
  out[o + 1] = (v >>> 8) & 0xff;
  out[o + 2] = (v >>> 16) & 0xff;
  out[o + 3] = (v >>> 24) & 0xff;
  return o + 4;
}
