/**
 * Calls of the Balances pallet (FRAME's call indices): transfers, `force_transfer`, `force_set_balance`.
 */
import { bool, compactU128 } from '../../primitives/scale/index.js';
import { MultiAddress } from '../../primitives/types.js';
import { ensureOrigin, ensureSigned, type DispatchContext, type EnsureOrigin } from '../../runtime/dispatch.js';
import { call } from '../../runtime/pallet.js';
import { getAccount } from '../system/interface.js';
import type { AccountInfoValue } from '../system/types.js';
import { balancesEvent } from './events.js';
import { lookup, type Currency } from './interface.js';
import { BalancesStorage } from './storage.js';
import { weightOf } from '../../runtime/weights.js';
import { WEIGHTS } from './weights.js';

/** What the calls need from the pallet instance. */
export interface BalancesCallDeps {
  ed: bigint;
  currency: Currency;
  setFree(ctx: DispatchContext, who: Uint8Array, acct: AccountInfoValue, free: bigint): void;
  /** Who may make the `force_*` calls (the config's `forceOrigin`). */
  forceOrigin: EnsureOrigin<unknown>;
}

/** The calls of Balances over one currency. */
export function balancesCalls({ ed, currency, setFree, forceOrigin }: BalancesCallDeps) {
  return {
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
      docs: ['Exactly as `transfer_allow_death`, except the origin must be `ForceOrigin` (root) and the source account may be specified.'],
      weight: () => weightOf(WEIGHTS.calls.forceTransfer),
      dispatch: (ctx, origin, { source, dest, value }) => {
        ensureOrigin(forceOrigin, origin, ctx.state);
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
        // FRAME: the reducible balance, polite (freezes and locks stand, less what is held), keeping the ED when
        // asked or while anything is held or frozen.
        const amount = currency.reducible(ctx.state, who, keepAlive ? 'Preserve' : 'Expendable');
        if (amount === 0n) return;
        currency.transfer(ctx, who, lookup(dest), amount, keepAlive);
      },
    }),
    forceSetBalance: call({
      index: 8,
      args: { who: MultiAddress, newFree: compactU128 },
      typeNames: { who: 'AccountIdLookupOf<T>', newFree: 'T::Balance' },
      docs: ['Set the free balance of an account (`ForceOrigin`: root only). Issuance follows.'],
      weight: () => weightOf(WEIGHTS.calls.forceSetBalance),
      dispatch: (ctx, origin, { who: addr, newFree }) => {
        ensureOrigin(forceOrigin, origin, ctx.state);
        const who = lookup(addr);
        const acct = getAccount(ctx.state, who);
        const issuance = BalancesStorage.TotalIssuance.get(ctx.state);
        BalancesStorage.TotalIssuance.set(ctx.state, issuance - acct.data.free + (newFree < ed ? 0n : newFree));
        setFree(ctx, who, acct, newFree < ed ? 0n : newFree);
        ctx.deposit(balancesEvent('BalanceSet', { who, free: newFree < ed ? 0n : newFree }));
      },
    }),
  };
}
