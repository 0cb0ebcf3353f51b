/**
 * Calls of the Udst pallet: `transfer`, through the ledger.
 */
import { compactU128 } from '../../primitives/scale/index.js';
import { MultiAddress } from '../../primitives/types.js';
import { ensureSigned } from '../../runtime/dispatch.js';
import { call } from '../../runtime/pallet.js';
import { lookup } from '../balances/index.js';
import type { UdstLedger } from './interface.js';
import { weightOf } from '../../runtime/weights.js';
import { WEIGHTS } from './weights.js';

/** The calls of Udst over its ledger. */
export function udstCalls(ledger: Pick<UdstLedger, 'transfer'>) {
  return {
    transfer: call({
      index: 0,
      args: { dest: MultiAddress, amount: compactU128 },
      typeNames: { dest: 'AccountIdLookupOf<T>', amount: 'Balance' },
      docs: ['Move `amount` free UDST from the caller to `dest`. Event: Transferred. Error: InsufficientBalance.'],
      // Two account reads and writes, like a balances transfer.
      weight: () => weightOf(WEIGHTS.calls.transfer),
      dispatch: (ctx, origin, { dest, amount }) => ledger.transfer(ctx, ensureSigned(origin), lookup(dest), amount),
    }),
  };
}
