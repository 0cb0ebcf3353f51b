import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NodeKeyError,
  devNodeKey,
  generateNodeKey,
  loadNodeKey,
  loadOrCreateNodeKey,
  nodeKeyFromSeed,
  type P2pHost,
} from '../../../src/p2p/index.js';
import { decodeNodeKeyFile } from '../../../src/p2p/node-key.js';
import { fromHex } from '../../../src/primitives/bytes.js';
import { startHost } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dcn-p2p-key-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('node key', () => {
  it('matches Substrate: secret 0x00…01 is peer 12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp', async () => {
    const key = await nodeKeyFromSeed(fromHex('0000000000000000000000000000000000000000000000000000000000000001'));
    expect(key.peerId).toBe('12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp');
  });

  it('is generated on first run with mode 0600, then loaded with the same peer id (also by a restarted host)', async () => {
    const file = join(dir, 'sub', 'node-key');
    const first = await loadOrCreateNodeKey(file);
    expect(first.created).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);

    let host: P2pHost | undefined = await startHost(first, { allowedPeerIds: [first.peerId] });
    const idBefore = host.peerId;
    await host.stop();
    const second = await loadOrCreateNodeKey(file);
    expect(second.created).toBe(false);
    expect(second.insecureMode).toBe(false);
    host = await startHost(second, { allowedPeerIds: [second.peerId] });
    try {
      expect(host.peerId).toBe(idBefore);
      expect(second.peerId).toBe(first.peerId);
    } finally {
      await host.stop();
    }
  });

  it('generate-node-key writes a new key and refuses to overwrite one', async () => {
    const file = join(dir, 'generated');
    const gen = await generateNodeKey({ file });
    expect((await loadNodeKey(file)).peerId).toBe(gen.peerId);
    expect(gen.secretHex).toMatch(/^[0-9a-f]{64}$/);
    await expect(generateNodeKey({ file })).rejects.toBeInstanceOf(NodeKeyError);
    expect((await loadNodeKey(file)).peerId).toBe(gen.peerId);
    // Two fresh keys differ.
    expect((await generateNodeKey()).peerId).not.toBe(gen.peerId);
  });

  it('reads hex with 0x and raw 32-byte files, and refuses malformed ones', async () => {
    const seed = fromHex('11'.repeat(32));
    const want = (await nodeKeyFromSeed(seed)).peerId;
    await writeFile(join(dir, 'hex0x'), `0x${'11'.repeat(32)}\n`);
    await writeFile(join(dir, 'raw'), seed);
    await writeFile(join(dir, 'bad'), 'not a key');
    expect((await loadNodeKey(join(dir, 'hex0x'))).peerId).toBe(want);
    expect((await loadNodeKey(join(dir, 'raw'))).peerId).toBe(want);
    await expect(loadNodeKey(join(dir, 'bad'))).rejects.toBeInstanceOf(NodeKeyError);
    await expect(loadNodeKey(join(dir, 'missing'))).rejects.toBeInstanceOf(NodeKeyError);
    // A malformed existing file is an error, never silently replaced by a new identity.
    await expect(loadOrCreateNodeKey(join(dir, 'bad'))).rejects.toBeInstanceOf(NodeKeyError);
    expect(() => decodeNodeKeyFile(new TextEncoder().encode('zz'.repeat(32)))).toThrow(NodeKeyError);
  });

  it('flags a key file readable by others', async () => {
    const file = join(dir, 'open');
    await writeFile(file, '22'.repeat(32), { mode: 0o644 });
    expect((await loadOrCreateNodeKey(file)).insecureMode).toBe(true);
  });

  it('derives deterministic, distinct dev keys from well-known names', async () => {
    const [a1, a2, b] = await Promise.all([devNodeKey('//Alice'), devNodeKey('Alice'), devNodeKey('//Bob')]);
    expect(a1.peerId).toBe(a2.peerId);
    expect(a1.peerId).not.toBe(b.peerId);
    expect(a1.peerId).toMatch(/^12D3KooW/);
  });
});
