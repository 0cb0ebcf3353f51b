/**
 * The credit sections of the shipped chain specs (`dev`, `local`): three feeders with a fed price of 0.5 UDST per
 * XFG, minimum two, a 10-minute lifetime and bounds; decimals in `properties` matching the runtime's; the sections
 * validated by the spec schema; and the genesis state they produce, with every pallet's invariants.
 */
import { describe, expect, it } from 'vitest';
import { EnsureRoot } from '../../../src/runtime/dispatch.js';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { ChainSpecSchema, genesisConfigOf, loadChainSpec } from '../../../src/node/chain-spec.js';
import { createOracle, GENESIS_FED_AT, OracleStorage } from '../../../src/pallets/oracle/index.js';
import { PRICE_ONE } from '../../../src/pallets/oracle/math.js';
import { UdstStorage } from '../../../src/pallets/udst/index.js';
import { CertificatesStorage } from '../../../src/pallets/certificates/index.js';
import { createChainRuntime, TOKEN_DECIMALS } from '../../../src/chain/index.js';
import { EMPTY_STATE } from '../../../src/runtime/runtime.js';
import { Overlay } from '../../../src/runtime/state.js';

const runtime = createChainRuntime();

/** The dev/local community bank's genesis reserves: 100,000 UDST. */
const GENESIS_BANK_RESERVES = 100_000_000_000n;

function genesisState(chain: 'dev' | 'local'): Overlay {
  const st = new Overlay(EMPTY_STATE);
  for (const [key, value] of runtime.genesisChanges(genesisConfigOf(loadChainSpec(chain)))) if (value) st.set(key, value);
  return st;
}

describe.each(['dev', 'local'] as const)('chain spec %s', (chain) => {
  it('names //Alice, //Bob and //Charlie as feeders with 0.5 UDST per XFG fed at genesis, min 2, 10 minutes, bounds 0.01–100', async () => {
    await cryptoWaitReady();
    const kr = new Keyring({ type: 'sr25519' });
    const [a, b, c] = ['//Alice', '//Bob', '//Charlie'].map((u) => kr.addFromUri(u).publicKey);
    const st = genesisState(chain);
    expect(OracleStorage.Feeders.get(st)).toEqual([a, b, c]);
    expect(OracleStorage.Params.get(st)).toEqual({ priceLifetimeMs: 600_000n, minFeeders: 2, priceMin: PRICE_ONE / 100n, priceMax: PRICE_ONE * 100n });
    for (const f of [a, b, c]) expect(OracleStorage.Values.get(st, f)).toEqual({ price: PRICE_ONE / 2n, at: GENESIS_FED_AT });
    expect(createOracle({ adminOrigin: EnsureRoot }).oracle.peekPrice(st)).toBe(PRICE_ONE / 2n);
    // UDST at genesis: the community bank's reserves (Banks genesis), held outside accounts, and 10,000 UDST for each
    // of the six dev accounts.
    expect(UdstStorage.TotalIssuance.get(st)).toBe(GENESIS_BANK_RESERVES + 6n * 10_000n * 1_000_000n);
    expect(UdstStorage.Held.get(st)).toBe(GENESIS_BANK_RESERVES);
    expect(CertificatesStorage.NextId.get(st)).toBe(0n);
    for (const p of runtime.pallets) p.hooks.tryState?.(st);
  });

  it('declares the token decimals the runtime uses (XFG, UDST)', () => {
    const props = loadChainSpec(chain).properties!;
    expect(props.tokenSymbol).toEqual(['XFG', 'UDST']);
    expect(props.tokenDecimals).toEqual([TOKEN_DECIMALS.xfg, TOKEN_DECIMALS.udst]);
  });
});

describe('spec schema of the credit sections', () => {
  const base = loadChainSpec('dev');
  const withConfig = (patch: Record<string, unknown>) => {
    const cfg = { ...(base.genesis as { runtimeGenesis: { config: Record<string, unknown> } }).runtimeGenesis.config, ...patch };
    return ChainSpecSchema.safeParse({ ...base, genesis: { runtimeGenesis: { config: cfg } } });
  };

  it('accepts specs without them (all optional)', () => {
    expect(withConfig({ udst: undefined, oracle: undefined, certificates: undefined }).success).toBe(true);
  });

  it('refuses a fractional amount, too many feeders, a min_feeders above the maximum', () => {
    expect(withConfig({ udst: { balances: [['5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY', '1.5']] } }).success).toBe(false);
    expect(withConfig({ oracle: { feeders: Array.from({ length: 33 }, () => '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY') } }).success).toBe(false);
    expect(withConfig({ oracle: { feeders: [], params: { minFeeders: 33 } } }).success).toBe(false);
  });

  it('maps genesis certificates and UDST balances, which the pallets then apply', () => {
    const alice = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
    const parsed = withConfig({ udst: { balances: [[alice, '7000000']] }, certificates: { certificates: [{ owner: alice, xfg: '5000000000000' }] } });
    expect(parsed.success).toBe(true);
    const g = genesisConfigOf(parsed.data!);
    const st = new Overlay(EMPTY_STATE);
    for (const [key, value] of runtime.genesisChanges(g)) if (value) st.set(key, value);
    expect(UdstStorage.TotalIssuance.get(st)).toBe(7_000_000n + GENESIS_BANK_RESERVES);
    expect(CertificatesStorage.Certificates.get(st, 0n)).toMatchObject({ xfg: 5_000_000_000_000n, lockedAt: 0n, valueAtLock: 2_500_000n });
    for (const p of runtime.pallets) p.hooks.tryState?.(st);
  });
});
