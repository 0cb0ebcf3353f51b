/**
 * The consensus service (`src/node/consensus-service.ts`) as validator Alice of the `local` chain, with the other
 * three validators played by this test (their ed25519 session keys sign proposals and votes): a valid proposal is
 * executed and prevoted, a quorum commits it with a certificate that verifies, and the next height starts; a
 * proposal whose timestamp is too far ahead of the clock, or whose author digest names someone other than the
 * round's proposer, is prevoted nil; a validator's two precommits for one round are kept as evidence (once).
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposalHeader, proposalSigningPayload, voteSigningPayload, type ProposalValue, type SignedMessageValue } from '../../../src/consensus/messages.js';
import { keyPairFromUri } from '../../../src/crypto/keys.js';
import { buildBlock } from '../../../src/node/author.js';
import { ConsensusBlock, ConsensusService, hashConsensusBlock, nextHeightDelayMs } from '../../../src/node/consensus-service.js';
import { checkStoredJustification, consensusSetOf, storedJustification } from '../../../src/node/justification.js';
import { FileWal, walPath } from '../../../src/node/wal.js';
import { toHex } from '../../../src/primitives/bytes.js';
import { validators } from '../../../src/pallets/validator-set/index.js';
import { buildCertificate } from '../../../src/consensus/certificate.js';
import { waitFor } from '../p2p/helpers.js';
import { openLocalChain, precommits, sessionKey, type TestChain } from './certified-chain.js';

const logger = pino({ level: 'silent' });
const NOW = 1_800_000_000_000;

/** A vote of validator `i` (`blockHash` undefined = nil). */
function vote(genesis: Uint8Array, i: number, type: 'prevote' | 'precommit', height: number, round: number, blockHash: Uint8Array | undefined): SignedMessageValue {
  const value = { type, height, round, blockHash, validatorIndex: i };
  return { message: { tag: 'Vote', value }, signature: sessionKey(i).sign(voteSigningPayload(genesis, value)) };
}

describe('ConsensusService as validator Alice', () => {
  let alice: TestChain; // the service's chain
  let builder: TestChain; // where the other validators build their blocks
  let service: ConsensusService;
  let wal: FileWal;
  const sent: SignedMessageValue[] = [];
  const clock = NOW;

  /** A proposal by validator `i` of a block built on the builder chain for (height, round). */
  function propose(i: number, height: number, round: number, opts: { nowMs?: number; author?: number } = {}): { signed: SignedMessageValue; hash: Uint8Array; sealed: ReturnType<typeof buildBlock> } {
    const author = validators(builder.chain.headState())[opts.author ?? i].account;
    const sealed = buildBlock(builder.chain, builder.txs, { author, round, nowMs: BigInt(opts.nowMs ?? clock), maxExtrinsics: 10 });
    const p: ProposalValue = { height, round, polRound: undefined, validatorIndex: i, block: ConsensusBlock.encode({ header: sealed.header, extrinsics: sealed.extrinsics }) };
    const signature = sessionKey(i).sign(proposalSigningPayload(builder.chain.genesisHash, proposalHeader(p, sealed.hash)));
    return { signed: { message: { tag: 'Proposal', value: p }, signature }, hash: sealed.hash, sealed };
  }

  /** Alice's own votes of `type` at (height, round), as broadcast. */
  const own = (type: 'prevote' | 'precommit', height: number, round: number) =>
    sent.filter((m) => m.message.tag === 'Vote' && m.message.value.type === type && m.message.value.height === height && m.message.value.round === round);

  beforeAll(async () => {
    [alice, builder] = await Promise.all([openLocalChain(), openLocalChain()]);
    wal = await FileWal.open(walPath(alice.dir, 'local_testnet'));
    service = await ConsensusService.create({
      chain: alice.chain,
      txs: alice.txs,
      verifier: alice.verifier,
      sessionKey: keyPairFromUri('//Alice', 'ed25519'),
      wal,
      broadcast: (m) => sent.push(m),
      catchUp: () => undefined,
      logger,
      // Long timeouts: only the messages of this test move the engine.
      timeouts: { proposeMs: 600_000, prevoteMs: 600_000, precommitMs: 600_000, gossipMs: 600_000 },
      blockTimeMs: 0,
      maxDriftMs: 10_000,
      now: () => clock,
    });
    service.start();
    await waitFor(() => service.snapshot().height === 1, 'height 1');
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await wal?.close();
    await Promise.all([alice?.close(), builder?.close()]);
  });

  it('executes a valid proposal, prevotes it, precommits on +2/3 prevotes and commits on +2/3 precommits', async () => {
    const genesis = alice.chain.genesisHash;
    // Proposer of (1, 0) is validator (1 + 0) mod 4 = Bob.
    const { signed, hash, sealed } = propose(1, 1, 0);
    service.receive(signed);
    await waitFor(() => own('prevote', 1, 0).length === 1, 'Alice’s prevote');
    expect(own('prevote', 1, 0)[0].message.value).toMatchObject({ blockHash: hash, validatorIndex: 0 });
    for (const i of [1, 2]) service.receive(vote(genesis, i, 'prevote', 1, 0, hash));
    await waitFor(() => own('precommit', 1, 0).length === 1, 'Alice’s precommit');
    for (const i of [1, 2]) service.receive(vote(genesis, i, 'precommit', 1, 0, hash));
    await waitFor(() => alice.chain.head.number === 1, 'the commit');
    expect(toHex(alice.chain.head.hash)).toBe(toHex(hash));
    const j = alice.chain.db.getJustification(hash)!;
    expect(checkStoredJustification(j, consensusSetOf(alice.chain.runtime.validators(alice.chain.stateAt(alice.chain.hashAt(0)!)!)), genesis, 1, hash)).toMatchObject({ ok: true });
    await waitFor(() => service.snapshot().height === 2, 'height 2');
    expect(service.stats()).toMatchObject({ checked: 1, invalid: 0, committed: 1 });
    // The builder follows with the same block.
    await builder.chain.commit(sealed, storedJustification(buildCertificate(1, 0, hash, precommits(genesis, 1, 0, hash, [0, 1, 2]))));
    // Every message Alice sent is in its WAL first.
    const reader = await FileWal.open(wal.path);
    expect(await reader.load()).toEqual(sent);
    await reader.close();
  });

  it('prevotes nil for a proposal from the future, or one naming another author', async () => {
    // Proposer of (2, 0) is Charlie: its block is stamped 60 s ahead of Alice's clock.
    service.receive(propose(2, 2, 0, { nowMs: clock + 60_000 }).signed);
    await waitFor(() => own('prevote', 2, 0).length === 1, 'Alice’s prevote at (2, 0)');
    expect(own('prevote', 2, 0)[0].message.value).toMatchObject({ blockHash: undefined });
    // Round 1 (proposer Dave) after the others move on: a block whose digest names Bob as author.
    const genesis = alice.chain.genesisHash;
    for (const i of [1, 2, 3]) service.receive(vote(genesis, i, 'prevote', 2, 1, undefined));
    for (const i of [1, 2, 3]) service.receive(vote(genesis, i, 'precommit', 2, 1, undefined));
    await waitFor(() => service.snapshot().round === 1, 'round 1 (round skip)');
    service.receive(propose(3, 2, 1, { author: 1 }).signed);
    await waitFor(() => service.stats().invalid === 2, 'the second invalid proposal');
    expect(service.stats()).toMatchObject({ checked: 3, invalid: 2 });
  });

  it('keeps two different precommits of one validator in one round as evidence, once', async () => {
    const genesis = alice.chain.genesisHash;
    const h = service.snapshot().height;
    const r = service.snapshot().round;
    service.receive(vote(genesis, 3, 'precommit', h, r + 2, undefined));
    service.receive(vote(genesis, 3, 'precommit', h, r + 2, new Uint8Array(32).fill(9)));
    await waitFor(() => service.equivocations().length === 1, 'the evidence');
    const [e] = service.equivocations();
    expect(e.offence).toMatchObject({ height: h, round: r + 2, validatorIndex: 3, step: 'precommit' });
    expect(e.sessionKey).toBe(toHex(sessionKey(3).publicKey));
    // The same pair again is not a second report.
    service.receive(vote(genesis, 3, 'precommit', h, r + 2, new Uint8Array(32).fill(9)));
    // The queue is serial: a task queued after the message runs after it was processed.
    await service.exclusive(async () => undefined);
    expect(service.equivocations()).toHaveLength(1);
  });
});

describe('ConsensusService: restart and timing', () => {
  const opened: TestChain[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((t) => t.close()));
  });

  /** A service as validator Alice on `t`'s chain and WAL, with its clock at `clock()` and `blockTimeMs`. */
  async function aliceService(t: TestChain, wal: FileWal, sent: SignedMessageValue[], blockTimeMs: number, clock: () => number): Promise<ConsensusService> {
    const service = await ConsensusService.create({
      chain: t.chain,
      txs: t.txs,
      verifier: t.verifier,
      sessionKey: keyPairFromUri('//Alice', 'ed25519'),
      wal,
      broadcast: (m) => sent.push(m),
      catchUp: () => undefined,
      logger,
      timeouts: { proposeMs: 600_000, prevoteMs: 600_000, precommitMs: 600_000, gossipMs: 600_000 },
      blockTimeMs,
      maxDriftMs: 10_000,
      now: clock,
    });
    service.start();
    return service;
  }

  /** Bob's proposal for (1, 0), built on `builder` with timestamp `nowMs`. */
  function bobProposal(builder: TestChain, nowMs: number): { signed: SignedMessageValue; hash: Uint8Array } {
    const sealed = buildBlock(builder.chain, builder.txs, { author: validators(builder.chain.headState())[1].account, round: 0, nowMs: BigInt(nowMs), maxExtrinsics: 10 });
    const p: ProposalValue = { height: 1, round: 0, polRound: undefined, validatorIndex: 1, block: ConsensusBlock.encode({ header: sealed.header, extrinsics: sealed.extrinsics }) };
    const signature = sessionKey(1).sign(proposalSigningPayload(builder.chain.genesisHash, proposalHeader(p, sealed.hash)));
    return { signed: { message: { tag: 'Proposal', value: p }, signature }, hash: sealed.hash };
  }

  it('a validator restarted while locked re-proposes its locked block with its POL round (the WAL keeps block and POL)', async () => {
    const [alice, builder] = await Promise.all([openLocalChain(), openLocalChain()]);
    opened.push(alice, builder);
    const genesis = alice.chain.genesisHash;
    const path = walPath(alice.dir, 'local_testnet');
    const sent: SignedMessageValue[] = [];
    let wal = await FileWal.open(path);
    let service = await aliceService(alice, wal, sent, 0, () => NOW);
    await waitFor(() => service.snapshot().height === 1, 'height 1');
    const { signed, hash } = bobProposal(builder, NOW);
    service.receive(signed);
    for (const i of [1, 2]) service.receive(vote(genesis, i, 'prevote', 1, 0, hash));
    await waitFor(() => sent.some((m) => m.message.tag === 'Vote' && m.message.value.type === 'precommit'), 'Alice’s precommit (locked)');
    await service.stop();
    await wal.close();

    // Restarted from the same base path: round 3 of height 1 is Alice's ((1 + 3) mod 4 = 0).
    sent.length = 0;
    wal = await FileWal.open(path);
    service = await aliceService(alice, wal, sent, 0, () => NOW);
    await waitFor(() => service.snapshot().height === 1, 'height 1 after the restart');
    expect(service.snapshot()).toMatchObject({ lockedRound: 0, validRound: 0, validBlockHash: toHex(hash).slice(2) });
    for (const i of [1, 2]) service.receive(vote(genesis, i, 'prevote', 1, 3, undefined));
    await waitFor(() => sent.some((m) => m.message.tag === 'Proposal'), 'Alice’s proposal in round 3');
    const proposal = sent.find((m) => m.message.tag === 'Proposal')!.message.value as ProposalValue;
    expect({ round: proposal.round, polRound: proposal.polRound, hash: toHex(hashConsensusBlock(proposal.block)) }).toEqual({ round: 3, polRound: 0, hash: toHex(hash) });
    expect(service.stats().built).toBe(0);
    await service.stop();
    await wal.close();
  }, 60_000);

  it('starts the next height from the commit: a block stamped a block time ago is followed at once, whenever this height began', async () => {
    const [alice, builder] = await Promise.all([openLocalChain(), openLocalChain()]);
    opened.push(alice, builder);
    const genesis = alice.chain.genesisHash;
    const wal = await FileWal.open(walPath(alice.dir, 'local_testnet'));
    await wal.load();
    const sent: SignedMessageValue[] = [];
    // A block time of 10 minutes, and the clock standing still: timed from this validator's own start of height 1
    // (the old rule), height 2 would begin only 10 minutes from now.
    const blockTimeMs = 600_000;
    const service = await aliceService(alice, wal, sent, blockTimeMs, () => NOW);
    await waitFor(() => service.snapshot().height === 1, 'height 1');
    // Bob built the block a block time ago (Alice started late, say after a resync): the commit is due now.
    const { signed, hash } = bobProposal(builder, NOW - blockTimeMs);
    service.receive(signed);
    for (const i of [1, 2]) service.receive(vote(genesis, i, 'prevote', 1, 0, hash));
    for (const i of [1, 2]) service.receive(vote(genesis, i, 'precommit', 1, 0, hash));
    await waitFor(() => alice.chain.head.number === 1, 'the commit');
    await waitFor(() => service.snapshot().height === 2, 'height 2, at once');
    await service.stop();
    await wal.close();
  }, 60_000);
});

describe('nextHeightDelayMs (the timing rule)', () => {
  const B = 1000;
  it('waits until a block time after the committed block’s timestamp, from the commit', () => {
    // Committed 40 ms after the block was stamped: the next height starts 960 ms after the commit.
    expect(nextHeightDelayMs(NOW + 40, NOW, B)).toBe(960);
    // Two validators that committed 3 ms apart start the next height at the same instant (the stamp is common).
    expect(NOW + 40 + nextHeightDelayMs(NOW + 40, NOW, B)).toBe(NOW + 43 + nextHeightDelayMs(NOW + 43, NOW, B));
  });

  it('starts at once after a slow height or a synced block, and waits at most one block time', () => {
    expect(nextHeightDelayMs(NOW + 1500, NOW, B)).toBe(0);
    expect(nextHeightDelayMs(NOW + B, NOW, B)).toBe(0);
    // A proposer clock ahead of ours (within the allowed drift): never more than a block time after the commit.
    expect(nextHeightDelayMs(NOW, NOW + 5000, B)).toBe(B);
    expect(nextHeightDelayMs(NOW, NOW, 0)).toBe(0);
  });
});
