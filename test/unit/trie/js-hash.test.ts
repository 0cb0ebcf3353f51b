/**
 * The trie before `cryptoWaitReady()`: hashing falls back to util-crypto's JS blake2b, with identical results.
 * Run in a fresh Node process, since the test runner has usually initialised the WASM hasher already.
 */
import { spawnSync } from 'node:child_process';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/primitives/bytes.js';
import { trieRoot } from '../../../src/trie/index.js';

const entries: Array<[Uint8Array, Uint8Array]> = Array.from({ length: 50 }, (_, i) => [
  Uint8Array.of(i, i * 7),
  new Uint8Array(i).fill(i), // up to 49 bytes: hashed in V1 from 33 on
]);

const script = `
import { cryptoIsReady } from '@polkadot/util-crypto';
import { Trie } from './src/trie/index.ts';
const entries = Array.from({ length: 50 }, (_, i) => [Uint8Array.of(i, i * 7), new Uint8Array(i).fill(i)]);
const roots = [0, 1].map((v) => Buffer.from(Trie.empty({ get: () => undefined }).update(entries, v).root).toString('hex'));
console.log(JSON.stringify({ ready: cryptoIsReady(), roots }));
`;

describe('trie without the WASM hasher', () => {
  it('gives the same roots as with it', async () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../../../', import.meta.url).pathname,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { ready: boolean; roots: string[] };
    expect(out.ready).toBe(false);
    await cryptoWaitReady();
    for (const v of [0, 1] as const) expect('0x' + out.roots[v]).toBe(toHex(trieRoot(entries, v)));
  });
});
