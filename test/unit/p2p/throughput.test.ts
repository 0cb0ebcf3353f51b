/**
 * Figures for the p2p layer (run with `P2P_BENCH=1 npx vitest run test/unit/p2p/throughput.test.ts`): gossip
 * messages per second among 4 hosts and request round trips. Skipped by default so the suite stays short; it
 * prints figures and asserts only delivery, never time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { P2pHost } from '../../../src/p2p/index.js';
import { keysFor, startMesh, stopAll, waitFor } from './helpers.js';

const enabled = process.env.P2P_BENCH === '1';

describe.skipIf(!enabled)('p2p figures (4 hosts in one process, loopback)', () => {
  let hosts: P2pHost[];
  const counts = [0, 0, 0, 0];

  beforeAll(async () => {
    hosts = await startMesh(await keysFor(['Alice', 'Bob', 'Charlie', 'Dave']));
    hosts.forEach((h, i) =>
      h.on('transactions', () => {
        counts[i]++;
        return 'accept';
      }),
    );
    hosts[1].handle('echo/1', (b) => b);
    await waitFor(() => hosts.every((h) => h.stats().gossip.peers.every((p) => p.streamOpen)), 'gossip streams');
  }, 60_000);

  afterAll(async () => {
    await stopAll(hosts ?? []);
  });

  /** Broadcast `total` 200-byte messages split over `senders`, keeping at most `window` undelivered per sender. */
  async function run(senders: number[], total: number, window: number): Promise<number> {
    counts.fill(0);
    const per = Math.floor(total / senders.length);
    const sent = senders.map(() => 0);
    let seq = 0;
    const t0 = performance.now();
    const expected = (i: number): number => senders.filter((s) => s !== i).reduce((n, s) => n + sent[senders.indexOf(s)], 0);
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        for (const [k, s] of senders.entries()) {
          // Keep the slowest receiver within `window` messages of this sender.
          const behind = Math.max(...hosts.map((_, i) => (i === s ? 0 : expected(i) - counts[i])));
          let room = Math.min(window - behind, per - sent[k]);
          while (room-- > 0) {
            const m = new Uint8Array(200);
            new DataView(m.buffer).setUint32(0, seq++);
            m[4] = s;
            hosts[s].broadcast('transactions', m);
            sent[k]++;
          }
        }
        const done = hosts.every((_, i) => counts[i] === expected(i)) && sent.every((n) => n === per);
        if (done) resolve();
        else setImmediate(tick);
      };
      tick();
    });
    const seconds = (performance.now() - t0) / 1000;
    for (const [i] of hosts.entries()) expect(counts[i]).toBe(expected(i));
    return (per * senders.length) / seconds;
  }

  it('gossip: one sender, 200-byte messages delivered to all 3 peers (with flood forwarding)', async () => {
    await run([0], 20_000, 4000);
    const rate = await run([0], 100_000, 4000);
    console.log(`gossip, 1 sender → 3 peers (each forwarding to 2): ${Math.round(rate)} msgs/s delivered to all`);
    for (const h of hosts) expect(Object.values(h.stats().gossip.channels).every((c) => c.dropped === 0)).toBe(true);
  }, 120_000);

  it('gossip: all 4 hosts sending', async () => {
    const rate = await run([0, 1, 2, 3], 100_000, 2000);
    console.log(`gossip, 4 senders: ${Math.round(rate)} msgs/s delivered to all`);
  }, 120_000);

  it('request/response: sequential round trips and 32 in flight', async () => {
    const peer = hosts[1].peerId;
    const body = new Uint8Array(32);
    for (let i = 0; i < 500; i++) await hosts[0].request(peer, 'echo/1', body);
    const lat: number[] = [];
    const n = 5000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await hosts[0].request(peer, 'echo/1', body);
      lat.push(performance.now() - t);
    }
    const seq = n / ((performance.now() - t0) / 1000);
    lat.sort((a, b) => a - b);
    const t1 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < 20_000) {
          next++;
          await hosts[0].request(peer, 'echo/1', body);
        }
      }),
    );
    const par = 20_000 / ((performance.now() - t1) / 1000);
    console.log(
      `request/response 32 B echo: sequential ${Math.round(seq)}/s, p50 ${(lat[n >> 1] * 1000).toFixed(0)} µs, p99 ${(lat[Math.floor(n * 0.99)] * 1000).toFixed(0)} µs; 32 in flight ${Math.round(par)}/s`,
    );
    expect(hosts[0].stats().reqResp.failed).toBe(0);
  }, 120_000);
});
