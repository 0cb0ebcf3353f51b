/**
 * The Tendermint BFT engine as a deterministic state machine: `engine.step(input)` updates the engine and returns
 * the actions the node must perform. No I/O, no clock, no randomness: signing, signature verification, block
 * hashing, block building, block execution, timers and the network are all outside, so the same code runs in the
 * node and in the seeded simulator (`test/sim/`).
 *
 * The algorithm is Algorithm 1 of Buchman, Kwon and Milosevic, "The latest gossip on BFT consensus" (2018); the
 * comments name its lines (L22 … L65). Where it and CometBFT's `consensus/state.go` differ in mechanics, the notes
 * below say which was followed and why:
 *
 * - Locking as in the paper: lock (lockedValue/lockedRound) and validValue/validRound only change in L36, at the
 *   current round, when the proposal and +2/3 prevotes for it are both seen; a locked validator prevotes another
 *   value only for a proposal whose POL round is at or above its lock (L28); nil polkas never unlock (CometBFT
 *   since v0.36 also follows the paper here).
 * - The proposer re-proposes validValue with `polRound = validRound` (L16); it builds a new block otherwise.
 * - Round skip (L55): messages of later rounds from validators holding MORE THAN 1/3 of the weight (the paper's
 *   f+1) move the engine to the highest such round. This is weaker than CometBFT's "+2/3 of any later-round
 *   prevotes", which it implies; CometBFT gets away with +2/3 because its reactor tracks every peer's round, and
 *   without that a validator left alone in a higher round can deadlock the others.
 * - Prevote only after execution: a proposal counts as valid(v) once the node reports `proposalChecked(valid)`,
 *   or for a block this node built itself.
 * - Gossip: the paper assumes every message a correct process received reaches all correct processes. A lossy
 *   network breaks that, so every `gossipMs` the engine re-broadcasts the messages of the current and previous
 *   round, the POL of the current proposal, its valid value with that value's POL and precommits (whatever their
 *   round), the decision while it waits for the next height, and the last commit to validators seen at the
 *   previous height. It also asks the node to `catchUp` by block sync when peers are
 *   ahead.
 * - Timeouts (L57–L65): propose on entering a round (also for the proposer, as CometBFT: a slow block builder
 *   yields a nil prevote rather than a stall), prevote after +2/3 of any prevotes, precommit after +2/3 of any
 *   precommits; each grows by a delta per round.
 *
 * Double-sign protection: the engine records `lastSigned` (height, round, step) when it asks for a signature and
 * never asks for one at or below it. `ConsensusEngine.restoreFromWal(config, ownMessages, proofs)` rebuilds
 * `lastSigned`, the own votes of the highest height and the lock (from the latest non-nil own precommit), so a
 * restarted validator neither signs a conflicting message nor forgets a lock it announced.
 *
 * Valid value across restarts: at L36 the engine asks the node to `recordProof` (the proposal and its +2/3
 * prevotes) in the WAL before it precommits. A restarted validator feeds those back, so it holds the block it is
 * locked on and its proof of lock: as proposer it re-proposes it with its POL round (L16), and its gossip carries
 * that POL to the others (L28). Without them a restarted locked validator would prevote nil on every fresh
 * proposal, its own included, and a second locked one would stall the height for good.
 */
import { equalBytes, toHexRaw } from '../primitives/bytes.js';
import { buildCertificate, certificatePrecommits, type CommitCertificateValue } from './certificate.js';
import { detectConflictingProposal, detectDuplicateVote, signedVoteOf, type EvidenceValue } from './evidence.js';
import {
  compareHrs,
  messageHrs,
  proposalHeader,
  proposalSigningPayload,
  stepOrder,
  voteSigningPayload,
  type ConsensusMessageValue,
  type Hrs,
  type ProposalValue,
  type SignedMessageValue,
  type SignedStep,
  type VoteType,
  type VoteValue,
} from './messages.js';
import {
  DEFAULT_LIMITS,
  DEFAULT_TIMEOUTS,
  timeoutDuration,
  type EngineAction,
  type EngineConfig,
  type EngineInput,
  type EngineLimits,
  type TimeoutConfig,
  type TimeoutStep,
} from './types.js';
import type { ValidatorSet } from './validators.js';

/** Where the engine is within a height: not started, one of the three steps of a round, or decided. */
export type EnginePhase = 'idle' | SignedStep | 'decided';

/** Key of a vote's value in tallies: the block hash in hex, or `nil`. */
const NIL = 'nil';

/** Upper bound of rule applications per input (each one moves the state strictly forward; a few suffice). */
const MAX_RULE_APPLICATIONS = 64;

/** A proposal that passed the checks, with its block hash. */
interface StoredProposal {
  readonly signed: SignedMessageValue;
  readonly proposal: ProposalValue;
  readonly hash: Uint8Array;
  readonly key: string;
}

/** A vote that passed the checks. */
interface StoredVote {
  readonly signed: SignedMessageValue;
  readonly vote: VoteValue;
  readonly key: string;
}

/**
 * The votes of one type in one round, tallied per value as the paper counts them ("2f+1 PREVOTE messages for
 * id(v)"): each validator counts at most once per value, but an equivocator counts for every value it signed, so
 * every correct validator can confirm a quorum another one saw (quorum intersection still holds: two quorums for
 * different values share more than 1/3 of the weight, so an honest validator, who signs only one). The weight of
 * "any" value counts each validator once.
 */
class VoteSet {
  /** First vote per validator index (0 ≤ index < set size ≤ 100). */
  readonly first: (StoredVote | undefined)[];
  /** Per value: the vote of each validator for it and their total weight. */
  private readonly byValue = new Map<string, { weight: number; votes: (StoredVote | undefined)[] }>();
  /** Weight of the validators that voted, whatever the value. */
  anyWeight = 0;

  constructor(private readonly size: number) {
    this.first = new Array<StoredVote | undefined>(size);
  }

  /** True when validator `index` already voted for `key`. */
  has(index: number, key: string): boolean {
    return this.byValue.get(key)?.votes[index] !== undefined;
  }

  /** Count `v` (not yet counted for its value); returns the new weight of its value. */
  add(v: StoredVote, weight: number): number {
    const index = v.vote.validatorIndex;
    if (this.first[index] === undefined) {
      this.first[index] = v;
      this.anyWeight += weight;
    }
    let tally = this.byValue.get(v.key);
    if (tally === undefined) {
      tally = { weight: 0, votes: new Array<StoredVote | undefined>(this.size) };
      this.byValue.set(v.key, tally);
    }
    tally.votes[index] = v;
    tally.weight += weight;
    return tally.weight;
  }

  weightFor(key: string): number {
    return this.byValue.get(key)?.weight ?? 0;
  }

  /** The votes for `key`, by validator index. */
  votesFor(key: string): StoredVote[] {
    return (this.byValue.get(key)?.votes ?? []).filter((v): v is StoredVote => v !== undefined);
  }

  /** Every vote held, conflicting ones included. */
  all(): StoredVote[] {
    const out: StoredVote[] = [];
    for (const tally of this.byValue.values()) for (const v of tally.votes) if (v !== undefined) out.push(v);
    return out;
  }
}

/** Everything the engine holds about one round of the current height. */
interface RoundState {
  /** Proposals of the round's proposer: the first, and a conflicting second one kept for commit (at most 2). */
  readonly proposals: StoredProposal[];
  readonly prevotes: VoteSet;
  readonly precommits: VoteSet;
  /** L34 happened (the prevote timeout is scheduled). */
  prevoteWaitScheduled: boolean;
  /** L47 happened (the precommit timeout is scheduled). */
  precommitWaitScheduled: boolean;
  /** L36 happened ("for the first time"). */
  polHandled: boolean;
}

/** What `restoreFromWal` recovered for the highest height signed. */
interface RestoredHeight {
  readonly height: number;
  readonly round: number;
  readonly step: SignedStep;
  readonly messages: SignedMessageValue[];
  readonly lockedRound: number;
  readonly lockedKey: string | undefined;
  /** Proof records of this height: proposals and the prevotes that made them the lock or valid value. */
  readonly proofs: SignedMessageValue[];
}

/** A read-only view of the engine's state (diagnostics, tests, metrics). */
export interface EngineSnapshot {
  height: number;
  round: number;
  phase: EnginePhase;
  /** Index of this node in the height's set, or −1 when it only observes. */
  selfIndex: number;
  lockedRound: number;
  lockedBlockHash: string | undefined;
  validRound: number;
  validBlockHash: string | undefined;
  lastSigned: Hrs | undefined;
  /** The decided block hash at this height (hex), once `commit` was emitted. */
  decided: string | undefined;
}

/** The maximum (height, round, step) over `messages`, or `undefined` for none. */
function maxHrs(messages: readonly SignedMessageValue[]): Hrs | undefined {
  let best: Hrs | undefined;
  for (const m of messages) {
    const hrs = messageHrs(m.message);
    if (best === undefined || compareHrs(hrs, best) > 0) best = hrs;
  }
  return best;
}

function hashKey(hash: Uint8Array | undefined): string {
  return hash === undefined ? NIL : toHexRaw(hash);
}

/** The Tendermint engine of one validator (or observer). See the module doc. */
export class ConsensusEngine {
  private readonly genesisHash: Uint8Array;
  private readonly sessionKey: Uint8Array | undefined;
  private readonly verify: EngineConfig['verify'];
  private readonly hashBlock: EngineConfig['hashBlock'];
  private readonly timeouts: TimeoutConfig;
  private readonly limits: EngineLimits;

  private out: EngineAction[] = [];

  // Double-sign protection (survives heights).
  private lastSignedHrs: Hrs | undefined;
  private restored: RestoredHeight | undefined;

  // The current height (height 0: not started).
  private h = 0;
  private set: ValidatorSet | undefined;
  private selfIndex = -1;
  private r = 0;
  private phase: EnginePhase = 'idle';
  private lockedRound = -1;
  private lockedKey: string | undefined;
  private validRound = -1;
  private validKey: string | undefined;
  private readonly rounds = new Map<number, RoundState>();
  /** Blocks of verified proposals (and own built ones) by hash key. */
  private readonly blocks = new Map<string, { block: Uint8Array; hash: Uint8Array }>();
  /** valid(v) by hash key, once known. */
  private readonly validity = new Map<string, boolean>();
  private readonly checkRequested = new Set<string>();
  /** (round, value) pairs with +2/3 precommits for a block (L49 candidates). */
  private commitCandidates: { round: number; key: string }[] = [];
  /** Highest round of a verified message from each validator at this height (−1: none). */
  private peerRound: number[] = [];
  /** Highest later height seen in a verified message from each validator (0: none). */
  private peerHeight: number[] = [];
  private skipPending = false;
  private peerBehind = false;
  private lastCommit: CommitCertificateValue | undefined;
  private decision: { round: number; key: string } | undefined;
  private readonly evidenceSeen = new Set<string>();
  /** Messages of height h + 1, verified when it starts (bounded by `limits.futureHeightMessages`). */
  private future: SignedMessageValue[] = [];
  private readonly futureKeys = new Set<string>();
  private futureProposals = 0;

  /** A fresh engine (nothing signed before). Feed it `start` first. */
  constructor(config: EngineConfig) {
    if (config.genesisHash.length !== 32) throw new RangeError('genesisHash must be 32 bytes');
    this.genesisHash = config.genesisHash.slice();
    this.sessionKey = config.sessionKey?.slice();
    this.verify = config.verify;
    this.hashBlock = config.hashBlock;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...config.timeouts };
    this.limits = { ...DEFAULT_LIMITS, ...config.limits };
  }

  /**
   * An engine for a restarted validator, from its WAL (its own signed messages, in any order, and the proof records
   * of `recordProof` actions). It never signs at or below the highest (height, round, step) in `wal`, and when
   * `start` is called for that height it resumes its round and step with its own messages, its lock, and its valid
   * value and round (the block and its POL, from `proofs`) restored.
   */
  static restoreFromWal(config: EngineConfig, wal: readonly SignedMessageValue[], proofs: readonly SignedMessageValue[] = []): ConsensusEngine {
    const engine = new ConsensusEngine(config);
    const last = maxHrs(wal);
    if (last === undefined) return engine;
    engine.lastSignedHrs = last;
    const messages = wal.filter((m) => m.message.value.height === last.height);
    // The lock is the latest round with an own precommit for a block (L36 locks exactly when it precommits one).
    let lockedRound = -1;
    let lockedKey: string | undefined;
    for (const m of messages) {
      const v = m.message.tag === 'Vote' ? m.message.value : undefined;
      if (v && v.type === 'precommit' && v.blockHash !== undefined && v.round > lockedRound) {
        lockedRound = v.round;
        lockedKey = hashKey(v.blockHash);
      }
    }
    // A proof is recorded at L36 of a round this validator had reached, so never above its last signed round.
    const ownProofs = proofs.filter((m) => m.message.value.height === last.height && m.message.value.round <= last.round);
    engine.restored = { height: last.height, round: last.round, step: last.step, messages, lockedRound, lockedKey, proofs: ownProofs };
    return engine;
  }

  /** Apply `input`; returns the actions the node must perform, in order. */
  step(input: EngineInput): EngineAction[] {
    this.out = [];
    switch (input.kind) {
      case 'start':
        this.onStart(input.height, input.validators, input.lastCommit);
        break;
      case 'proposal':
      case 'vote':
        this.receive(input.signed);
        break;
      case 'timeout':
        this.onTimeout(input.height, input.round, input.step);
        break;
      case 'proposalChecked':
        this.onProposalChecked(input.height, input.round, input.blockHash, input.valid);
        break;
      case 'blockBuilt':
        this.onBlockBuilt(input.height, input.round, input.block);
        break;
    }
    this.progress();
    const out = this.out;
    this.out = [];
    return out;
  }

  /** Current height (0 before the first `start`). */
  get height(): number {
    return this.h;
  }

  /** Current round. */
  get round(): number {
    return this.r;
  }

  /** The highest (height, round, step) this engine asked to sign, restored from the WAL on restart. */
  get lastSigned(): Hrs | undefined {
    return this.lastSignedHrs;
  }

  /** A snapshot of the state for diagnostics and tests. */
  snapshot(): EngineSnapshot {
    return {
      height: this.h,
      round: this.r,
      phase: this.phase,
      selfIndex: this.selfIndex,
      lockedRound: this.lockedRound,
      lockedBlockHash: this.lockedKey,
      validRound: this.validRound,
      validBlockHash: this.validKey,
      lastSigned: this.lastSignedHrs,
      decided: this.decision?.key,
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Inputs

  private onStart(height: number, set: ValidatorSet, lastCommit: CommitCertificateValue | undefined): void {
    if (!Number.isInteger(height) || height < 1 || height > 0xffffffff) throw new RangeError(`height ${height} out of range`);
    if (height < this.h || (height === this.h && this.phase !== 'idle')) return;
    const buffered = height === this.h + 1 ? this.future : [];
    this.resetHeight();
    this.h = height;
    this.set = set;
    this.selfIndex = this.sessionKey === undefined ? -1 : set.indexOf(this.sessionKey);
    this.lastCommit = lastCommit !== undefined && lastCommit.height === height - 1 ? lastCommit : undefined;
    this.peerRound = new Array<number>(set.size).fill(-1);
    this.peerHeight = new Array<number>(set.size).fill(0);
    this.scheduleTimeout('gossip', 0);

    const restored = this.restored?.height === height ? this.restored : undefined;
    // A restored height below the started one is obsolete; one above waits for its own start.
    if (this.restored !== undefined && this.restored.height <= height) this.restored = undefined;
    if (restored !== undefined) {
      this.lockedRound = restored.lockedRound;
      this.lockedKey = restored.lockedKey;
      // validRound ≥ lockedRound always holds in the paper (L36 sets both); the block itself may be unknown.
      this.validRound = restored.lockedRound;
      this.validKey = restored.lockedKey;
      this.restoreProofs(restored.round, restored.proofs);
      this.startRound(restored.round);
      // Resume at the step already signed: the signature guard keeps it from signing that step again.
      if (stepOrder(restored.step) > stepOrder('propose')) this.phase = restored.step;
      for (const m of restored.messages) this.receive(m);
    } else {
      this.startRound(0);
    }
    for (const m of buffered) this.receive(m);
  }

  /**
   * Feed the proof records of the restored height (kept whatever their round) and take the highest round whose
   * proposal has +2/3 prevotes as the valid value and round: L36 saw exactly that before the crash, and the proposal
   * was valid then (its parent is the same committed block). The lock stays the one of the own precommits.
   */
  private restoreProofs(round: number, proofs: readonly SignedMessageValue[]): void {
    if (proofs.length === 0) return;
    this.r = round;
    for (const m of proofs) if (m.message.value.round <= round) this.roundState(m.message.value.round);
    for (const m of proofs) this.receive(m);
    let best: { round: number; key: string } | undefined;
    for (const [r, rs] of this.rounds) {
      if (r > round || (best !== undefined && r <= best.round)) continue;
      const p = rs.proposals.find((x) => this.set!.hasQuorum(rs.prevotes.weightFor(x.key)));
      if (p !== undefined) best = { round: r, key: p.key };
    }
    // validRound ≥ lockedRound: a lock whose proof is missing (a WAL written before proofs existed) stays the valid value.
    if (best !== undefined && best.round >= this.validRound) {
      this.validRound = best.round;
      this.validKey = best.key;
    }
  }

  private resetHeight(): void {
    this.r = 0;
    this.phase = 'idle';
    this.lockedRound = -1;
    this.lockedKey = undefined;
    this.validRound = -1;
    this.validKey = undefined;
    this.rounds.clear();
    this.blocks.clear();
    this.validity.clear();
    this.checkRequested.clear();
    this.commitCandidates = [];
    this.skipPending = false;
    this.peerBehind = false;
    this.decision = undefined;
    this.evidenceSeen.clear();
    this.future = [];
    this.futureKeys.clear();
    this.futureProposals = 0;
  }

  private receive(signed: SignedMessageValue): void {
    if (this.set === undefined) return;
    const m = signed.message;
    const height = m.value.height;
    if (height < this.h) {
      // Someone is still at the previous height: the next gossip includes the last commit for it.
      if (height === this.h - 1) this.peerBehind = true;
      return;
    }
    if (height > this.h) {
      this.onFutureHeight(signed);
      return;
    }
    if (m.tag === 'Proposal') this.onProposal(signed, m.value);
    else this.onVote(signed, m.value);
  }

  private onProposal(signed: SignedMessageValue, p: ProposalValue): void {
    const set = this.set!;
    const key = set.publicKey(p.validatorIndex);
    if (key === undefined || set.proposer(p.height, p.round) !== p.validatorIndex) return;
    if (p.polRound !== undefined && p.polRound >= p.round) return;
    const stored = this.isKeptRound(p.round) ? this.roundState(p.round) : undefined;
    // A re-gossiped copy: same signature over the same header. Skips hashing the block and verifying again.
    if (stored?.proposals.some((s) => s.proposal.polRound === p.polRound && equalBytes(s.signed.signature, signed.signature))) return;
    const hash = this.hashBlock(p.block);
    if (!this.verify(proposalSigningPayload(this.genesisHash, proposalHeader(p, hash)), signed.signature, key)) return;
    this.notePeerRound(p.validatorIndex, p.round);
    if (stored === undefined) return;
    const entry: StoredProposal = { signed, proposal: p, hash, key: toHexRaw(hash) };
    const first = stored.proposals[0];
    if (first !== undefined) {
      if (first.key === entry.key && first.proposal.polRound === p.polRound) return;
      this.reportEvidence(
        `p/${p.round}`,
        detectConflictingProposal(
          { header: proposalHeader(first.proposal, first.hash), signature: first.signed.signature },
          { header: proposalHeader(p, hash), signature: signed.signature },
        ),
      );
      // Keep a second proposal so a quorum formed on it can still commit here; drop any further ones.
      if (stored.proposals.length >= 2 || stored.proposals.some((s) => s.key === entry.key)) return;
    }
    stored.proposals.push(entry);
    if (!this.blocks.has(entry.key)) this.blocks.set(entry.key, { block: p.block, hash });
    this.requestCheck(p.round, entry.key);
  }

  private onVote(signed: SignedMessageValue, v: VoteValue): void {
    const set = this.set!;
    const publicKey = set.publicKey(v.validatorIndex);
    if (publicKey === undefined) return;
    const key = hashKey(v.blockHash);
    const rs = this.isKeptRound(v.round) ? this.roundState(v.round) : undefined;
    const votes = rs === undefined ? undefined : v.type === 'prevote' ? rs.prevotes : rs.precommits;
    // A re-gossiped copy of a vote already counted: nothing to verify.
    if (votes?.has(v.validatorIndex, key)) return;
    const first = votes?.first[v.validatorIndex];
    // A second value from one validator counts only for nil or a block held here, which bounds what an
    // equivocator can make us store (gossip brings the vote again once its proposal is here).
    if (first !== undefined && key !== NIL && !this.blocks.has(key)) {
      if (!this.evidenceSeen.has(`${v.type}/${v.round}/${v.validatorIndex}`) && this.verify(voteSigningPayload(this.genesisHash, v), signed.signature, publicKey)) {
        this.reportEvidence(`${v.type}/${v.round}/${v.validatorIndex}`, detectDuplicateVote(signedVoteOf(first.signed)!, signedVoteOf(signed)!));
      }
      return;
    }
    if (!this.verify(voteSigningPayload(this.genesisHash, v), signed.signature, publicKey)) return;
    this.notePeerRound(v.validatorIndex, v.round);
    if (votes === undefined) return;
    if (first !== undefined) {
      // Equivocation: report it (once per slot), and count the vote for its value too (see VoteSet).
      this.reportEvidence(`${v.type}/${v.round}/${v.validatorIndex}`, detectDuplicateVote(signedVoteOf(first.signed)!, signedVoteOf(signed)!));
    }
    const weight = votes.add({ signed, vote: v, key }, set.weightOf(v.validatorIndex));
    if (v.type === 'precommit' && key !== NIL && set.hasQuorum(weight) && !set.hasQuorum(weight - set.weightOf(v.validatorIndex))) {
      this.commitCandidates.push({ round: v.round, key });
    }
  }

  private onFutureHeight(signed: SignedMessageValue): void {
    const set = this.set!;
    const m = signed.message;
    const { height, validatorIndex } = m.value;
    // Catch-up hint: verified against the current set (a changed set only hides the validators it added).
    if (validatorIndex < set.size && height > this.peerHeight[validatorIndex]) {
      const publicKey = set.publicKey(validatorIndex)!;
      const ok =
        m.tag === 'Vote'
          ? this.verify(voteSigningPayload(this.genesisHash, m.value), signed.signature, publicKey)
          : this.verify(proposalSigningPayload(this.genesisHash, proposalHeader(m.value, this.hashBlock(m.value.block))), signed.signature, publicKey);
      if (ok) this.peerHeight[validatorIndex] = height;
    }
    if (height !== this.h + 1 || this.future.length >= this.limits.futureHeightMessages) return;
    const v = m.value;
    const key = m.tag === 'Proposal' ? `p/${v.round}` : `${m.value.type}/${v.round}/${v.validatorIndex}/${hashKey(m.value.blockHash)}`;
    if (this.futureKeys.has(key)) return;
    if (m.tag === 'Proposal') {
      // Blocks can be large: at most one buffered proposal per round slot, and only for the near rounds.
      if (v.round > this.limits.futureRounds || this.futureProposals > this.limits.futureRounds) return;
      this.futureProposals++;
    }
    this.futureKeys.add(key);
    this.future.push(signed);
  }

  private onTimeout(height: number, round: number, step: TimeoutStep): void {
    if (height !== this.h || this.phase === 'idle') return;
    switch (step) {
      case 'propose':
        // L57: OnTimeoutPropose.
        if (round === this.r && this.phase === 'propose') this.prevote(undefined);
        break;
      case 'prevote':
        // L61: OnTimeoutPrevote.
        if (round === this.r && this.phase === 'prevote') this.precommit(undefined);
        break;
      case 'precommit':
        // L65: OnTimeoutPrecommit.
        if (round === this.r && this.phase !== 'decided') this.startRound(this.r + 1);
        break;
      case 'gossip':
        this.gossip();
        this.scheduleTimeout('gossip', this.r);
        break;
    }
  }

  private onProposalChecked(height: number, _round: number, blockHash: Uint8Array, valid: boolean): void {
    if (height !== this.h) return;
    const key = toHexRaw(blockHash);
    if (!this.validity.has(key)) this.validity.set(key, valid);
  }

  private onBlockBuilt(height: number, round: number, block: Uint8Array): void {
    if (height !== this.h || round !== this.r || this.phase !== 'propose') return;
    if (this.selfIndex < 0 || this.set!.proposer(height, round) !== this.selfIndex) return;
    const hash = this.hashBlock(block);
    const key = toHexRaw(hash);
    this.blocks.set(key, { block, hash });
    // The node built it on the committed parent, so it executed it: valid(v) without a check.
    this.validity.set(key, true);
    this.signProposal(block, hash, undefined);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The algorithm

  /** Apply the upon-rules until none fires. */
  private progress(): void {
    for (let i = 0; i < MAX_RULE_APPLICATIONS; i++) {
      if (this.phase === 'idle' || this.phase === 'decided') return;
      if (!this.applyOneRule()) return;
    }
  }

  /** Fire the first applicable rule; true when the state moved. */
  private applyOneRule(): boolean {
    const set = this.set!;
    if (this.tryDecide()) return true;
    if (this.trySkipRound()) return true;
    const rs = this.roundState(this.r);
    if (this.phase === 'propose' && this.tryPrevote(rs)) return true;
    if (this.phase === 'prevote' && !rs.prevoteWaitScheduled && set.hasQuorum(rs.prevotes.anyWeight)) {
      // L34: +2/3 prevotes of any kind: wait a little for more before precommitting nil.
      rs.prevoteWaitScheduled = true;
      this.scheduleTimeout('prevote', this.r);
    }
    if (!rs.polHandled && (this.phase === 'prevote' || this.phase === 'precommit') && this.tryLock(rs)) return true;
    if (this.phase === 'prevote' && set.hasQuorum(rs.prevotes.weightFor(NIL))) {
      // L44: +2/3 prevotes for nil.
      this.precommit(undefined);
      return true;
    }
    if (!rs.precommitWaitScheduled && set.hasQuorum(rs.precommits.anyWeight)) {
      // L47: +2/3 precommits of any kind: the round ends after the precommit timeout.
      rs.precommitWaitScheduled = true;
      this.scheduleTimeout('precommit', this.r);
    }
    return false;
  }

  /** L49: a proposal and +2/3 precommits for it in some round of this height, and valid(v): decide. */
  private tryDecide(): boolean {
    for (const c of this.commitCandidates) {
      if (!this.blocks.has(c.key)) continue;
      const valid = this.validity.get(c.key);
      if (valid === true) {
        this.decide(c.round, c.key);
        return true;
      }
      if (valid === undefined) this.requestCheck(c.round, c.key);
    }
    return false;
  }

  /** L55: messages of later rounds from more than 1/3 of the weight: go to the highest such round. */
  private trySkipRound(): boolean {
    if (!this.skipPending) return false;
    this.skipPending = false;
    const set = this.set!;
    const ahead: number[] = [];
    for (let i = 0; i < this.peerRound.length; i++) if (this.peerRound[i] > this.r) ahead.push(i);
    ahead.sort((a, b) => this.peerRound[b] - this.peerRound[a]);
    let weight = 0;
    for (const i of ahead) {
      weight += set.weightOf(i);
      if (set.exceedsOneThird(weight)) {
        this.startRound(this.peerRound[i]);
        return true;
      }
    }
    return false;
  }

  /** L22 and L28: prevote on the proposal of this round once its validity (and POL, if any) is known. */
  private tryPrevote(rs: RoundState): boolean {
    for (const p of rs.proposals) {
      const valid = this.validity.get(p.key);
      if (valid === undefined) continue;
      const vr = p.proposal.polRound;
      if (vr === undefined) {
        // L22: a fresh proposal: prevote it unless locked on something else.
        this.prevote(valid && (this.lockedRound === -1 || this.lockedKey === p.key) ? p.hash : undefined);
        return true;
      }
      const pol = this.rounds.get(vr);
      if (pol !== undefined && this.set!.hasQuorum(pol.prevotes.weightFor(p.key))) {
        // L28: a re-proposal with its proof of lock: prevote it if our lock is not newer than the POL.
        this.prevote(valid && (this.lockedRound <= vr || this.lockedKey === p.key) ? p.hash : undefined);
        return true;
      }
    }
    return false;
  }

  /** L36: the proposal of this round with +2/3 prevotes and valid(v): lock and precommit (in prevote), record as valid. */
  private tryLock(rs: RoundState): boolean {
    for (const p of rs.proposals) {
      if (this.validity.get(p.key) !== true || !this.set!.hasQuorum(rs.prevotes.weightFor(p.key))) continue;
      rs.polHandled = true;
      if (this.selfIndex >= 0) {
        // Durable before the precommit: a restart must still know the block and its POL (see `recordProof`).
        this.out.push({ kind: 'recordProof', height: this.h, round: this.r, messages: [p.signed, ...rs.prevotes.votesFor(p.key).map((v) => v.signed)] });
      }
      if (this.phase === 'prevote') {
        this.lockedRound = this.r;
        this.lockedKey = p.key;
        this.precommit(p.hash);
      }
      this.validRound = this.r;
      this.validKey = p.key;
      return true;
    }
    return false;
  }

  /** L11: StartRound. */
  private startRound(round: number): void {
    this.r = round;
    this.phase = 'propose';
    this.pruneRounds();
    this.roundState(round);
    const set = this.set!;
    if (this.selfIndex >= 0 && set.proposer(this.h, round) === this.selfIndex && this.canSign({ height: this.h, round, step: 'propose' })) {
      const valid = this.validKey === undefined ? undefined : this.blocks.get(this.validKey);
      // L15–L18: re-propose validValue with its POL round, or ask for a new block.
      if (valid !== undefined) this.signProposal(valid.block, valid.hash, this.validRound);
      else this.out.push({ kind: 'buildBlock', height: this.h, round });
    }
    this.scheduleTimeout('propose', round);
  }

  private decide(round: number, key: string): void {
    const rs = this.rounds.get(round)!;
    const { block, hash } = this.blocks.get(key)!;
    const certificate = buildCertificate(this.h, round, hash, rs.precommits.votesFor(key).map((v) => v.signed));
    this.phase = 'decided';
    this.decision = { round, key };
    this.out.push({ kind: 'commit', height: this.h, round, blockHash: hash, block, certificate });
  }

  private prevote(hash: Uint8Array | undefined): void {
    this.phase = 'prevote';
    this.signVote('prevote', hash);
  }

  private precommit(hash: Uint8Array | undefined): void {
    this.phase = 'precommit';
    this.signVote('precommit', hash);
  }

  private signVote(type: VoteType, blockHash: Uint8Array | undefined): void {
    if (this.selfIndex < 0) return;
    const vote: VoteValue = { type, height: this.h, round: this.r, blockHash, validatorIndex: this.selfIndex };
    this.requestSignature({ tag: 'Vote', value: vote }, voteSigningPayload(this.genesisHash, vote));
  }

  private signProposal(block: Uint8Array, hash: Uint8Array, polRound: number | undefined): void {
    const proposal: ProposalValue = { height: this.h, round: this.r, polRound, validatorIndex: this.selfIndex, block };
    this.requestSignature({ tag: 'Proposal', value: proposal }, proposalSigningPayload(this.genesisHash, proposalHeader(proposal, hash)));
  }

  /** True when (height, round, step) is strictly above everything signed so far. */
  private canSign(hrs: Hrs): boolean {
    return this.lastSignedHrs === undefined || compareHrs(hrs, this.lastSignedHrs) > 0;
  }

  private requestSignature(message: ConsensusMessageValue, payload: Uint8Array): void {
    const hrs = messageHrs(message);
    // The guard of double-sign protection: refuse anything at or below the last signed (height, round, step).
    if (!this.canSign(hrs)) return;
    this.lastSignedHrs = hrs;
    this.out.push({ kind: 'signAndBroadcast', request: { message, payload } });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Gossip, evidence, bookkeeping

  /** Re-broadcast what peers need to make progress after losses (see the module doc), and hint at catch-up. */
  private gossip(): void {
    const messages: SignedMessageValue[] = [];
    const seen = new Set<SignedMessageValue>();
    const add = (m: SignedMessageValue): void => {
      if (!seen.has(m)) {
        seen.add(m);
        messages.push(m);
      }
    };
    const addRound = (rs: RoundState | undefined): void => {
      if (rs === undefined) return;
      for (const p of rs.proposals) add(p.signed);
      for (const v of rs.prevotes.all()) add(v.signed);
      for (const v of rs.precommits.all()) add(v.signed);
    };
    if (this.decision !== undefined) addRound(this.rounds.get(this.decision.round));
    if (this.r > 0) addRound(this.rounds.get(this.r - 1));
    if (this.validKey !== undefined && this.decision === undefined) {
      // The valid value with its POL and precommits, whatever its round: validators that missed that round (or lost it
      // in a restart) get the block, so +2/3 precommits for it can decide, and the POL its re-proposal needs.
      const vrs = this.rounds.get(this.validRound);
      for (const p of vrs?.proposals ?? []) if (p.key === this.validKey) add(p.signed);
      for (const v of vrs?.prevotes.votesFor(this.validKey) ?? []) add(v.signed);
      for (const v of vrs?.precommits.votesFor(this.validKey) ?? []) add(v.signed);
    }
    const current = this.rounds.get(this.r);
    addRound(current);
    for (const p of current?.proposals ?? []) {
      // The proof of lock of a re-proposal, so validators that missed that round can accept it (L28).
      const pol = p.proposal.polRound === undefined ? undefined : this.rounds.get(p.proposal.polRound);
      for (const v of pol?.prevotes.votesFor(p.key) ?? []) add(v.signed);
    }
    if (this.peerBehind && this.lastCommit !== undefined) for (const m of certificatePrecommits(this.lastCommit)) add(m);
    this.peerBehind = false;
    if (messages.length > 0) this.out.push({ kind: 'broadcast', messages });
    if (this.decision === undefined && this.isBehind()) this.out.push({ kind: 'catchUp', height: this.h });
  }

  /** True when peers decided this height without us (see the `catchUp` action). */
  private isBehind(): boolean {
    if (this.commitCandidates.some((c) => !this.blocks.has(c.key))) return true;
    let weight = 0;
    for (let i = 0; i < this.peerHeight.length; i++) if (this.peerHeight[i] > this.h) weight += this.set!.weightOf(i);
    return this.set!.exceedsOneThird(weight);
  }

  private reportEvidence(slot: string, evidence: EvidenceValue | undefined): void {
    if (evidence === undefined || this.evidenceSeen.has(slot)) return;
    this.evidenceSeen.add(slot);
    this.out.push({ kind: 'evidence', evidence });
  }

  private requestCheck(round: number, key: string): void {
    if (this.validity.has(key) || this.checkRequested.has(key)) return;
    const b = this.blocks.get(key);
    if (b === undefined) return;
    this.checkRequested.add(key);
    this.out.push({ kind: 'checkProposal', height: this.h, round, blockHash: b.hash, block: b.block });
  }

  private notePeerRound(index: number, round: number): void {
    if (round > this.peerRound[index]) {
      this.peerRound[index] = round;
      if (round > this.r) this.skipPending = true;
    }
  }

  /** True when messages of `round` are stored: within the window around the current round, or a round still kept. */
  private isKeptRound(round: number): boolean {
    if (round > this.r + this.limits.futureRounds) return false;
    return round >= this.r - this.limits.pastRounds || this.rounds.has(round);
  }

  private roundState(round: number): RoundState {
    let rs = this.rounds.get(round);
    if (rs === undefined) {
      const n = this.set!.size;
      rs = { proposals: [], prevotes: new VoteSet(n), precommits: new VoteSet(n), prevoteWaitScheduled: false, precommitWaitScheduled: false, polHandled: false };
      this.rounds.set(round, rs);
    }
    return rs;
  }

  /** Drop rounds older than `limits.pastRounds` below the current one, except the locked and valid rounds. */
  private pruneRounds(): void {
    const oldest = this.r - this.limits.pastRounds;
    if (oldest <= 0) return;
    for (const round of this.rounds.keys()) {
      if (round < oldest && round !== this.lockedRound && round !== this.validRound && round !== this.decision?.round) this.rounds.delete(round);
    }
    this.commitCandidates = this.commitCandidates.filter((c) => this.rounds.has(c.round));
  }

  private scheduleTimeout(step: TimeoutStep, round: number): void {
    this.out.push({ kind: 'scheduleTimeout', height: this.h, round, step, durationMs: timeoutDuration(this.timeouts, step, round) });
  }
}
