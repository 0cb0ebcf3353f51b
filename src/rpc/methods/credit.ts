/**
 * `loans_quote`, `loans_status`, `banks_info`: the lending runtime APIs (`LoansApi`, `BanksApi`) as JSON for wallets
 * and scripts. The handlers run the same runtime API `state_call` serves, at the given block (the best block when
 * absent), and answer with every amount as a DECIMAL STRING (UDST/XFG base units, rates in ppb, ratios in bps,
 * prices FixedU128 inner values, times in ms). An unknown bank or loan is `null`.
 */
import { z } from 'zod';
import { decodeAddress, encodeAddress } from '../../crypto/keys.js';
import { fromHex, isHex } from '../../primitives/bytes.js';
import { option, u32 as u32Codec, u64 as u64Codec, u128, type AnyCodec } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { RuntimeApiError } from '../../runtime/api-support.js';
import { BankView, LOAN_KINDS, LoanKind, type BankViewValue, type LoanKindName } from '../../pallets/banks/types.js';
import { LoanQuote, LoanStatus, type LoanQuoteValue, type LoanStatusValue, type PaymentValue } from '../../pallets/loans/types.js';
import { RpcError, invalidParams } from '../errors.js';
import { defineMethod, type RpcServer } from '../server.js';
import { optional, optionalBlockHash, tupleParams, u32, u64 } from '../params.js';
import { apiContextAt, resolveAt, type RpcNode } from './context.js';
import { ss58PrefixOf } from '../../node/chain-spec.js';

/** JSON-RPC error code of a lending query that cannot run. */
export const CREDIT_QUERY_ERROR = 9100;

const account = z.string().min(1).max(128);
/** An amount as a decimal string (or a safe integer); at most u128. */
const amount = z
  .union([z.string().regex(/^[0-9]{1,39}$/), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)], { message: 'expected an amount as a decimal string' })
  .transform((v) => BigInt(v))
  .refine((v) => v < 1n << 128n, { message: 'expected an amount below 2^128' });
const kind = z
  .string()
  .transform((s) => LOAN_KINDS.find((k) => k.toLowerCase() === s.toLowerCase()))
  .refine((k): k is LoanKindName => k !== undefined, { message: `expected a loan kind: ${LOAN_KINDS.join(', ')}` });

function accountId(who: string, index: number): Uint8Array {
  try {
    const a = isHex(who) ? fromHex(who) : decodeAddress(who);
    if (a.length !== 32) throw new Error('an account id is 32 bytes');
    return a;
  } catch (e) {
    throw invalidParams(`params[${index}]: not an SS58 address or 0x account id: ${(e as Error).message}`);
  }
}

const s = (v: bigint) => v.toString();

function paymentJson(p: PaymentValue) {
  return { amount: s(p.amount), at: s(p.at), interestPaid: s(p.interestPaid), principalPaid: s(p.principalPaid), earlyPaymentBonus: s(p.earlyPaymentBonus) };
}

/** A quote as JSON. */
export function quoteJson(q: LoanQuoteValue) {
  return {
    b: s(q.b),
    c: s(q.c),
    r: s(q.r),
    score: s(q.score),
    ratioBps: s(q.ratioBps),
    ratePpb: s(q.ratePpb),
    minRateBps: s(q.minRateBps),
    originationFee: s(q.originationFee),
    autoApproved: q.autoApproved,
    refusals: q.refusals.map((r) => new TextDecoder().decode(r)),
    schedule: q.schedule.map((l) => ({ untilMs: s(l.untilMs), discountBps: s(l.discountBps), interest: s(l.interest), earlyPaymentBonus: s(l.earlyPaymentBonus), total: s(l.total) })),
  };
}

/** A loan status as JSON. */
export function statusJson(st: LoanStatusValue, ss58: number) {
  return {
    loanId: s(st.loanId),
    borrower: encodeAddress(st.borrower, ss58),
    bank: st.bank,
    state: st.state.tag,
    principal: s(st.principal),
    interestDue: s(st.interestDue),
    interestUndiscounted: s(st.interestUndiscounted),
    discountBps: s(st.discountBps),
    total: s(st.total),
    debt: s(st.debt),
    collateralXfg: s(st.collateralXfg),
    collateralValue: st.collateralValue === undefined ? null : s(st.collateralValue),
    ratioBps: st.ratioBps === undefined ? null : s(st.ratioBps),
    ratePpb: s(st.ratePpb),
    drawnAt: s(st.drawnAt),
    dueAt: s(st.dueAt),
    at: s(st.at),
    nextDeadline: st.nextDeadline === undefined ? null : { kind: st.nextDeadline.tag, at: s(st.nextDeadline.value) },
    auctionId: st.auctionId === undefined ? null : s(st.auctionId),
    history: st.history.map(paymentJson),
    historySummary: { count: s(st.historySummary.count), amount: s(st.historySummary.amount), interestPaid: s(st.historySummary.interestPaid), principalPaid: s(st.historySummary.principalPaid), earlyPaymentBonus: s(st.historySummary.earlyPaymentBonus) },
  };
}

/** A bank as JSON. */
export function bankJson(b: BankViewValue, ss58: number) {
  const p = b.params;
  return {
    id: b.id,
    name: b.name,
    bioregion: b.bioregion,
    creditCeiling: s(b.creditCeiling),
    reserves: s(b.reserves),
    totalShares: s(b.totalShares),
    outstanding: s(b.outstanding),
    capacity: s(b.capacity),
    available: s(b.available),
    freeReserves: s(b.freeReserves),
    memberCount: b.memberCount,
    officerCount: b.officerCount,
    income: s(b.income),
    writtenOff: s(b.writtenOff),
    uncoveredLoss: s(b.uncoveredLoss),
    params: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, s(v as bigint)])),
    kinds: b.kinds.map((k) => ({ kind: k.kind.tag, ...Object.fromEntries(Object.entries(k.params).map(([f, v]) => [f, s(v as bigint)])) })),
    lender: b.lender === undefined ? null : { who: encodeAddress(b.lender.who, ss58), shares: s(b.lender.shares), value: s(b.lender.value), withdrawable: s(b.lender.withdrawable) },
  };
}

/** Register `loans_quote`, `loans_status` and `banks_info`. */
export function registerCreditMethods(server: RpcServer, node: RpcNode): void {
  const ss58 = ss58PrefixOf(node.spec);
  const call = <T>(at: Uint8Array | undefined, method: string, inputs: Array<[AnyCodec, unknown]>, output: AnyCodec): T => {
    const ctx = apiContextAt(node, resolveAt(node, at));
    const input = new Uint8Array(inputs.flatMap(([c, v]) => [...c.encode(v)]));
    try {
      return output.decode(ctx.runtime.callApi(ctx, method, input)) as T;
    } catch (e) {
      if (e instanceof RuntimeApiError) throw new RpcError(CREDIT_QUERY_ERROR, `${method} failed`, e.message);
      throw e;
    }
  };
  server.register(
    defineMethod({
      name: 'loans_quote',
      params: tupleParams(account, u32, kind, amount, u32, amount, optionalBlockHash),
      handler: ([borrower, bank, k, amt, termDays, collateralValue, at]) => {
        const q = call<LoanQuoteValue | undefined>(
          at,
          'LoansApi_quote',
          [
            [AccountId32, accountId(borrower, 0)],
            [u32Codec, bank],
            [LoanKind, { tag: k }],
            [u128, amt],
            [u32Codec, termDays],
            [u128, collateralValue],
          ],
          option(LoanQuote),
        );
        return q === undefined ? null : quoteJson(q);
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'loans_status',
      params: tupleParams(u64, optionalBlockHash, optional(u64)),
      handler: ([loanId, at, timeMs]) => {
        const st = call<LoanStatusValue | undefined>(at, 'LoansApi_status', [[u64Codec, loanId], [option(u64Codec), timeMs]], option(LoanStatus));
        return st === undefined ? null : statusJson(st, ss58);
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'banks_info',
      params: tupleParams(u32, optional(account), optionalBlockHash),
      handler: ([bank, lender, at]) => {
        const b = call<BankViewValue | undefined>(at, 'BanksApi_info', [[u32Codec, bank], [option(AccountId32), lender === undefined ? undefined : accountId(lender, 1)]], option(BankView));
        return b === undefined ? null : bankJson(b, ss58);
      },
    }),
  );
}
