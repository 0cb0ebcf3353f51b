/**
 * The auditor's tools as real processes (`node dist/cli.js …`; `npm test` builds dist first) over a real dev chain
 * of 1,000 sr25519-signed transfers (@polkadot/keyring keys //Alice … //Ferdie and //0 … //9 funded by Alice),
 * authored block by block through the node's own path (transaction intake, pool, buildBlock, Chain.commit) into a
 * LevelDB database in a temp dir.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCrypto, keyPairFromUri } from '../../src/crypto/keys.js';
import { SignatureVerifier } from '../../src/crypto/verifier-pool.js';
import { toHex } from '../../src/primitives/bytes.js';
import { decodeExtrinsic } from '../../src/primitives/extrinsic.js';
import { BodyCodec } from '../../src/primitives/types.js';
import { SystemStorage } from '../../src/pallets/system/index.js';
import { BalancesStorage } from '../../src/pallets/balances/index.js';
import { u128 } from '../../src/primitives/scale/index.js';
import { XFG } from '../../src/chain/index.js';
import { loadChainSpec } from '../../src/node/chain-spec.js';
import { databasePath, openChain } from '../../src/node/node.js';
import { buildTransferChain } from '../../src/node/transfer-chain.js';
import { TransactionService } from '../../src/node/transactions.js';
import { ChainDatabase } from '../../src/storage/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const TRANSFERS = 1000;
const silent = { info() {}, warn() {}, debug() {} };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI to completion. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let dir: string;
let base: string;
let head: { number: number; hash: string; stateRoot: string };
let bobAccountKey: Uint8Array;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
  await initCrypto();
  dir = mkdtempSync(join(tmpdir(), 'dcn-replay-'));
  base = join(dir, 'node');
  const logger = pino({ level: 'silent' });
  const chain = await openChain(loadChainSpec('dev'), base, logger);
  const verifier = new SignatureVerifier();
  const txs = new TransactionService(chain, verifier, logger);
  const dev = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map((n) => keyPairFromUri(`//${n}`, 'sr25519'));
  const derived = Array.from({ length: 10 }, (_, i) => keyPairFromUri(`//${i}`, 'sr25519'));
  const r = await buildTransferChain(chain, txs, {
    author: dev[0].publicKey,
    senders: dev,
    fund: { funder: dev[0], accounts: derived, amount: 1000n * XFG },
    transfers: TRANSFERS,
    perBlock: 100,
    seed: 7,
  });
  expect(r.transfers).toBe(TRANSFERS);
  head = { number: chain.head.number, hash: toHex(chain.head.hash), stateRoot: toHex(chain.head.header.stateRoot) };
  bobAccountKey = SystemStorage.Account.keyOf(dev[1].publicKey);
  await verifier.close();
  await chain.db.close();
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('replay', () => {
  it('re-executes the whole chain in a fresh state and exits 0 with a summary', async () => {
    const r = await cli('replay', '--chain', 'dev', '--base-path', base);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(': OK');
    expect(r.stdout).toMatch(new RegExp(`blocks: +${head.number} replayed \\(blocks #1\\.\\.#${head.number}\\)`));
    // One timestamp inherent per block besides the transfers.
    expect(r.stdout).toMatch(new RegExp(`extrinsics: +${TRANSFERS + head.number} \\(${TRANSFERS} signed, every signature verified\\)`));
    expect(r.stdout).toMatch(/time: +[\d.]+ s, [\d,]+ extrinsics\/s/);
    expect(r.stdout).toContain(`#${head.number} ${head.hash}, state root ${head.stateRoot}`);
    expect(r.stdout).toMatch(/node state: +matches the replayed state \(\d+ keys: stored trie and flat head table\)/);
  });

  it('stops at --to and compares the stored trie of that block', async () => {
    const r = await cli('replay', '--chain', 'dev', '--base-path', base, '--to', '3');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/blocks: +3 replayed \(blocks #1\.\.#3\)/);
    expect(r.stdout).toMatch(/node state: +matches the replayed state \(\d+ keys: stored trie\)/);
  });

  it('catches a tampered stored value, naming the block and the key (exit 1)', async () => {
    const copy = join(dir, 'tampered');
    cpSync(base, copy, { recursive: true });
    const db = await ChainDatabase.open(databasePath(copy, loadChainSpec('dev')), { logger: silent });
    const value = db.headState().get(bobAccountKey)!.slice();
    value[value.length - 20] ^= 0x01; // one bit of Bob's reserved balance
    await db.tamper({ flat: [[bobAccountKey, value]] });
    await db.close();

    const r = await cli('replay', '--chain', 'dev', '--base-path', copy);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('DIVERGED');
    const bob = keyPairFromUri('//Bob', 'sr25519').address(42);
    expect(r.stderr).toContain(`replay diverges at block #${head.number} ${head.hash}: stored-state:`);
    expect(r.stderr).toContain(`stored state value of key System.Account(${bob}) differs in the node's flat head state`);
    expect(r.stderr).toContain(toHex(value));
  });

  it('--check-invariants --every 4: every invariant holds at blocks 4, 8, … and the head (exit 0)', async () => {
    const r = await cli('replay', '--chain', 'dev', '--base-path', base, '--check-invariants', '--every', '4');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(': OK');
    const at = Array.from({ length: Math.floor(head.number / 4) }, (_, i) => 4 * (i + 1));
    if (at[at.length - 1] !== head.number) at.push(head.number);
    const list = at.length <= 8 ? at.map((n) => `#${n}`).join(', ') : `#${at[0]}, …, #${at[at.length - 1]}`;
    expect(r.stdout).toContain(`invariants:  hold: checked on ${at.length} states (after ${list})`);
  });

  it('--check-invariants on a chain whose raw genesis over-issues XFG: valid blocks, the identity broken, exit 1 with the numbers', async () => {
    // A raw spec of the dev chain with one base unit more in Balances.TotalIssuance than the accounts hold.
    const spec = await cli('build-spec', '--chain', 'dev', '--raw');
    expect(spec.code).toBe(0);
    const json = JSON.parse(spec.stdout) as { id: string; genesis: { raw: { top: Record<string, string> } } };
    const key = toHex(BalancesStorage.TotalIssuance.key);
    const issuance = u128.decode(Buffer.from(json.genesis.raw.top[key].slice(2), 'hex'));
    json.genesis.raw.top[key] = toHex(u128.encode(issuance + 1n));
    const specFile = join(dir, 'over-issued.json');
    writeFileSync(specFile, JSON.stringify(json));
    const overBase = join(dir, 'over-issued');
    const logger = pino({ level: 'silent' });
    const chain = await openChain(loadChainSpec(specFile), overBase, logger);
    const verifier = new SignatureVerifier();
    const txs = new TransactionService(chain, verifier, logger);
    const dev = ['Alice', 'Bob'].map((n) => keyPairFromUri(`//${n}`, 'sr25519'));
    await buildTransferChain(chain, txs, { author: dev[0].publicKey, senders: dev, transfers: 20, perBlock: 5, seed: 3 });
    const last = { number: chain.head.number, hash: toHex(chain.head.hash) };
    const total = BalancesStorage.TotalIssuance.get(chain.db.headState());
    await verifier.close();
    await chain.db.close();

    // Without the flag the replay is unchanged: the blocks and roots are valid.
    const plain = await cli('replay', '--chain', specFile, '--base-path', overBase);
    expect(plain.code).toBe(0);
    const r = await cli('replay', '--chain', specFile, '--base-path', overBase, '--check-invariants');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('INVARIANT BROKEN');
    expect(r.stdout).toContain(`invariants:  BROKEN: checked on 1 state (after #${last.number})`);
    expect(r.stderr).toContain(`Error: invariants broken in the state after block #${last.number} ${last.hash}:`);
    expect(r.stderr).toMatch(new RegExp(`XFG issuance: Balances\\.TotalIssuance ${total} ≠ Σ free \\+ reserved ${total - 1n} over \\d+ accounts \\(difference \\+1\\)`));
    const every = await cli('replay', '--chain', specFile, '--base-path', overBase, '--check-invariants', '--every', '2');
    expect(every.code).toBe(1);
    expect(every.stderr).toContain('invariants broken in the state after block #2 ');
  });

  it('refuses bad flags and files with exit 2', async () => {
    const everyZero = await cli('replay', '--chain', 'dev', '--base-path', base, '--check-invariants', '--every', '0');
    expect(everyZero.code).toBe(2);
    expect(everyZero.stderr).toContain('--every must be between 1 and 4294967295, got 0');
    const everyAlone = await cli('replay', '--chain', 'dev', '--base-path', base, '--every', '5');
    expect(everyAlone.code).toBe(2);
    expect(everyAlone.stderr).toContain('--every needs --check-invariants');
    const both = await cli('replay', '--chain', 'dev', '--base-path', base, '--input', join(dir, 'x'));
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exactly one of --base-path and --input');
    const missing = await cli('replay', '--chain', 'dev', '--input', join(dir, 'missing.bin'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing.bin');
    const notAFile = join(dir, 'junk.bin');
    writeFileSync(notAFile, 'hello');
    const junk = await cli('replay', '--chain', 'dev', '--input', notAFile);
    expect(junk.code).toBe(2);
    expect(junk.stderr).toContain('not a block file');
    const noDb = await cli('replay', '--chain', 'dev', '--base-path', join(dir, 'nowhere'));
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toContain('no database of chain "dev"');
    const badTo = await cli('replay', '--chain', 'dev', '--base-path', base, '--to', 'ten');
    expect(badTo.code).toBe(2);
    expect(badTo.stderr).toContain('--to must be an integer');
  });
});

describe('export-blocks and import-blocks', () => {
  let file: string;

  beforeAll(async () => {
    file = join(dir, 'chain.bin');
    const r = await cli('export-blocks', '--chain', 'dev', '--base-path', base, '--output', file);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`exported ${head.number + 1} blocks (#0..#${head.number})`);
  });

  it('writes the versioned binary format', () => {
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('DCNB');
    expect(bytes[4]).toBe(1);
  });

  it('imports into a fresh base path with the same head hash and state root; replay of the file agrees', async () => {
    const fresh = join(dir, 'imported');
    const r = await cli('import-blocks', '--chain', 'dev', '--base-path', fresh, file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`imported ${head.number} blocks (#1..#${head.number})`);
    expect(r.stdout).toContain('skipped 1 already present');
    expect(r.stdout).toContain(`head #${head.number} ${head.hash}, state root ${head.stateRoot}`);

    const replayed = await cli('replay', '--chain', 'dev', '--input', file);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain(`#${head.number} ${head.hash}, state root ${head.stateRoot}`);
  });

  it('round-trips JSON lines too', async () => {
    const json = join(dir, 'chain.jsonl');
    expect((await cli('export-blocks', '--chain', 'dev', '--base-path', base, '--format', 'json', '--output', json)).code).toBe(0);
    const lines = readFileSync(json, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(head.number + 2);
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ number: head.number, hash: head.hash });
    const r = await cli('import-blocks', '--chain', 'dev', '--base-path', join(dir, 'imported-json'), json);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`head #${head.number} ${head.hash}, state root ${head.stateRoot}`);
  });

  it('refuses a corrupted block, naming it (import and replay exit 1)', async () => {
    const db = await ChainDatabase.open(databasePath(base, loadChainSpec('dev')), { logger: silent });
    const hash5 = db.getHashByNumber(5)!;
    const body = BodyCodec.decode(db.getBody(hash5)!);
    await db.close();
    // Flip one bit in the signature (R part) of extrinsic 1 of block #5, a signed transfer.
    const bytes = readFileSync(file);
    const target = Buffer.from(body[1]);
    const at = bytes.indexOf(target);
    expect(at).toBeGreaterThan(0);
    expect(decodeExtrinsic(body[1]).signature).toBeDefined();
    const prefix = body[1][0] & 3 ? 2 : 1; // compact length prefix of the extrinsic
    // version ‖ MultiAddress::Id tag ‖ 32-byte account ‖ MultiSignature tag ‖ signature
    bytes[at + prefix + 1 + 1 + 32 + 1 + 5] ^= 0x10;
    const bad = join(dir, 'corrupted.bin');
    writeFileSync(bad, bytes);

    const r = await cli('import-blocks', '--chain', 'dev', '--base-path', join(dir, 'imported-bad'), bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`import refused block #5 `);
    expect(r.stderr).toContain('extrinsic 1 is invalid: Transaction has a bad signature');
    expect(r.stderr).toContain('head is #4 ');

    const rep = await cli('replay', '--chain', 'dev', '--input', bad);
    expect(rep.code).toBe(1);
    expect(rep.stderr).toMatch(/replay diverges at block #5 0x[0-9a-f]{64}: signature: bad signature in extrinsic 1 \(signer 5\w+, extrinsic 0x[0-9a-f]{64}\)/);
  });

  it('refuses a block that does not extend the head, naming the block', async () => {
    const tail = join(dir, 'tail.bin');
    expect((await cli('export-blocks', '--chain', 'dev', '--base-path', base, '--from', '3', '--output', tail)).code).toBe(0);
    const r = await cli('import-blocks', '--chain', 'dev', '--base-path', join(dir, 'imported-tail'), tail);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/import refused block #3 0x[0-9a-f]{64}: does not extend the head #0 0x[0-9a-f]{64}: blocks #1\.\.#2 are missing/);
    const rep = await cli('replay', '--chain', 'dev', '--input', tail);
    expect(rep.code).toBe(2);
    expect(rep.stderr).toContain('the blocks start at #3');
  });
});
