/**
 * Hooks of the Timestamp pallet: every block must have set the time exactly once.
 */
import { fail, type DispatchContext } from '../../runtime/dispatch.js';
import { TimestampStorage } from './storage.js';

/** `on_finalize`: fail the block unless `set` ran in it; clears the transient flag. */
export function timestampOnFinalize(ctx: DispatchContext): void {
  if (!TimestampStorage.DidUpdate.take(ctx.state)) fail({ tag: 'Other' }, 'Timestamp must be updated once in the block');
}
