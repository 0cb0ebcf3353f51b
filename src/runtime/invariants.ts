/**
 * Invariants (FRAME's `try_state`): every pallet's `hooks.tryState` and the concrete chain's cross-pallet identities,
 * checked on a state between blocks. Generic: the chain hands its identities in as {@link ChainInvariant}s, so the
 * framework names no pallet. Tests run them after every block; `replay --check-invariants` runs them on the replayed
 * state. They read every item they check, so they are never run inside a block.
 */
import type { Pallet } from './pallet.js';
import { Overlay, type StateReader } from './state.js';

/** A cross-pallet identity of a concrete chain: `check` throws with the numbers when it is broken. */
export interface ChainInvariant {
  /** Short name of the identity, e.g. `XFG issuance` (shown in reports). */
  name: string;
  /** What holds, in words, e.g. `TotalIssuance = Σ (free + reserved) over System.Account`. */
  identity: string;
  check(state: StateReader): void;
}

/** One broken invariant: which check (a pallet's `tryState` or a chain identity) and its message (with the numbers). */
export interface InvariantFailure {
  /** `Pallet.tryState` for a pallet's own invariants, or the identity's name. */
  check: string;
  message: string;
}

/** Thrown by `Runtime.tryState`: every invariant broken in the state, in check order. */
export class InvariantError extends Error {
  constructor(
    readonly failures: InvariantFailure[],
    where?: string,
  ) {
    super(`${where === undefined ? '' : `${where}: `}${failures.length} invariant${failures.length === 1 ? '' : 's'} broken: ${failures.map((f) => `[${f.check}] ${f.message}`).join('; ')}`);
    this.name = 'InvariantError';
  }
}

/**
 * Run every pallet's `tryState` (in pallet index order) and then every chain identity on `state`; collect what
 * breaks instead of stopping at the first (a non-Error throw is reported by its string form).
 */
export function collectInvariantFailures(pallets: readonly Pallet[], chain: readonly ChainInvariant[], state: StateReader): InvariantFailure[] {
  const failures: InvariantFailure[] = [];
  const run = (check: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      failures.push({ check, message: e instanceof Error ? e.message : String(e) });
    }
  };
  for (const p of pallets) {
    const t = p.hooks.tryState;
    // tryState reads only; the overlay gives it the StateAccess type without letting a write reach `state`.
    if (t) run(`${p.name}.tryState`, () => t(new Overlay(state)));
  }
  for (const c of chain) run(c.name, () => c.check(state));
  return failures;
}
