/**
 * pallet_udst: UDST, the dollar credit unit (ECONOMICS.md §1). Free and reserved balances per account, total
 * issuance, and what is held outside accounts (bank reserves, auction escrow). UDST is created only by `mint`
 * (credit drawn) and destroyed only by `burn` (principal repaid) and `burnHeld` (bad debt written off); everything
 * else moves existing UDST. Other pallets use it through {@link UdstLedger}; people through `transfer`.
 *
 * No existential deposit: any positive amount may sit in an account, and an account holding nothing is removed
 * from storage (see README.md).
 */
import { equalBytes } from '../../primitives/bytes.js';
import { u128, u8 } from '../../primitives/scale/index.js';
import { ensure, type DispatchContext } from '../../runtime/dispatch.js';
import { definePallet, type Pallet } from '../../runtime/pallet.js';
import type { StateAccess, StateReader } from '../../runtime/state.js';
import type { UdstLedger } from './interface.js';
import { UDST_INDEX } from './types.js';
export { UDST_INDEX } from './types.js';
import { udstCalls } from './calls.js';
import { UdstErrors, UE } from './errors.js';
import { addIssuance, buildUdstGenesis, giveFree, load, save } from './genesis.js';
import { udstEvent, UdstEvents } from './events.js';
import { checkUdstInvariants } from './invariants.js';
import { UDST_STORAGE_INFO, UdstStorage } from './storage.js';
import { UDST_DECIMALS, type UdstGenesis } from './types.js';

export { UdstStorage } from './storage.js';
export { UdstErrors } from './errors.js';
export { UdstEvents } from './events.js';
export { UDST, UDST_DECIMALS, UdstAccountData, type UdstAccountDataValue, type UdstGenesis } from './types.js';
export type { UdstLedger } from './interface.js';
export { checkUdstInvariants, udstTotals, type UdstTotals } from './invariants.js';

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

/** Take `amount` from `who`'s free balance (checked). */
function takeFree(st: StateAccess, who: Uint8Array, amount: bigint): void {
  const a = load(st, who);
  ensure(a.free >= amount, UE.InsufficientBalance, `free UDST ${a.free} < ${amount}`);
  save(st, who, { ...a, free: a.free - amount });
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
    calls: udstCalls(ledger),
    events: UdstEvents,
    errors: UdstErrors,
    constants: [
      { name: 'ExistentialDeposit', codec: u128, value: 0n, docs: ['UDST has no existential deposit: any positive amount may be held.'] },
      { name: 'Decimals', codec: u8, value: UDST_DECIMALS, docs: ['Decimals of UDST: one UDST is 10^Decimals base units.'] },
    ],
    hooks: { tryState: checkUdstInvariants },
    genesis: buildUdstGenesis,
  });
  return { pallet, ledger };
}
