/**
 * pallet-sudo: one account (the key, set in genesis) dispatches calls as Root. It is how an operator of a
 * permissioned chain makes privileged calls (bank creation, parameters, feeders, scheduling) until governance is
 * wired as their origin. A chain spec without a key has no sudo at all. Calls, events, errors and storage are FRAME's
 * (names, indices and types), so @polkadot/api and wallets use them as on any Substrate chain. See README.md.
 */
import { Weight } from '../../primitives/types.js';
import { MultiAddress } from '../../primitives/types.js';
import type { OuterTypes, RuntimeCallValue } from '../../runtime/dispatch.js';
import { call, definePallet, type Pallet } from '../../runtime/pallet.js';
import { weightOf } from '../../runtime/weights.js';
import { lookup } from '../balances/interface.js';
import { sudoOperations as ops } from './calls.js';
import { SudoErrors } from './errors.js';
import { SudoEvents } from './events.js';
import { buildSudoGenesis } from './genesis.js';
import { checkSudoInvariants } from './invariants.js';
import { SUDO_STORAGE_INFO } from './storage.js';
import { WEIGHTS } from './weights.js';
import { SUDO_INDEX, type SudoGenesis } from './types.js';

export { SUDO_INDEX, type SudoGenesis } from './types.js';
export { SudoStorage } from './storage.js';
export { ensureSudo } from './calls.js';

/** What Sudo needs from the chain: the runtime's outer types (its calls take a `RuntimeCall`). */
export interface SudoConfig {
  outer: OuterTypes;
}

/** Build the Sudo pallet. */
export function createSudo(cfg: SudoConfig): Pallet<SudoGenesis> {
  const RuntimeCall = cfg.outer.call;
  const encode = (c: RuntimeCallValue) => RuntimeCall.encode(c);
  const inner = (c: RuntimeCallValue) => cfg.outer.callInfo(c).weight;
  const callType = 'Box<<T as Config>::RuntimeCall>';
  return definePallet<SudoGenesis>({
    name: 'Sudo',
    index: SUDO_INDEX,
    crate: 'pallet_sudo',
    docs: ['A single account (the sudo key) may dispatch calls as Root.'],
    storage: SUDO_STORAGE_INFO,
    calls: {
      sudo: call({
        index: 0,
        args: { call: RuntimeCall },
        typeNames: { call: callType },
        docs: ['Authenticates the sudo key and dispatches a function call with `Root` origin.', 'Errors: RequireSudo. Event: Sudid (with the call\'s own result).'],
        weight: (a) => weightOf(WEIGHTS.calls.sudo) + inner(a.call),
        dispatch: (ctx, origin, a) => ops.sudo(ctx, origin, encode(a.call)),
      }),
      sudoUncheckedWeight: call({
        index: 1,
        args: { call: RuntimeCall, weight: Weight },
        typeNames: { call: callType, weight: 'Weight' },
        docs: ['Authenticates the sudo key and dispatches a function call with `Root` origin, declaring the weight `weight` instead of the call\'s (the wrapper\'s own measured weight is added).', 'Errors: RequireSudo. Event: Sudid.'],
        weight: (a) => weightOf(WEIGHTS.calls.sudoUncheckedWeight) + a.weight.refTime,
        dispatch: (ctx, origin, a) => ops.sudo(ctx, origin, encode(a.call)),
      }),
      setKey: call({
        index: 2,
        args: { new: MultiAddress },
        typeNames: { new: 'AccountIdLookupOf<T>' },
        docs: ['Authenticates the current sudo key (or Root) and sets the given account as the new sudo key.', 'Errors: RequireSudo. Event: KeyChanged.'],
        weight: () => weightOf(WEIGHTS.calls.setKey),
        dispatch: (ctx, origin, a) => ops.setKey(ctx, origin, lookup(a.new)),
      }),
      sudoAs: call({
        index: 3,
        args: { who: MultiAddress, call: RuntimeCall },
        typeNames: { who: 'AccountIdLookupOf<T>', call: callType },
        docs: ['Authenticates the sudo key and dispatches a function call with `Signed` origin from the given account.', 'Errors: RequireSudo. Event: SudoAsDone.'],
        weight: (a) => weightOf(WEIGHTS.calls.sudoAs) + inner(a.call),
        dispatch: (ctx, origin, a) => ops.sudoAs(ctx, origin, lookup(a.who), encode(a.call)),
      }),
      removeKey: call({
        index: 4,
        args: {},
        docs: ['Permanently removes the sudo key: no call can be made through Sudo afterwards.', 'Errors: RequireSudo. Event: KeyRemoved.'],
        weight: () => weightOf(WEIGHTS.calls.removeKey),
        dispatch: (ctx, origin) => ops.removeKey(ctx, origin),
      }),
    },
    events: SudoEvents,
    errors: SudoErrors,
    constants: [],
    hooks: { tryState: checkSudoInvariants },
    genesis: buildSudoGenesis,
  });
}
