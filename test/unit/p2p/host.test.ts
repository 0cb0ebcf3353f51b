/**
 * Real libp2p hosts on 127.0.0.1: connection, permissioning (both directions), allowlist changes, redial after a
 * disconnect and after a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { P2pConfigError, P2pHost, type GossipVerdict, type P2pLogger } from '../../../src/p2p/index.js';
import { utf8 } from '../../../src/primitives/bytes.js';
import { addrOf, keysFor, startHost, startMesh, stopAll, waitFor } from './helpers.js';

const running: P2pHost[] = [];
afterEach(async () => {
  await stopAll(running.splice(0));
});

describe('P2pHost connections and permissioning', () => {
  it('connects 4 allowlisted hosts into a full mesh and reports ids, addresses and events', async () => {
    const keys = await keysFor(['Alice', 'Bob', 'Charlie', 'Dave']);
    const connected: string[] = [];
    const hosts = await startMesh(keys.slice(0, 3), {}, [keys[3].peerId]);
    running.push(...hosts);
    hosts[0].onPeerConnected((p) => connected.push(p));
    // The node's pino logger plugs in as is.
    const logger: P2pLogger = pino({ level: 'silent' });
    const dave = await startHost(keys[3], { allowedPeerIds: keys.map((k) => k.peerId), bootnodes: hosts.map(addrOf), logger });
    running.push(dave);
    await waitFor(() => dave.connectedPeers().length === 3, 'Dave to connect to all three');
    expect(dave.peerId).toBe(keys[3].peerId);
    expect(new Set(dave.connectedPeers())).toEqual(new Set(keys.slice(0, 3).map((k) => k.peerId)));
    expect(addrOf(dave)).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${dave.peerId}$`));
    await waitFor(() => connected.includes(dave.peerId), 'the connect event on Alice');
    expect(hosts[0].stats().denied).toEqual({ dial: 0, inbound: 0, outbound: 0, throttled: 0 });
  });

  it('refuses a peer that is not allowed, in both directions', async () => {
    const [alice, bob, mallory] = await keysFor(['Alice', 'Bob', 'Mallory']);
    const hosts = await startMesh([alice, bob]);
    running.push(...hosts);
    // Mallory allows Alice, so any refusal comes from Alice's side.
    const m = await startHost(mallory, { allowedPeerIds: [alice.peerId, mallory.peerId] });
    running.push(m);

    // Inbound: Mallory dials Alice; Alice drops it after the Noise handshake reveals Mallory's id. Mallory's own
    // upgrade may finish first (its dial can even resolve), so the proof is Alice's count and the connection's end.
    await m.connect(addrOf(hosts[0])).catch(() => undefined);
    await waitFor(() => hosts[0].stats().denied.inbound >= 1, 'Alice to count a refused inbound connection');
    await waitFor(() => m.connectedPeers().length === 0, 'Mallory’s side of the refused connection to close');

    // Outbound: Alice refuses to dial Mallory by peer id…
    await expect(hosts[0].connect(addrOf(m))).rejects.toThrow();
    expect(hosts[0].stats().denied.dial).toBeGreaterThanOrEqual(1);
    // …and drops a connection to an address without a peer id once the handshake shows it is Mallory.
    const bare = addrOf(m).replace(/\/p2p\/.*$/, '');
    await expect(hosts[0].connect(bare)).rejects.toThrow();
    expect(hosts[0].stats().denied.outbound).toBeGreaterThanOrEqual(1);

    // The allowed pair is unaffected; Mallory is connected to nobody.
    expect(hosts[0].connectedPeers()).toEqual([bob.peerId]);
    expect(m.connectedPeers()).toEqual([]);
    // Gossip never reaches Mallory.
    const got: Uint8Array[] = [];
    m.on('consensus', (b) => {
      got.push(b);
      return 'accept';
    });
    const seenByBob: Uint8Array[] = [];
    hosts[1].on('consensus', (b) => {
      seenByBob.push(b);
      return 'accept';
    });
    expect(hosts[0].broadcast('consensus', utf8('secret')).peers).toBe(1);
    await waitFor(() => seenByBob.length === 1, 'Bob to get the message');
    expect(got).toEqual([]);
  });

  it('drops a peer removed from the allowlist and readmits it when added back', async () => {
    const keys = await keysFor(['Alice', 'Bob', 'Charlie']);
    const hosts = await startMesh(keys);
    running.push(...hosts);
    const [alice, , charlie] = hosts;
    await alice.setAllowedPeers([keys[0].peerId, keys[1].peerId]);
    await waitFor(() => !alice.connectedPeers().includes(charlie.peerId), 'Alice to drop Charlie');
    // Charlie keeps redialling Alice (a bootnode of his) and is refused each time.
    await waitFor(() => alice.stats().denied.inbound >= 1, 'a refused redial from Charlie');
    expect(alice.connectedPeers()).not.toContain(charlie.peerId);
    await alice.setAllowedPeers(keys.map((k) => k.peerId));
    await waitFor(() => alice.connectedPeers().includes(charlie.peerId), 'Charlie to be readmitted by his redial');
  });

  it('redials after a disconnect and after a restart on the same port, and gossip flows again', async () => {
    const keys = await keysFor(['Alice', 'Bob', 'Charlie']);
    const hosts = await startMesh(keys);
    running.push(...hosts);
    const received = new Map<string, string[]>();
    const listen = (h: P2pHost): void => {
      received.set(h.peerId, []);
      h.on('consensus', (b): GossipVerdict => {
        received.get(h.peerId)!.push(new TextDecoder().decode(b));
        return 'accept';
      });
    };
    hosts.forEach(listen);

    // 1. Alice hangs up on Charlie; Charlie (who has Alice as a bootnode) redials.
    const disconnected: string[] = [];
    hosts[0].onPeerDisconnected((p) => disconnected.push(p));
    await hosts[0].disconnect(keys[2].peerId);
    await waitFor(() => disconnected.includes(keys[2].peerId), 'the disconnect event');
    await waitFor(() => hosts[0].connectedPeers().includes(keys[2].peerId), 'Charlie to redial Alice');
    await waitFor(() => hosts[0].stats().gossip.peers.every((p) => p.streamOpen), 'gossip streams to reopen');
    hosts[0].broadcast('consensus', utf8('after-hangup'));
    await waitFor(() => received.get(keys[2].peerId)!.includes('after-hangup'), 'Charlie to get gossip again');

    // 2. Bob stops and restarts with the same key and port; Charlie redials him (Bob is Charlie's bootnode).
    const bobAddr = addrOf(hosts[1]);
    const port = /\/tcp\/(\d+)\//.exec(bobAddr)![1];
    await hosts[1].stop();
    await waitFor(() => !hosts[2].connectedPeers().includes(keys[1].peerId), 'Charlie to see Bob gone');
    const bob2 = await startHost(keys[1], {
      allowedPeerIds: keys.map((k) => k.peerId),
      listenAddrs: [`/ip4/127.0.0.1/tcp/${port}`],
    });
    running.push(bob2);
    listen(bob2);
    await waitFor(() => bob2.connectedPeers().includes(keys[2].peerId), 'Charlie to redial the restarted Bob');
    // Bob lists no bootnodes this time, so Alice (who listed none either) stays apart: Charlie must relay.
    await waitFor(() => hosts[2].stats().gossip.peers.every((p) => p.streamOpen), 'Charlie’s gossip streams');
    hosts[0].broadcast('consensus', utf8('after-restart'));
    await waitFor(() => received.get(keys[1].peerId)!.includes('after-restart'), 'the restarted Bob to get gossip via Charlie');
    expect(received.get(keys[1].peerId)!.filter((m) => m === 'after-restart')).toHaveLength(1);
  });

  it('rejects bad configuration', async () => {
    const [alice] = await keysFor(['Alice']);
    await expect(P2pHost.create({ privateKey: alice.privateKey, listenAddrs: [], allowedPeerIds: ['nope'] })).rejects.toBeInstanceOf(P2pConfigError);
    await expect(
      P2pHost.create({ privateKey: alice.privateKey, listenAddrs: [], allowedPeerIds: [alice.peerId], bootnodes: ['/ip4/127.0.0.1/tcp/1'] }),
    ).rejects.toBeInstanceOf(P2pConfigError);
  });
});
