/**
 * What the Certificates pallet does, as functions over a {@link DispatchContext}: the calls people make (`lock`,
 * `unlock`, `transfer`) and the registry operations loans use (`pledge`, `release`, `seize`). Each checks first
 * (`ensure`), then writes, then deposits its event. Multi-step XFG movements run in a transactional layer, so they
 * are all-or-nothing wherever they are called from.
 */
import { ArithmeticError, U64_MAX } from '../../primitives/arith.js';
import { equalBytes } from '../../primitives/bytes.js';
import { ensure, fail, type DispatchContext } from '../../runtime/dispatch.js';
import type { StateAccess, StateReader } from '../../runtime/state.js';
import type { Currency } from '../balances/index.js';
import type { Certificate } from './interface.js';
import type { PriceOracle } from '../oracle/interface.js';
import { xfgToUdst, type TokenDecimals } from '../oracle/math.js';
import { now } from '../timestamp/index.js';
import { CE } from './errors.js';
import { certificatesEvent as event } from './events.js';
import { CertificatesStorage as S } from './storage.js';
import { CERTIFICATE_LOCK, MAX_CERTIFICATES_PER_OWNER } from './types.js';

/** What Certificates needs from the rest of the runtime. */
export interface CertificatesConfig {
  /** XFG balances (holds under `Certificates(CertificateLock)`). */
  currency: Currency;
  /** The price, for `valueAtLock` (read without side effects). */
  oracle: Pick<PriceOracle, 'peekPrice'>;
  /** Token decimals (chain-spec `properties.tokenDecimals`), for `valueAtLock`. */
  decimals: TokenDecimals;
  /** Smallest XFG amount a certificate may be created with (base units, ≥ the existential deposit). */
  minLock: bigint;
}

/** The certificate `id`, or `UnknownCertificate`. */
export function loadCertificate(st: StateReader, id: bigint): Certificate {
  return S.Certificates.get(st, id) ?? fail(CE.UnknownCertificate, `no certificate ${id}`);
}

function addToOwner(st: StateAccess, owner: Uint8Array, id: bigint): void {
  const count = S.CertificateCount.get(st, owner);
  ensure(count < MAX_CERTIFICATES_PER_OWNER, CE.TooManyCertificates);
  S.OwnerCertificates.set(st, owner, id, null);
  S.CertificateCount.set(st, owner, count + 1);
}

function removeFromOwner(st: StateAccess, owner: Uint8Array, id: bigint): void {
  S.OwnerCertificates.remove(st, owner, id);
  const count = S.CertificateCount.get(st, owner) - 1;
  // An owner without certificates leaves no counter behind.
  if (count <= 0) S.CertificateCount.remove(st, owner);
  else S.CertificateCount.set(st, owner, count);
}

/** The certificate operations bound to their configuration. */
export function certificateOperations(cfg: CertificatesConfig) {
  const { currency } = cfg;

  /** Fail with ReserveMissing unless `owner` holds at least `xfg` under CertificateLock. */
  function ensureHeld(ctx: DispatchContext, owner: Uint8Array, xfg: bigint): void {
    ensure(currency.balanceOnHold(ctx.state, CERTIFICATE_LOCK, owner) >= xfg, CE.ReserveMissing);
  }

  return {
    /** Hold `xfg` of `who`'s XFG (reason CertificateLock) in a new certificate; returns it. Event: Locked. */
    lock(ctx: DispatchContext, who: Uint8Array, xfg: bigint): Certificate {
      ensure(xfg >= cfg.minLock, CE.BelowMinimumLock, `${xfg} < MinLock ${cfg.minLock}`);
      ensure(S.CertificateCount.get(ctx.state, who) < MAX_CERTIFICATES_PER_OWNER, CE.TooManyCertificates);
      const free = currency.free(ctx.state, who);
      // Balances keeps the existential deposit free when it holds funds (FRAME's `Protect`); checked here first for
      // the certificate's own error. When `free < xfg`, Balances' own InsufficientBalance says it better.
      if (free >= xfg) ensure(free - xfg >= currency.existentialDeposit, CE.FreeBelowExistentialDeposit);
      currency.hold(ctx, CERTIFICATE_LOCK, who, xfg);
      const id = S.NextId.get(ctx.state);
      if (id >= U64_MAX) throw new ArithmeticError('Overflow', 'certificate ids exhausted');
      S.NextId.set(ctx.state, id + 1n);
      const price = cfg.oracle.peekPrice(ctx.state);
      // Collateral valuation rounds down (ECONOMICS.md §0); without a price the value is recorded as 0.
      const valueAtLock = price === undefined ? 0n : xfgToUdst(xfg, price, cfg.decimals, 'down');
      const cert: Certificate = { id, owner: who, xfg, lockedAt: now(ctx.state), valueAtLock, pledgedTo: undefined };
      S.Certificates.set(ctx.state, id, cert);
      addToOwner(ctx.state, who, id);
      ctx.deposit(event('Locked', { id, owner: who, xfg, valueAtLock }));
      return cert;
    },

    /** Dissolve `who`'s unpledged certificate `id`: its XFG is released from the hold to free. Event: Unlocked. */
    unlock(ctx: DispatchContext, who: Uint8Array, id: bigint): void {
      const cert = loadCertificate(ctx.state, id);
      ensure(equalBytes(cert.owner, who), CE.NotOwner);
      ensure(cert.pledgedTo === undefined, CE.CertificatePledged);
      ctx.transactional(() => {
        ensureHeld(ctx, who, cert.xfg);
        currency.release(ctx, CERTIFICATE_LOCK, who, cert.xfg);
        S.Certificates.remove(ctx.state, id);
        removeFromOwner(ctx.state, who, id);
      });
      ctx.deposit(event('Unlocked', { id, owner: who, xfg: cert.xfg }));
    },

    /**
     * Give `who`'s unpledged certificate `id` to `dest`, with its XFG: the hold moves from the owner to `dest`
     * (FRAME's `transfer_on_hold` to `OnHold`), all or nothing. `dest` must hold at least the existential deposit free. A transfer to
     * oneself changes nothing. Event: Transferred.
     */
    transfer(ctx: DispatchContext, who: Uint8Array, id: bigint, dest: Uint8Array): void {
      const cert = loadCertificate(ctx.state, id);
      ensure(equalBytes(cert.owner, who), CE.NotOwner);
      ensure(cert.pledgedTo === undefined, CE.CertificatePledged);
      if (equalBytes(who, dest)) return;
      ensure(S.CertificateCount.get(ctx.state, dest) < MAX_CERTIFICATES_PER_OWNER, CE.TooManyCertificates);
      // The recipient ends with the free balance it had (what it receives is held at once): like `lock`, it must be
      // a live account holding the existential deposit free (Balances holds funds only on existing accounts).
      ensure(currency.free(ctx.state, dest) >= currency.existentialDeposit, CE.RecipientBelowExistentialDeposit);
      ctx.transactional(() => {
        ensureHeld(ctx, who, cert.xfg);
        currency.transferOnHold(ctx, CERTIFICATE_LOCK, who, dest, cert.xfg, 'OnHold', false);
        S.Certificates.set(ctx.state, id, { ...cert, owner: dest });
        removeFromOwner(ctx.state, who, id);
        addToOwner(ctx.state, dest, id);
      });
      ctx.deposit(event('Transferred', { id, from: who, to: dest }));
    },

    /** Pledge `owner`'s certificate `id` to `loanId`. Errors: UnknownCertificate, NotOwner, CertificatePledged. */
    pledge(ctx: DispatchContext, id: bigint, owner: Uint8Array, loanId: bigint): void {
      const cert = loadCertificate(ctx.state, id);
      ensure(equalBytes(cert.owner, owner), CE.NotOwner);
      ensure(cert.pledgedTo === undefined, CE.CertificatePledged);
      S.Certificates.set(ctx.state, id, { ...cert, pledgedTo: loanId });
      ctx.deposit(event('Pledged', { id, loanId }));
    },

    /** Release certificate `id` from `loanId`. Errors: UnknownCertificate, NotPledgedToLoan. */
    release(ctx: DispatchContext, id: bigint, loanId: bigint): void {
      const cert = loadCertificate(ctx.state, id);
      ensure(cert.pledgedTo === loanId, CE.NotPledgedToLoan);
      S.Certificates.set(ctx.state, id, { ...cert, pledgedTo: undefined });
      ctx.deposit(event('Released', { id, loanId }));
    },

    /**
     * Take `xfg` out of certificate `id` (pledged to `loanId`) and give it to `to` as free XFG, straight from the
     * owner's hold (`transfer_on_hold` to `Free`, forced: a lock of the owner cannot stop a liquidation); the certificate
     * shrinks and is removed when empty (its pledge with it). `to` may be the owner (surplus returned). `valueAtLock`
     * keeps its historical value. Errors: UnknownCertificate, NotPledgedToLoan, SeizeExceedsCertificate,
     * ReserveMissing, and Balances' errors when `to` cannot receive (a new account below the existential deposit).
     */
    seize(ctx: DispatchContext, id: bigint, loanId: bigint, xfg: bigint, to: Uint8Array): void {
      const cert = loadCertificate(ctx.state, id);
      ensure(cert.pledgedTo === loanId, CE.NotPledgedToLoan);
      ensure(xfg <= cert.xfg, CE.SeizeExceedsCertificate, `${xfg} > ${cert.xfg}`);
      if (xfg === 0n) return;
      const remaining = cert.xfg - xfg;
      ctx.transactional(() => {
        ensureHeld(ctx, cert.owner, xfg);
        currency.transferOnHold(ctx, CERTIFICATE_LOCK, cert.owner, to, xfg, 'Free', true);
        if (remaining === 0n) {
          S.Certificates.remove(ctx.state, id);
          removeFromOwner(ctx.state, cert.owner, id);
        } else {
          S.Certificates.set(ctx.state, id, { ...cert, xfg: remaining });
        }
      });
      ctx.deposit(event('Seized', { id, loanId, xfg, to, remaining }));
    },
  };
}

/** The operations of {@link certificateOperations}. */
export type CertificateOperations = ReturnType<typeof certificateOperations>;
