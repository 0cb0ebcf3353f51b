/**
 * SCALE schemas of the Udst pallet and the TypeScript types derived from them.
 */
import { struct, u128, type ValueOf } from '../../primitives/scale/index.js';

/** Decimals of UDST (one UDST is `10^6` base units); `chain-spec.json` `properties.tokenDecimals[1]` says the same. */
export const UDST_DECIMALS = 6;

/** One UDST, in base units. */
export const UDST = 10n ** BigInt(UDST_DECIMALS);

/** An account's UDST: `free` (spendable) and `reserved` (held on the account for another pallet). */
export const UdstAccountData = struct(
  ['pallet_udst', 'AccountData'],
  { free: u128, reserved: u128 },
  { typeName: { free: 'Balance', reserved: 'Balance' } },
);

/** The value of {@link UdstAccountData}. */
export type UdstAccountDataValue = ValueOf<typeof UdstAccountData>;

/** An account holding no UDST (the storage default: such accounts are not stored). */
export const EMPTY_UDST_ACCOUNT: UdstAccountDataValue = { free: 0n, reserved: 0n };

/** Pallet index of Udst (fixed: part of every call's encoding). */
export const UDST_INDEX = 10;

/** Genesis of Udst: initial free balances (for test networks; on a live chain UDST starts at zero). */
export interface UdstGenesis {
  balances?: Array<[account: Uint8Array, amount: bigint]>;
}
