/**
 * What other pallets use of Balances: the {@link Currency} trait (XFG: transfers, holds, locks; FRAME's
 * `fungible::{Inspect, Mutate, MutateHold}` and `LockableCurrency`), and {@link lookup} of a `MultiAddress`.
 * Other pallets import this file (or index.ts), never `storage.ts`.
 */
import { equalBytes } from '../../primitives/bytes.js';
import type { DispatchErrorValue, MultiAddressValue } from '../../primitives/types.js';
import { ensure, fail, type DispatchContext } from '../../runtime/dispatch.js';
import type { StateAccess, StateReader } from '../../runtime/state.js';
import { getAccount, putAccount } from '../system/interface.js';
import type { AccountDataValue, AccountInfoValue } from '../system/types.js';
import { BE } from './errors.js';
import { balancesEvent } from './events.js';
import { BalancesStorage } from './storage.js';
import { holdReasonCount, RuntimeHoldReasonRef, sameReason, type BalanceLockValue, type Hold, type ReasonsValue, type RuntimeReason } from './types.js';

/** Resolve a MultiAddress to an account (only `Id` exists on this chain). */
export function lookup(addr: MultiAddressValue): Uint8Array {
  if (addr.tag === 'Id') return addr.value;
  if (addr.tag === 'Address32') return addr.value;
  return fail({ tag: 'CannotLookup' }, `cannot look up a MultiAddress::${addr.tag}`);
}

/** Who must stay: FRAME's `Preservation` (`Expendable`: may be reaped; `Protect`: keep the provider; `Preserve`: keep the ED). */
export type Preservation = 'Expendable' | 'Protect' | 'Preserve';

/** Where held funds go in {@link Currency.transferOnHold}: the destination's free balance, or held there under the same reason. */
export type HoldDestination = 'Free' | 'OnHold';

/** What other pallets may do with XFG (FRAME's `fungible::{Inspect, Mutate, MutateHold}` and `LockableCurrency`). */
export interface Currency {
  existentialDeposit: bigint;
  free(st: StateReader, who: Uint8Array): bigint;
  /** Everything held (`AccountData.reserved`): the sum of the holds and named reserves. */
  reserved(st: StateReader, who: Uint8Array): bigint;
  totalIssuance(st: StateReader): bigint;
  /**
   * What `who` may move out of its free balance (FRAME's `reducible_balance`): `free − max(frozen − reserved, 0)` —
   * a freeze or lock covers the total, so held funds count towards it — and, per `preservation`, the ED kept.
   * `force` ignores freezes and locks.
   */
  reducible(st: StateReader, who: Uint8Array, preservation: Preservation, force?: boolean): bigint;
  /** Move `amount` between free balances. `keepAlive`: the sender must keep at least the existential deposit. */
  transfer(ctx: DispatchContext, from: Uint8Array, to: Uint8Array, amount: bigint, keepAlive: boolean): void;
  /** Take `amount` out of circulation from `who` (fees); fails with Payment-style errors. */
  withdraw(ctx: DispatchContext, who: Uint8Array, amount: bigint, keepAlive: boolean): void;
  /** Whether `withdraw` would succeed (no state change). */
  canWithdraw(st: StateReader, who: Uint8Array, amount: bigint, keepAlive: boolean): boolean;
  /** Put `amount` (previously withdrawn) into `who`; burns it when it cannot create the account. Returns what was credited. */
  depositOrBurn(ctx: DispatchContext, who: Uint8Array, amount: bigint): bigint;
  /** What `who` holds under `reason`. */
  balanceOnHold(st: StateReader, reason: RuntimeReason, who: Uint8Array): bigint;
  /** Every `(account, amount)` held under `reason`, in key order. Reads the whole `Holds` map: invariants only. */
  holdersOf(st: StateReader, reason: RuntimeReason): Array<[who: Uint8Array, amount: bigint]>;
  /**
   * Move `amount` of `who`'s free balance on hold under `reason` (FRAME's `MutateHold::hold`): the account keeps its
   * ED free; freezes and locks do not stop it (they cover the total, which does not change). Errors:
   * InsufficientBalance, Expendability (would leave less than the ED free), TooManyHolds, Token.CannotCreateHold (no account).
   */
  hold(ctx: DispatchContext, reason: RuntimeReason, who: Uint8Array, amount: bigint): void;
  /** Move exactly `amount` held under `reason` back to `who`'s free balance. Error: Token.FundsUnavailable (less is held). */
  release(ctx: DispatchContext, reason: RuntimeReason, who: Uint8Array, amount: bigint): void;
  /**
   * Move exactly `amount` held by `source` under `reason` to `dest`: to its free balance (`Free`, as a seizure) or on
   * hold under the same reason (`OnHold`). `force` ignores `source`'s freezes and locks. Errors: Token.FundsUnavailable
   * (less is held), Token.Frozen, ExistentialDeposit (a new `dest` would get less than the ED), Token.CannotCreateHold.
   */
  transferOnHold(ctx: DispatchContext, reason: RuntimeReason, source: Uint8Array, dest: Uint8Array, amount: bigint, to: HoldDestination, force: boolean): void;
  /**
   * Set (or replace) lock `id` on `who` (FRAME's `LockableCurrency::set_lock`; `MaxLocks` is weak there too); a zero
   * amount removes it. `frozen` becomes the largest lock or freeze. Error: DeadAccount (no such account).
   */
  setLock(ctx: DispatchContext, id: Uint8Array, who: Uint8Array, amount: bigint, reasons?: ReasonsValue): void;
  /** Remove lock `id` from `who`. */
  removeLock(ctx: DispatchContext, id: Uint8Array, who: Uint8Array): void;
}

const tokenError = (tag: 'FundsUnavailable' | 'Frozen' | 'CannotCreateHold'): DispatchErrorValue => ({ tag: 'Token', value: { tag } });

const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** Whether the account data holds a consumer reference of Balances (FRAME: anything held or frozen). */
export const consumes = (d: AccountDataValue) => d.reserved > 0n || d.frozen > 0n;

/**
 * `next` with its consumer count following `prev → next` (FRAME's `mutate_account`: an account with anything held or
 * frozen has one consumer reference from Balances, so it cannot be reaped while it has them).
 */
function withConsumerRef(prev: AccountInfoValue, next: AccountInfoValue): AccountInfoValue {
  const [had, has] = [consumes(prev.data), consumes(next.data)];
  if (had === has) return next;
  return { ...next, consumers: has ? prev.consumers + 1 : Math.max(prev.consumers - 1, 0) };
}

/** FRAME's `can_dec_provider`: the account may lose its (only) provider, i.e. nothing is held or frozen. */
const canDie = (a: AccountInfoValue) => a.providers > 1 || (a.consumers === 0 && !consumes(a.data));

/** XFG with existential deposit `ed`: the {@link Currency} and the free-balance writer the calls use. */
export function createCurrency(ed: bigint): {
  currency: Currency;
  /** Write `who`'s new free balance, handling creation (Endowed) and death (DustLost). */
  setFree(ctx: DispatchContext, who: Uint8Array, acct: AccountInfoValue, free: bigint): void;
} {

  const isDead = (a: AccountInfoValue) => a.providers === 0 && a.data.free === 0n && a.data.reserved === 0n;

  /** Write `who`'s account after a change of `reserved` or `frozen` (free unchanged): the consumer reference follows. */
  function putData(ctx: DispatchContext, who: Uint8Array, acct: AccountInfoValue, data: AccountDataValue): void {
    putAccount(ctx, who, withConsumerRef(acct, { ...acct, data }));
  }

  /** Write `who`'s new free balance, handling creation (Endowed) and death (DustLost). */
  function setFree(ctx: DispatchContext, who: Uint8Array, acct: AccountInfoValue, free: bigint): void {
    const wasDead = acct.providers === 0;
    const next: AccountInfoValue = { ...acct, data: { ...acct.data, free } };
    // An account with anything held or frozen stays alive whatever its free balance (as in FRAME, through its
    // consumer reference): reaping it would drop the holds from the state without taking them out of the issuance.
    if (free < ed && !consumes(acct.data)) {
      // The account dies: its dust is burnt.
      if (free > 0n) {
        BalancesStorage.TotalIssuance.set(ctx.state, BalancesStorage.TotalIssuance.get(ctx.state) - free);
        ctx.deposit(balancesEvent('DustLost', { account: who, amount: free }));
      }
      next.data = { ...next.data, free: 0n };
      if (!wasDead) next.providers = acct.providers - 1;
      putAccount(ctx, who, next.providers === 0 ? { ...next, nonce: 0, consumers: 0, data: { free: 0n, reserved: 0n, frozen: 0n, flags: 0n } } : next);
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

  /** FRAME's `reducible_balance` over an account record. */
  function reducibleOf(a: AccountInfoValue, preservation: Preservation, force: boolean): bigint {
    const { free, reserved, frozen } = a.data;
    // A freeze covers the total balance: what is held counts towards it.
    let untouchable = force ? 0n : max(frozen - reserved, 0n);
    const keepEd =
      preservation === 'Preserve' || (preservation === 'Protect' && free > 0n && a.providers === 1) || (preservation === 'Expendable' && free > 0n && !canDie(a));
    if (keepEd) untouchable = max(untouchable, ed);
    return max(free - untouchable, 0n);
  }

  /** Check that `amount` may leave `who`'s free balance (the errors say which rule refuses it). */
  function checkWithdraw(acct: AccountInfoValue, amount: bigint, keepAlive: boolean): void {
    const { free, reserved, frozen } = acct.data;
    ensure(amount <= free, BE.InsufficientBalance);
    const after = free - amount;
    ensure(after >= frozen - reserved, BE.LiquidityRestrictions);
    if (after < ed) {
      // Dropping below the existential deposit kills the account: refused when keep-alive or while anything is held or frozen.
      ensure(!keepAlive && canDie(acct), BE.Expendability);
    }
  }

  /** Recompute `frozen` = the largest lock or freeze, write locks and account, and emit Locked/Unlocked by the change. */
  function updateLocks(ctx: DispatchContext, who: Uint8Array, locks: BalanceLockValue[]): void {
    const acct = getAccount(ctx.state, who);
    let frozen = 0n;
    for (const l of locks) frozen = max(frozen, l.amount);
    for (const f of BalancesStorage.Freezes.get(ctx.state, who)) frozen = max(frozen, f.amount);
    if (locks.length === 0) BalancesStorage.Locks.remove(ctx.state, who);
    else BalancesStorage.Locks.set(ctx.state, who, locks);
    const before = acct.data.frozen;
    if (frozen === before) return;
    putData(ctx, who, acct, { ...acct.data, frozen });
    if (frozen > before) ctx.deposit(balancesEvent('Locked', { who, amount: frozen - before }));
    else ctx.deposit(balancesEvent('Unlocked', { who, amount: before - frozen }));
  }

  /** Set `who`'s hold under `reason` to `amount` (0 removes it) and `reserved` by the difference; `free` is the caller's. */
  function writeHold(st: StateAccess, who: Uint8Array, holds: Hold[], reason: RuntimeReason, amount: bigint): void {
    const i = holds.findIndex((h) => sameReason(RuntimeHoldReasonRef, h.id, reason));
    const next = holds.slice();
    if (i < 0) {
      if (amount > 0n) next.push({ id: reason, amount });
    } else if (amount === 0n) next.splice(i, 1);
    else next[i] = { id: reason, amount };
    if (next.length === 0) BalancesStorage.Holds.remove(st, who);
    else BalancesStorage.Holds.set(st, who, next);
  }

  const onHold = (holds: Hold[], reason: RuntimeReason) => holds.find((h) => sameReason(RuntimeHoldReasonRef, h.id, reason))?.amount ?? 0n;

  /** Whether a hold under `reason` may be created or grown on `acct` (FRAME's `hold_available`). */
  function ensureHoldAvailable(acct: AccountInfoValue, holds: Hold[], reason: RuntimeReason): void {
    ensure(acct.providers > 0, tokenError('CannotCreateHold'), 'no account to hold funds on');
    if (holds.some((h) => sameReason(RuntimeHoldReasonRef, h.id, reason))) return;
    ensure(holds.length < holdReasonCount(), BE.TooManyHolds);
  }

  const currency: Currency = {
    existentialDeposit: ed,
    free: (st, who) => getAccount(st, who).data.free,
    reserved: (st, who) => getAccount(st, who).data.reserved,
    totalIssuance: (st) => BalancesStorage.TotalIssuance.get(st),
    reducible: (st, who, preservation, force = false) => reducibleOf(getAccount(st, who), preservation, force),
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
    balanceOnHold: (st, reason, who) => onHold(BalancesStorage.Holds.get(st, who), reason),
    holdersOf(st, reason) {
      const out: Array<[Uint8Array, bigint]> = [];
      for (const [who, holds] of BalancesStorage.Holds.entries(st)) {
        const amount = onHold(holds, reason);
        if (amount > 0n) out.push([who, amount]);
      }
      return out;
    },
    hold(ctx, reason, who, amount) {
      if (amount === 0n) return;
      const acct = getAccount(ctx.state, who);
      const holds = BalancesStorage.Holds.get(ctx.state, who);
      ensureHoldAvailable(acct, holds, reason);
      ensure(amount <= acct.data.free, BE.InsufficientBalance);
      // Held funds stay in the total a freeze covers (force); the account keeps its ED free (Protect).
      ensure(amount <= reducibleOf(acct, 'Protect', true), BE.Expendability, `holding ${amount} would leave less than the existential deposit free`);
      writeHold(ctx.state, who, holds, reason, onHold(holds, reason) + amount);
      putData(ctx, who, acct, { ...acct.data, free: acct.data.free - amount, reserved: acct.data.reserved + amount });
    },
    release(ctx, reason, who, amount) {
      if (amount === 0n) return;
      const holds = BalancesStorage.Holds.get(ctx.state, who);
      const held = onHold(holds, reason);
      ensure(held >= amount, tokenError('FundsUnavailable'), `${amount} to release but ${held} held`);
      const acct = getAccount(ctx.state, who);
      writeHold(ctx.state, who, holds, reason, held - amount);
      const next = withConsumerRef(acct, { ...acct, data: { ...acct.data, reserved: acct.data.reserved - amount } });
      // Through setFree: an account kept alive only by its holds is reaped (dust burnt) once they are gone.
      setFree(ctx, who, next, acct.data.free + amount);
    },
    transferOnHold(ctx, reason, source, dest, amount, to, force) {
      if (amount === 0n) return;
      const holds = BalancesStorage.Holds.get(ctx.state, source);
      const held = onHold(holds, reason);
      ensure(held >= amount, tokenError('FundsUnavailable'), `${amount} to move but ${held} held`);
      const src = getAccount(ctx.state, source);
      // What the holds may give up without the total dropping below a freeze (FRAME's reducible_total_balance_on_hold).
      const liquid = src.data.reserved - (force ? 0n : max(src.data.frozen - src.data.free, 0n));
      ensure(amount <= liquid, tokenError('Frozen'));
      if (equalBytes(source, dest)) {
        if (to === 'Free') currency.release(ctx, reason, source, amount);
        return;
      }
      const dst = getAccount(ctx.state, dest);
      ensure(!isDead(dst) || amount >= ed, BE.ExistentialDeposit);
      const dstHolds = BalancesStorage.Holds.get(ctx.state, dest);
      if (to === 'OnHold') {
        ensureHoldAvailable(dst, dstHolds, reason);
      }
      writeHold(ctx.state, source, holds, reason, held - amount);
      // Through setFree (free unchanged): a source kept alive only by this hold is reaped once it is gone.
      setFree(ctx, source, withConsumerRef(src, { ...src, data: { ...src.data, reserved: src.data.reserved - amount } }), src.data.free);
      if (to === 'OnHold') {
        writeHold(ctx.state, dest, dstHolds, reason, onHold(dstHolds, reason) + amount);
        putData(ctx, dest, dst, { ...dst.data, reserved: dst.data.reserved + amount });
      } else {
        setFree(ctx, dest, dst, dst.data.free + amount);
      }
    },
    setLock(ctx, id, who, amount, reasons = { tag: 'All' }) {
      if (amount === 0n) return currency.removeLock(ctx, id, who);
      // A lock on an account that does not exist would outlive it: refused.
      ensure(getAccount(ctx.state, who).providers > 0, BE.DeadAccount, 'no account to lock funds on');
      const locks = BalancesStorage.Locks.get(ctx.state, who).filter((l) => !equalBytes(l.id, id));
      locks.push({ id, amount, reasons });
      updateLocks(ctx, who, locks);
    },
    removeLock(ctx, id, who) {
      const locks = BalancesStorage.Locks.get(ctx.state, who);
      const kept = locks.filter((l) => !equalBytes(l.id, id));
      if (kept.length === locks.length) return;
      updateLocks(ctx, who, kept);
    },
  };

  return { currency, setFree };
}
