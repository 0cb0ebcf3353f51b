/** `dev_*`: development-chain controls, registered only on a `--dev` node and unsafe (refused externally). */
import { defineMethod, type RpcServer } from '../server.js';
import { tupleParams, u64 } from '../params.js';

/** Most one call may move the clock: 10 years (ms). */
const MAX_ADVANCE_MS = 10n * 365n * 86_400_000n;

/** The dev author's clock. */
export interface DevClock {
  advanceTime(ms: bigint): bigint;
}

/** Register `dev_advanceTime(ms)`: later blocks' timestamps move forward by `ms`; returns the total offset (decimal string). */
export function registerDevMethods(server: RpcServer, clock: DevClock): void {
  server.register(
    defineMethod({
      name: 'dev_advanceTime',
      unsafe: true,
      params: tupleParams(u64.refine((v) => v <= MAX_ADVANCE_MS, { message: `at most ${MAX_ADVANCE_MS} ms per call` })),
      handler: ([ms]) => ({ offsetMs: clock.advanceTime(ms).toString() }),
    }),
  );
}
