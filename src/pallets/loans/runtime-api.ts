/**
 * Runtime APIs of the lending pallets, listed by `src/runtime/apis.ts`: `LoansApi` (`quote`, `status`,
 * `reputation`) and `BanksApi` (`info`). Each reads the queries the pallets expose (`pallet.queries`) at the state of
 * the block the call runs on. Pure.
 */
import { option, struct, u32, u64, u128, type AnyCodec } from '../../primitives/scale/index.js';
import { decodeApiInput, RuntimeApiError } from '../../runtime/api-support.js';
import { AccountId32 } from '../../primitives/types.js';
import type { Pallet } from '../../runtime/pallet.js';
import type { ApiContext, ApiTrait } from '../../runtime/api-support.js';
import { LoanKind, BankView, type LoanKindValue } from '../banks/types.js';
import type { BanksQueries } from '../banks/index.js';
import type { LoansQueries } from './queries.js';
import { LoanQuote, LoanStatus, Reputation, type LoanQuoteValue } from './types.js';
import { ScaleEncodeError } from '../../primitives/scale/index.js';

/** What `LoansApi_reputation` returns. */
export const ReputationView = struct(['pallet_loans', 'types', 'ReputationView'], { reputation: Reputation, score: u64 });

/** Raised when a lending API call cannot run (undecodable input, pallet missing); a runtime API error like any other. */
export class LendingApiError extends RuntimeApiError {}


function queriesOf<Q>(ctx: ApiContext, pallet: string): Q {
  const p = ctx.runtime.pallet(pallet) as (Pallet & { queries?: Q }) | undefined;
  if (p?.queries === undefined) throw new LendingApiError(`${pallet} is not part of this runtime`);
  return p.queries;
}

const QUOTE_INPUTS = [
  { name: 'borrower', type: AccountId32 },
  { name: 'bank', type: u32 },
  { name: 'kind', type: LoanKind as AnyCodec },
  { name: 'amount', type: u128 },
  { name: 'term_days', type: u32 },
  { name: 'collateral_value', type: u128 },
];
const STATUS_INPUTS = [
  { name: 'loan_id', type: u64 },
  { name: 'at', type: option(u64) },
];

/** The largest balance (`u128::MAX`): every amount a quote or status reports must fit it. */
const U128_MAX = (1n << 128n) - 1n;

/**
 * Refuse a quote whose amounts do not fit a balance, naming the inputs that made them (a huge amount over a long
 * term): the answer is an error of the caller's making, not a fault of the node.
 */
function requireQuoteFits(q: LoanQuoteValue | undefined, amount: bigint, termDays: number): void {
  if (q === undefined) return;
  let largest = q.originationFee;
  for (const l of q.schedule) for (const v of [l.interest, l.earlyPaymentBonus, l.total]) if (v > largest) largest = v;
  if (largest > U128_MAX) {
    throw new LendingApiError(`amount ${amount} over term_days ${termDays} owes ${largest}, more than the largest balance 2^128 - 1: ask for a smaller amount or a shorter term`);
  }
}

/** The lending runtime API traits. `wrap` turns an error into the runtime API error type of the caller. */
export function lendingApis(wrap: (e: Error) => Error): ApiTrait[] {
  const run = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof LendingApiError) throw wrap(e);
      // A figure beyond its type (should the checks above miss one) is still the query's answer, never a crash.
      if (e instanceof ScaleEncodeError) throw wrap(new LendingApiError(`a figure of the answer does not fit its type: ${e.message}`));
      throw e;
    }
  };
  return [
    {
      name: 'LoansApi',
      version: 1,
      docs: ['Quotes, loan status and reputation of the UDST loan system.'],
      methods: [
        {
          name: 'quote',
          docs: ['Every factor of a prospective loan\'s contract rate, its discount schedule with the amount due at each tier, and the reasons it would be refused now. `None` for an unknown bank.'],
          inputs: QUOTE_INPUTS,
          output: option(LoanQuote),
          call: (ctx, input) =>
            run(() => {
              const [borrower, bank, kind, amount, termDays, collateralValue] = decodeApiInput(input, QUOTE_INPUTS.map((i) => i.type), 'LoansApi_quote') as [Uint8Array, number, LoanKindValue, bigint, number, bigint];
              const q = queriesOf<LoansQueries>(ctx, 'Loans').quote(ctx.state, { borrower, bank, kind: kind.tag, amount, termDays: BigInt(termDays), collateralValue });
              requireQuoteFits(q, amount, termDays);
              return option(LoanQuote).encode(q);
            }),
        },
        {
          name: 'status',
          docs: ['A loan\'s principal, interest due now with and without the discount, ratio, state and next deadline, at the block time or at `at` (ms, not before its last accrual). `None` for an unknown loan.'],
          inputs: STATUS_INPUTS,
          output: option(LoanStatus),
          call: (ctx, input) =>
            run(() => {
              const [loanId, at] = decodeApiInput(input, STATUS_INPUTS.map((i) => i.type), 'LoansApi_status') as [bigint, bigint | undefined];
              return option(LoanStatus).encode(queriesOf<LoansQueries>(ctx, 'Loans').status(ctx.state, loanId, at));
            }),
        },
        {
          name: 'reputation',
          docs: ['An account\'s credit history and score (600 with no loans).'],
          inputs: [{ name: 'who', type: AccountId32 }],
          output: ReputationView,
          call: (ctx, input) =>
            run(() => {
              const [who] = decodeApiInput(input, [AccountId32], 'LoansApi_reputation') as [Uint8Array];
              return ReputationView.encode(queriesOf<LoansQueries>(ctx, 'Loans').reputation(ctx.state, who));
            }),
        },
      ],
    },
    {
      name: 'BanksApi',
      version: 1,
      docs: ['Community banks: reserves, shares, capacity and parameters.'],
      methods: [
        {
          name: 'info',
          docs: ['A bank\'s figures (capacity, available credit, free reserves, parameters), with `lender`\'s shares when given. `None` for an unknown bank.'],
          inputs: [
            { name: 'bank', type: u32 },
            { name: 'lender', type: option(AccountId32) },
          ],
          output: option(BankView),
          call: (ctx, input) =>
            run(() => {
              const [bank, lender] = decodeApiInput(input, [u32, option(AccountId32)], 'BanksApi_info') as [number, Uint8Array | undefined];
              return option(BankView).encode(queriesOf<BanksQueries>(ctx, 'Banks').info(ctx.state, bank, lender));
            }),
        },
      ],
    },
  ];
}
