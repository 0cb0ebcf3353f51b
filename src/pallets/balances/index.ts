/**
 * pallet_balances for XFG, the native token: free, reserved and frozen balances kept in `System.Account`, the
 * existential deposit, transfers, holds (by `RuntimeHoldReason`), locks and total issuance. Other pallets use
 * {@link Currency}.
 */
import { u128, u32 } from '../../primitives/scale/index.js';
import { definePallet } from '../../runtime/pallet.js';
import { balancesCalls } from './calls.js';
import { BalancesErrors } from './errors.js';
import { BalancesEvents } from './events.js';
import { buildBalancesGenesis } from './genesis.js';
import { createCurrency } from './interface.js';
import { checkBalancesInvariants, checkHoldsAndFreezes } from './invariants.js';
import { BALANCES_STORAGE_INFO, MAX_LOCKS, MAX_RESERVES } from './storage.js';
import { BALANCES_INDEX, freezeReasonCount, type BalancesConfig, type BalancesGenesis } from './types.js';

export { BALANCES_INDEX, type BalancesConfig, type BalancesGenesis } from './types.js';
export { bindRuntimeReasons, type BalanceLockValue, type Freeze, type Hold, type RuntimeReason } from './types.js';
export { BalancesStorage, MAX_LOCKS, MAX_RESERVES } from './storage.js';
export { BalancesErrors } from './errors.js';
export { BalancesEvents } from './events.js';
export { lookup, type Currency, type HoldDestination, type Preservation } from './interface.js';
export { checkBalancesInvariants, checkHoldsAndFreezes } from './invariants.js';

/** Build Balances with its parameters. */
export function createBalances(config: BalancesConfig) {
  const ed = config.existentialDeposit;
  const { currency, setFree } = createCurrency(ed);
  const pallet = definePallet<BalancesGenesis>({
    name: 'Balances',
    index: BALANCES_INDEX,
    crate: 'pallet_balances',
    docs: ['XFG balances: transfers, holds, locks, existential deposit and issuance.'],
    storage: BALANCES_STORAGE_INFO,
    calls: balancesCalls({ ed, currency, setFree, forceOrigin: config.forceOrigin }),
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
        checkBalancesInvariants(st, ed);
        // Every account's reserved and frozen agree with its holds, reserves, locks and freezes.
        checkHoldsAndFreezes(st);
      },
    },
    genesis: (st, g) => buildBalancesGenesis(st, g, ed),
  });
  return { pallet, currency };
}
