/**
 * Calls of the System pallet: `remark` and `remark_with_event` (FRAME's call indices).
 */
import { blake2_256 } from '../../primitives/hashing.js';
import { bytes } from '../../primitives/scale/index.js';
import { ensureSigned } from '../../runtime/dispatch.js';
import { call } from '../../runtime/pallet.js';
import { systemEvent } from './events.js';
import { weightOf } from '../../runtime/weights.js';
import { WEIGHTS } from './weights.js';

/** The calls of System. */
export const systemCalls = {
  remark: call({
    index: 0,
    args: { remark: bytes },
    typeNames: { remark: 'Vec<u8>' },
    docs: ['Make some on-chain remark.'],
    weight: ({ remark }) => weightOf(WEIGHTS.calls.remark, remark.length),
    dispatch: (_ctx, origin) => {
      ensureSigned(origin);
    },
  }),
  remarkWithEvent: call({
    index: 7,
    args: { remark: bytes },
    typeNames: { remark: 'Vec<u8>' },
    docs: ['Make some on-chain remark and emit an event.'],
    weight: ({ remark }) => weightOf(WEIGHTS.calls.remarkWithEvent, remark.length),
    dispatch: (ctx, origin, { remark }) => {
      const sender = ensureSigned(origin);
      ctx.deposit(systemEvent('Remarked', { sender, hash: blake2_256(remark) }));
    },
  }),
};
