/**
 * Double-sign protection: `lastSigned`, the WAL contract (`signDurably`), and restarts rebuilt with
 * `restoreFromWal`, including a property test over random input sequences with crashes at random points.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConsensusEngine } from '../../../src/consensus/engine.js';
import { compareHrs, messageHrs, type Hrs, type SignedMessageValue } from '../../../src/consensus/messages.js';
import { inputOf, markDurable, signDurably, type ConsensusWal, type EngineInput } from '../../../src/consensus/types.js';
import { block, Driver, engineConfig, hashBlock, hex, ofKind, signProposal, signRequests, signVote, validatorKey, votesAsked } from './harness.js';

const A = block('A');
const B = block('B');
const hA = hex(hashBlock(A));

describe('lastSigned', () => {
  it('advances with every signing request, in strictly increasing (height, round, step)', () => {
    const d = new Driver(0);
    d.start();
    d.propose(0, A);
    expect(d.engine.lastSigned).toEqual({ height: 1, round: 0, step: 'prevote' });
    d.votes('prevote', [1, 2], 0, A);
    expect(d.engine.lastSigned).toEqual({ height: 1, round: 0, step: 'precommit' });
    const hrs = d.wal.map((m) => messageHrs(m.message));
    for (let i = 1; i < hrs.length; i++) expect(compareHrs(hrs[i], hrs[i - 1])).toBeGreaterThan(0);
  });
});

describe('signDurably: the WAL contract', () => {
  it('signs, writes the WAL (awaiting its fsync), and only then broadcasts a durable message', async () => {
    const events: string[] = [];
    const stored: SignedMessageValue[] = [];
    const wal: ConsensusWal = {
      async append(signed) {
        events.push('wal.append');
        await Promise.resolve();
        stored.push(signed);
        events.push('wal.fsynced');
        return markDurable(signed);
      },
      async load() {
        return stored;
      },
      appendProof: async () => undefined,
      proofs: () => [],
    };
    const d = new Driver(0);
    d.start();
    const [request] = signRequests(d.engine.step({ kind: 'timeout', height: 1, round: 0, step: 'propose' }));
    const signed = await signDurably(request, {
      sign: (payload) => {
        events.push('sign');
        return validatorKey(0).sign(payload);
      },
      wal,
      broadcast: (m) => events.push(`broadcast ${m.message.tag}`),
    });
    expect(events).toEqual(['sign', 'wal.append', 'wal.fsynced', 'broadcast Vote']);
    expect(stored).toEqual([signed]);
  });

  it('broadcasts nothing when the WAL write fails', async () => {
    const d = new Driver(0);
    d.start();
    const [request] = signRequests(d.engine.step({ kind: 'timeout', height: 1, round: 0, step: 'propose' }));
    let broadcasts = 0;
    const failing: ConsensusWal = { append: () => Promise.reject(new Error('disk full')), load: async () => [], appendProof: async () => undefined, proofs: () => [] };
    await expect(signDurably(request, { sign: (p) => validatorKey(0).sign(p), wal: failing, broadcast: () => broadcasts++ })).rejects.toThrow('disk full');
    expect(broadcasts).toBe(0);
  });
});

describe('restoreFromWal', () => {
  it('restores lastSigned, the round, the step and the lock of a validator that precommitted', () => {
    const d = new Driver(0);
    d.start();
    d.propose(0, A);
    d.votes('prevote', [1, 2], 0, A);
    d.restart();
    expect(d.engine.lastSigned).toEqual({ height: 1, round: 0, step: 'precommit' });
    d.start();
    expect(d.engine.snapshot()).toMatchObject({ height: 1, round: 0, phase: 'precommit', lockedRound: 0, lockedBlockHash: hA });
  });

  it('a restarted validator never signs a conflicting vote in the round it already voted in', () => {
    const d = new Driver(0);
    d.start();
    d.propose(0, A);
    d.votes('prevote', [1, 2], 0, A);
    const before = d.wal.length;
    d.restart();
    d.start();
    // Everything that could make it vote again in round 0: the proposal, timeouts, a nil polka.
    const after = [
      ...d.propose(0, A),
      ...d.timeout('propose', 0),
      ...d.votes('prevote', [1, 2, 3], 0, undefined),
      ...d.timeout('prevote', 0),
    ];
    expect(signRequests(after)).toEqual([]);
    expect(d.wal).toHaveLength(before);
  });

  it('a restarted validator keeps its lock: a later fresh proposal of another block gets a nil prevote', () => {
    const d = new Driver(0);
    d.start();
    d.propose(0, A);
    d.votes('prevote', [1, 2], 0, A);
    d.restart();
    d.start();
    d.votes('precommit', [1, 2], 0, undefined);
    d.timeout('precommit', 0);
    expect(votesAsked(d.propose(1, B))).toEqual(['prevote r1 nil']);
  });

  it('a validator that only prevoted resumes in prevote: no second prevote, but it may still precommit', () => {
    const d = new Driver(0);
    d.start();
    d.propose(0, A);
    d.restart();
    d.start();
    // A second proposal (the proposer equivocating) and the propose timeout do not produce another prevote.
    expect(votesAsked([...d.deliver(signProposal(1, 1, 0, B)), ...d.timeout('propose', 0)])).toEqual([]);
    // Gossip brings proposal A again (the restart lost it): checked again, still no second prevote.
    expect(votesAsked(d.propose(0, A))).toEqual([]);
    // Its own prevote was restored into the tally: two more make +2/3 for A, and it precommits A.
    expect(votesAsked(d.votes('prevote', [1, 2], 0, A))).toEqual([`precommit r0 ${hA}`]);
  });

  it('a proposer that crashed after writing its proposal does not build another block for that round', () => {
    const d = new Driver(1);
    d.start();
    d.wal.push({
      message: { tag: 'Proposal', value: { height: 1, round: 0, polRound: undefined, validatorIndex: 1, block: A } },
      signature: signProposal(1, 1, 0, A).signature,
    });
    d.restart();
    const actions = d.start();
    expect(ofKind(actions, 'buildBlock')).toEqual([]);
    // It re-checks its own block (the executed state did not survive the crash) and then prevotes it.
    const [check] = ofKind(actions, 'checkProposal');
    expect(hex(check.blockHash)).toBe(hA);
    expect(votesAsked(d.step({ kind: 'proposalChecked', height: 1, round: 0, blockHash: check.blockHash, valid: true }))).toEqual([`prevote r0 ${hA}`]);
  });

  it('started below the highest height in its WAL, it signs nothing until it passes that height', () => {
    const d = new Driver(0);
    d.start();
    d.wal.push(signVote(0, 'prevote', 3, 0, undefined));
    d.restart();
    expect(d.engine.lastSigned).toEqual({ height: 3, round: 0, step: 'prevote' });
    const actions = [...d.start(2), ...d.timeout('propose', 0, 2), ...d.votes('prevote', [1, 2, 3], 0, undefined, 2)];
    expect(signRequests(actions)).toEqual([]);
    // Height 3, round 1 is above what it signed: allowed again.
    d.start(3);
    d.votes('precommit', [1, 2, 3], 0, undefined, 3);
    d.timeout('precommit', 0, 3);
    expect(votesAsked(d.timeout('propose', 1, 3))).toEqual(['prevote r1 nil']);
  });

  it('records the proof of lock (the proposal and the +2/3 prevotes) before it precommits', () => {
    const d = new Driver(0);
    d.start();
    d.propose(0, A);
    const actions = d.votes('prevote', [1, 2], 0, A);
    const kinds = actions.filter((a) => a.kind === 'recordProof' || a.kind === 'signAndBroadcast').map((a) => a.kind);
    expect(kinds.slice(0, 2)).toEqual(['recordProof', 'signAndBroadcast']);
    const [proof] = ofKind(actions, 'recordProof');
    expect(proof).toMatchObject({ height: 1, round: 0 });
    expect(proof.messages.map((m) => (m.message.tag === 'Proposal' ? `proposal v${m.message.value.validatorIndex}` : `${m.message.value.type} v${m.message.value.validatorIndex}`))).toEqual([
      'proposal v1',
      'prevote v0',
      'prevote v1',
      'prevote v2',
    ]);
    // An observer keeps no WAL: it records nothing.
    const o = new Driver(undefined);
    o.start();
    o.propose(0, A);
    expect(ofKind(o.votes('prevote', [1, 2, 3], 0, A), 'recordProof')).toEqual([]);
  });

  /** Validator 0 locks on A in round 0 (proposed by validator 1), crashes and restarts. */
  function lockedAndRestarted(options: { withoutProofs?: boolean } = {}): Driver {
    const d = new Driver(0);
    d.start();
    d.propose(0, A);
    d.votes('prevote', [1, 2], 0, A);
    d.restart(options);
    // The node re-executes the restored block (its executed state did not survive the crash).
    for (const c of ofKind(d.start(), 'checkProposal')) d.step({ kind: 'proposalChecked', height: 1, round: c.round, blockHash: c.blockHash, valid: true });
    return d;
  }

  it('a restarted locked validator holds its valid value: as proposer it re-proposes it with its POL round', () => {
    const d = lockedAndRestarted();
    expect(d.engine.snapshot()).toMatchObject({ lockedRound: 0, lockedBlockHash: hA, validRound: 0, validBlockHash: hA });
    // Validators 1 and 2 (more than 1/3) are in round 3, whose proposer is validator 0: it skips there and proposes.
    const actions = d.votes('prevote', [1, 2], 3, undefined);
    expect(ofKind(actions, 'buildBlock')).toEqual([]);
    const proposals = signRequests(actions).filter((r) => r.message.tag === 'Proposal');
    expect(proposals).toHaveLength(1);
    const p = proposals[0].message.value as { round: number; polRound?: number; block: Uint8Array };
    expect({ round: p.round, polRound: p.polRound, block: hex(hashBlock(p.block)) }).toEqual({ round: 3, polRound: 0, block: hA });
    // And it prevotes its own re-proposal (its lock is the POL round), where before it prevoted nil on every proposal.
    expect(votesAsked(actions)).toContain(`prevote r3 ${hA}`);
    // Its gossip carries the POL of round 0 (proposal and prevotes), so the others can accept the re-proposal (L28).
    const [gossip] = ofKind(d.timeout('gossip', 0), 'broadcast');
    const r0 = gossip.messages.filter((m) => m.message.value.round === 0).map((m) => (m.message.tag === 'Proposal' ? 'proposal' : `${m.message.value.type} v${m.message.value.validatorIndex}`));
    expect(r0).toEqual(expect.arrayContaining(['proposal', 'prevote v0', 'prevote v1', 'prevote v2']));
  });

  it('a restarted locked validator decides its locked block on +2/3 precommits for it (it still holds the block)', () => {
    const d = lockedAndRestarted();
    const [commit] = ofKind(d.votes('precommit', [1, 2], 0, A), 'commit');
    expect(commit).toMatchObject({ height: 1, round: 0 });
    expect(hex(commit.blockHash)).toBe(hA);
  });

  it('without the proof records (a WAL from before them) the lock holds but the block is gone: it builds afresh', () => {
    const d = lockedAndRestarted({ withoutProofs: true });
    expect(ofKind(d.votes('precommit', [1, 2], 0, A), 'commit')).toEqual([]);
    const actions = d.votes('prevote', [1, 2], 3, undefined);
    expect(ofKind(actions, 'buildBlock')).toHaveLength(1);
  });

  it('a validator that took a valid value in its precommit step (no lock) restores it too', () => {
    const d = new Driver(0);
    d.start();
    d.propose(0, A, { valid: true });
    // It precommits nil on the prevote timeout first, then +2/3 prevotes for A arrive: valid value, no lock (L36).
    d.votes('prevote', [1, 3], 0, undefined);
    d.timeout('prevote', 0);
    expect(d.engine.snapshot().phase).toBe('precommit');
    d.deliver(signVote(1, 'prevote', 1, 0, hashBlock(A)));
    d.deliver(signVote(2, 'prevote', 1, 0, hashBlock(A)));
    expect(d.engine.snapshot()).toMatchObject({ lockedRound: -1, validRound: 0, validBlockHash: hA });
    d.restart();
    d.start();
    expect(d.engine.snapshot()).toMatchObject({ lockedRound: -1, validRound: 0, validBlockHash: hA });
  });

  it('an empty WAL gives a fresh engine', () => {
    const e = ConsensusEngine.restoreFromWal(engineConfig(0), []);
    expect(e.lastSigned).toBeUndefined();
    expect(e.height).toBe(0);
  });
});

/** A pool of inputs from other validators (real signatures, made once). */
function inputPool(): EngineInput[] {
  const pool: EngineInput[] = [];
  const blocks = [A, B];
  for (let round = 0; round < 3; round++) {
    for (const b of blocks) pool.push(inputOf(signProposal(1 + (round % 3), 1, round, b)));
    pool.push(inputOf(signProposal(1 + (round % 3), 1, round, A, round > 0 ? round - 1 : undefined)));
    for (const from of [1, 2, 3]) {
      for (const type of ['prevote', 'precommit'] as const) {
        for (const value of [undefined, hashBlock(A), hashBlock(B)]) pool.push(inputOf(signVote(from, type, 1, round, value)));
      }
    }
    for (const step of ['propose', 'prevote', 'precommit'] as const) pool.push({ kind: 'timeout', height: 1, round, step });
    for (const b of blocks) pool.push({ kind: 'proposalChecked', height: 1, round, blockHash: hashBlock(b), valid: b === A || round === 2 });
  }
  return pool;
}

describe('double-sign protection (property)', () => {
  const pool = inputPool();

  it('across random inputs and crashes, the validator never signs two different messages at one (height, round, step)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(pool.length - 1), fc.constant(-1)), { minLength: 1, maxLength: 120 }), (script) => {
        const d = new Driver(0);
        d.start();
        const lives: Hrs[][] = [[]];
        for (const k of script) {
          if (k === -1) {
            // Crash and restart from the WAL.
            d.restart();
            d.start();
            lives.push([]);
            continue;
          }
          for (const r of signRequests(d.step(pool[k]))) lives[lives.length - 1].push(messageHrs(r.message));
        }
        // Within one life, requests strictly increase; across lives the WAL has one message per (h, r, step).
        for (const life of lives) for (let i = 1; i < life.length; i++) expect(compareHrs(life[i], life[i - 1])).toBeGreaterThan(0);
        const bySlot = new Map<string, string>();
        for (const m of d.wal) {
          const hrs = messageHrs(m.message);
          const slot = `${hrs.height}/${hrs.round}/${hrs.step}`;
          const value = m.message.tag === 'Vote' ? (m.message.value.blockHash ? hex(m.message.value.blockHash) : 'nil') : hex(hashBlock(m.message.value.block));
          expect(bySlot.get(slot) ?? value).toBe(value);
          bySlot.set(slot, value);
        }
      }),
      { numRuns: 150 },
    );
  });
});
