/**
 * The replay engine and block import in-process, over a real LevelDB chain of signed transfers: every kind of
 * divergence is named with its block, and import refuses what does not extend the head.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAddress, initCrypto } from '../../../src/crypto/keys.js';
import { SignatureVerifier } from '../../../src/crypto/verifier-pool.js';
import { toHex } from '../../../src/primitives/bytes.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { BodyCodec, HeaderCodec, type Header } from '../../../src/primitives/types.js';
import { SystemStorage } from '../../../src/pallets/system/index.js';
import { XFG } from '../../../src/chain/index.js';
import { createChainHost } from '../../../src/chain/host.js';
import { CODE_KEY } from '../../../src/runtime/storage.js';
import { BlockImportRefused, importBlocks, type BlockToImport } from '../../../src/node/block-import.js';
import type { Chain } from '../../../src/node/chain.js';
import { loadChainSpec } from '../../../src/node/chain-spec.js';
import { genesisChangesOf, openChain } from '../../../src/node/node.js';
import { describeStorageKey, replayChain, ReplayInputError, type ReplayInput, type ReplayResult } from '../../../src/node/replay.js';
import { buildTransferChain, devSigner } from '../../../src/node/transfer-chain.js';
import { TransactionService } from '../../../src/node/transactions.js';

const spec = loadChainSpec('dev');
const runtime = createChainHost();
const genesisChanges = genesisChangesOf(spec, runtime);
const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'dcn-replay-unit-'));
const verifier = new SignatureVerifier({ cacheSize: 4096 });
const alice = devSigner('Alice');
const bob = devSigner('Bob');

let chain: Chain;
/** The chain's blocks 0..head as the database stores them. */
let stored: ReplayInput[];

beforeAll(async () => {
  await initCrypto();
  chain = await openChain(spec, join(dir, 'node'), logger);
  const txs = new TransactionService(chain, verifier, logger);
  const derived = Array.from({ length: 4 }, (_, i) => devSigner(String(i)));
  await buildTransferChain(chain, txs, {
    author: alice.publicKey,
    senders: ['Alice', 'Bob', 'Charlie'].map(devSigner),
    fund: { funder: alice, accounts: derived, amount: 100n * XFG },
    transfers: 90,
    perBlock: 20,
    seed: 3,
  });
  stored = [];
  for await (const b of chain.db.iterateBlocks(0, 1000)) stored.push({ number: b.number, hash: b.hash, header: b.header, body: b.body });
});

afterAll(async () => {
  await chain?.db.close();
  await verifier.close();
  rmSync(dir, { recursive: true, force: true });
});

async function* from(blocks: ReplayInput[]): AsyncGenerator<ReplayInput> {
  yield* blocks;
}

function replay(blocks: ReplayInput[], withNode = false, to?: number): Promise<ReplayResult> {
  return replayChain({ runtime, genesisChanges, blocks: from(blocks), verifier, node: withNode ? chain.db : undefined, to });
}

/** A block with its header changed as a block file could carry it (hash recomputed from the header). */
function withHeader(b: ReplayInput, change: (h: Header) => void): ReplayInput {
  const h = HeaderCodec.decode(b.header);
  change(h);
  const header = HeaderCodec.encode(h);
  return { ...b, header, hash: blake2_256(header) };
}

describe('replayChain', () => {
  it('replays the stored chain and finds the node state equal', async () => {
    await replay(stored, true);
    // A second replay with the same verifier verifies every signature again: no cached verdict is reused.
    const before = verifier.stats;
    const r = await replay(stored, true);
    const after = verifier.stats;
    expect(after.cacheHits).toBe(before.cacheHits);
    expect(after.verifiedInWorkers + after.verifiedInline - before.verifiedInWorkers - before.verifiedInline).toBe(90);
    if (!r.ok) throw new Error(r.divergence.message);
    const head = chain.head;
    expect(r.summary.blocks).toBe(head.number);
    expect(r.summary.signed).toBe(90);
    expect(r.summary.extrinsics).toBe(90 + head.number);
    expect(toHex(r.summary.head.hash)).toBe(toHex(head.hash));
    expect(toHex(r.summary.head.stateRoot)).toBe(toHex(head.header.stateRoot));
    expect(r.summary.comparedFlatState).toBe(true);
    expect(r.summary.comparedKeys).toBeGreaterThan(40);
    // Every signature came from the worker batch, none needed an inline check.
    expect(r.summary.verifiedInline).toBe(0);
  });

  it('accepts a source without block 0 and stops at --to', async () => {
    const r = await replay(stored.slice(1), true, 2);
    expect(r.ok).toBe(true);
    expect(r.summary.head.number).toBe(2);
    // Not at the node's head: only the stored trie of block 2 is compared.
    expect(r.summary.comparedFlatState).toBe(false);
    expect(r.summary.comparedKeys).toBeGreaterThan(0);
  });

  it('names a header whose state root or extrinsics root differs', async () => {
    const last = stored.length - 1;
    const badState = await replay([...stored.slice(0, last), withHeader(stored[last], (h) => (h.stateRoot = new Uint8Array(32).fill(7)))]);
    expect(badState.ok).toBe(false);
    if (badState.ok) return;
    expect(badState.divergence).toMatchObject({ number: last, kind: 'state-root' });
    expect(badState.divergence.message).toContain(`header has 0x${'07'.repeat(32)}, computed ${toHex(HeaderCodec.decode(stored[last].header).stateRoot)}`);
    expect(badState.summary.blocks).toBe(last - 1);

    const badXt = await replay([...stored.slice(0, 2), withHeader(stored[2], (h) => (h.extrinsicsRoot = new Uint8Array(32)))]);
    expect(!badXt.ok && badXt.divergence).toMatchObject({ number: 2, kind: 'extrinsics-root' });
  });

  it('names a bad signature with the extrinsic and its signer', async () => {
    const body = BodyCodec.decode(stored[2].body as Uint8Array);
    const sigAt = (body[3][0] & 3 ? 2 : 1) + 1 + 1 + 32 + 1; // length prefix, version, address tag, account, signature tag
    const tampered = body[3].slice();
    tampered[sigAt + 3] ^= 0x20;
    const blocks = [...stored.slice(0, 2), { ...stored[2], body: [...body.slice(0, 3), tampered, ...body.slice(4)] }];
    const r = await replay(blocks);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.divergence.number).toBe(2);
    expect(r.divergence.kind).toBe('signature');
    expect(r.divergence.message).toMatch(/^bad signature in extrinsic 3 \(signer 5\w+, extrinsic 0x[0-9a-f]{64}\)$/);
  });

  it('names broken links: parent, hash index, genesis; refuses sources that skip blocks', async () => {
    const parent = await replay([stored[0], stored[1], withHeader(stored[2], (h) => (h.parentHash = new Uint8Array(32)))]);
    expect(!parent.ok && parent.divergence).toMatchObject({ number: 2, kind: 'parent' });
    const index = await replay([stored[0], { ...stored[1], hash: stored[2].hash }]);
    expect(!index.ok && index.divergence).toMatchObject({ number: 1, kind: 'block-hash' });
    const genesis = await replay([{ ...stored[0], hash: stored[1].hash }]);
    expect(!genesis.ok && genesis.divergence).toMatchObject({ number: 0, kind: 'genesis' });
    await expect(replay([stored[0], stored[2]])).rejects.toThrow(ReplayInputError);
    await expect(replay([stored[2]])).rejects.toThrow('the blocks start at #2');
    const undecodable = await replay([stored[0], { ...stored[1], body: new Uint8Array([0x08, 0x00]) }]);
    expect(!undecodable.ok && undecodable.divergence).toMatchObject({ number: 1, kind: 'body' });
  });

  it("catches a tampered stored trie node (the node's archive differs from its header's root)", async () => {
    const key = SystemStorage.Account.keyOf(bob.publicKey);
    const value = chain.headState().get(key)!;
    // System.Account values are 80 bytes: stored out of line (layout V1) under their blake2_256.
    expect(value.length).toBeGreaterThanOrEqual(33);
    const forged = value.slice();
    forged[20] ^= 1;
    await chain.db.tamper({ nodes: [[blake2_256(value), forged]] });
    try {
      const r = await replay(stored, true);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.divergence).toMatchObject({ number: chain.head.number, kind: 'stored-trie' });
      expect(r.divergence.message).toContain(`stored state value of key System.Account(${encodeAddress(bob.publicKey, 42)})`);
      expect(r.divergence.message).toContain(`stored ${toHex(forged)}, replayed ${toHex(value)}`);
    } finally {
      await chain.db.tamper({ nodes: [[blake2_256(value), value]] });
    }
    expect((await replay(stored, true)).ok).toBe(true);
  });

  it("names the first block whose state is missing from the node's archive", async () => {
    const root2 = HeaderCodec.decode(stored[2].header).stateRoot;
    const node = chain.db.nodeStore.get(root2)!;
    await chain.db.tamper({ nodes: [[root2, null]] });
    try {
      const r = await replay(stored, true);
      expect(!r.ok && r.divergence).toMatchObject({ number: 2, kind: 'stored-trie', message: `the node's stored trie lacks this block's state root node ${toHex(root2)}` });
      // Without the node database the same blocks replay fine: the blocks themselves are sound.
      expect((await replay(stored)).ok).toBe(true);
    } finally {
      await chain.db.tamper({ nodes: [[root2, node]] });
    }
  });
});

describe('describeStorageKey', () => {
  it('names items, decodes account and number keys', () => {
    expect(describeStorageKey(runtime, SystemStorage.Number.key)).toBe('System.Number');
    expect(describeStorageKey(runtime, CODE_KEY)).toBe(':code');
    expect(describeStorageKey(runtime, SystemStorage.BlockHash.keyOf(7))).toBe('System.BlockHash(7)');
    expect(describeStorageKey(runtime, SystemStorage.Account.keyOf(alice.publicKey))).toBe('System.Account(5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY)');
    expect(describeStorageKey(runtime, new Uint8Array([1, 2]))).toBe('0x0102');
  });
});

describe('importBlocks', () => {
  const asImport = (b: ReplayInput): BlockToImport => ({
    header: b.header,
    decoded: HeaderCodec.decode(b.header),
    hash: b.hash,
    extrinsics: Array.isArray(b.body) ? b.body : BodyCodec.decode(b.body),
    justification: undefined,
  });
  async function* blocks(list: ReplayInput[]): AsyncGenerator<BlockToImport> {
    for (const b of list) yield asImport(b);
  }

  it('imports, skips known blocks, and refuses blocks that do not extend the head or fail execution', async () => {
    const target = await openChain(spec, join(dir, 'import'), logger);
    try {
      const s = await importBlocks(target, verifier, blocks(stored.slice(0, 3)));
      expect(s).toMatchObject({ imported: 2, skipped: 1, first: 1, last: 2 });
      expect(toHex(target.head.hash)).toBe(toHex(stored[2].hash));

      const gap = importBlocks(target, verifier, blocks(stored.slice(4)));
      await expect(gap).rejects.toThrow(BlockImportRefused);
      await expect(importBlocks(target, verifier, blocks(stored.slice(4)))).rejects.toThrow(`block #4 ${toHex(stored[4].hash)}: does not extend the head #2`);

      const other = withHeader(stored[1], (h) => (h.stateRoot = new Uint8Array(32)));
      await expect(importBlocks(target, verifier, blocks([other]))).rejects.toThrow(/block #1 0x[0-9a-f]{64}: does not extend the head #2 .*the chain already has/);

      const badRoot = withHeader(stored[3], (h) => (h.stateRoot = new Uint8Array(32).fill(1)));
      await expect(importBlocks(target, verifier, blocks([badRoot]))).rejects.toThrow(/block #3 0x[0-9a-f]{64}: state root mismatch/);
      expect(target.head.number).toBe(2);

      const rest = await importBlocks(target, verifier, blocks(stored.slice(3)));
      expect(rest.imported).toBe(stored.length - 3);
      expect(toHex(target.head.header.stateRoot)).toBe(toHex(chain.head.header.stateRoot));
    } finally {
      await target.db.close();
    }
  });
});
