/** Read-only views of Banks served by the runtime API `BanksApi` and the RPC method `banks_info`. */
import type { StateReader } from '../../runtime/state.js';
import { availableCredit, creditCapacity, freeReserves, amountForShares, withdrawable } from './math.js';
import { BanksStorage } from './storage.js';
import type { BankInfoValue, BankViewValue, KindParamsValue, LoanKindValue } from './types.js';

/** The view of bank `id`, with `lender`'s shares when given. */
export function bankView(st: StateReader, id: number, b: BankInfoValue, kinds: Array<{ kind: LoanKindValue; params: KindParamsValue }>, lender?: Uint8Array): BankViewValue {
  const cap = b.params.leverageCapBps;
  let lenderView: BankViewValue['lender'];
  if (lender !== undefined) {
    const shares = BanksStorage.Shares.get(st, id, lender) ?? 0n;
    lenderView = {
      who: lender,
      shares,
      value: amountForShares(shares, b.totalShares, b.reserves),
      withdrawable: withdrawable({ shares, totalShares: b.totalShares, reserves: b.reserves, outstanding: b.outstanding, leverageCapBps: cap }),
    };
  }
  return {
    id,
    name: b.name,
    bioregion: b.bioregion,
    creditCeiling: b.creditCeiling,
    reserves: b.reserves,
    totalShares: b.totalShares,
    outstanding: b.outstanding,
    capacity: creditCapacity(b.creditCeiling, b.reserves, cap),
    available: availableCredit(b.creditCeiling, b.reserves, cap, b.outstanding),
    freeReserves: freeReserves(b.reserves, b.outstanding, cap),
    memberCount: b.memberCount,
    officerCount: b.officerCount,
    income: b.income,
    writtenOff: b.writtenOff,
    uncoveredLoss: b.uncoveredLoss,
    params: b.params,
    kinds,
    lender: lenderView,
  };
}
