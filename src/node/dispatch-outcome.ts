/**
 * What became of an included extrinsic's call, for `dcn_transactionStatus`: success, or the dispatch error with the
 * module error's pallet, name and docs (as the metadata describes them), plus the message the runtime failed with
 * (for example the owed total of `Loans.Overpayment`). The outcome is read from `System.Events` at the block; the
 * message from the dispatch notes the chain stored beside the block when it executed it.
 */
import { str, tuple, u32, vec } from '../primitives/scale/index.js';
import type { DispatchErrorValue } from '../primitives/types.js';
import type { DispatchNote } from '../runtime/runtime.js';
import type { NodeRuntime } from '../runtime/host.js';
import type { StateReader } from '../runtime/state.js';
import { describeDispatchError } from '../runtime/dispatch.js';

/** Longest message kept per failed dispatch (UTF-16 code units); longer ones are cut with an ellipsis. */
export const MAX_DISPATCH_NOTE_CHARS = 1_024;

/** Encoding of a block's dispatch notes: `Vec<(u32 index, String message)>`. */
const DispatchNotesCodec = vec(tuple(u32, str), 1 << 20);

/** The dispatch notes of a block, encoded for the database; `undefined` when none failed. */
export function encodeDispatchNotes(notes: readonly DispatchNote[] | undefined): Uint8Array | undefined {
  if (notes === undefined || notes.length === 0) return undefined;
  return DispatchNotesCodec.encode(
    notes.map((n) => [n.index, n.message.length > MAX_DISPATCH_NOTE_CHARS ? `${n.message.slice(0, MAX_DISPATCH_NOTE_CHARS - 1)}…` : n.message] as [number, string]),
  );
}

/** Decode stored dispatch notes (undefined or undecodable bytes: none). */
export function decodeDispatchNotes(bytes: Uint8Array | undefined): DispatchNote[] {
  if (bytes === undefined) return [];
  try {
    return DispatchNotesCodec.decode(bytes).map(([index, message]) => ({ index, message }));
  } catch {
    return [];
  }
}

/** A module error as the metadata names it. */
export interface ModuleErrorReport {
  pallet: string;
  /** Pallet index (u8). */
  palletIndex: number;
  name: string;
  /** Variant index of the error in the pallet's `Error` enum (u8). */
  errorIndex: number;
  docs: string[];
}

/** The outcome of an included extrinsic's call. */
export type DispatchOutcome =
  | { result: 'success' }
  | {
      result: 'failed';
      /** The `DispatchError` variant (`Module`, `BadOrigin`, `Token`, `Arithmetic`, …). */
      error: string;
      /** The inner variant of `Token`, `Arithmetic` and `Transactional` errors. */
      detail?: string;
      /** For a module error: its pallet, name and docs. */
      module?: ModuleErrorReport;
      /** What the runtime said when the call failed, when the node recorded it (e.g. `Overpayment: 5 offered, 3 owed`). */
      message?: string;
    }
  /** A block whose events do not say (not expected: every applied extrinsic, inherents too, leaves one). */
  | { result: 'unknown' };

/** A module error resolved against the runtime's pallets (the metadata's error types). */
export function describeModuleError(runtime: Pick<NodeRuntime, 'pallets'>, palletIndex: number, errorIndex: number): ModuleErrorReport {
  const pallet = runtime.pallets.find((p) => p.index === palletIndex);
  const info = pallet?.errors?.codec.info();
  const variant = info?.def.kind === 'variant' ? info.def.variants.find((v) => v.index === errorIndex) : undefined;
  return {
    pallet: pallet?.name ?? `#${palletIndex}`,
    palletIndex,
    name: variant?.name ?? `#${errorIndex}`,
    errorIndex,
    docs: variant?.docs ?? [],
  };
}

/** The outcome of every successful call (one shared object). */
const SUCCESS: DispatchOutcome = Object.freeze({ result: 'success' });

/**
 * The outcome of every extrinsic of a block (by index), from the block's state (its events) and its dispatch notes.
 * Decodes the block's events once: callers cache the result per block.
 */
export function blockDispatchOutcomes(runtime: Pick<NodeRuntime, 'pallets' | 'events'>, blockState: StateReader, notes: readonly DispatchNote[]): Map<number, DispatchOutcome> {
  const out = new Map<number, DispatchOutcome>();
  const noteAt = new Map(notes.map((n) => [n.index, n.message]));
  for (const rec of runtime.events(blockState)) {
    if (rec.phase.tag !== 'ApplyExtrinsic' || rec.event.tag !== 'System') continue;
    const index = rec.phase.value;
    const e = rec.event.value;
    if (e.tag === 'ExtrinsicSuccess') {
      out.set(index, SUCCESS);
      continue;
    }
    if (e.tag !== 'ExtrinsicFailed') continue;
    const err = (e.value as { dispatchError: DispatchErrorValue }).dispatchError;
    // A failure raised without a message of its own says no more than the error itself.
    const noted = noteAt.get(index);
    const message = noted === describeDispatchError(err) ? undefined : noted;
    const inner = err.value !== undefined && typeof err.value === 'object' && 'tag' in err.value ? (err.value as { tag: string }).tag : undefined;
    out.set(index, {
      result: 'failed',
      error: err.tag,
      ...(err.tag !== 'Module' && inner !== undefined ? { detail: inner } : {}),
      ...(err.tag === 'Module' ? { module: describeModuleError(runtime, err.value.index, err.value.error[0]) } : {}),
      ...(message !== undefined ? { message } : {}),
    });
  }
  return out;
}
