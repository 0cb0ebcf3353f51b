/**
 * The auditor's replay: re-execute a chain from genesis in a FRESH in-memory state and check every block.
 *
 * Nothing of the node's stored state is trusted. Genesis is rebuilt from the chain spec; each block is then
 * executed with `Runtime.executeBlock` over a state built only from replayed changes:
 * - the replayed state is an in-memory persistent {@link Trie} (no node store: every node of the current state is
 *   linked in memory, untouched subtrees are shared between blocks) plus a flat `Map` of the current values for
 *   fast reads;
 * - every signature is verified: each block's signed extrinsics are pre-verified in one batch on the worker-thread
 *   {@link SignatureVerifier} (the batch of block n+1 runs while block n executes), then execution checks each one
 *   against those verdicts, verifying inline whatever the batch did not cover exactly;
 * - the extrinsics root, the state root and the block hash of every header are recomputed and compared;
 * - a block's commit certificate (its justification), when the source carries one, must verify against the
 *   validator set of that height, read from the replayed state of its parent: more than 2/3 of the weight in valid
 *   ed25519 precommits for exactly this block at this height on this chain.
 * When replaying a node's database, each block's state root node must be in the node's archive, and the node's
 * stored state is compared with the replayed one at the end: the stored trie at the last replayed root and (when that
 * block is the head) the flat head table, key by key. A tampered stored value is caught so.
 */
import { performance } from 'node:perf_hooks';
import { encodeAddress } from '../crypto/keys.js';
import type { SignatureVerifier, VerifyItem } from '../crypto/verifier-pool.js';
import { verifySignature } from '../crypto/verify.js';
import { compareBytes, equalBytes, startsWith, toHex } from '../primitives/bytes.js';
import { decodeExtrinsic } from '../primitives/extrinsic.js';
import { blake2_256, storagePrefix } from '../primitives/hashing.js';
import { BodyCodec, HeaderCodec, type Header } from '../primitives/types.js';
import { STATE_VERSION, type SignatureChecker, type SignatureJob } from '../runtime/runtime.js';
import type { NodeRuntime } from '../runtime/host.js';
import type { StateChange, StateReader } from '../runtime/state.js';
import { CODE_KEY } from '../runtime/storage.js';
import { INVALID_MESSAGES } from '../runtime/validity.js';
import type { InvariantFailure } from '../runtime/invariants.js';
import type { ChainDatabase } from '../storage/index.js';
import { EMPTY_TRIE_ROOT, MissingNodeError, TrieCodecError, type Trie } from '../trie/index.js';
import { genesisHeader } from './chain.js';
import { checkStoredJustification, consensusSetOf, describeCertificateError } from './justification.js';

/** One block handed to the replay, as a node's database or a block file holds it. */
export interface ReplayInput {
  /** The number the source files the block under (the canonical index, or the header of a file record). */
  number: number;
  /** The hash the source names the block by (the canonical index, or blake2_256 of a file record's header). */
  hash: Uint8Array;
  /** SCALE header bytes as stored. */
  header: Uint8Array;
  /** The extrinsics, or the SCALE body (`Vec<Vec<u8>>`) still to decode. */
  body: Uint8Array[] | Uint8Array;
  /** The stored justification (`"dcnb" ‖ SCALE(CommitCertificate)`), when the source has one: it is verified. */
  justification?: Uint8Array;
}

/** What kind of check a block failed. */
export type DivergenceKind =
  | 'genesis'
  | 'order'
  | 'header'
  | 'body'
  | 'parent'
  | 'signature'
  | 'execution'
  | 'extrinsics-root'
  | 'state-root'
  | 'block-hash'
  | 'justification'
  | 'stored-state'
  | 'stored-trie'
  | 'invariant';

/** The first block that does not check out. */
export interface Divergence {
  /** Block number, 0 ≤ n < 2^32. */
  number: number;
  /** Block hash as the source names it. */
  hash: Uint8Array;
  /** Which check failed. */
  kind: DivergenceKind;
  /** What differed, with expected and computed values. */
  message: string;
  /** For `invariant`: every invariant broken in the state after the block, with its numbers. */
  invariants?: InvariantFailure[];
}

/** Figures of a replay (complete or stopped at a divergence). */
export interface ReplaySummary {
  /** Blocks executed after genesis (< 2^32). */
  blocks: number;
  /** Extrinsics executed, inherents included (< 2^53). */
  extrinsics: number;
  /** Signed extrinsics among them, each with its signature verified (< 2^53). */
  signed: number;
  /** Signatures the batch pre-verification did not cover exactly, verified inline during execution (< 2^53). */
  verifiedInline: number;
  /** Commit certificates verified against their height's validator set (< 2^32). */
  certificates: number;
  /** Seconds spent replaying blocks. */
  seconds: number;
  /** Seconds spent comparing the node's stored state (0 without a node). */
  compareSeconds: number;
  /** The last block replayed (genesis when the source has no other block). */
  head: { number: number; hash: Uint8Array; stateRoot: Uint8Array };
  /** Keys compared with the node's stored state: flat head table and stored trie (0 when not compared). */
  comparedKeys: number;
  /** Whether the node's flat head table was compared (only when the replay reached the node's head). */
  comparedFlatState: boolean;
  /** States the invariants were checked on with {@link ReplayOptions.invariants} (0 without; < 2^32). */
  invariantChecks: number;
  /** Blocks after which they were checked, in order (at most the last 1,000 listed). */
  invariantBlocks: number[];
}

/** The outcome of {@link replayChain}. */
export type ReplayResult = { ok: true; summary: ReplaySummary } | { ok: false; summary: ReplaySummary; divergence: Divergence };

/** Progress after each replayed block. */
export interface ReplayProgress {
  /** Number of the block just replayed. */
  number: number;
  /** Blocks replayed so far (< 2^32). */
  blocks: number;
  /** Extrinsics replayed so far (< 2^53). */
  extrinsics: number;
}

/** Options of {@link replayChain}. */
export interface ReplayOptions {
  /** The runtime to execute with. */
  runtime: NodeRuntime;
  /** Genesis state rebuilt from the chain spec. */
  genesisChanges: readonly StateChange[];
  /** The blocks, in order, starting at block 0 or 1. */
  blocks: AsyncIterable<ReplayInput>;
  /** Worker-thread verifier for the per-block signature batches. */
  verifier: SignatureVerifier;
  /** The node's database whose stored state is compared with the replayed one at the end. */
  node?: ChainDatabase;
  /** Last block to replay (0 ≤ n < 2^32); default: all. */
  to?: number;
  /** SS58 prefix for account ids in messages (default 42). */
  ss58Prefix?: number;
  /** Called after each replayed block. */
  onBlock?: (p: ReplayProgress) => void;
  /**
   * Run the runtime's invariants (every pallet's `tryState` and the chain's cross-pallet identities) on the replayed
   * state after the last block and, with `every` = N (1 ≤ N < 2^32), after every block whose number is a multiple of
   * N. A broken one stops the replay with an `invariant` divergence naming the block. Absent: not run.
   */
  invariants?: { every?: number };
}

/** Raised for input the replay cannot start from (not a chain from genesis): a usage error, not a divergence. */
export class ReplayInputError extends Error {
  /** An error with `message`. */
  constructor(message: string) {
    super(message);
    this.name = 'ReplayInputError';
  }
}

/** Latin-1 string of the bytes: a cheap Map key (one char per byte). */
function mapKey(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

/**
 * A state held in memory only: a persistent in-memory trie (no node store) and a flat map of its values for fast
 * reads. The replay executes over it; benchmarks use it to measure execution without a database.
 */
export class MemoryState implements StateReader {
  private readonly values = new Map<string, Uint8Array>();

  constructor(
    public trie: Trie,
    changes: readonly StateChange[],
  ) {
    this.applyValues(changes);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.values.get(mapKey(key));
  }

  nextKey(key: Uint8Array): Uint8Array | undefined {
    return this.trie.nextKey(key);
  }

  /** The genesis state of `changes`, with the genesis header and hash. */
  static genesis(changes: readonly StateChange[]): { state: MemoryState; header: Header; hash: Uint8Array } {
    const g = genesisHeader(changes, STATE_VERSION);
    return { state: new MemoryState(g.trie, changes), header: g.header, hash: g.hash };
  }

  /** Keys held (≤ 2^32). */
  get size(): number {
    return this.values.size;
  }

  /** Move to the state after a block: its changes and its trie. */
  advance(changes: readonly StateChange[], trie: Trie): void {
    this.applyValues(changes);
    this.trie = trie;
  }

  private applyValues(changes: readonly StateChange[]): void {
    for (const [k, v] of changes) {
      if (v === null) this.values.delete(mapKey(k));
      else this.values.set(mapKey(k), v);
    }
  }
}

/**
 * The runtime's signature port during replay: the verdict of the block's batch when the job is exactly the one
 * that was verified (same id, scheme, message, signature and key), else an inline verification.
 */
export class BatchVerdicts implements SignatureChecker {
  /** Inline verifications (< 2^53). */
  inline = 0;
  /** Verdicts by the runtime's job id (the extrinsic hash), filled when the batch is verified. */
  readonly verdicts = new Map<string, { job: SignatureJob; ok: boolean }>();

  /** The verdict for `job`. */
  verify(job: SignatureJob): boolean {
    const v = this.verdicts.get(job.id);
    if (
      v !== undefined &&
      v.job.scheme === job.scheme &&
      equalBytes(v.job.message, job.message) &&
      equalBytes(v.job.signature, job.signature) &&
      equalBytes(v.job.publicKey, job.publicKey)
    ) {
      return v.ok;
    }
    this.inline++;
    return verifySignature(job.scheme, job.message, job.signature, job.publicKey);
  }
}

/** A block decoded and with its signature batch under way. */
interface Prepared {
  input: ReplayInput;
  /** Why the block could not be decoded (reported when its turn comes). */
  error?: { kind: DivergenceKind; message: string };
  header?: Header;
  extrinsics?: Uint8Array[];
  /** Settles when the batch is verified (never rejects: a failure is kept in `verifyError`). */
  verified?: Promise<void>;
  verifyError?: unknown;
  checker?: BatchVerdicts;
  /** Signed extrinsics (< 2^32). */
  signed: number;
}

/**
 * Decode a block and start verifying its signatures on the workers. Signature jobs are built against `base` with
 * the given `System.BlockHash` entries added (the hashes execution will have set by then).
 */
function prepare(runtime: NodeRuntime, verifier: SignatureVerifier, input: ReplayInput, base: StateReader, knownHashes: ReadonlyArray<readonly [number, Uint8Array]>): Prepared {
  let header: Header;
  try {
    header = HeaderCodec.decode(input.header);
  } catch (e) {
    return { input, signed: 0, error: { kind: 'header', message: `the header cannot be decoded: ${(e as Error).message}` } };
  }
  let extrinsics: Uint8Array[];
  try {
    extrinsics = Array.isArray(input.body) ? input.body : BodyCodec.decode(input.body);
  } catch (e) {
    return { input, header, signed: 0, error: { kind: 'body', message: `the body cannot be decoded: ${(e as Error).message}` } };
  }
  const batch = verifyBlockSignatures(runtime, verifier, base, header.number, extrinsics, knownHashes);
  const p: Prepared = { input, header, extrinsics, signed: batch.signed, checker: batch.checker };
  p.verified = batch.done.then(
    () => undefined,
    (e: unknown) => {
      p.verifyError = e;
    },
  );
  return p;
}

/** Batches started by this process (< 2^53): part of every verification id. */
let nextBatchId = 0;

/**
 * Start verifying the signatures of a block's extrinsics (block `number`) in one batch on the worker pool; `checker`
 * answers the runtime from the verdicts once `done` settles. Jobs are built against `base` with the given
 * `System.BlockHash` entries added (those execution will have set). Extrinsics without a signature job
 * (unsigned, undecodable, ancient era) are left to execution, which reports them.
 */
export function verifyBlockSignatures(
  runtime: NodeRuntime,
  verifier: SignatureVerifier,
  base: StateReader,
  number: number,
  extrinsics: readonly Uint8Array[],
  knownHashes: ReadonlyArray<readonly [number, Uint8Array]>,
): { signed: number; checker: BatchVerdicts; done: Promise<void> } {
  const batchId = nextBatchId++;
  const items: VerifyItem[] = [];
  const jobs: SignatureJob[] = [];
  // No signature job (unsigned, undecodable, ancient era): execution reports the extrinsic.
  for (const { index, job } of runtime.signatureJobs({ state: base, number, recentHashes: knownHashes }, extrinsics)) {
    jobs.push(job);
    // Ids unique per call, block and position: no verdict cached by the verifier is ever reused.
    items.push({ ...job, id: `replay${batchId}/${number}/${index}/${job.id}` });
  }
  const checker = new BatchVerdicts();
  const done = verifier.verifyBatch(items).then((oks) => {
    oks.forEach((ok, k) => checker.verdicts.set(jobs[k].id, { job: jobs[k], ok }));
  });
  return { signed: jobs.length, checker, done };
}

/** Classify an execution failure of `executeBlock` and word it for the auditor. */
function executionDivergence(message: string, extrinsics: readonly Uint8Array[], ss58Prefix: number): { kind: DivergenceKind; message: string } {
  if (message.startsWith('extrinsics root mismatch')) return { kind: 'extrinsics-root', message: message.replace('extrinsics root mismatch', 'extrinsics root differs') };
  if (message.startsWith('state root mismatch')) return { kind: 'state-root', message: message.replace('state root mismatch', 'state root differs') };
  const m = /^extrinsic (\d+) is invalid: (.*)$/s.exec(message);
  if (m !== null && m[2].startsWith(INVALID_MESSAGES.BadProof)) {
    const i = Number(m[1]);
    let who = '';
    try {
      const xt = decodeExtrinsic(extrinsics[i]);
      const signer = xt.signature?.address.value;
      if (signer instanceof Uint8Array) who = ` (signer ${encodeAddress(signer, ss58Prefix)}, extrinsic ${toHex(xt.hash)})`;
    } catch {
      // The message without the signer.
    }
    return { kind: 'signature', message: `bad signature in extrinsic ${i}${who}` };
  }
  return { kind: 'execution', message: `execution failed: ${message}` };
}

/**
 * A readable name for a storage key: `Pallet.Item`, with a map key decoded when its hasher keeps it (an account as
 * its SS58 address), else the hex key.
 */
export function describeStorageKey(runtime: Pick<NodeRuntime, 'pallets'>, key: Uint8Array, ss58Prefix = 42): string {
  if (equalBytes(key, CODE_KEY)) return ':code';
  for (const p of runtime.pallets) {
    for (const item of p.storage) {
      if (!startsWith(key, storagePrefixOf(item.pallet, item.name))) continue;
      const name = `${item.pallet}.${item.name}`;
      if (item.kind.type === 'plain' || key.length === 32) return name;
      const hasher = item.kind.hashers[0];
      // Bytes of hash before the SCALE key for the "concat" hashers; the others keep no key.
      const skip = hasher === 'Blake2_128Concat' ? 16 : hasher === 'Twox64Concat' ? 8 : hasher === 'Identity' ? 0 : -1;
      if (skip < 0 || item.kind.hashers.length !== 1) return `${name}(…)`;
      try {
        const v = item.kind.keys[0].decode(key.subarray(32 + skip));
        if (v instanceof Uint8Array) return `${name}(${v.length === 32 ? encodeAddress(v, ss58Prefix) : toHex(v)})`;
        return `${name}(${String(v)})`;
      } catch {
        return `${name}(…)`;
      }
    }
  }
  return toHex(key);
}

const prefixCache = new Map<string, Uint8Array>();
/** `twox128(pallet) ‖ twox128(item)`, cached per item. */
function storagePrefixOf(pallet: string, name: string): Uint8Array {
  const id = `${pallet}.${name}`;
  let p = prefixCache.get(id);
  if (p === undefined) {
    p = storagePrefix(pallet, name);
    prefixCache.set(id, p);
  }
  return p;
}

function showValue(v: Uint8Array | undefined): string {
  if (v === undefined) return 'absent';
  return v.length > 80 ? `${toHex(v.subarray(0, 80))}… (${v.length} bytes)` : toHex(v);
}

/**
 * Replay `blocks` from genesis; see the module comment. Resolves with the summary, or with the first divergent
 * block. Throws {@link ReplayInputError} when the input does not start at genesis or skips blocks.
 */
export async function replayChain(opts: ReplayOptions): Promise<ReplayResult> {
  const { runtime, verifier } = opts;
  const ss58 = opts.ss58Prefix ?? 42;
  const t0 = performance.now();
  const genesis = MemoryState.genesis(opts.genesisChanges);
  const state = genesis.state;
  const summary: ReplaySummary = {
    blocks: 0,
    extrinsics: 0,
    signed: 0,
    verifiedInline: 0,
    certificates: 0,
    seconds: 0,
    compareSeconds: 0,
    head: { number: 0, hash: genesis.hash, stateRoot: genesis.header.stateRoot },
    comparedKeys: 0,
    comparedFlatState: false,
    invariantChecks: 0,
    invariantBlocks: [],
  };
  const every = opts.invariants?.every;
  if (every !== undefined && (!Number.isInteger(every) || every < 1 || every > 0xffff_ffff)) {
    throw new ReplayInputError(`invariants every ${every}: give a whole number of blocks from 1 to 4294967295`);
  }
  let lastChecked = -1;
  /** Check the invariants on the replayed state after block `number`; the divergence when one is broken. */
  const checkInvariants = (number: number, hash: Uint8Array): ReplayResult | undefined => {
    lastChecked = number;
    const failures = runtime.checkInvariants(state);
    summary.invariantChecks++;
    summary.invariantBlocks.push(number);
    if (summary.invariantBlocks.length > 1000) summary.invariantBlocks.shift();
    if (failures.length === 0) return undefined;
    const message = `${failures.length} invariant${failures.length === 1 ? '' : 's'} broken in the state after block #${number}: ${failures.map((f) => `[${f.check}] ${f.message}`).join('; ')}`;
    const r = diverged(number, hash, 'invariant', message);
    if (!r.ok) r.divergence.invariants = failures;
    return r;
  };
  const diverged = (number: number, hash: Uint8Array, kind: DivergenceKind, message: string): ReplayResult => {
    summary.seconds = (performance.now() - t0) / 1000;
    return { ok: false, summary, divergence: { number, hash, kind, message } };
  };
  const to = opts.to ?? Number.MAX_SAFE_INTEGER;
  const it = opts.blocks[Symbol.asyncIterator]();
  const pull = async (): Promise<ReplayInput | undefined> => {
    const r = await it.next();
    return r.done ? undefined : r.value;
  };

  let input = await pull();
  if (input !== undefined && input.number === 0) {
    if (!equalBytes(input.hash, genesis.hash) || !equalBytes(blake2_256(input.header), genesis.hash)) {
      return diverged(0, input.hash, 'genesis', `genesis differs: the chain spec's genesis is ${toHex(genesis.hash)} (state root ${toHex(genesis.header.stateRoot)}), the source's is ${toHex(input.hash)}`);
    }
    input = to > 0 ? await pull() : undefined;
  }
  if (input !== undefined && input.number !== 1) {
    throw new ReplayInputError(`the blocks start at #${input.number}: replay needs the chain from genesis (block #0 or #1 first)`);
  }

  let prev = { number: 0, hash: genesis.hash };
  let cur = input === undefined || to < 1 ? undefined : prepare(runtime, verifier, input, state, [[0, genesis.hash]]);
  while (cur !== undefined) {
    const { input: inp } = cur;
    if (inp.number !== prev.number + 1) {
      throw new ReplayInputError(`block #${inp.number} ${toHex(inp.hash)} follows #${prev.number}: the source skips or repeats blocks`);
    }
    if (cur.error) return diverged(inp.number, inp.hash, cur.error.kind, cur.error.message);
    const header = cur.header!;
    const extrinsics = cur.extrinsics!;
    const hash = blake2_256(inp.header);
    if (!equalBytes(hash, inp.hash)) {
      return diverged(inp.number, inp.hash, 'block-hash', `the stored header hashes to ${toHex(hash)}, not to the hash the chain index gives (${toHex(inp.hash)})`);
    }
    if (header.number !== inp.number) return diverged(inp.number, inp.hash, 'header', `the header says number ${header.number}`);
    if (!equalBytes(header.parentHash, prev.hash)) {
      return diverged(inp.number, inp.hash, 'parent', `parent hash differs: the header has ${toHex(header.parentHash)}, replayed block #${prev.number} is ${toHex(prev.hash)}`);
    }

    // The certificate, against the validator set of this height: the one the parent's (replayed) state holds.
    if (inp.justification !== undefined) {
      let set;
      try {
        set = consensusSetOf(runtime.validators(state));
      } catch (e) {
        return diverged(inp.number, inp.hash, 'justification', `no validator set to check the commit certificate against: ${(e as Error).message}`);
      }
      const verdict = checkStoredJustification(inp.justification, set, genesis.hash, inp.number, hash);
      if (!verdict.ok) return diverged(inp.number, inp.hash, 'justification', `the commit certificate does not verify: ${describeCertificateError(verdict)}`);
      summary.certificates++;
    }

    // Start the next block's signature batch so the workers verify it while this block executes.
    let next: Prepared | undefined;
    if (inp.number < to) {
      const nextInput = await pull();
      if (nextInput !== undefined) {
        let nextParent = nextInput.hash;
        try {
          nextParent = HeaderCodec.decode(nextInput.header).parentHash;
        } catch {
          // prepare() reports the undecodable header.
        }
        next = prepare(runtime, verifier, nextInput, state, [
          [inp.number - 1, header.parentHash],
          [inp.number, nextParent],
        ]);
      }
    }

    await cur.verified;
    if (cur.verifyError !== undefined) throw cur.verifyError;
    let sealed;
    try {
      sealed = runtime.executeBlock(state, state.trie, header, extrinsics, cur.checker!);
    } catch (e) {
      const d = executionDivergence((e as Error).message, extrinsics, ss58);
      return diverged(inp.number, inp.hash, d.kind, d.message);
    }
    if (!equalBytes(sealed.hash, hash)) {
      return diverged(inp.number, inp.hash, 'block-hash', `the re-executed block hashes to ${toHex(sealed.hash)}, the stored header to ${toHex(hash)} (the header is not canonically encoded)`);
    }
    // The node's archive must hold this block's state (its root node at least): past states are read from it.
    if (opts.node !== undefined && !equalBytes(header.stateRoot, EMPTY_TRIE_ROOT) && opts.node.nodeStore.get(header.stateRoot) === undefined) {
      return diverged(inp.number, inp.hash, 'stored-trie', `the node's stored trie lacks this block's state root node ${toHex(header.stateRoot)}`);
    }
    state.advance(sealed.changes, sealed.trie);
    summary.blocks++;
    summary.extrinsics += extrinsics.length;
    summary.signed += cur.signed;
    summary.verifiedInline += cur.checker!.inline;
    summary.head = { number: inp.number, hash, stateRoot: sealed.header.stateRoot };
    prev = { number: inp.number, hash };
    opts.onBlock?.({ number: inp.number, blocks: summary.blocks, extrinsics: summary.extrinsics });
    if (every !== undefined && inp.number % every === 0) {
      const broken = checkInvariants(inp.number, hash);
      if (broken !== undefined) return broken;
    }
    cur = next;
  }
  if (opts.invariants !== undefined && lastChecked !== summary.head.number) {
    const broken = checkInvariants(summary.head.number, summary.head.hash);
    if (broken !== undefined) return broken;
  }
  summary.seconds = (performance.now() - t0) / 1000;

  if (opts.node !== undefined) {
    const t1 = performance.now();
    const d = await compareNodeState(opts.node, state, summary, runtime, ss58);
    summary.compareSeconds = (performance.now() - t1) / 1000;
    if (d !== undefined) return { ok: false, summary, divergence: d };
  }
  return { ok: true, summary };
}

/** Up to this many differing keys are counted before the comparison stops (1 ≤ n ≤ 2^20). */
const MAX_COUNTED_DIFFERENCES = 1000;
/** Flat-table rows read per page (1 ≤ n ≤ 2^16). */
const FLAT_PAGE = 4096;

/**
 * Compare the node's stored state with the replayed state after the last replayed block: the stored trie at that
 * block's root always, the flat head table too when that block is the node's head.
 */
async function compareNodeState(db: ChainDatabase, state: MemoryState, summary: ReplaySummary, runtime: NodeRuntime, ss58: number): Promise<Divergence | undefined> {
  const { head } = summary;
  const nodeHead = db.getHead();
  const at = (kind: DivergenceKind, message: string): Divergence => ({ number: head.number, hash: head.hash, kind, message });
  const differences = (where: string, first: { key: Uint8Array; stored: Uint8Array | undefined; replayed: Uint8Array | undefined }, count: number): string =>
    `stored state value of key ${describeStorageKey(runtime, first.key, ss58)} differs in ${where}: ` +
    `stored ${showValue(first.stored)}, replayed ${showValue(first.replayed)} (key ${toHex(first.key)})` +
    (count > 1 ? `; ${count >= MAX_COUNTED_DIFFERENCES ? `at least ${count}` : count} keys differ in all` : '');

  // The stored trie at the last replayed root: its root hash matched the header, but nodes are read by hash without
  // re-hashing, so a tampered node shows only as a different key or value.
  const replayed = state.trie.entries(new Uint8Array(0));
  let count = 0; // differing keys, ≤ MAX_COUNTED_DIFFERENCES
  let first: { key: Uint8Array; stored: Uint8Array | undefined; replayed: Uint8Array | undefined } | undefined;
  const note = (key: Uint8Array, stored: Uint8Array | undefined, rep: Uint8Array | undefined): boolean => {
    first ??= { key, stored, replayed: rep };
    return ++count >= MAX_COUNTED_DIFFERENCES;
  };
  try {
    const stored = db.stateAt(head.stateRoot).entries(new Uint8Array(0));
    let r = replayed.next();
    let s = stored.next();
    let keys = 0; // ≤ number of state keys
    while (!r.done || !s.done) {
      keys++;
      const c = r.done ? 1 : s.done ? -1 : compareBytes(r.value[0], s.value[0]);
      if (c < 0) {
        if (note(r.value![0], undefined, r.value![1])) break;
        r = replayed.next();
      } else if (c > 0) {
        if (note(s.value![0], s.value![1], undefined)) break;
        s = stored.next();
      } else {
        if (!equalBytes(r.value![1], s.value![1]) && note(r.value![0], s.value![1], r.value![1])) break;
        r = replayed.next();
        s = stored.next();
      }
    }
    summary.comparedKeys += keys;
  } catch (e) {
    // A missing or undecodable node is the node's data at fault; anything else is a bug, not a divergence.
    if (e instanceof MissingNodeError || e instanceof TrieCodecError) return at('stored-trie', `the node's stored trie at this block cannot be read: ${e.message}`);
    throw e;
  }
  if (first !== undefined) return at('stored-trie', differences("the node's stored trie", first, count));

  if (nodeHead === undefined || nodeHead.number !== head.number || !equalBytes(nodeHead.hash, head.hash)) return undefined;
  summary.comparedFlatState = true;
  const flat = db.headState();
  const rep = state.trie.entries(new Uint8Array(0));
  let r = rep.next();
  let startAfter: Uint8Array | undefined;
  let keys = 0; // ≤ number of state keys
  for (;;) {
    const page = await flat.entries(new Uint8Array(0), startAfter, FLAT_PAGE);
    let stop = false;
    for (const [k, v] of page) {
      keys++;
      while (!r.done && compareBytes(r.value[0], k) < 0) {
        if ((stop = note(r.value[0], undefined, r.value[1]))) break;
        r = rep.next();
      }
      if (stop) break;
      if (!r.done && equalBytes(r.value[0], k)) {
        if (!equalBytes(r.value[1], v) && (stop = note(k, v, r.value[1]))) break;
        r = rep.next();
      } else if ((stop = note(k, v, undefined))) break;
    }
    if (stop || page.length < FLAT_PAGE) break;
    startAfter = page[page.length - 1][0];
  }
  for (; !r.done && count < MAX_COUNTED_DIFFERENCES; r = rep.next()) note(r.value[0], undefined, r.value[1]);
  summary.comparedKeys += keys;
  if (first !== undefined) return at('stored-state', differences("the node's flat head state", first, count));
  return undefined;
}
