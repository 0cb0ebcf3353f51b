/**
 * The node's gossip (`src/node/network.ts`) over real libp2p hosts: consensus envelopes carry a fresh nonce per
 * send, so a re-send reaches a peer that has seen the message (the gossip layer would drop equal bytes), while only
 * a first sighting is forwarded (a proposal is re-sent only to a peer not known to have it: proposal-gossip.test.ts); transactions that become ready in one node's pool reach a peer's pool in batches,
 * and a batch with a badly signed transaction is rejected.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignedMessage, type SignedMessageValue } from '../../../src/consensus/messages.js';
import { allowedPeerIds, ConsensusGossip, decodeConsensusEnvelope, encodeConsensusEnvelope, TransactionGossip, TxBatchCodec } from '../../../src/node/network.js';
import type { P2pHost } from '../../../src/p2p/index.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { block, hashBlock, signProposal, signVote } from '../consensus/harness.js';
import { keysFor, startHost, waitFor } from '../p2p/helpers.js';
import { devAccount, freshAccount, remarkCall, signExtrinsic, transferKeepAliveCall } from '../../e2e/support.js';
import { openLocalChain, type TestChain } from './certified-chain.js';

const logger = pino({ level: 'silent' });

describe('consensus envelopes', () => {
  it('round-trip, and differ by nonce only', () => {
    const m = signVote(1, 'prevote', 3, 0, hashBlock(block('A')));
    const e1 = encodeConsensusEnvelope(m, new Uint8Array(8).fill(1));
    const e2 = encodeConsensusEnvelope(m, new Uint8Array(8).fill(2));
    expect(decodeConsensusEnvelope(e1).signed).toEqual(m);
    expect(decodeConsensusEnvelope(e1).id).toEqual(decodeConsensusEnvelope(e2).id);
    expect(decodeConsensusEnvelope(e1).id).toEqual(blake2_256(SignedMessage.encode(m)));
    expect(blake2_256(e1)).not.toEqual(blake2_256(e2));
    expect(() => decodeConsensusEnvelope(new Uint8Array(8))).toThrow();
    expect(() => decodeConsensusEnvelope(new Uint8Array(12))).toThrow();
  });

  it('the allowlist is the validators’ peer ids plus the reserved ones, without empties or duplicates', () => {
    const enc = new TextEncoder();
    const v = (id: string) => ({ account: new Uint8Array(32), sessionKey: new Uint8Array(32), peerId: enc.encode(id) });
    expect(allowedPeerIds([v('a'), v(''), v('b')], ['b', 'c', ''], ['d', 'a']).sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('gossip over real hosts: A — B — C in a line', () => {
  let hosts: P2pHost[] = [];
  const got: Record<'A' | 'B' | 'C', SignedMessageValue[]> = { A: [], B: [], C: [] };
  let gossips: ConsensusGossip[] = [];
  let chains: TestChain[] = [];
  let txg: TransactionGossip[] = [];

  beforeAll(async () => {
    const [ka, kb, kc, kd] = await keysFor(['Alice', 'Bob', 'Charlie', 'Dave']);
    // Dave joins later (the transaction test).
    const allowed = [ka.peerId, kb.peerId, kc.peerId, kd.peerId];
    chains = await Promise.all([openLocalChain(), openLocalChain(), openLocalChain()]);
    const b = await startHost(kb, { allowedPeerIds: allowed });
    const a = await startHost(ka, { allowedPeerIds: allowed, bootnodes: b.listenAddrs });
    const c = await startHost(kc, { allowedPeerIds: allowed, bootnodes: b.listenAddrs });
    hosts = [a, b, c];
    gossips = hosts.map((h) => new ConsensusGossip(h));
    gossips.forEach((g, i) => g.listen((m) => got[(['A', 'B', 'C'] as const)[i]].push(m)));
    txg = hosts.map((h, i) => new TransactionGossip(h, chains[i].txs, logger));
    for (const g of txg) g.start();
    await waitFor(() => b.connectedPeers().length === 2 && a.connectedPeers().length === 1 && c.connectedPeers().length === 1, 'the line to connect');
  }, 60_000);

  afterAll(async () => {
    for (const g of txg) g.stop();
    await Promise.all(hosts.map((h) => h.stop()));
    await Promise.all(chains.map((c) => c.close()));
  });

  it('delivers every re-send of a vote to the neighbour, a proposal once; forwarding only the first sighting', async () => {
    const m = signVote(3, 'prevote', 5, 0, hashBlock(block('P')));
    gossips[0].broadcast(m);
    await waitFor(() => got.B.length === 1 && got.C.length === 1, 'the first send at B and, forwarded, at C');
    gossips[0].broadcast(m);
    gossips[0].broadcast(m);
    await waitFor(() => got.B.length === 3, 'both re-sends at B');
    // A proposal (it carries the block) goes to B once however often it is re-broadcast (proposal-gossip.test.ts).
    const p = signProposal(1, 5, 0, block('P'));
    gossips[0].broadcast(p);
    gossips[0].broadcast(p);
    // A later, different message overtakes nothing: once it is at C, any forwarded re-send would be there too.
    const marker = signVote(2, 'prevote', 5, 0, undefined);
    gossips[0].broadcast(marker);
    await waitFor(() => got.C.length === 3 && got.B.length === 5, 'the marker at B and C');
    expect(got.C).toEqual([m, p, marker]);
    expect(got.B).toEqual([m, m, m, p, marker]);
    expect(got.A).toEqual([]);
  });

  it('gossips ready transactions to the peers’ pools in batches; a badly signed one gets the batch rejected', async () => {
    const alice = await devAccount('Alice');
    const genesisHash = chains[0].chain.genesisHash;
    const xts = await Promise.all(
      [0, 1, 2].map(async (nonce) => signExtrinsic(alice, transferKeepAliveCall((await freshAccount()).publicKey, 10n ** 12n), { genesisHash }, { nonce })),
    );
    for (const x of xts) await chains[0].txs.submit(x);
    const hashes = xts.map((x) => blake2_256(x));
    await waitFor(() => hashes.every((h) => chains[1].txs.pool.has(h) && chains[2].txs.pool.has(h)), 'the transactions in B’s and C’s pools');
    // B also holds a transaction too large for a gossip message (1.5 MB): it must not take the re-send down with it.
    const bob = await devAccount('Bob');
    const big = signExtrinsic(bob, remarkCall(new Uint8Array(1_500_000)), { genesisHash }, { nonce: 0 });
    await chains[1].txs.submit(big);
    // D connects to B later: B re-sends its ready transactions on the new connection.
    const [kd] = await keysFor(['Dave']);
    const late = await openLocalChain();
    chains.push(late);
    const d = await startHost(kd, { allowedPeerIds: [kd.peerId, hosts[1].peerId], bootnodes: hosts[1].listenAddrs });
    hosts.push(d);
    const dGossip = new TransactionGossip(d, late.txs, logger);
    dGossip.start();
    txg.push(dGossip);
    await waitFor(() => hashes.every((h) => late.txs.pool.has(h)), 'the transactions in D’s pool');
    expect([chains[0], chains[2], late].map((c) => c.txs.pool.has(blake2_256(big)))).toEqual([false, false, false]);
    const before = hosts[1].stats().gossip.channels.transactions.rejected;
    const bad = xts[0].slice();
    bad[bad.length - 40] ^= 1; // inside the call: the signature no longer covers it
    hosts[0].broadcast('transactions', TxBatchCodec.encode([bad]));
    await waitFor(() => hosts[1].stats().gossip.channels.transactions.rejected === before + 1, 'B to reject the batch');
    expect(chains[1].txs.pool.has(blake2_256(bad))).toBe(false);
  });
});
