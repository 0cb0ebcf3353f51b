/**
 * The validator's consensus write-ahead log: an append-only file of every message it signed, written and fsynced
 * before the message is sent (the `ConsensusWal` contract of `src/consensus/types.ts`), so a restarted validator
 * rebuilds its double-sign protection with `ConsensusEngine.restoreFromWal(config, await wal.load())`.
 *
 * File (`<base-path>/chains/<id>/consensus/wal`): a sequence of records
 *
 * ```text
 * record = length: u32 LE ‖ checksum: [u8; 4] ‖ body: SCALE(SignedMessage) (length bytes)
 * checksum = first 4 bytes of blake2-256(length ‖ body)
 * ```
 *
 * The top bit of `length` (bodies are at most 64 MiB, so it is otherwise 0) marks a PROOF record: a message signed by
 * someone else that the engine asked to keep (`recordProof`: the proposal it locked on or took as its valid value,
 * and the +2/3 prevotes for it), so a restarted validator still holds that block and its proof of lock. Own
 * messages are the records without the bit, as in files written before proofs existed. `load` returns the own
 * messages; {@link FileWal.proofs} the proof records it read.
 *
 * Every append is one `write` followed by `datasync` before it resolves, and appends never overlap, so a crash can
 * only tear the LAST record (a short write, or a length written with its body not yet on disk). `load` drops such a
 * torn tail and truncates the file to the last whole record. A bad record followed by more data is not a crash
 * artefact but corruption: `load` refuses it ({@link WalCorruptError}) rather than forget messages this validator
 * signed (forgetting one could let it sign a conflicting vote).
 *
 * Rotation: after a commit the node calls {@link FileWal.pruneBelow} with the committed height. Once the file is
 * larger than `rotateBytes`, the records of heights at or above `committed − 1` are written to a temporary file,
 * fsynced, renamed over the log and the directory fsynced; older heights are never needed again (the engine only
 * restores the highest height signed, and the database already holds those blocks).
 */
import { mkdir, open, rename, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SignedMessage, type SignedMessageValue } from '../consensus/messages.js';
import { markDurable, type ConsensusWal, type DurableSignedMessage } from '../consensus/types.js';
import { equalBytes } from '../primitives/bytes.js';
import { blake2_256 } from '../primitives/hashing.js';

/** Bytes of a record header: length (4) and checksum (4). */
export const WAL_RECORD_HEADER_BYTES = 8;
/** Largest record body accepted (a proposal carries its block: far above the runtime's 5 MiB block length). */
export const WAL_MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** The bit of a record's length word that marks a proof record. */
export const WAL_PROOF_FLAG = 0x8000_0000;
/** Default size above which {@link FileWal.pruneBelow} rewrites the file (bytes). */
export const DEFAULT_WAL_ROTATE_BYTES = 4 * 1024 * 1024;

/** Thrown by {@link FileWal.load} when a record in the middle of the file is damaged. */
export class WalCorruptError extends Error {
  override name = 'WalCorruptError';
}

/** The WAL file of a chain under a base path. */
export function walPath(basePath: string, chainId: string): string {
  return join(basePath, 'chains', chainId, 'consensus', 'wal');
}

/** The checksum of a record: the first 4 bytes of blake2-256(length ‖ body). */
function checksum(lengthBytes: Uint8Array, body: Uint8Array): Uint8Array {
  const both = new Uint8Array(lengthBytes.length + body.length);
  both.set(lengthBytes, 0);
  both.set(body, lengthBytes.length);
  return blake2_256(both).subarray(0, 4);
}

/** One encoded record (header and body) of an own message. */
export function encodeWalRecord(signed: SignedMessageValue): Uint8Array {
  return encodeRecord(signed, false);
}

/** One encoded proof record (header and body). */
export function encodeWalProofRecord(signed: SignedMessageValue): Uint8Array {
  return encodeRecord(signed, true);
}

function encodeRecord(signed: SignedMessageValue, proof: boolean): Uint8Array {
  const body = SignedMessage.encode(signed);
  const out = new Uint8Array(WAL_RECORD_HEADER_BYTES + body.length);
  new DataView(out.buffer).setUint32(0, (body.length | (proof ? WAL_PROOF_FLAG : 0)) >>> 0, true);
  out.set(checksum(out.subarray(0, 4), body), 4);
  out.set(body, WAL_RECORD_HEADER_BYTES);
  return out;
}

/** What {@link decodeWalRecords} found in a file's bytes. */
export interface DecodedWal {
  /** The whole own-message records, in file order. */
  messages: SignedMessageValue[];
  /** The whole proof records, in file order. */
  proofs: SignedMessageValue[];
  /** Byte length of the whole records (0 ≤ validBytes ≤ file length): where a torn tail starts. */
  validBytes: number;
  /** Whether bytes after `validBytes` were dropped as a torn tail. */
  tornTail: boolean;
}

/**
 * Parse a WAL file's bytes. A damaged last record (short, bad checksum, undecodable) is a torn tail; a damaged
 * record with data after it throws {@link WalCorruptError}.
 */
export function decodeWalRecords(input: Uint8Array): DecodedWal {
  // A plain Uint8Array view: decoded fields of a Node Buffer would be Buffers.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const messages: SignedMessageValue[] = [];
  const proofs: SignedMessageValue[] = [];
  let offset = 0; // ≤ bytes.length
  while (offset < bytes.length) {
    const torn = (): DecodedWal => ({ messages, proofs, validBytes: offset, tornTail: true });
    if (bytes.length - offset < WAL_RECORD_HEADER_BYTES) return torn();
    const word = view.getUint32(offset, true);
    const proof = (word & WAL_PROOF_FLAG) !== 0;
    const length = word & ~WAL_PROOF_FLAG;
    const end = offset + WAL_RECORD_HEADER_BYTES + length;
    // A length past the end of the file: its body never fully reached the disk.
    if (length > WAL_MAX_RECORD_BYTES || end > bytes.length) {
      if (length > WAL_MAX_RECORD_BYTES && end <= bytes.length) throw new WalCorruptError(`WAL record at byte ${offset} declares ${length} bytes`);
      return torn();
    }
    const body = bytes.subarray(offset + WAL_RECORD_HEADER_BYTES, end);
    let message: SignedMessageValue | undefined;
    if (equalBytes(checksum(bytes.subarray(offset, offset + 4), body), bytes.subarray(offset + 4, offset + 8))) {
      try {
        message = SignedMessage.decode(body);
      } catch {
        message = undefined;
      }
    }
    if (message === undefined) {
      if (end === bytes.length) return torn();
      throw new WalCorruptError(`WAL record at byte ${offset} (${length} bytes) is damaged and followed by ${bytes.length - end} more bytes`);
    }
    (proof ? proofs : messages).push(message);
    offset = end;
  }
  return { messages, proofs, validBytes: offset, tornTail: false };
}

/** Options of {@link FileWal.open}. */
export interface FileWalOptions {
  /** Size above which {@link FileWal.pruneBelow} rewrites the file, in bytes (≥ 1). Default 4 MiB. */
  rotateBytes?: number;
  /** Told about a torn tail dropped at load and about rotations. */
  onEvent?: (event: { kind: 'torn-tail'; droppedBytes: number } | { kind: 'rotated'; keptMessages: number; bytes: number }) => void;
}

/** The file-backed {@link ConsensusWal}. Open with {@link FileWal.open}; `load` once, then `append`. */
export class FileWal implements ConsensusWal {
  #handle: FileHandle;
  #size: number;
  #messages: SignedMessageValue[] = [];
  #proofs: SignedMessageValue[] = [];
  #loaded = false;
  #closed = false;
  /** Appends and rotations run one at a time, in call order. */
  #tail: Promise<unknown> = Promise.resolve();
  readonly #rotateBytes: number;
  readonly #onEvent: FileWalOptions['onEvent'];

  private constructor(
    /** The log's path. */
    readonly path: string,
    handle: FileHandle,
    size: number,
    options: FileWalOptions,
  ) {
    this.#handle = handle;
    this.#size = size;
    this.#rotateBytes = options.rotateBytes ?? DEFAULT_WAL_ROTATE_BYTES;
    this.#onEvent = options.onEvent;
    if (!Number.isInteger(this.#rotateBytes) || this.#rotateBytes < 1) throw new RangeError('rotateBytes must be a positive integer');
  }

  /** Open (creating when missing, with its directory) the WAL at `path`. */
  static async open(path: string, options: FileWalOptions = {}): Promise<FileWal> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const handle = await open(path, 'a+', 0o600);
    const size = (await handle.stat()).size;
    return new FileWal(path, handle, size, options);
  }

  /** Size of the log in bytes (after `load`, only whole records). */
  get sizeBytes(): number {
    return this.#size;
  }

  /**
   * Every message in the log, in order. Drops a torn last record (truncating the file to the whole records and
   * fsyncing) and throws {@link WalCorruptError} for damage before the end.
   */
  async load(): Promise<SignedMessageValue[]> {
    return this.#serial(async () => {
      const bytes = new Uint8Array(this.#size);
      let read = 0; // ≤ size
      while (read < this.#size) {
        const { bytesRead } = await this.#handle.read(bytes, read, this.#size - read, read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      const decoded = decodeWalRecords(bytes.subarray(0, read));
      if (decoded.validBytes !== this.#size) {
        await this.#handle.truncate(decoded.validBytes);
        await this.#handle.sync();
        this.#onEvent?.({ kind: 'torn-tail', droppedBytes: this.#size - decoded.validBytes });
        this.#size = decoded.validBytes;
      }
      this.#messages = decoded.messages;
      this.#proofs = decoded.proofs;
      this.#loaded = true;
      return [...decoded.messages];
    });
  }

  /** The proof records read by `load` and appended since (in order). */
  proofs(): SignedMessageValue[] {
    return [...this.#proofs];
  }

  /** Append `signed` and `datasync`; resolves (with the message marked durable) only once it is on disk. */
  append(signed: SignedMessageValue): Promise<DurableSignedMessage> {
    return this.#serial(async () => {
      await this.#write(encodeWalRecord(signed));
      this.#messages.push(signed);
      return markDurable(signed);
    });
  }

  /** Append `messages` as proof records (one write) and `datasync`; resolves once they are on disk. */
  appendProof(messages: readonly SignedMessageValue[]): Promise<void> {
    return this.#serial(async () => {
      if (messages.length === 0) return;
      const records = messages.map(encodeWalProofRecord);
      const all = new Uint8Array(records.reduce((n, r) => n + r.length, 0));
      let at = 0; // ≤ all.length
      for (const r of records) {
        all.set(r, at);
        at += r.length;
      }
      await this.#write(all);
      this.#proofs.push(...messages);
    });
  }

  async #write(record: Uint8Array): Promise<void> {
    if (this.#closed) throw new Error('the consensus WAL is closed');
    if (!this.#loaded) throw new Error('load the consensus WAL before appending to it (a torn tail must be dropped first)');
    let written = 0; // ≤ record.length
    while (written < record.length) {
      const { bytesWritten } = await this.#handle.write(record, written, record.length - written);
      written += bytesWritten;
    }
    // fdatasync: the data and the file length, which is all a later read needs.
    await this.#handle.datasync();
    this.#size += record.length;
  }

  /**
   * Height `committed` is final: once the file exceeds the rotation size, keep only the messages of heights at or
   * above `committed − 1` (written to a new file, fsynced and renamed into place). Resolves with whether it rotated.
   */
  pruneBelow(committed: number): Promise<boolean> {
    return this.#serial(async () => {
      if (this.#closed || !this.#loaded || this.#size <= this.#rotateBytes) return false;
      const keep = this.#messages.filter((m) => m.message.value.height >= committed - 1);
      const keepProofs = this.#proofs.filter((m) => m.message.value.height >= committed - 1);
      const tmp = `${this.path}.rotate`;
      const out = await open(tmp, 'w', 0o600);
      let bytes = 0; // ≤ current size
      try {
        for (const [list, proof] of [[keep, false], [keepProofs, true]] as const) {
          for (const m of list) {
            const record = encodeRecord(m, proof);
            await out.write(record);
            bytes += record.length;
          }
        }
        await out.sync();
      } finally {
        await out.close();
      }
      await rename(tmp, this.path);
      await syncDirectory(dirname(this.path));
      // The old handle points at the replaced file: reopen the log.
      await this.#handle.close();
      this.#handle = await open(this.path, 'a+', 0o600);
      this.#size = (await stat(this.path)).size;
      this.#messages = keep;
      this.#proofs = keepProofs;
      this.#onEvent?.({ kind: 'rotated', keptMessages: keep.length + keepProofs.length, bytes });
      return true;
    });
  }

  /** Messages held (the file's records), 0 ≤ n. */
  get messageCount(): number {
    return this.#messages.length;
  }

  /** Close the file after pending appends. */
  async close(): Promise<void> {
    await this.#serial(async () => {
      if (this.#closed) return;
      this.#closed = true;
      await this.#handle.close();
    });
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}

/** fsync a directory, so a rename in it survives a crash. */
async function syncDirectory(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
