/**
 * The engine's boundary: its configuration, the inputs the node feeds it, the actions it asks the node to perform,
 * and the write-ahead-log contract for signing. Pure types plus small pure helpers; no I/O.
 */
import type { CommitCertificateValue } from './certificate.js';
import type { EvidenceValue } from './evidence.js';
import type { ConsensusMessageValue, HashBlockFn, SignedMessageValue, SignedStep, VerifyFn } from './messages.js';
import type { ValidatorSet } from './validators.js';

/** What a timeout is for: one per waiting step of the algorithm, plus the periodic gossip of the round state. */
export type TimeoutStep = SignedStep | 'gossip';

/**
 * Timeouts in milliseconds. The timeout of `step` in round r is `base + r · delta`, capped at `maxMs` (growing
 * timeouts make the rounds after GST long enough for every honest message to arrive, the liveness condition).
 */
export interface TimeoutConfig {
  /** Wait for the proposal (default 3000 + 500 per round, as CometBFT). */
  proposeMs: number;
  proposeDeltaMs: number;
  /** Wait for more prevotes after +2/3 of any (default 1000 + 500 per round). */
  prevoteMs: number;
  prevoteDeltaMs: number;
  /** Wait for more precommits after +2/3 of any (default 1000 + 500 per round). */
  precommitMs: number;
  precommitDeltaMs: number;
  /** Period of the round-state gossip (re-sending the messages of the current and previous round; default 2000). */
  gossipMs: number;
  /** Upper bound of any timeout (default 120,000). */
  maxMs: number;
}

/** The defaults of {@link TimeoutConfig}. */
export const DEFAULT_TIMEOUTS: Readonly<TimeoutConfig> = Object.freeze({
  proposeMs: 3000,
  proposeDeltaMs: 500,
  prevoteMs: 1000,
  prevoteDeltaMs: 500,
  precommitMs: 1000,
  precommitDeltaMs: 500,
  gossipMs: 2000,
  maxMs: 120_000,
});

/** Memory bounds of the engine. */
export interface EngineLimits {
  /** Rounds above the current one whose messages are stored (default 10); later ones only count for round skips. */
  futureRounds: number;
  /** Rounds below the current one kept (default 64; the locked and valid rounds are always kept). */
  pastRounds: number;
  /** Messages of the next height buffered until it starts (default 1000; proposals at most `futureRounds + 1`). */
  futureHeightMessages: number;
}

/** The defaults of {@link EngineLimits}. */
export const DEFAULT_LIMITS: Readonly<EngineLimits> = Object.freeze({ futureRounds: 10, pastRounds: 64, futureHeightMessages: 1000 });

/** What the engine is built with. Everything impure is injected. */
export interface EngineConfig {
  /** The chain's genesis hash (part of every signing payload). */
  genesisHash: Uint8Array;
  /** This node's ed25519 session public key; when absent or not in a height's set the engine only observes. */
  sessionKey?: Uint8Array;
  /** ed25519 verification (the node passes `verifyEd25519` from `src/crypto/verify.ts`). */
  verify: VerifyFn;
  /** Hash of an opaque block (the node: blake2-256 of the SCALE header at the start of the block). */
  hashBlock: HashBlockFn;
  timeouts?: Partial<TimeoutConfig>;
  limits?: Partial<EngineLimits>;
}

/** The duration of the timeout of `step` in `round` (0 ≤ round ≤ 2^32 − 1) under `t`. */
export function timeoutDuration(t: TimeoutConfig, step: TimeoutStep, round: number): number {
  let ms: number;
  switch (step) {
    case 'propose':
      ms = t.proposeMs + round * t.proposeDeltaMs;
      break;
    case 'prevote':
      ms = t.prevoteMs + round * t.prevoteDeltaMs;
      break;
    case 'precommit':
      ms = t.precommitMs + round * t.precommitDeltaMs;
      break;
    case 'gossip':
      ms = t.gossipMs;
      break;
  }
  return Math.min(ms, t.maxMs);
}

/** Inputs: everything that can happen to the engine. */
export type EngineInput =
  /**
   * Begin `height` with its validator set, after the block at `height − 1` is durably committed (by this engine or
   * by block sync). `lastCommit` is that block's certificate (gossiped to validators still at `height − 1`).
   * A start below the current height, or a second start of the current height, is ignored.
   */
  | { kind: 'start'; height: number; validators: ValidatorSet; lastCommit?: CommitCertificateValue }
  /** A signed proposal from the network, or this node's own after it was written to the WAL. */
  | { kind: 'proposal'; signed: SignedMessageValue }
  /** A signed prevote or precommit from the network, or this node's own after it was written to the WAL. */
  | { kind: 'vote'; signed: SignedMessageValue }
  /** A timeout scheduled by a `scheduleTimeout` action has elapsed (stale ones are ignored). */
  | { kind: 'timeout'; height: number; round: number; step: TimeoutStep }
  /** The node executed the block of a `checkProposal` action on top of its parent: `valid` is the verdict. */
  | { kind: 'proposalChecked'; height: number; round: number; blockHash: Uint8Array; valid: boolean }
  /** The node built the block a `buildBlock` action asked for (and so knows it valid and holds its state). */
  | { kind: 'blockBuilt'; height: number; round: number; block: Uint8Array };

/**
 * A request to sign. The node MUST, in this order: sign `payload` with the session key; append
 * `{ message, signature }` to the consensus WAL and fsync it; only then broadcast it and feed it back to the engine
 * as a `proposal` / `vote` input. {@link signDurably} does exactly that; the broadcast side takes only a
 * {@link DurableSignedMessage}, which only a {@link ConsensusWal} can produce.
 */
export interface SignRequest {
  /** The unsigned message. */
  readonly message: ConsensusMessageValue;
  /** The exact bytes to sign (its domain-separated signing payload). */
  readonly payload: Uint8Array;
}

/** Actions: what the engine asks the node to do. The node performs them in order. */
export type EngineAction =
  /** This node proposes at (height, round): build a block on the committed parent, answer with `blockBuilt`. */
  | { kind: 'buildBlock'; height: number; round: number }
  /** Execute `block` on its parent and answer with `proposalChecked` (the engine prevotes only after that). */
  | { kind: 'checkProposal'; height: number; round: number; blockHash: Uint8Array; block: Uint8Array }
  /** Sign, write the WAL and fsync, then broadcast and feed back (see {@link SignRequest}). */
  | { kind: 'signAndBroadcast'; request: SignRequest }
  /**
   * Re-gossip messages already signed (own ones are already in the WAL; others' are relayed): the round-state
   * gossip that restores liveness after message loss and partitions. Needs no signing and no WAL write.
   */
  | { kind: 'broadcast'; messages: readonly SignedMessageValue[] }
  /** Call back with a `timeout` input after `durationMs` (0 ≤ durationMs ≤ maxMs). */
  | { kind: 'scheduleTimeout'; height: number; round: number; step: TimeoutStep; durationMs: number }
  /**
   * `block` is final at `height`: store it with `certificate` as its justification and commit its state in one
   * batch, then send `start(height + 1)`.
   */
  | { kind: 'commit'; height: number; round: number; blockHash: Uint8Array; block: Uint8Array; certificate: CommitCertificateValue }
  /**
   * Record `messages` in the WAL as proof records and fsync, before performing the actions after this one: the
   * proposal and the +2/3 prevotes for it that made this validator lock on it or take it as its valid value (L36).
   * A restarted validator restores its valid value (the block) from them, re-proposes it with its POL round and
   * gossips that POL (`restoreFromWal`'s `proofs`). Needs no signing. A failed write loses liveness help, not safety.
   */
  | { kind: 'recordProof'; height: number; round: number; messages: readonly SignedMessageValue[] }
  /** A validator equivocated: keep the evidence (and gossip it / hand it to the runtime when there is a pallet). */
  | { kind: 'evidence'; evidence: EvidenceValue }
  /**
   * Peers are past `height` (more than 1/3 of the weight sent messages of a later height, or +2/3 precommitted a
   * block this node never received): fetch the committed blocks from `height` on with their certificates, verify
   * them with `verifyCertificate`, import them, and `start` the next height. Repeated every gossip period while true.
   */
  | { kind: 'catchUp'; height: number };

declare const walDurable: unique symbol;

/** A signed message the WAL has written and fsynced. Only a {@link ConsensusWal} should mint one. */
export type DurableSignedMessage = SignedMessageValue & { readonly [walDurable]: true };

/** Mark `signed` durable. For WAL implementations only, after their write and fsync resolved. */
export function markDurable(signed: SignedMessageValue): DurableSignedMessage {
  return signed as DurableSignedMessage;
}

/** The validator's write-ahead log of its own signed messages (the node implements it over a file or LevelDB). */
export interface ConsensusWal {
  /** Append `signed` and fsync; resolves only when it is on disk. */
  append(signed: SignedMessageValue): Promise<DurableSignedMessage>;
  /** Every message appended (at least those of the highest height signed), in order, for `restoreFromWal`. */
  load(): Promise<SignedMessageValue[]>;
  /** Append the messages of a `recordProof` action as proof records and fsync; resolves once they are on disk. */
  appendProof(messages: readonly SignedMessageValue[]): Promise<void>;
  /** The proof records read by the last `load` (at least those of the highest height signed), in order. */
  proofs(): SignedMessageValue[];
}

/** What {@link signDurably} needs from the node. */
export interface SigningPorts {
  /** Sign with the ed25519 session key. */
  sign(payload: Uint8Array): Uint8Array;
  wal: Pick<ConsensusWal, 'append'>;
  /** Gossip an own message; takes only WAL-durable messages. */
  broadcast(signed: DurableSignedMessage): void;
}

/**
 * Perform a `signAndBroadcast` action in the order the double-sign protection needs: sign, write the WAL and fsync,
 * then broadcast. Resolves with the signed message, which the caller feeds back to the engine.
 */
export async function signDurably(request: SignRequest, ports: SigningPorts): Promise<DurableSignedMessage> {
  const signed: SignedMessageValue = { message: request.message, signature: ports.sign(request.payload) };
  const durable = await ports.wal.append(signed);
  ports.broadcast(durable);
  return durable;
}

/** The input that feeds `signed` to the engine (`proposal` or `vote` by its tag). */
export function inputOf(signed: SignedMessageValue): EngineInput {
  return signed.message.tag === 'Proposal' ? { kind: 'proposal', signed } : { kind: 'vote', signed };
}
