/**
 * pallet_udst: UDST, the dollar credit unit (ECONOMICS.md §1). Free and reserved balances per account, total
 * issuance, and what is held outside accounts (bank reserves, auction escrow). UDST is created only by `mint`
 * (credit drawn) and destroyed only by `burn` (principal repaid) and `burnHeld` (bad debt written off); everything
 * else moves existing UDST. Other pallets use it through {@link UdstLedger}; people through `transfer`.
 *
 * No existential deposit: any positive amount may sit in an account, and an account holding nothing is removed
 * from storage (see README.md).
 */
import { U128_MAX, ArithmeticError } from '../../primitives/arith.js';
import { equalBytes } from '../../primitives/bytes.js';
import { compactU128, u128, u8 } from '../../primitives/scale/index.js';
import { MultiAddress } from '../../primitives/types.js';
import { ensure, ensureSigned, type DispatchContext } from '../../runtime/dispatch.js';
import { call, definePallet, type Pallet } from '../../runtime/pallet.js';
import type { StateAccess, StateReader } from '../../runtime/state.js';
import { lookup } from '../balances/index.js';
import { CREDIT_PALLET_INDEX, type UdstLedger } from '../credit/interfaces.js';
import { UdstErrors, UE } from './errors.js';
import { udstEvent, UdstEvents } from './events.js';
import { checkUdstInvariants } from './invariants.js';
import { UDST_STORAGE_INFO, UdstStorage } from './storage.js';
import { UDST_DECIMALS, type UdstAccountDataValue } from './types.js';
import { weightOf } from '../../runtime/weights.js';
import { WEIGHTS } from './weights.js';

export { UdstStorage } from './storage.js';
export { UdstErrors } from './errors.js';
export { UdstEvents } from './events.js';
export { UDST, UDST_DECIMALS, UdstAccountData, type UdstAccountDataValue } from './types.js';
export { checkUdstInvariants, udstTotals, type UdstTotals } from './invariants.js';

/** Pallet index of Udst. */
export const UDST_INDEX = CREDIT_PALLET_INDEX.Udst;

/** Genesis of Udst: initial free balances (for test networks; on a live chain UDST starts at zero). */
export interface UdstGenesis {
  balances?: Array<[account: Uint8Array, amount: bigint]>;
}

/** The UDST ledger as this pallet offers it: {@link UdstLedger} plus reserves and the held total. */
export interface UdstLedgerFull extends UdstLedger {
  reserved(st: StateReader, who: Uint8Array): bigint;
  /** UDST held outside accounts. */
  held(st: StateReader): bigint;
  /** Move `amount` from free to reserved on `who`; fails with InsufficientBalance. */
  reserve(ctx: DispatchContext, who: Uint8Array, amount: bigint): void;
  /** Move exactly `amount` from reserved back to free on `who`; fails with InsufficientReserved. */
  unreserve(ctx: DispatchContext, who: Uint8Array, amount: bigint): void;
}

function requireAmount(amount: bigint): void {
  // Amounts come from SCALE (unsigned) or from other pallets: a negative one is a bug, not a user error.
  if (amount < 0n) throw new RangeError(`UDST amount must be non-negative, got ${amount}`);
}

function load(st: StateReader, who: Uint8Array): UdstAccountDataValue {
  return UdstStorage.Accounts.get(st, who);
}

function save(st: StateAccess, who: Uint8Array, a: UdstAccountDataValue): void {
  // No existential deposit: only an account holding nothing at all leaves storage.
  if (a.free === 0n && a.reserved === 0n) UdstStorage.Accounts.remove(st, who);
  else UdstStorage.Accounts.set(st, who, a);
}

function addIssuance(st: StateAccess, amount: bigint): void {
  const next = UdstStorage.TotalIssuance.get(st) + amount;
  // Every balance is bounded by the issuance, so checking the issuance bounds every account too.
  if (next > U128_MAX) throw new ArithmeticError('Overflow', 'UDST total issuance would exceed u128');
  UdstStorage.TotalIssuance.set(st, next);
}

/** Take `amount` from `who`'s free balance (checked). */
function takeFree(st: StateAccess, who: Uint8Array, amount: bigint): void {
  const a = load(st, who);
  ensure(a.free >= amount, UE.InsufficientBalance, `free UDST ${a.free} < ${amount}`);
  save(st, who, { ...a, free: a.free - amount });
}

/** Add `amount` to `who`'s free balance. */
function giveFree(st: StateAccess, who: Uint8Array, amount: bigint): void {
  const a = load(st, who);
  save(st, who, { ...a, free: a.free + amount });
}

/**
 * Create UDST at genesis held outside accounts (a bank's initial reserves, written by that pallet's genesis):
 * `Held` and `TotalIssuance` both grow by `amount`.
 */
export function holdAtGenesis(st: StateAccess, amount: bigint): void {
  requireAmount(amount);
  UdstStorage.Held.set(st, UdstStorage.Held.get(st) + amount);
  addIssuance(st, amount);
}

/** Build the Udst pallet and its ledger. */
export function createUdst(): { pallet: Pallet<UdstGenesis>; ledger: UdstLedgerFull } {
  const ledger: UdstLedgerFull = {
    free: (st, who) => load(st, who).free,
    reserved: (st, who) => load(st, who).reserved,
    totalIssuance: (st) => UdstStorage.TotalIssuance.get(st),
    held: (st) => UdstStorage.Held.get(st),
    mint(ctx, who, amount) {
      requireAmount(amount);
      if (amount === 0n) return;
      addIssuance(ctx.state, amount);
      giveFree(ctx.state, who, amount);
      ctx.deposit(udstEvent('Minted', { who, amount }));
    },
    burn(ctx, who, amount) {
      requireAmount(amount);
      if (amount === 0n) return;
      takeFree(ctx.state, who, amount);
      UdstStorage.TotalIssuance.set(ctx.state, UdstStorage.TotalIssuance.get(ctx.state) - amount);
      ctx.deposit(udstEvent('Burned', { who, amount }));
    },
    transfer(ctx, from, to, amount) {
      requireAmount(amount);
      if (amount === 0n) return;
      takeFree(ctx.state, from, amount);
      giveFree(ctx.state, to, amount);
      // A transfer to oneself is checked (the sender must hold the amount) but moves nothing and says nothing.
      if (!equalBytes(from, to)) ctx.deposit(udstEvent('Transferred', { from, to, amount }));
    },
    debit(ctx, who, amount) {
      requireAmount(amount);
      if (amount === 0n) return;
      takeFree(ctx.state, who, amount);
      UdstStorage.Held.set(ctx.state, UdstStorage.Held.get(ctx.state) + amount);
      ctx.deposit(udstEvent('Debited', { who, amount }));
    },
    credit(ctx, who, amount) {
      requireAmount(amount);
      if (amount === 0n) return;
      const held = UdstStorage.Held.get(ctx.state);
      ensure(held >= amount, UE.InsufficientHeld, `held UDST ${held} < ${amount}`);
      UdstStorage.Held.set(ctx.state, held - amount);
      giveFree(ctx.state, who, amount);
      ctx.deposit(udstEvent('Credited', { who, amount }));
    },
    burnHeld(ctx, amount) {
      requireAmount(amount);
      if (amount === 0n) return;
      const held = UdstStorage.Held.get(ctx.state);
      ensure(held >= amount, UE.InsufficientHeld, `held UDST ${held} < ${amount}`);
      UdstStorage.Held.set(ctx.state, held - amount);
      UdstStorage.TotalIssuance.set(ctx.state, UdstStorage.TotalIssuance.get(ctx.state) - amount);
      ctx.deposit(udstEvent('HeldBurned', { amount }));
    },
    reserve(ctx, who, amount) {
      requireAmount(amount);
      if (amount === 0n) return;
      const a = load(ctx.state, who);
      ensure(a.free >= amount, UE.InsufficientBalance, `free UDST ${a.free} < ${amount}`);
      save(ctx.state, who, { free: a.free - amount, reserved: a.reserved + amount });
      ctx.deposit(udstEvent('Reserved', { who, amount }));
    },
    unreserve(ctx, who, amount) {
      requireAmount(amount);
      if (amount === 0n) return;
      const a = load(ctx.state, who);
      ensure(a.reserved >= amount, UE.InsufficientReserved, `reserved UDST ${a.reserved} < ${amount}`);
      save(ctx.state, who, { free: a.free + amount, reserved: a.reserved - amount });
      ctx.deposit(udstEvent('Unreserved', { who, amount }));
    },
  };

  const pallet = definePallet<UdstGenesis>({
    name: 'Udst',
    index: UDST_INDEX,
    crate: 'pallet_udst',
    docs: ['UDST, the dollar credit unit: balances, transfers, issuance created by credit and destroyed by repayment.'],
    storage: UDST_STORAGE_INFO,
    calls: {
      transfer: call({
        index: 0,
        args: { dest: MultiAddress, amount: compactU128 },
        typeNames: { dest: 'AccountIdLookupOf<T>', amount: 'Balance' },
        docs: ['Move `amount` free UDST from the caller to `dest`. Event: Transferred. Error: InsufficientBalance.'],
        // Two account reads and writes, like a balances transfer.
        weight: () => weightOf(WEIGHTS.calls.transfer),
        dispatch: (ctx, origin, { dest, amount }) => ledger.transfer(ctx, ensureSigned(origin), lookup(dest), amount),
      }),
    },
    events: UdstEvents,
    errors: UdstErrors,
    constants: [
      { name: 'ExistentialDeposit', codec: u128, value: 0n, docs: ['UDST has no existential deposit: any positive amount may be held.'] },
      { name: 'Decimals', codec: u8, value: UDST_DECIMALS, docs: ['Decimals of UDST: one UDST is 10^Decimals base units.'] },
    ],
    hooks: { tryState: checkUdstInvariants },
    genesis(st, g) {
      let total = 0n;
      for (const [who, amount] of g.balances ?? []) {
        if (amount <= 0n) throw new Error(`Udst genesis: balance ${amount} must be positive`);
        giveFree(st, who, amount);
        total += amount;
      }
      addIssuance(st, total);
    },
  });
  return { pallet, ledger };
}
