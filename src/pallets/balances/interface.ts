/**
 * What other pallets use of Balances: the {@link Currency} trait (XFG), and {@link lookup} of a `MultiAddress`.
 * Other pallets import this file (or index.ts), never `storage.ts`.
 */
import { equalBytes } from '../../primitives/bytes.js';
import type { MultiAddressValue } from '../../primitives/types.js';
import { ensure, fail, type DispatchContext } from '../../runtime/dispatch.js';
import type { StateReader } from '../../runtime/state.js';
import { getAccount, putAccount } from '../system/interface.js';
import type { AccountInfoValue } from '../system/types.js';
import { BE } from './errors.js';
import { balancesEvent } from './events.js';
import { BalancesStorage } from './storage.js';

/** Resolve a MultiAddress to an account (only `Id` exists on this chain). */
export function lookup(addr: MultiAddressValue): Uint8Array {
  if (addr.tag === 'Id') return addr.value;
  if (addr.tag === 'Address32') return addr.value;
  return fail({ tag: 'CannotLookup' }, `cannot look up a MultiAddress::${addr.tag}`);
}

/** What other pallets may do with XFG. */
export interface Currency {
  existentialDeposit: bigint;
  free(st: StateReader, who: Uint8Array): bigint;
  reserved(st: StateReader, who: Uint8Array): bigint;
  totalIssuance(st: StateReader): bigint;
  /** Move `amount` between free balances. `keepAlive`: the sender must keep at least the existential deposit. */
  transfer(ctx: DispatchContext, from: Uint8Array, to: Uint8Array, amount: bigint, keepAlive: boolean): void;
  /** Take `amount` out of circulation from `who` (fees); fails with Payment-style errors. */
  withdraw(ctx: DispatchContext, who: Uint8Array, amount: bigint, keepAlive: boolean): void;
  /** Whether `withdraw` would succeed (no state change). */
  canWithdraw(st: StateReader, who: Uint8Array, amount: bigint, keepAlive: boolean): boolean;
  /** Put `amount` (previously withdrawn) into `who`; burns it when it cannot create the account. Returns what was credited. */
  depositOrBurn(ctx: DispatchContext, who: Uint8Array, amount: bigint): bigint;
  reserve(ctx: DispatchContext, who: Uint8Array, amount: bigint): void;
  /** Move up to `amount` from reserved back to free; returns what was moved. */
  unreserve(ctx: DispatchContext, who: Uint8Array, amount: bigint): bigint;
}

/** XFG with existential deposit `ed`: the {@link Currency} and the free-balance writer the calls use. */
export function createCurrency(ed: bigint): {
  currency: Currency;
  /** Write `who`'s new free balance, handling creation (Endowed) and death (DustLost). */
  setFree(ctx: DispatchContext, who: Uint8Array, acct: AccountInfoValue, free: bigint): void;
} {
  const isDead = (a: AccountInfoValue) => a.providers === 0 && a.data.free === 0n && a.data.reserved === 0n;

  /** Write `who`'s new free balance, handling creation (Endowed) and death (DustLost). */
  function setFree(ctx: DispatchContext, who: Uint8Array, acct: AccountInfoValue, free: bigint): void {
    const wasDead = acct.providers === 0;
    const next: AccountInfoValue = { ...acct, data: { ...acct.data, free } };
    // An account holding reserves stays alive whatever its free balance (as in FRAME): reaping it would drop the
    // reserve from the state without taking it out of the issuance, and other pallets' collateral with it.
    if (free < ed && acct.data.reserved === 0n) {
      // The account dies: its dust is burnt.
      if (free > 0n) {
        BalancesStorage.TotalIssuance.set(ctx.state, BalancesStorage.TotalIssuance.get(ctx.state) - free);
        ctx.deposit(balancesEvent('DustLost', { account: who, amount: free }));
      }
      next.data = { ...next.data, free: 0n };
      if (!wasDead) next.providers = acct.providers - 1;
      putAccount(ctx, who, next.providers === 0 ? { ...next, nonce: 0, data: { free: 0n, reserved: 0n, frozen: 0n, flags: 0n } } : next);
      return;
    }
    if (wasDead) {
      next.providers = 1;
      putAccount(ctx, who, next);
      ctx.deposit(balancesEvent('Endowed', { account: who, freeBalance: free }));
      return;
    }
    putAccount(ctx, who, next);
  }

  /** Check that `amount` may leave `who`'s free balance. */
  function checkWithdraw(acct: AccountInfoValue, amount: bigint, keepAlive: boolean): void {
    const { free, reserved, frozen } = acct.data;
    ensure(amount <= free, BE.InsufficientBalance);
    const after = free - amount;
    ensure(after >= frozen, BE.LiquidityRestrictions);
    if (after < ed) {
      // Dropping below the existential deposit kills the account: refused when keep-alive or while reserves exist.
      ensure(!keepAlive && reserved === 0n, BE.Expendability);
    }
  }

  const currency: Currency = {
    existentialDeposit: ed,
    free: (st, who) => getAccount(st, who).data.free,
    reserved: (st, who) => getAccount(st, who).data.reserved,
    totalIssuance: (st) => BalancesStorage.TotalIssuance.get(st),
    transfer(ctx, from, to, amount, keepAlive) {
      if (amount === 0n) return;
      const src = getAccount(ctx.state, from);
      checkWithdraw(src, amount, keepAlive);
      if (equalBytes(from, to)) return;
      const dst = getAccount(ctx.state, to);
      ensure(!isDead(dst) || amount >= ed, BE.ExistentialDeposit);
      setFree(ctx, from, src, src.data.free - amount);
      const dst2 = getAccount(ctx.state, to);
      setFree(ctx, to, dst2, dst2.data.free + amount);
      ctx.deposit(balancesEvent('Transfer', { from, to, amount }));
    },
    withdraw(ctx, who, amount, keepAlive) {
      if (amount === 0n) return;
      const acct = getAccount(ctx.state, who);
      checkWithdraw(acct, amount, keepAlive);
      setFree(ctx, who, acct, acct.data.free - amount);
      BalancesStorage.TotalIssuance.set(ctx.state, BalancesStorage.TotalIssuance.get(ctx.state) - amount);
      ctx.deposit(balancesEvent('Withdraw', { who, amount }));
    },
    canWithdraw(st, who, amount, keepAlive) {
      const acct = getAccount(st, who);
      try {
        checkWithdraw(acct, amount, keepAlive);
        return true;
      } catch {
        return false;
      }
    },
    depositOrBurn(ctx, who, amount) {
      if (amount === 0n) return 0n;
      const acct = getAccount(ctx.state, who);
      if (isDead(acct) && amount < ed) return 0n; // cannot create the account: the amount stays burnt
      setFree(ctx, who, acct, acct.data.free + amount);
      BalancesStorage.TotalIssuance.set(ctx.state, BalancesStorage.TotalIssuance.get(ctx.state) + amount);
      ctx.deposit(balancesEvent('Deposit', { who, amount }));
      return amount;
    },
    reserve(ctx, who, amount) {
      if (amount === 0n) return;
      const acct = getAccount(ctx.state, who);
      ensure(amount <= acct.data.free, BE.InsufficientBalance);
      ensure(acct.data.free - amount >= acct.data.frozen, BE.LiquidityRestrictions);
      putAccount(ctx, who, { ...acct, data: { ...acct.data, free: acct.data.free - amount, reserved: acct.data.reserved + amount } });
      ctx.deposit(balancesEvent('Reserved', { who, amount }));
    },
    unreserve(ctx, who, amount) {
      const acct = getAccount(ctx.state, who);
      const moved = amount < acct.data.reserved ? amount : acct.data.reserved;
      if (moved === 0n) return 0n;
      // Through setFree: an account kept alive only by its reserve is reaped (dust burnt) once the reserve is gone.
      setFree(ctx, who, { ...acct, data: { ...acct.data, reserved: acct.data.reserved - moved } }, acct.data.free + moved);
      ctx.deposit(balancesEvent('Unreserved', { who, amount: moved }));
      return moved;
    },
  };

  return { currency, setFree };
}
