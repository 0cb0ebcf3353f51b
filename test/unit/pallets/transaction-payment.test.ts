/**
 * pallet_transaction_payment: the fee formula (weight fee rounded up, length fee, tip), the split between
 * treasury and author (treasury rounded down), fee queries, and what a call that pays no fee costs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CHAIN_RUNTIME_SPEC, XFG, TREASURY_ACCOUNT } from '../../../src/chain/index.js';
import { createTransactionPayment, TransactionPaymentStorage } from '../../../src/pallets/transaction-payment/index.js';
import { checkInvariantsAfterEach, eventNames, TestChain } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';
import { WEIGHTS as SYSTEM_WEIGHTS } from '../../../src/pallets/system/weights.js';
import { weightOf } from '../../../src/runtime/weights.js';

let k: DevKeys;
beforeAll(async () => {
  k = await devKeys();
});
checkInvariantsAfterEach();

describe('fee formula', () => {
  it('weight fee (rounded up) + length fee + tip; nothing for a call that pays no fee', async () => {
    const c = await TestChain.create(k);
    const f = c.runtime.fees;
    // 1 unit per 10 ps, rounded up: what the payer owes never rounds down.
    expect(f.weightToFee(0n)).toBe(0n);
    expect(f.weightToFee(10n)).toBe(1n);
    expect(f.weightToFee(11n)).toBe(2n);
    expect(f.computeFee(100, 200_000_000n, 5n, true)).toEqual({ baseFee: 10_000_000n, lenFee: 100_000_000n, adjustedWeightFee: 20_000_000n, tip: 5n });
    expect(f.total(f.computeFee(100, 200_000_000n, 5n, true))).toBe(130_000_005n);
    expect(f.computeFee(100, 200_000_000n, 5n, false)).toEqual({ baseFee: 0n, lenFee: 0n, adjustedWeightFee: 0n, tip: 0n });
    expect(TransactionPaymentStorage.NextFeeMultiplier.get(c.state)).toBe(10n ** 18n);
  });

  it('a remark pays for its measured weight (base + per byte, src/pallets/system/weights.ts) and its length', async () => {
    const c = await TestChain.create(k);
    for (const len of [0, 1, 99, 1_000]) {
      const xt = c.sign(k.alice, c.call('System', 'remark', { remark: new Uint8Array(len) }));
      const q = c.runtime.queryFee(xt);
      const weight = weightOf(SYSTEM_WEIGHTS.calls.remark, len);
      expect(q.weight).toBe(100_000_000n + weight);
      expect(q.class).toBe('Normal');
      expect(q.partialFee).toBe((100_000_000n + 9n) / 10n + (weight + 9n) / 10n + BigInt(xt.length) * 1_000_000n);
      const before = c.free(k.alice.publicKey);
      const r = c.produce([xt]).results[0];
      expect(r.ok && r.applied.fee).toBe(q.partialFee);
      expect(c.free(k.alice.publicKey)).toBe(before - q.partialFee);
    }
  });

  it('the timestamp inherent is free', async () => {
    const c = await TestChain.create(k);
    const q = c.runtime.queryFee(c.runtime.timestampInherent(1n));
    expect(q).toMatchObject({ class: 'Mandatory', partialFee: 0n });
  });

  it('refuses a treasury share above 100 %', () => {
    expect(() => createTransactionPayment({ ...CHAIN_RUNTIME_SPEC.fees, treasuryShareBps: 10_001n }, undefined as never, TREASURY_ACCOUNT)).toThrow(/treasuryShareBps/);
  });
});

describe('fee distribution', () => {
  it('treasury gets ⌊80 % of the fee without tip⌋; the author the remainder and the whole tip', async () => {
    const c = await TestChain.create(k);
    const block = c.begin();
    const f = c.runtime.fees;
    const alice = k.alice.publicKey;
    const [t0, a0, i0] = [c.free(TREASURY_ACCOUNT), c.free(k.charlie.publicKey), c.issuance()];
    // 7 units without tip: the treasury's 5.6 rounds down to 5; the author gets 2 + the tip of 3.
    const fee = { baseFee: 3n, lenFee: 2n, adjustedWeightFee: 2n, tip: 3n };
    f.withdrawFee(block.exec, alice, fee);
    f.distributeFee(block.exec, alice, fee, k.charlie.publicKey);
    const sealed = c.seal(block);
    c.commit(sealed);
    expect(c.free(TREASURY_ACCOUNT)).toBe(t0 + 5n);
    expect(c.free(k.charlie.publicKey)).toBe(a0 + 5n);
    expect(c.issuance()).toBe(i0);
    expect(eventNames(sealed.events).slice(1)).toEqual(['Balances.Withdraw', 'Balances.Deposit', 'Balances.Deposit', 'TransactionPayment.TransactionFeePaid']);
    expect(sealed.events[4].event.value.value).toEqual({ who: alice, actualFee: 10n, tip: 3n });
  });

  it('a zero fee moves nothing and emits nothing', async () => {
    const c = await TestChain.create(k);
    const block = c.begin();
    const zero = { baseFee: 0n, lenFee: 0n, adjustedWeightFee: 0n, tip: 0n };
    c.runtime.fees.withdrawFee(block.exec, k.alice.publicKey, zero);
    c.runtime.fees.distributeFee(block.exec, k.alice.publicKey, zero, k.charlie.publicKey);
    const sealed = c.seal(block);
    expect(eventNames(sealed.events)).toEqual(['System.ExtrinsicSuccess']);
    c.commit(sealed);
    expect(c.free(k.alice.publicKey)).toBe(1_000n * XFG);
  });

  it('the author may be the sender: it pays the fee and gets its share back', async () => {
    const c = await TestChain.create(k);
    const alice = k.alice.publicKey;
    const xt = c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG), { tip: 10n });
    const r = c.produce([xt], { author: alice }).results[0];
    const fee = r.ok ? r.applied.fee : 0n;
    const toTreasury = ((fee - 10n) * 8_000n) / 10_000n;
    expect(c.free(alice)).toBe(999n * XFG - toTreasury);
  });
});
