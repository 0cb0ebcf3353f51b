/**
 * What the Sudo pallet does: the key's holder dispatches calls as Root (or as another signed account), hands the key
 * on, or removes it for good.
 */
import { equalBytes } from '../../primitives/bytes.js';
import type { DispatchErrorValue } from '../../primitives/types.js';
import { ensure, ensureSigned, type DispatchContext, type DispatchOutcome, type Origin } from '../../runtime/dispatch.js';
import { SudoE } from './errors.js';
import { sudoEvent as event } from './events.js';
import { SudoStorage as S } from './storage.js';

/** Pass Root, or a signer holding the sudo key; otherwise `RequireSudo` (`BadOrigin` when neither signed nor Root). */
export function ensureSudo(ctx: DispatchContext, origin: Origin): void {
  if (origin.kind === 'Root') return;
  const who = ensureSigned(origin);
  const key = S.Key.get(ctx.state);
  ensure(key !== undefined && equalBytes(key, who), SudoE.RequireSudo, key === undefined ? 'this chain has no sudo key' : 'the signer is not the sudo key');
}

/** A dispatch outcome as the `DispatchResult` of an event. */
export function dispatchResult(out: DispatchOutcome): { ok: true; value: null } | { ok: false; error: DispatchErrorValue } {
  return out.ok ? { ok: true, value: null } : { ok: false, error: out.error };
}

/** The Sudo operations. */
export const sudoOperations = {
  /** Dispatch `call` as Root. Event: Sudid (with the call's result: the sudo call itself succeeds). */
  sudo(ctx: DispatchContext, origin: Origin, call: Uint8Array): void {
    ensureSudo(ctx, origin);
    ctx.deposit(event('Sudid', { sudoResult: dispatchResult(ctx.dispatch({ kind: 'Root' }, call)) }));
  },
  /** Dispatch `call` as the signed account `who`. Event: SudoAsDone. */
  sudoAs(ctx: DispatchContext, origin: Origin, who: Uint8Array, call: Uint8Array): void {
    ensureSudo(ctx, origin);
    ctx.deposit(event('SudoAsDone', { sudoResult: dispatchResult(ctx.dispatch({ kind: 'Signed', who }, call)) }));
  },
  /** Hand the key to `next`. Event: KeyChanged. */
  setKey(ctx: DispatchContext, origin: Origin, next: Uint8Array): void {
    ensureSudo(ctx, origin);
    const old = S.Key.get(ctx.state);
    S.Key.set(ctx.state, next);
    ctx.deposit(event('KeyChanged', { old, new: next }));
  },
  /** Remove the key for good: no call can be made through Sudo afterwards. Event: KeyRemoved. */
  removeKey(ctx: DispatchContext, origin: Origin): void {
    ensureSudo(ctx, origin);
    S.Key.kill(ctx.state);
    ctx.deposit(event('KeyRemoved', undefined));
  },
};
