/**
 * `export-genesis-head` against two live chains' raw genesis (their published genesis block hashes), a raw spec
 * with a default child trie, and this chain's own specs; plus the CLI's messages for bad flags and files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { fromHex, toHex } from '../../src/primitives/bytes.js';
import { blake2_256 } from '../../src/primitives/hashing.js';
import { EMPTY_TRIE_ROOT, stateRootWithChildren } from '../../src/trie/index.js';
import { SHARED_DIR } from '../helpers/shared.js';

const CLI = join(import.meta.dirname, '../../dist/cli.js');
const GENESIS_DIR = join(SHARED_DIR, 'reference/trie/genesis');
const VECTORS = JSON.parse(readFileSync(join(SHARED_DIR, 'reference/trie/vectors.json'), 'utf8')) as Array<{
  name: string;
  layout: 'V0' | 'V1';
  genesis?: { expectedBlockHash: string };
}>;
const tmp = mkdtempSync(join(tmpdir(), 'dcn-cli-genesis-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('export-genesis-head', () => {
  for (const [file, vector] of [
    ['paseo-genesis-raw.json', 'paseo-genesis'],
    ['coretime-polkadot-genesis-raw.json', 'coretime-polkadot-genesis'],
  ] as const) {
    it(`reproduces the live genesis hash of ${file}`, () => {
      const v = VECTORS.find((x) => x.name === vector)!;
      const r = cli('export-genesis-head', '--chain', join(GENESIS_DIR, file), '--state-version', v.layout === 'V0' ? '0' : '1');
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out).hash).toBe(v.genesis!.expectedBlockHash);
    });
  }

  it('folds default child tries into the top trie as their roots', async () => {
    await cryptoWaitReady();
    const top = { '0x3a636f6465': '0x0102', '0xaabb': '0x' + '11'.repeat(40) };
    const child = { '0x01': '0x' + '22'.repeat(50), '0x0102': '0x33' };
    const spec = { name: 'child', id: 'child', chainType: 'Local', bootNodes: [], properties: {}, genesis: { raw: { top, childrenDefault: { '0x6368696c64': child } } } };
    const file = join(tmp, 'child-spec.json');
    writeFileSync(file, JSON.stringify(spec));
    for (const version of [0, 1] as const) {
      const r = cli('export-genesis-head', '--chain', file, '--state-version', String(version));
      expect(r.code, r.err).toBe(0);
      const root = stateRootWithChildren(
        Object.entries(top).map(([k, v]) => [fromHex(k), fromHex(v)] as const),
        [[fromHex('0x6368696c64'), Object.entries(child).map(([k, v]) => [fromHex(k), fromHex(v)] as const)]],
        version,
      );
      const header = new Uint8Array([...new Uint8Array(32), 0, ...root, ...EMPTY_TRIE_ROOT, 0]);
      expect(JSON.parse(r.out)).toMatchObject({ stateRoot: toHex(root), hash: toHex(blake2_256(header)) });
    }
  });

  it("gives this chain's dev genesis, the same as build-spec --raw", () => {
    const own = cli('export-genesis-head', '--chain', 'dev');
    expect(own.code, own.err).toBe(0);
    const raw = cli('build-spec', '--chain', 'dev', '--raw');
    expect(raw.code, raw.err).toBe(0);
    const file = join(tmp, 'dev-raw.json');
    writeFileSync(file, raw.out);
    const viaRaw = cli('export-genesis-head', '--chain', file);
    expect(JSON.parse(viaRaw.out).hash).toBe(JSON.parse(own.out).hash);
  });
});

describe('CLI errors name the bad flag or file', () => {
  it('a bad flag value exits 2 naming the flag', () => {
    const r = cli('run', '--dev', '--rpc-port', 'abc');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--rpc-port');
  });
  it('a missing chain spec file exits 2 naming the file', () => {
    const r = cli('export-genesis-head', '--chain', join(tmp, 'nope.json'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('nope.json');
  });
  it('an invalid chain spec names the field', () => {
    const file = join(tmp, 'bad-spec.json');
    writeFileSync(file, JSON.stringify({ name: 'x', id: 'x', genesis: { runtimeGenesis: { config: { balances: { balances: [['5Grw', 'lots']] } } } } }));
    const r = cli('export-genesis-head', '--chain', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad-spec\.json: genesis/);
  });
  it('unsafe RPC on an external interface needs --unsafe-rpc-external', () => {
    const r = cli('run', '--dev', '--rpc-external', '--rpc-methods', 'unsafe', '--base-path', join(tmp, 'x'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('--unsafe-rpc-external');
  });
});
