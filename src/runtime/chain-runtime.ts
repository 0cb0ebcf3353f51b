/**
 * This chain's runtime parameters: version, token, fees and block limits. Governance-adjustable parameters live
 * in pallet storage; these are the fixed ones a runtime upgrade would change.
 */
import { Runtime, type RuntimeSpec } from './runtime.js';
import { CHAIN_INVARIANTS } from '../chain/invariants.js';

/** XFG has 12 decimals: one XFG in base units. */
export const XFG = 1_000_000_000_000n;

/** The runtime spec of this chain. */
export const CHAIN_RUNTIME_SPEC: RuntimeSpec = {
  version: {
    specName: 'dcn',
    implName: 'dcn-node',
    authoringVersion: 1,
    specVersion: 100,
    implVersion: 1,
    transactionVersion: 1,
    systemVersion: 1,
  },
  ss58Prefix: 42,
  // 0.01 XFG keeps dust accounts out of state.
  existentialDeposit: XFG / 100n,
  fees: {
    // 100 µs of base work per extrinsic.
    baseExtrinsicWeight: 100_000_000n,
    // 1 base unit per 10 ps of weight: a transfer's weight costs 0.00003 XFG.
    weightFeeNumerator: 1n,
    weightFeeDenominator: 10n,
    // 0.000001 XFG per byte.
    byteFee: 1_000_000n,
    treasuryShareBps: 8_000n,
  },
  limits: {
    // 2 s of weight per block; a transfer is 0.3 ms, so about 5,000 transfers fit the normal share.
    maxBlockRefTime: 2_000_000_000_000n,
    maxBlockLength: 5 * 1024 * 1024,
    normalRatioBps: 7_500n,
  },
};

/**
 * Build this chain's runtime, advertising its runtime APIs in `RuntimeVersion.apis`, with the chain's cross-pallet
 * identities as its invariants (`spec` overrides the fixed parameters, e.g. smaller block limits in tests).
 */
export function createChainRuntime(spec: RuntimeSpec = CHAIN_RUNTIME_SPEC): Runtime {
  return new Runtime(spec, { invariants: CHAIN_INVARIANTS });
}
