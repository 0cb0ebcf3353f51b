/**
 * Properties of every codec family: decode(encode(x)) = x and encode(decode(bytes)) = bytes; every strict
 * prefix, every extension by trailing bytes and random garbage is refused with ScaleDecodeError and never any
 * other exception; non-canonical compacts are refused like Substrate refuses them; out-of-range values are
 * refused with ScaleEncodeError.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/primitives/bytes.js';
import {
  array,
  bool,
  bytes,
  compactU128,
  compactU32,
  compactU64,
  encodeCompact,
  enumeration,
  fields,
  fixedBytes,
  lazy,
  newtype,
  option,
  result,
  ScaleDecodeError,
  ScaleEncodeError,
  ScaleReader,
  ScaleWriter,
  str,
  struct,
  tuple,
  u128,
  u16,
  u256,
  u32,
  u64,
  u8,
  unit,
  vec,
  type AnyCodec,
  type Codec,
} from '../../../src/primitives/scale/index.js';
import {
  Digest,
  DispatchError,
  DispatchInfo,
  EraCodec,
  HeaderCodec,
  mortalEra,
  MultiAddress,
  MultiSignature,
  RuntimeVersionCodec,
  Weight,
  type DigestItemValue,
  type DispatchErrorValue,
} from '../../../src/primitives/types.js';
import { AccountInfo, EventRecords } from '../../../src/pallets/system/types.js';
import { encodeExtra } from '../../../src/primitives/extrinsic.js';
import { createChainRuntime } from '../../../src/chain/index.js';
import type { Runtime } from '../../../src/runtime/runtime.js';
import type { EventRecord } from '../../../src/runtime/dispatch.js';

let runtime: Runtime;
beforeAll(() => {
  // Constructing the runtime binds the outer event enum that EventRecords refers to.
  runtime = createChainRuntime();
});

const big = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
const bytesArb = fc.uint8Array({ maxLength: 70 });
const h32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const u32Arb = fc.integer({ min: 0, max: 0xffffffff });

const digestItem: fc.Arbitrary<DigestItemValue> = fc.oneof(
  fc.tuple(fc.constantFrom('PreRuntime' as const, 'Consensus' as const, 'Seal' as const), fc.uint8Array({ minLength: 4, maxLength: 4 }), bytesArb).map(([tag, e, d]) => ({ tag, value: [e, d] as [Uint8Array, Uint8Array] })),
  bytesArb.map((b) => ({ tag: 'Other' as const, value: b })),
  fc.constant({ tag: 'RuntimeEnvironmentUpdated' as const }),
);
const dispatchError: fc.Arbitrary<DispatchErrorValue> = fc.oneof(
  fc.constantFrom(...(['Other', 'CannotLookup', 'BadOrigin', 'ConsumerRemaining', 'NoProviders', 'TooManyConsumers', 'Exhausted', 'Corruption', 'Unavailable', 'RootNotAllowed'] as const)).map((tag) => ({ tag }) as DispatchErrorValue),
  fc.record({ index: fc.integer({ min: 0, max: 255 }), error: fc.uint8Array({ minLength: 4, maxLength: 4 }) }).map((value) => ({ tag: 'Module' as const, value })),
  fc.constantFrom(...(['FundsUnavailable', 'Frozen', 'Blocked'] as const)).map((t) => ({ tag: 'Token' as const, value: { tag: t } })),
  fc.constantFrom(...(['Underflow', 'Overflow', 'DivisionByZero'] as const)).map((t) => ({ tag: 'Arithmetic' as const, value: { tag: t } })),
);
const dispatchInfo = fc.record({
  weight: fc.record({ refTime: big(64), proofSize: big(64) }),
  class: fc.constantFrom('Normal', 'Operational', 'Mandatory').map((tag) => ({ tag })),
  paysFee: fc.constantFrom('Yes', 'No').map((tag) => ({ tag })),
});
const eventRecord: fc.Arbitrary<EventRecord> = fc.record({
  phase: fc.oneof(u32Arb.map((value) => ({ tag: 'ApplyExtrinsic' as const, value })), fc.constant({ tag: 'Finalization' as const }), fc.constant({ tag: 'Initialization' as const })),
  event: fc.oneof(
    dispatchInfo.map((dispatchInfo) => ({ tag: 'System', value: { tag: 'ExtrinsicSuccess', value: { dispatchInfo } } })),
    fc.tuple(dispatchError, dispatchInfo).map(([dispatchError, dispatchInfo]) => ({ tag: 'System', value: { tag: 'ExtrinsicFailed', value: { dispatchError, dispatchInfo } } })),
    fc.tuple(h32, h32, big(128)).map(([from, to, amount]) => ({ tag: 'Balances', value: { tag: 'Transfer', value: { from, to, amount } } })),
    fc.tuple(h32, big(128), big(128)).map(([who, actualFee, tip]) => ({ tag: 'TransactionPayment', value: { tag: 'TransactionFeePaid', value: { who, actualFee, tip } } })),
  ),
  topics: fc.array(h32, { maxLength: 2 }),
});

/** Every codec family with an arbitrary of its values (values already in canonical form). */
function families(): Array<{ name: string; codec: AnyCodec; arb: fc.Arbitrary<unknown> }> {
  const Inner = struct(['t', 'Inner'], { a: u16, b: option(bytes) });
  const Tree: Codec<{ v: number; kids: unknown[] }> = struct(['t', 'Tree'], { v: u8, kids: vec(lazy(() => Tree), 3) }) as never;
  type TreeValue = { v: number; kids: TreeValue[] };
  const byte = fc.integer({ min: 0, max: 255 });
  const tree: (depth: number) => fc.Arbitrary<TreeValue> = fc.memo((depth) =>
    depth <= 1 ? fc.record({ v: byte, kids: fc.constant([]) }) : fc.record({ v: byte, kids: fc.array(tree(depth - 1), { maxLength: 2 }) }),
  );
  const treeArb = tree(4);
  const E = enumeration(['t', 'E'], { A: null, B: u64, C: fields({ x: bool, y: Inner }), D: tuple(u8, str) }, { indices: { C: 9 } });
  const eArb = fc.oneof(
    fc.constant({ tag: 'A' }),
    big(64).map((value) => ({ tag: 'B', value })),
    fc.record({ x: fc.boolean(), y: fc.record({ a: fc.integer({ min: 0, max: 0xffff }), b: fc.option(bytesArb, { nil: undefined }) }) }).map((value) => ({ tag: 'C', value })),
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.string({ maxLength: 6 })).map((value) => ({ tag: 'D', value })),
  );
  const callArb = fc.oneof(
    fc.tuple(h32, big(128)).map(([d, value]) => ({ tag: 'Balances', value: { tag: 'transfer_allow_death', value: { dest: { tag: 'Id', value: d }, value } } })),
    fc.tuple(h32, fc.boolean()).map(([d, keepAlive]) => ({ tag: 'Balances', value: { tag: 'transfer_all', value: { dest: { tag: 'Id', value: d }, keepAlive } } })),
    bytesArb.map((remark) => ({ tag: 'System', value: { tag: 'remark', value: { remark } } })),
    big(64).map((now) => ({ tag: 'Timestamp', value: { tag: 'set', value: { now } } })),
  );
  return [
    { name: 'bool', codec: bool, arb: fc.boolean() },
    { name: 'u8', codec: u8, arb: fc.integer({ min: 0, max: 255 }) },
    { name: 'u16', codec: u16, arb: fc.integer({ min: 0, max: 0xffff }) },
    { name: 'u32', codec: u32, arb: u32Arb },
    { name: 'u64', codec: u64, arb: big(64) },
    { name: 'u128', codec: u128, arb: big(128) },
    { name: 'u256', codec: u256, arb: big(256) },
    { name: 'Compact<u32>', codec: compactU32, arb: u32Arb },
    { name: 'Compact<u64>', codec: compactU64, arb: big(64) },
    { name: 'Compact<u128>', codec: compactU128, arb: fc.oneof(big(8), big(30), big(32), big(128)) },
    { name: 'str', codec: str, arb: fc.string({ unit: 'grapheme', maxLength: 30 }) },
    { name: 'Vec<u8>', codec: bytes, arb: bytesArb },
    { name: '[u8; 20]', codec: fixedBytes(20), arb: fc.uint8Array({ minLength: 20, maxLength: 20 }) },
    { name: '[u32; 3]', codec: array(u32, 3), arb: fc.array(u32Arb, { minLength: 3, maxLength: 3 }) },
    { name: 'Vec<u128>', codec: vec(u128), arb: fc.array(big(128), { maxLength: 8 }) },
    { name: '()', codec: unit, arb: fc.constant(null) },
    { name: '(u8, bool, Vec<u8>)', codec: tuple(u8, bool, bytes), arb: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.boolean(), bytesArb) },
    { name: 'Option<u32>', codec: option(u32), arb: fc.option(u32Arb, { nil: undefined }) },
    { name: 'Option<Option<bool>>', codec: option(option(bool)), arb: fc.option(fc.option(fc.boolean(), { nil: undefined }), { nil: undefined }).filter((v) => v !== undefined || true) },
    { name: 'Result<u64, str>', codec: result(u64, str), arb: fc.oneof(big(64).map((value) => ({ ok: true, value })), fc.string({ maxLength: 5 }).map((error) => ({ ok: false, error }))) },
    { name: 'struct', codec: Inner, arb: fc.record({ a: fc.integer({ min: 0, max: 0xffff }), b: fc.option(bytesArb, { nil: undefined }) }) },
    { name: 'newtype', codec: newtype(['t', 'N'], u128), arb: big(128) },
    { name: 'recursive struct (lazy)', codec: Tree, arb: treeArb },
    { name: 'enum', codec: E, arb: eArb },
    { name: 'Era', codec: EraCodec, arb: fc.option(fc.tuple(fc.integer({ min: 1, max: 1 << 17 }), u32Arb).map(([p, c]) => mortalEra(p, c)), { nil: undefined }).map((e) => e ?? { tag: 'Immortal' }) },
    { name: 'Header', codec: HeaderCodec, arb: fc.record({ parentHash: h32, number: u32Arb, stateRoot: h32, extrinsicsRoot: h32, digest: fc.record({ logs: fc.array(digestItem, { maxLength: 3 }) }) }) },
    { name: 'Digest', codec: Digest, arb: fc.record({ logs: fc.array(digestItem, { maxLength: 5 }) }) },
    { name: 'MultiAddress', codec: MultiAddress, arb: fc.oneof(h32.map((value) => ({ tag: 'Id', value })), bytesArb.map((value) => ({ tag: 'Raw', value })), h32.map((value) => ({ tag: 'Address32', value })), fc.uint8Array({ minLength: 20, maxLength: 20 }).map((value) => ({ tag: 'Address20', value })), fc.constant({ tag: 'Index', value: null })) },
    { name: 'MultiSignature', codec: MultiSignature, arb: fc.oneof(fc.uint8Array({ minLength: 64, maxLength: 64 }).map((value) => ({ tag: 'Sr25519', value })), fc.uint8Array({ minLength: 64, maxLength: 64 }).map((value) => ({ tag: 'Ed25519', value })), fc.uint8Array({ minLength: 65, maxLength: 65 }).map((value) => ({ tag: 'Ecdsa', value }))) },
    { name: 'DispatchError', codec: DispatchError, arb: dispatchError },
    { name: 'Weight', codec: Weight, arb: fc.record({ refTime: big(64), proofSize: big(64) }) },
    { name: 'DispatchInfo', codec: DispatchInfo, arb: dispatchInfo },
    { name: 'AccountInfo', codec: AccountInfo, arb: fc.record({ nonce: u32Arb, consumers: u32Arb, providers: u32Arb, sufficients: u32Arb, data: fc.record({ free: big(128), reserved: big(128), frozen: big(128), flags: big(128) }) }) },
    { name: 'RuntimeVersion', codec: RuntimeVersionCodec, arb: fc.record({ specName: fc.string({ maxLength: 8 }), implName: fc.string({ maxLength: 8 }), authoringVersion: u32Arb, specVersion: u32Arb, implVersion: u32Arb, apis: fc.array(fc.tuple(fc.uint8Array({ minLength: 8, maxLength: 8 }), u32Arb), { maxLength: 3 }), transactionVersion: u32Arb, systemVersion: fc.integer({ min: 0, max: 255 }) }) },
    { name: 'Vec<EventRecord>', codec: EventRecords, arb: fc.array(eventRecord, { maxLength: 4 }) },
    { name: 'RuntimeCall', codec: runtime.callCodec, arb: callArb },
  ];
}

/** Decode, mapping any exception other than ScaleDecodeError to a test failure. */
function decodeOrScaleError(codec: AnyCodec, b: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: codec.decode(b) };
  } catch (e) {
    if (!(e instanceof ScaleDecodeError)) throw new Error(`${codec.describe()} threw ${(e as Error)?.name}: ${(e as Error)?.message} on 0x${Buffer.from(b).toString('hex')}`);
    return { ok: false };
  }
}

describe('round trips for every codec family', () => {
  it('decode(encode(x)) = x and encode(decode(bytes)) = bytes', () => {
    for (const f of families()) {
      fc.assert(
        fc.property(f.arb, (x) => {
          const b = f.codec.encode(x);
          const back = f.codec.decode(b);
          expect(back, f.name).toEqual(x);
          expect(f.codec.encode(back), f.name).toEqual(b);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('every strict prefix and every trailing extension is a ScaleDecodeError', () => {
    for (const f of families()) {
      fc.assert(
        fc.property(f.arb, fc.uint8Array({ minLength: 1, maxLength: 4 }), (x, extra) => {
          const b = f.codec.encode(x);
          // SCALE is self-delimiting: no strict prefix of an encoding is itself a complete encoding.
          for (let n = 0; n < b.length; n++) expect(decodeOrScaleError(f.codec, b.subarray(0, n)).ok, `${f.name} prefix ${n}`).toBe(false);
          expect(decodeOrScaleError(f.codec, concatBytes(b, extra)).ok, `${f.name} trailing`).toBe(false);
        }),
        { numRuns: 25 },
      );
    }
  });

  it('random bytes and single-byte corruptions: a value or ScaleDecodeError, never another exception', () => {
    for (const f of families()) {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
          decodeOrScaleError(f.codec, b);
        }),
        { numRuns: 150 },
      );
      fc.assert(
        fc.property(f.arb, fc.nat(), fc.integer({ min: 0, max: 255 }), (x, at, byte) => {
          const b = f.codec.encode(x);
          if (b.length === 0) return;
          const bad = b.slice();
          bad[at % b.length] = byte;
          decodeOrScaleError(f.codec, bad);
        }),
        { numRuns: 100 },
      );
    }
  });
});

describe('compact canonicity', () => {
  /** Encode `v` in a mode at least as wide as needed: 0 single, 1 two-byte, 2 four-byte, 3 big with `n` bytes. */
  function encodeInMode(v: bigint, mode: 0 | 1 | 2 | 3, n = 4): Uint8Array {
    const w = new ScaleWriter();
    if (mode === 0) w.u8(Number(v) << 2);
    else if (mode === 1) w.u16((Number(v) << 2) | 1);
    else if (mode === 2) w.u32(Number(v) * 4 + 2);
    else {
      w.u8(((n - 4) << 2) | 3);
      w.uintN(v, n);
    }
    return w.finish();
  }
  const minimalMode = (v: bigint): 0 | 1 | 2 | 3 => (v < 64n ? 0 : v < 16384n ? 1 : v < 1n << 30n ? 2 : 3);
  const minimalBytes = (v: bigint) => {
    let n = 0;
    for (let x = v; x > 0n; x >>= 8n) n++;
    return Math.max(n, 4);
  };

  it('the minimal encoding decodes; any wider one is refused as non-canonical', () => {
    fc.assert(
      fc.property(fc.oneof(big(6), big(14), big(30), big(32), big(64), big(128)), fc.integer({ min: 0, max: 3 }), (v, extraBytes) => {
        const m = minimalMode(v);
        const canonical = encodeInMode(v, m, minimalBytes(v));
        expect(canonical).toEqual(encodeCompact(v));
        expect(new ScaleReader(canonical).compact()).toBe(v);
        for (let wider = m + 1; wider <= 3; wider++) {
          if (wider < 3) expect(() => new ScaleReader(encodeInMode(v, wider as 1 | 2)).compact(), `${v} in mode ${wider}`).toThrow(/non-canonical/);
        }
        // The big-integer mode with more bytes than needed (a zero top byte), and with 4 bytes for a value < 2^30.
        const n = minimalBytes(v) + extraBytes;
        if (m < 3 || extraBytes > 0) {
          if (n <= 67) expect(() => new ScaleReader(encodeInMode(v, 3, n)).compact(), `${v} in ${n} bytes`).toThrow(ScaleDecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('known non-canonical vectors are refused, as parity-scale-codec refuses them', () => {
    const refuse = (hex: string) => expect(() => compactU128.decode(Buffer.from(hex, 'hex'))).toThrow(/non-canonical/);
    refuse('0100'); // 0 in two bytes
    refuse('fd00'); // 63 in two bytes
    refuse('02000000'); // 0 in four bytes
    refuse('feff0000'); // 16383 in four bytes
    refuse('03ffffff3f'); // 2^30 − 1 in the big mode
    refuse('07ffffffff00'); // 2^32 − 1 in five bytes (a zero top byte)
    expect(compactU128.decode(Buffer.from('0300000040', 'hex'))).toBe(1n << 30n);
    expect(compactU32.decode(Buffer.from('03ffffffff', 'hex'))).toBe(0xffffffff);
  });

  it('compacts above the target width are refused', () => {
    expect(() => compactU32.decode(encodeCompact(1n << 32n))).toThrow(ScaleDecodeError);
    expect(() => compactU64.decode(encodeCompact(1n << 64n))).toThrow(ScaleDecodeError);
    expect(() => compactU128.decode(encodeCompact(1n << 128n))).toThrow(ScaleDecodeError);
    expect(compactU128.decode(encodeCompact((1n << 128n) - 1n))).toBe((1n << 128n) - 1n);
  });
});

describe('encoding refuses values out of range', () => {
  it('with ScaleEncodeError', () => {
    const cases: Array<[Codec<never>, unknown]> = [
      [u8 as never, 256],
      [u8 as never, -1],
      [u8 as never, 1.5],
      [u16 as never, 0x10000],
      [u32 as never, 2 ** 32],
      [u64 as never, 1n << 64n],
      [u64 as never, -1n],
      [u128 as never, 1n << 128n],
      [u256 as never, 1n << 256n],
      [compactU32 as never, 2 ** 32],
      [compactU128 as never, 1n << 128n],
      [fixedBytes(32) as never, new Uint8Array(31)],
      [array(u8, 2) as never, [1]],
      [MultiAddress as never, { tag: 'Nope', value: 1 }],
      [struct(['t', 'S'], { a: u8 }) as never, { a: 300 }],
    ];
    for (const [codec, v] of cases) expect(() => codec.encode(v as never), `${codec.describe()} ${String(v)}`).toThrow(ScaleEncodeError);
    expect(() => new ScaleWriter().compact(-1n)).toThrow(ScaleEncodeError);
    // Numbers too: a nonce of -1 or 1.5 must not turn into the bytes of another nonce.
    for (const v of [-1, -64, 1.5, Number.NaN, Infinity]) expect(() => encodeCompact(v), String(v)).toThrow(ScaleEncodeError);
    expect(() => encodeExtra({ era: { tag: 'Immortal' }, nonce: -1, tip: 0n })).toThrow(ScaleEncodeError);
  });

  it('struct field errors name the field', () => {
    expect(() => struct(['t', 'S'], { amount: u128 }).encode({ amount: -5n })).toThrow(/field amount/);
  });
});

describe('bounded decoding', () => {
  it('Vec length above its bound and invalid UTF-8 are ScaleDecodeErrors', () => {
    expect(() => vec(u8, 3).decode(new Uint8Array([4 << 2, 1, 2, 3, 4]))).toThrow(/exceeds 3/);
    expect(() => str.decode(new Uint8Array([2 << 2, 0xc3, 0x28]))).toThrow(ScaleDecodeError);
    // A length prefix claiming 2^30 bytes with nothing behind it.
    expect(() => bytes.decode(encodeCompact(1n << 30n))).toThrow(ScaleDecodeError);
    expect(() => option(u8).decode(new Uint8Array([2, 0]))).toThrow(/Option discriminant/);
    expect(() => result(u8, u8).decode(new Uint8Array([2, 0]))).toThrow(/Result discriminant/);
    expect(() => bool.decode(new Uint8Array([2]))).toThrow(/invalid bool/);
  });
});
