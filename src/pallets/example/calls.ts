/**
 * Calls of the Example pallet.
 */
import { u32 } from '../../primitives/scale/index.js';
import { ensure, ensureSigned } from '../../runtime/dispatch.js';
import { call } from '../../runtime/pallet.js';
import { EE } from './errors.js';
import { exampleEvent } from './events.js';
import { tallyOf } from './interface.js';
import { checkedAddU32 } from './math.js';
import { ExampleStorage } from './storage.js';
import { MAX_INCREMENT } from './types.js';

/** The calls of Example. */
export const exampleCalls = {
  increment: call({
    index: 0,
    args: { by: u32 },
    typeNames: { by: 'u32' },
    docs: ['Add `by` (1 ‥ MaxIncrement) to the caller\'s tally. Event: Incremented. Errors: ZeroIncrement, IncrementTooLarge, Overflow.'],
    weight: () => 50_000_000n,
    dispatch: (ctx, origin, { by }) => {
      const who = ensureSigned(origin);
      ensure(by > 0, EE.ZeroIncrement);
      ensure(by <= MAX_INCREMENT, EE.IncrementTooLarge, `increment ${by} > ${MAX_INCREMENT}`);
      const total = checkedAddU32(ExampleStorage.Total.get(ctx.state), by);
      ensure(total !== undefined, EE.Overflow);
      // The tally is at most the total, so it cannot overflow once the total did not.
      const tally = tallyOf(ctx.state, who) + by;
      ExampleStorage.Total.set(ctx.state, total);
      ExampleStorage.Tallies.set(ctx.state, who, tally);
      ctx.deposit(exampleEvent('Incremented', { who, by, tally }));
    },
  }),
};
