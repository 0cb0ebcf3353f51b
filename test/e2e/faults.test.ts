/**
 * A short seeded run of `scripts/faults.ts` on four real validator processes: one validator SIGSTOPped (the other
 * three keep finalizing) then SIGCONTed, and two validators SIGKILLed (the two left halt without forking; the chain
 * resumes when one returns), under a transfer load over RPC. Afterwards every node reports the same block hash and
 * state root at every height, and every transfer reported finalized is in its block on every node. Waits on
 * conditions with timeouts only.
 */
import { describe, expect, it } from 'vitest';
import { planFor, Rng, runFaults } from '../../scripts/faults.js';

describe('faults (short seeded run)', () => {
  it('the seeded PRNG and plan are deterministic, and the plan covers every perturbation first', () => {
    expect(planFor(42, 8)).toEqual(planFor(42, 8));
    expect(new Set(planFor(42, 6)).size).toBe(6);
    const a = new Rng(1);
    const b = new Rng(1);
    expect([a.next(), a.next()]).toEqual([b.next(), b.next()]);
  });

  it('SIGSTOP/SIGCONT of one validator, then two down halt and resume: no fork, finalized transfers on chain', async () => {
    const r = await runFaults(1, ['pause-resume', 'two-down'], () => undefined);
    expect(r.failures).toEqual([]);
    expect(r.top).toBeGreaterThan(5);
    expect(r.finalized).toBeGreaterThan(0);
  }, 120_000);
});
