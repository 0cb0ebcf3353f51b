/**
 * Issue 9, block stuffing on the testnet: a proposal carries the whole block, and the engine re-broadcasts it every
 * `gossipMs`. Over real libp2p hosts on loopback: a proposal re-broadcast many times is written to a connected peer
 * once (it is known to have it), and not sent back to the peer it came from; after a reconnect it is sent again; a
 * copy dropped from the peer's bounded queue is sent by the next re-broadcast; votes are still re-sent every time.
 * The consensus channel carries a proposal of the largest valid block.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SignedMessageValue } from '../../../src/consensus/messages.js';
import { ConsensusBlock } from '../../../src/node/consensus-service.js';
import { CONSENSUS_GOSSIP_OPTIONS, CONSENSUS_MAX_MESSAGE_BYTES, ConsensusGossip, encodeConsensusEnvelope } from '../../../src/node/network.js';
import { DEFAULT_CHANNEL_OPTIONS, type P2pHost } from '../../../src/p2p/index.js';
import { CHAIN_RUNTIME_SPEC } from '../../../src/chain/index.js';
import { hashBlock, signProposal, signVote } from '../consensus/harness.js';
import { addrOf, keysFor, startHost, stopAll, waitFor } from '../p2p/helpers.js';

const running: P2pHost[] = [];
afterEach(async () => {
  await stopAll(running.splice(0));
});

const consensusStats = (h: P2pHost) => h.stats().gossip.channels.consensus;

/** A proposal of `bytes` block bytes (opaque to gossip). */
function bigProposal(height: number, bytes: number, fill: number): SignedMessageValue {
  return signProposal(1, height, 0, new Uint8Array(bytes).fill(fill));
}

/** Two hosts A and B connected on loopback, each with a ConsensusGossip recording what it delivers. */
async function pair(gossipOptions: Parameters<typeof startHost>[1]['gossip'] = CONSENSUS_GOSSIP_OPTIONS) {
  const [ka, kb] = await keysFor(['Alice', 'Bob']);
  const allowed = [ka.peerId, kb.peerId];
  const b = await startHost(kb, { allowedPeerIds: allowed, gossip: gossipOptions });
  running.push(b);
  const a = await startHost(ka, { allowedPeerIds: allowed, bootnodes: [addrOf(b)], gossip: gossipOptions });
  running.push(a);
  const got = { A: [] as SignedMessageValue[], B: [] as SignedMessageValue[] };
  const ga = new ConsensusGossip(a);
  const gb = new ConsensusGossip(b);
  ga.listen((m) => got.A.push(m));
  gb.listen((m) => got.B.push(m));
  await waitFor(() => [a, b].every((h) => h.stats().gossip.peers.length === 1 && h.stats().gossip.peers[0].streamOpen), 'the gossip streams');
  return { a, b, ga, gb, got };
}

describe('proposal gossip: once per peer', () => {
  it('a proposal re-broadcast 10 times is written to the peer once, and not sent back by the peer that got it; votes go every time', async () => {
    const { a, b, ga, gb, got } = await pair();
    const blockBytes = new Uint8Array(100_000).fill(1);
    const p = signProposal(1, 7, 0, blockBytes);
    for (let i = 0; i < 10; i++) {
      ga.broadcast(p);
      // Spread over event-loop turns, as the engine's gossip ticks are: some re-broadcasts come after the write.
      if (i % 3 === 0) await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => got.B.length === 1, 'the proposal at B');
    const vote = signVote(2, 'prevote', 7, 0, hashBlock(blockBytes));
    for (let i = 0; i < 3; i++) ga.broadcast(vote);
    await waitFor(() => got.B.length === 4, 'the three votes at B');
    expect(got.B).toEqual([p, vote, vote, vote]);
    expect(consensusStats(a)).toMatchObject({ sent: 4, skippedKnown: 9, broadcast: 4 });
    expect(consensusStats(b)).toMatchObject({ received: 4 });
    // B re-broadcasts the proposal object it received (as its engine does): A sent it, so A is known to have it.
    gb.broadcast(got.B[0]);
    gb.broadcast(got.B[0]);
    expect(consensusStats(b)).toMatchObject({ sent: 0, skippedKnown: 2, broadcast: 0 });
    expect(b.stats().gossip.peers[0].known).toBe(1);
    // A later proposal (new content) does go.
    const q = bigProposal(8, 1_000, 2);
    ga.broadcast(q);
    await waitFor(() => got.B.length === 5, 'the next proposal at B');
    expect(got.B[4]).toEqual(q);
    expect(got.A).toEqual([]);
  }, 30_000);

  it('after a reconnect the proposal is sent again, once', async () => {
    const { a, b, ga, got } = await pair();
    const p = bigProposal(9, 100_000, 3);
    ga.broadcast(p);
    await waitFor(() => got.B.length === 1, 'the proposal at B');
    ga.broadcast(p);
    expect(consensusStats(a)).toMatchObject({ sent: 1, skippedKnown: 1 });
    await a.disconnect(b.peerId);
    await waitFor(() => a.connectedPeers().length === 0 || a.stats().gossip.peers.every((x) => x.known === 0), 'A to forget B');
    // The host redials B (its bootnode); the new connection starts with nothing known.
    await waitFor(() => a.stats().gossip.peers.length === 1 && a.stats().gossip.peers[0].streamOpen && b.stats().gossip.peers.length === 1, 'the reconnection', 20_000);
    expect(a.stats().gossip.peers[0].known).toBe(0);
    ga.broadcast(p);
    ga.broadcast(p);
    // B's gossip layer drops a repeat of bytes it has seen, but every re-send has a fresh nonce: it is delivered.
    await waitFor(() => got.B.length === 2, 'the proposal at B again');
    expect(got.B).toEqual([p, p]);
    expect(consensusStats(a)).toMatchObject({ sent: 2, skippedKnown: 2 });
  }, 40_000);

  it('a proposal dropped from the peer’s full queue is sent by the next re-broadcast', async () => {
    // A queue of one message: a vote queued in the same turn evicts the proposal before it is written.
    const { a, ga, got } = await pair({ channels: { consensus: { maxMessageBytes: CONSENSUS_MAX_MESSAGE_BYTES, queue: { maxMessages: 1, maxBytes: 4 * CONSENSUS_MAX_MESSAGE_BYTES } } } });
    const p = bigProposal(11, 200_000, 4);
    const vote = signVote(2, 'prevote', 11, 0, undefined);
    ga.broadcast(p);
    ga.broadcast(p); // still queued: not queued twice
    ga.broadcast(vote);
    await waitFor(() => got.B.length === 1, 'the vote at B');
    expect(got.B).toEqual([vote]);
    expect(consensusStats(a)).toMatchObject({ dropped: 1, sent: 1, skippedKnown: 1 });
    ga.broadcast(p);
    await waitFor(() => got.B.length === 2, 'the proposal at B');
    expect(got.B).toEqual([vote, p]);
    ga.broadcast(p);
    expect(consensusStats(a)).toMatchObject({ sent: 2, skippedKnown: 2 });
  }, 30_000);
});

describe('the consensus channel limit', () => {
  it('carries a proposal of the largest valid block (the 5 MiB length limit, a header with digests), which the gossip default could not', async () => {
    const maxLength = CHAIN_RUNTIME_SPEC.limits.maxBlockLength;
    expect(maxLength).toBe(5 * 1024 * 1024);
    const header = {
      parentHash: new Uint8Array(32).fill(1),
      number: 0xffff_ffff,
      stateRoot: new Uint8Array(32).fill(2),
      extrinsicsRoot: new Uint8Array(32).fill(3),
      digest: { logs: Array.from({ length: 4 }, () => ({ tag: 'Other' as const, value: new Uint8Array(256).fill(4) })) },
    };
    // One extrinsic whose encoding (with its length prefix) is the whole length limit.
    const encoded = ConsensusBlock.encode({ header, extrinsics: [new Uint8Array(maxLength - 5).fill(5)] } as Parameters<typeof ConsensusBlock.encode>[0]);
    const p = signProposal(1, 0xffff_ffff, 0xffff_ffff, encoded, 0xffff_fffe);
    const envelope = encodeConsensusEnvelope(p, new Uint8Array(8));
    expect(envelope.length).toBeGreaterThan(maxLength);
    expect(envelope.length).toBeLessThanOrEqual(CONSENSUS_MAX_MESSAGE_BYTES);
    expect(envelope.length).toBeGreaterThan(DEFAULT_CHANNEL_OPTIONS.consensus.maxMessageBytes);
    // Over real hosts configured as the node configures them.
    const { ga, got } = await pair();
    ga.broadcast(p);
    await waitFor(() => got.B.length === 1, 'the largest proposal at B', 20_000);
    // Compared as a Buffer: a deep equality over 5 MiB element by element takes minutes.
    const value = got.B[0].message.value as { block: Uint8Array };
    expect(Buffer.from(value.block).equals(Buffer.from(encoded))).toBe(true);
  }, 40_000);
});
