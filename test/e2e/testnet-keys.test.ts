/**
 * The operator's key commands for validators, end to end on the built CLI: `key generate-node-key` (peer id on
 * stderr, secret on stdout or into a 0600 file that is never overwritten), `key inspect-node-key`, `key insert`
 * of the ed25519 session key, and a `--validator` node of the `local` chain that finds its session key in the
 * keystore (validator index 1 for //Bob) or refuses to start without one.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { keyPairFromUri } from '../../src/crypto/keys.js';
import { toHexRaw, utf8 } from '../../src/primitives/bytes.js';
import { CLI_PATH, REPO_ROOT } from '../helpers/node-process.js';
import { freePorts, removeBasePath, tempBasePath, until, ValidatorProcess } from './testnet-cluster.js';

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [CLI_PATH, ...args], { cwd: REPO_ROOT });
/** The exit code and stderr of a CLI run expected to fail. */
async function fails(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await cli(...args);
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
  throw new Error(`${args.join(' ')} succeeded`);
}

describe('validator keys on the command line', () => {
  const base = tempBasePath('keys');
  afterAll(() => removeBasePath(base));

  it('key generate-node-key prints a peer id and a secret, or writes a 0600 file once; inspect-node-key reads it', async () => {
    const printed = await cli('key', 'generate-node-key');
    expect(printed.stderr.trim()).toMatch(/^12D3KooW\w+$/);
    expect(printed.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    const file = join(base, 'node-key');
    const written = await cli('key', 'generate-node-key', '--file', file);
    const peerId = written.stderr.trim();
    expect(written.stdout).toBe('');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect((await cli('key', 'inspect-node-key', '--file', file)).stdout.trim()).toBe(peerId);
    const again = await fails('key', 'generate-node-key', '--file', file);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('key insert stores the ed25519 session key; a --validator node signs with it; without one it refuses to start', async () => {
    const nodeBase = join(base, 'bob');
    const out = await cli('key', 'insert', '--key-type', 'dcns', '--suri', '//Bob', '--base-path', nodeBase, '--chain', 'local');
    const pub = keyPairFromUri('//Bob', 'ed25519').publicKey;
    expect(out.stdout).toContain(toHexRaw(pub));
    const dir = join(nodeBase, 'chains', 'local_testnet', 'keystore');
    expect(readdirSync(dir)).toEqual([toHexRaw(utf8('dcns')) + toHexRaw(pub)]);
    expect(JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'))).toBe('//Bob');
    expect((await fails('key', 'insert', '--suri', 'not a phrase', '--base-path', nodeBase, '--chain', 'local')).code).toBe(2);

    const [port] = await freePorts(1);
    const node = await ValidatorProcess.start({ name: 'Bob', fullNode: true, basePath: nodeBase, p2pPort: port, bootnodes: [], args: ['--validator'] });
    try {
      await until(async () => (await node.call<{ height: number } | null>('dcn_consensusState'))!.height >= 1, 20_000, 'consensus to start');
      expect(await node.call('dcn_consensusState')).toMatchObject({ validatorIndex: 1 });
      expect(await node.call<string[]>('system_nodeRoles')).toEqual(['Authority']);
    } finally {
      await node.stop();
    }
    const none = await fails('run', '--chain', 'local', '--validator', '--base-path', join(base, 'empty'), '--rpc-port', '0', '--listen-addr', `/ip4/127.0.0.1/tcp/${port}`);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/needs an ed25519 session key.*key insert/);
  }, 60_000);
});
