/**
 * This chain's fixed parameters: runtime version, tokens, fees and block limits, and the accounts the chain itself
 * owns. Governance-adjustable parameters live in pallet storage; these are the ones a runtime upgrade would change.
 */
import { utf8 } from '../primitives/bytes.js';
import type { RuntimeVersion } from '../primitives/types.js';
import type { BlockLimits } from '../runtime/runtime.js';
import type { FeeConfig } from '../pallets/transaction-payment/index.js';
import type { TokenDecimals } from '../pallets/oracle/math.js';
import { UDST_DECIMALS } from '../pallets/udst/types.js';

/** XFG has 12 decimals: one XFG in base units. */
export const XFG = 1_000_000_000_000n;

/**
 * Decimals of the two tokens: XFG 12 ({@link XFG}), UDST 6. `chain-spec.json` `properties.tokenDecimals` states the
 * same pair (checked by a test).
 */
export const TOKEN_DECIMALS: TokenDecimals = { xfg: 12, udst: UDST_DECIMALS };

/** PalletId of the treasury, turned into its account like FRAME's `into_account_truncating`. */
export const TREASURY_ACCOUNT: Uint8Array = (() => {
  const out = new Uint8Array(32);
  out.set(utf8('modlpy/trsry'));
  return out;
})();

/** The parameters a chain runtime is built with. */
export interface ChainRuntimeSpec {
  /** The version; its `apis` are those the chain lists. */
  version: Omit<RuntimeVersion, 'apis'>;
  ss58Prefix: number;
  existentialDeposit: bigint;
  fees: FeeConfig;
  limits: BlockLimits;
}

/** The runtime spec of this chain. */
export const CHAIN_RUNTIME_SPEC: ChainRuntimeSpec = {
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
