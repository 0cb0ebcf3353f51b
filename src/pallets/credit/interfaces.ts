/**
 * The small interfaces the credit pallets use to talk to each other (STYLE.md: pallets call each other through
 * interfaces passed in, never through each other's storage). Indices: Udst 10, Oracle 11, Certificates 12,
 * Banks 13, Loans 14, Auctions 15.
 */
import type { DispatchContext } from '../../runtime/dispatch.js';
import type { StateReader } from '../../runtime/state.js';

/** Pallet indices of the credit pallets (fixed: they are part of every call's encoding). */
export const CREDIT_PALLET_INDEX = { Udst: 10, Oracle: 11, Certificates: 12, Banks: 13, Loans: 14, Auctions: 15 } as const;

/**
 * The UDST ledger. Issuance changes only through `mint` (credit drawn) and `burn` (principal repaid); `debit` and
 * `credit` move UDST between an account and somewhere outside accounts (bank reserves, auction escrow) without
 * changing issuance, so `issuance = Σ accounts + Σ reserves + Σ escrow` holds.
 */
export interface UdstLedger {
  free(st: StateReader, who: Uint8Array): bigint;
  totalIssuance(st: StateReader): bigint;
  /** Create `amount` in `who`'s account (only when credit is drawn). */
  mint(ctx: DispatchContext, who: Uint8Array, amount: bigint): void;
  /** Destroy `amount` from `who`'s account (only when principal is repaid); fails with InsufficientBalance. */
  burn(ctx: DispatchContext, who: Uint8Array, amount: bigint): void;
  transfer(ctx: DispatchContext, from: Uint8Array, to: Uint8Array, amount: bigint): void;
  /** Take `amount` out of `who`'s account into a non-account holder (reserves, escrow); fails with InsufficientBalance. */
  debit(ctx: DispatchContext, who: Uint8Array, amount: bigint): void;
  /** Give `amount` from a non-account holder to `who`. */
  credit(ctx: DispatchContext, who: Uint8Array, amount: bigint): void;
  /** Destroy `amount` held outside accounts (bad debt written off against reserves). */
  burnHeld(ctx: DispatchContext, amount: bigint): void;
}

/** The XFG price. */
export interface PriceOracle {
  /**
   * The median of fresh feeder values (FixedU128: UDST per XFG, whole token to whole token, 1e18 = 1) at the block
   * time, or `undefined` when fewer than `minFeeders` fresh values exist (fail closed: no new loans, no collateral
   * withdrawals, no liquidations). Reading an unavailable price deposits `PriceUnavailable` once per block.
   */
  price(ctx: DispatchContext): bigint | undefined;
  /** The same without side effects (queries). */
  peekPrice(st: StateReader): bigint | undefined;
}

/** A collateral certificate. `id` is a u64 counter. */
export interface Certificate {
  id: bigint;
  owner: Uint8Array;
  /** XFG held in the owner's balance (Balances hold, reason CertificateLock). */
  xfg: bigint;
  lockedAt: bigint;
  valueAtLock: bigint;
  /** The loan it is pledged to, if any. */
  pledgedTo: bigint | undefined;
}

/** Collateral certificates as loans use them. */
export interface CertificateRegistry {
  get(st: StateReader, id: bigint): Certificate | undefined;
  /** Pledge `id` to `loanId`; fails unless `owner` owns it and it is unpledged. */
  pledge(ctx: DispatchContext, id: bigint, owner: Uint8Array, loanId: bigint): void;
  /** Release a pledge (loan repaid or collateral returned). */
  release(ctx: DispatchContext, id: bigint, loanId: bigint): void;
  /**
   * Take `xfg` out of a certificate pledged to `loanId` and give it to `to` (liquidation sale); the certificate
   * shrinks, and is removed when empty.
   */
  seize(ctx: DispatchContext, id: bigint, loanId: bigint, xfg: bigint, to: Uint8Array): void;
}

/** Read the block time (ms) in pallets: `Timestamp.Now`. */
export type BlockTime = (st: StateReader) => bigint;
