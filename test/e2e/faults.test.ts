/**
 * A short seeded run of `scripts/faults.ts` on four real validator processes: one validator SIGSTOPped (the other
 * three keep finalizing) then SIGCONTed, two validators SIGKILLed (the two left halt without forking; the chain
 * resumes when one returns), and one wiped and resynced from genesis, under a transfer load over RPC. Afterwards
 * every node reports the same block hash and state root at every height, every transfer reported finalized is in
 * its block on every node, and after each perturbation every validator's precommits are in the commit
 * certificates of the following heights at least half as often as the best one's (each validator times its next
 * height from the commit, not from when it started the last one). Waits on conditions with timeouts only.
 */
import { describe, expect, it } from 'vitest';
import { planFor, Rng, runFaults, signerBalanceFailure } from '../../scripts/faults.js';

describe('faults (short seeded run)', () => {
  it('the seeded PRNG and plan are deterministic, and the plan covers every perturbation first', () => {
    expect(planFor(42, 8)).toEqual(planFor(42, 8));
    expect(new Set(planFor(42, 6)).size).toBe(6);
    const a = new Rng(1);
    const b = new Rng(1);
    expect([a.next(), a.next()]).toEqual([b.next(), b.next()]);
  });

  it('the signer-balance criterion: half of the best', () => {
    expect(signerBalanceFailure([60, 58, 61, 55])).toBeUndefined();
    expect(signerBalanceFailure([80, 40, 79, 78])).toBeUndefined();
    expect(signerBalanceFailure([78, 22, 80, 79])).toMatch(/Bob=22.*Bob below half of the best \(80\)/);
  });

  it('SIGSTOP/SIGCONT of one validator, two down halt and resume, a wipe and resync: no fork, finalized transfers on chain, every validator in the certificates', async () => {
    const r = await runFaults(1, ['pause-resume', 'two-down', 'wipe-resync'], () => undefined);
    expect(r.failures).toEqual([]);
    expect(r.top).toBeGreaterThan(5);
    expect(r.finalized).toBeGreaterThan(0);
    expect(r.signers.map((s) => s.perturbation)).toEqual(['pause-resume', 'two-down', 'wipe-resync']);
  }, 360_000);
});
