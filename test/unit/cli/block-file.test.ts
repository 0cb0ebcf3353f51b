/**
 * The block file format: round trips (binary and JSON lines, property-tested), the documented layout, and errors
 * that name the file and the record.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BLOCK_FILE_MAGIC,
  BlockFileError,
  BlockFileReader,
  BlockFileWriter,
  encodeBlockRecord,
  encodeFileHeader,
  type BlockFileFormat,
  type BlockToExport,
} from '../../../src/cli/block-file.js';
import { toHex } from '../../../src/primitives/bytes.js';
import { ScaleReader } from '../../../src/primitives/scale/io.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { BodyCodec, HeaderCodec, type Header } from '../../../src/primitives/types.js';

const dir = mkdtempSync(join(tmpdir(), 'dcn-blockfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0; // files written by this suite, < 2^32
const nextPath = (ext: string) => join(dir, `f${fileNo++}.${ext}`);

const GENESIS = blake2_256(new Uint8Array([1, 2, 3]));

function header(number: number, seed: number): Header {
  const h = (k: number) => blake2_256(new Uint8Array([seed & 0xff, (seed >> 8) & 0xff, k]));
  return { parentHash: h(0), number, stateRoot: h(1), extrinsicsRoot: h(2), digest: { logs: [{ tag: 'PreRuntime', value: [new Uint8Array([100, 99, 110, 98]), h(3)] }] } };
}

function block(number: number, extrinsics: Uint8Array[], justification?: Uint8Array): BlockToExport {
  return { header: HeaderCodec.encode(header(number, number)), body: BodyCodec.encode(extrinsics), justification };
}

async function writeFile(format: BlockFileFormat, blocks: BlockToExport[]): Promise<string> {
  const path = nextPath(format === 'binary' ? 'bin' : 'jsonl');
  const w = await BlockFileWriter.open(path, format, GENESIS);
  for (const b of blocks) await w.write(b);
  await w.close();
  return path;
}

async function readAll(path: string) {
  const r = await BlockFileReader.open(path);
  const out = [];
  for await (const b of r.blocks()) out.push(b);
  return { reader: r, blocks: out };
}

describe('block file', () => {
  it('binary layout: magic, version, genesis hash, then length-framed SCALE records', async () => {
    const b = block(1, [new Uint8Array([8, 4, 0]), new Uint8Array([4, 7])], new Uint8Array([9, 9]));
    const path = await writeFile('binary', [b]);
    const bytes = new Uint8Array(readFileSync(path));
    expect(toHex(bytes.subarray(0, 4))).toBe(toHex(BLOCK_FILE_MAGIC));
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('DCNB');
    expect(bytes[4]).toBe(1);
    expect(toHex(bytes.subarray(5, 37))).toBe(toHex(GENESIS));
    // record = Compact<u32> len ‖ header ‖ body ‖ Option<Vec<u8>>: Some(0x0909) is 01 08 09 09.
    const recordLen = b.header.length + b.body.length + 4;
    expect(toHex(bytes.subarray(37))).toBe(toHex(new Uint8Array([...encodeBlockRecord(b)])));
    const r = new ScaleReader(bytes, 37);
    expect(r.compactNumber()).toBe(recordLen);
    expect(toHex(bytes.subarray(r.offset, r.offset + b.header.length))).toBe(toHex(b.header));
    expect(toHex(bytes.subarray(bytes.length - 4))).toBe('0x01080909');
    expect(toHex(encodeFileHeader(GENESIS))).toBe(toHex(bytes.subarray(0, 37)));
  });

  it('round-trips blocks in both formats (property)', async () => {
    const xt = fc.uint8Array({ minLength: 0, maxLength: 300 });
    const blocksArb = fc.array(fc.record({ extrinsics: fc.array(xt, { maxLength: 6 }), justification: fc.option(fc.uint8Array({ maxLength: 80 }), { nil: undefined }) }), { maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(blocksArb, fc.constantFrom<BlockFileFormat>('binary', 'json'), async (spec, format) => {
        const blocks = spec.map((s, i) => block(i, s.extrinsics, s.justification));
        const { reader, blocks: read } = await readAll(await writeFile(format, blocks));
        expect(reader.format).toBe(format);
        expect(toHex(reader.genesisHash)).toBe(toHex(GENESIS));
        expect(read).toHaveLength(blocks.length);
        read.forEach((r, i) => {
          expect(r.record).toBe(i);
          expect(toHex(r.header)).toBe(toHex(blocks[i].header));
          expect(toHex(r.hash)).toBe(toHex(blake2_256(blocks[i].header)));
          expect(r.decoded.number).toBe(i);
          expect(r.extrinsics.map(toHex)).toEqual(spec[i].extrinsics.map(toHex));
          expect(r.justification === undefined ? undefined : toHex(r.justification)).toBe(spec[i].justification === undefined ? undefined : toHex(spec[i].justification!));
        });
      }),
      { numRuns: 40 },
    );
  });

  it('streams records larger than the read chunk', async () => {
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i & 0xff);
    const { blocks } = await readAll(await writeFile('binary', [block(1, [big]), block(2, [big.subarray(1)])]));
    expect(blocks.map((b) => b.extrinsics[0].length)).toEqual([big.length, big.length - 1]);
    expect(blocks[1].extrinsics[0][0]).toBe(1);
  });

  it('names the file and the record that cannot be read', async () => {
    const path = await writeFile('binary', [block(1, [new Uint8Array([1])]), block(2, [new Uint8Array([2])])]);
    const bytes = readFileSync(path);
    const truncated = nextPath('bin');
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 3));
    await expect(readAll(truncated)).rejects.toThrow(new RegExp(`${truncated}: record 1 \\(byte \\d+\\): the file ends inside the record`));

    // A record whose body length lies: the SCALE decoder runs past the record.
    const corrupt = Buffer.from(bytes);
    const firstRecordStart = 37;
    const headerLen = block(1, []).header.length;
    const prefixLen = (corrupt[firstRecordStart] & 3) === 1 ? 2 : 1; // Compact<u32> record length
    corrupt[firstRecordStart + prefixLen + headerLen] = 0x08; // body says 2 extrinsics, has 1
    const corruptPath = nextPath('bin');
    writeFileSync(corruptPath, corrupt);
    await expect(readAll(corruptPath)).rejects.toThrow(/record 0 \(byte 37\): cannot decode the block/);
  });

  it('refuses what is not a block file, naming it', async () => {
    const empty = nextPath('bin');
    writeFileSync(empty, '');
    await expect(BlockFileReader.open(empty)).rejects.toThrow(`${empty}: the file is empty`);
    const junk = nextPath('bin');
    writeFileSync(junk, 'PK\x03\x04 zip?');
    await expect(BlockFileReader.open(junk)).rejects.toThrow('not a block file');
    const v2 = nextPath('bin');
    writeFileSync(v2, Buffer.concat([Buffer.from('DCNB'), Buffer.from([2]), Buffer.alloc(32)]));
    await expect(BlockFileReader.open(v2)).rejects.toThrow('block file version 2 is not supported');
    const short = nextPath('bin');
    writeFileSync(short, Buffer.concat([Buffer.from('DCNB'), Buffer.from([1]), Buffer.alloc(7)]));
    await expect(BlockFileReader.open(short)).rejects.toThrow('the file header is truncated');
    await expect(BlockFileReader.open(join(dir, 'absent.bin'))).rejects.toThrow(BlockFileError);
    await expect(BlockFileReader.open(dir)).rejects.toThrow('is not a file');
  });

  it('checks JSON lines: header, format line, and number/hash against the header', async () => {
    const path = await writeFile('json', [block(1, [new Uint8Array([5])])]);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0])).toEqual({ format: 'dcn-blocks', version: 1, genesisHash: toHex(GENESIS) });
    const rec = JSON.parse(lines[1]) as Record<string, unknown>;
    expect(rec).toMatchObject({ number: 1, extrinsics: ['0x05'], justification: null });

    const wrongNumber = nextPath('jsonl');
    writeFileSync(wrongNumber, `${lines[0]}\n${JSON.stringify({ ...rec, number: 2 })}\n`);
    await expect(readAll(wrongNumber)).rejects.toThrow(`${wrongNumber}: record 0 (line 2): "number" is 2 but the header says 1`);
    const wrongHash = nextPath('jsonl');
    writeFileSync(wrongHash, `${lines[0]}\n${JSON.stringify({ ...rec, hash: toHex(GENESIS) })}\n`);
    await expect(readAll(wrongHash)).rejects.toThrow('"hash" is');
    const badHex = nextPath('jsonl');
    writeFileSync(badHex, `${lines[0]}\n${JSON.stringify({ ...rec, extrinsics: ['zz'] })}\n`);
    await expect(readAll(badHex)).rejects.toThrow('"extrinsics[0]" must be a 0x hex string');
    const badFormat = nextPath('jsonl');
    writeFileSync(badFormat, `{"format":"other","version":1}\n`);
    await expect(BlockFileReader.open(badFormat)).rejects.toThrow('line 1: "format" must be "dcn-blocks"');
  });
});
