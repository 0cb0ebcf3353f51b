/**
 * Issue 9, finding 9 (redial storm), on real libp2p hosts on 127.0.0.1: a node refused by a validator backs off
 * exponentially on both sides, and the backoff resets once the node is admitted.
 *
 * The bounds asserted are upper bounds implied by the backoff itself (delays of at least half of `min · 2^k`), so a
 * slower machine only makes the counts smaller; nothing here passes or fails on how fast the machine is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { P2pHost, P2pLogger } from '../../../src/p2p/index.js';
import { addrOf, keysFor, startHost, stopAll, waitFor } from './helpers.js';

const running: P2pHost[] = [];
afterEach(async () => {
  await stopAll(running.splice(0));
});

interface Entry {
  level: string;
  obj: Record<string, unknown>;
  msg?: string;
}

/** A logger that keeps every entry. */
function recordingLogger(): P2pLogger & { entries: Entry[] } {
  const entries: Entry[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void entries.push({ level, obj: obj as Record<string, unknown>, msg });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('redial backoff on refusal', () => {
  it('the dialling side backs off exponentially while refused and starts over once admitted', async () => {
    const [alice, mallory] = await keysFor(['Alice', 'Mallory']);
    // Alice's own throttle is effectively off (1 ms), so whatever bounds Mallory's dials is Mallory's backoff.
    const a = await startHost(alice, { allowedPeerIds: [alice.peerId], inboundBackoff: { minDelayMs: 1, maxDelayMs: 1 } });
    running.push(a);
    const log = recordingLogger();
    const MIN = 20;
    const m = await startHost(mallory, {
      allowedPeerIds: [alice.peerId, mallory.peerId],
      bootnodes: [addrOf(a)],
      redial: { minDelayMs: MIN, maxDelayMs: 60_000 },
      logger: log,
    });
    running.push(m);

    const WINDOW_MS = 2_000;
    const started = Date.now();
    await sleep(WINDOW_MS);
    const elapsed = Date.now() - started;
    const dials = m.stats().redial[alice.peerId].dials;
    const refusedByAlice = a.stats().denied.inbound + a.stats().denied.throttled;
    // Delays are at least MIN/2 · 2^k: n redials take at least MIN/2 · (2^n − 1) ms. Before the fix a refused dial
    // that resolved reset the backoff, and Mallory dialled every 10–20 ms (about a hundred times in this window).
    const bound = Math.floor(Math.log2((2 * elapsed) / MIN + 1)) + 1;
    expect(dials).toBeGreaterThanOrEqual(2);
    expect(dials).toBeLessThanOrEqual(bound);
    expect(refusedByAlice).toBeGreaterThanOrEqual(1);
    expect(refusedByAlice).toBeLessThanOrEqual(dials);

    // Each scheduled delay doubles: attempt k waits within [½, 1) · MIN · 2^(k−1).
    const scheduled = log.entries.filter((e) => e.obj.peer === alice.peerId && typeof e.obj.retryInMs === 'number');
    expect(scheduled.length).toBeGreaterThanOrEqual(2);
    for (const e of scheduled) {
      const k = e.obj.attempt as number;
      const full = MIN * 2 ** (k - 1);
      expect(e.obj.retryInMs as number).toBeGreaterThanOrEqual(Math.floor(full / 2));
      expect(e.obj.retryInMs as number).toBeLessThanOrEqual(Math.ceil(full));
    }
    expect(a.connectedPeers()).toEqual([]);

    // Alice now admits Mallory: the pending redial connects, and identify resets the backoff.
    await a.setAllowedPeers([alice.peerId, mallory.peerId]);
    await waitFor(() => a.connectedPeers().includes(mallory.peerId) && m.connectedPeers().includes(alice.peerId), 'Mallory to be admitted by her redial', 30_000);
    await waitFor(() => m.stats().redial[alice.peerId].failures === 0, 'the backoff to reset on admission');
    expect(log.entries.some((e) => e.msg?.includes('redial backoff reset'))).toBe(true);

    // After a lost connection she redials at the shortest delay again.
    const before = log.entries.length;
    await a.disconnect(mallory.peerId);
    await waitFor(() => a.connectedPeers().includes(mallory.peerId), 'Mallory to reconnect');
    const next = log.entries.slice(before).find((e) => e.obj.peer === alice.peerId && typeof e.obj.retryInMs === 'number');
    expect(next?.obj.attempt).toBe(1);
    expect(next?.obj.retryInMs as number).toBeLessThanOrEqual(MIN);
  }, 60_000);

  it('the accepting side refuses a refused address before the handshake, for windows that double', async () => {
    const [alice, mallory] = await keysFor(['Alice', 'Mallory']);
    // A long first window: every dial below falls inside it.
    const a = await startHost(alice, { allowedPeerIds: [alice.peerId], inboundBackoff: { minDelayMs: 60_000, maxDelayMs: 60_000 } });
    running.push(a);
    // Mallory dials by hand (no keep-alive target, so no backoff of her own): a dialler that does not back off.
    const m = await startHost(mallory, { allowedPeerIds: [alice.peerId, mallory.peerId] });
    running.push(m);
    for (let i = 0; i < 10; i++) {
      await m.connect(addrOf(a)).catch(() => undefined);
      await waitFor(() => m.connectedPeers().length === 0, 'the refused connection to close');
    }
    // One Noise handshake, then nine refusals at TCP accept.
    expect(a.stats().denied.inbound).toBe(1);
    expect(a.stats().denied.throttled).toBe(9);

    // Changing the allowlist clears the penalties: admitted now, Mallory connects at once.
    await a.setAllowedPeers([alice.peerId, mallory.peerId]);
    await m.connect(addrOf(a));
    await waitFor(() => a.connectedPeers().includes(mallory.peerId), 'Mallory to be admitted');
  }, 60_000);

  it('windows double: a dialler that never backs off gets a logarithmic number of handshakes', async () => {
    const [alice, mallory] = await keysFor(['Alice', 'Mallory']);
    const MIN = 100;
    const a = await startHost(alice, { allowedPeerIds: [alice.peerId], inboundBackoff: { minDelayMs: MIN, maxDelayMs: 60_000 } });
    running.push(a);
    const m = await startHost(mallory, { allowedPeerIds: [alice.peerId, mallory.peerId] });
    running.push(m);
    const started = Date.now();
    let tries = 0;
    while (Date.now() - started < 1_500) {
      tries++;
      await m.connect(addrOf(a)).catch(() => undefined);
      await waitFor(() => m.connectedPeers().length === 0, 'the refused connection to close');
    }
    const elapsed = Date.now() - started;
    const { inbound, throttled } = a.stats().denied;
    // Handshake n opens a window of MIN · 2^(n−1): n handshakes need at least MIN · (2^(n−1) − 1) ms.
    expect(inbound).toBeGreaterThanOrEqual(1);
    expect(inbound).toBeLessThanOrEqual(Math.floor(Math.log2(elapsed / MIN + 1)) + 1);
    // (libp2p's own per-IP rate limit, 50 connections/s, may drop a few before the gater sees them.)
    expect(inbound + throttled).toBeLessThanOrEqual(tries);
    expect(throttled).toBeGreaterThan(0);
  }, 60_000);

  it('never throttles an address an allowed peer uses (a stranger on a validator’s host cannot lock it out)', async () => {
    const [alice, bob, mallory] = await keysFor(['Alice', 'Bob', 'Mallory']);
    const b = await startHost(bob, { allowedPeerIds: [alice.peerId, bob.peerId] });
    running.push(b);
    // Alice keeps Bob (on 127.0.0.1, like Mallory) as a bootnode.
    const a = await startHost(alice, { allowedPeerIds: [alice.peerId, bob.peerId], bootnodes: [addrOf(b)], inboundBackoff: { minDelayMs: 60_000, maxDelayMs: 60_000 } });
    running.push(a);
    await waitFor(() => a.connectedPeers().includes(bob.peerId), 'Alice and Bob to connect');
    const m = await startHost(mallory, { allowedPeerIds: [alice.peerId, mallory.peerId] });
    running.push(m);
    for (let i = 0; i < 3; i++) {
      await m.connect(addrOf(a)).catch(() => undefined);
      await waitFor(() => m.connectedPeers().length === 0, 'the refused connection to close');
    }
    // Every attempt reached the handshake and was refused there; none was refused by address.
    expect(a.stats().denied.inbound).toBe(3);
    expect(a.stats().denied.throttled).toBe(0);
    // Bob, on the same address, reconnects at once after a hang-up.
    await a.disconnect(bob.peerId);
    await waitFor(() => a.connectedPeers().includes(bob.peerId), 'Bob to reconnect');
  }, 60_000);
});
