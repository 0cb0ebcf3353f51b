/**
 * Simulation parameters and their derivation from a seed: one seed fixes the validator set, the faulty validators,
 * the network's faults before GST, crashes, partitions and the target height, so a failing seed replays exactly.
 */
import type { TimeoutConfig } from '../../src/consensus/types.js';
import { Prng } from './prng.js';

/** How a faulty validator misbehaves. */
export type ByzantineKind =
  /** Two engines with the same key (each with its own WAL): it equivocates whenever they see different things. */
  | 'twin'
  /** Never up. */
  | 'silent'
  /** Proposes invalid blocks and reports every proposal valid (so it prevotes and precommits invalid blocks). */
  | 'badBlocks';

/** A crash of an honest validator before GST, restarted from its WAL and its committed chain. */
export interface CrashPlan {
  /** Validator index (0 ≤ node < validators). */
  node: number;
  /** Virtual time of the crash (ms). */
  at: number;
  /** Downtime (ms); the restart happens at GST at the latest. */
  downFor: number;
  /** Crash right after the next WAL write, before the message is sent (instead of at `at` exactly). */
  afterWal: boolean;
}

/** A network partition before GST: messages between different groups are dropped while it lasts. */
export interface PartitionPlan {
  /** Start and end of the partition (ms, end ≤ GST). */
  from: number;
  until: number;
  /** Group of each endpoint id (validators 0..n−1, twin copies n, n+1, …); only group equality matters. */
  groupOf: number[];
}

/** Everything a simulation run depends on. */
export interface SimParams {
  seed: number;
  /** Number of validators, 1 ≤ n ≤ 100. */
  validators: number;
  /** Weight of each validator (1 ≤ w). */
  weights: number[];
  /** Faulty validators; their total weight is below 1/3 unless a test says otherwise. */
  byzantine: { index: number; kind: ByzantineKind }[];
  /** Before GST, a twin's first copy reaches only one part of the others and its second copy only the rest. */
  twinSplit: boolean;
  crashes: CrashPlan[];
  partitions: PartitionPlan[];
  /** Message loss before GST, 0..100 %. */
  lossPercent: number;
  /**
   * Extra loss of precommits before GST, 0..100 %: leaves some validators with a commit and the others without,
   * moving on to later rounds, which is where a broken lock or a forgotten vote turns into a fork.
   */
  precommitLossPercent: number;
  /**
   * Extra loss before GST per directed link (`linkLossPercent[from][to]`, 0..100 %, endpoints as in partitions): some
   * validators stay blind to others for a while, as on a real network with a few bad routes.
   */
  linkLossPercent: number[][];
  /** Chance that a message is delivered twice, 0..100 % (all the time). */
  duplicatePercent: number;
  /** Largest delay before GST (ms, ≥ 1). */
  maxDelayBeforeGstMs: number;
  /** Largest delay after GST: the known bound Δ (ms, ≥ 1). */
  maxDelayAfterGstMs: number;
  /** Global stabilisation time (ms): afterwards no loss, no partitions, every honest validator up. */
  gstMs: number;
  /** Every honest validator must commit this many blocks (1 ≤ target ≤ 2^16). */
  targetHeight: number;
  /** `mac` (fast keyed hash) or `ed25519` (real signatures). */
  crypto: 'mac' | 'ed25519';
  timeouts: TimeoutConfig;
}

/** Timeouts of simulated validators: small, growing per round, and long against Δ ≤ 50 ms after GST. */
export const SIM_TIMEOUTS: TimeoutConfig = {
  proposeMs: 400,
  proposeDeltaMs: 100,
  prevoteMs: 200,
  prevoteDeltaMs: 50,
  precommitMs: 200,
  precommitDeltaMs: 50,
  gossipMs: 300,
  maxMs: 10_000,
};

/** What a caller can fix instead of letting the seed choose. */
export type ScenarioOverrides = Partial<Omit<SimParams, 'seed'>>;

/**
 * The parameters of `seed`. `overrides` replace what the seed would choose; the structural ones (validators,
 * weights, byzantine, GST) are applied before the choices that depend on them (crashes of honest validators,
 * partitions and links over every endpoint), so any override yields a consistent scenario.
 */
export function scenarioFromSeed(seed: number, overrides: ScenarioOverrides = {}): SimParams {
  const rng = new Prng(seed);
  const n = overrides.validators ?? rng.pick([4, 4, 4, 4, 5, 6, 7]);
  const seededWeights = rng.percent(20) ? Array.from({ length: n }, () => rng.int(1, 3)) : new Array<number>(n).fill(1);
  const weights = overrides.weights ?? seededWeights;
  const total = weights.reduce((s, w) => s + w, 0);
  // The largest f with 3f < total: the faulty weight the protocol tolerates.
  const budget = Math.trunc((total - 1) / 3);

  const seededByzantine: SimParams['byzantine'] = [];
  let faulty = 0;
  for (const index of rng.shuffle(Array.from({ length: n }, (_, i) => i))) {
    if (faulty + weights[index] > budget || !rng.percent(60)) continue;
    faulty += weights[index];
    seededByzantine.push({ index, kind: rng.pick<ByzantineKind>(['twin', 'twin', 'silent', 'badBlocks']) });
  }
  const byzantine = overrides.byzantine ?? seededByzantine;

  const seededGst = rng.int(0, 6000);
  const gstMs = overrides.gstMs ?? seededGst;
  const honest = Array.from({ length: n }, (_, i) => i).filter((i) => !byzantine.some((b) => b.index === i));
  const crashes: CrashPlan[] = [];
  const crashCount = gstMs === 0 || honest.length === 0 ? 0 : rng.int(0, n);
  for (let k = 0; k < crashCount; k++) {
    crashes.push({ node: rng.pick(honest), at: rng.int(0, gstMs), downFor: rng.int(50, 2500), afterWal: rng.percent(30) });
  }

  // Endpoints: the validators, then the second copy of each twin.
  const endpoints = n + byzantine.filter((b) => b.kind === 'twin').length;
  const partitions: PartitionPlan[] = [];
  // Mostly a couple of long partitions; sometimes a storm of short ones that cut rounds in different places.
  const storm = rng.percent(30);
  const partitionCount = gstMs === 0 ? 0 : storm ? rng.int(5, 30) : rng.int(0, 2);
  for (let k = 0; k < partitionCount; k++) {
    const from = rng.int(0, gstMs);
    const until = Math.min(gstMs, from + (storm ? rng.int(50, 600) : rng.int(200, 3000)));
    partitions.push({ from, until, groupOf: Array.from({ length: endpoints }, () => rng.int(0, 1)) });
  }
  const badLinks = rng.percent(40);
  const linkLossPercent = Array.from({ length: endpoints }, () =>
    Array.from({ length: endpoints }, () => (badLinks && rng.percent(30) ? rng.pick([50, 90, 100]) : 0)),
  );

  return {
    seed,
    validators: n,
    weights,
    byzantine,
    twinSplit: rng.percent(50),
    crashes,
    partitions,
    lossPercent: rng.pick([0, 5, 10, 20, 40]),
    precommitLossPercent: rng.pick([0, 0, 30, 60, 90]),
    linkLossPercent,
    duplicatePercent: rng.pick([0, 5, 20]),
    maxDelayBeforeGstMs: rng.pick([20, 100, 500, 1500]),
    maxDelayAfterGstMs: rng.int(5, 50),
    gstMs,
    targetHeight: rng.int(3, 7),
    crypto: 'mac',
    timeouts: SIM_TIMEOUTS,
    ...overrides,
  };
}

/** No faults before GST beyond the faulty validators: for controlled scenarios. */
export const CALM_NETWORK: ScenarioOverrides = {
  crashes: [],
  partitions: [],
  lossPercent: 0,
  precommitLossPercent: 0,
  linkLossPercent: [],
  duplicatePercent: 0,
};

/** A one-line description of `p` for failure reports. */
export function describeParams(p: SimParams): string {
  const byz = p.byzantine.map((b) => `${b.index}:${b.kind}`).join(',') || 'none';
  const weights = p.weights.every((w) => w === 1) ? '' : ` weights=[${p.weights.join(',')}]`;
  return (
    `seed=${p.seed} n=${p.validators}${weights} byzantine=${byz}${p.twinSplit ? ' twinSplit' : ''} crashes=${p.crashes.length}` +
    ` partitions=${p.partitions.length} badLinks=${p.linkLossPercent.flat().filter((x) => x > 0).length} loss=${p.lossPercent}%${p.precommitLossPercent > 0 ? ` precommitLoss=${p.precommitLossPercent}%` : ''} dup=${p.duplicatePercent}% delay<=${p.maxDelayBeforeGstMs}ms` +
    ` Δ=${p.maxDelayAfterGstMs}ms gst=${p.gstMs}ms target=${p.targetHeight} crypto=${p.crypto}`
  );
}
