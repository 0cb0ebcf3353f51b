/**
 * Figures for the p2p layer (run with `P2P_BENCH=1 npx vitest run test/unit/p2p/throughput.test.ts`): gossip
 * messages per second among 4 hosts and request round trips. Skipped by default so the suite stays short; it
 * prints figures and asserts only delivery, never time.
 */
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { P2pHost } from '../../../src/p2p/index.js';
import { keysFor, startMesh, stopAll, waitFor } from './helpers.js';

const enabled = process.env.P2P_BENCH === '1';

describe.skipIf(!enabled)('p2p figures (4 hosts in one process, loopback)', () => {
  let hosts: P2pHost[];
  const counts = [0, 0, 0, 0];
  let seq = 0; // unique across runs, or a later run's messages would be deduplicated against an earlier one's

  beforeAll(async () => {
    // The node initialises the WASM hashers at start-up; without it blake2 (the message id) runs in plain JS.
    await cryptoWaitReady();
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

  /**
   * Broadcast `total` 200-byte messages from `senders` in rounds of `chunk` per sender, waiting after each round
   * until every host has every message (the 10 ms polling of the wait makes the figure conservative).
   */
  async function run(senders: number[], total: number, chunk: number): Promise<number> {
    counts.fill(0);
    const expected = (i: number, rounds: number): number => senders.filter((s) => s !== i).length * rounds * chunk;
    const rounds = Math.ceil(total / (chunk * senders.length));
    const t0 = performance.now();
    for (let r = 1; r <= rounds; r++) {
      for (let k = 0; k < chunk; k++) {
        for (const s of senders) {
          const m = new Uint8Array(200);
          new DataView(m.buffer).setUint32(0, seq++);
          hosts[s].broadcast('transactions', m);
        }
      }
      await waitFor(() => hosts.every((_, i) => counts[i] === expected(i, r)), `round ${r}`, 60_000);
    }
    const seconds = (performance.now() - t0) / 1000;
    let frames = 0;
    let batches = 0;
    for (const h of hosts) {
      const g = h.stats().gossip;
      frames += g.channels.transactions.sent;
      batches += g.batches;
      expect(g.channels.transactions.dropped).toBe(0);
    }
    console.log(`  cumulative: ${frames} frames in ${batches} sends (${(frames / batches).toFixed(1)} frames per send)`);
    return (rounds * chunk * senders.length) / seconds;
  }

  it('gossip: one sender, 200-byte messages delivered to all 3 peers (with flood forwarding)', async () => {
    await run([0], 10_000, 2000);
    const rate = await run([0], 100_000, 2000);
    console.log(`gossip, 1 sender → 3 peers (each forwarding to 2): ${Math.round(rate)} msgs/s delivered to all`);
  }, 120_000);

  it('gossip: all 4 hosts sending', async () => {
    const rate = await run([0, 1, 2, 3], 100_000, 500);
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
