/**
 * Timing of the weights benchmark's scenarios: one call dispatched in a block opened on the worst-case state
 * (plus what its storage changes add to sealing the block), or a hook. Also used untimed by the weights test,
 * which runs every scenario once and checks that the call succeeds. Nanoseconds of wall time.
 */
import { equalBytes, fromHex, toHexRaw } from '../../src/primitives/bytes.js';
import { STATE_VERSION, type BlockExecution } from '../../src/runtime/runtime.js';
import type { StateChange } from '../../src/runtime/state.js';
import type { CallScenario, HookScenario, Measured, World } from './weights-scenarios.js';

/** Wall time in ns. */
export const now = (): bigint => process.hrtime.bigint();

/** The timed parts of one repetition of a call (ns). */
export interface CallSample {
  /** The dispatch alone. */
  dispatch: bigint;
  /** Applying the call's storage changes to the trie (on top of the block's changes before it), as sealing does. */
  commit: bigint;
}

/** The state changes of an open block so far, by hex key. */
function changesOf(exec: BlockExecution): Map<string, Uint8Array | null> {
  return new Map(exec.state.changes().map(([k, v]) => [toHexRaw(k), v]));
}

/**
 * One repetition of a call scenario: open a block on the committed state, run the scenario's untimed `prepare`,
 * time the dispatch, then time what the call's own storage changes cost the trie: the block's changes before the
 * call are applied first (untimed), then only the keys the call changed (timed). The block is discarded.
 */
export function sampleCall(w: World, s: CallScenario, m: Measured): CallSample {
  const exec = w.chain.open({ timestamp: m.timestamp });
  m.prepare?.(exec);
  const c = w.runtime.decodeCall(w.runtime.encodeCall(s.pallet, s.call, m.args));
  const before = changesOf(exec);
  const t0 = now();
  w.chain.dispatchResolved(exec, m.origin, c, `${s.pallet}.${s.call}`);
  const dispatch = now() - t0;
  const delta: StateChange[] = [];
  for (const [k, v] of changesOf(exec)) {
    const old = before.get(k);
    if (old === undefined || (old === null) !== (v === null) || (old !== null && v !== null && !equalBytes(old, v))) delta.push([fromHex(k), v]);
  }
  const base = w.chain.trie.update([...before].map(([k, v]) => [fromHex(k), v] as StateChange), STATE_VERSION);
  // The intermediate trie's nodes must be readable while the call's changes go on top; removed afterwards.
  const added: string[] = [];
  for (const [h, n] of base.newNodes) {
    const k = toHexRaw(h);
    if (!w.chain.nodes.has(k)) {
      w.chain.nodes.set(k, n);
      added.push(k);
    }
  }
  const t1 = now();
  base.trie.update(delta, STATE_VERSION);
  const commit = now() - t1;
  for (const k of added) w.chain.nodes.delete(k);
  return { dispatch, commit };
}

/** Run a call scenario's operation once (untimed) and seal the block: throws when the call fails. */
export function exerciseCall(w: World, s: CallScenario, m: Measured): BlockExecution {
  const exec = w.chain.open({ timestamp: m.timestamp });
  m.prepare?.(exec);
  w.chain.dispatch(exec, m.origin, s.pallet, s.call, m.args);
  w.chain.seal(exec);
  return exec;
}

/** One repetition of a hook scenario at `n` items (ns): `initialize` after staging, or the hook alone. */
export function sampleHook(w: World, s: HookScenario, n: number): bigint {
  if (s.before) {
    const exec = w.chain.open({ before: s.before(w, n), initialize: false });
      const t0 = now();
    exec.initialize();
    return now() - t0;
  }
  const exec = w.chain.open();
  s.stage?.(w, n)(exec);
  const t0 = now();
  s.run!(w, exec);
  return now() - t0;
}

/** Median of samples (the lower middle for an even count). */
export function median(xs: readonly bigint[]): bigint {
  const s = [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return s[(s.length - 1) >> 1];
}

/** Largest sample. */
export function maxOf(xs: readonly bigint[]): bigint {
  return xs.reduce((m, x) => (x > m ? x : m), xs[0]);
}
