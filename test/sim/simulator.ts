/**
 * A deterministic simulator of a validator network running the real consensus engine (`src/consensus/engine.ts`).
 *
 * One process, a virtual clock, an event queue, and one seeded PRNG: a run is a pure function of its
 * {@link SimParams}. Each simulated validator is a small "node" that performs the engine's actions the way the real
 * node must: it builds and checks blocks (a toy application with a validity rule), signs, writes its WAL before
 * sending, schedules timeouts, commits blocks with their certificates, keeps evidence, and catches up by block
 * sync (requesting blocks with certificates from a peer and verifying them).
 *
 * Faults before GST: message loss, delay, duplication and reordering, partitions, crashes and restarts (a restart
 * rebuilds the engine from the validator's WAL and its committed chain), and up to f faulty validators: twins
 * (two engines with one key), silent validators and validators that propose and vote for invalid blocks.
 *
 * Checked after every event: SAFETY (no two honest validators commit different blocks at one height), VALIDITY
 * (every honestly committed block was built by a proposer and is valid on the committed parent), the commit
 * certificate of every commit, and that no evidence ever accuses an honest validator (double-sign protection).
 * Checked at the end: LIVENESS (after GST every honest validator reaches the target height within a time bound
 * computed from the timeouts, and heights begun after GST are decided within a bounded number of rounds).
 */
import { createHash } from 'node:crypto';
import { ConsensusEngine } from '../../src/consensus/engine.js';
import { verifyCertificate, type CommitCertificateValue } from '../../src/consensus/certificate.js';
import { verifyEvidence } from '../../src/consensus/evidence.js';
import type { SignedMessageValue } from '../../src/consensus/messages.js';
import { inputOf, timeoutDuration, type EngineAction, type EngineConfig, type EngineInput } from '../../src/consensus/types.js';
import { createValidatorSet, type ValidatorSet } from '../../src/consensus/validators.js';
import { equalBytes, toHexRaw } from '../../src/primitives/bytes.js';
import { ed25519Crypto, macCrypto, type SimCrypto, type SimSigner } from './crypto.js';
import { Prng } from './prng.js';
import { EventQueue } from './queue.js';
import type { ByzantineKind, SimParams } from './scenario.js';

/** A broken property. */
export interface SimViolation {
  kind: 'safety' | 'validity' | 'certificate' | 'evidence' | 'liveness' | 'budget';
  /** Virtual time (ms). */
  time: number;
  detail: string;
}

/** Counters of a run. */
export interface SimStats {
  /** Events processed (≤ MAX_EVENTS). */
  events: number;
  /** Messages delivered to a node (≤ events). */
  delivered: number;
  /** Blocks committed by honest nodes through consensus (not sync). */
  commits: number;
  /** Blocks imported by honest nodes through block sync. */
  synced: number;
  /** Evidence records reported by honest nodes. */
  evidence: number;
  /** Highest round any honest engine reached. */
  maxRound: number;
  /** Highest decision round of a height first begun after GST. */
  maxRoundAfterGst: number;
  /** Virtual time at the end (ms). */
  endTimeMs: number;
  /** Committed height of each honest node at the end. */
  heights: number[];
}

/** The outcome of a run. */
export interface SimResult {
  params: SimParams;
  ok: boolean;
  violations: SimViolation[];
  stats: SimStats;
  /** FNV-1a over every processed event: equal for equal parameters (determinism). */
  traceHash: number;
  /** Event log, when asked for. */
  trace?: string[];
}

/** Options of a run. */
export interface SimOptions {
  /** Keep a human-readable event log. */
  trace?: boolean;
  /**
   * Control experiment: restarts lose the WAL (an operator deleting it). Not a fault the protocol tolerates; used to
   * show that the checks catch the double signing and forks that follow.
   */
  loseWalOnRestart?: boolean;
}

/** Events processed before a run is declared stuck (a bug in the simulator or the engine, never expected). */
const MAX_EVENTS = 3_000_000;

type SimEvent =
  | { kind: 'deliver'; to: number; message: SignedMessageValue }
  | { kind: 'input'; node: number; epoch: number; input: EngineInput }
  | { kind: 'crash'; node: number; afterWal: boolean }
  | { kind: 'restart'; node: number }
  | { kind: 'gst' }
  | { kind: 'syncRequest'; to: number; from: number; height: number }
  | { kind: 'syncResponse'; to: number; blocks: CommittedBlock[] };

interface CommittedBlock {
  readonly height: number;
  readonly hash: Uint8Array;
  readonly block: Uint8Array;
  readonly certificate: CommitCertificateValue;
}

interface SimNode {
  /** Endpoint id: validators 0..n−1, second twin copies n, n+1, …. */
  readonly id: number;
  readonly validatorIndex: number;
  readonly role: 'honest' | ByzantineKind;
  readonly signer: SimSigner;
  engine: ConsensusEngine | undefined;
  /** Incremented by every crash and restart; events of an older epoch are dropped. */
  epoch: number;
  up: boolean;
  crashAfterNextWalWrite: boolean;
  /** The validator's write-ahead log of its own signed messages (survives crashes). */
  readonly wal: SignedMessageValue[];
  /** The proof records of its WAL (`recordProof`: a proposal and the prevotes it locked on; survive crashes). */
  readonly proofs: SignedMessageValue[];
  /** Committed blocks, `chain[h − 1]` at height h (survives crashes). */
  readonly chain: CommittedBlock[];
  /** Twin side before GST (0 or 1); every node has one, used when `twinSplit`. */
  readonly side: number;
}

// -------------------------------------------------------------------------------------------------------------------
// The toy application: a block names its height, round, proposer, parent and a validity flag.

const BLOCK_LENGTH = 4 + 4 + 4 + 4 + 1 + 32;

/** The block hash of the simulated chain (sha256: opaque to the engine, as the real block hash is). */
export function simHashBlock(block: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(block).digest());
}

function makeBlock(height: number, round: number, proposer: number, nonce: number, invalid: boolean, parent: Uint8Array): Uint8Array {
  const b = new Uint8Array(BLOCK_LENGTH);
  const view = new DataView(b.buffer);
  view.setUint32(0, height, true);
  view.setUint32(4, round, true);
  view.setUint32(8, proposer, true);
  view.setUint32(12, nonce, true);
  b[16] = invalid ? 1 : 0;
  b.set(parent, 17);
  return b;
}

function readBlock(b: Uint8Array): { height: number; round: number; proposer: number; invalid: boolean; parent: Uint8Array } | undefined {
  if (b.length !== BLOCK_LENGTH) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { height: view.getUint32(0, true), round: view.getUint32(4, true), proposer: view.getUint32(8, true), invalid: b[16] !== 0, parent: b.subarray(17) };
}

/** The application's validity rule: right height, built by that round's proposer, on `parent`, not marked invalid. */
function isValidBlock(block: Uint8Array, height: number, parent: Uint8Array, set: ValidatorSet): boolean {
  const b = readBlock(block);
  return b !== undefined && b.height === height && !b.invalid && equalBytes(b.parent, parent) && set.proposer(height, b.round) === b.proposer;
}

// -------------------------------------------------------------------------------------------------------------------

/** Run one simulation. */
export function runSimulation(params: SimParams, options: SimOptions = {}): SimResult {
  return new Simulation(params, options).run();
}

class Simulation {
  private readonly rng: Prng;
  private readonly crypto: SimCrypto;
  private readonly genesisHash: Uint8Array;
  private readonly set: ValidatorSet;
  private readonly nodes: SimNode[] = [];
  private readonly queue = new EventQueue<SimEvent>();
  private readonly violations: SimViolation[] = [];
  private readonly trace: string[] | undefined;
  private readonly loseWal: boolean;
  private traceHash = 0x811c9dc5;
  private now = 0;
  private afterGst = false;
  private deadline = Number.POSITIVE_INFINITY;
  /** The first honest commit at each height (hash hex), the reference for safety. */
  private readonly committed = new Map<number, string>();
  /** Every block some node built (hash hex). */
  private readonly built = new Set<string>();
  /** Virtual time at which the first honest node started each height. */
  private readonly heightStart = new Map<number, number>();
  private readonly stats: SimStats = { events: 0, delivered: 0, commits: 0, synced: 0, evidence: 0, maxRound: 0, maxRoundAfterGst: 0, endTimeMs: 0, heights: [] };

  constructor(
    private readonly params: SimParams,
    options: SimOptions,
  ) {
    this.rng = new Prng(params.seed ^ 0x5eed5eed);
    this.crypto = params.crypto === 'ed25519' ? ed25519Crypto() : macCrypto();
    this.trace = options.trace ? [] : undefined;
    this.loseWal = options.loseWalOnRestart === true;
    this.genesisHash = simHashBlock(new TextEncoder().encode(`genesis-${params.seed}`));
    const keyRng = this.rng.fork();
    const seeds = Array.from({ length: params.validators }, () => Uint8Array.from({ length: 32 }, () => keyRng.int(0, 255)));
    const signers = seeds.map((s) => this.crypto.signer(s));
    this.set = createValidatorSet(signers.map((s, i) => ({ sessionKey: s.publicKey, weight: params.weights[i] })));
    const roleOf = (i: number): SimNode['role'] => params.byzantine.find((b) => b.index === i)?.kind ?? 'honest';
    for (let i = 0; i < params.validators; i++) this.nodes.push(this.makeNode(i, i, roleOf(i), signers[i]));
    for (const b of params.byzantine) if (b.kind === 'twin') this.nodes.push(this.makeNode(this.nodes.length, b.index, 'twin', signers[b.index]));
  }

  private makeNode(id: number, validatorIndex: number, role: SimNode['role'], signer: SimSigner): SimNode {
    // A twin's two copies sit on opposite sides; everyone else on a random one.
    const side = role === 'twin' ? (id === validatorIndex ? 0 : 1) : this.rng.int(0, 1);
    return { id, validatorIndex, role, signer, engine: undefined, epoch: 0, up: false, crashAfterNextWalWrite: false, wal: [], proofs: [], chain: [], side };
  }

  run(): SimResult {
    const p = this.params;
    for (const node of this.nodes) if (node.role !== 'silent') this.queue.push(0, { kind: 'restart', node: node.id });
    for (const c of p.crashes) {
      this.queue.push(c.at, { kind: 'crash', node: c.node, afterWal: c.afterWal });
      this.queue.push(Math.min(c.at + c.downFor, p.gstMs), { kind: 'restart', node: c.node });
    }
    this.queue.push(p.gstMs, { kind: 'gst' });

    for (;;) {
      const next = this.queue.pop();
      if (next === undefined) break;
      if (next.time > this.deadline) break;
      this.now = next.time;
      if (++this.stats.events > MAX_EVENTS) {
        this.violate('budget', `more than ${MAX_EVENTS} events`);
        break;
      }
      this.handle(next.item);
      if (this.violations.length > 0 || (this.afterGst && this.allHonestReachedTarget())) break;
    }

    if (this.violations.length === 0 && !this.allHonestReachedTarget()) {
      const where = this.honest()
        .map((n) => `#${n.id}@h${n.chain.length + 1}/r${n.engine?.round ?? '-'}/${n.engine?.snapshot().phase ?? 'down'}`)
        .join(' ');
      this.violate('liveness', `target height ${p.targetHeight} not reached by ${this.deadline} ms: ${where}`);
    }
    this.stats.endTimeMs = this.now;
    this.stats.heights = this.honest().map((n) => n.chain.length);
    return { params: p, ok: this.violations.length === 0, violations: this.violations, stats: this.stats, traceHash: this.traceHash >>> 0, trace: this.trace };
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Events

  private handle(ev: SimEvent): void {
    this.record(ev);
    switch (ev.kind) {
      case 'deliver': {
        const node = this.nodes[ev.to];
        if (!node.up || node.engine === undefined) return;
        this.stats.delivered++;
        this.feed(node, inputOf(ev.message));
        return;
      }
      case 'input': {
        const node = this.nodes[ev.node];
        if (node.epoch !== ev.epoch || !node.up) return;
        this.feed(node, ev.input);
        return;
      }
      case 'crash': {
        const node = this.nodes[ev.node];
        if (!node.up) return;
        if (ev.afterWal) node.crashAfterNextWalWrite = true;
        else this.crash(node);
        return;
      }
      case 'restart':
        this.restart(this.nodes[ev.node]);
        return;
      case 'gst':
        this.onGst();
        return;
      case 'syncRequest': {
        const peer = this.nodes[ev.to];
        if (!peer.up || peer.chain.length < ev.height) return;
        this.send(peer, this.nodes[ev.from], { kind: 'syncResponse', to: ev.from, blocks: peer.chain.slice(ev.height - 1, ev.height + 3) });
        return;
      }
      case 'syncResponse':
        this.onSyncResponse(this.nodes[ev.to], ev.blocks);
        return;
    }
  }

  private onGst(): void {
    this.afterGst = true;
    for (const node of this.nodes) {
      node.crashAfterNextWalWrite = false;
      if (!node.up && node.role !== 'silent') this.restart(node);
    }
    // The liveness bound: a first height that may start at the highest round reached so far, the rest from round
    // 0, each within ROUNDS_BOUND rounds, each round at most its three timeouts plus message, build and check delays.
    const t = this.params.timeouts;
    const delta = this.params.maxDelayAfterGstMs;
    const roundMs = (r: number): number =>
      timeoutDuration(t, 'propose', r) + timeoutDuration(t, 'prevote', r) + timeoutDuration(t, 'precommit', r) + 6 * delta + 60;
    const bound = this.roundsBound();
    const maxRound = Math.max(0, ...this.honest().map((n) => n.engine?.round ?? 0));
    const lowest = Math.min(...this.honest().map((n) => n.chain.length));
    let budget = 0;
    for (let r = maxRound; r <= maxRound + bound; r++) budget += roundMs(r);
    for (let h = lowest + 2; h <= this.params.targetHeight; h++) for (let r = 0; r <= bound; r++) budget += roundMs(r);
    // Catching up on what was lost before GST: a few gossip periods and a block sync round trip per height.
    budget += 5 * t.gossipMs + (this.params.targetHeight - lowest) * (t.gossipMs + 4 * delta);
    this.deadline = this.now + budget;
  }

  /** Rounds within which a height begun after GST must be decided: f + 1 rounds reach an honest proposer, plus slack. */
  private roundsBound(): number {
    return this.params.validators + 2;
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Nodes

  private engineConfig(node: SimNode): EngineConfig {
    return {
      genesisHash: this.genesisHash,
      sessionKey: node.signer.publicKey,
      verify: this.crypto.verify,
      hashBlock: simHashBlock,
      timeouts: this.params.timeouts,
    };
  }

  private crash(node: SimNode): void {
    node.up = false;
    node.engine = undefined;
    node.epoch++;
    node.crashAfterNextWalWrite = false;
  }

  private restart(node: SimNode): void {
    if (node.up) {
      node.crashAfterNextWalWrite = false;
      return;
    }
    node.up = true;
    node.epoch++;
    // What survives a crash: the WAL and the committed chain (the node stores a block before starting the next).
    if (this.loseWal) {
      node.wal.length = 0;
      node.proofs.length = 0;
    }
    node.engine = ConsensusEngine.restoreFromWal(this.engineConfig(node), node.wal, node.proofs);
    const tip = node.chain[node.chain.length - 1];
    this.feed(node, { kind: 'start', height: node.chain.length + 1, validators: this.set, lastCommit: tip?.certificate });
  }

  private feed(node: SimNode, input: EngineInput): void {
    const engine = node.engine!;
    if (input.kind === 'start' && node.role === 'honest' && !this.heightStart.has(input.height)) this.heightStart.set(input.height, this.now);
    const actions = engine.step(input);
    if (node.role === 'honest' && engine.round > this.stats.maxRound) this.stats.maxRound = engine.round;
    this.perform(node, actions);
  }

  private perform(node: SimNode, actions: EngineAction[]): void {
    for (const a of actions) {
      if (!node.up) return;
      switch (a.kind) {
        case 'buildBlock': {
          const tip = node.chain[node.chain.length - 1]?.hash ?? this.genesisHash;
          const block = makeBlock(a.height, a.round, node.validatorIndex, this.rng.nextU32(), node.role === 'badBlocks', tip);
          this.built.add(toHexRaw(simHashBlock(block)));
          this.inputLater(node, this.rng.int(1, 20), { kind: 'blockBuilt', height: a.height, round: a.round, block });
          break;
        }
        case 'checkProposal': {
          const parent = node.chain[a.height - 2]?.hash ?? this.genesisHash;
          const valid = node.role === 'badBlocks' ? true : node.chain.length === a.height - 1 && isValidBlock(a.block, a.height, parent, this.set);
          this.inputLater(node, this.rng.int(1, 20), { kind: 'proposalChecked', height: a.height, round: a.round, blockHash: a.blockHash, valid });
          break;
        }
        case 'signAndBroadcast': {
          const signed: SignedMessageValue = { message: a.request.message, signature: node.signer.sign(a.request.payload) };
          // The WAL write (and its fsync) comes before anything leaves the node.
          node.wal.push(signed);
          if (node.crashAfterNextWalWrite) {
            this.crash(node);
            return;
          }
          this.broadcast(node, signed);
          this.inputLater(node, 0, inputOf(signed));
          break;
        }
        case 'broadcast':
          for (const m of a.messages) this.broadcast(node, m);
          break;
        case 'recordProof':
          // Written (and fsynced) before the actions after it, like the node's WAL.
          node.proofs.push(...a.messages);
          break;
        case 'scheduleTimeout':
          this.inputLater(node, a.durationMs, { kind: 'timeout', height: a.height, round: a.round, step: a.step });
          break;
        case 'commit': {
          const verdict = verifyCertificate(a.certificate, this.set, this.genesisHash, this.crypto.verify, { height: a.height, blockHash: a.blockHash });
          if (!verdict.ok && node.role === 'honest') this.violate('certificate', `node ${node.id} committed h${a.height} with a bad certificate: ${verdict.error.code}`);
          if (node.role === 'honest') {
            this.stats.commits++;
            const begun = this.heightStart.get(a.height) ?? 0;
            if (this.afterGst && begun >= this.params.gstMs) {
              this.stats.maxRoundAfterGst = Math.max(this.stats.maxRoundAfterGst, a.round);
              if (a.round > this.roundsBound()) this.violate('liveness', `h${a.height} begun after GST was decided only in round ${a.round}`);
            }
          }
          this.importBlock(node, { height: a.height, hash: a.blockHash, block: a.block, certificate: a.certificate });
          this.inputLater(node, this.rng.int(0, 10), { kind: 'start', height: a.height + 1, validators: this.set, lastCommit: a.certificate });
          break;
        }
        case 'evidence': {
          if (node.role !== 'honest') break;
          this.stats.evidence++;
          const verdict = verifyEvidence(a.evidence, this.set, this.genesisHash, this.crypto.verify);
          if (!verdict.ok) this.violate('evidence', `node ${node.id} reported evidence that does not verify: ${verdict.code}`);
          else if (this.nodes[verdict.offence.validatorIndex].role === 'honest') {
            this.violate('evidence', `honest validator ${verdict.offence.validatorIndex} equivocated at h${verdict.offence.height}/r${verdict.offence.round}/${verdict.offence.step}`);
          }
          break;
        }
        case 'catchUp': {
          const peers = this.nodes.filter((n) => n.id !== node.id);
          const peer = this.rng.pick(peers);
          this.send(node, peer, { kind: 'syncRequest', to: peer.id, from: node.id, height: a.height });
          break;
        }
      }
    }
  }

  private onSyncResponse(node: SimNode, blocks: CommittedBlock[]): void {
    if (!node.up || node.engine === undefined) return;
    let imported: CommittedBlock | undefined;
    for (const b of blocks) {
      if (b.height !== node.chain.length + 1) continue;
      // What a real node does with a block from a peer: check the certificate, then execute the block.
      const verdict = verifyCertificate(b.certificate, this.set, this.genesisHash, this.crypto.verify, { height: b.height, blockHash: simHashBlock(b.block) });
      const parent = node.chain[b.height - 2]?.hash ?? this.genesisHash;
      if (!verdict.ok || !isValidBlock(b.block, b.height, parent, this.set)) break;
      if (node.role === 'honest') this.stats.synced++;
      this.importBlock(node, b);
      imported = b;
    }
    if (imported !== undefined) this.feed(node, { kind: 'start', height: imported.height + 1, validators: this.set, lastCommit: imported.certificate });
  }

  private importBlock(node: SimNode, b: CommittedBlock): void {
    if (node.chain.length >= b.height) {
      if (node.role === 'honest' && !equalBytes(node.chain[b.height - 1].hash, b.hash)) {
        this.violate('safety', `node ${node.id} holds two blocks at h${b.height}`);
      }
      return;
    }
    node.chain.push(b);
    if (node.role !== 'honest') return;
    const key = toHexRaw(b.hash);
    const first = this.committed.get(b.height);
    if (first === undefined) this.committed.set(b.height, key);
    else if (first !== key) this.violate('safety', `node ${node.id} committed ${key.slice(0, 12)} at h${b.height}, another honest node ${first.slice(0, 12)}`);
    const parent = b.height === 1 ? this.genesisHash : node.chain[b.height - 2].hash;
    if (!this.built.has(key) || !isValidBlock(b.block, b.height, parent, this.set)) {
      this.violate('validity', `node ${node.id} committed a block at h${b.height} that was not built or is invalid`);
    }
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Network

  private broadcast(from: SimNode, message: SignedMessageValue): void {
    for (const to of this.nodes) if (to.id !== from.id) this.send(from, to, { kind: 'deliver', to: to.id, message });
  }

  /** Send `ev` from `from` to `to` through the faulty network. */
  private send(from: SimNode, to: SimNode, ev: SimEvent): void {
    const p = this.params;
    if (!this.afterGst) {
      for (const part of p.partitions) {
        if (this.now >= part.from && this.now < part.until && part.groupOf[from.id] !== part.groupOf[to.id]) return;
      }
      // A twin's copies (and everything on the other side) stay apart: each copy builds its own view.
      if (p.twinSplit && (from.role === 'twin' || to.role === 'twin') && from.side !== to.side) return;
      if (this.rng.percent(p.lossPercent) || this.rng.percent(p.linkLossPercent[from.id]?.[to.id] ?? 0)) return;
      if (ev.kind === 'deliver' && ev.message.message.tag === 'Vote' && ev.message.message.value.type === 'precommit' && this.rng.percent(p.precommitLossPercent)) return;
    }
    const maxDelay = this.afterGst ? p.maxDelayAfterGstMs : p.maxDelayBeforeGstMs;
    this.queue.push(this.now + this.rng.int(1, maxDelay), ev);
    if (this.rng.percent(p.duplicatePercent)) this.queue.push(this.now + this.rng.int(1, maxDelay), ev);
  }

  private inputLater(node: SimNode, delayMs: number, input: EngineInput): void {
    this.queue.push(this.now + delayMs, { kind: 'input', node: node.id, epoch: node.epoch, input });
  }

  // -----------------------------------------------------------------------------------------------------------------
  // Checks and bookkeeping

  private honest(): SimNode[] {
    return this.nodes.filter((n) => n.role === 'honest');
  }

  private allHonestReachedTarget(): boolean {
    return this.honest().every((n) => n.chain.length >= this.params.targetHeight);
  }

  private violate(kind: SimViolation['kind'], detail: string): void {
    this.violations.push({ kind, time: this.now, detail });
  }

  private record(ev: SimEvent): void {
    const node = 'to' in ev ? ev.to : 'node' in ev ? ev.node : -1;
    const code = ev.kind.charCodeAt(0) + (ev.kind === 'input' ? ev.input.kind.charCodeAt(0) * 256 : 0);
    for (const x of [this.now, node, code]) {
      this.traceHash ^= x & 0xffffffff;
      this.traceHash = Math.imul(this.traceHash, 0x01000193);
    }
    if (this.trace !== undefined) this.trace.push(`${this.now}ms ${describeEvent(ev)}`);
  }
}

function describeEvent(ev: SimEvent): string {
  switch (ev.kind) {
    case 'deliver': {
      const m = ev.message.message;
      const v = m.value;
      const what = m.tag === 'Proposal' ? `proposal pol=${m.value.polRound ?? '-'}` : `${m.value.type} ${m.value.blockHash ? toHexRaw(m.value.blockHash).slice(0, 8) : 'nil'}`;
      return `#${ev.to} <- v${v.validatorIndex} h${v.height}/r${v.round} ${what}`;
    }
    case 'input': {
      const i = ev.input;
      switch (i.kind) {
        case 'timeout':
          return `#${ev.node} timeout ${i.step} h${i.height}/r${i.round}`;
        case 'proposal':
        case 'vote':
          return `#${ev.node} own ${i.kind} h${i.signed.message.value.height}/r${i.signed.message.value.round}`;
        case 'start':
          return `#${ev.node} start h${i.height}`;
        case 'blockBuilt':
          return `#${ev.node} built h${i.height}/r${i.round}`;
        case 'proposalChecked':
          return `#${ev.node} checked h${i.height}/r${i.round} ${toHexRaw(i.blockHash).slice(0, 8)} valid=${i.valid}`;
      }
      return `#${ev.node} input`;
    }
    case 'crash':
      return `#${ev.node} crash${ev.afterWal ? ' (after next WAL write)' : ''}`;
    case 'restart':
      return `#${ev.node} (re)start`;
    case 'gst':
      return 'GST';
    case 'syncRequest':
      return `#${ev.to} <- sync request h${ev.height} from #${ev.from}`;
    case 'syncResponse':
      return `#${ev.to} <- sync response ${ev.blocks.length} blocks`;
  }
}
