import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/primitives/bytes.js';
import { PoolError, type PoolErrorCode, type PoolTransaction, type TxStatus } from '../../../src/txpool/types.js';
import { TransactionPool } from '../../../src/txpool/pool.js';
import { authorBlock, encodeTx, makePool, NonceChain, nonceTag, type EncodedTx, type TestTx } from './nonce-runtime.js';

const A = 1;
const B = 2;
const C = 3;
const D = 4;

function richChain(): NonceChain {
  return new NonceChain({ [A]: 1_000_000n, [B]: 1_000_000n, [C]: 1_000_000n, [D]: 1_000_000n });
}

function submit(pool: TransactionPool, t: TestTx): EncodedTx & { status: 'ready' | 'future' } {
  const e = encodeTx(t);
  const r = pool.submit(e.bytes, e.hash, 'external');
  expect(r.hashHex).toBe(toHex(e.hash));
  return { ...e, status: r.status };
}

function expectPoolError(f: () => unknown, code: PoolErrorCode): PoolError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(PoolError);
    expect((err as PoolError).code).toBe(code);
    return err as PoolError;
  }
  throw new Error(`expected PoolError ${code}`);
}

/** Watch a hash and record every status it receives. */
function record(pool: TransactionPool, hash: Uint8Array): TxStatus[] {
  const seen: TxStatus[] = [];
  pool.watch(hash, (s) => seen.push(s));
  return seen;
}

function txKey(tx: PoolTransaction): string {
  const b = tx.bytes;
  return `${b[0]}:${new DataView(b.buffer, b.byteOffset).getUint32(1, true)}`;
}

describe('ready and future by nonce', () => {
  it('puts a nonce gap in future and promotes it when the gap fills', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    expect(submit(pool, { sender: A, nonce: 0 }).status).toBe('ready');
    const a2 = submit(pool, { sender: A, nonce: 2 });
    expect(a2.status).toBe('future');
    expect(pool.status(a2.hash)).toEqual({ type: 'future', waitingFor: [nonceTag(A, 1)] });
    const a2Events = record(pool, a2.hash);
    expect(a2Events).toEqual([{ type: 'future' }]);
    expect(pool.size()).toEqual({ ready: 1, future: 1, total: 2 });

    expect(submit(pool, { sender: A, nonce: 1 }).status).toBe('ready');
    expect(pool.status(a2.hash)).toEqual({ type: 'ready' });
    expect(a2Events).toEqual([{ type: 'future' }, { type: 'ready' }]);
    expect(pool.size()).toEqual({ ready: 3, future: 0, total: 3 });
    expect([...pool.ready()].map(txKey)).toEqual(['1:0', '1:1', '1:2']);
    pool.checkInvariants();
  });

  it('promotes a long chain submitted in reverse order in one step', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    for (let n = 500; n >= 1; n--) expect(submit(pool, { sender: A, nonce: n }).status).toBe('future');
    expect(pool.size().future).toBe(500);
    submit(pool, { sender: A, nonce: 0 });
    expect(pool.size()).toEqual({ ready: 501, future: 0, total: 501 });
    const order = [...pool.ready()].map(txKey);
    expect(order).toEqual(Array.from({ length: 501 }, (_, i) => `1:${i}`));
    pool.checkInvariants();
  });

  it('rejects the same transaction twice and transactions with a stale nonce', () => {
    const chain = richChain();
    chain.accounts.get(A)!.nonce = 5;
    const { pool } = makePool(chain);
    const t = submit(pool, { sender: A, nonce: 5 });
    expectPoolError(() => pool.submit(t.bytes, t.hash, 'external'), 'AlreadyImported');
    const stale = encodeTx({ sender: A, nonce: 4 });
    const err = expectPoolError(() => pool.submit(stale.bytes, stale.hash, 'external'), 'Invalid');
    expect(err.data).toMatchObject({ code: 'Invalid', reason: 'Stale' });
    expect(err.rpcCode).toBe(1010);
    const unknown = encodeTx({ sender: 99, nonce: 0 });
    expect(expectPoolError(() => pool.submit(unknown.bytes, unknown.hash, 'external'), 'Unknown').data).toMatchObject({
      reason: 'CannotLookup',
    });
    // Unknown validity is not a ban: the account may exist later.
    chain.accounts.set(99, { nonce: 0, balance: 100n });
    expect(pool.submit(unknown.bytes, unknown.hash, 'external').status).toBe('ready');
  });
});

describe('ready iterator', () => {
  it('orders by tip across senders, keeps each sender in nonce order, ties by arrival', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    submit(pool, { sender: A, nonce: 0, tip: 1 });
    submit(pool, { sender: A, nonce: 1, tip: 100 });
    submit(pool, { sender: B, nonce: 0, tip: 50 });
    submit(pool, { sender: B, nonce: 1, tip: 10 });
    submit(pool, { sender: C, nonce: 0, tip: 50 });
    // B0 and C0 tie at 50: B0 arrived first. B1 (10) beats A0 (1); A1 (100) must wait for A0.
    expect([...pool.ready()].map(txKey)).toEqual(['2:0', '3:0', '2:1', '1:0', '1:1']);
  });

  it('report_invalid skips every transaction that depends on the reported one', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const a0 = submit(pool, { sender: A, nonce: 0, tip: 9 });
    submit(pool, { sender: A, nonce: 1, tip: 9 });
    submit(pool, { sender: A, nonce: 2, tip: 9 });
    submit(pool, { sender: B, nonce: 0, tip: 1 });
    submit(pool, { sender: B, nonce: 1, tip: 1 });
    const block = authorBlock(chain, pool, { reject: (tx) => toHex(tx.hash) === toHex(a0.hash) });
    expect(block.yielded.map(txKey)).toEqual(['1:0', '2:0', '2:1']);
    expect(block.included.map(txKey)).toEqual(['2:0', '2:1']);
    // A's transactions stay in the pool: A0 was merely skipped by this author.
    expect(pool.size()).toEqual({ ready: 3, future: 0, total: 3 });

    // Rejecting the middle of a chain: its predecessor goes in, its successor is skipped.
    const block2 = authorBlock(chain, pool, { reject: (tx) => txKey(tx) === '1:1' });
    expect(block2.included.map(txKey)).toEqual(['1:0']);
    expect(block2.yielded.map(txKey)).toEqual(['1:0', '1:1']);
    expect(pool.size().ready).toBe(2);
  });

  it('skips a transaction removed from the pool during iteration, with its dependents', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    submit(pool, { sender: A, nonce: 0, tip: 5 });
    const a1 = submit(pool, { sender: A, nonce: 1, tip: 5 });
    submit(pool, { sender: A, nonce: 2, tip: 5 });
    submit(pool, { sender: B, nonce: 0, tip: 1 });
    const it = pool.ready();
    const first = it.next();
    expect(first.done === false && txKey(first.value)).toBe('1:0');
    // A1 was already queued in the iterator by A0; removing it must still keep it (and A2) out.
    pool.remove([a1.hash], 'test');
    expect([...it].map(txKey)).toEqual(['2:0']);
  });

  it('reportInvalid before a transaction is yielded skips it and its dependents', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    submit(pool, { sender: A, nonce: 0, tip: 1 });
    submit(pool, { sender: A, nonce: 1, tip: 1 });
    submit(pool, { sender: B, nonce: 0, tip: 5 });
    const it = pool.ready();
    const a0 = pool.pending().find((t) => txKey(t) === '1:0')!;
    it.reportInvalid(a0);
    expect([...it].map(txKey)).toEqual(['2:0']);
  });
});

describe('limits and eviction', () => {
  const limits = { readyCount: 3, readyBytes: 10_000, futureCount: 2, futureBytes: 10_000 };

  it('refuses a transaction that would be the worst of a full ready queue, else evicts the worst', () => {
    const chain = richChain();
    const { pool } = makePool(chain, limits);
    const low = submit(pool, { sender: A, nonce: 0, tip: 5 });
    submit(pool, { sender: B, nonce: 0, tip: 10 });
    submit(pool, { sender: C, nonce: 0, tip: 20 });
    const lowEvents = record(pool, low.hash);
    const eq = encodeTx({ sender: D, nonce: 0, tip: 5 });
    const err = expectPoolError(() => pool.submit(eq.bytes, eq.hash, 'external'), 'TooLowPriority');
    expect(err.data).toEqual({ code: 'TooLowPriority', old: 5n, new: 5n });
    expect(err.rpcCode).toBe(1014);
    const lower = encodeTx({ sender: D, nonce: 0, tip: 1 });
    expectPoolError(() => pool.submit(lower.bytes, lower.hash, 'external'), 'TooLowPriority');
    expect(pool.size().ready).toBe(3);

    const better = submit(pool, { sender: D, nonce: 0, tip: 15 });
    expect(better.status).toBe('ready');
    expect(pool.has(low.hash)).toBe(false);
    expect(lowEvents).toEqual([{ type: 'ready' }, { type: 'dropped', reason: 'ready queue full' }]);
    expect(pool.size().ready).toBe(3);
    // A refused transaction is not banned: it may come back when there is room.
    expect(pool.status(eq.hash)).toEqual({ type: 'unknown' });
    pool.checkInvariants();
  });

  it('evicting a ready transaction removes the ones that depend on it', () => {
    const chain = richChain();
    const { pool } = makePool(chain, limits);
    const a0 = submit(pool, { sender: A, nonce: 0, tip: 1 });
    const a1 = submit(pool, { sender: A, nonce: 1, tip: 100 });
    submit(pool, { sender: B, nonce: 0, tip: 10 });
    const a1Events = record(pool, a1.hash);
    submit(pool, { sender: C, nonce: 0, tip: 50 });
    expect(pool.has(a0.hash)).toBe(false);
    expect(pool.has(a1.hash)).toBe(false);
    expect(a1Events.at(-1)).toEqual({ type: 'dropped', reason: `depends on evicted ${toHex(a0.hash)}` });
    expect(pool.size().ready).toBe(2);
    pool.checkInvariants();
  });

  it('drops a newcomer that depends on the transaction evicted to make room (ImmediatelyDropped)', () => {
    const chain = richChain();
    const { pool } = makePool(chain, limits);
    const a0 = submit(pool, { sender: A, nonce: 0, tip: 1 });
    submit(pool, { sender: B, nonce: 0, tip: 10 });
    submit(pool, { sender: C, nonce: 0, tip: 10 });
    const a1 = encodeTx({ sender: A, nonce: 1, tip: 50 });
    expect(expectPoolError(() => pool.submit(a1.bytes, a1.hash, 'external'), 'ImmediatelyDropped').rpcCode).toBe(1016);
    expect(pool.has(a0.hash)).toBe(false);
    expect(pool.size().ready).toBe(2);
  });

  it('enforces the byte limits and refuses a transaction larger than a whole queue', () => {
    const chain = richChain();
    const { pool } = makePool(chain, { readyCount: 100, readyBytes: 100, futureCount: 100, futureBytes: 60 });
    submit(pool, { sender: A, nonce: 0, tip: 1, pad: 24 }); // 40 bytes
    submit(pool, { sender: B, nonce: 0, tip: 2, pad: 24 }); // 80
    expect(pool.bytes()).toEqual({ ready: 80, future: 0, total: 80 });
    submit(pool, { sender: C, nonce: 0, tip: 3, pad: 24 }); // 120 > 100: A0 goes
    expect(pool.bytes().ready).toBe(80);
    expect(pool.pending().map(txKey)).toEqual(['2:0', '3:0']);
    const huge = encodeTx({ sender: D, nonce: 0, tip: 1000, pad: 100 });
    expectPoolError(() => pool.submit(huge.bytes, huge.hash, 'external'), 'ImmediatelyDropped');
    // Future bytes: 2 × 40 > 60, so the older future one goes.
    const f1 = submit(pool, { sender: D, nonce: 3, pad: 24 });
    submit(pool, { sender: D, nonce: 4, pad: 24 });
    expect(pool.has(f1.hash)).toBe(false);
    expect(pool.bytes().future).toBe(40);
    pool.checkInvariants();
  });

  it('evicts the oldest future transaction when the future queue is full', () => {
    const chain = richChain();
    const { pool } = makePool(chain, limits);
    const f1 = submit(pool, { sender: A, nonce: 5 });
    const f1Events = record(pool, f1.hash);
    submit(pool, { sender: B, nonce: 5 });
    submit(pool, { sender: C, nonce: 5 });
    expect(pool.size().future).toBe(2);
    expect(pool.has(f1.hash)).toBe(false);
    expect(f1Events).toEqual([{ type: 'future' }, { type: 'dropped', reason: 'future queue full' }]);
  });
});

describe('a nonce refused for lack of room (no later nonce of its sender left waiting in vain)', () => {
  const limits = { readyCount: 2, readyBytes: 10_000, futureCount: 10, futureBytes: 10_000 };

  it('drops the later nonces waiting in future when the full ready queue refuses theirs, and refuses later ones until it is sent again', () => {
    const chain = richChain();
    const { pool } = makePool(chain, limits);
    // A's later nonces arrive first (out of order) and wait for nonce 0.
    const a1 = submit(pool, { sender: A, nonce: 1 });
    const a2 = submit(pool, { sender: A, nonce: 2 });
    expect([a1.status, a2.status]).toEqual(['future', 'future']);
    const a1Events = record(pool, a1.hash);
    const a2Events = record(pool, a2.hash);
    submit(pool, { sender: B, nonce: 0, tip: 10 });
    submit(pool, { sender: C, nonce: 0, tip: 10 });
    const a0 = encodeTx({ sender: A, nonce: 0 });
    expectPoolError(() => pool.submit(a0.bytes, a0.hash, 'external'), 'TooLowPriority');
    const why = 'nonce 0 of the sender was refused: the ready queue is full';
    expect(a1Events).toEqual([{ type: 'future' }, { type: 'dropped', reason: `${why}, so this transaction (nonce 1) could never become ready: send nonce 0 again, then this one` }]);
    expect(a2Events.at(-1)).toEqual({ type: 'dropped', reason: `${why}, so this transaction (nonce 2) could never become ready: send nonce 0 again, then this one` });
    expect(pool.size()).toEqual({ ready: 2, future: 0, total: 2 });
    expect(pool.refusedNonce(new Uint8Array([A]))).toBe(0);
    // A later nonce now would only wait: refused at once, naming the nonce to send again.
    const a3 = encodeTx({ sender: A, nonce: 3 });
    const err = expectPoolError(() => pool.submit(a3.bytes, a3.hash, 'external'), 'ImmediatelyDropped');
    expect(err.rpcCode).toBe(1016);
    expect(err.message).toContain('nonce 0 of the sender was refused for lack of room and is not in the pool');
    pool.checkInvariants();

    // Room again (a block took B and C): nonce 0 is sent again and enters; the refusal is forgotten, the rest follow.
    authorBlock(chain, pool);
    expect(submit(pool, { sender: A, nonce: 0 }).status).toBe('ready');
    expect(pool.refusedNonce(new Uint8Array([A]))).toBeUndefined();
    expect(submit(pool, { sender: A, nonce: 1 }).status).toBe('ready');
    expect(submit(pool, { sender: A, nonce: 3 }).status).toBe('future');
    pool.checkInvariants();
  });

  it('drops the later nonces waiting in future when the ready queue evicts theirs', () => {
    const chain = richChain();
    const { pool } = makePool(chain, limits);
    const a0 = submit(pool, { sender: A, nonce: 0, tip: 1 });
    const a2 = submit(pool, { sender: A, nonce: 2, tip: 1 });
    const a2Events = record(pool, a2.hash);
    submit(pool, { sender: B, nonce: 0, tip: 10 });
    submit(pool, { sender: C, nonce: 0, tip: 10 }); // evicts A0 (the worst)
    expect(pool.has(a0.hash)).toBe(false);
    expect(pool.has(a2.hash)).toBe(false);
    expect(a2Events.at(-1)).toMatchObject({ type: 'dropped', reason: expect.stringContaining('nonce 0 of the sender was dropped: the ready queue is full') });
    const a1 = encodeTx({ sender: A, nonce: 1, tip: 100 });
    expect(expectPoolError(() => pool.submit(a1.bytes, a1.hash, 'external'), 'ImmediatelyDropped').message).toContain('send nonce 0 again first');
    pool.checkInvariants();
  });

  it('notes a refusal made before validation without touching what the sender has in the pool', () => {
    const chain = richChain();
    const { pool } = makePool(chain, limits);
    const a2 = submit(pool, { sender: A, nonce: 2 });
    const a2Events = record(pool, a2.hash);
    expect(pool.holdsLaterFuture(new Uint8Array([A]), 0)).toBe(true);
    expect(pool.holdsLaterFuture(new Uint8Array([A]), 2)).toBe(false);
    pool.noteRefusedNonce(new Uint8Array([A]), 0);
    expect(pool.has(a2.hash)).toBe(true);
    expect(a2Events).toEqual([{ type: 'future' }]);
    const a3 = encodeTx({ sender: A, nonce: 3 });
    expectPoolError(() => pool.submit(a3.bytes, a3.hash, 'external'), 'ImmediatelyDropped');
    // Nothing is noted for a nonce the pool holds; the caller forgets a record the chain passed.
    pool.noteRefusedNonce(new Uint8Array([A]), 2);
    expect(pool.refusedNonce(new Uint8Array([A]))).toBe(0);
    pool.forgetRefusedNonce(new Uint8Array([A]));
    expect(submit(pool, { sender: A, nonce: 3 }).status).toBe('future');
    // With `dropLater` (a refusal whose signature the caller checked), the waiting ones go.
    pool.noteRefusedNonce(new Uint8Array([A]), 0, true);
    expect(pool.has(a2.hash)).toBe(false);
    expect(a2Events.at(-1)).toMatchObject({ type: 'dropped', reason: expect.stringContaining('nonce 0 of the sender was refused for lack of room') });
    expect(pool.size().total).toBe(0);
    pool.checkInvariants();
  });

  it('forgets the refusal when a later nonce of the sender is ready (the chain passed the refused one)', () => {
    const chain = richChain();
    const { pool } = makePool(chain, limits);
    pool.noteRefusedNonce(new Uint8Array([A]), 0);
    chain.accounts.get(A)!.nonce = 1; // nonce 0 was included through another node's block
    expect(submit(pool, { sender: A, nonce: 1 }).status).toBe('ready');
    expect(pool.refusedNonce(new Uint8Array([A]))).toBeUndefined();
    expect(pool.refusedSenders()).toBe(0);
  });
});

describe('replacement', () => {
  it('needs a strictly higher priority and usurps the old transaction, keeping its dependents ready', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const old = submit(pool, { sender: A, nonce: 0, tip: 10 });
    const dep = submit(pool, { sender: A, nonce: 1, tip: 1 });
    const oldEvents = record(pool, old.hash);
    const depEvents = record(pool, dep.hash);
    const same = encodeTx({ sender: A, nonce: 0, tip: 10, amount: 7 });
    expect(expectPoolError(() => pool.submit(same.bytes, same.hash, 'external'), 'TooLowPriority').data).toEqual({
      code: 'TooLowPriority',
      old: 10n,
      new: 10n,
    });
    const lower = encodeTx({ sender: A, nonce: 0, tip: 3 });
    expectPoolError(() => pool.submit(lower.bytes, lower.hash, 'external'), 'TooLowPriority');

    const repl = submit(pool, { sender: A, nonce: 0, tip: 11 });
    expect(repl.status).toBe('ready');
    expect(oldEvents).toEqual([{ type: 'ready' }, { type: 'usurped', by: repl.hash }]);
    // The dependent never noticed: it was re-attached to the replacement within the same operation.
    expect(depEvents).toEqual([{ type: 'ready' }]);
    expect(pool.has(old.hash)).toBe(false);
    expect([...pool.ready()].map((t) => toHex(t.hash))).toEqual([toHex(repl.hash), toHex(dep.hash)]);
    expect(pool.watchedCount()).toBe(1);
    pool.checkInvariants();
  });

  it('replaces in the future queue as well', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const f = submit(pool, { sender: A, nonce: 3, tip: 1 });
    const g = submit(pool, { sender: A, nonce: 3, tip: 2 });
    expect(g.status).toBe('future');
    expect(pool.has(f.hash)).toBe(false);
    expect(pool.size()).toEqual({ ready: 0, future: 1, total: 1 });
  });
});

describe('bans', () => {
  it('bans an invalid transaction for banTimeMs on the injected clock', () => {
    const chain = richChain();
    const { pool, clock } = makePool(chain, undefined, 1000);
    const bad = encodeTx({ sender: A, nonce: 0, badProof: true });
    expect(expectPoolError(() => pool.submit(bad.bytes, bad.hash, 'external'), 'Invalid').data).toMatchObject({
      reason: 'BadProof',
    });
    const calls = chain.validations;
    expect(expectPoolError(() => pool.submit(bad.bytes, bad.hash, 'external'), 'TemporarilyBanned').rpcCode).toBe(1012);
    expect(chain.validations).toBe(calls); // a banned hash is not even validated
    expect(pool.status(bad.hash)).toEqual({ type: 'banned', until: clock.t + 1000 });
    clock.t += 999;
    expectPoolError(() => pool.submit(bad.bytes, bad.hash, 'external'), 'TemporarilyBanned');
    clock.t += 1;
    expectPoolError(() => pool.submit(bad.bytes, bad.hash, 'external'), 'Invalid');
    expect(chain.validations).toBe(calls + 1);
  });

  it('bans included transactions so a copy still in flight is refused', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const t = submit(pool, { sender: A, nonce: 0 });
    authorBlock(chain, pool);
    expect(pool.has(t.hash)).toBe(false);
    expectPoolError(() => pool.submit(t.bytes, t.hash, 'external'), 'TemporarilyBanned');
  });
});

describe('block import', () => {
  it('removes included transactions and revalidates the rest against the new state', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const a0 = submit(pool, { sender: A, nonce: 0, tip: 1 });
    const a1 = submit(pool, { sender: A, nonce: 1, tip: 1 });
    const b1 = submit(pool, { sender: B, nonce: 1, tip: 1 }); // future: B0 missing
    const c0 = submit(pool, { sender: C, nonce: 0, tip: 1 });
    const a0Events = record(pool, a0.hash);
    const b1Events = record(pool, b1.hash);
    const c0Events = record(pool, c0.hash);

    // Another node's block: a different A nonce-0 transaction, B's nonce 0, and C drains C's balance.
    const otherA0 = encodeTx({ sender: A, nonce: 0, tip: 0, amount: 5 });
    const otherB0 = encodeTx({ sender: B, nonce: 0 });
    const drainC = encodeTx({ sender: C, nonce: 0, tip: 0, amount: 999_999, dest: D });
    for (const t of [otherA0, otherB0, drainC]) expect(chain.apply(t.bytes)).toBe(true);
    chain.number = 1;
    // C's pool transaction (nonce 0) is now stale anyway; add a C nonce-1 that can no longer pay.
    const blockHash = new Uint8Array(32).fill(7);
    pool.onBlockImported(
      {
        blockHash,
        blockNumber: 1,
        included: [otherA0, otherB0, drainC].map((t, i) => ({ hash: t.hash, index: i })),
      },
      true,
    );
    expect(a0Events.at(-1)).toEqual({ type: 'invalid', reason: 'Stale: outdated nonce' });
    expect(pool.has(a0.hash)).toBe(false);
    // A1 now needs nothing from the pool; B1 became ready because the chain has B0.
    expect(pool.status(a1.hash)).toEqual({ type: 'ready' });
    expect(b1Events).toEqual([{ type: 'future' }, { type: 'ready' }]);
    expect(c0Events.at(-1)?.type).toBe('invalid');
    expect(pool.size()).toEqual({ ready: 2, future: 0, total: 2 });
    // Stale ones are not banned (they would fail validation anyway)...
    expect(pool.status(a0.hash)).toEqual({ type: 'unknown' });
    pool.checkInvariants();

    // ...but other invalid ones are: C (now broke) submits nonce 1, then loses validity.
    chain.accounts.get(C)!.balance = 10n;
    const c1 = submit(pool, { sender: C, nonce: 1, tip: 5 });
    chain.accounts.get(C)!.balance = 0n;
    chain.number = 2;
    pool.onBlockImported({ blockHash: new Uint8Array(32).fill(8), blockNumber: 2, included: [] }, true);
    expect(pool.has(c1.hash)).toBe(false);
    expect(pool.status(c1.hash).type).toBe('banned');
  });

  it('without revalidation, dependents of included transactions become ready on the pruned tags', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    submit(pool, { sender: A, nonce: 0 });
    const a1 = submit(pool, { sender: A, nonce: 1 });
    const a2 = submit(pool, { sender: A, nonce: 2 });
    const before = chain.validations;
    const block = authorBlock(chain, pool, { maxTx: 1, revalidate: false });
    expect(block.included.map(txKey)).toEqual(['1:0']);
    expect(chain.validations).toBe(before);
    expect(pool.status(a1.hash)).toEqual({ type: 'ready' });
    expect(pool.status(a2.hash)).toEqual({ type: 'ready' });
    expect([...pool.ready()].map(txKey)).toEqual(['1:1', '1:2']);
    pool.checkInvariants();
    // A future transaction whose missing tag is provided by an included, unknown-to-us extrinsic is promoted.
    const b1 = submit(pool, { sender: B, nonce: 1 });
    const b0 = encodeTx({ sender: B, nonce: 0 });
    pool.onBlockImported({ blockHash: new Uint8Array(32), blockNumber: 2, included: [{ hash: b0.hash, index: 1 }] }, false);
    // The pool did not know B0, so it cannot know its tags: B1 waits for revalidation.
    expect(pool.status(b1.hash).type).toBe('future');
    chain.apply(b0.bytes);
    pool.onBlockImported({ blockHash: new Uint8Array(32).fill(1), blockNumber: 3, included: [] }, true);
    expect(pool.status(b1.hash).type).toBe('ready');
  });

  it('bounded revalidation checks every future transaction and the k ready ones validated longest ago, in turn', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    // Three ready chains (A0–A1, B0, C0) and a future D1.
    const a0 = submit(pool, { sender: A, nonce: 0 });
    const a1 = submit(pool, { sender: A, nonce: 1 });
    const b0 = submit(pool, { sender: B, nonce: 0 });
    const c0 = submit(pool, { sender: C, nonce: 0 });
    const d1 = submit(pool, { sender: D, nonce: 1 });
    const a1Events = record(pool, a1.hash);
    // B and C can no longer pay; D0 lands through someone else's block.
    chain.accounts.get(B)!.balance = 0n;
    chain.accounts.get(C)!.balance = 0n;
    const d0 = encodeTx({ sender: D, nonce: 0 });
    expect(chain.apply(d0.bytes)).toBe(true);

    // k = 2: the future D1 and the two oldest ready (A0, A1) are validated; B0 and C0 are not yet.
    chain.number = 1;
    let before = chain.validations;
    pool.onBlockImported({ blockHash: new Uint8Array(32).fill(1), blockNumber: 1, included: [{ hash: d0.hash, index: 0 }] }, 2);
    expect(chain.validations - before).toBe(3);
    expect(pool.status(d1.hash)).toEqual({ type: 'ready' });
    expect(pool.status(b0.hash)).toEqual({ type: 'ready' });
    expect(pool.status(c0.hash)).toEqual({ type: 'ready' });
    // A1 was taken out of the graph and put back with A0: its watcher heard nothing.
    expect(a1Events).toEqual([{ type: 'ready' }]);
    expect(pool.status(a0.hash)).toEqual({ type: 'ready' });
    pool.checkInvariants();

    // Next block: the ones validated longest ago now are B0 and C0 (D1 was checked at block 1, as a future one).
    chain.number = 2;
    before = chain.validations;
    pool.onBlockImported({ blockHash: new Uint8Array(32).fill(2), blockNumber: 2, included: [] }, 2);
    expect(chain.validations - before).toBe(2);
    expect(pool.status(b0.hash).type).toBe('banned');
    expect(pool.status(c0.hash).type).toBe('banned');
    expect(pool.size()).toEqual({ ready: 3, future: 0, total: 3 });
    pool.checkInvariants();

    // k = 0 validates only the future queue (empty here).
    before = chain.validations;
    pool.onBlockImported({ blockHash: new Uint8Array(32).fill(3), blockNumber: 3, included: [] }, 0);
    expect(chain.validations).toBe(before);
  });

  it('a known future transaction included by someone else promotes what waits for its tag', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const a1 = submit(pool, { sender: A, nonce: 1 });
    const a2 = submit(pool, { sender: A, nonce: 2 });
    const a2Events = record(pool, a2.hash);
    expect(pool.size().future).toBe(2);
    const a0 = encodeTx({ sender: A, nonce: 0 });
    chain.apply(a0.bytes);
    chain.apply(a1.bytes);
    pool.onBlockImported(
      {
        blockHash: new Uint8Array(32).fill(3),
        blockNumber: 1,
        included: [
          { hash: a0.hash, index: 1 },
          { hash: a1.hash, index: 2 },
        ],
      },
      false,
    );
    expect(pool.has(a1.hash)).toBe(false);
    expect(pool.status(a2.hash)).toEqual({ type: 'ready' });
    expect(a2Events).toEqual([{ type: 'future' }, { type: 'ready' }]);
    pool.checkInvariants();
  });

  it('removes transactions past their longevity (and bans them); dependents go back to future', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const mortal = submit(pool, { sender: A, nonce: 0, mortalUntil: 3 }); // longevity 3 from block 0
    const dep = submit(pool, { sender: A, nonce: 1 });
    const mortalEvents = record(pool, mortal.hash);
    const depEvents = record(pool, dep.hash);
    for (let n = 1; n <= 3; n++) {
      pool.onBlockImported({ blockHash: new Uint8Array(32).fill(n), blockNumber: n, included: [] }, false);
      expect(pool.has(mortal.hash)).toBe(true);
    }
    pool.onBlockImported({ blockHash: new Uint8Array(32).fill(4), blockNumber: 4, included: [] }, false);
    expect(pool.has(mortal.hash)).toBe(false);
    expect(mortalEvents).toEqual([{ type: 'ready' }, { type: 'invalid', reason: 'Stale: transaction longevity expired' }]);
    expect(pool.status(mortal.hash).type).toBe('banned');
    expect(depEvents).toEqual([{ type: 'ready' }, { type: 'future' }]);
    expect(pool.status(dep.hash)).toEqual({ type: 'future', waitingFor: [nonceTag(A, 0)] });
    pool.checkInvariants();
  });

  it('with revalidation, the runtime mortality check removes a mortal transaction first', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const mortal = submit(pool, { sender: A, nonce: 0, mortalUntil: 2 });
    const events = record(pool, mortal.hash);
    authorBlock(chain, pool, { reject: () => true });
    expect(pool.has(mortal.hash)).toBe(true);
    authorBlock(chain, pool, { reject: () => true });
    expect(pool.has(mortal.hash)).toBe(false);
    expect(events.at(-1)).toEqual({ type: 'invalid', reason: 'AncientBirthBlock: mortality expired' });
  });
});

describe('nextNonce', () => {
  it('counts consecutive pool nonces from the state nonce, ready or future', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const a = new Uint8Array([A]);
    expect(pool.nextNonce(a, 0)).toBe(0);
    submit(pool, { sender: A, nonce: 0 });
    submit(pool, { sender: A, nonce: 1 });
    submit(pool, { sender: A, nonce: 3 });
    expect(pool.nextNonce(a, 0)).toBe(2);
    submit(pool, { sender: A, nonce: 2 });
    expect(pool.nextNonce(a, 0)).toBe(4);
    expect(pool.nextNonce(a, 7)).toBe(7);
    expect(pool.nextNonce(new Uint8Array([B]), 3)).toBe(3);
    authorBlock(chain, pool, { maxTx: 2 });
    expect(pool.nextNonce(a, chain.nonceOf(A))).toBe(4);
  });
});

describe('watchers', () => {
  it('ready → inBlock → finalized, then the watch ends', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const t = encodeTx({ sender: A, nonce: 0 });
    const seen: TxStatus[] = [];
    const r = pool.submitAndWatch(t.bytes, t.hash, 'external', (s) => seen.push(s));
    expect(r.status).toBe('ready');
    pool.notifyBroadcast([t.hash], ['peerA']);
    const block = authorBlock(chain, pool);
    expect(seen).toEqual([
      { type: 'ready' },
      { type: 'broadcast', peers: ['peerA'] },
      { type: 'inBlock', blockHash: block.blockHash, index: 1 },
      { type: 'finalized', blockHash: block.blockHash, index: 1 },
    ]);
    expect(pool.watchedCount()).toBe(0);
  });

  it('future → ready → inBlock → finalized for a gap filled later', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const t1 = encodeTx({ sender: A, nonce: 1 });
    const seen: TxStatus[] = [];
    pool.submitAndWatch(t1.bytes, t1.hash, 'local', (s) => seen.push(s));
    submit(pool, { sender: A, nonce: 0 });
    const block = authorBlock(chain, pool);
    expect(seen.map((s) => s.type)).toEqual(['future', 'ready', 'inBlock', 'finalized']);
    expect(seen[2]).toEqual({ type: 'inBlock', blockHash: block.blockHash, index: 2 });
  });

  it('finalization with hashes only takes the index recorded at import', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const t = submit(pool, { sender: A, nonce: 0 });
    const seen = record(pool, t.hash);
    const bh = new Uint8Array(32).fill(9);
    chain.apply(t.bytes);
    pool.onBlockImported({ blockHash: bh, blockNumber: 1, included: [{ hash: t.hash, index: 4 }] });
    pool.onBlockFinalized(bh, [new Uint8Array(32), t.hash]);
    expect(seen.at(-1)).toEqual({ type: 'finalized', blockHash: bh, index: 4 });
  });

  it('a block never finalized times out when a later block is finalized', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const t = submit(pool, { sender: A, nonce: 0 });
    const seen = record(pool, t.hash);
    const lost = new Uint8Array(32).fill(1);
    pool.onBlockImported({ blockHash: lost, blockNumber: 1, included: [{ hash: t.hash, index: 1 }] }, false);
    const other = new Uint8Array(32).fill(2);
    pool.onBlockImported({ blockHash: other, blockNumber: 1, included: [] }, false);
    pool.onBlockFinalized(other);
    expect(seen.map((s) => s.type)).toEqual(['ready', 'inBlock', 'finalityTimeout']);
    expect(pool.watchedCount()).toBe(0);
  });

  it('dropped and invalid through remove(), and a throwing listener does not break the pool', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const a0 = submit(pool, { sender: A, nonce: 0 });
    const a1 = submit(pool, { sender: A, nonce: 1 });
    const b0 = submit(pool, { sender: B, nonce: 0 });
    const a0Events = record(pool, a0.hash);
    const a1Events = record(pool, a1.hash);
    const b0Events = record(pool, b0.hash);
    pool.watch(a0.hash, () => {
      throw new Error('listener bug');
    });
    const removed = pool.remove([a0.hash], 'removed by operator');
    expect(removed.map(txKey)).toEqual(['1:0', '1:1']);
    expect(a0Events.at(-1)).toEqual({ type: 'dropped', reason: 'removed by operator' });
    expect(a1Events.at(-1)).toEqual({
      type: 'dropped',
      reason: `depends on removed ${toHex(a0.hash)}: removed by operator`,
    });
    expect(pool.status(a0.hash)).toEqual({ type: 'unknown' });
    pool.remove([toHex(b0.hash)], 'bad', { ban: true });
    expect(b0Events.at(-1)).toEqual({ type: 'invalid', reason: 'bad' });
    expect(pool.status(b0.hash).type).toBe('banned');
    expect(pool.size().total).toBe(0);
    expect(pool.remove([b0.hash], 'again')).toEqual([]);
  });

  it('a listener may call back into the pool', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const follow = encodeTx({ sender: A, nonce: 1 });
    const a0 = encodeTx({ sender: A, nonce: 0 });
    pool.watch(a0.hash, (s) => {
      if (s.type === 'ready') pool.submit(follow.bytes, follow.hash, 'local');
    });
    pool.submit(a0.bytes, a0.hash, 'external');
    expect(pool.status(follow.hash)).toEqual({ type: 'ready' });
    pool.checkInvariants();
  });

  it('events of an operation run by a listener come after the ones already queued, in order', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const a1 = submit(pool, { sender: A, nonce: 1 });
    const a1Events = record(pool, a1.hash);
    const a0 = encodeTx({ sender: A, nonce: 0 });
    const a0Events: TxStatus[] = [];
    // Watching before submission: A0's `ready` is delivered first, and its listener removes A0 (and so A1).
    pool.watch(a0.hash, (s) => {
      a0Events.push(s);
      if (s.type === 'ready') pool.remove([a0.hash], 'changed my mind');
    });
    pool.submit(a0.bytes, a0.hash, 'external');
    expect(a0Events.map((s) => s.type)).toEqual(['ready', 'dropped']);
    expect(a1Events.map((s) => s.type)).toEqual(['future', 'ready', 'dropped']);
    expect(pool.size().total).toBe(0);
    pool.checkInvariants();
  });

  it('onReady fires for submitted and promoted ready transactions, not for future ones', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const seen: string[] = [];
    const off = pool.onReady((tx) => seen.push(txKey(tx)));
    submit(pool, { sender: A, nonce: 1 });
    expect(seen).toEqual([]);
    submit(pool, { sender: A, nonce: 0 });
    expect(seen.sort()).toEqual(['1:0', '1:1']);
    off();
    submit(pool, { sender: B, nonce: 0 });
    expect(seen.length).toBe(2);
  });
});

describe('queries', () => {
  it('get, pending, size and bytes reflect the pool', () => {
    const chain = richChain();
    const { pool } = makePool(chain);
    const a = submit(pool, { sender: A, nonce: 0, pad: 4 });
    const b = submit(pool, { sender: B, nonce: 2 });
    expect(pool.get(a.hash)?.bytes).toEqual(a.bytes);
    expect(pool.get(toHex(b.hash).toUpperCase().replace('0X', '0x'))?.nonce).toBe(2);
    expect(pool.get(new Uint8Array(32))).toBeUndefined();
    expect(pool.pending().map((t) => t.hashHex)).toEqual([toHex(a.hash), toHex(b.hash)]);
    expect(pool.bytes()).toEqual({ ready: 20, future: 16, total: 36 });
    expect(pool.get(a.hash)?.insertedAt).toBeLessThan(pool.get(b.hash)!.insertedAt);
    expect(pool.get(a.hash)?.source).toBe('external');
  });

  it('refuses a transaction without provided tags and one requiring its own tag', () => {
    const pool = new TransactionPool({
      validate: (bytes) => ({
        ok: true,
        valid: {
          priority: 0n,
          requires: bytes[0] === 1 ? [new Uint8Array([9])] : [],
          provides: bytes[0] === 0 ? [] : [new Uint8Array([9])],
          longevity: 10n,
          propagate: true,
        },
      }),
      now: () => 0,
    });
    expect(expectPoolError(() => pool.submit(new Uint8Array([0]), new Uint8Array([0]), 'external'), 'NoTagsProvided').rpcCode).toBe(1018);
    expectPoolError(() => pool.submit(new Uint8Array([1]), new Uint8Array([1]), 'external'), 'CycleDetected');
    expect(pool.size().total).toBe(0);
  });
});
