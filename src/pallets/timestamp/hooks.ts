/**
 * Hooks of the Timestamp pallet: every block must have set the time exactly once.
 */
import { fail, type DispatchContext } from '../../runtime/dispatch.js';
import { weightOf } from '../../runtime/weights.js';
import { TimestampStorage } from './storage.js';
import { WEIGHTS } from './weights.js';

/** `on_initialize`: no work; declares this block's `on_finalize` weight (measured), as FRAME's on_initialize does. */
export function timestampOnInitialize(): bigint {
  return weightOf(WEIGHTS.hooks.onFinalize);
}

/** `on_finalize`: fail the block unless `set` ran in it; clears the transient flag. */
export function timestampOnFinalize(ctx: DispatchContext): void {
  if (!TimestampStorage.DidUpdate.take(ctx.state)) fail({ tag: 'Other' }, 'Timestamp must be updated once in the block');
}
