/**
 * The lending runtime APIs (`LoansApi_quote`, `LoansApi_status`, `LoansApi_reputation`, `BanksApi_info`) called the
 * way `state_call` runs them, on a credit chain's real state, with inputs encoded and outputs decoded by
 * `@polkadot/types` from the served V15 metadata (as `api.call.loansApi.*` does), compared with the pallets' queries.
 */
import { describe, expect, it } from 'vitest';
import { Metadata, TypeRegistry } from '@polkadot/types';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { callRuntimeApi, RuntimeApiError, type ApiContext } from '../../../src/runtime/apis.js';
import { u32, u128 } from '../../../src/primitives/scale/index.js';
import { AccountId32 } from '../../../src/primitives/types.js';
import { LoanKind } from '../../../src/pallets/banks/types.js';
import { RATIO_UNBOUNDED } from '../../../src/pallets/loans/math.js';
import { CreditChain, checkCreditInvariantsAfterEach, HOUR, U, XFG } from './credit-harness.js';

checkCreditInvariantsAfterEach();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Pjs = any;

function pjs(c: CreditChain) {
  const registry = new TypeRegistry();
  const md = new Metadata(registry, c.runtime.metadata(15));
  registry.setMetadata(md);
  const raw = md.asV15 as Pjs;
  const typeOf = (id: Pjs) => registry.lookup.getName(id) || registry.lookup.getTypeDef(id).type;
  const call = (state: ApiContext['state'], api: string, method: string, ...args: unknown[]) => {
    const a = (raw.apis as Pjs[]).find((x) => x.name.toString() === api)!;
    const m = (a.methods as Pjs[]).find((x) => x.name.toString() === method)!;
    const input = u8aConcat(...args.map((v, i) => registry.createTypeUnsafe(typeOf(m.inputs[i].type), [v]).toU8a()));
    const ctx: ApiContext = { runtime: c.runtime, state, block: { number: 0, hash: new Uint8Array(32) }, checker: { verify: () => false } };
    return registry.createTypeUnsafe(typeOf(m.output), [callRuntimeApi(ctx, `${api}_${method}`, input)]) as Pjs;
  };
  return { call, registry };
}

describe('lending runtime APIs through @polkadot/types', () => {
  it('LoansApi.quote reports every factor, the schedule and the refusals; None for an unknown bank', async () => {
    const c = await CreditChain.create();
    const { call } = pjs(c);
    const { bob, eve } = c.keys;
    const q = call(c.state, 'LoansApi', 'quote', bob.publicKey, 0, 'General', 1_000n * U, 90, 1_500n * U).unwrap();
    const mine = c.loanQueries.quote(c.state, { borrower: bob.publicKey, bank: 0, kind: 'General', amount: 1_000n * U, termDays: 90n, collateralValue: 1_500n * U })!;
    expect(q.b.toBigInt()).toBe(1_200n);
    expect(q.c.toBigInt()).toBe(9_000n);
    expect(q.r.toBigInt()).toBe(10_000n);
    expect(q.score.toBigInt()).toBe(600n);
    expect(q.ratePpb.toBigInt()).toBe(108_000_000n);
    expect(q.autoApproved.isTrue).toBe(true);
    expect(q.refusals.length).toBe(0);
    expect(q.schedule.map((l: Pjs) => [l.discountBps.toBigInt(), l.total.toBigInt()])).toEqual(mine.schedule.map((l) => [l.discountBps, l.total]));
    expect(q.schedule.map((l: Pjs) => l.discountBps.toNumber())).toEqual([7_500, 5_000, 2_500, 1_000]);
    const refused = call(c.state, 'LoansApi', 'quote', eve.publicKey, 0, 'Equipment', 1_000n * U, 400, 1_000n * U).unwrap();
    expect(refused.refusals.map((r: Pjs) => r.toUtf8())).toEqual(['NotMember', 'TermTooLong', 'InsufficientCollateral']);
    expect(call(c.state, 'LoansApi', 'quote', bob.publicKey, 9, 'General', 1n, 1, 1n).isNone).toBe(true);
  });

  it('LoansApi.status at the block time and at a later time; None for an unknown loan; reputation after repayment', async () => {
    const c = await CreditChain.create();
    const { call } = pjs(c);
    const { bob } = c.keys;
    const id = c.borrow(bob, 1_000n * U, [c.lock(bob, 1_500n * XFG)]);
    const st = call(c.state, 'LoansApi', 'status', id, null).unwrap();
    const mine = c.status(id);
    expect(st.state.type).toBe('Active');
    expect(st.principal.toBigInt()).toBe(1_000n * U);
    expect(st.total.toBigInt()).toBe(mine.total);
    expect(st.ratioBps.unwrap().toBigInt()).toBe(mine.ratioBps);
    expect(st.nextDeadline.unwrap().type).toBe('DueSoon');
    const later = call(c.state, 'LoansApi', 'status', id, c.now + 12n * HOUR).unwrap();
    expect(later.discountBps.toNumber()).toBe(7_500);
    expect(later.total.toBigInt()).toBe(c.status(id, c.now + 12n * HOUR).total);
    expect(call(c.state, 'LoansApi', 'status', 99n, null).isNone).toBe(true);
    c.ok(bob, 'Loans', 'repayAll', { loanId: id });
    const rep = call(c.state, 'LoansApi', 'reputation', bob.publicKey);
    expect(rep.score.toNumber()).toBe(1_000);
    expect(rep.reputation.repaidPrompt.toNumber()).toBe(1);
  });

  it('BanksApi.info reports capacity, free reserves, kinds and a lender\'s position; None for an unknown bank', async () => {
    const c = await CreditChain.create();
    const { call } = pjs(c);
    const info = call(c.state, 'BanksApi', 'info', 0, u8aToHex(c.keys.alice.publicKey)).unwrap();
    expect(info.name.toString()).toBe('Cascadia Commons');
    expect(info.bioregion.toString()).toBe('Cascadia');
    expect(info.capacity.toBigInt()).toBe(1_000_000n * U);
    expect(info.kinds.map((k: Pjs) => k.kind.type)).toEqual(['Production', 'Marketing', 'Equipment', 'General']);
    expect(info.lender.unwrap().shares.toBigInt()).toBe(100_000n * U);
    expect(call(c.state, 'BanksApi', 'info', 0, null).unwrap().lender.isNone).toBe(true);
    expect(call(c.state, 'BanksApi', 'info', 3, null).isNone).toBe(true);
  });

  it('undecodable input is a RuntimeApiError (state_call answers it as an execution error)', async () => {
    const c = await CreditChain.create();
    const ctx: ApiContext = { runtime: c.runtime, state: c.state, block: { number: 0, hash: new Uint8Array(32) }, checker: { verify: () => false } };
    expect(() => callRuntimeApi(ctx, 'LoansApi_status', new Uint8Array([1, 2]))).toThrow(RuntimeApiError);
    expect(() => callRuntimeApi(ctx, 'BanksApi_info', new Uint8Array([0, 0, 0, 0, 0, 9]))).toThrow(RuntimeApiError);
  });

  it('a quote owing more than a balance can hold is a RuntimeApiError naming amount and term_days; a huge ratio reads as unbounded', async () => {
    const c = await CreditChain.create();
    const { call } = pjs(c);
    const { bob } = c.keys;
    const ctx: ApiContext = { runtime: c.runtime, state: c.state, block: { number: 0, hash: new Uint8Array(32) }, checker: { verify: () => false } };
    const input = (amount: bigint, termDays: number, collateral: bigint) =>
      new Uint8Array([...AccountId32.encode(bob.publicKey), ...u32.encode(0), ...LoanKind.encode({ tag: 'General' }), ...u128.encode(amount), ...u32.encode(termDays), ...u128.encode(collateral)]);
    for (const [amount, days] of [[1n << 127n, 3_650], [(1n << 128n) - 1n, 0xffff_ffff]] as const) {
      let error: unknown;
      try {
        callRuntimeApi(ctx, 'LoansApi_quote', input(amount, days, 0n));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RuntimeApiError);
      expect((error as Error).message).toMatch(new RegExp(`^amount ${amount} over term_days ${days} owes \\d+, more than the largest balance 2\\^128 - 1: `));
    }
    // One base unit against the largest collateral: the ratio is beyond u128 bps, reported as unbounded.
    const q = call(c.state, 'LoansApi', 'quote', bob.publicKey, 0, 'General', 1n, 90, (1n << 128n) - 1n).unwrap();
    expect(q.ratioBps.toBigInt()).toBe(RATIO_UNBOUNDED);
    expect(q.c.toBigInt()).toBe(call(c.state, 'LoansApi', 'quote', bob.publicKey, 0, 'General', 1_000n * U, 90, 1_000_000n * U).unwrap().c.toBigInt());
  });
});
