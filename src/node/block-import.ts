/**
 * Import of exported blocks into a node's chain: each block must extend the head; its signatures are verified on
 * the worker-thread verifier first (`preverify`), then `Chain.importBlock` re-executes it with the cached verdicts,
 * checks both roots and commits it. Blocks the chain already holds (same hash at the same number) are skipped.
 */
import { performance } from 'node:perf_hooks';
import type { SignatureVerifier } from '../crypto/verifier-pool.js';
import { equalBytes, toHex } from '../primitives/bytes.js';
import { HeaderCodec, type Header } from '../primitives/types.js';
import { BlockExecutionError } from '../runtime/runtime.js';
import type { Chain } from './chain.js';
import { CachedSignatureChecker, preverify } from './signatures.js';

/** A block to import. */
export interface BlockToImport {
  /** SCALE header bytes (their blake2_256 is the block hash). */
  header: Uint8Array;
  /** The header, decoded. */
  decoded: Header;
  /** blake2_256(header). */
  hash: Uint8Array;
  /** The extrinsics, each with its length prefix. */
  extrinsics: Uint8Array[];
  /** The commit certificate, if any. */
  justification: Uint8Array | undefined;
}

/** A block the chain refused; the message names its number and hash and why. */
export class BlockImportRefused extends Error {
  /** Refusal of block `number` (0 ≤ n < 2^32) with `hash`. */
  constructor(
    readonly number: number,
    readonly hash: Uint8Array,
    why: string,
  ) {
    super(`block #${number} ${toHex(hash)}: ${why}`);
    this.name = 'BlockImportRefused';
  }
}

/** What an import did. */
export interface ImportSummary {
  /** Blocks imported (< 2^32). */
  imported: number;
  /** Blocks skipped because the chain already had them (< 2^32). */
  skipped: number;
  /** Extrinsics in the imported blocks (< 2^53). */
  extrinsics: number;
  /** First and last imported block numbers (undefined when none was imported). */
  first: number | undefined;
  last: number | undefined;
  /** Seconds spent. */
  seconds: number;
}

/** Import `blocks` in order on top of `chain`'s head. Throws {@link BlockImportRefused} at the first block refused. */
export async function importBlocks(
  chain: Chain,
  verifier: SignatureVerifier,
  blocks: AsyncIterable<BlockToImport>,
  onBlock?: (summary: ImportSummary, number: number) => void,
): Promise<ImportSummary> {
  const t0 = performance.now();
  const summary: ImportSummary = { imported: 0, skipped: 0, extrinsics: 0, first: undefined, last: undefined, seconds: 0 };
  const checker = new CachedSignatureChecker(verifier);
  for await (const b of blocks) {
    const n = b.decoded.number;
    const head = chain.head;
    if (n <= head.number) {
      const known = chain.hashAt(n);
      if (known !== undefined && equalBytes(known, b.hash)) {
        summary.skipped++;
        continue;
      }
      throw new BlockImportRefused(n, b.hash, `does not extend the head #${head.number} ${toHex(head.hash)}: the chain already has ${known === undefined ? 'another block' : toHex(known)} at #${n}`);
    }
    if (n !== head.number + 1) {
      throw new BlockImportRefused(n, b.hash, `does not extend the head #${head.number} ${toHex(head.hash)}: blocks #${head.number + 1}..#${n - 1} are missing`);
    }
    if (!equalBytes(b.decoded.parentHash, head.hash)) {
      throw new BlockImportRefused(n, b.hash, `does not extend the head #${head.number} ${toHex(head.hash)}: its parent is ${toHex(b.decoded.parentHash)}`);
    }
    if (!equalBytes(HeaderCodec.encode(b.decoded), b.header)) {
      throw new BlockImportRefused(n, b.hash, 'the header is not canonically encoded');
    }
    // The signatures are checked against the head's state, with the head's hash known for mortal eras.
    await preverify(chain.runtime, verifier, { state: chain.headState(), number: n, recentHashes: [[head.number, head.hash]] }, b.extrinsics);
    try {
      const sealed = await chain.importBlock(b.decoded, b.extrinsics, checker, b.justification);
      // Roots matched and the header is canonical, so this holds; checked all the same.
      if (!equalBytes(sealed.hash, b.hash)) throw new BlockImportRefused(n, b.hash, `re-executed it hashes to ${toHex(sealed.hash)}`);
    } catch (e) {
      if (e instanceof BlockExecutionError) throw new BlockImportRefused(n, b.hash, e.message);
      throw e;
    }
    summary.imported++;
    summary.extrinsics += b.extrinsics.length;
    summary.first ??= n;
    summary.last = n;
    onBlock?.(summary, n);
  }
  summary.seconds = (performance.now() - t0) / 1000;
  return summary;
}
