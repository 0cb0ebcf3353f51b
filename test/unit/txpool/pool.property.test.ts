/**
 * Random submissions, blocks, removals and clock moves against the real nonce runtime; after
 * every step the pool's indexes agree with each other, the limits hold, the ready/future split
 * matches a simple model (ready ⟺ every nonce from the state nonce up to it is in the pool),
 * and every watcher's status stream is well formed and agrees with the pool.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { PoolError, TERMINAL_STATUSES, type PoolLimits, type PoolTransaction, type TxStatus } from '../../../src/txpool/types.js';
import { decodeTx, encodeTx, makePool, NonceChain } from './nonce-runtime.js';

const SENDERS = [1, 2, 3, 4];
const LIMITS: PoolLimits = { readyCount: 5, readyBytes: 170, futureCount: 3, futureBytes: 90 };

type Op =
  | {
      kind: 'submit';
      sender: number;
      nonceAhead: number;
      tip: number;
      amount: number;
      pad: number;
      mortal: number;
      badProof: boolean;
    }
  | { kind: 'block'; maxTx: number; rejectSeed: number; revalidate: boolean | number }
  | { kind: 'remove'; pick: number; ban: boolean }
  | { kind: 'clock'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      sender: fc.constantFrom(...SENDERS),
      // Relative to the pool's next nonce: mostly the next one, sometimes a replacement or a gap.
      nonceAhead: fc.oneof(
        { weight: 6, arbitrary: fc.constant(0) },
        { weight: 2, arbitrary: fc.integer({ min: -2, max: -1 }) },
        { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }) },
      ),
      tip: fc.integer({ min: 0, max: 6 }),
      amount: fc.integer({ min: 0, max: 25 }),
      pad: fc.integer({ min: 0, max: 30 }),
      mortal: fc.integer({ min: 0, max: 4 }),
      badProof: fc.constant(false),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('submit' as const),
      sender: fc.constantFrom(...SENDERS),
      nonceAhead: fc.integer({ min: 0, max: 2 }),
      tip: fc.integer({ min: 0, max: 6 }),
      amount: fc.constant(0),
      pad: fc.constant(0),
      mortal: fc.constant(0),
      badProof: fc.constant(true),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('block' as const),
      maxTx: fc.integer({ min: 0, max: 10 }),
      rejectSeed: fc.integer({ min: 0, max: 255 }),
      // All, none, or every future transaction and the k ready ones validated longest ago.
      revalidate: fc.oneof(fc.boolean(), fc.integer({ min: 0, max: 3 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat(), ban: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clock' as const), ms: fc.integer({ min: 0, max: 2000 }) }) },
);

function checkStream(events: TxStatus[], where: string): void {
  expect(['ready', 'future'], where).toContain(events[0]?.type);
  events.forEach((s, i) => {
    if (i === 0) return;
    const prev = events[i - 1];
    expect(TERMINAL_STATUSES.has(prev.type), `${where}: event after terminal ${prev.type}`).toBe(false);
    if (s.type === 'ready' || s.type === 'future') expect(prev.type, `${where}: repeated ${s.type}`).not.toBe(s.type);
    if (s.type === 'finalized') expect(prev.type, where).toBe('inBlock');
    if (prev.type === 'inBlock') expect(s.type, where).toBe('finalized');
  });
}

describe('pool property', () => {
  it('keeps its invariants, limits, the nonce model and well-formed status streams', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 70 }), (ops) => {
        const chain = new NonceChain({ 1: 80n, 2: 80n, 3: 40n, 4: 200n });
        const { pool, clock } = makePool(chain, LIMITS, 1000);
        const streams = new Map<string, TxStatus[]>();
        // Different submissions of the same (sender, nonce) differ by a counter in `dest`.
        let salt = 0;

        const checkAll = (): void => {
          pool.checkInvariants();
          const size = pool.size();
          const bytes = pool.bytes();
          expect(size.ready).toBeLessThanOrEqual(LIMITS.readyCount);
          expect(size.future).toBeLessThanOrEqual(LIMITS.futureCount);
          expect(bytes.ready).toBeLessThanOrEqual(LIMITS.readyBytes);
          expect(bytes.future).toBeLessThanOrEqual(LIMITS.futureBytes);
          // Model: ready ⟺ the sender's nonces from the state nonce up to this one are all in the pool.
          const held = new Map<number, Set<number>>();
          for (const tx of pool.pending()) {
            const t = decodeTx(tx.bytes)!;
            if (!held.has(t.sender)) held.set(t.sender, new Set());
            held.get(t.sender)!.add(t.nonce);
          }
          for (const tx of pool.pending()) {
            const t = decodeTx(tx.bytes)!;
            const base = chain.nonceOf(t.sender);
            expect(t.nonce).toBeGreaterThanOrEqual(base);
            let contiguous = true;
            for (let k = base; k < t.nonce; k++) if (!held.get(t.sender)!.has(k)) contiguous = false;
            expect(pool.status(tx.hash).type, `${t.sender}:${t.nonce} from ${base}`).toBe(contiguous ? 'ready' : 'future');
            // A watcher's last word agrees with the pool.
            expect(streams.get(tx.hashHex)?.at(-1)?.type).toBe(contiguous ? 'ready' : 'future');
          }
          for (const s of SENDERS) {
            let n = chain.nonceOf(s);
            while (held.get(s)?.has(n) ?? false) n++;
            expect(pool.nextNonce(new Uint8Array([s]), chain.nonceOf(s))).toBe(n);
          }
        };

        for (const op of ops) {
          if (op.kind === 'submit') {
            const next = pool.nextNonce(new Uint8Array([op.sender]), chain.nonceOf(op.sender));
            const nonce = Math.max(0, next + op.nonceAhead);
            const t = encodeTx({
              sender: op.sender,
              nonce,
              tip: op.tip,
              amount: op.amount,
              dest: (salt++ % 200) + 10,
              pad: op.pad,
              mortalUntil: op.mortal === 0 ? 0 : Math.min(255, chain.number + op.mortal),
              badProof: op.badProof,
            });
            try {
              pool.submit(t.bytes, t.hash, 'external');
              const events: TxStatus[] = [];
              streams.set(pool.get(t.hash)!.hashHex, events);
              pool.watch(t.hash, (s) => events.push(s));
            } catch (err) {
              expect(err).toBeInstanceOf(PoolError);
              expect(pool.has(t.hash)).toBe(false);
            }
          } else if (op.kind === 'block') {
            const it = pool.ready();
            const included: PoolTransaction[] = [];
            const seenHashes = new Set<string>();
            let r = op.rejectSeed;
            for (const tx of it) {
              expect(seenHashes.has(tx.hashHex), 'yielded twice').toBe(false);
              seenHashes.add(tx.hashHex);
              const t = decodeTx(tx.bytes)!;
              // Dependencies honoured: everything this transaction needs is already applied.
              expect(t.nonce, 'yielded before its predecessor').toBe(chain.nonceOf(t.sender));
              r = (r * 73 + 41) % 256;
              if (included.length >= op.maxTx || r < 40 || !chain.apply(tx.bytes)) {
                it.reportInvalid(tx);
                continue;
              }
              included.push(tx);
            }
            chain.number++;
            const blockHash = blake2_256(new Uint8Array([chain.number, 0xcc]));
            const inc = included.map((tx, i) => ({ hash: tx.hash, index: i }));
            pool.onBlockImported({ blockHash, blockNumber: chain.number, included: inc }, op.revalidate);
            pool.onBlockFinalized(blockHash, inc);
            for (const tx of included) {
              expect(pool.has(tx.hash)).toBe(false);
              expect(streams.get(tx.hashHex)?.slice(-2).map((s) => s.type)).toEqual(['inBlock', 'finalized']);
            }
          } else if (op.kind === 'remove') {
            const all = pool.pending();
            if (all.length > 0) {
              const victim = all[op.pick % all.length];
              const removed = pool.remove([victim.hash], 'test', { ban: op.ban });
              expect(removed[0]?.hashHex).toBe(victim.hashHex);
              for (const tx of removed) expect(pool.has(tx.hash)).toBe(false);
            }
          } else {
            clock.t += op.ms;
          }
          checkAll();
        }
        for (const [hex, events] of streams) checkStream(events, hex);
      }),
      { numRuns: 300 },
    );
  });
});
