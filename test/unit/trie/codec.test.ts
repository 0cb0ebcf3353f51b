/**
 * Node codec: the README's header and partial-key examples, round trips (example-based and fast-check), and
 * rejection of malformed nodes.
 */
import { cryptoWaitReady } from '@polkadot/util-crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/primitives/bytes.js';
import { decodeNode, encodeCompact, encodeNode, TrieCodecError, type NodeData, type NodeValue } from '../../../src/trie/index.js';

beforeAll(async () => {
  await cryptoWaitReady();
});

const nibbles = (n: number, x: number): Uint8Array => new Uint8Array(n).fill(x);
const inline = (hex: string): NodeValue => ({ type: 'inline', value: fromHex(hex) });
const hashed: NodeValue = { type: 'hashed', hash: new Uint8Array(32).fill(0x77) };
const leaf = (partial: Uint8Array, value: NodeValue): NodeData => ({ type: 'leaf', partial, value });

function branch(partial: Uint8Array, value: NodeValue | undefined, slots: Record<number, Uint8Array>): NodeData {
  const children: (Uint8Array | undefined)[] = new Array(16).fill(undefined);
  for (const [i, mv] of Object.entries(slots)) children[Number(i)] = mv;
  return { type: 'branch', partial, value, children };
}

/** First bytes of an encoding, as hex without 0x. */
const head = (bytes: Uint8Array, n: number): string => toHex(bytes.subarray(0, n)).slice(2);

describe('encoding', () => {
  it('leaf header lengths: 62 → 7e, 63 → 7f 00, 64 → 7f 01, 318 → 7f ff 00, 600 → 7f ff ff 1b', () => {
    expect(head(encodeNode(leaf(nibbles(62, 1), inline('0x'))), 1)).toBe('7e');
    expect(head(encodeNode(leaf(nibbles(63, 1), inline('0x'))), 2)).toBe('7f00');
    expect(head(encodeNode(leaf(nibbles(64, 1), inline('0x'))), 2)).toBe('7f01');
    expect(head(encodeNode(leaf(nibbles(318, 1), inline('0x'))), 3)).toBe('7fff00');
    expect(head(encodeNode(leaf(nibbles(600, 1), inline('0x'))), 4)).toBe('7fffff1b');
  });

  it('hashed-value headers: leaf 31 → 3f 00, leaf 33 → 3f 02, branch 16 → 1f 01', () => {
    expect(head(encodeNode(leaf(nibbles(30, 2), hashed)), 1)).toBe('3e');
    expect(head(encodeNode(leaf(nibbles(31, 2), hashed)), 2)).toBe('3f00');
    expect(head(encodeNode(leaf(nibbles(33, 2), hashed)), 2)).toBe('3f02');
    expect(head(encodeNode(branch(nibbles(16, 2), hashed, { 0: fromHex('0x4100') })), 2)).toBe('1f01');
    expect(head(encodeNode(branch(nibbles(14, 2), hashed, { 0: fromHex('0x4100') })), 1)).toBe('1e');
  });

  it('partial key packing: [1,2,3] → 01 23; bitmap [1,4] → 12 00', () => {
    expect(toHex(encodeNode(leaf(Uint8Array.of(1, 2, 3), inline('0x'))))).toBe('0x43012300');
    const b = encodeNode(branch(new Uint8Array(0), undefined, { 1: fromHex('0x4100'), 4: fromHex('0x4100') }));
    expect(toHex(b)).toBe('0x801200084100084100');
  });

  it('values: empty → 00, one byte → 04 xx, 64 bytes → 01 01 …', () => {
    expect(toHex(encodeNode(leaf(new Uint8Array(0), inline('0x'))))).toBe('0x4000');
    expect(toHex(encodeNode(leaf(new Uint8Array(0), inline('0xab'))))).toBe('0x4004ab');
    const big = encodeNode(leaf(new Uint8Array(0), { type: 'inline', value: new Uint8Array(64) }));
    expect(head(big, 3)).toBe('400101');
    expect(big).toHaveLength(3 + 64);
  });

  it('branch with inline value: header c1, partial 0a, bitmap 0400, value 0401, inline child 08 4100', () => {
    expect(toHex(encodeNode(branch(Uint8Array.of(0xa), inline('0x01'), { 2: fromHex('0x4100') })))).toBe('0xc10a04000401084100');
  });

  it('empty node is 00', () => {
    expect(toHex(encodeNode({ type: 'empty' }))).toBe('0x00');
    expect(decodeNode(Uint8Array.of(0))).toEqual({ type: 'empty' });
  });

  it('rejects data no node can have', () => {
    expect(() => encodeNode(leaf(Uint8Array.of(16), inline('0x')))).toThrow(TrieCodecError);
    expect(() => encodeNode(branch(new Uint8Array(0), undefined, {}))).toThrow(TrieCodecError);
    expect(() => encodeNode(branch(new Uint8Array(0), undefined, { 0: new Uint8Array(33) }))).toThrow(TrieCodecError);
    expect(() => encodeNode(branch(new Uint8Array(0), undefined, { 0: new Uint8Array(0) }))).toThrow(TrieCodecError);
    expect(() => encodeNode(leaf(new Uint8Array(0), { type: 'hashed', hash: new Uint8Array(31) }))).toThrow(TrieCodecError);
  });
});

describe('SCALE compact', () => {
  it('mode boundaries', () => {
    expect(toHex(encodeCompact(0))).toBe('0x00');
    expect(toHex(encodeCompact(1))).toBe('0x04');
    expect(toHex(encodeCompact(63))).toBe('0xfc');
    expect(toHex(encodeCompact(64))).toBe('0x0101');
    expect(toHex(encodeCompact(16383))).toBe('0xfdff');
    expect(toHex(encodeCompact(16384))).toBe('0x02000100');
    expect(toHex(encodeCompact(2 ** 30 - 1))).toBe('0xfeffffff');
    expect(toHex(encodeCompact(2 ** 30))).toBe('0x0300000040');
    expect(toHex(encodeCompact(2 ** 32))).toBe('0x070000000001');
  });
});

describe('decoding rejects malformed nodes', () => {
  const bad: Array<[string, string]> = [
    ['reserved header 01 (compact-proof escape)', '0x01'],
    ['header 0x02', '0x02'],
    ['header 0x0f', '0x0f4000'],
    ['empty input', '0x'],
    ['empty node followed by bytes', '0x0000'],
    ['non-zero padding nibble', '0x41' + '1a' + '00'],
    ['zero bitmap, branch without value', '0x800000'],
    ['zero bitmap, branch with value', '0xc000000400'],
    ['truncated partial key', '0x4412'],
    ['truncated header continuation', '0x7f'],
    ['truncated value', '0x41010805'],
    ['trailing bytes', '0x410100' + 'ff'],
    ['non-canonical compact value length (1 in two bytes)', '0x4101' + '0500' + 'aa'],
    ['child reference of 33 bytes', '0x800100' + '84' + '00'.repeat(33)],
    ['empty inline child', '0x800100' + '00'],
    ['inline child that is the empty node', '0x800100' + '04' + '00'],
    ['inline child with a bad header', '0x800100' + '04' + '01'],
    ['truncated child', '0x800100' + '80' + '00'.repeat(10)],
    ['truncated hashed value', '0x2101' + '00'.repeat(31)],
    ['truncated bitmap', '0x8001'],
  ];
  for (const [why, hex] of bad) {
    it(why, () => {
      expect(() => decodeNode(fromHex(hex))).toThrow(TrieCodecError);
    });
  }

  it('accepts the well-formed neighbours of those cases', () => {
    expect(decodeNode(fromHex('0x41' + '0a' + '00'))).toMatchObject({ type: 'leaf', partial: Uint8Array.of(0xa) });
    expect(decodeNode(fromHex('0x800100' + '80' + '00'.repeat(32)))).toMatchObject({ type: 'branch' });
    expect(decodeNode(fromHex('0x800100' + '0c' + '400400'))).toMatchObject({ type: 'branch' });
  });
});

/** Arbitrary valid node data, with inline children that are themselves valid encodings. */
const nibbleArr = (max: number): fc.Arbitrary<Uint8Array> =>
  fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: max }).map((a) => Uint8Array.from(a));
const valueArb: fc.Arbitrary<NodeValue> = fc.oneof(
  fc.uint8Array({ maxLength: 80 }).map((value): NodeValue => ({ type: 'inline', value })),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((hash): NodeValue => ({ type: 'hashed', hash })),
);
const inlineChild = fc
  .tuple(nibbleArr(8), fc.uint8Array({ maxLength: 8 }))
  .map(([p, v]) => encodeNode({ type: 'leaf', partial: p, value: { type: 'inline', value: v } }));
const childArb = fc.option(fc.oneof(fc.uint8Array({ minLength: 32, maxLength: 32 }), inlineChild), { nil: undefined });
const nodeArb: fc.Arbitrary<NodeData> = fc.oneof(
  fc.record({ type: fc.constant('leaf' as const), partial: nibbleArr(700), value: valueArb }),
  fc
    .record({
      type: fc.constant('branch' as const),
      partial: nibbleArr(300),
      value: fc.option(valueArb, { nil: undefined }),
      children: fc.array(childArb, { minLength: 16, maxLength: 16 }),
    })
    .filter((b) => b.children.some((c) => c !== undefined)),
);

describe('round trip (fast-check)', () => {
  it('decode(encode(node)) = node and encode(decode(bytes)) = bytes', () => {
    fc.assert(
      fc.property(nodeArb, (node) => {
        const bytes = encodeNode(node);
        const back = decodeNode(bytes);
        expect(back).toEqual(node);
        expect(toHex(encodeNode(back))).toBe(toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('any single-byte corruption either fails to decode or decodes to a node that re-encodes to the corrupted bytes', () => {
    fc.assert(
      fc.property(nodeArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (node, at, xor) => {
        const bytes = encodeNode(node).slice();
        const i = at % bytes.length;
        bytes[i] ^= xor;
        let decoded: NodeData | undefined;
        try {
          decoded = decodeNode(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(TrieCodecError);
          return;
        }
        // Strict decoding means canonical: whatever decodes re-encodes to exactly the same bytes.
        expect(toHex(encodeNode(decoded))).toBe(toHex(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});
