/**
 * The lending sections of the built-in chain specs: `dev` and `local` carry the community bank "Cascadia Commons"
 * (bioregion Cascadia, //Alice officer, members Alice, Bob, Charlie and Dave, 100,000 UDST of reserves minted at
 * genesis with their shares to Alice) and the default loan parameters; the spec schema refuses unknown parameters.
 */
import { describe, expect, it } from 'vitest';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { ChainSpecError, ChainSpecSchema, genesisConfigOf, loadChainSpec } from '../../../src/node/chain-spec.js';
import { createChainRuntime } from '../../../src/chain/index.js';
import { EMPTY_STATE } from '../../../src/runtime/runtime.js';
import { Overlay } from '../../../src/runtime/state.js';
import { BanksStorage } from '../../../src/pallets/banks/index.js';
import { DEFAULT_LOANS_PARAMS, LoansStorage } from '../../../src/pallets/loans/index.js';
import { UdstStorage } from '../../../src/pallets/udst/index.js';
import { defaultBankParams, defaultKindParams } from '../../../src/pallets/banks/params.js';

const runtime = createChainRuntime();
const U = 1_000_000n;
/** UDST each dev account (//Alice…//Ferdie) holds at genesis in the dev and local specs. */
const DEV_ACCOUNT_UDST = 10_000n * U;

describe.each(['dev', 'local'] as const)('chain spec %s', (chain) => {
  it('carries Cascadia Commons with //Alice as officer, four members and 100,000 UDST reserves whose shares are Alice\'s', async () => {
    await cryptoWaitReady();
    const kr = new Keyring({ type: 'sr25519' });
    const [alice, bob, charlie, dave, eve] = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve'].map((u) => kr.addFromUri(u).publicKey);
    const st = new Overlay(EMPTY_STATE);
    for (const [k, v] of runtime.genesisChanges(genesisConfigOf(loadChainSpec(chain)))) if (v) st.set(k, v);
    const bank = BanksStorage.Banks.get(st, 0)!;
    expect(bank).toMatchObject({ name: 'Cascadia Commons', bioregion: 'Cascadia', creditCeiling: 1_000_000n * U, reserves: 100_000n * U, totalShares: 100_000n * U, outstanding: 0n, memberCount: 4, officerCount: 1 });
    expect(bank.params).toEqual(defaultBankParams(6));
    expect(BanksStorage.NextBankId.get(st)).toBe(1);
    expect(BanksStorage.Members.get(st, 0, alice)).toEqual({ since: 0n, officer: true });
    for (const m of [bob, charlie, dave]) expect(BanksStorage.Members.get(st, 0, m)).toEqual({ since: 0n, officer: false });
    expect(BanksStorage.Members.contains(st, 0, eve)).toBe(false);
    expect(BanksStorage.Shares.get(st, 0, alice)).toBe(100_000n * U);
    expect(BanksStorage.Kinds.get(st, 0, { tag: 'General' })).toBeUndefined();
    expect((runtime.pallet('Banks') as unknown as { queries: { info: (s: unknown, b: number) => { kinds: Array<{ params: unknown }> } } }).queries.info(st, 0).kinds[3].params).toEqual(defaultKindParams(6));
    // The reserves, held outside accounts, and 10,000 UDST for each dev account (so a borrower can pay interest and
    // fees, README's walk-through): together the issuance baseline.
    expect(UdstStorage.TotalIssuance.get(st)).toBe(100_000n * U + 6n * DEV_ACCOUNT_UDST);
    expect(UdstStorage.Held.get(st)).toBe(100_000n * U);
    expect(BanksStorage.UnbackedIssuance.get(st)).toBe(100_000n * U + 6n * DEV_ACCOUNT_UDST);
    for (const who of [alice, bob, charlie, dave, eve]) expect(UdstStorage.Accounts.get(st, who).free).toBe(DEV_ACCOUNT_UDST);
    expect(LoansStorage.Params.get(st)).toEqual(DEFAULT_LOANS_PARAMS);
    for (const p of runtime.pallets) p.hooks.tryState?.(st);
  });
});

describe('spec schema of the lending sections', () => {
  const base = loadChainSpec('dev');
  const withConfig = (patch: Record<string, unknown>) => {
    const cfg = { ...(base.genesis as { runtimeGenesis: { config: Record<string, unknown> } }).runtimeGenesis.config, ...patch };
    return ChainSpecSchema.safeParse({ ...base, genesis: { runtimeGenesis: { config: cfg } } });
  };
  const alice = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
  const bank = { name: 'B', bioregion: 'R', creditCeiling: '5', officers: [alice], reservesHolder: alice };

  it('accepts specs without them, and banks with parameters and kinds', () => {
    expect(withConfig({ banks: undefined, loans: undefined }).success).toBe(true);
    const parsed = withConfig({ banks: { banks: [{ ...bank, params: { riskPremiumBps: '200' }, kinds: { Equipment: { baseRateBps: 900 } } }] }, loans: { params: { maxChecksPerBlock: 32 } } });
    expect(parsed.success).toBe(true);
    const g = genesisConfigOf(parsed.data!);
    const st = new Overlay(EMPTY_STATE);
    for (const [k, v] of runtime.genesisChanges(g)) if (v) st.set(k, v);
    expect(BanksStorage.Banks.get(st, 0)!.params.riskPremiumBps).toBe(200n);
    expect(BanksStorage.Kinds.get(st, 0, { tag: 'Equipment' })!.baseRateBps).toBe(900n);
    expect(LoansStorage.Params.get(st).maxChecksPerBlock).toBe(32n);
  });

  it('refuses a bank without officers, an unknown kind, an unknown parameter, and parameters out of bounds', () => {
    expect(withConfig({ banks: { banks: [{ ...bank, officers: [] }] } }).success).toBe(false);
    expect(withConfig({ banks: { banks: [{ ...bank, kinds: { Farming: {} } }] } }).success).toBe(false);
    const unknownParam = withConfig({ banks: { banks: [{ ...bank, params: { interest: '1' } }] } });
    expect(() => genesisConfigOf(unknownParam.data!)).toThrow(ChainSpecError);
    const outOfBounds = genesisConfigOf(withConfig({ banks: { banks: [{ ...bank, params: { leverageCapBps: '1' } }] } }).data!);
    expect(() => runtime.genesisChanges(outOfBounds)).toThrow(/leverageCapBps/);
    const inconsistent = genesisConfigOf(withConfig({ loans: { params: { hardFloorRatioBps: '11500' } } }).data!);
    expect(() => runtime.genesisChanges(inconsistent)).toThrow(/hardFloor/);
  });
});
