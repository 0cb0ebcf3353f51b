/**
 * What other pallets use of Udst: the {@link UdstLedger}. Other pallets import this file (or index.ts), never
 * `storage.ts`.
 */
import type { DispatchContext } from '../../runtime/dispatch.js';
import type { StateReader } from '../../runtime/state.js';

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
