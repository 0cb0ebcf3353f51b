/**
 * The validator set as the consensus engine sees it: ed25519 session keys with integer weights, quorum arithmetic
 * and proposer rotation. Pure; no I/O.
 *
 * Quorum is strictly more than 2/3 of the total weight (`3·w > 2·T`); the "f+1" threshold of the Tendermint paper is
 * strictly more than 1/3 (`3·w > T`), which at least one honest validator must belong to when the faulty weight is
 * below 1/3. All comparisons are done in integers: weights and totals are bounded so `3·T` stays a safe integer.
 *
 * Proposer rotation: position `(height + round) mod S` of a proposer sequence of length S. With equal weights the
 * sequence is `0, 1, …, n−1` (plain round robin by `(height + round) mod n`). With different weights it is the
 * smooth weighted round robin (the one nginx uses) over the weights divided by their gcd, so each validator
 * proposes in proportion to its weight and a heavy validator's turns are spread out rather than bunched.
 */
import { toHexRaw } from '../primitives/bytes.js';

/** Largest validator set (the same bound as the ValidatorSet pallet's `MAX_VALIDATORS`). */
export const MAX_CONSENSUS_VALIDATORS = 100;
/** Largest weight of one validator (1 ≤ weight ≤ 1,000,000). */
export const MAX_VALIDATOR_WEIGHT = 1_000_000;
/** Longest proposer sequence: the total weight after dividing by the gcd of the weights must not exceed it. */
export const MAX_PROPOSER_SEQUENCE = 100_000;

/** One validator of a set. */
export interface ConsensusValidator {
  /** 32-byte ed25519 session public key, which signs proposals and votes. */
  readonly sessionKey: Uint8Array;
  /** Voting weight, 1 ≤ weight ≤ {@link MAX_VALIDATOR_WEIGHT}. */
  readonly weight: number;
}

/** What {@link createValidatorSet} takes: a session key and an optional weight (default 1). */
export interface ValidatorEntry {
  readonly sessionKey: Uint8Array;
  readonly weight?: number;
}

/** Thrown by {@link createValidatorSet} for an empty, oversized, duplicated or badly weighted set. */
export class ValidatorSetError extends Error {
  /** An error with `message`. */
  constructor(message: string) {
    super(message);
    this.name = 'ValidatorSetError';
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The smooth weighted round-robin sequence over `weights` (each ≥ 1); length = sum of weights. */
function proposerSequence(weights: readonly number[]): Uint8Array {
  const total = weights.reduce((s, w) => s + w, 0);
  const seq = new Uint8Array(total);
  const current = new Array<number>(weights.length).fill(0);
  for (let k = 0; k < total; k++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i] += weights[i];
      // Strictly greater: ties go to the lowest index, which makes equal weights plain round robin 0, 1, …, n−1.
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    seq[k] = best;
  }
  return seq;
}

/** An immutable validator set with its quorum arithmetic and proposer sequence. */
export class ValidatorSet {
  /** The validators in index order (index = `validatorIndex` in votes, 0 ≤ index < size ≤ 100). */
  readonly validators: readonly ConsensusValidator[];
  /** Sum of the weights (≤ 100 × 1,000,000). */
  readonly totalWeight: number;
  private readonly sequence: Uint8Array;
  private readonly indexByKey: Map<string, number>;

  /** Use {@link createValidatorSet}. */
  private constructor(validators: ConsensusValidator[], sequence: Uint8Array) {
    this.validators = validators;
    this.totalWeight = validators.reduce((s, v) => s + v.weight, 0);
    this.sequence = sequence;
    this.indexByKey = new Map(validators.map((v, i) => [toHexRaw(v.sessionKey), i]));
  }

  /** @internal Build from checked entries (see {@link createValidatorSet}). */
  static fromChecked(validators: ConsensusValidator[]): ValidatorSet {
    const g = validators.reduce((acc, v) => gcd(acc, v.weight), 0);
    const reduced = validators.map((v) => v.weight / g);
    const length = reduced.reduce((s, w) => s + w, 0);
    if (length > MAX_PROPOSER_SEQUENCE) {
      throw new ValidatorSetError(`total weight / gcd is ${length}, above the proposer sequence bound ${MAX_PROPOSER_SEQUENCE}`);
    }
    return new ValidatorSet(validators, proposerSequence(reduced));
  }

  /** Number of validators (1 ≤ size ≤ 100). */
  get size(): number {
    return this.validators.length;
  }

  /** Weight of validator `index`; 0 for an index outside the set. */
  weightOf(index: number): number {
    return this.validators[index]?.weight ?? 0;
  }

  /** Session key of validator `index`, or `undefined` outside the set. */
  publicKey(index: number): Uint8Array | undefined {
    return this.validators[index]?.sessionKey;
  }

  /** Index of the validator with `sessionKey`, or −1. */
  indexOf(sessionKey: Uint8Array): number {
    return this.indexByKey.get(toHexRaw(sessionKey)) ?? -1;
  }

  /** True when `weight` is strictly more than 2/3 of the total (a quorum, "2f+1"). */
  hasQuorum(weight: number): boolean {
    return 3 * weight > 2 * this.totalWeight;
  }

  /** True when `weight` is strictly more than 1/3 of the total ("f+1": it contains an honest validator). */
  exceedsOneThird(weight: number): boolean {
    return 3 * weight > this.totalWeight;
  }

  /** The largest faulty weight the set tolerates: the largest f with 3f < total. */
  get maxFaultyWeight(): number {
    return Math.trunc((this.totalWeight - 1) / 3);
  }

  /** Index of the proposer of (`height`, `round`): `sequence[(height + round) mod length]`. */
  proposer(height: number, round: number): number {
    return this.sequence[(height + round) % this.sequence.length];
  }
}

/** Check and build a validator set; throws {@link ValidatorSetError} on an empty, oversized or duplicated set. */
export function createValidatorSet(entries: readonly ValidatorEntry[]): ValidatorSet {
  if (entries.length === 0) throw new ValidatorSetError('a validator set needs at least one validator');
  if (entries.length > MAX_CONSENSUS_VALIDATORS) {
    throw new ValidatorSetError(`at most ${MAX_CONSENSUS_VALIDATORS} validators, got ${entries.length}`);
  }
  const seen = new Set<string>();
  const validators = entries.map((e, i): ConsensusValidator => {
    if (!(e.sessionKey instanceof Uint8Array) || e.sessionKey.length !== 32) {
      throw new ValidatorSetError(`validator ${i}: a session key is 32 bytes`);
    }
    const key = toHexRaw(e.sessionKey);
    if (seen.has(key)) throw new ValidatorSetError(`validator ${i}: duplicate session key 0x${key}`);
    seen.add(key);
    const weight = e.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 1 || weight > MAX_VALIDATOR_WEIGHT) {
      throw new ValidatorSetError(`validator ${i}: weight ${weight} is not an integer in 1..${MAX_VALIDATOR_WEIGHT}`);
    }
    return { sessionKey: e.sessionKey.slice(), weight };
  });
  return ValidatorSet.fromChecked(validators);
}
