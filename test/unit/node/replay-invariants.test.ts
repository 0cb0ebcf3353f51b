/**
 * `replayChain` with `invariants` (the auditor's `replay --check-invariants [--every N]`): a real chain built block by
 * block on the real runtime, replayed from genesis over a fresh in-memory state with every signature verified on the
 * worker threads. A sound chain passes at every checked block; a chain whose genesis carries one XFG base unit of
 * issuance that no account holds (valid blocks, valid roots: only the invariant can tell) is caught at the first
 * checked block, naming the identity and the numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignatureVerifier } from '../../../src/crypto/verifier-pool.js';
import { equalBytes } from '../../../src/primitives/bytes.js';
import { u128 } from '../../../src/primitives/scale/index.js';
import { HeaderCodec } from '../../../src/primitives/types.js';
import { BalancesStorage } from '../../../src/pallets/balances/index.js';
import { createChainHost } from '../../../src/chain/host.js';
import { createChainRuntime, XFG, type GenesisConfig } from '../../../src/chain/index.js';
import type { StateChange } from '../../../src/runtime/state.js';
import { replayChain, ReplayInputError, type ReplayInput } from '../../../src/node/replay.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';
import { TestChain } from '../../helpers/chain.js';

let k: DevKeys;
let verifier: SignatureVerifier;
beforeAll(async () => {
  k = await devKeys();
  verifier = new SignatureVerifier();
});
afterAll(async () => {
  await verifier.close();
});

/** Genesis with one more base unit of XFG issuance than the accounts hold. */
function overIssued(changes: StateChange[]): StateChange[] {
  const key = BalancesStorage.TotalIssuance.key;
  return changes.map(([kk, v]) => (equalBytes(kk, key) && v !== null ? [kk, u128.encode(u128.decode(v) + 1n)] : [kk, v]));
}

/** A chain of `n` blocks, each with a signed transfer; `broken` gives it the over-issued genesis (invariants off). */
async function buildChain(n: number, broken: boolean): Promise<{ chain: TestChain; genesis: StateChange[] }> {
  const runtime = createChainRuntime();
  let genesis: StateChange[] = [];
  const original = runtime.genesisChanges.bind(runtime);
  runtime.genesisChanges = (cfg: GenesisConfig) => (genesis = broken ? overIssued(original(cfg)) : original(cfg));
  // The broken chain opts out: its state breaks an identity on purpose from genesis on.
  const chain = await TestChain.create(k, { runtime, checkInvariants: !broken });
  for (let i = 0; i < n; i++) {
    const { results } = chain.produce([chain.sign(k.alice, chain.transferCall(k.bob.publicKey, XFG + BigInt(i)))]);
    expect(results.every((r) => r.ok)).toBe(true);
  }
  return { chain, genesis };
}

async function* blocksOf(chain: TestChain): AsyncIterable<ReplayInput> {
  for (let n = 1; n <= chain.head.header.number; n++) {
    const b = chain.blocks[n];
    yield { number: n, hash: b.hash, header: HeaderCodec.encode(b.header), body: b.extrinsics };
  }
}

const replay = (chain: TestChain, genesis: StateChange[], invariants?: { every?: number }) =>
  replayChain({ runtime: createChainHost(), genesisChanges: genesis, blocks: blocksOf(chain), verifier, invariants });

describe('replay with invariants', () => {
  it('a sound chain: every pallet tryState and chain identity holds at every N-th block and at the end', async () => {
    const { chain, genesis } = await buildChain(7, false);
    const r = await replay(chain, genesis, { every: 3 });
    expect(r.ok).toBe(true);
    expect(r.summary.blocks).toBe(7);
    expect(r.summary.invariantBlocks).toEqual([3, 6, 7]);
    expect(r.summary.invariantChecks).toBe(3);
    const all = await replay(chain, genesis, { every: 1 });
    expect(all.ok && all.summary.invariantBlocks).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const end = await replay(chain, genesis, {});
    expect(end.ok && end.summary.invariantBlocks).toEqual([7]);
  });

  it('without the option nothing is checked (behaviour unchanged): the over-issued chain replays OK', async () => {
    const { chain, genesis } = await buildChain(4, true);
    const r = await replay(chain, genesis);
    expect(r.ok).toBe(true);
    expect(r.summary.invariantChecks).toBe(0);
  });

  it('an over-issued genesis under valid blocks is reported at the first checked block with the identity and the numbers', async () => {
    const { chain, genesis } = await buildChain(4, true);
    const issuance = BalancesStorage.TotalIssuance.get(chain.state);
    const atEnd = await replay(chain, genesis, {});
    expect(atEnd.ok).toBe(false);
    if (atEnd.ok) return;
    expect(atEnd.divergence.kind).toBe('invariant');
    expect(atEnd.divergence.number).toBe(4);
    expect(equalBytes(atEnd.divergence.hash, chain.head.hash)).toBe(true);
    // Both the Balances pallet's own check and the chain identity see it; each message carries the numbers.
    const checks = atEnd.divergence.invariants!.map((f) => f.check);
    expect(checks).toEqual(['Balances.tryState', 'XFG issuance']);
    const xfg = atEnd.divergence.invariants!.find((f) => f.check === 'XFG issuance')!;
    expect(xfg.message).toBe(`Balances.TotalIssuance ${issuance} ≠ Σ free + reserved ${issuance - 1n} over 4 accounts (difference +1)`);
    expect(atEnd.divergence.message).toMatch(/^2 invariants broken in the state after block #4: \[Balances\.tryState\] .*\[XFG issuance\] /);
    // Blocks 1..4 were replayed (roots all matched) before the check.
    expect(atEnd.summary.blocks).toBe(4);

    const every2 = await replay(chain, genesis, { every: 2 });
    expect(!every2.ok && every2.divergence.number).toBe(2);
    expect(every2.summary.blocks).toBe(2);
  });

  it('refuses an invalid every', async () => {
    const { chain, genesis } = await buildChain(1, false);
    for (const every of [0, -1, 1.5, 2 ** 32]) {
      await expect(replay(chain, genesis, { every })).rejects.toThrow(ReplayInputError);
    }
  });
});
