/**
 * Types of the Balances pallet. Balances live in `System.Account` (`pallet_balances::types::AccountData`, see
 * ../system/types.ts).
 */

/** Pallet index of Balances. */
export const BALANCES_INDEX = 2;

/** Parameters of Balances. */
export interface BalancesConfig {
  /** Smallest balance an account may hold (XFG base units). */
  existentialDeposit: bigint;
}

/** Genesis of Balances: initial free balances. */
export interface BalancesGenesis {
  balances: Array<[account: Uint8Array, amount: bigint]>;
}
