/**
 * Random lending histories on the real runtime (fast-check): borrowers lock, borrow, repay in parts or in full, add
 * collateral, restructure; lenders deposit and withdraw; feeders move the price; time jumps by seconds to weeks;
 * bidders buy at auctions. After every block every pallet's invariants hold (issuance identity, Σ shares, pledges,
 * principal conservation, held UDST = Σ reserves), and no block fails to build.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KeyringPair } from '@polkadot/keyring/types';
import { AuctionsStorage } from '../../../src/pallets/auctions/index.js';
import { LoansStorage } from '../../../src/pallets/loans/index.js';
import { CreditChain, DAY, PRICE_ONE, U, XFG } from './credit-harness.js';

type Op =
  | { kind: 'borrow'; who: number; xfg: number; amount: number; term: number }
  | { kind: 'repay'; who: number; part: number }
  | { kind: 'repayAll'; who: number }
  | { kind: 'addCollateral'; who: number; xfg: number }
  | { kind: 'restructure'; who: number; days: number }
  | { kind: 'deposit'; amount: number }
  | { kind: 'withdraw'; part: number }
  | { kind: 'price'; cents: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'bid'; part: number; premium: number }
  | { kind: 'check' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('borrow' as const), who: fc.nat(3), xfg: fc.integer({ min: 1, max: 5_000 }), amount: fc.integer({ min: 1, max: 1_000 }), term: fc.integer({ min: 1, max: 120 }) }), weight: 4 },
  fc.record({ kind: fc.constant('repay' as const), who: fc.nat(3), part: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('repayAll' as const), who: fc.nat(3) }),
  fc.record({ kind: fc.constant('addCollateral' as const), who: fc.nat(3), xfg: fc.integer({ min: 1, max: 2_000 }) }),
  fc.record({ kind: fc.constant('restructure' as const), who: fc.nat(3), days: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('deposit' as const), amount: fc.integer({ min: 1, max: 50_000 }) }),
  fc.record({ kind: fc.constant('withdraw' as const), part: fc.integer({ min: 1, max: 100 }) }),
  { arbitrary: fc.record({ kind: fc.constant('price' as const), cents: fc.integer({ min: 20, max: 200 }) }), weight: 3 },
  fc.record({ kind: fc.constant('wait' as const), ms: fc.oneof(fc.integer({ min: 1, max: 600_000 }), fc.integer({ min: 1, max: 40 * 86_400_000 })) }),
  { arbitrary: fc.record({ kind: fc.constant('bid' as const), part: fc.integer({ min: 1, max: 100 }), premium: fc.integer({ min: 0, max: 20 }) }), weight: 3 },
  fc.record({ kind: fc.constant('check' as const) }),
);

describe('random lending histories keep every invariant', () => {
  it('after every block', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), async (ops) => {
        const c = await CreditChain.create({ bank: { reserves: 20_000n * U } });
        const borrowers: KeyringPair[] = [c.keys.bob, c.keys.charlie, c.keys.dave, c.keys.alice];
        const { eve } = c.keys;
        let price = PRICE_ONE;
        const openLoanOf = (who: KeyringPair): bigint | undefined => {
          for (const [id] of LoansStorage.OpenLoans.entries(c.state)) if (LoansStorage.Loans.get(c.state, id)!.borrower.every((b, i) => b === who.publicKey[i])) return id;
          return undefined;
        };
        for (const o of ops) {
          switch (o.kind) {
            case 'borrow': {
              const who = borrowers[o.who];
              const cert = c.lock(who, BigInt(o.xfg) * XFG);
              const r = c.send(who, 'Loans', 'apply', { bank: 0, kind: { tag: 'General' }, amount: BigInt(o.amount) * U, termDays: o.term, certificates: [cert], purpose: new Uint8Array() });
              const ev = r.records.find((x) => x.event.value.tag === 'Applied');
              if (ev) c.send(who, 'Loans', 'draw', { applicationId: (ev.event.value.value as { applicationId: bigint }).applicationId });
              break;
            }
            case 'repay': {
              const who = borrowers[o.who];
              const id = openLoanOf(who);
              if (id !== undefined) c.send(who, 'Loans', 'repay', { loanId: id, amount: (c.status(id, c.t).total * BigInt(o.part)) / 100n + 1n });
              break;
            }
            case 'repayAll': {
              const who = borrowers[o.who];
              const id = openLoanOf(who);
              if (id !== undefined) {
                // Top the borrower up first (fees and interest) from Eve, who earns nothing else.
                c.send(eve, 'Udst', 'transfer', { dest: { tag: 'Id', value: who.publicKey }, amount: 50n * U });
                c.send(who, 'Loans', 'repayAll', { loanId: id });
              }
              break;
            }
            case 'addCollateral': {
              const who = borrowers[o.who];
              const id = openLoanOf(who);
              if (id !== undefined) c.send(who, 'Loans', 'addCollateral', { loanId: id, certificate: c.lock(who, BigInt(o.xfg) * XFG) });
              break;
            }
            case 'restructure': {
              const who = borrowers[o.who];
              const id = openLoanOf(who);
              if (id !== undefined) c.send(who, 'Loans', 'requestRestructure', { loanId: id, extraDays: o.days });
              break;
            }
            case 'deposit':
              c.send(eve, 'Banks', 'deposit', { bank: 0, amount: BigInt(o.amount) * U });
              break;
            case 'withdraw':
              c.send(c.keys.alice, 'Banks', 'withdraw', { bank: 0, shares: (20_000n * U * BigInt(o.part)) / 100n });
              break;
            case 'price':
              price = (PRICE_ONE * BigInt(o.cents)) / 100n;
              c.feed(price);
              break;
            case 'wait':
              c.advance(BigInt(o.ms));
              c.feed(price);
              break;
            case 'bid': {
              const first = [...AuctionsStorage.Auctions.entries(c.state, 1)][0];
              if (first) c.send(eve, 'Auctions', 'bid', { auctionId: first[0], maxXfg: (first[1].lotXfg * BigInt(o.part)) / 100n + 1n, maxPrice: (price * BigInt(110 + o.premium)) / 100n });
              break;
            }
            case 'check':
              c.produce([]);
              break;
          }
          c.assertInvariants();
        }
        // A long wait with a fresh price: every open loan has defaulted or is waiting for bids at an auction.
        c.advance(400n * DAY);
        c.feed(price);
        c.produce([]);
        c.assertInvariants();
        for (const [id] of LoansStorage.OpenLoans.entries(c.state)) {
          const loan = c.loan(id);
          expect(loan.state.tag === 'Defaulted' || loan.liquidation !== undefined, `loan ${id} is ${loan.state.tag} without an auction`).toBe(true);
          if (loan.state.tag === 'Defaulted') expect(loan.liquidation).toBeDefined();
        }
      }),
      { numRuns: 25 },
    );
  });
});
