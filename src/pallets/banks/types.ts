/**
 * SCALE schemas of the Banks pallet (ECONOMICS.md §4); the TypeScript types are derived from them. Rates and ratios
 * are bps (`u64`), amounts UDST base units (`u128`), times block ms (`u64`), days `u64`.
 */
import { bool, enumeration, str, struct, u32, u64, u128, option, vec, type ValueOf } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';

/** The four loan kinds every bank offers (ECONOMICS.md §5 Kinds). */
export const LoanKind = enumeration(['pallet_banks', 'types', 'LoanKind'], { Production: null, Marketing: null, Equipment: null, General: null }, { docs: ['A kind of loan, each with its own limits and base rate per bank.'] });
/** A loan kind value. */
export type LoanKindValue = ValueOf<typeof LoanKind>;
/** A loan kind's name. */
export type LoanKindName = LoanKindValue['tag'];
/** Every loan kind, in index order. */
export const LOAN_KINDS: readonly LoanKindName[] = ['Production', 'Marketing', 'Equipment', 'General'];

/** Per-bank parameters of one loan kind. */
export const KindParams = struct(['pallet_banks', 'types', 'KindParams'], {
  /** Largest amount of one loan (UDST base units). */
  maxAmount: u128,
  /** Least pledged value / amount at application and draw (bps of 100 %). */
  minCollateralRatioBps: u64,
  /** Longest term (days). */
  maxTermDays: u64,
  /** Base rate `B` before the risk premium (bps per year). */
  baseRateBps: u64,
});
/** {@link KindParams} as a value. */
export type KindParamsValue = ValueOf<typeof KindParams>;

/** Bank-wide loan and reserve parameters. */
export const BankParams = struct(['pallet_banks', 'types', 'BankParams'], {
  /** Added to every kind's base rate (bps per year). */
  riskPremiumBps: u64,
  /** The lowest contract rate and the discount floor (bps per year). */
  minRateBps: u64,
  /** Applications up to this amount from borrowers with a good enough score are approved at once. */
  autoApproveLimit: u128,
  /** The least reputation score for automatic approval (0 ..= 1000). */
  autoApproveMinScore: u64,
  /** The least amount of a loan, and the least debt a partial liquidation may leave. */
  minDebt: u128,
  /** Outstanding principal may reach `reserves · leverageCapBps / 10_000`. */
  leverageCapBps: u64,
  /** The treasury's share of interest income (bps). */
  protocolFeeShareBps: u64,
  /** Fee on drawn principal, to reserves (bps). */
  originationFeeBps: u64,
});
/** {@link BankParams} as a value. */
export type BankParamsValue = ValueOf<typeof BankParams>;

/** A community bank. */
export const BankInfo = struct(['pallet_banks', 'types', 'BankInfo'], {
  name: str,
  bioregion: str,
  /** Outstanding principal never exceeds this (nor the leverage cap). */
  creditCeiling: u128,
  /** UDST held by the bank (outside accounts). */
  reserves: u128,
  /** Lender shares in existence. */
  totalShares: u128,
  /** Principal of the bank's open loans. */
  outstanding: u128,
  /** Members admitted (≤ 2^32 − 1). */
  memberCount: u32,
  /** Officers among them (≤ memberCount). */
  officerCount: u32,
  /** Interest (after the treasury's share), fees and penalties received into reserves so far. */
  income: u128,
  /** Principal written off as bad debt so far (covered and uncovered). */
  writtenOff: u128,
  /** The part of `writtenOff` the reserves could not cover. */
  uncoveredLoss: u128,
  params: BankParams,
});
/** {@link BankInfo} as a value. */
export type BankInfoValue = ValueOf<typeof BankInfo>;

/** A member of a bank. */
export const MemberRecord = struct(['pallet_banks', 'types', 'MemberRecord'], {
  /** Block time (ms) of admission. */
  since: u64,
  /** Whether the member reviews loan applications. */
  officer: bool,
});
/** {@link MemberRecord} as a value. */
export type MemberRecordValue = ValueOf<typeof MemberRecord>;

/** What `BanksApi_info` and `banks_info` report about a bank. */
export const BankView = struct(['pallet_banks', 'types', 'BankView'], {
  id: u32,
  name: str,
  bioregion: str,
  creditCeiling: u128,
  reserves: u128,
  totalShares: u128,
  outstanding: u128,
  /** `min(creditCeiling, reserves · leverageCap / 10_000)`. */
  capacity: u128,
  /** `capacity − outstanding` (or 0). */
  available: u128,
  /** Reserves not needed to back outstanding credit. */
  freeReserves: u128,
  memberCount: u32,
  officerCount: u32,
  income: u128,
  writtenOff: u128,
  uncoveredLoss: u128,
  params: BankParams,
  kinds: vec(struct(['pallet_banks', 'types', 'KindView'], { kind: LoanKind, params: KindParams }), 4),
  /** The queried account's shares and their current value, when an account was given. */
  lender: option(struct(['pallet_banks', 'types', 'LenderView'], { who: AccountId32, shares: u128, value: u128, withdrawable: u128 })),
});
/** {@link BankView} as a value. */
export type BankViewValue = ValueOf<typeof BankView>;

/** Pallet index of Banks (fixed: part of every call's encoding). */
export const BANKS_INDEX = 13;

/* Genesis defaults of the bank and loan-kind parameters (ECONOMICS.md §0; bounds in params.ts). */
/** Default `baseRate` of every loan kind (bps per year). */
export const DEFAULT_BASE_RATE_BPS = 1_200n;
/** Default `riskPremium` of a bank (bps). */
export const DEFAULT_RISK_PREMIUM_BPS = 0n;
/** Default `minRate` of a bank (bps per year). */
export const DEFAULT_MIN_RATE_BPS = 100n;
/** Default `minCollateralRatio` of every loan kind (bps of 100 %). */
export const DEFAULT_MIN_COLLATERAL_RATIO_BPS = 15_000n;
/** Default `autoApproveMinScore`. */
export const DEFAULT_AUTO_APPROVE_MIN_SCORE = 600n;
