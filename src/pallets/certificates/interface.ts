/**
 * What other pallets use of Certificates: the {@link CertificateRegistry} of collateral certificates. Other pallets
 * import this file (or index.ts), never `storage.ts`.
 */
import type { DispatchContext } from '../../runtime/dispatch.js';
import type { StateReader } from '../../runtime/state.js';

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
