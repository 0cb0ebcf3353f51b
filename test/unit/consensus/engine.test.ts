/**
 * Step transitions of the engine, one table row per rule of the algorithm (in the manner of CometBFT's
 * `state_test.go`), with real ed25519 signatures. Four validators of weight 1: quorum is 3, "f+1" is 2. At height 1
 * the proposer of round r is validator (1 + r) mod 4, so validator 0 (the engine under test unless said otherwise)
 * proposes in round 3.
 */
import { describe, expect, it } from 'vitest';
import { verifyCertificate } from '../../../src/consensus/certificate.js';
import { ConsensusEngine } from '../../../src/consensus/engine.js';
import { verifyEvidence } from '../../../src/consensus/evidence.js';
import { proposalHeader, proposalSigningPayload, voteSigningPayload } from '../../../src/consensus/messages.js';
import { verifyEd25519 } from '../../../src/crypto/verify.js';
import { block, Driver, engineConfig, GENESIS, hashBlock, hex, ofKind, signProposal, signRequests, signVote, validatorKey, votesAsked } from './harness.js';

const A = block('A');
const B = block('B');
const hA = hex(hashBlock(A));
const hB = hex(hashBlock(B));

/** A driver for validator 0 that has prevoted A in round 0 (A proposed by validator 1 and checked valid). */
function prevotedA(): Driver {
  const d = new Driver(0);
  d.start();
  d.propose(0, A);
  return d;
}

/** A driver for validator 0 locked on A in round 0 (prevoted and precommitted A). */
function lockedOnA(): Driver {
  const d = prevotedA();
  d.votes('prevote', [1, 2], 0, A);
  return d;
}

describe('engine: entering a height and proposing', () => {
  it('the proposer asks for a block, signs a proposal without POL round, then prevotes its own block', () => {
    const d = new Driver(1);
    const started = d.start();
    expect(ofKind(started, 'buildBlock')).toEqual([{ kind: 'buildBlock', height: 1, round: 0 }]);
    expect(ofKind(started, 'scheduleTimeout').map((t) => [t.step, t.round, t.durationMs])).toEqual([
      ['gossip', 0, 2000],
      ['propose', 0, 3000],
    ]);
    const actions = d.step({ kind: 'blockBuilt', height: 1, round: 0, block: A });
    const [proposal, prevote] = signRequests(actions);
    expect(proposal.message).toEqual({ tag: 'Proposal', value: { height: 1, round: 0, polRound: undefined, validatorIndex: 1, block: A } });
    // The payload is exactly the domain-separated header, and the node's signature over it verifies.
    if (proposal.message.tag !== 'Proposal') throw new Error('expected a proposal');
    expect(proposal.payload).toEqual(proposalSigningPayload(GENESIS, proposalHeader(proposal.message.value, hashBlock(A))));
    expect(verifyEd25519(proposal.payload, d.wal[0].signature, validatorKey(1).publicKey)).toBe(true);
    // Built by this node, so known valid: the prevote needs no checkProposal.
    expect(ofKind(actions, 'checkProposal')).toEqual([]);
    expect(prevote.message).toEqual({ tag: 'Vote', value: { type: 'prevote', height: 1, round: 0, blockHash: hashBlock(A), validatorIndex: 1 } });
  });

  it('a non-proposer schedules the propose timeout and asks for nothing else', () => {
    const d = new Driver(0);
    const actions = d.start();
    expect(ofKind(actions, 'buildBlock')).toEqual([]);
    expect(signRequests(actions)).toEqual([]);
    expect(ofKind(actions, 'scheduleTimeout').find((t) => t.step === 'propose')).toMatchObject({ height: 1, round: 0, durationMs: 3000 });
  });

  it('a block built for a round already left is not proposed', () => {
    const d = new Driver(1);
    d.start();
    d.timeout('propose', 0);
    expect(signRequests(d.step({ kind: 'blockBuilt', height: 1, round: 0, block: A })).filter((r) => r.message.tag === 'Proposal')).toEqual([]);
  });
});

describe('engine: transitions (table)', () => {
  const rows: { name: string; run: () => { d: Driver; actions: ReturnType<Driver['step']> }; votes: string[] }[] = [
    {
      name: 'L22: a valid proposal is prevoted once the node has executed it',
      run: () => {
        const d = new Driver(0);
        d.start();
        const received = d.deliver(signProposal(1, 1, 0, A));
        // Before execution: a checkProposal, no vote.
        expect(ofKind(received, 'checkProposal').map((c) => hex(c.blockHash))).toEqual([hA]);
        expect(votesAsked(received)).toEqual([]);
        return { d, actions: d.step({ kind: 'proposalChecked', height: 1, round: 0, blockHash: hashBlock(A), valid: true }) };
      },
      votes: [`prevote r0 ${hA}`],
    },
    {
      name: 'L22: an invalid proposal is prevoted nil',
      run: () => {
        const d = new Driver(0);
        d.start();
        return { d, actions: d.propose(0, A, { valid: false }) };
      },
      votes: ['prevote r0 nil'],
    },
    {
      name: 'L57: no proposal before the propose timeout: prevote nil',
      run: () => {
        const d = new Driver(0);
        d.start();
        return { d, actions: d.timeout('propose', 0) };
      },
      votes: ['prevote r0 nil'],
    },
    {
      name: 'L36: +2/3 prevotes for the proposal: lock and precommit it',
      run: () => {
        const d = prevotedA();
        return { d, actions: d.votes('prevote', [1, 2], 0, A) };
      },
      votes: [`precommit r0 ${hA}`],
    },
    {
      name: 'L44: +2/3 prevotes for nil: precommit nil',
      run: () => {
        const d = prevotedA();
        return { d, actions: d.votes('prevote', [1, 2, 3], 0, undefined) };
      },
      votes: ['precommit r0 nil'],
    },
    {
      name: 'L34 + L61: +2/3 prevotes of mixed values, then the prevote timeout: precommit nil',
      run: () => {
        const d = prevotedA();
        const mixed = [...d.votes('prevote', [1], 0, undefined), ...d.votes('prevote', [2], 0, B)];
        expect(ofKind(mixed, 'scheduleTimeout')).toEqual([{ kind: 'scheduleTimeout', height: 1, round: 0, step: 'prevote', durationMs: 1000 }]);
        expect(votesAsked(mixed)).toEqual([]);
        return { d, actions: d.timeout('prevote', 0) };
      },
      votes: ['precommit r0 nil'],
    },
    {
      name: 'L28: locked on A, a later proposal of B with a POL newer than the lock: prevote B (unlock)',
      run: () => {
        const d = lockedOnA();
        // Round 1: others saw B get a polka; this validator timed out and left the round.
        d.votes('precommit', [1, 2], 0, undefined);
        d.timeout('precommit', 0);
        d.timeout('propose', 1);
        d.votes('prevote', [1, 2, 3], 1, B);
        d.votes('precommit', [1, 2, 3], 1, undefined);
        d.timeout('precommit', 1);
        // Round 2: validator 3 re-proposes B with POL round 1.
        return { d, actions: d.propose(2, B, { polRound: 1 }) };
      },
      votes: [`prevote r2 ${hB}`],
    },
    {
      name: 'L28: locked on A in round 1, a re-proposal of B with an older POL (round 0): prevote nil',
      run: () => {
        const d = new Driver(0);
        d.start();
        d.timeout('propose', 0);
        d.votes('prevote', [1, 2, 3], 0, B);
        d.votes('precommit', [1, 2, 3], 0, undefined);
        d.timeout('precommit', 0);
        d.propose(1, A);
        d.votes('prevote', [1, 2], 1, A);
        expect(d.engine.snapshot()).toMatchObject({ lockedRound: 1, lockedBlockHash: hA });
        d.votes('precommit', [1, 2], 1, undefined);
        d.timeout('precommit', 1);
        return { d, actions: d.propose(2, B, { polRound: 0 }) };
      },
      votes: ['prevote r2 nil'],
    },
    {
      name: 'L22: locked on A, a fresh proposal of B: prevote nil; of A again: prevote A',
      run: () => {
        const d = lockedOnA();
        d.votes('precommit', [1, 2], 0, undefined);
        d.timeout('precommit', 0);
        expect(votesAsked(d.propose(1, B))).toEqual(['prevote r1 nil']);
        d.votes('precommit', [1, 2, 3], 1, undefined);
        d.timeout('precommit', 1);
        return { d, actions: d.propose(2, A) };
      },
      votes: [`prevote r2 ${hA}`],
    },
    {
      name: 'L36 relock: locked on A in round 0, +2/3 prevotes for B in round 1: lock B and precommit it',
      run: () => {
        const d = lockedOnA();
        d.votes('precommit', [1, 2], 0, undefined);
        d.timeout('precommit', 0);
        d.propose(1, B);
        return { d, actions: d.votes('prevote', [1, 2, 3], 1, B) };
      },
      votes: [`precommit r1 ${hB}`],
    },
  ];

  for (const row of rows) {
    it(row.name, () => {
      const { actions } = row.run();
      expect(votesAsked(actions)).toEqual(row.votes);
    });
  }

  it('locking records lockedRound/lockedValue and validRound/validValue', () => {
    const d = lockedOnA();
    expect(d.engine.snapshot()).toMatchObject({ phase: 'precommit', lockedRound: 0, lockedBlockHash: hA, validRound: 0, validBlockHash: hA });
  });

  it('relocking moves the lock to the later round and value', () => {
    const d = lockedOnA();
    d.votes('precommit', [1, 2], 0, undefined);
    d.timeout('precommit', 0);
    d.propose(1, B);
    d.votes('prevote', [1, 2, 3], 1, B);
    expect(d.engine.snapshot()).toMatchObject({ lockedRound: 1, lockedBlockHash: hB, validRound: 1, validBlockHash: hB });
  });

  it('+2/3 prevotes for a proposal seen after precommitting nil update validValue but not the lock', () => {
    const d = new Driver(0);
    d.start();
    d.timeout('propose', 0);
    // A polka for A forms before its proposal arrives: no L36 yet; the prevote timeout makes this one precommit nil.
    d.votes('prevote', [1, 2, 3], 0, A);
    expect(votesAsked(d.timeout('prevote', 0))).toEqual(['precommit r0 nil']);
    d.propose(0, A);
    expect(d.engine.snapshot()).toMatchObject({ lockedRound: -1, lockedBlockHash: undefined, validRound: 0, validBlockHash: hA });
  });
});

describe('engine: commit and rounds', () => {
  it('L49: +2/3 precommits for the proposal commit it with a certificate that verifies', () => {
    const d = lockedOnA();
    const actions = d.votes('precommit', [1, 3], 0, A);
    const [commit] = ofKind(actions, 'commit');
    expect(commit).toMatchObject({ height: 1, round: 0, block: A });
    expect(hex(commit.blockHash)).toBe(hA);
    expect(commit.certificate.precommits.map((p) => p.validatorIndex)).toEqual([0, 1, 3]);
    expect(verifyCertificate(commit.certificate, d.set, GENESIS, verifyEd25519, { height: 1, blockHash: hashBlock(A) })).toEqual({ ok: true, weight: 3 });
    expect(d.engine.snapshot()).toMatchObject({ phase: 'decided', decided: hA });
    // Decided: later inputs of this height ask for nothing more.
    expect(signRequests(d.timeout('propose', 0))).toEqual([]);
  });

  it('L49 in an earlier round: precommits for round 0 arriving in round 1 still commit', () => {
    const d = prevotedA();
    d.timeout('prevote', 0);
    d.votes('precommit', [1, 2], 0, undefined);
    d.timeout('precommit', 0);
    expect(d.engine.round).toBe(1);
    const late = d.deliver(signVote(1, 'precommit', 1, 0, hashBlock(A)), signVote(2, 'precommit', 1, 0, hashBlock(A)), signVote(3, 'precommit', 1, 0, hashBlock(A)));
    // Validators 1 and 2 equivocated (nil and A): counted for both values, and reported.
    expect(ofKind(late, 'evidence')).toHaveLength(2);
    expect(ofKind(late, 'commit')).toHaveLength(1);
  });

  it('+2/3 precommits for a block whose proposal never arrived do not commit; gossip asks to catch up', () => {
    const d = new Driver(0);
    d.start();
    const actions = d.votes('precommit', [1, 2, 3], 0, A);
    expect(ofKind(actions, 'commit')).toEqual([]);
    expect(ofKind(d.timeout('gossip', 0), 'catchUp')).toEqual([{ kind: 'catchUp', height: 1 }]);
    // The proposal shows up (block sync or gossip): checked, then committed.
    expect(ofKind(d.propose(0, A), 'commit')).toHaveLength(1);
  });

  it('a block checked invalid is never committed, even with +2/3 precommits', () => {
    const d = new Driver(0);
    d.start();
    d.propose(0, A, { valid: false });
    expect(ofKind(d.votes('precommit', [1, 2, 3], 0, A), 'commit')).toEqual([]);
  });

  it('L47 + L65: +2/3 precommits of any value, then the precommit timeout: next round with longer timeouts', () => {
    const d = prevotedA();
    d.votes('prevote', [1, 2, 3], 0, undefined);
    const wait = d.votes('precommit', [1, 2], 0, undefined);
    expect(ofKind(wait, 'scheduleTimeout')).toEqual([{ kind: 'scheduleTimeout', height: 1, round: 0, step: 'precommit', durationMs: 1100 }]);
    const next = d.timeout('precommit', 0);
    expect(d.engine.round).toBe(1);
    expect(ofKind(next, 'scheduleTimeout')).toEqual([{ kind: 'scheduleTimeout', height: 1, round: 1, step: 'propose', durationMs: 3500 }]);
    // Growing timeouts: round 3 waits 3000 + 3·500 for its proposal.
    d.votes('prevote', [1, 2, 3], 1, undefined);
    d.votes('precommit', [1, 2, 3], 1, undefined);
    d.timeout('precommit', 1);
    d.votes('prevote', [1, 2, 3], 2, undefined);
    d.votes('precommit', [1, 2, 3], 2, undefined);
    // Validator 0 proposes in round 3: it asks for a block and still schedules its propose timeout.
    const r3 = d.timeout('precommit', 2);
    expect(ofKind(r3, 'buildBlock')).toEqual([{ kind: 'buildBlock', height: 1, round: 3 }]);
    expect(ofKind(r3, 'scheduleTimeout')).toEqual([{ kind: 'scheduleTimeout', height: 1, round: 3, step: 'propose', durationMs: 4500 }]);
  });

  it('stale timeouts (other height, round or step) change nothing', () => {
    const d = prevotedA();
    for (const t of [
      { kind: 'timeout', height: 2, round: 0, step: 'prevote' },
      { kind: 'timeout', height: 1, round: 1, step: 'prevote' },
      { kind: 'timeout', height: 1, round: 0, step: 'propose' },
      { kind: 'timeout', height: 1, round: 1, step: 'precommit' },
    ] as const) {
      expect(d.step(t)).toEqual([]);
    }
    expect(d.engine.snapshot()).toMatchObject({ round: 0, phase: 'prevote' });
  });

  it('the proposer re-proposes its valid value with its POL round instead of building a block', () => {
    // Validator 3 proposes in round 2 of height 1.
    const d = new Driver(3);
    d.start();
    d.propose(0, A);
    d.votes('prevote', [0, 1], 0, A);
    expect(d.engine.snapshot()).toMatchObject({ lockedRound: 0, validRound: 0 });
    d.votes('precommit', [0, 1], 0, undefined);
    d.timeout('precommit', 0);
    d.timeout('propose', 1);
    d.votes('precommit', [0, 1, 2], 1, undefined);
    const r2 = d.timeout('precommit', 1);
    expect(ofKind(r2, 'buildBlock')).toEqual([]);
    const proposal = signRequests(r2).find((r) => r.message.tag === 'Proposal')!;
    expect(proposal.message.value).toMatchObject({ height: 1, round: 2, polRound: 0, validatorIndex: 3, block: A });
  });

  it('L55: messages of a later round from more than 1/3 of the weight skip to that round; from 1/3 or less they do not', () => {
    const d = new Driver(0);
    d.start();
    expect(d.votes('prevote', [1], 5, undefined).some((a) => a.kind === 'scheduleTimeout')).toBe(false);
    expect(d.engine.round).toBe(0);
    const skipped = d.votes('precommit', [2], 3, undefined);
    // Validators 1 (round 5) and 2 (round 3) are both at round ≥ 3: weight 2 of 4 > 1/3.
    expect(d.engine.round).toBe(3);
    expect(ofKind(skipped, 'scheduleTimeout')).toEqual([{ kind: 'scheduleTimeout', height: 1, round: 3, step: 'propose', durationMs: 4500 }]);
  });

  it('messages of the next height are buffered and count once that height starts', () => {
    const d = lockedOnA();
    const C = block('C');
    // Height 2 (proposer of round 0 is validator 2) runs ahead of this validator.
    const early = d.deliver(signProposal(2, 2, 0, C), ...[1, 2, 3].map((i) => signVote(i, 'precommit', 2, 0, hashBlock(C))));
    expect(ofKind(early, 'checkProposal')).toEqual([]);
    d.votes('precommit', [1, 2], 0, A);
    expect(d.engine.snapshot().phase).toBe('decided');
    const started = d.start(2);
    const [check] = ofKind(started, 'checkProposal');
    expect(check).toMatchObject({ height: 2, round: 0, block: C });
    const committed = d.step({ kind: 'proposalChecked', height: 2, round: 0, blockHash: check.blockHash, valid: true });
    expect(ofKind(committed, 'commit').map((c) => [c.height, hex(c.blockHash)])).toEqual([[2, hex(hashBlock(C))]]);
  });

  it('a later start abandons the height (block sync); an earlier or repeated start is ignored', () => {
    const d = prevotedA();
    expect(d.start(1)).toEqual([]);
    d.start(5);
    expect(d.engine.snapshot()).toMatchObject({ height: 5, round: 0, phase: 'propose', lockedRound: -1 });
    expect(d.start(4)).toEqual([]);
    expect(d.engine.height).toBe(5);
  });
});

describe('engine: what it refuses', () => {
  it('ignores a proposal from a validator that is not the round proposer, a bad signature, another chain, an unknown index', () => {
    const d = new Driver(0);
    d.start();
    d.timeout('propose', 0);
    const wrongProposer = signProposal(2, 1, 0, A);
    const badSignature = { ...signProposal(1, 1, 0, A), signature: new Uint8Array(64).fill(7) };
    const otherChainVote = signVote(1, 'prevote', 1, 0, undefined, hashBlock(block('other genesis')));
    const unknown = { ...signVote(1, 'prevote', 1, 0, undefined), message: { tag: 'Vote' as const, value: { type: 'prevote' as const, height: 1, round: 0, blockHash: undefined, validatorIndex: 9 } } };
    for (const m of [wrongProposer, badSignature, otherChainVote, unknown]) expect(d.deliver(m)).toEqual([]);
    // Had validator 1's nil prevote from the other chain counted, this one would make +2/3 nil and a nil precommit.
    expect(votesAsked(d.votes('prevote', [2], 0, undefined))).toEqual([]);
    expect(votesAsked(d.votes('prevote', [1], 0, undefined))).toEqual(['precommit r0 nil']);
  });

  it('ignores a POL round that is not below the proposal round', () => {
    const d = new Driver(0);
    d.start();
    expect(d.deliver(signProposal(1, 1, 0, A, 0))).toEqual([]);
  });

  it('an observer (no session key in the set) follows and commits but never signs', () => {
    const d = new Driver(undefined);
    d.start();
    d.propose(0, A);
    d.votes('prevote', [0, 1, 2], 0, A);
    const actions = d.votes('precommit', [0, 1, 2], 0, A);
    expect(ofKind(actions, 'commit')).toHaveLength(1);
    expect(signRequests(d.log)).toEqual([]);
    expect(d.engine.snapshot().selfIndex).toBe(-1);
  });
});

describe('engine: evidence', () => {
  it('two prevotes of one validator for different values in one round yield verifiable evidence, once', () => {
    const d = prevotedA();
    d.votes('prevote', [2], 0, A);
    const actions = d.votes('prevote', [2], 0, undefined);
    const [ev] = ofKind(actions, 'evidence');
    expect(ev.evidence.tag).toBe('DuplicateVote');
    expect(verifyEvidence(ev.evidence, d.set, GENESIS, verifyEd25519)).toEqual({ ok: true, offence: { height: 1, round: 0, validatorIndex: 2, step: 'prevote' } });
    expect(ofKind(d.deliver(signVote(2, 'prevote', 1, 0, hashBlock(B))), 'evidence')).toEqual([]);
  });

  it('two proposals of one proposer for one round yield ConflictingProposal evidence', () => {
    const d = new Driver(0);
    d.start();
    d.deliver(signProposal(1, 1, 0, A));
    const [ev] = ofKind(d.deliver(signProposal(1, 1, 0, B)), 'evidence');
    expect(ev.evidence.tag).toBe('ConflictingProposal');
    expect(verifyEvidence(ev.evidence, d.set, GENESIS, verifyEd25519).ok).toBe(true);
  });

  it('an equivocator counts toward each value it signed, so a polka another validator saw is confirmed here too', () => {
    const d = new Driver(0);
    d.start();
    d.timeout('propose', 0);
    // Validator 3 prevotes nil first, then A: both count (for different values).
    d.votes('prevote', [3], 0, undefined);
    d.propose(0, A);
    d.votes('prevote', [3], 0, A);
    d.votes('prevote', [1, 2], 0, A);
    expect(d.engine.snapshot()).toMatchObject({ validRound: 0, validBlockHash: hA });
  });
});

describe('engine: memory bounds', () => {
  it('messages beyond the future-round window are not stored, but still count toward a round skip', () => {
    const d = new Driver(0);
    d.start();
    // Round 20 is beyond round 0 + 10: these three nil prevotes move the engine there without being kept.
    d.votes('prevote', [1, 2, 3], 20, undefined);
    expect(d.engine.round).toBe(20);
    // Had they been kept, this validator's nil prevote would make +2/3 nil and a nil precommit.
    expect(votesAsked(d.timeout('propose', 20))).toEqual(['prevote r20 nil']);
    // Re-gossiped inside the window now, they count.
    expect(votesAsked(d.votes('prevote', [1, 2], 20, undefined))).toEqual(['precommit r20 nil']);
  });

  it('the next-height buffer keeps at most `futureHeightMessages` messages', () => {
    const d = new Driver(0);
    d.engine = new ConsensusEngine({ ...engineConfig(0), limits: { futureHeightMessages: 2 } });
    d.start();
    d.propose(0, A);
    const C = block('C');
    d.deliver(signProposal(2, 2, 0, C), ...[1, 2, 3].map((i) => signVote(i, 'precommit', 2, 0, hashBlock(C))));
    d.votes('prevote', [1, 2], 0, A);
    d.votes('precommit', [1, 2], 0, A);
    const started = d.start(2);
    // Kept: the proposal and one precommit; the other two were dropped, so no commit even once C checks valid.
    const [check] = ofKind(started, 'checkProposal');
    expect(ofKind(d.step({ kind: 'proposalChecked', height: 2, round: 0, blockHash: check.blockHash, valid: true }), 'commit')).toEqual([]);
  });

  it('messages of rounds pruned long ago are ignored', () => {
    const d = new Driver(0);
    d.engine = new ConsensusEngine({ ...engineConfig(0), limits: { pastRounds: 2 } });
    d.start();
    d.votes('prevote', [1, 2], 6, undefined);
    expect(d.engine.round).toBe(6);
    // Round 1 is below 6 − 2 and was never kept: +2/3 precommits for A there do not commit (nothing is stored).
    d.propose(1, A);
    expect(ofKind(d.votes('precommit', [1, 2, 3], 1, A), 'commit')).toEqual([]);
  });
});

describe('engine: gossip', () => {
  it('re-broadcasts the round messages and, for a peer at the previous height, the last commit', () => {
    const d = lockedOnA();
    const commit = ofKind(d.votes('precommit', [1, 2], 0, A), 'commit')[0];
    d.step({ kind: 'start', height: 2, validators: d.set, lastCommit: commit.certificate });
    d.votes('prevote', [1], 0, undefined, 2);
    const quiet = ofKind(d.timeout('gossip', 0, 2), 'broadcast').flatMap((b) => b.messages);
    expect(quiet.map((m) => m.message.value.height)).toEqual([2]);
    // Validator 3 is still at height 1: the next gossip carries the certificate's precommits.
    d.deliver(signVote(3, 'prevote', 1, 1, undefined));
    const helped = ofKind(d.timeout('gossip', 0, 2), 'broadcast').flatMap((b) => b.messages);
    const old = helped.filter((m) => m.message.value.height === 1);
    expect(old).toHaveLength(3);
    for (const m of old) {
      expect(verifyEd25519(voteSigningPayload(GENESIS, m.message.value as never), m.signature, validatorKey(m.message.value.validatorIndex).publicKey)).toBe(true);
    }
  });

  it('asks to catch up when more than 1/3 of the weight is at a later height', () => {
    const d = new Driver(0);
    d.start();
    d.deliver(signVote(1, 'prevote', 3, 0, undefined));
    expect(ofKind(d.timeout('gossip', 0), 'catchUp')).toEqual([]);
    d.deliver(signVote(2, 'precommit', 4, 1, undefined));
    expect(ofKind(d.timeout('gossip', 0), 'catchUp')).toEqual([{ kind: 'catchUp', height: 1 }]);
  });
});
