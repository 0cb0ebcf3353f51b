/**
 * The informant over a real chain (LevelDB in a temp directory) and a real transaction pool: the line reads the
 * chain's best block and the pool's queues, counts blocks since the previous line, and reports this process's
 * memory; the timer logs through pino and stops.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Informant, type InformantSource } from '../../../src/node/informant.js';
import { devAccount, freshAccount, signExtrinsic, transferKeepAliveCall } from '../../e2e/support.js';
import { openLocalChain, type TestChain } from './certified-chain.js';

describe('informant', () => {
  let tc: TestChain;
  let source: InformantSource;
  beforeAll(async () => {
    tc = await openLocalChain();
    source = {
      best: () => tc.chain.head.number,
      peers: () => 0,
      syncing: () => false,
      pool: () => {
        const { ready, future } = tc.txs.pool.size();
        return { ready, future };
      },
    };
  });
  afterAll(() => tc.close());

  it('reports the chain, the pool and the memory', async () => {
    const informant = new Informant(source, pino({ level: 'silent' }));
    const alice = await devAccount('Alice');
    const genesisHash = tc.chain.genesisHash;
    for (const nonce of [0, 2]) {
      await tc.txs.submit(signExtrinsic(alice, transferKeepAliveCall((await freshAccount()).publicKey, 10n ** 12n), { genesisHash }, { nonce }));
    }
    const l = informant.line();
    expect(l).toMatchObject({ best: tc.chain.head.number, imported: 0, peers: 0, syncing: false, txpool: { ready: 1, future: 1 } });
    const mem = process.memoryUsage();
    expect(l.rssMiB).toBeGreaterThan(0);
    expect(l.rssMiB).toBeLessThanOrEqual(Math.ceil(mem.rss / 2 ** 20) + 64);
    expect(l.heapUsedMiB).toBeLessThanOrEqual(l.heapTotalMiB);
  });

  it('counts blocks since the previous line', () => {
    let best = 10;
    const informant = new Informant({ ...source, best: () => best }, pino({ level: 'silent' }));
    best = 14;
    expect(informant.line().imported).toBe(4);
    expect(informant.line().imported).toBe(0);
  });

  it('logs on its timer through pino until stopped, and refuses a bad interval', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        cb();
      },
    });
    const informant = new Informant(source, pino({ level: 'info' }, sink), 1000);
    informant.start();
    while (lines.length === 0) await new Promise((r) => setTimeout(r, 50));
    informant.stop();
    expect(lines[0]).toMatchObject({ level: 30, msg: 'idle', best: tc.chain.head.number, txpool: { ready: 1, future: 1 } });
    expect(() => new Informant(source, pino({ level: 'silent' }), 999)).toThrow(RangeError);
    expect(() => new Informant(source, pino({ level: 'silent' }), 1.5e3 + 0.5)).toThrow(/1000..=3600000/);
  });
});
