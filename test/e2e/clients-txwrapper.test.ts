/**
 * Wallet compatibility, @substrate/txwrapper-core 7.5 (offline signing, as exchanges and custody tools use it)
 * against a real dev node process: the node is only read for metadata, genesis hash, runtime version and a recent
 * block; the transactions are built, signed and decoded offline with txwrapper's own @polkadot/types (14.x),
 * submitted as hex with `author_submitExtrinsic`, found in their block, and their events decoded with the
 * registry built from the node's metadata.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { construct, decode, defineMethod, getRegistryBase, type DecodedSigningPayload, type OptionsWithMeta, type UnsignedTransaction } from '@substrate/txwrapper-core';
import type { KeyringPair } from '@polkadot/keyring/types';
import { blake2AsHex } from '@polkadot/util-crypto';
import { u8aToHex } from '@polkadot/util';
import { CHAIN_RUNTIME_SPEC } from '../../src/chain/index.js';
import { killAllNodes, makeTempBasePath, NodeProcess, removeBasePath } from '../helpers/node-process.js';
import { RpcClient } from '../helpers/rpc-client.js';
import { devAccount, EVENTS_KEY_HEX, freshAccount, numberOf, readAccount, type HeaderJson, type SignedBlockJson } from './support.js';

/** What `dcn_transactionStatus` reports once a transaction is in a block. */
interface InBlock {
  status: 'inBlock' | 'finalized';
  blockHash: string;
  blockNumber: number;
  index: number;
}

/** An event record as txwrapper's registry decodes it (`Vec<EventRecord>` from the node's metadata). */
interface DecodedRecord {
  phase: { isApplyExtrinsic: boolean; asApplyExtrinsic: { toNumber(): number } };
  event: { section: string; method: string; data: { toJSON(): unknown } };
}

describe('@substrate/txwrapper-core 7.5 against a dev node process', () => {
  const basePath = makeTempBasePath('clients-txwrapper');
  let node: NodeProcess;
  let rpc: RpcClient;
  let alice: KeyringPair;
  let metadataRpc: `0x${string}`;
  let registry: ReturnType<typeof getRegistryBase>;
  let genesisHash: string;
  let specVersion: number;
  let transactionVersion: number;
  const ed = CHAIN_RUNTIME_SPEC.existentialDeposit;

  beforeAll(async () => {
    node = await NodeProcess.start({ basePath, blockTimeMs: 200 });
    rpc = await RpcClient.connect(node.wsUrl);
    alice = await devAccount('Alice');
    // Everything txwrapper needs, over plain JSON-RPC.
    const [metadata, genesis, version, properties] = await Promise.all([
      rpc.call<`0x${string}`>('state_getMetadata'),
      rpc.call<string>('chain_getBlockHash', [0]),
      rpc.call<{ specVersion: number; transactionVersion: number; specName: string }>('state_getRuntimeVersion'),
      rpc.call<Record<string, unknown>>('system_properties'),
    ]);
    metadataRpc = metadata;
    genesisHash = genesis;
    specVersion = version.specVersion;
    transactionVersion = version.transactionVersion;
    expect(version.specName).toBe(CHAIN_RUNTIME_SPEC.version.specName);
    registry = getRegistryBase({ chainProperties: properties, specTypes: {}, metadataRpc });
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

  /** The options every txwrapper call takes. */
  const options = (): OptionsWithMeta => ({ metadataRpc, registry });

  /** Sign offline: the signing payload through `ExtrinsicPayload` (method not length-prefixed), then the signed tx. */
  function signOffline(unsigned: UnsignedTransaction, pair: KeyringPair): string {
    const payload = registry.createType('ExtrinsicPayload', unsigned, { version: unsigned.version });
    const { signature } = payload.sign(pair);
    return construct.signedTx(unsigned, signature, options());
  }

  /** Wait until the node reports `hash` in a block (`dcn_transactionStatus`, polled once per block). */
  async function included(hash: string): Promise<InBlock> {
    const heads = await rpc.subscribe<HeaderJson>('chain_subscribeFinalizedHeads', [], 'chain_unsubscribeFinalizedHeads');
    try {
      for (let i = 0; i < 50; i++) {
        const s = await rpc.call<{ status: string }>('dcn_transactionStatus', [hash]);
        if (s.status === 'inBlock' || s.status === 'finalized') return s as InBlock;
        expect(['ready', 'future'], JSON.stringify(s)).toContain(s.status);
        await heads.next();
      }
      throw new Error(`${hash} not included after 50 blocks`);
    } finally {
      await heads.unsubscribe();
    }
  }

  /** The events of the extrinsic at `index` of block `at`, decoded with txwrapper's registry. */
  async function eventsOf(at: string, index: number): Promise<DecodedRecord[]> {
    const raw = await rpc.call<string>('state_getStorage', [EVENTS_KEY_HEX, at]);
    const records = registry.createType('Vec<EventRecord>', raw) as unknown as DecodedRecord[];
    return records.filter((r) => r.phase.isApplyExtrinsic && r.phase.asApplyExtrinsic.toNumber() === index);
  }

  it('builds a mortal transfer offline, signs it, submits it, and finds it executed in its block', async () => {
    const dest = await freshAccount();
    const amount = 42n * ed;
    const header = await rpc.call<HeaderJson>('chain_getHeader', [await rpc.call<string>('chain_getFinalizedHead')]);
    const blockHash = await rpc.call<string>('chain_getBlockHash', [numberOf(header)]);
    const nonce = await rpc.call<number>('system_accountNextIndex', [alice.address]);

    const unsigned = defineMethod(
      {
        address: alice.address,
        blockHash,
        blockNumber: numberOf(header),
        eraPeriod: 64,
        genesisHash,
        metadataRpc,
        nonce,
        specVersion,
        tip: 0,
        transactionVersion,
        method: { pallet: 'balances', name: 'transferKeepAlive', args: { dest: { id: dest.address }, value: amount.toString() } },
      },
      options(),
    );
    // The signing payload decodes back to what was defined.
    const payloadInfo = decode(construct.signingPayload(unsigned, { registry }), options()) as unknown as DecodedSigningPayload;
    expect(payloadInfo.method.pallet).toBe('balances');
    expect(payloadInfo.method.name).toBe('transferKeepAlive');
    expect(payloadInfo.method.args).toEqual({ dest: { id: dest.address }, value: amount.toString() });
    expect(payloadInfo.specVersion).toBe(specVersion);
    expect(payloadInfo.genesisHash).toBe(genesisHash);
    expect(payloadInfo.blockHash).toBe(blockHash);

    const signedTx = signOffline(unsigned, alice);
    const expectedHash = construct.txHash(signedTx);
    expect(expectedHash).toBe(blake2AsHex(signedTx, 256));

    // Decoded offline: signer, nonce, era, tip and call, as built.
    const decoded = decode(signedTx, options());
    expect(decoded.address).toBe(alice.address);
    expect(decoded.nonce).toBe(nonce);
    expect(decoded.tip).toBe(0);
    expect(decoded.eraPeriod).toBe(64);
    expect(decoded.method.pallet).toBe('balances');
    expect(decoded.method.name).toBe('transferKeepAlive');
    expect(decoded.method.args).toEqual({ dest: { id: dest.address }, value: amount.toString() });

    expect(await rpc.call('author_submitExtrinsic', [signedTx])).toBe(expectedHash);
    const at = await included(expectedHash);
    const block = await rpc.call<SignedBlockJson>('chain_getBlock', [at.blockHash]);
    expect(block.block.extrinsics[at.index]).toBe(signedTx);
    // The in-block bytes decode with txwrapper to the same transaction.
    expect(decode(block.block.extrinsics[at.index], options()).method.args).toEqual(decoded.method.args);

    const events = await eventsOf(at.blockHash, at.index);
    const names = events.map((r) => `${r.event.section}.${r.event.method}`);
    expect(names).toContain('balances.Transfer');
    expect(names.at(-1)).toBe('system.ExtrinsicSuccess');
    const transfer = events.find((r) => r.event.method === 'Transfer' && r.event.section === 'balances')!;
    expect(transfer.event.data.toJSON()).toEqual([alice.address, dest.address, Number(amount)]);
    expect((await readAccount(rpc, dest.publicKey, at.blockHash)).data.free).toBe(amount);
  });

  it('an immortal transaction with a tip and a signing payload over 256 bytes (signed as its blake2_256)', async () => {
    const nonce = await rpc.call<number>('system_accountNextIndex', [alice.address]);
    const remark = u8aToHex(new Uint8Array(300).map((_, i) => i % 251));
    const unsigned = defineMethod(
      {
        address: alice.address,
        // An immortal era is checked against the genesis hash.
        blockHash: genesisHash,
        blockNumber: 0,
        genesisHash,
        metadataRpc,
        nonce,
        specVersion,
        tip: 1_000_000,
        transactionVersion,
        method: { pallet: 'system', name: 'remarkWithEvent', args: { remark } },
      },
      { ...options(), isImmortalEra: true },
    );
    const payload = registry.createType('ExtrinsicPayload', unsigned, { version: unsigned.version });
    expect(payload.toU8a({ method: true }).length).toBeGreaterThan(256);
    const signedTx = signOffline(unsigned, alice);
    // txwrapper 7.5's decode of a signed tx reads the era with asMortalEra and throws for an immortal one (a
    // txwrapper limitation): decode with its registry directly.
    expect(() => decode(signedTx, options())).toThrow(/ImmortalEra/);
    const xt = registry.createType('Extrinsic', signedTx);
    expect(xt.era.isImmortalEra).toBe(true);
    expect(xt.tip.toNumber()).toBe(1_000_000);
    expect(xt.signer.toString()).toBe(alice.address);
    expect(`${xt.method.section}.${xt.method.method}`).toBe('system.remarkWithEvent');
    expect(xt.method.args[0].toHex()).toBe(remark);

    const hash = await rpc.call<string>('author_submitExtrinsic', [signedTx]);
    expect(hash).toBe(construct.txHash(signedTx));
    const at = await included(hash);
    const events = await eventsOf(at.blockHash, at.index);
    const names = events.map((r) => `${r.event.section}.${r.event.method}`);
    expect(names).toContain('system.Remarked');
    expect(names.at(-1)).toBe('system.ExtrinsicSuccess');
    const remarked = events.find((r) => r.event.method === 'Remarked')!.event.data.toJSON() as [string, string];
    expect(remarked[0]).toBe(alice.address);
    expect(remarked[1]).toBe(blake2AsHex(remark, 256));
    const paid = events.find((r) => r.event.method === 'TransactionFeePaid')!.event.data.toJSON() as [string, number, number];
    expect(paid[2]).toBe(1_000_000);
  });

  it('a transaction signed offline with the raw signingPayload bytes (the §3 pitfall) is refused as a bad signature', async () => {
    const nonce = await rpc.call<number>('system_accountNextIndex', [alice.address]);
    const unsigned = defineMethod(
      {
        address: alice.address,
        blockHash: genesisHash,
        blockNumber: 0,
        genesisHash,
        metadataRpc,
        nonce,
        specVersion,
        transactionVersion,
        method: { pallet: 'system', name: 'remark', args: { remark: '0x01' } },
      },
      { ...options(), isImmortalEra: true },
    );
    // construct.signingPayload is the ExtrinsicPayload SCALE with a length-prefixed method: not the signed bytes.
    const wrongBytes = construct.signingPayload(unsigned, { registry });
    const rightBytes = u8aToHex(registry.createType('ExtrinsicPayload', unsigned, { version: unsigned.version }).toU8a({ method: true }));
    expect(wrongBytes).not.toBe(rightBytes);
    const bad = construct.signedTx(unsigned, u8aToHex(alice.sign(wrongBytes, { withType: true })), options());
    await expect(rpc.call('author_submitExtrinsic', [bad])).rejects.toMatchObject({ code: 1010, data: expect.stringContaining('bad signature') });
    const good = construct.signedTx(unsigned, u8aToHex(alice.sign(rightBytes, { withType: true })), options());
    expect(await rpc.call('author_submitExtrinsic', [good])).toBe(construct.txHash(good));
    await included(construct.txHash(good));
  });
});
