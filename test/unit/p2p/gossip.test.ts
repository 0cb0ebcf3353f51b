/**
 * Gossip among real hosts on 127.0.0.1: exactly-once delivery with deduplication, verdict-driven forwarding,
 * bounded queues under a slow peer, and malformed input from a raw libp2p peer.
 */
import { noise } from '@chainsafe/libp2p-noise';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { afterEach, describe, expect, it } from 'vitest';
import { GossipError, type GossipChannel, type GossipVerdict, type P2pHost } from '../../../src/p2p/index.js';
import { encodeFrame } from '../../../src/p2p/framing.js';
import { decodeView, encodeView, MAX_VIEW_PEERS } from '../../../src/p2p/gossip.js';
import { utf8 } from '../../../src/primitives/bytes.js';
import { addrOf, keysFor, startHost, startMesh, stopAll, waitFor } from './helpers.js';

const running: P2pHost[] = [];
afterEach(async () => {
  await stopAll(running.splice(0));
});

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Record every message each host's handlers see, per channel, answering with `verdict`. */
function record(hosts: P2pHost[], verdict: (host: number, msg: string) => GossipVerdict = () => 'accept'): Array<Map<string, number>> {
  return hosts.map((h, i) => {
    const seen = new Map<string, number>();
    for (const channel of ['consensus', 'transactions'] as GossipChannel[]) {
      h.on(channel, (b) => {
        const key = `${channel}:${text(b)}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        return verdict(i, text(b));
      });
    }
    return seen;
  });
}

/** True when nothing is queued, in flight or being validated: every copy written has been received. */
function quiet(hosts: P2pHost[]): boolean {
  let sent = 0;
  let received = 0;
  for (const h of hosts) {
    const g = h.stats().gossip;
    if (g.peers.some((p) => p.pendingValidations > 0 || p.channels.consensus.queued > 0 || p.channels.transactions.queued > 0)) return false;
    for (const c of Object.values(g.channels)) {
      sent += c.sent;
      received += c.received;
    }
  }
  return sent === received;
}

describe('peer views', () => {
  it('round-trip peer ids, dropping empty and oversized ids and anything past the bound', () => {
    const ids = ['12D3KooWBkZEeJdTKkhcsPMF3sw5Ew14MgyKSNTWsaSwo3FXXDX5', '12D3KooWEsBo6DnRFYmp88d6yodoPXV3A4ZE5Kh6mgMButFRU3dD'];
    expect([...decodeView(encodeView(ids))]).toEqual(ids);
    expect(decodeView(new Uint8Array(0)).size).toBe(0);
    expect([...decodeView(utf8(`a\n\n${'x'.repeat(129)}\nb`))]).toEqual(['a', 'b']);
    const many = Array.from({ length: MAX_VIEW_PEERS + 5 }, (_, i) => `p${i}`);
    expect(decodeView(encodeView(many)).size).toBe(MAX_VIEW_PEERS);
    expect(decodeView(utf8(many.join('\n'))).size).toBe(MAX_VIEW_PEERS);
  });
});

describe('gossip', () => {
  it('delivers every message to every host exactly once in a 4-host mesh, without forwarding once views are known', async () => {
    const keys = await keysFor(['Alice', 'Bob', 'Charlie', 'Dave']);
    const hosts = await startMesh(keys);
    running.push(...hosts);
    await waitFor(() => hosts.every((h) => h.stats().gossip.peers.length === 3 && h.stats().gossip.peers.every((p) => p.streamOpen)), 'gossip streams');
    // Every host holds the view of each of its three peers, and each view lists the other three hosts.
    await waitFor(() => hosts.every((h) => h.stats().gossip.views === 3), 'every peer view');
    const seen = record(hosts);
    const perHost = { transactions: 50, consensus: 10 };
    for (const [i, h] of hosts.entries()) {
      for (const [channel, n] of Object.entries(perHost) as Array<[GossipChannel, number]>) {
        for (let k = 0; k < n; k++) expect(h.broadcast(channel, utf8(`${i}-${k}`)).peers).toBe(3);
      }
    }
    const fromOthers = 3 * (perHost.transactions + perHost.consensus);
    await waitFor(() => seen.every((m) => m.size === fromOthers), 'every host to get every other host’s messages');
    await waitFor(() => quiet(hosts), 'queues to drain');

    const total = 4 * (perHost.transactions + perHost.consensus);
    let received = 0;
    let duplicates = 0;
    for (const [i, m] of seen.entries()) {
      // Exactly once, and never its own messages.
      expect([...m.values()].every((n) => n === 1)).toBe(true);
      expect([...m.keys()].some((k) => k.split(':')[1].startsWith(`${i}-`))).toBe(false);
      for (const c of Object.values(hosts[i].stats().gossip.channels)) {
        received += c.received;
        duplicates += c.duplicates;
        expect(c.dropped).toBe(0);
      }
    }
    // Each message: 3 direct copies and no forwarding, since every host knows the sender reaches every other host.
    expect(received).toBe(3 * total);
    expect(duplicates).toBe(0);
  });

  it('delivers a burst larger than the Yamux window intact (frames split across pooled transport chunks)', async () => {
    const keys = await keysFor(['Alice', 'Bob']);
    const hosts = await startMesh(keys);
    running.push(...hosts);
    await waitFor(() => hosts.every((h) => h.stats().gossip.peers.every((p) => p.streamOpen)), 'gossip streams');
    const got: number[] = [];
    hosts[1].on('transactions', (b) => {
      got.push(new DataView(b.buffer, b.byteOffset).getUint32(0));
      return 'ignore';
    });
    // 5,000 × 205 bytes on the wire ≈ 1 MB: four 256 KiB batches, each cut by the 256 KiB initial window.
    for (let k = 0; k < 5000; k++) {
      const m = new Uint8Array(200).fill(k & 0xff);
      new DataView(m.buffer).setUint32(0, k);
      hosts[0].broadcast('transactions', m);
    }
    await waitFor(() => got.length === 5000, 'all 5,000 messages');
    expect(got).toEqual(Array.from({ length: 5000 }, (_, k) => k));
  });

  it('forwards accepted messages and stops rejected ones (line A – B – C)', async () => {
    const [a, b, c] = await keysFor(['Alice', 'Bob', 'Charlie']);
    const hostB = await startHost(b, { allowedPeerIds: [a.peerId, b.peerId, c.peerId] });
    running.push(hostB);
    // A and C allow only B, so everything between them goes through B.
    const hostA = await startHost(a, { allowedPeerIds: [a.peerId, b.peerId], bootnodes: [addrOf(hostB)] });
    const hostC = await startHost(c, { allowedPeerIds: [b.peerId, c.peerId], bootnodes: [addrOf(hostB)] });
    running.push(hostA, hostC);
    await waitFor(() => hostB.stats().gossip.peers.length === 2 && hostB.stats().gossip.peers.every((p) => p.streamOpen), 'B’s streams');
    await waitFor(() => hostA.stats().gossip.peers.some((p) => p.streamOpen), 'A’s stream');
    const [, seenB, seenC] = record([hostA, hostB, hostC], (host, msg) => (host === 1 && msg.startsWith('bad') ? 'reject' : 'accept'));

    for (const m of ['good-1', 'bad-1', 'good-2']) hostA.broadcast('consensus', utf8(m));
    // One stream, handled in order: when good-2 has reached C, a forwarded bad-1 would have arrived before it.
    await waitFor(() => seenC.has('consensus:good-2'), 'good-2 to reach C through B');
    expect(seenB.get('consensus:bad-1')).toBe(1);
    expect([...seenC.keys()].sort()).toEqual(['consensus:good-1', 'consensus:good-2']);
    const statsB = hostB.stats().gossip;
    expect(statsB.channels.consensus.rejected).toBe(1);
    expect(statsB.channels.consensus.accepted).toBe(2);
    expect(statsB.peers.find((p) => p.peer === a.peerId)!.rejected).toBe(1);

    // A handler that throws (or returns a promise that rejects) counts as `ignore`: not forwarded, node unharmed.
    hostB.on('transactions', (bytes) => {
      if (text(bytes) === 'throws') throw new Error('boom');
      if (text(bytes) === 'rejects') return Promise.reject(new Error('async boom'));
      return Promise.resolve('accept');
    });
    for (const m of ['throws', 'rejects', 'ok-async']) hostA.broadcast('transactions', utf8(m));
    await waitFor(() => seenC.has('transactions:ok-async'), 'the async-accepted message to reach C');
    await waitFor(() => hostB.stats().gossip.channels.transactions.handlerErrors === 2, 'both handler failures to be counted');
    expect(seenC.has('transactions:throws') || seenC.has('transactions:rejects')).toBe(false);
    expect(hostA.connectedPeers()).toEqual([b.peerId]);
  });

  it('bounds the queues to a slow peer without slowing the others, and recovers', async () => {
    const keys = await keysFor(['Alice', 'Bob', 'Charlie', 'Dave']);
    const queue = { maxMessages: 64, maxBytes: 64 * 1024 };
    const hosts = await startMesh(keys, {
      gossip: { maxPendingValidations: 8, channels: { transactions: { maxMessageBytes: 2048, queue: { ...queue, policy: 'drop-newest' } } } },
    });
    running.push(...hosts);
    await waitFor(() => hosts.every((h) => h.stats().gossip.peers.every((p) => p.streamOpen)), 'gossip streams');
    const [alice, bob, charlie, dave] = hosts;
    const counts = [0, 0, 0, 0];
    for (const [i, h] of [bob, charlie].entries()) {
      h.on('transactions', () => {
        counts[i + 1]++;
        return 'accept';
      });
    }
    // Dave validates nothing until the gate opens: 8 validations in flight, then his streams pause.
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    dave.on('transactions', async (): Promise<GossipVerdict> => {
      await gate;
      counts[3]++;
      return 'accept';
    });

    const N = 3000;
    const CHUNK = 50; // ≤ the queue limit, so only a peer that stops reading can overflow one
    const payload = (k: number): Uint8Array => {
      const b = new Uint8Array(1000);
      new DataView(b.buffer).setUint32(0, k);
      return b;
    };
    for (let k = 0; k < N; k += CHUNK) {
      for (let j = k; j < k + CHUNK; j++) alice.broadcast('transactions', payload(j));
      await waitFor(() => counts[1] === k + CHUNK && counts[2] === k + CHUNK, `Bob and Charlie to get ${k + CHUNK} messages`);
    }
    // Bob and Charlie got everything exactly once (the handler is behind dedup) while Dave stalled.
    expect(counts[1]).toBe(N);
    expect(counts[2]).toBe(N);
    const toDave = alice.stats().gossip.peers.find((p) => p.peer === dave.peerId)!.channels.transactions;
    expect(toDave.highWater).toBeLessThanOrEqual(queue.maxMessages);
    expect(toDave.queuedBytes).toBeLessThanOrEqual(queue.maxBytes);
    expect(toDave.dropped).toBeGreaterThan(0);
    for (const p of dave.stats().gossip.peers) expect(p.pendingValidations).toBeLessThanOrEqual(8);
    const toBob = alice.stats().gossip.peers.find((p) => p.peer === bob.peerId)!.channels.transactions;
    expect(toBob.dropped).toBe(0);

    // Dave catches up with what was kept, and a fresh message reaches him again.
    openGate();
    const fresh = utf8('fresh');
    let daveGotFresh = false;
    dave.on('transactions', (b) => {
      if (text(b) === 'fresh') daveGotFresh = true;
      return 'accept';
    });
    await waitFor(() => quiet(hosts), 'the backlog to drain');
    alice.broadcast('transactions', fresh);
    await waitFor(() => daveGotFresh, 'Dave to get a fresh message after the stall');
    expect(counts[3]).toBeGreaterThan(0);
    expect(counts[3]).toBeLessThan(N);
  });

  it('refuses oversized broadcasts and survives malformed frames from a raw peer', async () => {
    const [alice, raw] = await keysFor(['Alice', 'Raw']);
    const host = await startHost(alice, {
      allowedPeerIds: [alice.peerId, raw.peerId],
      gossip: { channels: { consensus: { maxMessageBytes: 1024, queue: { maxBytes: 4096 } } } },
    });
    running.push(host);
    expect(() => host.broadcast('consensus', new Uint8Array(1025))).toThrow(GossipError);

    const got: string[] = [];
    host.on('consensus', (b) => {
      got.push(text(b));
      return 'accept';
    });
    const node = await createLibp2p({
      privateKey: raw.privateKey,
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
    });
    try {
      const conn = await node.dial(multiaddr(addrOf(host)));
      const send = async (frames: Uint8Array): Promise<void> => {
        const s = await conn.newStream('/dcn/gossip/1', { negotiateFully: true });
        s.send(frames);
        await s.close().catch(() => undefined);
      };
      // Unknown channel and empty frame: skipped, stream kept; then a valid message on the same stream.
      await send(new Uint8Array([...encodeFrame(new Uint8Array([9, 1, 2])), ...encodeFrame(new Uint8Array(0)), ...encodeFrame(new Uint8Array([2, ...utf8('ok-1')]))]));
      await waitFor(() => got.includes('ok-1'), 'the valid frame after junk');
      expect(host.stats().gossip.unknownFrames).toBe(2);
      // A message above the channel's limit inside an acceptable frame: counted, skipped.
      await send(encodeFrame(new Uint8Array([2, ...new Uint8Array(1025)])));
      await waitFor(() => host.stats().gossip.channels.consensus.oversized === 1, 'the oversized message to be counted');
      // A header announcing 2 GiB: the stream is closed, the host lives on.
      await send(new Uint8Array([0x80, 0, 0, 0, 1, 2, 3]));
      await waitFor(() => host.stats().gossip.malformedStreams === 1, 'the malformed stream to be dropped');
      await send(encodeFrame(new Uint8Array([2, ...utf8('ok-2')])));
      await waitFor(() => got.includes('ok-2'), 'a later valid stream to be served');
      // Garbage on the request protocol: the stream is dropped, the host still answers.
      const rs = await conn.newStream('/dcn/reqresp/1', { negotiateFully: true });
      rs.send(encodeFrame(new Uint8Array([0x07, 0, 0, 0, 1])));
      await waitFor(() => host.stats().reqResp.malformedStreams === 1, 'the malformed request stream to be dropped');
      expect(got).toEqual(['ok-1', 'ok-2']);
    } finally {
      await node.stop();
    }
  });
});
