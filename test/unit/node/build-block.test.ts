/**
 * Block building on a real chain and pool (LevelDB in a temp directory): without a deadline every ready transfer
 * goes in; with one, building stops at the first check (every 32 tried transactions) that finds the clock at or past
 * it, and what it built is a valid block that the chain imports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBlock } from '../../../src/node/author.js';
import { devAccount, freshAccount, signExtrinsic, transferKeepAliveCall } from '../../e2e/support.js';
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
