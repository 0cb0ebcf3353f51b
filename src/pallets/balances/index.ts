/**
 * pallet_balances for XFG, the native token: free, reserved and frozen balances kept in `System.Account`, the
 * existential deposit, transfers, reserves and total issuance. Other pallets use {@link Currency}.
 */
import { equalBytes, toHexRaw } from '../../primitives/bytes.js';
import { bool, compactU128, enumeration, fields, u128, u32 } from '../../primitives/scale/index.js';
import type { DispatchErrorValue } from '../../primitives/types.js';
import { MultiAddress, type MultiAddressValue } from '../../primitives/types.js';
import { ensure, ensureRoot, ensureSigned, fail, type DispatchContext } from '../../runtime/dispatch.js';
import { call, defineErrors, definePallet, eventFactory } from '../../runtime/pallet.js';
import type { StateAccess, StateReader } from '../../runtime/state.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { getAccount, putAccount, SystemStorage } from '../system/index.js';
import { AccountInfo, type AccountDataValue, type AccountInfoValue } from '../system/types.js';
import {
  BalanceLock,
  boundedVec,
  FreezeIdAmount,
  freezeReasonCount,
  HoldIdAmount,
  holdReasonCount,
  ReserveData,
  RuntimeHoldReasonRef,
  sameReason,
  weakBoundedVec,
  type BalanceLockValue,
  type Hold,
  type ReasonsValue,
  type RuntimeReason,
} from './types.js';

export { bindRuntimeReasons, type RuntimeReason, type Hold, type Freeze, type BalanceLockValue } from './types.js';
import { AccountId32 } from '../../primitives/types.js';

/** Pallet index of Balances. */
export const BALANCES_INDEX = 2;

const s = new StorageBuilder('Balances');
/** Storage items of Balances. */
export const BalancesStorage = {
  /** Total XFG in existence. */
  TotalIssuance: s.value('TotalIssuance', u128, { default: 0n, docs: ['The total units issued in the system.'] }),
  /** Issuance that is deactivated (kept for FRAME compatibility; always zero here). */
  InactiveIssuance: s.value('InactiveIssuance', u128, { default: 0n, docs: ['The total units of outstanding deactivated balance in the system.'] }),
  /**
   * Liquidity locks of an account (`LockableCurrency`): `frozen` is the largest of them and of the freezes. Removed
   * when empty. Blake2_128Concat: the key is a user's account.
   */
  Locks: s.map('Locks', 'Blake2_128Concat', AccountId32, weakBoundedVec(BalanceLock), {
    default: [],
    docs: [
      'Any liquidity locks on some account balances.',
      'NOTE: Should only be accessed when setting, changing and freeing a lock.',
      '',
      'Use of locks is deprecated in favour of freezes. See `https://github.com/paritytech/substrate/pull/12951/`',
    ],
  }),
  /** Named reserves (`[u8; 8]` ids). No pallet of this chain makes named reserves: always empty, kept for wallets. */
  Reserves: s.map('Reserves', 'Blake2_128Concat', AccountId32, boundedVec(ReserveData), {
    default: [],
    docs: ['Named reserves on some account balances.', '', 'Use of reserves is deprecated in favour of holds. See `https://github.com/paritytech/substrate/pull/12951/`'],
  }),
  /** Holds of an account by `RuntimeHoldReason` (at most one entry per reason); their sum is in `reserved`. Removed when empty. */
  Holds: s.map('Holds', 'Blake2_128Concat', AccountId32, boundedVec(HoldIdAmount), { default: [], docs: ['Holds on account balances.'] }),
  /** Freezes of an account by `RuntimeFreezeReason`. This chain declares no freeze reason yet, so it is always empty. */
  Freezes: s.map('Freezes', 'Blake2_128Concat', AccountId32, boundedVec(FreezeIdAmount), { default: [], docs: ['Freeze locks on account balances.'] }),
};

/** The most locks an account may have (`MaxLocks`, Polkadot's value). */
export const MAX_LOCKS = 50;
/** The most named reserves an account may have (`MaxReserves`; no named reserves are made on this chain). */
export const MAX_RESERVES = 50;

/** Errors of Balances (FRAME's order). */
export const BalancesErrors = defineErrors(['pallet_balances', 'pallet', 'Error'], BALANCES_INDEX, {
  VestingBalance: 'Vesting balance too high to send value.',
  LiquidityRestrictions: 'Account liquidity restrictions prevent withdrawal.',
  InsufficientBalance: 'Balance too low to send value.',
  ExistentialDeposit: 'Value too low to create account due to existential deposit.',
  Expendability: 'Transfer/payment would kill account.',
  ExistingVestingSchedule: 'A vesting schedule already exists for this account.',
  DeadAccount: 'Beneficiary account must pre-exist.',
  TooManyReserves: 'Number of named reserves exceed `MaxReserves`.',
  TooManyHolds: 'Number of holds exceed `VariantCountOf<T::RuntimeHoldReason>`.',
  TooManyFreezes: 'Number of freezes exceed `MaxFreezes`.',
  IssuanceDeactivated: 'The issuance cannot be modified since it is already deactivated.',
  DeltaZero: 'The delta cannot be zero.',
});
const E = BalancesErrors.of;

/** Events of Balances (FRAME's indices). */
export const BalancesEvents = enumeration(
  ['pallet_balances', 'pallet', 'Event'],
  {
    Endowed: fields({ account: AccountId32, freeBalance: u128 }),
    DustLost: fields({ account: AccountId32, amount: u128 }),
    Transfer: fields({ from: AccountId32, to: AccountId32, amount: u128 }),
    BalanceSet: fields({ who: AccountId32, free: u128 }),
    Reserved: fields({ who: AccountId32, amount: u128 }),
    Unreserved: fields({ who: AccountId32, amount: u128 }),
    Deposit: fields({ who: AccountId32, amount: u128 }),
    Withdraw: fields({ who: AccountId32, amount: u128 }),
    Slashed: fields({ who: AccountId32, amount: u128 }),
    Locked: fields({ who: AccountId32, amount: u128 }),
    Unlocked: fields({ who: AccountId32, amount: u128 }),
    Frozen: fields({ who: AccountId32, amount: u128 }),
    Thawed: fields({ who: AccountId32, amount: u128 }),
  },
  {
    indices: { Endowed: 0, DustLost: 1, Transfer: 2, BalanceSet: 3, Reserved: 4, Unreserved: 5, Deposit: 7, Withdraw: 8, Slashed: 9, Locked: 17, Unlocked: 18, Frozen: 19, Thawed: 20 },
    params: [{ name: 'T' }, { name: 'I' }],
    docs: ['The `Event` enum of this pallet'],
    variantDocs: {
      Endowed: ['An account was created with some free balance.'],
      DustLost: ['An account was removed whose balance was non-zero but below ExistentialDeposit, resulting in an outright loss.'],
      Transfer: ['Transfer succeeded.'],
      BalanceSet: ['A balance was set by root.'],
      Reserved: ['Some balance was reserved (moved from free to reserved).'],
      Unreserved: ['Some balance was unreserved (moved from reserved to free).'],
      Deposit: ['Some amount was deposited (e.g. for transaction fees).'],
      Withdraw: ['Some amount was withdrawn from the account (e.g. for transaction fees).'],
      Slashed: ['Some amount was removed from the account (e.g. for misbehavior).'],
      Locked: ['Some balance was locked.'],
      Unlocked: ['Some balance was unlocked.'],
      Frozen: ['Some balance was frozen.'],
      Thawed: ['Some balance was thawed.'],
    },
  },
);
const event = eventFactory('Balances', BalancesEvents);

/** Parameters of Balances. */
export interface BalancesConfig {
  /** Smallest balance an account may hold (XFG base units). */
  existentialDeposit: bigint;
}

/** Genesis of Balances: initial free balances. */
export interface BalancesGenesis {
  balances: Array<[account: Uint8Array, amount: bigint]>;
}

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
const consumes = (d: AccountDataValue) => d.reserved > 0n || d.frozen > 0n;

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

/** Build Balances with its parameters. */
export function createBalances(config: BalancesConfig) {
  const ed = config.existentialDeposit;

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
        ctx.deposit(event('DustLost', { account: who, amount: free }));
      }
      next.data = { ...next.data, free: 0n };
      if (!wasDead) next.providers = acct.providers - 1;
      putAccount(ctx, who, next.providers === 0 ? { ...next, nonce: 0, consumers: 0, data: { free: 0n, reserved: 0n, frozen: 0n, flags: 0n } } : next);
      return;
    }
    if (wasDead) {
      next.providers = 1;
      putAccount(ctx, who, next);
      ctx.deposit(event('Endowed', { account: who, freeBalance: free }));
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
    ensure(amount <= free, E.InsufficientBalance);
    const after = free - amount;
    ensure(after >= frozen - reserved, E.LiquidityRestrictions);
    if (after < ed) {
      // Dropping below the existential deposit kills the account: refused when keep-alive or while anything is held or frozen.
      ensure(!keepAlive && canDie(acct), E.Expendability);
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
    if (frozen > before) ctx.deposit(event('Locked', { who, amount: frozen - before }));
    else ctx.deposit(event('Unlocked', { who, amount: before - frozen }));
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
    ensure(holds.length < holdReasonCount(), E.TooManyHolds);
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
      ensure(!isDead(dst) || amount >= ed, E.ExistentialDeposit);
      setFree(ctx, from, src, src.data.free - amount);
      const dst2 = getAccount(ctx.state, to);
      setFree(ctx, to, dst2, dst2.data.free + amount);
      ctx.deposit(event('Transfer', { from, to, amount }));
    },
    withdraw(ctx, who, amount, keepAlive) {
      if (amount === 0n) return;
      const acct = getAccount(ctx.state, who);
      checkWithdraw(acct, amount, keepAlive);
      setFree(ctx, who, acct, acct.data.free - amount);
      BalancesStorage.TotalIssuance.set(ctx.state, BalancesStorage.TotalIssuance.get(ctx.state) - amount);
      ctx.deposit(event('Withdraw', { who, amount }));
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
      ctx.deposit(event('Deposit', { who, amount }));
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
      ensure(amount <= acct.data.free, E.InsufficientBalance);
      // Held funds stay in the total a freeze covers (force); the account keeps its ED free (Protect).
      ensure(amount <= reducibleOf(acct, 'Protect', true), E.Expendability, `holding ${amount} would leave less than the existential deposit free`);
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
      ensure(!isDead(dst) || amount >= ed, E.ExistentialDeposit);
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
      ensure(getAccount(ctx.state, who).providers > 0, E.DeadAccount, 'no account to lock funds on');
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

  const transferWeight = 200_000_000n;
  const pallet = definePallet<BalancesGenesis>({
    name: 'Balances',
    index: BALANCES_INDEX,
    crate: 'pallet_balances',
    docs: ['XFG balances: transfers, reserves, existential deposit and issuance.'],
    storage: s.infos(),
    calls: {
      transferAllowDeath: call({
        index: 0,
        args: { dest: MultiAddress, value: compactU128 },
        typeNames: { dest: 'AccountIdLookupOf<T>', value: 'T::Balance' },
        docs: ['Transfer some liquid free balance to another account; the sender may be reaped.'],
        weight: () => transferWeight,
        dispatch: (ctx, origin, { dest, value }) => currency.transfer(ctx, ensureSigned(origin), lookup(dest), value, false),
      }),
      forceTransfer: call({
        index: 2,
        args: { source: MultiAddress, dest: MultiAddress, value: compactU128 },
        typeNames: { source: 'AccountIdLookupOf<T>', dest: 'AccountIdLookupOf<T>', value: 'T::Balance' },
        docs: ['Exactly as `transfer_allow_death`, except the origin must be root and the source account may be specified.'],
        weight: () => transferWeight + 50_000_000n,
        dispatch: (ctx, origin, { source, dest, value }) => {
          ensureRoot(origin);
          currency.transfer(ctx, lookup(source), lookup(dest), value, false);
        },
      }),
      transferKeepAlive: call({
        index: 3,
        args: { dest: MultiAddress, value: compactU128 },
        typeNames: { dest: 'AccountIdLookupOf<T>', value: 'T::Balance' },
        docs: ['Same as `transfer_allow_death`, but refuses to kill the sender account.'],
        weight: () => transferWeight,
        dispatch: (ctx, origin, { dest, value }) => currency.transfer(ctx, ensureSigned(origin), lookup(dest), value, true),
      }),
      transferAll: call({
        index: 4,
        args: { dest: MultiAddress, keepAlive: bool },
        typeNames: { dest: 'AccountIdLookupOf<T>', keepAlive: 'bool' },
        docs: ['Transfer the entire transferable balance from the caller account; with `keep_alive` the existential deposit stays.'],
        weight: () => transferWeight + 20_000_000n,
        dispatch: (ctx, origin, { dest, keepAlive }) => {
          const who = ensureSigned(origin);
          // FRAME: the reducible balance, polite (freezes and locks stand, less what is held), keeping the ED when
          // asked or while anything is held or frozen.
          const amount = reducibleOf(getAccount(ctx.state, who), keepAlive ? 'Preserve' : 'Expendable', false);
          if (amount === 0n) return;
          currency.transfer(ctx, who, lookup(dest), amount, keepAlive);
        },
      }),
      forceSetBalance: call({
        index: 8,
        args: { who: MultiAddress, newFree: compactU128 },
        typeNames: { who: 'AccountIdLookupOf<T>', newFree: 'T::Balance' },
        docs: ['Set the free balance of an account (root only). Issuance follows.'],
        weight: () => 150_000_000n,
        dispatch: (ctx, origin, { who: addr, newFree }) => {
          ensureRoot(origin);
          const who = lookup(addr);
          const acct = getAccount(ctx.state, who);
          const issuance = BalancesStorage.TotalIssuance.get(ctx.state);
          BalancesStorage.TotalIssuance.set(ctx.state, issuance - acct.data.free + (newFree < ed ? 0n : newFree));
          setFree(ctx, who, acct, newFree < ed ? 0n : newFree);
          ctx.deposit(event('BalanceSet', { who, free: newFree < ed ? 0n : newFree }));
        },
      }),
    },
    events: BalancesEvents,
    errors: BalancesErrors,
    constants: [
      { name: 'ExistentialDeposit', codec: u128, value: ed, docs: ['The minimum amount required to keep an account open.'] },
      { name: 'MaxLocks', codec: u32, value: MAX_LOCKS, docs: ['The maximum number of locks that should exist on an account.', 'Not strictly enforced, but used for weight estimation.'] },
      { name: 'MaxReserves', codec: u32, value: MAX_RESERVES, docs: ['The maximum number of named reserves that can exist on an account.'] },
      {
        name: 'MaxFreezes',
        codec: u32,
        // The number of freeze reasons the runtime composed (FRAME's `VariantCountOf<RuntimeFreezeReason>`), read when the metadata is built.
        get value() {
          return freezeReasonCount();
        },
        docs: ['The maximum number of individual freeze locks that can exist on an account at any time.'],
      },
    ],
    hooks: {
      tryState(st) {
        // Issuance identity is checked by the test suite over all accounts; here: issuance is non-negative, and every
        // account's reserved and frozen agree with its holds, reserves, locks and freezes.
        ensureIssuance(st);
        checkHoldsAndFreezes(st);
      },
    },
    genesis(st: StateAccess, g: BalancesGenesis) {
      let total = 0n;
      for (const [who, amount] of g.balances) {
        if (amount < ed) throw new Error(`genesis balance ${amount} below the existential deposit ${ed}`);
        const acct = getAccount(st, who);
        const next = { ...acct, providers: acct.providers === 0 ? 1 : acct.providers, data: { ...acct.data, free: acct.data.free + amount } };
        st.set(keyOfAccount(who), encodeAccount(next));
        total += amount;
      }
      BalancesStorage.TotalIssuance.set(st, BalancesStorage.TotalIssuance.get(st) + total);
    },
  });
  return { pallet, currency };
}

const hex = (b: Uint8Array) => `0x${toHexRaw(b)}`;

/**
 * Throw unless, for every account: `reserved` = Σ holds + Σ named reserves; `frozen` = the largest lock or freeze;
 * no hold, reserve or freeze is zero or repeats its id; holds ≤ the number of hold reasons, freezes ≤ MaxFreezes;
 * the consumer reference is there exactly when something is held or frozen; and no item is stored empty or for a
 * dead account.
 */
export function checkHoldsAndFreezes(st: StateReader): void {
  const S = BalancesStorage;
  const seen = new Set<string>();
  const check = (who: Uint8Array) => {
    const k = hex(who);
    if (seen.has(k)) return;
    seen.add(k);
    const a = getAccount(st, who);
    const [holds, reserves, locks, freezes] = [S.Holds.get(st, who), S.Reserves.get(st, who), S.Locks.get(st, who), S.Freezes.get(st, who)];
    let held = 0n;
    for (const [i, h] of holds.entries()) {
      if (h.amount <= 0n) throw new Error(`Balances: ${k} has an empty hold ${h.id.tag}.${h.id.value.tag}`);
      if (holds.findIndex((o) => sameReason(RuntimeHoldReasonRef, o.id, h.id)) !== i) throw new Error(`Balances: ${k} holds twice under ${h.id.tag}.${h.id.value.tag}`);
      held += h.amount;
    }
    if (holds.length > holdReasonCount()) throw new Error(`Balances: ${k} has ${holds.length} holds, more than the ${holdReasonCount()} hold reasons`);
    for (const [i, r] of reserves.entries()) {
      if (r.amount <= 0n) throw new Error(`Balances: ${k} has an empty named reserve`);
      if (reserves.findIndex((o) => equalBytes(o.id, r.id)) !== i) throw new Error(`Balances: ${k} has a named reserve twice`);
      held += r.amount;
    }
    if (a.data.reserved !== held) throw new Error(`Balances: ${k} has reserved ${a.data.reserved} but holds and named reserves sum to ${held}`);
    let frozen = 0n;
    for (const l of locks) frozen = max(frozen, l.amount);
    for (const f of freezes) {
      if (f.amount <= 0n) throw new Error(`Balances: ${k} has an empty freeze`);
      frozen = max(frozen, f.amount);
    }
    if (freezes.length > freezeReasonCount()) throw new Error(`Balances: ${k} has ${freezes.length} freezes, more than MaxFreezes ${freezeReasonCount()}`);
    if (a.data.frozen !== frozen) throw new Error(`Balances: ${k} has frozen ${a.data.frozen} but its locks and freezes say ${frozen}`);
    if (consumes(a.data) && a.consumers === 0) throw new Error(`Balances: ${k} holds or freezes funds without a consumer reference`);
    if (consumes(a.data) && a.providers === 0) throw new Error(`Balances: ${k} holds or freezes funds on a dead account`);
  };
  for (const [item, name] of [
    [S.Holds, 'Holds'],
    [S.Reserves, 'Reserves'],
    [S.Locks, 'Locks'],
    [S.Freezes, 'Freezes'],
  ] as const) {
    for (const [who, v] of (item as typeof S.Holds).entries(st)) {
      if (v.length === 0) throw new Error(`Balances: ${name} of ${hex(who)} is stored empty`);
      check(who);
    }
  }
  // Accounts holding or freezing funds with no item behind it.
  for (const [who, a] of SystemStorage.Account.entries(st)) if (consumes(a.data)) check(who);
}

function ensureIssuance(st: StateReader): void {
  if (BalancesStorage.TotalIssuance.get(st) < 0n) throw new Error('negative total issuance');
}


const keyOfAccount = (who: Uint8Array) => SystemStorage.Account.keyOf(who);
const encodeAccount = (a: AccountInfoValue) => AccountInfo.encode(a);
