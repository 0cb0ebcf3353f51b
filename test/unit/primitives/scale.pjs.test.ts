/**
 * Our SCALE codecs against `@polkadot/types` 16.5.6, byte for byte: primitives, compacts, Vec, Option,
 * Result, tuples, structs, enums, and the shared chain types (Header, MultiAddress, MultiSignature,
 * AccountInfo, DispatchError, DispatchInfo, RuntimeVersion). Random values come from fast-check; every value
 * is encoded by both libraries and each side decodes the other's bytes.
 */
import { TypeRegistry } from '@polkadot/types';
import type { RegistryTypes } from '@polkadot/types/types';
import { u8aToHex } from '@polkadot/util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bool,
  bytes,
  compactU128,
  compactU32,
  compactU64,
  enumeration,
  fields,
  fixedBytes,
  option,
  result,
  str,
  struct,
  tuple,
  u128,
  u16,
  u256,
  u32,
  u64,
  u8,
  vec,
  type Codec,
} from '../../../src/primitives/scale/index.js';
import {
  AccountId32,
  DispatchError,
  DispatchInfo,
  HeaderCodec,
  MultiAddress,
  MultiSignature,
  RuntimeVersionCodec,
  type DigestItemValue,
  type DispatchErrorValue,
  type Header,
  type MultiAddressValue,
} from '../../../src/primitives/types.js';
import { AccountInfo, type AccountInfoValue } from '../../../src/pallets/system/types.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';

const registry = new TypeRegistry();
// pjs's RegistryTypes typing does not allow struct variants inline; the definitions below are what pjs accepts.
registry.register(<RegistryTypes>(<unknown>{
  // FRAME's current account layout (pjs's built-in `AccountInfo` is an older one).
  AccountData: { free: 'u128', reserved: 'u128', frozen: 'u128', flags: 'u128' },
  AccountInfo: { nonce: 'u32', consumers: 'u32', providers: 'u32', sufficients: 'u32', data: 'AccountData' },
  // sp_runtime's current DispatchError and TokenError, transcribed from FRAME (pjs's built-ins predate them).
  TokenErrorFrame: {
    _enum: ['FundsUnavailable', 'OnlyProvider', 'BelowMinimum', 'CannotCreate', 'UnknownAsset', 'Frozen', 'Unsupported', 'CannotCreateHold', 'NotExpendable', 'Blocked'],
  },
  DispatchErrorFrame: {
    _enum: {
      Other: 'Null',
      CannotLookup: 'Null',
      BadOrigin: 'Null',
      Module: 'DispatchErrorModule',
      ConsumerRemaining: 'Null',
      NoProviders: 'Null',
      TooManyConsumers: 'Null',
      Token: 'TokenErrorFrame',
      Arithmetic: 'ArithmeticError',
      Transactional: 'TransactionalError',
      Exhausted: 'Null',
      Corruption: 'Null',
      Unavailable: 'Null',
      RootNotAllowed: 'Null',
    },
  },
  // pjs's GenericMultiAddress reads a Uint8Array as an address, not as SCALE: decode our bytes with its plain enum.
  MultiAddressPlain: { _enum: { Id: 'AccountId', Index: 'Compact<AccountIndex>', Raw: 'Bytes', Address32: 'H256', Address20: 'H160' } },
  TestStruct: { a: 'u8', b: 'Compact<u128>', c: 'Vec<u16>', d: 'Option<Text>', e: '(bool, u64)' },
  TestEnum: { _enum: { Unit: 'Null', One: 'u32', Named: { x: 'u16', y: 'Bytes' }, Nested: 'Option<u8>' } },
}));

const NUM_RUNS = 150;
const hex = (b: Uint8Array) => u8aToHex(b);

/** Assert our encoding of `value` equals pjs's encoding of `pjsValue` as `type`, and both decode each other. */
function same<T>(codec: Codec<T>, value: T, type: string, pjsValue: unknown = value, pjsDecodeType = type): void {
  const ours = codec.encode(value);
  const theirs = registry.createType(type, pjsValue).toU8a();
  expect(hex(ours)).toBe(hex(theirs));
  expect(codec.decode(theirs)).toEqual(value);
  expect(hex(registry.createType(pjsDecodeType, ours).toU8a())).toBe(hex(ours));
}

const bigUint = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
// Values around every compact mode boundary, plus random ones.
const compactEdges = [0n, 1n, 63n, 64n, 16383n, 16384n, (1n << 30n) - 1n, 1n << 30n, (1n << 32n) - 1n, 1n << 32n, (1n << 64n) - 1n];
const bytesArb = fc.uint8Array({ maxLength: 80 });

describe('primitives and compacts match @polkadot/types', () => {
  it('bool, u8, u16, u32', () => {
    same(bool, true, 'bool');
    same(bool, false, 'bool');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }), (a, b, c) => {
        same(u8, a, 'u8');
        same(u16, b, 'u16');
        same(u32, c, 'u32');
      }),
      { numRuns: NUM_RUNS },
    );
    same(u32, 0xffffffff, 'u32');
  });

  it('u64, u128, u256 (bigint)', () => {
    fc.assert(
      fc.property(bigUint(64), bigUint(128), bigUint(256), (a, b, c) => {
        same(u64, a, 'u64', a.toString());
        same(u128, b, 'u128', b.toString());
        same(u256, c, 'u256', c.toString());
      }),
      { numRuns: NUM_RUNS },
    );
    same(u128, (1n << 128n) - 1n, 'u128', ((1n << 128n) - 1n).toString());
  });

  it('Compact<u32>, Compact<u64>, Compact<u128> at every mode boundary and at random', () => {
    for (const v of compactEdges) {
      if (v <= 0xffffffffn) same(compactU32, Number(v), 'Compact<u32>');
      same(compactU64, v, 'Compact<u64>', v.toString());
      same(compactU128, v, 'Compact<u128>', v.toString());
    }
    same(compactU128, (1n << 128n) - 1n, 'Compact<u128>', ((1n << 128n) - 1n).toString());
    fc.assert(
      fc.property(fc.oneof(bigUint(8), bigUint(16), bigUint(32), bigUint(64), bigUint(128)), (v) => {
        same(compactU128, v, 'Compact<u128>', v.toString());
        if (v < 1n << 64n) same(compactU64, v, 'Compact<u64>', v.toString());
        if (v <= 0xffffffffn) same(compactU32, Number(v), 'Compact<u32>');
      }),
      { numRuns: NUM_RUNS * 2 },
    );
  });

  it('str (Text), Vec<u8> (Bytes), [u8; 32]', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), bytesArb, fc.uint8Array({ minLength: 32, maxLength: 32 }), (s, b, a) => {
        same(str, s, 'Text');
        same(bytes, b, 'Bytes', hex(b));
        same(fixedBytes(32), a, '[u8; 32]', hex(a));
      }),
      { numRuns: NUM_RUNS },
    );
    // Lengths that need a 2- and a 4-byte compact prefix.
    for (const n of [63, 64, 16383, 16384]) same(bytes, new Uint8Array(n).fill(7), 'Bytes', hex(new Uint8Array(n).fill(7)));
  });
});

describe('collections match @polkadot/types', () => {
  it('Vec<T>, Option<T>, Result<T, E>, tuples', () => {
    const vu32 = vec(u32);
    const vvu8 = vec(bytes);
    const ou128 = option(u128);
    const obool = option(bool);
    const r = result(u32, str);
    const t = tuple(u8, compactU64, bool);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 20 }),
        fc.array(bytesArb, { maxLength: 5 }),
        fc.option(bigUint(128), { nil: undefined }),
        fc.option(fc.boolean(), { nil: undefined }),
        fc.oneof(fc.integer({ min: 0, max: 0xffffffff }).map((v) => ({ ok: true as const, value: v })), fc.string({ maxLength: 10 }).map((e) => ({ ok: false as const, error: e }))),
        fc.tuple(fc.integer({ min: 0, max: 255 }), bigUint(64), fc.boolean()),
        (a, b, o, ob, res, tup) => {
          same(vu32, a, 'Vec<u32>');
          same(vvu8, b, 'Vec<Bytes>', b.map(hex));
          same(ou128, o, 'Option<u128>', o === undefined ? null : o.toString());
          // pjs encodes Option<bool> as the generic Option (two bytes), as this codec does.
          same(obool, ob, 'Option<bool>', ob === undefined ? null : ob);
          same(r, res, 'Result<u32, Text>', res.ok ? { Ok: res.value } : { Err: res.error });
          same(t, tup as [number, bigint, boolean], '(u8, Compact<u64>, bool)', [tup[0], tup[1].toString(), tup[2]]);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('structs and enums (named fields, unit, newtype and nested variants)', () => {
    const S = struct(['test', 'TestStruct'], { a: u8, b: compactU128, c: vec(u16), d: option(str), e: tuple(bool, u64) });
    const E = enumeration(['test', 'TestEnum'], { Unit: null, One: u32, Named: fields({ x: u16, y: bytes }), Nested: option(u8) });
    fc.assert(
      fc.property(
        fc.record({
          a: fc.integer({ min: 0, max: 255 }),
          b: bigUint(128),
          c: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 6 }),
          d: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
          e: fc.tuple(fc.boolean(), bigUint(64)),
        }),
        (v) => {
          same(S, v as never, 'TestStruct', { ...v, b: v.b.toString(), d: v.d ?? null, e: [v.e[0], v.e[1].toString()] });
        },
      ),
      { numRuns: NUM_RUNS },
    );
    same(E, { tag: 'Unit' }, 'TestEnum', 'Unit');
    same(E, { tag: 'One', value: 0xdeadbeef }, 'TestEnum', { One: 0xdeadbeef });
    same(E, { tag: 'Named', value: { x: 513, y: new Uint8Array([1, 2, 3]) } }, 'TestEnum', { Named: { x: 513, y: '0x010203' } });
    same(E, { tag: 'Nested', value: 9 }, 'TestEnum', { Nested: 9 });
    same(E, { tag: 'Nested', value: undefined }, 'TestEnum', { Nested: null });
  });

  it('enums with explicit discriminants encode the declared index', () => {
    const E = enumeration(['test', 'Sparse'], { A: null, B: u8, C: null }, { indices: { A: 3, B: 7 } });
    expect(hex(E.encode({ tag: 'A' }))).toBe('0x03');
    expect(hex(E.encode({ tag: 'B', value: 1 }))).toBe('0x0701');
    // Undeclared ones follow the previous index.
    expect(hex(E.encode({ tag: 'C' }))).toBe('0x08');
    registry.register({ SparseEnum: { _enum: { A: 3, B: 7, C: 8 } } });
    expect(E.indexOf('C')).toBe((registry.createType('SparseEnum', 'C') as unknown as { index: number }).index);
  });
});

const h256 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const engine = fc.constantFrom('dcnb', 'aura', 'BABE', 'FRNK').map((s) => new TextEncoder().encode(s));
const digestItem: fc.Arbitrary<DigestItemValue> = fc.oneof(
  fc.tuple(fc.constantFrom('PreRuntime' as const, 'Consensus' as const, 'Seal' as const), engine, bytesArb).map(([tag, e, d]) => ({ tag, value: [e, d] as [Uint8Array, Uint8Array] })),
  bytesArb.map((b) => ({ tag: 'Other' as const, value: b })),
  fc.constant({ tag: 'RuntimeEnvironmentUpdated' as const }),
);
const pjsDigestItem = (d: DigestItemValue) =>
  d.tag === 'Other' ? { Other: hex(d.value) } : d.tag === 'RuntimeEnvironmentUpdated' ? { RuntimeEnvironmentUpdated: null } : { [d.tag]: [hex(d.value[0]), hex(d.value[1])] };

describe('chain types match @polkadot/types', () => {
  it('Header (every digest item kind) and its hash', () => {
    fc.assert(
      fc.property(h256, fc.integer({ min: 0, max: 0xffffffff }), h256, h256, fc.array(digestItem, { maxLength: 4 }), (parentHash, number, stateRoot, extrinsicsRoot, logs) => {
        const header: Header = { parentHash, number, stateRoot, extrinsicsRoot, digest: { logs } };
        const pjs = { parentHash: hex(parentHash), number, stateRoot: hex(stateRoot), extrinsicsRoot: hex(extrinsicsRoot), digest: { logs: logs.map(pjsDigestItem) } };
        same(HeaderCodec, header, 'Header', pjs);
        // The block hash a wallet computes is ours.
        expect(hex(blake2_256(HeaderCodec.encode(header)))).toBe(registry.createType('Header', pjs).hash.toHex());
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('MultiAddress: Id, Index, Raw, Address32, Address20', () => {
    const sameAddress = (v: MultiAddressValue, pjs: unknown) => same(MultiAddress, v, 'MultiAddress', pjs, 'MultiAddressPlain');
    fc.assert(
      fc.property(h256, bytesArb, fc.uint8Array({ minLength: 20, maxLength: 20 }), (id, raw, a20) => {
        sameAddress({ tag: 'Id', value: id }, { Id: hex(id) });
        sameAddress({ tag: 'Raw', value: raw }, { Raw: hex(raw) });
        sameAddress({ tag: 'Address32', value: id }, { Address32: hex(id) });
        sameAddress({ tag: 'Address20', value: a20 }, { Address20: hex(a20) });
      }),
      { numRuns: NUM_RUNS },
    );
    // This chain's AccountIndex is `()`: only index 0 has a value of ours (pjs's Compact<AccountIndex> of 0).
    sameAddress({ tag: 'Index', value: null }, { Index: 0 });
  });

  it('MultiSignature: Ed25519, Sr25519, Ecdsa', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ minLength: 65, maxLength: 65 }), (s64, s65) => {
        same(MultiSignature, { tag: 'Ed25519', value: s64 }, 'MultiSignature', { Ed25519: hex(s64) });
        same(MultiSignature, { tag: 'Sr25519', value: s64 }, 'MultiSignature', { Sr25519: hex(s64) });
        same(MultiSignature, { tag: 'Ecdsa', value: s65 }, 'MultiSignature', { Ecdsa: hex(s65) });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('AccountInfo (frame layout, 80 bytes)', () => {
    const u32a = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(u32a, u32a, u32a, u32a, bigUint(128), bigUint(128), bigUint(128), bigUint(128), (nonce, consumers, providers, sufficients, free, reserved, frozen, flags) => {
        const v: AccountInfoValue = { nonce, consumers, providers, sufficients, data: { free, reserved, frozen, flags } };
        const pjs = { nonce, consumers, providers, sufficients, data: { free: free.toString(), reserved: reserved.toString(), frozen: frozen.toString(), flags: flags.toString() } };
        same(AccountInfo, v, 'AccountInfo', pjs);
        expect(AccountInfo.encode(v).length).toBe(80);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('DispatchError: every variant, Module with its 4 error bytes', () => {
    const simple = ['Other', 'CannotLookup', 'BadOrigin', 'ConsumerRemaining', 'NoProviders', 'TooManyConsumers', 'Exhausted', 'Corruption', 'Unavailable', 'RootNotAllowed'] as const;
    for (const tag of simple) same(DispatchError, { tag } as DispatchErrorValue, 'DispatchErrorFrame', tag);
    const tokens = ['FundsUnavailable', 'OnlyProvider', 'BelowMinimum', 'CannotCreate', 'UnknownAsset', 'Frozen', 'Unsupported', 'CannotCreateHold', 'NotExpendable', 'Blocked'] as const;
    for (const t of tokens) same(DispatchError, { tag: 'Token', value: { tag: t } }, 'DispatchErrorFrame', { Token: t });
    for (const t of ['Underflow', 'Overflow', 'DivisionByZero'] as const) same(DispatchError, { tag: 'Arithmetic', value: { tag: t } }, 'DispatchErrorFrame', { Arithmetic: t });
    for (const t of ['LimitReached', 'NoLayer'] as const) same(DispatchError, { tag: 'Transactional', value: { tag: t } }, 'DispatchErrorFrame', { Transactional: t });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 4, maxLength: 4 }), (index, error) => {
        same(DispatchError, { tag: 'Module', value: { index, error } }, 'DispatchErrorFrame', { Module: { index, error: hex(error) } });
      }),
      { numRuns: NUM_RUNS },
    );
    // Balances.InsufficientBalance as the runtime reports it.
    expect(hex(DispatchError.encode({ tag: 'Module', value: { index: 2, error: new Uint8Array([2, 0, 0, 0]) } }))).toBe('0x030202000000');
    // The variants pjs's built-in (older) DispatchError shares with ours encode identically.
    same(DispatchError, { tag: 'Token', value: { tag: 'Frozen' } }, 'DispatchError', { Token: 'Frozen' });
  });

  it('DispatchInfo and RuntimeVersion', () => {
    fc.assert(
      fc.property(bigUint(64), bigUint(64), fc.constantFrom('Normal', 'Operational', 'Mandatory'), fc.constantFrom('Yes', 'No'), (refTime, proofSize, cls, pays) => {
        const v = { weight: { refTime, proofSize }, class: { tag: cls }, paysFee: { tag: pays } } as never;
        same(DispatchInfo, v, 'DispatchInfo', { weight: { refTime: refTime.toString(), proofSize: proofSize.toString() }, class: cls, paysFee: pays });
      }),
      { numRuns: NUM_RUNS },
    );
    const apiId = new Uint8Array([0xdf, 0x6a, 0xcb, 0x68, 0x99, 0x07, 0x60, 0x9b]);
    const version = { specName: 'dcn', implName: 'dcn-node', authoringVersion: 1, specVersion: 100, implVersion: 1, apis: [[apiId, 5]] as [Uint8Array, number][], transactionVersion: 1, systemVersion: 1 };
    same(RuntimeVersionCodec, version, 'RuntimeVersion', { ...version, apis: [[hex(apiId), 5]], stateVersion: 1 });
  });

  it('AccountId32 is the raw 32 bytes', () => {
    const id = new Uint8Array(32).map((_, i) => i);
    same(AccountId32, id, 'AccountId32', hex(id));
  });
});
