/**
 * Wallet compatibility, polkadot-api 2.2 against a real dev node process, through its two WebSocket providers:
 * - `getWsProvider` (the default): it reads `rpc_methods` and, when the node lists no `chainHead_v1_*`, emulates
 *   the new JSON-RPC spec over the legacy methods; when it does, it speaks the new spec;
 * - `getWsRawProvider`: the new spec only (`chainHead_v1_*`, `transaction_v1_*`, `chainSpec_v1_*`), no fallback.
 * The same scenario runs on both, through the unsafe API (no generated descriptors, as a generic wallet does):
 * chain spec, storage reads checked against the raw JSON-RPC, entries, constants, runtime APIs, fee estimate
 * against the fee charged, a signed transfer watched to finalized with its events, a storage watch, and a failing
 * call's `System.ExtrinsicFailed` decoded to the pallet error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type PolkadotClient } from 'polkadot-api';
import { getWsProvider, getWsRawProvider } from 'polkadot-api/ws';
import { getPolkadotSigner, type PolkadotSigner } from 'polkadot-api/signer';
import { firstValueFrom, filter, lastValueFrom, toArray, type Observable } from 'rxjs';
import type { KeyringPair } from '@polkadot/keyring/types';
import { u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import { CHAIN_RUNTIME_SPEC } from '../../src/chain/index.js';
import { SystemStorage } from '../../src/pallets/system/index.js';
import { fundAccounts, isNewSpecMethod, LegacyOnlyWebSocket } from '../helpers/clients.js';
import { killAllNodes, makeTempBasePath, NodeProcess, removeBasePath } from '../helpers/node-process.js';
import { RpcClient, withTimeout } from '../helpers/rpc-client.js';
import { allKeys, devAccount, freshAccount, readAccount, type SignedBlockJson } from './support.js';

/** A PAPI event as the unsafe API flattens it: pallet in `type`, event in `value.type`, fields in `value.value`. */
interface PapiEvent {
  type: string;
  value: { type: string; value: Record<string, unknown> };
}

/** What a finalized `signSubmitAndWatch` reported. */
interface Finalized {
  ok: boolean;
  events: PapiEvent[];
  block: { hash: string; number: number; index: number };
  dispatchError?: { type: string; value: unknown };
  txHash: string;
}

/** PAPI's signer for an sr25519 keyring pair. */
function signerOf(pair: KeyringPair): PolkadotSigner {
  return getPolkadotSigner(pair.publicKey, 'Sr25519', (m) => pair.sign(m));
}

/** `type.value.type` names of events, e.g. `Balances.Transfer`. */
function names(events: readonly PapiEvent[]): string[] {
  return events.map((e) => `${e.type}.${e.value.type}`);
}

/** How a provider reaches the node, and which family of methods it must be seen using on the wire. */
interface Mode {
  make(url: string, onSent: (method: string) => void): ReturnType<typeof getWsProvider>;
  /** `legacy`: only legacy methods go out; `newSpec`: chainHead_v1_follow does. */
  expects: 'legacy' | 'newSpec';
  /** Runs only when the node lists the new-spec methods. */
  needsNewSpec: boolean;
}

/** A ws-provider logger that reports the method of every request sent. */
function sentMethods(onSent: (method: string) => void) {
  return (log: { type: string; msg?: unknown }) => {
    if (log.type !== 'OUT' || typeof log.msg !== 'string') return;
    const m = JSON.parse(log.msg) as { method?: unknown };
    if (typeof m.method === 'string') onSent(m.method);
  };
}

const MODES: Record<string, Mode> = {
  // Node 20 has no global WebSocket: PAPI gets the `ws` class.
  'getWsProvider, default (the new spec, the node lists it)': {
    make: (url, onSent) => getWsProvider(url, { websocketClass: WebSocket as never, logger: sentMethods(onSent) as never }),
    expects: 'newSpec',
    needsNewSpec: true,
  },
  'getWsProvider against the legacy RPC only (rpc_methods without *_v1_*: its legacy shim)': {
    make: (url, onSent) => getWsProvider(url, { websocketClass: LegacyOnlyWebSocket as never, logger: sentMethods(onSent) as never }),
    expects: 'legacy',
    needsNewSpec: false,
  },
  'getWsRawProvider (the new JSON-RPC spec only, no fallback)': {
    make: (url, onSent) => getWsRawProvider(url, { websocketClass: WebSocket as never, logger: sentMethods(onSent) as never }),
    expects: 'newSpec',
    needsNewSpec: true,
  },
};

describe('polkadot-api 2.2 against a dev node process', () => {
  const basePath = makeTempBasePath('clients-papi');
  let node: NodeProcess;
  let rpc: RpcClient;
  let methods: string[];
  let alice: KeyringPair;
  let bob: KeyringPair;
  const ed = CHAIN_RUNTIME_SPEC.existentialDeposit;

  beforeAll(async () => {
    node = await NodeProcess.start({ basePath, blockTimeMs: 200 });
    rpc = await RpcClient.connect(node.wsUrl);
    methods = (await rpc.call<{ methods: string[] }>('rpc_methods')).methods;
    alice = await devAccount('Alice');
    bob = await devAccount('Bob');
  });

  afterAll(async () => {
    try {
      await rpc?.close();
      await node?.stop();
    } finally {
      await killAllNodes();
      removeBasePath(basePath);
    }
  });

  describe.each(Object.entries(MODES))('%s', (label, mode) => {
    let client: PolkadotClient;
    const sent = new Set<string>();
    // The unsafe API is untyped (no descriptors): calls are checked against the node at run time.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let api: any;
    let sender: KeyringPair;
    let poor: KeyringPair;

    beforeAll(async () => {
      if (mode.needsNewSpec && !methods.includes('chainHead_v1_follow')) {
        throw new Error('the node does not list chainHead_v1_follow in rpc_methods: the new-spec (v1) methods are not registered (src/rpc/methods/index.ts)');
      }
      client = createClient(mode.make(node.wsUrl, (m) => sent.add(m)));
      api = client.getUnsafeApi();
      sender = await freshAccount();
      poor = await freshAccount();
      await fundAccounts(rpc, alice, [sender.publicKey], 1000n * ed);
      await fundAccounts(rpc, alice, [poor.publicKey], 10n * ed);
    });

    afterAll(() => {
      client?.destroy();
    });

    it('chain spec data and the finalized block match the node', async () => {
      const spec = await withTimeout(client.getChainSpecData(), 20_000, `${label}: chain spec data`);
      expect(spec.genesisHash).toBe(await rpc.call('chain_getBlockHash', [0]));
      expect((spec.properties as { ss58Format?: number }).ss58Format).toBe(42);
      const fin = await client.getFinalizedBlock();
      expect(fin.number).toBeGreaterThan(0);
      expect(await rpc.call('chain_getBlockHash', [fin.number])).toBe(fin.hash);
      const header = await client.getBlockHeader(fin.hash);
      expect(header.number).toBe(fin.number);
      expect(header.parentHash).toBe(fin.parent);
    });

    it('System.Account: getValue at a block equals the raw storage; getEntries lists every account', async () => {
      const fin = await client.getFinalizedBlock();
      const value = await api.query.System.Account.getValue(alice.address, { at: fin.hash });
      const raw = await readAccount(rpc, alice.publicKey, fin.hash);
      expect(value.nonce).toBe(raw.nonce);
      expect(value.providers).toBe(raw.providers);
      expect(value.data.free).toBe(raw.data.free);
      expect(value.data.reserved).toBe(raw.data.reserved);
      expect(value.data.frozen).toBe(raw.data.frozen);

      const entries: Array<{ keyArgs: [string]; value: { data: { free: bigint } } }> = await api.query.System.Account.getEntries({ at: fin.hash });
      const keys = await allKeys(rpc, u8aToHex(SystemStorage.Account.prefix), fin.hash);
      expect(entries).toHaveLength(keys.length);
      const byAddress = new Map(entries.map((e) => [e.keyArgs[0], e.value.data.free]));
      expect(byAddress.get(alice.address)).toBe(raw.data.free);
      expect(byAddress.get(sender.address)).toBe(1000n * ed);
      // An account nobody funded reads as the default.
      expect((await api.query.System.Account.getValue((await freshAccount()).address)).data.free).toBe(0n);
    });

    it('constants and runtime APIs', async () => {
      expect(await api.constants.Balances.ExistentialDeposit()).toBe(ed);
      expect(await api.constants.System.SS58Prefix()).toBe(CHAIN_RUNTIME_SPEC.ss58Prefix);
      const version = await api.constants.System.Version();
      expect(version.spec_name).toBe(CHAIN_RUNTIME_SPEC.version.specName);
      expect(version.spec_version).toBe(CHAIN_RUNTIME_SPEC.version.specVersion);
      expect(version.transaction_version).toBe(CHAIN_RUNTIME_SPEC.version.transactionVersion);
      expect(await api.apis.AccountNonceApi.account_nonce(alice.address)).toBe(await rpc.call('system_accountNextIndex', [alice.address]));
      expect(await api.apis.AccountNonceApi.account_nonce(sender.address)).toBe(0);
    });

    it('signSubmitAndWatch a transfer_keep_alive to finalized: estimated fee = fee charged, events, storage watch', async () => {
      const amount = 3n * ed;
      const dest = await freshAccount();
      const tx = api.tx.Balances.transfer_keep_alive({ dest: { type: 'Id', value: dest.address }, value: amount });
      const estimate: bigint = await tx.getEstimatedFees(sender.address);
      expect(estimate).toBeGreaterThan(0n);

      // Watch the recipient's account on finalized blocks: it must end at `amount`.
      const watched = firstValueFrom((api.query.System.Account.watchValue(dest.address) as Observable<{ value: { data: { free: bigint } } }>).pipe(filter((v) => v.value.data.free === amount)));

      const all = await withTimeout(lastValueFrom((tx.signSubmitAndWatch(signerOf(sender)) as Observable<{ type: string } & Partial<Finalized>>).pipe(toArray())), 30_000, `${label}: the transfer to be finalized`);
      const types = all.map((e) => e.type);
      expect(types[0]).toBe('signed');
      expect(types).toContain('broadcasted');
      expect(types[types.length - 1]).toBe('finalized');
      const found = all.find((e) => e.type === 'txBestBlocksState' && (e as { found?: boolean }).found === true);
      expect(found, 'txBestBlocksState found: true').toBeDefined();
      const fin = all[all.length - 1] as Finalized & { type: string };
      expect(fin.txHash).toBe(all[0].txHash);
      expect(fin.ok).toBe(true);
      expect(fin.dispatchError).toBeUndefined();
      expect(names(fin.events)).toContain('Balances.Transfer');
      expect(names(fin.events).at(-1)).toBe('System.ExtrinsicSuccess');
      const transfer = fin.events.find((e) => e.type === 'Balances' && e.value.type === 'Transfer')!.value.value;
      expect(transfer).toEqual({ from: sender.address, to: dest.address, amount });
      const paid = fin.events.find((e) => e.type === 'TransactionPayment' && e.value.type === 'TransactionFeePaid')!.value.value;
      expect(paid.actual_fee).toBe(estimate);
      expect(paid.tip).toBe(0n);

      // The block PAPI names holds the transaction at that index, and is the chain's block at that height.
      expect(await rpc.call('chain_getBlockHash', [fin.block.number])).toBe(fin.block.hash);
      const block = await rpc.call<SignedBlockJson>('chain_getBlock', [fin.block.hash]);
      expect(blake2AsHex(block.block.extrinsics[fin.block.index], 256)).toBe(fin.txHash);

      expect((await withTimeout(watched, 20_000, 'the storage watch to see the transfer')).value.data.free).toBe(amount);
      const after = await readAccount(rpc, sender.publicKey, fin.block.hash);
      expect(after.nonce).toBe(1);
      expect(after.data.free).toBe(1000n * ed - amount - estimate);
    });

    it('a failing call: ok false, System.ExtrinsicFailed decoded to Module → Balances → InsufficientBalance', async () => {
      const tx = api.tx.Balances.transfer_allow_death({ dest: { type: 'Id', value: bob.address }, value: 1_000_000n * ed });
      const r: Finalized = await withTimeout(tx.signAndSubmit(signerOf(poor)), 30_000, `${label}: the failing call to be finalized`);
      expect(r.ok).toBe(false);
      const expected = { type: 'Module', value: { type: 'Balances', value: { type: 'InsufficientBalance' } } };
      expect(r.dispatchError).toEqual(expected);
      const failed = r.events.find((e) => e.type === 'System' && e.value.type === 'ExtrinsicFailed');
      expect(failed, names(r.events).join(', ')).toBeDefined();
      expect(failed!.value.value.dispatch_error).toEqual(expected);
      expect(names(r.events)).not.toContain('Balances.Transfer');
      // The sender paid the fee and nothing else.
      expect((await readAccount(rpc, poor.publicKey, r.block.hash)).data.free).toBeLessThan(10n * ed);
      expect((await readAccount(rpc, bob.publicKey, r.block.hash)).data.free).toBe((await readAccount(rpc, bob.publicKey, (await rpc.call<{ parentHash: string }>('chain_getHeader', [r.block.hash])).parentHash)).data.free);
    });

    /** Last in the mode: over all the tests above, the provider spoke the family of methods the mode is about. */
    it('used the expected family of JSON-RPC methods on the wire', () => {
      const newSpec = [...sent].filter(isNewSpecMethod);
      if (mode.expects === 'legacy') {
        expect(newSpec).toEqual([]);
        expect([...sent]).toEqual(expect.arrayContaining(['chain_subscribeFinalizedHeads', 'state_call', 'author_submitExtrinsic']));
      } else {
        expect(newSpec).toEqual(expect.arrayContaining(['chainHead_v1_follow', 'chainHead_v1_storage', 'chainHead_v1_call']));
        expect(newSpec.some((m) => m.startsWith('transaction'))).toBe(true);
      }
    });
  });
});
