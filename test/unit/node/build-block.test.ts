/**
 * Block building on a real chain and pool (LevelDB in a temp directory): without a deadline every ready transfer
 * goes in; with one, building stops at the first check (every 32 tried transactions) that finds the clock at or past
 * it, and what it built is a valid block that the chain imports. A transaction that does not fit the space left is
 * passed over (up to MAX_SKIPPED_TRANSACTIONS of them) and the block goes on filling; one that does not fit even a
 * block holding only the inherents leaves the pool as invalid, with its reason.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildBlock, MAX_SKIPPED_TRANSACTIONS } from '../../../src/node/author.js';
import { REVALIDATE_READY_PER_BLOCK } from '../../../src/node/transactions.js';
import { decodeExtrinsic } from '../../../src/primitives/extrinsic.js';
import { toHex } from '../../../src/primitives/bytes.js';
import type { SealedBlock } from '../../../src/runtime/runtime.js';
import type { TxStatus } from '../../../src/txpool/types.js';
import { CHAIN_RUNTIME_SPEC, createChainRuntime } from '../../../src/chain/index.js';
import { devAccount, freshAccount, remarkCall, signExtrinsic, transferKeepAliveCall, XFG } from '../../e2e/support.js';
import { openLocalChain, type TestChain } from './certified-chain.js';

describe('buildBlock deadline', () => {
  let tc: TestChain;
  const author = new Uint8Array(32).fill(1);
  beforeAll(async () => {
    tc = await openLocalChain();
    const alice = await devAccount('Alice');
    const dest = (await freshAccount()).publicKey;
    for (let nonce = 0; nonce < 100; nonce++) {
      await tc.txs.submit(signExtrinsic(alice, transferKeepAliveCall(dest, 10n ** 12n), { genesisHash: tc.chain.genesisHash }, { nonce }));
    }
    expect(tc.txs.pool.size().ready).toBe(100);
  });
  afterAll(() => tc.close());

  const transfers = (b: { extrinsics: Uint8Array[] }): number => b.extrinsics.length - 1; // minus the timestamp inherent

  it('takes every ready transaction without a deadline, or before it', () => {
    const nowMs = 1_800_000_000_000n;
    expect(transfers(buildBlock(tc.chain, tc.txs, { author, round: 0, nowMs, maxExtrinsics: 10_000 }))).toBe(100);
    expect(transfers(buildBlock(tc.chain, tc.txs, { author, round: 0, nowMs, maxExtrinsics: 10_000, deadline: { atMs: 10, clock: () => 0 } }))).toBe(100);
  });

  it('stops at the first check past the deadline, and the partial block imports', async () => {
    const nowMs = 1_800_000_000_000n;
    // Already past: the first check (at the 32nd transaction) stops before applying it.
    expect(transfers(buildBlock(tc.chain, tc.txs, { author, round: 0, nowMs, maxExtrinsics: 10_000, deadline: { atMs: 0, clock: () => 0 } }))).toBe(31);
    // A clock that moves one unit per look: the second check (the 64th) finds it at the deadline.
    let t = 0;
    const sealed = buildBlock(tc.chain, tc.txs, { author, round: 0, nowMs, maxExtrinsics: 10_000, deadline: { atMs: 2, clock: () => ++t } });
    expect(transfers(sealed)).toBe(63);
    await tc.chain.commit(sealed);
    expect(tc.chain.head.number).toBe(1);
  });
});

describe('buildBlock and transactions that do not fit (issue 9: block stuffing)', () => {
  const { maxBlockLength, normalRatioBps } = CHAIN_RUNTIME_SPEC.limits;
  /** The Normal class's share of the block length: 3,932,160 bytes. */
  const NORMAL_LENGTH = Number((BigInt(maxBlockLength) * normalRatioBps) / 10_000n);
  const author = new Uint8Array(32).fill(1);
  const open: TestChain[] = [];
  let alice: KeyringPair;
  let bob: KeyringPair;
  beforeAll(async () => {
    alice = await devAccount('Alice');
    bob = await devAccount('Bob');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });

  async function fresh(): Promise<TestChain> {
    const t = await openLocalChain();
    open.push(t);
    return t;
  }

  /** `signer`'s remark whose whole extrinsic is exactly `total` bytes (sizes here need a 4-byte length prefix). */
  function remark(t: TestChain, signer: KeyringPair, total: number, nonce: number, tip = 0n): Uint8Array {
    const sign = (len: number) => signExtrinsic(signer, remarkCall(new Uint8Array(len).fill(0x62)), { genesisHash: t.chain.genesisHash }, { nonce, tip });
    const probe = sign(total - 200);
    const xt = sign(total - 200 + total - probe.length);
    expect(xt.length).toBe(total);
    return xt;
  }

  function transfer(t: TestChain, signer: KeyringPair, nonce: number, tip = 0n): Uint8Array {
    return signExtrinsic(signer, transferKeepAliveCall(new Uint8Array(32).fill(9), XFG), { genesisHash: t.chain.genesisHash }, { nonce, tip });
  }

  /** Build on the head at `nowMs` (no deadline) and commit, telling the pool as the dev author does. */
  async function produce(t: TestChain, nowMs: bigint): Promise<SealedBlock> {
    const sealed = buildBlock(t.chain, t.txs, { author, round: 0, nowMs, maxExtrinsics: 10_000 });
    await t.chain.commit(sealed);
    const included = sealed.extrinsics.map((x, index) => ({ hash: decodeExtrinsic(x).hash, index }));
    t.txs.pool.onBlockImported({ blockHash: sealed.hash, blockNumber: sealed.header.number, included }, REVALIDATE_READY_PER_BLOCK);
    return sealed;
  }

  const hashes = (b: SealedBlock): string[] => b.extrinsics.slice(1).map((x) => toHex(decodeExtrinsic(x).hash));
  const hashOf = (xt: Uint8Array): string => toHex(decodeExtrinsic(xt).hash);

  it('a big transaction that does not fit the space left is skipped and the block keeps filling; it goes in the next block', async () => {
    const t = await fresh();
    const nowMs = 1_800_000_000_000n;
    await produce(t, nowMs); // a real time in the state
    // Two remarks of 2 MB each fit an empty block but not together; the transfers come after them in priority.
    const big1 = remark(t, alice, 2_000_000, 0, 20n);
    const big2 = remark(t, bob, 2_000_000, 0, 10n);
    await t.txs.submit(big1);
    await t.txs.submit(big2);
    const charlie = await devAccount('Charlie');
    const transfers = [0, 1, 2, 3, 4].map((n) => transfer(t, charlie, n));
    for (const x of transfers) await t.txs.submit(x);
    const logs: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    const first = buildBlock(t.chain, t.txs, { author, round: 0, nowMs: nowMs + 1000n, maxExtrinsics: 10_000, logger });
    expect(hashes(first)).toEqual([big1, ...transfers].map(hashOf));
    expect(logs.filter((l) => l.msg === 'block building: transaction does not fit the space left; skipped')).toMatchObject([{ level: 20, hash: hashOf(big2), skipped: 1, taken: 1 }]);
    await t.chain.commit(first);
    t.txs.pool.onBlockImported({ blockHash: first.hash, blockNumber: first.header.number, included: first.extrinsics.map((x, index) => ({ hash: decodeExtrinsic(x).hash, index })) }, REVALIDATE_READY_PER_BLOCK);
    // Skipped, not dropped: the next block takes it.
    expect(t.txs.status(decodeExtrinsic(big2).hash)).toEqual({ status: 'ready' });
    expect(hashes(await produce(t, nowMs + 2000n))).toEqual([hashOf(big2)]);
  });

  it(`skips at most ${MAX_SKIPPED_TRANSACTIONS} transactions that do not fit, then calls the block full`, async () => {
    const t = await fresh();
    const nowMs = 1_800_000_000_000n;
    // Senders for the medium remarks, funded in block 1.
    const senders = await Promise.all(Array.from({ length: MAX_SKIPPED_TRANSACTIONS + 1 }, () => freshAccount()));
    for (const [i, s] of senders.entries()) await t.txs.submit(signExtrinsic(alice, transferKeepAliveCall(s.publicKey, 10n * XFG), { genesisHash: t.chain.genesisHash }, { nonce: i }));
    expect(hashes(await produce(t, nowMs))).toHaveLength(senders.length);
    const bobTransfer = transfer(t, bob, 0);
    /** A block: one 3.7 MB remark (tip 100), `n` 300 KB remarks that no longer fit (tips 99, 98, …), a transfer (tip 0). */
    const attempt = async (n: number): Promise<{ big: string; included: string[] }> => {
      const big = remark(t, alice, 3_700_000, senders.length, 100n);
      await t.txs.submit(big);
      const mediums = senders.slice(0, n).map((s, i) => remark(t, s, 300_000, 0, 99n - BigInt(i)));
      for (const m of mediums) await t.txs.submit(m);
      if (!t.txs.pool.has(decodeExtrinsic(bobTransfer).hash)) await t.txs.submit(bobTransfer);
      const sealed = buildBlock(t.chain, t.txs, { author, round: 0, nowMs: nowMs + 1000n, maxExtrinsics: 10_000 });
      t.txs.pool.remove([decodeExtrinsic(big).hash, ...mediums.map((m) => decodeExtrinsic(m).hash)], 'next attempt');
      return { big: hashOf(big), included: hashes(sealed) };
    };
    // Eight skips: the transfer after them still goes in.
    const eight = await attempt(MAX_SKIPPED_TRANSACTIONS);
    expect(eight.included).toEqual([eight.big, hashOf(bobTransfer)]);
    // A ninth that does not fit: the block is full, the transfer waits.
    const nine = await attempt(MAX_SKIPPED_TRANSACTIONS + 1);
    expect(nine.included).toEqual([nine.big]);
  });

  it('one that does not fit even a block holding only the inherents leaves the pool as invalid, with the reason; the others go in', async () => {
    const t = await fresh();
    // At genesis the state's time is 0, so the next block's inherent looks 5 bytes long to the pool; a block at a real
    // time carries 11. A remark 6 bytes under the Normal share passes the pool but can never be included.
    expect(createChainRuntime().nextBlockOverhead(t.chain.headState()).length).toBe(5);
    const stuck = remark(t, alice, NORMAL_LENGTH - 6, 0, 50n);
    await t.txs.submit(stuck);
    const statuses: TxStatus[] = [];
    t.txs.pool.watch(decodeExtrinsic(stuck).hash, (s) => statuses.push(s));
    const transfers = [0, 1, 2].map((n) => transfer(t, bob, n));
    for (const x of transfers) await t.txs.submit(x);
    const sealed = await produce(t, 1_800_000_000_000n);
    expect(hashes(sealed)).toEqual(transfers.map(hashOf));
    expect(t.txs.pool.has(decodeExtrinsic(stuck).hash)).toBe(false);
    const reason = `ExhaustsResources: Transaction would exhaust the block limits: length ${NORMAL_LENGTH - 6} exceeds ${NORMAL_LENGTH - 11}, the most a Normal extrinsic can take (${NORMAL_LENGTH}, 75% of the ${maxBlockLength}-byte block, less 11 for the block's inherents): it could never be included in a block`;
    expect(statuses).toEqual([{ type: 'ready' }, { type: 'invalid', reason }]);
    expect(t.txs.status(decodeExtrinsic(stuck).hash)).toEqual({ status: 'invalid', reason });
    // Banned for a while: a resubmission is refused without validation.
    await expect(t.txs.submit(stuck)).rejects.toMatchObject({ code: 1012 });
  });
});
