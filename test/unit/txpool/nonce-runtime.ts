/**
 * A small but real nonce-based "runtime" for the pool tests: accounts with a nonce and a
 * balance, transfers with a tip, validation that returns Substrate-style nonce tags, and a block
 * author that walks `pool.ready()`, applies transactions and reports the ones that fail.
 *
 * Transaction layout (16 bytes + padding):
 *   [0] sender u8 | [1..5] nonce u32 LE | [5..9] tip u32 LE | [9] dest u8 | [10..14] amount u32 LE
 *   [14] mortalUntil u8 (0 = immortal; else valid while the best block number is below it) | [15] flags (bit0: bad signature) | [16..] padding
 */
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { TransactionPool } from '../../../src/txpool/pool.js';
import type { PoolLimits, PoolTransaction, TxSource, ValidationOutcome } from '../../../src/txpool/types.js';

/** Fee charged on top of the tip. */
export const BASE_FEE = 1n;
/** u64::MAX, longevity of an immortal transaction. */
export const IMMORTAL = 2n ** 64n - 1n;

/** One test transaction. */
export interface TestTx {
  sender: number;
  nonce: number;
  tip?: number;
  dest?: number;
  amount?: number;
  /** 0 = immortal; else the block number from which it is no longer valid. */
  mortalUntil?: number;
  badProof?: boolean;
  pad?: number;
}

/** Encoded transaction and its hash. */
export interface EncodedTx {
  bytes: Uint8Array;
  hash: Uint8Array;
}

/** Encode a test transaction. */
export function encodeTx(t: TestTx): EncodedTx {
  const bytes = new Uint8Array(16 + (t.pad ?? 0));
  const v = new DataView(bytes.buffer);
  bytes[0] = t.sender;
  v.setUint32(1, t.nonce, true);
  v.setUint32(5, t.tip ?? 0, true);
  bytes[9] = t.dest ?? 0;
  v.setUint32(10, t.amount ?? 0, true);
  bytes[14] = t.mortalUntil ?? 0;
  bytes[15] = t.badProof === true ? 1 : 0;
  return { bytes, hash: blake2_256(bytes) };
}

/** Decode a test transaction; undefined when too short. */
export function decodeTx(bytes: Uint8Array): Required<TestTx> | undefined {
  if (bytes.length < 16) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    sender: bytes[0],
    nonce: v.getUint32(1, true),
    tip: v.getUint32(5, true),
    dest: bytes[9],
    amount: v.getUint32(10, true),
    mortalUntil: bytes[14],
    badProof: (bytes[15] & 1) !== 0,
    pad: bytes.length - 16,
  };
}

/** The nonce tag `(sender, nonce)`: sender byte ‖ nonce u32 LE. */
export function nonceTag(sender: number, nonce: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = sender;
  new DataView(out.buffer).setUint32(1, nonce, true);
  return out;
}

/** Account state. */
export interface Account {
  nonce: number;
  balance: bigint;
}

/** Chain state plus the validate/apply functions over it. */
export class NonceChain {
  readonly accounts = new Map<number, Account>();
  /** Best block number. */
  number = 0;
  /** Every validation call, for tests that count them. */
  validations = 0;

  constructor(balances: Record<number, bigint> = {}) {
    for (const [k, b] of Object.entries(balances)) this.accounts.set(Number(k), { nonce: 0, balance: b });
  }

  /** Substrate-style `validate_transaction` against the current state. */
  validate = (bytes: Uint8Array, _hash: Uint8Array, _source: TxSource): ValidationOutcome => {
    this.validations++;
    const t = decodeTx(bytes);
    if (t === undefined) return { ok: false, kind: 'invalid', reason: 'Call', message: 'cannot decode' };
    if (t.badProof) return { ok: false, kind: 'invalid', reason: 'BadProof', message: 'bad signature' };
    const acc = this.accounts.get(t.sender);
    if (acc === undefined) return { ok: false, kind: 'unknown', reason: 'CannotLookup', message: 'no such account' };
    if (t.nonce < acc.nonce) return { ok: false, kind: 'invalid', reason: 'Stale', message: 'outdated nonce' };
    if (t.mortalUntil !== 0 && this.number >= t.mortalUntil) {
      return { ok: false, kind: 'invalid', reason: 'AncientBirthBlock', message: 'mortality expired' };
    }
    const fee = BASE_FEE + BigInt(t.tip);
    if (acc.balance < fee) return { ok: false, kind: 'invalid', reason: 'Payment', message: 'cannot pay fee' };
    return {
      ok: true,
      valid: {
        priority: BigInt(t.tip),
        requires: t.nonce > acc.nonce ? [nonceTag(t.sender, t.nonce - 1)] : [],
        provides: [nonceTag(t.sender, t.nonce)],
        longevity: t.mortalUntil === 0 ? IMMORTAL : BigInt(t.mortalUntil - this.number),
        propagate: true,
      },
      sender: new Uint8Array([t.sender]),
      nonce: t.nonce,
    };
  };

  /** Apply a transaction to the state; false (and no change) when it cannot apply. */
  apply(bytes: Uint8Array): boolean {
    const t = decodeTx(bytes);
    if (t === undefined || t.badProof) return false;
    const acc = this.accounts.get(t.sender);
    if (acc === undefined || acc.nonce !== t.nonce) return false;
    const cost = BASE_FEE + BigInt(t.tip) + BigInt(t.amount);
    if (acc.balance < cost) return false;
    acc.balance -= cost;
    acc.nonce++;
    const to = this.accounts.get(t.dest) ?? { nonce: 0, balance: 0n };
    to.balance += BigInt(t.amount);
    this.accounts.set(t.dest, to);
    return true;
  }

  /** Nonce of `sender` in the state. */
  nonceOf(sender: number): number {
    return this.accounts.get(sender)?.nonce ?? 0;
  }
}

/** Result of authoring one block. */
export interface AuthoredBlock {
  blockHash: Uint8Array;
  number: number;
  included: PoolTransaction[];
  skipped: PoolTransaction[];
  /** Transactions the iterator yielded, in order (included or not). */
  yielded: PoolTransaction[];
}

/**
 * Author a block from the pool (at most `maxTx` transactions, an optional `filter` that rejects
 * some as "invalid"), switch the chain to it, then tell the pool (import + finalize).
 */
export function authorBlock(
  chain: NonceChain,
  pool: TransactionPool,
  opts: { maxTx?: number; reject?: (tx: PoolTransaction) => boolean; revalidate?: boolean | number } = {},
): AuthoredBlock {
  const maxTx = opts.maxTx ?? Number.MAX_SAFE_INTEGER;
  const included: PoolTransaction[] = [];
  const skipped: PoolTransaction[] = [];
  const yielded: PoolTransaction[] = [];
  const it = pool.ready();
  for (const tx of it) {
    yielded.push(tx);
    if (included.length >= maxTx || (opts.reject?.(tx) ?? false) || !chain.apply(tx.bytes)) {
      skipped.push(tx);
      it.reportInvalid(tx);
      continue;
    }
    included.push(tx);
  }
  chain.number++;
  const blockHash = blake2_256(new Uint8Array([chain.number & 255, (chain.number >> 8) & 255, 0xbb]));
  const inc = included.map((tx, i) => ({ hash: tx.hash, index: i + 1 })); // index 0: the timestamp inherent
  pool.onBlockImported({ blockHash, blockNumber: chain.number, included: inc }, opts.revalidate ?? true);
  pool.onBlockFinalized(blockHash, inc);
  return { blockHash, number: chain.number, included, skipped, yielded };
}

/** A pool over `chain` with a controllable clock. */
export function makePool(
  chain: NonceChain,
  limits: PoolLimits = { readyCount: 1000, readyBytes: 1_000_000, futureCount: 1000, futureBytes: 1_000_000 },
  banTimeMs = 60_000,
): { pool: TransactionPool; clock: { t: number } } {
  const clock = { t: 1_000_000 };
  const pool = new TransactionPool({
    validate: chain.validate,
    limits,
    banTimeMs,
    now: () => clock.t,
    bestNumber: chain.number,
  });
  return { pool, clock };
}
