/**
 * The block file written by `export-blocks` and read by `import-blocks` and `replay --input`.
 *
 * Binary format, version 1 (all integers little-endian, SCALE where it says so):
 *
 *   file    = magic "DCNB" (4 bytes, 0x44 0x43 0x4e 0x42)
 *             ‖ version: u8 (= 1)
 *             ‖ genesisHash: [u8; 32]          the chain the blocks belong to
 *             ‖ record*                        until end of file, in block order
 *   record  = Compact<u32> length              bytes of the record that follow (≤ 64 MiB)
 *             ‖ header: Header                 SCALE header exactly as stored; blake2_256 of these bytes is the block hash
 *             ‖ extrinsics: Vec<Vec<u8>>       the block body as stored: each item one length-prefixed extrinsic
 *             ‖ justification: Option<Vec<u8>> the commit certificate, when the node has one
 *
 * Each record is the SCALE encoding of `{header, extrinsics, justification}` (Substrate's `SignedBlock` with an
 * opaque justification), framed by its length so a reader can skip or stream records.
 *
 * JSON lines format (`--format json`), version 1: a first line
 *   {"format":"dcn-blocks","version":1,"genesisHash":"0x…"}
 * then one line per block
 *   {"number":N,"hash":"0x…","header":"0x<SCALE header>","extrinsics":["0x…",…],"justification":"0x…"|null}
 * where `header` and `extrinsics` are authoritative and `number`/`hash` are checked against them on reading.
 *
 * Readers detect the format from the first bytes. Errors name the file, the record (0-based) and its byte
 * offset or line.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { equalBytes, fromHex, isHex, toHex } from '../primitives/bytes.js';
import { blake2_256 } from '../primitives/hashing.js';
import { option, bytes as bytesCodec } from '../primitives/scale/index.js';
import { ScaleReader, ScaleWriter } from '../primitives/scale/io.js';
import { BodyCodec, HeaderCodec, type Header } from '../primitives/types.js';

/** The 4 magic bytes that open a binary block file ("DCNB"). */
export const BLOCK_FILE_MAGIC = new Uint8Array([0x44, 0x43, 0x4e, 0x42]);
/** The format version this code writes and reads. */
export const BLOCK_FILE_VERSION = 1;
/** Largest record accepted (bytes): far above a block's 5 MiB length limit plus header and justification. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** Output formats of `export-blocks`. */
export type BlockFileFormat = 'binary' | 'json';

const JSON_FORMAT_NAME = 'dcn-blocks';
const Justification = option(bytesCodec);
/** Bytes buffered before a write to the output stream (1 MiB). */
const WRITE_BUFFER_BYTES = 1 << 20;

/** A block file that cannot be read: the message names the file, the record and where it is. */
export class BlockFileError extends Error {
  /** An error with `message`. */
  constructor(message: string) {
    super(message);
    this.name = 'BlockFileError';
  }
}

/** One block as carried by a block file. */
export interface FileBlock {
  /** Position of the record in the file, 0-based (< 2^32). */
  record: number;
  /** SCALE header bytes exactly as exported. */
  header: Uint8Array;
  /** The header, decoded. */
  decoded: Header;
  /** blake2_256(header). */
  hash: Uint8Array;
  /** The extrinsics, each with its length prefix. */
  extrinsics: Uint8Array[];
  /** The commit certificate, if exported. */
  justification: Uint8Array | undefined;
}

/** What export writes per block: the stored records. */
export interface BlockToExport {
  /** SCALE header as stored. */
  header: Uint8Array;
  /** SCALE body (`Vec<Vec<u8>>`) as stored. */
  body: Uint8Array;
  /** Justification, if stored. */
  justification: Uint8Array | undefined;
}

/** Encode one binary record (with its length prefix) from stored header and body bytes. */
export function encodeBlockRecord(b: BlockToExport): Uint8Array {
  const just = Justification.encode(b.justification);
  const len = b.header.length + b.body.length + just.length;
  const w = new ScaleWriter(len + 5);
  w.compact(len);
  w.bytes(b.header);
  w.bytes(b.body);
  w.bytes(just);
  return w.finish();
}

/** The file header of a binary block file. */
export function encodeFileHeader(genesisHash: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 1 + 32);
  out.set(BLOCK_FILE_MAGIC, 0);
  out[4] = BLOCK_FILE_VERSION;
  out.set(genesisHash, 5);
  return out;
}

/** Writes a block file to a path or to stdout (`-`), buffering and honouring back-pressure. */
export class BlockFileWriter {
  private buffer: Uint8Array[] = [];
  private buffered = 0; // bytes in `buffer`, < WRITE_BUFFER_BYTES + one record
  /** Blocks written so far (< 2^32). */
  blocks = 0;

  private constructor(
    private readonly out: Writable,
    private readonly ownStream: boolean,
    readonly format: BlockFileFormat,
  ) {}

  /** Open `target` (a path, or `-` for stdout) and write the file header for a chain with `genesisHash`. */
  static async open(target: string, format: BlockFileFormat, genesisHash: Uint8Array): Promise<BlockFileWriter> {
    let out: Writable;
    if (target === '-') out = process.stdout;
    else {
      const s = createWriteStream(target);
      await new Promise<void>((resolve, reject) => {
        s.once('open', () => resolve());
        s.once('error', (e) => reject(new BlockFileError(`cannot write ${target}: ${e.message}`)));
      });
      out = s;
    }
    const w = new BlockFileWriter(out, target !== '-', format);
    if (format === 'binary') w.push(encodeFileHeader(genesisHash));
    else w.push(Buffer.from(JSON.stringify({ format: JSON_FORMAT_NAME, version: BLOCK_FILE_VERSION, genesisHash: toHex(genesisHash) }) + '\n'));
    return w;
  }

  /** Append one block. */
  async write(b: BlockToExport): Promise<void> {
    if (this.format === 'binary') this.push(encodeBlockRecord(b));
    else {
      const header = HeaderCodec.decode(b.header);
      const line = {
        number: header.number,
        hash: toHex(blake2_256(b.header)),
        header: toHex(b.header),
        extrinsics: BodyCodec.decode(b.body).map(toHex),
        justification: b.justification === undefined ? null : toHex(b.justification),
      };
      this.push(Buffer.from(JSON.stringify(line) + '\n'));
    }
    this.blocks++;
    if (this.buffered >= WRITE_BUFFER_BYTES) await this.flush();
  }

  /** Flush and close (stdout is flushed, not closed). */
  async close(): Promise<void> {
    await this.flush();
    if (this.ownStream) {
      this.out.end();
      await once(this.out, 'finish');
    }
  }

  private push(chunk: Uint8Array): void {
    this.buffer.push(chunk);
    this.buffered += chunk.length;
  }

  private async flush(): Promise<void> {
    if (this.buffered === 0) return;
    const data = Buffer.concat(this.buffer);
    this.buffer = [];
    this.buffered = 0;
    if (!this.out.write(data)) await once(this.out, 'drain');
  }
}

/** Pull-based reading of a byte stream with exact-length takes and line reads. */
class ByteStream {
  private chunks: Buffer[] = [];
  private head = 0; // read offset into chunks[0]
  private buffered = 0; // unread bytes in `chunks`
  private ended = false;
  /** Bytes consumed so far (≤ 2^53). */
  consumed = 0;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Make at least `n` bytes available unless the stream ends first; true when they are. */
  private async fill(n: number): Promise<boolean> {
    while (this.buffered < n && !this.ended) {
      const r = await this.source.next();
      if (r.done) this.ended = true;
      else if (r.value.length > 0) {
        this.chunks.push(r.value);
        this.buffered += r.value.length;
      }
    }
    return this.buffered >= n;
  }

  /** True at end of input. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /** The next `n` bytes without consuming them, or fewer at end of input. */
  async peek(n: number): Promise<Uint8Array> {
    await this.fill(n);
    const out = new Uint8Array(Math.min(n, this.buffered));
    let o = 0;
    let skip = this.head;
    for (const c of this.chunks) {
      if (o === out.length) break;
      const part = c.subarray(skip, skip + out.length - o);
      out.set(part, o);
      o += part.length;
      skip = 0;
    }
    return out;
  }

  /** Exactly `n` bytes, or undefined when the stream ends first (nothing is consumed then). */
  async take(n: number): Promise<Uint8Array | undefined> {
    if (!(await this.fill(n))) return undefined;
    const first = this.chunks[0];
    let out: Uint8Array;
    if (first !== undefined && first.length - this.head >= n) {
      out = first.subarray(this.head, this.head + n);
      this.head += n;
    } else {
      out = new Uint8Array(n);
      let o = 0;
      while (o < n) {
        const c = this.chunks[0];
        const part = c.subarray(this.head, this.head + (n - o));
        out.set(part, o);
        o += part.length;
        this.head += part.length;
        if (this.head === c.length) {
          this.chunks.shift();
          this.head = 0;
        }
      }
    }
    if (this.chunks.length > 0 && this.head === this.chunks[0].length) {
      this.chunks.shift();
      this.head = 0;
    }
    this.buffered -= n;
    this.consumed += n;
    return out;
  }

  /** The next line without its `\n` (a last line without one is returned too), or undefined at end of input. */
  async readLine(maxBytes: number): Promise<string | undefined> {
    let scanned = 0; // bytes of `chunks` already searched for the newline
    for (;;) {
      let pos = -1;
      let seen = 0;
      for (let i = 0; i < this.chunks.length && pos < 0; i++) {
        const c = i === 0 ? this.chunks[0].subarray(this.head) : this.chunks[i];
        if (seen + c.length > scanned) {
          const from = Math.max(0, scanned - seen);
          const j = c.indexOf(0x0a, from);
          if (j >= 0) pos = seen + j;
        }
        seen += c.length;
      }
      if (pos >= 0) {
        const line = (await this.take(pos + 1))!;
        return Buffer.from(line.buffer, line.byteOffset, pos).toString('utf8');
      }
      scanned = this.buffered;
      if (scanned > maxBytes) throw new BlockFileError(`a line is longer than ${maxBytes} bytes`);
      if (!(await this.fill(this.buffered + 1))) {
        if (this.buffered === 0) return undefined;
        const rest = (await this.take(this.buffered))!;
        return Buffer.from(rest).toString('utf8');
      }
    }
  }
}

/** Read and decode `len` bytes of compact-length framing at the start of a record. */
async function readCompactLength(s: ByteStream): Promise<number | undefined> {
  const first = await s.take(1);
  if (first === undefined) return undefined;
  const mode = first[0] & 3;
  const extra = mode === 0 ? 0 : mode === 1 ? 1 : mode === 2 ? 3 : (first[0] >> 2) + 4;
  const rest = extra === 0 ? new Uint8Array(0) : await s.take(extra);
  if (rest === undefined) throw new BlockFileError('the file ends inside a record length');
  const all = new Uint8Array(1 + extra);
  all[0] = first[0];
  all.set(rest, 1);
  const r = new ScaleReader(all);
  return r.compactNumber(MAX_RECORD_BYTES);
}

/** Decode one binary record (without its length prefix). Throws ScaleDecodeError or Error on malformed bytes. */
export function decodeBlockRecord(record: Uint8Array, index: number): FileBlock {
  const r = new ScaleReader(record);
  const decoded = HeaderCodec.decodeFrom(r);
  const header = record.slice(0, r.offset);
  const extrinsics = BodyCodec.decodeFrom(r);
  const justification = Justification.decodeFrom(r);
  r.assertDone('the block record');
  return { record: index, header, decoded, hash: blake2_256(header), extrinsics, justification };
}

/** An open block file: its format, chain, and an iterator over its blocks. */
export class BlockFileReader {
  private constructor(
    /** The path, or `-` for stdin. */
    readonly path: string,
    readonly format: BlockFileFormat,
    /** Genesis hash of the chain the file was exported from. */
    readonly genesisHash: Uint8Array,
    /** File size in bytes, when known (not for stdin). */
    readonly size: number | undefined,
    private readonly stream: ByteStream,
    private readonly input: Readable,
  ) {}

  /** Bytes read so far (for progress). */
  get bytesRead(): number {
    return this.stream.consumed;
  }

  /** Open `path` (or `-` for stdin), read and check its file header. Throws {@link BlockFileError}. */
  static async open(path: string): Promise<BlockFileReader> {
    let input: Readable;
    let size: number | undefined;
    if (path === '-') input = process.stdin;
    else {
      try {
        const st = statSync(path);
        if (!st.isFile()) throw new BlockFileError(`${path} is not a file`);
        size = st.size;
      } catch (e) {
        if (e instanceof BlockFileError) throw e;
        throw new BlockFileError(`cannot read ${path}: ${(e as Error).message}`);
      }
      input = createReadStream(path, { highWaterMark: 1 << 20 });
    }
    const stream = new ByteStream(input[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
    const fail = (why: string): never => {
      input.destroy();
      throw new BlockFileError(`${path}: ${why}`);
    };
    let first: Uint8Array;
    try {
      first = await stream.peek(4);
    } catch (e) {
      return fail(`cannot read: ${(e as Error).message}`);
    }
    if (first.length === 4 && equalBytes(first, BLOCK_FILE_MAGIC)) {
      await stream.take(4);
      const head = await stream.take(33);
      if (head === undefined) return fail('the file header is truncated (expected a version byte and a 32-byte genesis hash)');
      if (head[0] !== BLOCK_FILE_VERSION) return fail(`block file version ${head[0]} is not supported (this node reads version ${BLOCK_FILE_VERSION})`);
      return new BlockFileReader(path, 'binary', head.slice(1), size, stream, input);
    }
    if (first.length > 0 && first[0] === 0x7b) {
      const line = await stream.readLine(1024);
      let meta: { format?: unknown; version?: unknown; genesisHash?: unknown };
      try {
        meta = JSON.parse(line ?? '') as typeof meta;
      } catch {
        return fail('line 1 is not JSON');
      }
      if (meta.format !== JSON_FORMAT_NAME) return fail(`line 1: "format" must be "${JSON_FORMAT_NAME}"`);
      if (meta.version !== BLOCK_FILE_VERSION) return fail(`line 1: block file version ${String(meta.version)} is not supported (this node reads version ${BLOCK_FILE_VERSION})`);
      if (typeof meta.genesisHash !== 'string' || !isHex(meta.genesisHash) || meta.genesisHash.length !== 66) return fail('line 1: "genesisHash" must be a 32-byte 0x hex string');
      return new BlockFileReader(path, 'json', fromHex(meta.genesisHash), size, stream, input);
    }
    return fail(first.length === 0 ? 'the file is empty' : 'not a block file: it starts with neither the magic "DCNB" nor a JSON line');
  }

  /** Stop reading and release the file. */
  close(): void {
    this.input.destroy();
  }

  /** The blocks, in file order. Throws {@link BlockFileError} naming the record that cannot be read. */
  async *blocks(): AsyncGenerator<FileBlock> {
    try {
      if (this.format === 'binary') yield* this.binaryBlocks();
      else yield* this.jsonBlocks();
    } finally {
      this.close();
    }
  }

  private async *binaryBlocks(): AsyncGenerator<FileBlock> {
    for (let index = 0; ; index++) {
      const at = this.stream.consumed;
      const where = `record ${index} (byte ${at})`;
      let len: number | undefined;
      try {
        len = await readCompactLength(this.stream);
      } catch (e) {
        throw new BlockFileError(`${this.path}: ${where}: bad record length: ${(e as Error).message}`);
      }
      if (len === undefined) return;
      const record = await this.stream.take(len);
      if (record === undefined) throw new BlockFileError(`${this.path}: ${where}: the file ends inside the record (${len} bytes announced)`);
      let block: FileBlock;
      try {
        block = decodeBlockRecord(record, index);
      } catch (e) {
        throw new BlockFileError(`${this.path}: ${where}: cannot decode the block: ${(e as Error).message}`);
      }
      yield block;
    }
  }

  private async *jsonBlocks(): AsyncGenerator<FileBlock> {
    for (let index = 0; ; index++) {
      const line = await this.stream.readLine(MAX_RECORD_BYTES * 2 + 1024);
      if (line === undefined) return;
      const where = `record ${index} (line ${index + 2})`;
      if (line.trim() === '') throw new BlockFileError(`${this.path}: ${where}: empty line`);
      let block: FileBlock;
      try {
        block = decodeJsonRecord(line, index);
      } catch (e) {
        throw new BlockFileError(`${this.path}: ${where}: ${(e as Error).message}`);
      }
      yield block;
    }
  }
}

/** Decode one JSON-lines block record; throws on anything malformed or inconsistent. */
export function decodeJsonRecord(line: string, index: number): FileBlock {
  let v: { number?: unknown; hash?: unknown; header?: unknown; extrinsics?: unknown; justification?: unknown };
  try {
    v = JSON.parse(line) as typeof v;
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  const hex = (x: unknown, field: string): Uint8Array => {
    if (typeof x !== 'string' || !isHex(x)) throw new Error(`"${field}" must be a 0x hex string`);
    return fromHex(x);
  };
  const header = hex(v.header, 'header');
  let decoded: Header;
  try {
    decoded = HeaderCodec.decode(header);
  } catch (e) {
    throw new Error(`cannot decode "header": ${(e as Error).message}`);
  }
  if (!Array.isArray(v.extrinsics)) throw new Error('"extrinsics" must be an array');
  const extrinsics = v.extrinsics.map((x, i) => hex(x, `extrinsics[${i}]`));
  const justification = v.justification === null || v.justification === undefined ? undefined : hex(v.justification, 'justification');
  const hash = blake2_256(header);
  if (v.number !== undefined && v.number !== decoded.number) throw new Error(`"number" is ${String(v.number)} but the header says ${decoded.number}`);
  if (v.hash !== undefined && (typeof v.hash !== 'string' || v.hash.toLowerCase() !== toHex(hash))) {
    throw new Error(`"hash" is ${String(v.hash)} but the header hashes to ${toHex(hash)}`);
  }
  return { record: index, header, decoded, hash, extrinsics, justification };
}
