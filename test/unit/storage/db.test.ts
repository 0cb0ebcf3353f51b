import { ClassicLevel } from 'classic-level';
import { pino } from 'pino';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { concatBytes, toHex, toHexRaw } from '../../../src/primitives/bytes.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import {
  ChainDatabase,
  Column,
  MetaKey,
  SCHEMA_VERSION,
  StorageErrorCode,
  type ChainDatabaseOptions,
} from '../../../src/storage/index.js';
import { buildBlock, buildGenesis, changesFor, KEY_SPACE, keyOf, palletPrefix, silentLogger } from './fixtures/chain.js';
import { applyChanges, commitTestChain, extendTestChain, makeTempDir, removeDir, sortedEntries, type ChainModel } from './helpers.js';

const opts: ChainDatabaseOptions = { logger: silentLogger };

/** Expect a promise to reject with a StorageError of `code`; returns the message. */
async function rejectsWith(p: Promise<unknown>, code: StorageErrorCode): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected ${code}`).toMatchObject({ code });
  return (e as Error).message;
}

function throwsWith(fn: () => unknown, code: StorageErrorCode): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toMatchObject({ code });
}

/** Pairs as `key:value` hex strings (fast to compare, readable in a diff). */
function pairsHex(pairs: Iterable<readonly [Uint8Array, Uint8Array]>): string[] {
  return Array.from(pairs, ([k, v]) => `${toHexRaw(k)}:${toHexRaw(v)}`);
}

/** Check every block, index, and state of `model` against `db`. */
function verifyChain(db: ChainDatabase, model: ChainModel): void {
  const last = model.blocks[model.blocks.length - 1];
  expect(db.getHead()).toEqual({ hash: last.hash, number: last.number, stateRoot: last.stateRoot });
  expect(db.getGenesisHash()).toEqual(model.blocks[0].hash);
  expect(db.getChainId()).toBe('test-chain');
  for (const b of model.blocks) {
    expect(db.getHashByNumber(b.number)).toEqual(b.hash);
    expect(db.getHeader(b.hash)).toEqual(b.header);
    expect(db.getBody(b.hash)).toEqual(b.body);
    expect(db.getJustification(b.hash)).toEqual(b.justification);
    expect(db.getStateRoot(b.hash)).toEqual(b.stateRoot);
    b.extrinsicHashes.forEach((x, index) => expect(db.getTxLocation(x)).toEqual({ blockHash: b.hash, index }));
    // Archive: the full state of every past block through the trie.
    expect(pairsHex(db.stateAt(b.stateRoot).entries(new Uint8Array(0)))).toEqual(pairsHex(sortedEntries(model.states[b.number])));
  }
  expect(db.getHashByNumber(last.number + 1)).toBeUndefined();
  const head = db.headState();
  const state = model.states[last.number];
  const got: string[] = [];
  const want: string[] = [];
  for (let i = 0; i < KEY_SPACE; i++) {
    const k = keyOf(i);
    const v = head.get(k);
    const w = state.get(toHexRaw(k))?.[1];
    got.push(v === undefined ? '-' : toHexRaw(v));
    want.push(w === undefined ? '-' : toHexRaw(w));
  }
  expect(got).toEqual(want);
}

describe('ChainDatabase', () => {
  let dir: string;
  // WASM blake2 (same output as the JS fallback, much faster).
  beforeAll(() => cryptoWaitReady());
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => removeDir(dir));

  it('commits a chain and reads every record and past state back, also after reopening', async () => {
    // A pino logger fits the StorageLogger interface.
    let db = await ChainDatabase.open(dir, { logger: pino({ level: 'silent' }), cacheEntries: 500 });
    const model = await commitTestChain(db, 12, 300);
    verifyChain(db, model);
    expect((await db.auditHeadState()).mismatches).toEqual([]);
    await db.close();

    db = await ChainDatabase.open(dir, opts);
    verifyChain(db, model);
    const audit = await db.auditHeadState();
    expect(audit).toEqual({ keys: model.states[12].size, mismatches: [] });
    // The chain continues after a reopen.
    model.trie = db.stateAt(db.getHead()!.stateRoot);
    await extendTestChain(db, model, 2, 300);
    verifyChain(db, model);
    await db.close();
  });

  it('exports canonical blocks in order with iterateBlocks', async () => {
    const db = await ChainDatabase.open(dir, opts);
    const model = await commitTestChain(db, 6, 50);
    const all = [];
    for await (const b of db.iterateBlocks(0, 1_000)) all.push(b);
    expect(all.map((b) => b.number)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(all.map((b) => [b.hash, b.header, b.body, b.justification])).toEqual(
      model.blocks.map((b) => [b.hash, b.header, b.body, b.justification]),
    );
    const some = [];
    for await (const b of db.iterateBlocks(2, 4)) some.push(b.number);
    expect(some).toEqual([2, 3, 4]);
    await db.close();
  });

  it('serves ordered head-state scans and nextKey that agree with the model', async () => {
    const db = await ChainDatabase.open(dir, { ...opts, cacheEntries: 100 });
    const model = await commitTestChain(db, 4, 400);
    const expected = sortedEntries(model.states[4]);
    const head = db.headState();
    expect(head.root).toEqual(model.blocks[4].stateRoot);

    expect(await head.entries(new Uint8Array(0))).toEqual(expected);
    const prefix = palletPrefix(1);
    const underPrefix = expected.filter(([k]) => Buffer.from(k).subarray(0, prefix.length).equals(prefix)).map(([k]) => k);
    expect(underPrefix.length).toBeGreaterThan(100);
    expect(await head.keys(prefix)).toEqual(underPrefix);

    // Paging with startAfter and limit returns the same keys.
    const paged: Uint8Array[] = [];
    let after: Uint8Array | undefined;
    for (;;) {
      const page = await head.keys(prefix, after, 97);
      expect(page.length).toBeLessThanOrEqual(97);
      if (page.length === 0) break;
      paged.push(...page);
      after = page[page.length - 1];
    }
    expect(paged).toEqual(underPrefix);
    // startAfter below the prefix means from the start; a limit of 3 gives the first 3.
    expect(await head.keys(prefix, new Uint8Array([0]), 3)).toEqual(underPrefix.slice(0, 3));

    // nextKey (synchronous, through the trie) walks the same keys.
    const walked: Uint8Array[] = [];
    for (let k = head.nextKey(new Uint8Array(0)); k !== undefined; k = head.nextKey(k)) walked.push(k);
    expect(walked).toEqual(expected.map(([k]) => k));
    await db.close();
  });

  it('shows readers the old head and state until the commit is durable, then the new ones', async () => {
    const db = await ChainDatabase.open(dir, { ...opts, cacheEntries: 10_000 });
    const model = await commitTestChain(db, 1, 200);
    const before = model.states[1];
    const built = buildBlock(model.trie, model.blocks[1].hash, 2, changesFor(2, 400));
    const changed = built.block.stateChanges.map(([k]) => k);
    const head = db.headState();
    // Cache half of the keys to be changed; the other half will miss the cache during the write.
    changed.slice(0, 200).forEach((k) => head.get(k));
    const old = (k: Uint8Array) => before.get(Buffer.from(k).toString('hex'))?.[1];

    const pending = db.commitBlock(built.block);
    // The batch is submitted; nothing has switched yet.
    expect(db.getHead()!.number).toBe(1);
    for (const k of changed) expect(head.get(k)).toEqual(old(k));
    const scan = head.keys(new Uint8Array(0));
    // The new nodes are visible to the trie already (content-addressed, so harmless).
    expect(db.nodeStore.get(built.block.stateRoot)).toBeDefined();
    await pending;

    expect(await scan).toEqual(sortedEntries(before).map(([k]) => k));
    expect(db.getHead()!.number).toBe(2);
    const after = applyChanges(before, built.block.stateChanges);
    for (const k of changed) expect(head.get(k)).toEqual(after.get(Buffer.from(k).toString('hex'))?.[1]);
    expect((await db.auditHeadState()).mismatches).toEqual([]);
    await db.close();
  });

  it('runs commits queued without awaiting in call order, also across close()', async () => {
    const db = await ChainDatabase.open(dir, opts);
    const model = await commitTestChain(db, 0, 0);
    const b1 = buildBlock(model.trie, model.blocks[0].hash, 1, changesFor(1, 100));
    const b2 = buildBlock(b1.trie, b1.block.hash, 2, changesFor(2, 100));
    await Promise.all([db.commitBlock(b1.block), db.commitBlock(b2.block)]);
    expect(db.getHead()!.hash).toEqual(b2.block.hash);
    expect((await db.auditHeadState()).mismatches).toEqual([]);

    // close() waits for a commit already queued, and refuses later ones.
    const b3 = buildBlock(b2.trie, b2.block.hash, 3, changesFor(3, 100));
    const b4 = buildBlock(b3.trie, b3.block.hash, 4, changesFor(4, 100));
    const committing = db.commitBlock(b3.block);
    const closing = db.close();
    await rejectsWith(db.commitBlock(b4.block), StorageErrorCode.Closed);
    await committing;
    await closing;
    const reopened = await ChainDatabase.open(dir, opts);
    expect(reopened.getHead()!.hash).toEqual(b3.block.hash);
    await reopened.close();
  });

  it('refuses blocks that do not extend the head or disagree with their header, and stays usable', async () => {
    const db = await ChainDatabase.open(dir, opts);
    const g = buildGenesis(db.nodeStore);
    const early = buildBlock(g.trie, g.block.hash, 1, changesFor(1, 10));
    await rejectsWith(db.commitBlock(early.block), StorageErrorCode.NoGenesis);
    throwsWith(() => db.headState(), StorageErrorCode.NoGenesis);
    await db.commitGenesis(g.block);

    const good = buildBlock(g.trie, g.block.hash, 1, changesFor(1, 50));
    const skip = buildBlock(g.trie, g.block.hash, 2, changesFor(2, 50));
    await rejectsWith(db.commitBlock(skip.block), StorageErrorCode.NotChildOfHead);
    const orphan = buildBlock(g.trie, new Uint8Array(32).fill(7), 1, changesFor(1, 50));
    const msg = await rejectsWith(db.commitBlock(orphan.block), StorageErrorCode.NotChildOfHead);
    expect(msg).toContain(toHex(g.block.hash));
    await rejectsWith(db.commitBlock({ ...good.block, hash: new Uint8Array(32) }), StorageErrorCode.InconsistentBlock);
    await rejectsWith(db.commitBlock({ ...good.block, number: 5 }), StorageErrorCode.InconsistentBlock);
    await rejectsWith(db.commitBlock({ ...good.block, stateRoot: g.block.stateRoot }), StorageErrorCode.InconsistentBlock);
    await rejectsWith(db.commitBlock({ ...good.block, trieNodes: [] }), StorageErrorCode.MissingStateRoot);
    await rejectsWith(db.commitBlock({ ...good.block, header: good.block.header.subarray(0, 40) }), StorageErrorCode.MalformedHeader);
    // Nothing of the refused blocks was written.
    expect(db.getHead()!.number).toBe(0);
    expect(db.getHashByNumber(1)).toBeUndefined();
    expect(db.getHeader(good.block.hash)).toBeUndefined();

    await db.commitBlock(good.block);
    expect(db.getHead()!.hash).toEqual(good.block.hash);
    // Committing the same block again is not a child of the head.
    await rejectsWith(db.commitBlock(good.block), StorageErrorCode.NotChildOfHead);
    await db.close();
    await rejectsWith(db.commitBlock(good.block), StorageErrorCode.Closed);
    await db.close(); // idempotent
  });

  it('accepts the same genesis again and refuses a different genesis or chain id, naming both', async () => {
    let db = await ChainDatabase.open(dir, opts);
    const model = await commitTestChain(db, 2, 20);
    const same = buildGenesis(db.nodeStore);
    await db.commitGenesis(same.block);
    expect(db.getHead()!.number).toBe(2);
    await db.close();

    db = await ChainDatabase.open(dir, opts);
    const other = buildGenesis(db.nodeStore, 499);
    const msg = await rejectsWith(db.commitGenesis(other.block), StorageErrorCode.GenesisMismatch);
    expect(msg).toContain(toHex(model.blocks[0].hash));
    expect(msg).toContain(toHex(other.block.hash));
    const renamed = await rejectsWith(db.commitGenesis({ ...same.block, chainId: 'other-chain' }), StorageErrorCode.GenesisMismatch);
    expect(renamed).toContain('other-chain');
    expect(db.getGenesisHash()).toEqual(model.blocks[0].hash);
    expect(db.getHead()!.number).toBe(2);
    await db.close();
  });

  it('records the latest inclusion of an extrinsic hash seen in two blocks', async () => {
    const db = await ChainDatabase.open(dir, opts);
    const model = await commitTestChain(db, 0, 0);
    const dup = blake2_256(new Uint8Array([1, 2, 3]));
    const b1 = buildBlock(model.trie, model.blocks[0].hash, 1, changesFor(1, 5));
    const b2 = buildBlock(b1.trie, b1.block.hash, 2, changesFor(2, 5));
    await db.commitBlock({ ...b1.block, extrinsicHashes: [dup] });
    expect(db.getTxLocation(dup)).toEqual({ blockHash: b1.block.hash, index: 0 });
    await db.commitBlock({ ...b2.block, extrinsicHashes: [new Uint8Array(32), dup] });
    expect(db.getTxLocation(dup)).toEqual({ blockHash: b2.block.hash, index: 1 });
    expect(db.getTxLocation(new Uint8Array(32).fill(9))).toBeUndefined();
    await db.close();
  });

  it('stores justifications of known blocks durably and refuses unknown blocks', async () => {
    let db = await ChainDatabase.open(dir, opts);
    const model = await commitTestChain(db, 2, 10);
    const h1 = model.blocks[1].hash;
    expect(db.getJustification(h1)).toBeUndefined();
    await db.putJustification(h1, new Uint8Array([9, 9]));
    await rejectsWith(db.putJustification(new Uint8Array(32), new Uint8Array([1])), StorageErrorCode.UnknownBlock);
    await db.close();
    db = await ChainDatabase.open(dir, opts);
    expect(db.getJustification(h1)).toEqual(new Uint8Array([9, 9]));
    await db.close();
  });

  it('refuses to open a foreign LevelDB, another schema version, or a head with missing records', async () => {
    const raw = () => new ClassicLevel<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    let level = raw();
    await level.put(new TextEncoder().encode('hello'), new TextEncoder().encode('world'));
    await level.close();
    const foreign = await rejectsWith(ChainDatabase.open(dir, opts), StorageErrorCode.NotAChainDatabase);
    expect(foreign).toContain(dir);
    removeDir(dir);

    // A fresh database gets the schema version; another version is refused.
    const db = await ChainDatabase.open(dir, opts);
    expect(db.getHead()).toBeUndefined();
    const model = await commitTestChain(db, 1, 30);
    await db.close();
    level = raw();
    const schemaKey = Uint8Array.of(Column.Meta, MetaKey.SchemaVersion);
    expect(await level.get(schemaKey)).toEqual(Buffer.from([SCHEMA_VERSION, 0, 0, 0]));
    await level.put(schemaKey, Uint8Array.of(SCHEMA_VERSION + 1, 0, 0, 0));
    await level.close();
    const schema = await rejectsWith(ChainDatabase.open(dir, opts), StorageErrorCode.SchemaMismatch);
    expect(schema).toContain(`schema version ${SCHEMA_VERSION + 1}`);

    // Restore the version, then remove the head's state root node.
    level = raw();
    await level.put(schemaKey, Uint8Array.of(SCHEMA_VERSION, 0, 0, 0));
    const rootKey = concatBytes(Uint8Array.of(Column.TrieNodes), model.blocks[1].stateRoot);
    const rootNode = (await level.get(rootKey))!;
    await level.del(rootKey);
    await level.close();
    expect(await rejectsWith(ChainDatabase.open(dir, opts), StorageErrorCode.CorruptHead)).toContain('state root');

    // Restore it, then remove the head's header.
    level = raw();
    await level.put(rootKey, rootNode);
    await level.del(concatBytes(Uint8Array.of(Column.Headers), model.blocks[1].hash));
    await level.close();
    expect(await rejectsWith(ChainDatabase.open(dir, opts), StorageErrorCode.CorruptHead)).toContain('header');

    // A refused open released the lock: the directory opens again, and a second open is refused.
    level = raw();
    await level.open();
    expect(await rejectsWith(ChainDatabase.open(dir, opts), StorageErrorCode.Locked)).toContain(dir);
    await level.close();
  });

  it('lets tests tamper with flat state and trie nodes, which the audit and the trie then expose', async () => {
    const db = await ChainDatabase.open(dir, opts);
    const model = await commitTestChain(db, 1, 100);
    const [key, value] = sortedEntries(model.states[1])[5];
    const forged = new Uint8Array([0xde, 0xad]);
    const extra = keyOf(KEY_SPACE + 1);
    await db.tamper({ flat: [[key, forged], [extra, forged]] });
    expect(db.headState().get(key)).toEqual(forged);
    const audit = await db.auditHeadState();
    expect(audit.mismatches).toEqual([
      { key, flat: forged, trie: value },
      { key: extra, flat: forged, trie: undefined },
    ].sort((a, b) => Buffer.compare(a.key, b.key)));
    // The trie is untouched and still answers with the committed value.
    expect(db.stateAt(model.blocks[1].stateRoot).get(key)).toEqual(value);

    const root = model.blocks[1].stateRoot;
    const entries = () => [...db.stateAt(root).entries(new Uint8Array(0))];
    expect(entries()).toHaveLength(model.states[1].size);
    await db.tamper({ nodes: [[root, new Uint8Array([0x01, 0x02, 0x03])]] });
    expect(entries).toThrow();
    await db.close();
  });
});
