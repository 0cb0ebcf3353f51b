/**
 * Shared helpers of the storage tests: temp directories and an in-memory model of the chain.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareBytes, toHexRaw } from '../../../src/primitives/bytes.js';
import type { BlockToCommit, ChainDatabase } from '../../../src/storage/index.js';
import type { Trie } from '../../../src/trie/index.js';
import { buildBlock, buildGenesis, changesFor } from './fixtures/chain.js';

/** A fresh directory under the OS temp dir. */
export function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dcn-storage-'));
}

/** Remove a directory made by {@link makeTempDir}. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Key → value, the expected state. */
export type StateModel = Map<string, [Uint8Array, Uint8Array]>;

/** Apply changes in order (later wins) to a copy of `state`. */
export function applyChanges(state: StateModel, changes: ReadonlyArray<readonly [Uint8Array, Uint8Array | null]>): StateModel {
  const next = new Map(state);
  for (const [k, v] of changes) {
    if (v === null) next.delete(toHexRaw(k));
    else next.set(toHexRaw(k), [k, v]);
  }
  return next;
}

/** The model's pairs in byte order of the key. */
export function sortedEntries(state: StateModel): Array<[Uint8Array, Uint8Array]> {
  return [...state.values()].sort((a, b) => compareBytes(a[0], b[0]));
}

/** What was committed: each block and the state after it. */
export interface ChainModel {
  /** Committed blocks by number. */
  blocks: BlockToCommit[];
  /** State after each block, by number. */
  states: StateModel[];
  /** Trie after the last block. */
  trie: Trie;
}

/** Commit the deterministic genesis and then `count` blocks of `perBlock` changes; returns the model. */
export async function commitTestChain(db: ChainDatabase, count: number, perBlock: number): Promise<ChainModel> {
  const g = buildGenesis(db.nodeStore);
  await db.commitGenesis(g.block);
  const model: ChainModel = { blocks: [g.block], states: [applyChanges(new Map(), g.block.stateChanges)], trie: g.trie };
  await extendTestChain(db, model, count, perBlock);
  return model;
}

/** Commit `count` more deterministic blocks on top of `model` (mutated). */
export async function extendTestChain(db: ChainDatabase, model: ChainModel, count: number, perBlock: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const parent = model.blocks[model.blocks.length - 1];
    const n = parent.number + 1;
    const built = buildBlock(model.trie, parent.hash, n, changesFor(n, perBlock));
    await db.commitBlock(built.block);
    model.blocks.push(built.block);
    model.states.push(applyChanges(model.states[model.states.length - 1], built.block.stateChanges));
    model.trie = built.trie;
  }
}
