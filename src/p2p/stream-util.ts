/**
 * Small helpers around libp2p 3 streams that never throw and never leave a promise rejection unhandled: a closed
 * stream makes `send()` throw and `onDrain()`/`close()` reject, sometimes with a non-`Error` value
 * (`reference/performance-limits.md`, pitfalls).
 */
import type { Stream } from '@libp2p/interface';

/** Outcome of {@link trySend}: written (`sent`), written but the stream wants a drain first (`full`), or lost (`closed`). */
export type SendOutcome = 'sent' | 'full' | 'closed';

/** `stream.send(data)` that reports a closed stream instead of throwing. */
export function trySend(stream: Stream, data: Uint8Array): SendOutcome {
  if (stream.writeStatus !== 'writable') return 'closed';
  try {
    return stream.send(data) ? 'sent' : 'full';
  } catch {
    return 'closed';
  }
}

/** Resolves `true` when `stream` can take more data, `false` when it closed first; never rejects. */
export async function waitForDrain(stream: Stream): Promise<boolean> {
  try {
    await stream.onDrain();
    return stream.writeStatus === 'writable';
  } catch {
    return false;
  }
}

/** Abort `stream` with `reason`, ignoring a stream that is already gone. */
export function abortQuietly(stream: Stream, reason: Error): void {
  try {
    stream.abort(reason);
  } catch {
    // Already closed or reset: nothing to release.
  }
}

/** Close `stream` gracefully in the background, aborting it if the graceful close fails; never rejects. */
export function closeQuietly(stream: Stream): void {
  stream.close().catch((err: unknown) => abortQuietly(stream, err instanceof Error ? err : new Error(String(err))));
}

/** The bytes of a stream `message` event (libp2p hands either a `Uint8Array` or a `Uint8ArrayList`). */
export function messageBytes(data: { subarray(): Uint8Array }): Uint8Array {
  return data.subarray();
}

/**
 * Exponential backoff with jitter: `min · 2^attempt`, capped at `max`, then scaled by a random factor in [0.5, 1)
 * so peers that lost each other at the same moment do not redial in lockstep. `attempt` is 0 ..= any (capped at 30).
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number): number {
  const exp = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.max(minMs / 2, exp * (0.5 + Math.random() / 2));
}

/** Text form of an unknown thrown value, for logs and error responses. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
