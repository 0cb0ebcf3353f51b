/**
 * pallet_balances for XFG, the native token: free, reserved and frozen balances kept in `System.Account`, the
 * existential deposit, transfers, reserves and total issuance. Other pallets use {@link Currency}.
 */
import { equalBytes } from '../../primitives/bytes.js';
import { bool, compactU128, enumeration, fields, u128, u32 } from '../../primitives/scale/index.js';
import { AccountId32, MultiAddress, type MultiAddressValue } from '../../primitives/types.js';
import { ensure, ensureRoot, ensureSigned, fail, type DispatchContext } from '../../runtime/dispatch.js';
import { call, defineErrors, definePallet, eventFactory } from '../../runtime/pallet.js';
import type { StateAccess, StateReader } from '../../runtime/state.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { getAccount, putAccount, SystemStorage } from '../system/index.js';
import { AccountInfo, type AccountInfoValue } from '../system/types.js';
import { weightOf } from '../../runtime/weights.js';
import { WEIGHTS } from './weights.js';

/** Pallet index of Balances. */
export const BALANCES_INDEX = 2;

const s = new StorageBuilder('Balances');
/** Storage items of Balances. */
export const BalancesStorage = {
  /** Total XFG in existence. */
  TotalIssuance: s.value('TotalIssuance', u128, { default: 0n, docs: ['The total units issued in the system.'] }),
  /** Issuance that is deactivated (kept for FRAME compatibility; always zero here). */
  InactiveIssuance: s.value('InactiveIssuance', u128, { default: 0n, docs: ['The total units of outstanding deactivated balance in the system.'] }),
};

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
  },
  {
    indices: { Endowed: 0, DustLost: 1, Transfer: 2, BalanceSet: 3, Reserved: 4, Unreserved: 5, Deposit: 7, Withdraw: 8, Slashed: 9 },
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

/** Build Balances with its parameters. */
export function createBalances(config: BalancesConfig) {
  const ed = config.existentialDeposit;

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
        ctx.deposit(event('DustLost', { account: who, amount: free }));
      }
      next.data = { ...next.data, free: 0n };
      if (!wasDead) next.providers = acct.providers - 1;
      putAccount(ctx, who, next.providers === 0 ? { ...next, nonce: 0, data: { free: 0n, reserved: 0n, frozen: 0n, flags: 0n } } : next);
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

  /** Check that `amount` may leave `who`'s free balance. */
  function checkWithdraw(acct: AccountInfoValue, amount: bigint, keepAlive: boolean): void {
    const { free, reserved, frozen } = acct.data;
    ensure(amount <= free, E.InsufficientBalance);
    const after = free - amount;
    ensure(after >= frozen, E.LiquidityRestrictions);
    if (after < ed) {
      // Dropping below the existential deposit kills the account: refused when keep-alive or while reserves exist.
      ensure(!keepAlive && reserved === 0n, E.Expendability);
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
    reserve(ctx, who, amount) {
      if (amount === 0n) return;
      const acct = getAccount(ctx.state, who);
      ensure(amount <= acct.data.free, E.InsufficientBalance);
      ensure(acct.data.free - amount >= acct.data.frozen, E.LiquidityRestrictions);
      putAccount(ctx, who, { ...acct, data: { ...acct.data, free: acct.data.free - amount, reserved: acct.data.reserved + amount } });
      ctx.deposit(event('Reserved', { who, amount }));
    },
    unreserve(ctx, who, amount) {
      const acct = getAccount(ctx.state, who);
      const moved = amount < acct.data.reserved ? amount : acct.data.reserved;
      if (moved === 0n) return 0n;
      // Through setFree: an account kept alive only by its reserve is reaped (dust burnt) once the reserve is gone.
      setFree(ctx, who, { ...acct, data: { ...acct.data, reserved: acct.data.reserved - moved } }, acct.data.free + moved);
      ctx.deposit(event('Unreserved', { who, amount: moved }));
      return moved;
    },
  };

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
        weight: () => weightOf(WEIGHTS.calls.transferAllowDeath),
        dispatch: (ctx, origin, { dest, value }) => currency.transfer(ctx, ensureSigned(origin), lookup(dest), value, false),
      }),
      forceTransfer: call({
        index: 2,
        args: { source: MultiAddress, dest: MultiAddress, value: compactU128 },
        typeNames: { source: 'AccountIdLookupOf<T>', dest: 'AccountIdLookupOf<T>', value: 'T::Balance' },
        docs: ['Exactly as `transfer_allow_death`, except the origin must be root and the source account may be specified.'],
        weight: () => weightOf(WEIGHTS.calls.forceTransfer),
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
        weight: () => weightOf(WEIGHTS.calls.transferKeepAlive),
        dispatch: (ctx, origin, { dest, value }) => currency.transfer(ctx, ensureSigned(origin), lookup(dest), value, true),
      }),
      transferAll: call({
        index: 4,
        args: { dest: MultiAddress, keepAlive: bool },
        typeNames: { dest: 'AccountIdLookupOf<T>', keepAlive: 'bool' },
        docs: ['Transfer the entire transferable balance from the caller account; with `keep_alive` the existential deposit stays.'],
        weight: () => weightOf(WEIGHTS.calls.transferAll),
        dispatch: (ctx, origin, { dest, keepAlive }) => {
          const who = ensureSigned(origin);
          const acct = getAccount(ctx.state, who);
          let amount = acct.data.free - acct.data.frozen;
          if (keepAlive || acct.data.reserved > 0n) amount -= ed;
          if (amount <= 0n) return;
          currency.transfer(ctx, who, lookup(dest), amount, keepAlive);
        },
      }),
      forceSetBalance: call({
        index: 8,
        args: { who: MultiAddress, newFree: compactU128 },
        typeNames: { who: 'AccountIdLookupOf<T>', newFree: 'T::Balance' },
        docs: ['Set the free balance of an account (root only). Issuance follows.'],
        weight: () => weightOf(WEIGHTS.calls.forceSetBalance),
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
      { name: 'MaxLocks', codec: u32, value: 0, docs: ['The maximum number of locks that should exist on an account (no locks on this chain).'] },
      { name: 'MaxReserves', codec: u32, value: 0, docs: ['The maximum number of named reserves that can exist on an account (no named reserves on this chain).'] },
      { name: 'MaxFreezes', codec: u32, value: 0, docs: ['The maximum number of individual freeze locks that can exist on an account at any time.'] },
    ],
    hooks: {
      tryState(st) {
        // Issuance identity is checked by the test suite over all accounts; here the cheap part: issuance is non-negative.
        ensureIssuance(st);
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

function ensureIssuance(st: StateReader): void {
  if (BalancesStorage.TotalIssuance.get(st) < 0n) throw new Error('negative total issuance');
}


const keyOfAccount = (who: Uint8Array) => SystemStorage.Account.keyOf(who);
const encodeAccount = (a: AccountInfoValue) => AccountInfo.encode(a);
