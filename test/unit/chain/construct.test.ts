/**
 * The chain (src/chain) over the generic framework (src/runtime): the pallet list with its fixed indices, the
 * executive refusing a list it cannot run, and the executive running another list than this chain's (it names no
 * pallet of its own).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_RUNTIME_SPEC, constructRuntime, createChainRuntime, RuntimeGenesisConfigSchema, XFG } from '../../../src/chain/index.js';
import { coreApis } from '../../../src/runtime/apis.js';
import { Runtime, runtimeVersion } from '../../../src/runtime/runtime.js';
import { Overlay } from '../../../src/runtime/state.js';
import { EMPTY_STATE } from '../../../src/runtime/runtime.js';
import { EMPTY_TRIE_ROOT, Trie } from '../../../src/trie/index.js';
import { BalancesStorage } from '../../../src/pallets/balances/index.js';
import { TimestampStorage } from '../../../src/pallets/timestamp/index.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';

let k: DevKeys;
beforeAll(async () => {
  k = await devKeys();
});

describe('the chain', () => {
  it('lists every pallet once at its fixed index, and its genesis schema has a section for each pallet with genesis', () => {
    const runtime = createChainRuntime();
    expect(runtime.pallets.map((p) => [p.index, p.name])).toEqual([
      [0, 'System'], [1, 'Timestamp'], [2, 'Balances'], [3, 'TransactionPayment'], [4, 'ValidatorSet'], [5, 'Scheduler'], [6, 'Sudo'],
      [10, 'Udst'], [11, 'Oracle'], [12, 'Certificates'], [13, 'Banks'], [14, 'Loans'], [15, 'Auctions'],
    ]);
    expect(Object.keys(RuntimeGenesisConfigSchema.shape)).toEqual(['balances', 'validatorSet', 'sudo', 'udst', 'oracle', 'certificates', 'banks', 'loans']);
    // The version advertises exactly the APIs the runtime serves.
    expect(runtime.version.apis.length).toBe(runtime.apis.length);
    expect(runtime.apis.map((a) => a.name)).toEqual(['Core', 'Metadata', 'TaggedTransactionQueue', 'AccountNonceApi', 'TransactionPaymentApi', 'LoansApi', 'BanksApi']);
  });
});

describe('the framework', () => {
  it('refuses two pallets at one index, naming it', () => {
    const { definition } = constructRuntime(CHAIN_RUNTIME_SPEC);
    const twice = [...definition.pallets, definition.pallets[3]];
    expect(() => new Runtime({ ...definition, pallets: twice })).toThrow(/duplicate pallet index 3/);
  });

  it('refuses a timestamp inherent that is no call of its pallets', () => {
    const { definition } = constructRuntime(CHAIN_RUNTIME_SPEC);
    expect(() => new Runtime({ ...definition, timestamp: { ...definition.timestamp, call: 'tick' } })).toThrow(/Timestamp\.tick is no call/);
  });

  it('runs another pallet list than this chain\'s: the core pallets alone, with the core APIs', () => {
    const { definition } = constructRuntime(CHAIN_RUNTIME_SPEC);
    const apis = coreApis();
    const core = new Runtime({
      ...definition,
      version: runtimeVersion(CHAIN_RUNTIME_SPEC.version, apis),
      pallets: definition.pallets.filter((m) => m.pallet.index < 5),
      apis,
    });
    try {
      expect(core.pallets.map((p) => p.name)).toEqual(['System', 'Timestamp', 'Balances', 'TransactionPayment', 'ValidatorSet']);
      expect(core.pallet('Loans')).toBeUndefined();
      const alice = k.alice.publicKey;
      const changes = core.genesisChanges({
        balances: { balances: [[alice, 5n * XFG]] },
        validatorSet: { validators: [{ account: alice, sessionKey: alice, peerId: new Uint8Array() }] },
        // A section for a pallet this runtime does not have is no pallet's business.
        loans: { params: {} },
      });
      const genesis = new Overlay(EMPTY_STATE);
      for (const [key, value] of changes) if (value) genesis.set(key, value);
      expect(BalancesStorage.TotalIssuance.get(genesis)).toBe(5n * XFG);
      // A block with its timestamp inherent executes on the framework alone.
      const trie = Trie.empty({ get: () => undefined }).update(changes, 1).trie;
      const exec = core.beginBlock(genesis, { parentHash: new Uint8Array(32), number: 1, digest: { logs: [] } }, { verify: () => false });
      exec.initialize();
      const r = exec.applyExtrinsic(core.timestampInherent(1_700_000_000_000n), { enforceLimits: true });
      expect(r.ok).toBe(true);
      const sealed = exec.finalize(trie, { logs: [] });
      expect(sealed.header.stateRoot).not.toEqual(EMPTY_TRIE_ROOT);
      expect(TimestampStorage.Now.get(exec.state)).toBe(1_700_000_000_000n);
      expect(sealed.events.map((e) => `${e.event.tag}.${e.event.value.tag}`)).toEqual(['System.ExtrinsicSuccess']);
    } finally {
      // The outer event enum is bound per process: give it back to this chain's runtime.
      createChainRuntime();
    }
  });
});
