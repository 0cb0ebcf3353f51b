/**
 * Invariants of the Oracle pallet (`tryState`), run after every test and by the replay command.
 */
import { equalBytes, toHexRaw } from '../../primitives/bytes.js';
import type { StateReader } from '../../runtime/state.js';
import { now } from '../timestamp/index.js';
import { checkParamBounds, MAX_FEEDERS } from './math.js';
import { OracleStorage } from './storage.js';
import { GENESIS_FED_AT } from './types.js';

/**
 * Throw unless: the feeder set has at most MAX_FEEDERS distinct accounts; every stored value belongs to a current
 * feeder, has a positive price and a time no later than the block time (or is a genesis value still waiting for the
 * first block); the parameters are within their absolute bounds.
 */
export function checkOracleInvariants(st: StateReader): void {
  const feeders = OracleStorage.Feeders.get(st);
  if (feeders.length > MAX_FEEDERS) throw new Error(`Oracle: ${feeders.length} feeders > MaxFeeders ${MAX_FEEDERS}`);
  feeders.forEach((f, i) => {
    if (feeders.findIndex((g) => equalBytes(f, g)) !== i) throw new Error(`Oracle: feeder 0x${toHexRaw(f)} listed twice`);
  });
  const pending = OracleStorage.GenesisValuesPending.get(st);
  const t = now(st);
  for (const [who, v] of OracleStorage.Values.entries(st, MAX_FEEDERS + 1)) {
    if (!feeders.some((f) => equalBytes(f, who))) throw new Error(`Oracle: value stored for 0x${toHexRaw(who)}, not a feeder`);
    if (v.price <= 0n) throw new Error(`Oracle: non-positive price ${v.price} from 0x${toHexRaw(who)}`);
    const waiting = pending && v.at === GENESIS_FED_AT;
    if (!waiting && v.at > t) throw new Error(`Oracle: value of 0x${toHexRaw(who)} fed at ${v.at}, after the block time ${t}`);
  }
  const refusal = checkParamBounds(OracleStorage.Params.get(st));
  if (refusal) throw new Error(`Oracle: parameter ${refusal.param} out of bounds`);
}
