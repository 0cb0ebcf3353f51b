/**
 * The node side of BFT consensus: one `ConsensusEngine` fed through one serial input queue, and the actions it asks
 * for performed against the chain, the pool, the keystore key, the WAL, timers and the network
 * (`src/consensus/README.md`, "Wiring it into the node").
 *
 * - `buildBlock`: `buildBlock` (author.ts) on the head from the pool, author = this validator's ACCOUNT from the
 *   validator set; the proposal carries `SCALE { header, extrinsics }`; the executed `SealedBlock` is kept by hash,
 *   so committing it needs no re-execution.
 * - `checkProposal`: decode; the block must extend the head, name as author the proposer of the round it was built
 *   in, and carry a timestamp after its parent's and at most `maxDriftMs` ahead of the local clock; signatures are
 *   verified on the worker threads, then `Runtime.executeBlock` on the head state; valid only if everything passes
 *   and the result hashes to the proposed hash. The `SealedBlock` is kept by hash.
 * - `signAndBroadcast`: `signDurably` with the ed25519 session key (sign → WAL append + fsync → broadcast).
 * - `recordProof`: the proposal and prevotes the engine locked on, appended to the WAL as proof records (fsynced)
 *   before the precommit that follows; `create` hands them back to `restoreFromWal`.
 * - `commit`: `Chain.commit(sealed, "dcnb" ‖ SCALE(cert))` (the pool hears of it through the chain's `block`
 *   event), WAL rotation, then `start(h + 1)` with the set read from the new head state, timed from the commit
 *   ({@link nextHeightDelayMs}: CometBFT's `timeout_commit`, so an idle chain does not commit empty blocks as fast as
 *   the network allows): `blockTimeMs` after the committed block's timestamp, never later than `blockTimeMs` after
 *   the commit. Every validator sees the same block and the commit at about the same moment, so they all start
 *   the next height together, whenever each of them started the last one.
 * - `catchUp`: handed to block sync; blocks sync imports go through {@link ConsensusService.exclusive}, on the same
 *   queue, after which the engine starts the height after the new head.
 * - `evidence`: kept in memory (bounded) for `dcn_equivocations`.
 *
 * All engine inputs and chain writes run one at a time on the queue; feedback inputs (`blockBuilt`,
 * `proposalChecked`, the node's own signed messages) are processed within the task that produced them, breadth
 * first, as the engine's tests drive it.
 */
import type { Logger } from 'pino';
import type { CommitCertificateValue } from '../consensus/certificate.js';
import { ConsensusEngine, type EngineSnapshot } from '../consensus/engine.js';
import { Evidence, offenceOf, type EvidenceValue, type Offence } from '../consensus/evidence.js';
import type { SignedMessageValue } from '../consensus/messages.js';
import { DEFAULT_TIMEOUTS, inputOf, signDurably, timeoutDuration, type ConsensusWal, type EngineAction, type EngineInput, type TimeoutConfig } from '../consensus/types.js';
import type { ValidatorSet } from '../consensus/validators.js';
import type { KeyPair } from '../crypto/keys.js';
import type { SignatureVerifier } from '../crypto/verifier-pool.js';
import { verifyEd25519 } from '../crypto/verify.js';
import { equalBytes, toHex, toHexRaw } from '../primitives/bytes.js';
import { blake2_256 } from '../primitives/hashing.js';
import { ScaleReader, struct } from '../primitives/scale/index.js';
import { BodyCodec, HeaderCodec, type Header } from '../primitives/types.js';
import type { SealedBlock } from '../runtime/runtime.js';
import { buildBlock, MIN_BUILD_BUDGET_MS } from './author.js';
import type { Chain } from './chain.js';
import { certificateOfStored, consensusSetOf, storedJustification } from './justification.js';
import { preverify } from './signatures.js';
import type { TransactionService } from './transactions.js';

/** A block as a proposal carries it: `SCALE { header: Header, extrinsics: Vec<Vec<u8>> }` (Substrate's `Block`). */
export const ConsensusBlock = struct(['sp_runtime', 'generic', 'block', 'Block'], { header: HeaderCodec, extrinsics: BodyCodec });

/**
 * The engine's `hashBlock`: blake2-256 of the SCALE header at the start of the block bytes. Never throws: bytes
 * that do not start with a header hash as a whole (such a proposal fails `checkProposal`).
 */
export function hashConsensusBlock(block: Uint8Array): Uint8Array {
  try {
    const r = new ScaleReader(block);
    HeaderCodec.decodeFrom(r);
    return blake2_256(block.subarray(0, r.offset));
  } catch {
    return blake2_256(block);
  }
}

/**
 * How long after a commit (at `committedAtMs`, local clock) a validator starts the next height: until `blockTimeMs`
 * after the committed block's timestamp (`blockTimestampMs`, set by its proposer when it built it), clamped to
 * `[0, blockTimeMs]`: CometBFT's `timeout_commit`, less the time the block already spent in consensus. It depends on
 * nothing this validator did before the commit, so a validator that started the last height late (after a restart
 * or a resync) starts the next one with the others; and in a fast round the proposer of the next block builds it
 * `blockTimeMs` after its parent's timestamp, which keeps the block rate at one per `blockTimeMs` (a plain
 * `commit + blockTimeMs` would add each height's consensus time to it). A block stamped in the future (a proposer's
 * clock ahead, within the drift allowed) waits at most `blockTimeMs`; one long stamped (a slow height, a synced
 * block) starts at once. Clocks are assumed NTP-synced, as the timestamp check already assumes.
 */
export function nextHeightDelayMs(committedAtMs: number, blockTimestampMs: number, blockTimeMs: number): number {
  return Math.min(blockTimeMs, Math.max(0, blockTimestampMs + blockTimeMs - committedAtMs));
}

/** One equivocation kept as evidence. */
export interface EquivocationReport {
  /** Who and where. */
  offence: Offence;
  /** The offender's session key (hex). */
  sessionKey: string;
  /** SCALE of the evidence (hex): two conflicting signed messages. */
  evidence: string;
  /** Local time it was detected (ms since the Unix epoch). */
  detectedAtMs: number;
}

/** Options of {@link ConsensusService.create}. */
export interface ConsensusServiceOptions {
  chain: Chain;
  txs: TransactionService;
  verifier: SignatureVerifier;
  /** The ed25519 session key of this validator; absent: observe (follow and commit, never sign). */
  sessionKey?: KeyPair;
  /** The validator's WAL (required with `sessionKey`); `pruneBelow(committed)` is called after each commit when present. */
  wal?: ConsensusWal & { pruneBelow?(committed: number): Promise<boolean> };
  /** Gossip one signed message on the consensus channel (a fresh envelope per call: re-sends must get through). */
  broadcast: (signed: SignedMessageValue) => void;
  /** The engine asks to catch up from `height` (block sync). */
  catchUp: (height: number) => void;
  logger: Logger;
  timeouts?: Partial<TimeoutConfig>;
  /**
   * Least time between two blocks, in ms (0 ≤ n ≤ 2^31): a validator starts the next height once this long has passed
   * since the committed block's timestamp, and at most this long after the commit ({@link nextHeightDelayMs}).
   * Validators only; observers follow at once.
   */
  blockTimeMs: number;
  /** How far a proposed timestamp may be ahead of the local clock, in ms (0 ≤ n ≤ 2^31). */
  maxDriftMs: number;
  /** Most extrinsics in a built block (1 ≤ n ≤ 100,000). Default 10,000. */
  maxExtrinsics?: number;
  /** Clock, ms since the Unix epoch. Default `Date.now`. */
  now?: () => number;
  /** Evidence kept (oldest dropped first), 1 ≤ n ≤ 100,000. Default 1,000. */
  maxEvidence?: number;
  /** Network inputs queued before new ones are dropped (gossip brings them again), 1 ≤ n ≤ 1,000,000. Default 20,000. */
  maxQueuedInputs?: number;
}

/** Counters of the service (all 0 ≤ n ≤ 2^53). */
export interface ConsensusStats {
  /** Blocks this node proposed (built). */
  built: number;
  /** Proposals executed, and how many of them were invalid. */
  checked: number;
  invalid: number;
  /** Blocks committed by consensus (not sync). */
  committed: number;
  /** Messages signed. */
  signed: number;
  /** Network inputs dropped because the queue was full. */
  dropped: number;
}

interface Task {
  run: () => Promise<void>;
  /** Called instead of `run` when the service stops first. */
  cancel?: () => void;
}

/** The consensus engine wired to the node (see the module doc). */
export class ConsensusService {
  readonly #opts: ConsensusServiceOptions;
  readonly #engine: ConsensusEngine;
  readonly #logger: Logger;
  readonly #now: () => number;
  /** The engine's timeouts (the defaults with the options' overrides). */
  readonly #timeouts: TimeoutConfig;
  readonly #queue: Task[] = [];
  #draining = false;
  #stopped = false;
  /** Executed blocks by hash (hex), so a commit needs no re-execution; cleared as heights advance. */
  readonly #sealed = new Map<string, SealedBlock>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #startTimer: NodeJS.Timeout | undefined;
  /** Number of the height whose start is scheduled (0: none), 0 ≤ n < 2^32. */
  #startScheduledFor = 0;
  /** Evidence kept, oldest first, with its key (hex of the blake2-256 of its SCALE). */
  readonly #evidence: Array<{ key: string; report: EquivocationReport }> = [];
  readonly #evidenceKeys = new Set<string>();
  readonly #stats: ConsensusStats = { built: 0, checked: 0, invalid: 0, committed: 0, signed: 0, dropped: 0 };
  #idle: Promise<void> = Promise.resolve();
  #resolveIdle: (() => void) | undefined;

  private constructor(opts: ConsensusServiceOptions, engine: ConsensusEngine) {
    this.#opts = opts;
    this.#engine = engine;
    this.#logger = opts.logger;
    this.#now = opts.now ?? Date.now;
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  }

  /** Restore the engine from the WAL (when validating) and build the service; call {@link start} next. */
  static async create(opts: ConsensusServiceOptions): Promise<ConsensusService> {
    if (opts.sessionKey !== undefined && opts.wal === undefined) throw new Error('a validator needs a consensus WAL');
    if (opts.sessionKey !== undefined && opts.sessionKey.scheme !== 'ed25519') throw new Error('the consensus session key must be ed25519');
    const own = opts.sessionKey === undefined ? [] : await opts.wal!.load();
    const proofs = opts.sessionKey === undefined ? [] : opts.wal!.proofs();
    const engine = ConsensusEngine.restoreFromWal(
      {
        genesisHash: opts.chain.genesisHash,
        sessionKey: opts.sessionKey?.publicKey,
        verify: verifyEd25519,
        hashBlock: hashConsensusBlock,
        timeouts: opts.timeouts,
      },
      own,
      proofs,
    );
    if (own.length > 0) {
      opts.logger.info({ messages: own.length, proofs: proofs.length, lastSigned: engine.lastSigned }, 'consensus: restored own messages and proofs of lock from the WAL');
    }
    return new ConsensusService(opts, engine);
  }

  /** Start consensus at the height after the head. */
  start(): void {
    this.#enqueue(() => this.#advance(), false);
  }

  /** A signed message from the network. Returns false when the queue was full and it was dropped. */
  receive(signed: SignedMessageValue): boolean {
    return this.#enqueue(() => this.#run(inputOf(signed)), true);
  }

  /**
   * Run `fn` on the queue (no engine input or chain write runs meanwhile), then start the engine at the height after
   * the head if `fn` moved the head past it. Block sync imports through this.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const queued = this.#enqueue(
        async () => {
          try {
            resolve(await fn());
          } catch (e) {
            reject(e);
          }
          await this.#advance();
        },
        false,
        () => reject(new Error('consensus stopped')),
      );
      if (!queued) reject(new Error('consensus stopped'));
    });
  }

  /** The engine's state (diagnostics). */
  snapshot(): EngineSnapshot {
    return this.#engine.snapshot();
  }

  /** Counters. */
  stats(): ConsensusStats {
    return { ...this.#stats };
  }

  /** Whether this node signs (it has a session key). */
  get isValidator(): boolean {
    return this.#opts.sessionKey !== undefined;
  }

  /** Equivocations seen, oldest first (bounded by `maxEvidence`). */
  equivocations(): EquivocationReport[] {
    return this.#evidence.map((e) => e.report);
  }

  /** Inputs waiting in the queue (0 ≤ n ≤ maxQueuedInputs + a few). */
  get queued(): number {
    return this.#queue.length;
  }

  /** Stop: no new inputs, timers cleared; resolves when the task under way (a commit, say) is done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (this.#startTimer !== undefined) clearTimeout(this.#startTimer);
    for (const t of this.#queue.splice(0)) t.cancel?.();
    await this.#idle;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The queue

  #enqueue(run: () => Promise<void>, droppable: boolean, cancel?: () => void): boolean {
    if (this.#stopped) return false;
    if (droppable && this.#queue.length >= (this.#opts.maxQueuedInputs ?? 20_000)) {
      this.#stats.dropped++;
      return false;
    }
    this.#queue.push({ run, cancel });
    if (!this.#draining) void this.#drain();
    return true;
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    this.#idle = new Promise((resolve) => (this.#resolveIdle = resolve));
    try {
      while (this.#queue.length > 0 && !this.#stopped) {
        const task = this.#queue.shift()!;
        try {
          await task.run();
        } catch (e) {
          this.#logger.error({ err: e }, 'consensus: task failed');
        }
      }
    } finally {
      this.#draining = false;
      this.#resolveIdle?.();
    }
  }

  /** Feed `input` and perform the actions, feeding back their results breadth first. */
  async #run(input: EngineInput): Promise<void> {
    const pending: EngineInput[] = [input];
    while (pending.length > 0 && !this.#stopped) {
      const actions = this.#engine.step(pending.shift()!);
      for (const a of actions) {
        const feedback = await this.#perform(a);
        if (feedback !== undefined) pending.push(feedback);
      }
    }
  }

  /** Start the height after the head unless the engine is already there. */
  async #advance(): Promise<void> {
    const { chain } = this.#opts;
    const head = chain.head;
    if (this.#engine.height > head.number) return;
    const height = head.number + 1;
    let lastCommit: CommitCertificateValue | undefined;
    const stored = head.number === 0 ? undefined : chain.db.getJustification(head.hash);
    if (stored !== undefined) {
      try {
        lastCommit = certificateOfStored(stored);
      } catch (e) {
        this.#logger.warn({ err: e, number: head.number }, 'consensus: the head has an undecodable justification');
      }
    }
    const set = consensusSetOf(chain.runtime.validators(chain.headState()));
    // Executed blocks of heights now committed are of no further use.
    for (const [key, s] of this.#sealed) if (s.header.number < height) this.#sealed.delete(key);
    this.#startScheduledFor = 0;
    this.#logger.debug({ height, validators: set.size }, 'consensus: starting height');
    await this.#run({ kind: 'start', height, validators: set, lastCommit });
  }

  /** Schedule the start of the height after `committed` (the head) by {@link nextHeightDelayMs}, from now: the commit. */
  #scheduleAdvance(committed: number): void {
    if (this.#startScheduledFor === committed + 1) return;
    this.#startScheduledFor = committed + 1;
    if (this.#startTimer !== undefined) clearTimeout(this.#startTimer);
    // An observer follows at once: the pace is the validators' (its own block time would only make it lag).
    const { chain } = this.#opts;
    const stamped = chain.head.number === committed ? Number(chain.runtime.blockTime(chain.headState())) : 0;
    const delay = this.isValidator ? nextHeightDelayMs(this.#now(), stamped, this.#opts.blockTimeMs) : 0;
    this.#startTimer = setTimeout(() => {
      this.#startTimer = undefined;
      this.#enqueue(() => this.#advance(), false);
    }, delay);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Actions

  async #perform(a: EngineAction): Promise<EngineInput | undefined> {
    switch (a.kind) {
      case 'buildBlock':
        return this.#build(a.height, a.round);
      case 'checkProposal':
        return { kind: 'proposalChecked', height: a.height, round: a.round, blockHash: a.blockHash, valid: await this.#check(a.height, a.round, a.blockHash, a.block) };
      case 'signAndBroadcast': {
        const key = this.#opts.sessionKey;
        if (key === undefined) return undefined;
        try {
          const signed = await signDurably(a.request, { sign: (p) => key.sign(p), wal: this.#opts.wal!, broadcast: (m) => this.#opts.broadcast(m) });
          this.#stats.signed++;
          return inputOf(signed);
        } catch (e) {
          // Nothing was sent: without a durable record the message must not exist.
          this.#logger.error({ err: e }, 'consensus: could not write the WAL; message not sent');
          return undefined;
        }
      }
      case 'broadcast':
        for (const m of a.messages) this.#opts.broadcast(m);
        return undefined;
      case 'recordProof':
        try {
          await this.#opts.wal?.appendProof(a.messages);
        } catch (e) {
          // The precommit's own record still protects the lock; a restart would only lack the block and its POL.
          this.#logger.error({ err: e, height: a.height, round: a.round }, 'consensus: could not write a proof of lock to the WAL');
        }
        return undefined;
      case 'scheduleTimeout': {
        const { height, round, step } = a;
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          this.#enqueue(() => this.#run({ kind: 'timeout', height, round, step }), false);
        }, a.durationMs);
        this.#timers.add(timer);
        return undefined;
      }
      case 'commit':
        await this.#commit(a.height, a.blockHash, a.block, a.certificate);
        return undefined;
      case 'evidence':
        this.#keepEvidence(a.evidence);
        return undefined;
      case 'catchUp':
        this.#opts.catchUp(a.height);
        return undefined;
    }
  }

  /** Build the block of (height, round) on the head; `blockBuilt` or nothing (the propose timeout then runs). */
  #build(height: number, round: number): EngineInput | undefined {
    const { chain, txs } = this.#opts;
    if (chain.head.number + 1 !== height) return undefined;
    const self = this.#engine.snapshot().selfIndex;
    const me = chain.runtime.validators(chain.headState())[self];
    if (me === undefined) return undefined;
    try {
      // A quarter of the first round's propose timeout for building leaves the rest for gossip and the others'
      // execution; halved at each later round. A round that failed most often failed because the validators could
      // not check the block in time (a loaded machine): a block as big as the longer timeout allows would fail the
      // same way, round after round, while a smaller one gets through and the pool drains over the next heights.
      const budgetMs = Math.max(MIN_BUILD_BUDGET_MS, Math.floor(timeoutDuration(this.#timeouts, 'propose', 0) / 4 / 2 ** Math.min(round, 16)));
      const start = this.#now();
      const sealed = buildBlock(chain, txs, {
        author: me.account,
        round,
        nowMs: BigInt(start),
        maxExtrinsics: this.#opts.maxExtrinsics ?? 10_000,
        deadline: { atMs: start + budgetMs, clock: this.#now },
        logger: this.#logger,
      });
      this.#sealed.set(toHexRaw(sealed.hash), sealed);
      this.#stats.built++;
      this.#logger.debug({ height, round, hash: toHex(sealed.hash), extrinsics: sealed.extrinsics.length - 1 }, 'consensus: built a block');
      return { kind: 'blockBuilt', height, round, block: ConsensusBlock.encode({ header: sealed.header, extrinsics: sealed.extrinsics }) };
    } catch (e) {
      this.#logger.error({ err: e, height, round }, 'consensus: block building failed');
      return undefined;
    }
  }

  /** Execute a proposed block on the head; true when valid (and its `SealedBlock` kept). */
  async #check(height: number, round: number, blockHash: Uint8Array, block: Uint8Array): Promise<boolean> {
    const key = toHexRaw(blockHash);
    if (this.#sealed.has(key)) return true;
    this.#stats.checked++;
    const why = await this.#checkReason(height, round, blockHash, block);
    if (why !== undefined) {
      this.#stats.invalid++;
      this.#logger.warn({ height, round, hash: toHex(blockHash), reason: why }, 'consensus: invalid proposal');
      return false;
    }
    return true;
  }

  async #checkReason(height: number, round: number, blockHash: Uint8Array, block: Uint8Array): Promise<string | undefined> {
    const { chain, txs, verifier } = this.#opts;
    const head = chain.head;
    let header: Header;
    let extrinsics: Uint8Array[];
    try {
      ({ header, extrinsics } = ConsensusBlock.decode(block));
    } catch (e) {
      return `undecodable block: ${(e as Error).message}`;
    }
    if (header.number !== height || head.number + 1 !== height) return `block #${header.number} at height ${height} on head #${head.number}`;
    if (!equalBytes(header.parentHash, head.hash)) return `parent ${toHex(header.parentHash)} is not the head ${toHex(head.hash)}`;
    const state = chain.headState();
    // The author digest must name the proposer of the round the block was built in (a re-proposal keeps its round).
    const author = chain.runtime.authorOf(header.digest);
    if (author === undefined) return 'no author digest';
    if (author.round > round) return `built for round ${author.round}, proposed in round ${round}`;
    const set = this.#setOf(state);
    const proposer = chain.runtime.validators(state)[set.proposer(height, author.round)];
    if (proposer === undefined || !equalBytes(proposer.account, author.author)) return `the author ${toHex(author.author)} is not the proposer of round ${author.round}`;
    const refused = chain.runtime.checkInherents(state, extrinsics, { nowMs: BigInt(this.#now()), maxDriftMs: BigInt(this.#opts.maxDriftMs) });
    if (refused !== undefined) return refused;
    try {
      await preverify(chain.runtime, verifier, { state, number: height, recentHashes: [[head.number, head.hash]] }, extrinsics);
      const sealed = chain.runtime.executeBlock(chain.headState(), chain.headTrie(), header, extrinsics, txs.checker);
      if (!equalBytes(sealed.hash, blockHash)) return `executed, it hashes to ${toHex(sealed.hash)}`;
      // The head may have moved while signatures were verified (a sync import on the same queue cannot, but be sure).
      if (!equalBytes(chain.head.hash, head.hash)) return 'the head moved during the check';
      this.#sealed.set(toHexRaw(blockHash), sealed);
      return undefined;
    } catch (e) {
      return `execution failed: ${(e as Error).message}`;
    }
  }

  #setCache: { root: Uint8Array; set: ValidatorSet } | undefined;

  /** The consensus set of the head state, cached per state root. */
  #setOf(state: ReturnType<Chain['headState']>): ValidatorSet {
    const root = this.#opts.chain.head.header.stateRoot;
    if (this.#setCache === undefined || !equalBytes(this.#setCache.root, root)) this.#setCache = { root, set: consensusSetOf(this.#opts.chain.runtime.validators(state)) };
    return this.#setCache.set;
  }

  async #commit(height: number, blockHash: Uint8Array, block: Uint8Array, cert: CommitCertificateValue): Promise<void> {
    const { chain } = this.#opts;
    const head = chain.head;
    if (head.number >= height) {
      // Block sync imported it first (with a certificate of its own).
      const have = chain.hashAt(height);
      if (have === undefined || !equalBytes(have, blockHash)) {
        this.#logger.fatal({ height, decided: toHex(blockHash), stored: have && toHex(have) }, 'consensus: decided a block other than the stored one (more than 1/3 faulty?)');
      }
      this.#scheduleAdvance(head.number);
      return;
    }
    let sealed = this.#sealed.get(toHexRaw(blockHash));
    if (sealed === undefined) {
      // Not executed here (cannot happen for a valid decision, which needs valid(v)): execute it now.
      const { header, extrinsics } = ConsensusBlock.decode(block);
      sealed = chain.runtime.executeBlock(chain.headState(), chain.headTrie(), header, extrinsics, this.#opts.txs.checker);
    }
    await chain.commit(sealed, storedJustification(cert));
    this.#stats.committed++;
    this.#logger.info(
      { number: height, hash: toHex(blockHash), round: cert.round, signers: cert.precommits.length, extrinsics: sealed.extrinsics.length - 1 },
      'consensus: committed block',
    );
    await this.#opts.wal?.pruneBelow?.(height);
    this.#scheduleAdvance(height);
  }

  #keepEvidence(evidence: EvidenceValue): void {
    const bytes = Evidence.encode(evidence);
    const key = toHexRaw(blake2_256(bytes));
    if (this.#evidenceKeys.has(key)) return;
    const offence = offenceOf(evidence);
    const set = this.#setOf(this.#opts.chain.headState());
    const report: EquivocationReport = {
      offence,
      sessionKey: toHex(set.publicKey(offence.validatorIndex) ?? new Uint8Array(32)),
      evidence: toHex(bytes),
      detectedAtMs: this.#now(),
    };
    this.#evidence.push({ key, report });
    this.#evidenceKeys.add(key);
    const max = this.#opts.maxEvidence ?? 1000;
    while (this.#evidence.length > max) this.#evidenceKeys.delete(this.#evidence.shift()!.key);
    this.#logger.warn({ offence, sessionKey: report.sessionKey }, 'consensus: equivocation detected');
  }
}
