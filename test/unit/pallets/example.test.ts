/**
 * The example pallet (src/pallets/example/) compiles in the one layout and works without a runtime: its call is
 * dispatched against an Overlay, and its storage, event, errors, genesis and invariants are checked.
 */
import { describe, expect, it } from 'vitest';
import { DispatchFailure, NO_CALL_DISPATCH, type DispatchContext, type RuntimeEventValue } from '../../../src/runtime/dispatch.js';
import { Overlay, type StateReader } from '../../../src/runtime/state.js';
import { checkExampleInvariants, ExampleErrors, ExampleStorage, examplePallet, tallyOf, total } from '../../../src/pallets/example/index.js';

const EMPTY: StateReader = { get: () => undefined, nextKey: () => undefined };
const alice = new Uint8Array(32).fill(1);
const bob = new Uint8Array(32).fill(2);

/** A dispatch context over `state` collecting events (no runtime). */
function context(state: Overlay): { ctx: DispatchContext; events: RuntimeEventValue[] } {
  const events: RuntimeEventValue[] = [];
  const ctx: DispatchContext = { state, blockNumber: 1, deposit: (e) => events.push(e), transactional: (fn) => fn(), ...NO_CALL_DISPATCH };
  return { ctx, events };
}

function increment(ctx: DispatchContext, who: Uint8Array, by: number): void {
  examplePallet.calls!.increment.dispatch(ctx, { kind: 'Signed', who }, { by });
}

describe('example pallet', () => {
  it('declares its call, event, error and storage for the metadata', () => {
    expect(examplePallet.callCodec!.variants.map((v) => [v.name, v.index])).toEqual([['increment', 0]]);
    expect(examplePallet.events!.variants.map((v) => v.name)).toEqual(['Incremented']);
    expect(examplePallet.errors!.codec.variants.map((v) => v.name)).toEqual(['ZeroIncrement', 'IncrementTooLarge', 'Overflow']);
    expect(examplePallet.storage.map((s) => s.name)).toEqual(['Total', 'Tallies']);
    // The call round-trips through its SCALE codec.
    const encoded = examplePallet.callCodec!.encode({ tag: 'increment', value: { by: 7 } });
    expect(Array.from(encoded)).toEqual([0, 7, 0, 0, 0]);
  });

  it('increments the caller\'s tally and the total, with an event', () => {
    const st = new Overlay(EMPTY);
    const { ctx, events } = context(st);
    increment(ctx, alice, 5);
    increment(ctx, bob, 2);
    increment(ctx, alice, 3);
    expect(tallyOf(st, alice)).toBe(8);
    expect(tallyOf(st, bob)).toBe(2);
    expect(total(st)).toBe(10);
    expect(events.at(-1)).toEqual({ tag: 'Example', value: { tag: 'Incremented', value: { who: alice, by: 3, tally: 8 } } });
    checkExampleInvariants(st);
  });

  it('refuses bad increments with its own errors and changes nothing', () => {
    const st = new Overlay(EMPTY);
    const { ctx, events } = context(st);
    const errorOf = (fn: () => void) => {
      try {
        fn();
      } catch (e) {
        return (e as DispatchFailure).error;
      }
      throw new Error('expected a dispatch failure');
    };
    expect(errorOf(() => increment(ctx, alice, 0))).toEqual(ExampleErrors.of.ZeroIncrement);
    expect(errorOf(() => increment(ctx, alice, 1_001))).toEqual(ExampleErrors.of.IncrementTooLarge);
    expect(errorOf(() => examplePallet.calls!.increment.dispatch(ctx, { kind: 'None' }, { by: 1 }))).toEqual({ tag: 'BadOrigin' });
    ExampleStorage.Total.set(st, 0xffff_ffff);
    ExampleStorage.Tallies.set(st, bob, 0xffff_ffff);
    expect(errorOf(() => increment(ctx, alice, 1))).toEqual(ExampleErrors.of.Overflow);
    expect(ExampleStorage.Tallies.contains(st, alice)).toBe(false);
    expect(events).toEqual([]);
  });

  it('builds its genesis and checks its invariants', () => {
    const st = new Overlay(EMPTY);
    examplePallet.genesis!(st, { tallies: [[alice, 4], [bob, 6]] });
    expect(total(st)).toBe(10);
    checkExampleInvariants(st);
    ExampleStorage.Total.set(st, 11);
    expect(() => examplePallet.hooks.tryState!(st)).toThrow(/total 11 ≠ Σ tallies 10/);
    expect(() => examplePallet.genesis!(new Overlay(EMPTY), { tallies: [[alice, 1], [alice, 2]] })).toThrow(/listed twice/);
    expect(() => examplePallet.genesis!(new Overlay(EMPTY), { tallies: [[alice, 0]] })).toThrow(/must be positive/);
  });
});
