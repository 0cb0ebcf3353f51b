/**
 * What every runtime API method shares: the error for a call that cannot run, and decoding of its SCALE input.
 * Pure; kept apart from `apis.ts` so pallets' own API modules can use it without an import cycle.
 */
import { ScaleReader } from '../primitives/scale/io.js';
import type { AnyCodec } from '../primitives/scale/index.js';

/** Raised when a runtime API call cannot run (unknown method, undecodable input); RPC answers it with 4003. */
export class RuntimeApiError extends Error {}

/** Decode exactly the inputs `codecs` from `input`; anything else is a {@link RuntimeApiError} naming `what`. */
export function decodeApiInput(input: Uint8Array, codecs: readonly AnyCodec[], what: string): unknown[] {
  const r = new ScaleReader(input);
  try {
    const out = codecs.map((c) => c.decodeFrom(r));
    r.assertDone(what);
    return out;
  } catch (e) {
    throw new RuntimeApiError(`${what}: could not decode the input: ${(e as Error).message}`);
  }
}
