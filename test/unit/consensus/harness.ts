/**
 * Test harness for the consensus engine: real ed25519 validator keys (`src/crypto/keys.ts`), the node's verifier
 * (`verifyEd25519`), blake2-256 block hashes, and helpers that sign proposals and votes as other validators would
 * and perform the engine's `signAndBroadcast` actions as the node does (sign, then feed back).
 */
import { ConsensusEngine } from '../../../src/consensus/engine.js';
import {
  proposalHeader,
  proposalSigningPayload,
  voteSigningPayload,
  type ProposalValue,
  type SignedMessageValue,
  type VoteType,
  type VoteValue,
} from '../../../src/consensus/messages.js';
import { inputOf, type EngineAction, type EngineConfig, type EngineInput, type TimeoutConfig } from '../../../src/consensus/types.js';
import { createValidatorSet, type ValidatorSet } from '../../../src/consensus/validators.js';
import { keyPairFromSeed, type KeyPair } from '../../../src/crypto/keys.js';
import { verifyEd25519 } from '../../../src/crypto/verify.js';
import { utf8 } from '../../../src/primitives/bytes.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';

/** The genesis hash of the test chain. */
export const GENESIS = blake2_256(utf8('dcn-consensus-test-genesis'));

/** Block hash of the test blocks. */
export const hashBlock = blake2_256;

/** An opaque test block. */
export function block(label: string): Uint8Array {
  return utf8(`block:${label}`);
}

const keyCache = new Map<number, KeyPair>();

/** The ed25519 key of test validator `i` (deterministic). */
export function validatorKey(i: number): KeyPair {
  let k = keyCache.get(i);
  if (k === undefined) {
    k = keyPairFromSeed(blake2_256(utf8(`dcn-test-validator-${i}`)), 'ed25519');
    keyCache.set(i, k);
  }
  return k;
}

/** A set of `n` test validators with optional weights. */
export function testSet(n: number, weights?: number[]): ValidatorSet {
  return createValidatorSet(Array.from({ length: n }, (_, i) => ({ sessionKey: validatorKey(i).publicKey, weight: weights?.[i] })));
}

/** A vote signed by validator `from`. */
export function signVote(from: number, type: VoteType, height: number, round: number, blockHash: Uint8Array | undefined, genesis = GENESIS): SignedMessageValue {
  const vote: VoteValue = { type, height, round, blockHash, validatorIndex: from };
  return { message: { tag: 'Vote', value: vote }, signature: validatorKey(from).sign(voteSigningPayload(genesis, vote)) };
}

/** A proposal signed by validator `from`. */
export function signProposal(from: number, height: number, round: number, b: Uint8Array, polRound?: number): SignedMessageValue {
  const proposal: ProposalValue = { height, round, polRound, validatorIndex: from, block: b };
  const payload = proposalSigningPayload(GENESIS, proposalHeader(proposal, hashBlock(b)));
  return { message: { tag: 'Proposal', value: proposal }, signature: validatorKey(from).sign(payload) };
}

/** The messages the engine asked to sign, in order. */
export function signRequests(actions: EngineAction[]): Extract<EngineAction, { kind: 'signAndBroadcast' }>['request'][] {
  return actions.flatMap((a) => (a.kind === 'signAndBroadcast' ? [a.request] : []));
}

/** A short description of each vote the engine asked to sign: `prevote r0 <hash hex | nil>`. */
export function votesAsked(actions: EngineAction[]): string[] {
  return signRequests(actions).flatMap((r) =>
    r.message.tag === 'Vote' ? [`${r.message.value.type} r${r.message.value.round} ${r.message.value.blockHash ? hex(r.message.value.blockHash) : 'nil'}`] : [],
  );
}

/** Hex of a hash without prefix (for readable assertions). */
export function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** The actions of one kind. */
export function ofKind<K extends EngineAction['kind']>(actions: EngineAction[], kind: K): Extract<EngineAction, { kind: K }>[] {
  return actions.filter((a): a is Extract<EngineAction, { kind: K }> => a.kind === kind);
}

/** Small, distinct timeouts so assertions can name them. */
export const TEST_TIMEOUTS: Partial<TimeoutConfig> = {
  proposeMs: 3000,
  proposeDeltaMs: 500,
  prevoteMs: 1000,
  prevoteDeltaMs: 200,
  precommitMs: 1100,
  precommitDeltaMs: 300,
  gossipMs: 2000,
};

/** The engine configuration of validator `self` (or an observer when `self` is undefined). */
export function engineConfig(self: number | undefined): EngineConfig {
  return {
    genesisHash: GENESIS,
    sessionKey: self === undefined ? undefined : validatorKey(self).publicKey,
    verify: verifyEd25519,
    hashBlock,
    timeouts: TEST_TIMEOUTS,
  };
}

/**
 * One engine driven like the node drives it: `step` feeds an input and then performs every `signAndBroadcast` the
 * way the node does (sign with the validator's key, append to the WAL, feed back), collecting all actions.
 */
export class Driver {
  readonly set: ValidatorSet;
  engine: ConsensusEngine;
  /** The validator's write-ahead log: its own messages, and the proof records of `recordProof` actions. */
  readonly wal: SignedMessageValue[] = [];
  readonly proofs: SignedMessageValue[] = [];
  /** Every action so far. */
  readonly log: EngineAction[] = [];

  constructor(
    readonly self: number | undefined,
    n = 4,
    weights?: number[],
  ) {
    this.set = testSet(n, weights);
    this.engine = new ConsensusEngine(engineConfig(self));
  }

  /** Feed `input`, perform the resulting signing requests (and their consequences); returns all actions. */
  step(input: EngineInput): EngineAction[] {
    const all: EngineAction[] = [];
    const pending: EngineInput[] = [input];
    while (pending.length > 0) {
      const actions = this.engine.step(pending.shift()!);
      all.push(...actions);
      for (const a of actions) {
        if (a.kind === 'recordProof') this.proofs.push(...a.messages);
        if (a.kind !== 'signAndBroadcast') continue;
        const signed: SignedMessageValue = { message: a.request.message, signature: validatorKey(this.self!).sign(a.request.payload) };
        this.wal.push(signed);
        pending.push(inputOf(signed));
      }
    }
    this.log.push(...all);
    return all;
  }

  /** `start(height)` with this driver's set. */
  start(height = 1): EngineAction[] {
    return this.step({ kind: 'start', height, validators: this.set });
  }

  /** Deliver signed messages from the network; returns all actions. */
  deliver(...messages: SignedMessageValue[]): EngineAction[] {
    return messages.flatMap((m) => this.step(inputOf(m)));
  }

  /** Votes of `type` from each validator in `from`, for `b` (undefined = nil). */
  votes(type: VoteType, from: number[], round: number, b: Uint8Array | undefined, height = 1): EngineAction[] {
    return this.deliver(...from.map((i) => signVote(i, type, height, round, b === undefined ? undefined : hashBlock(b))));
  }

  /** A proposal of `b` by the round's proposer, then the node's verdict on it. */
  propose(round: number, b: Uint8Array, options: { valid?: boolean; polRound?: number; height?: number } = {}): EngineAction[] {
    const height = options.height ?? 1;
    const actions = this.deliver(signProposal(this.set.proposer(height, round), height, round, b, options.polRound));
    const checks = ofKind(actions, 'checkProposal');
    for (const c of checks) actions.push(...this.step({ kind: 'proposalChecked', height, round, blockHash: c.blockHash, valid: options.valid ?? true }));
    return actions;
  }

  /** Fire a timeout. */
  timeout(step: 'propose' | 'prevote' | 'precommit' | 'gossip', round: number, height = 1): EngineAction[] {
    return this.step({ kind: 'timeout', height, round, step });
  }

  /** Crash and restart from the WAL: a new engine restored from this driver's WAL (without its proofs: an older WAL). */
  restart(options: { withoutProofs?: boolean } = {}): void {
    this.engine = ConsensusEngine.restoreFromWal(engineConfig(this.self), this.wal, options.withoutProofs === true ? [] : this.proofs);
  }
}
