/**
 * Shared pieces of the Udst, Oracle and Certificates tests: test chains whose genesis carries those pallets'
 * sections, dispatch with any origin inside an open block, the `assert_noop` check (a failing call leaves the state
 * root unchanged), and every pallet's `tryState` run after each test on every chain made here.
 */
import { afterEach, expect } from 'vitest';
import { createChainRuntime, XFG, TREASURY_ACCOUNT, type GenesisConfig } from '../../../src/chain/index.js';
import { DispatchFailure, type DispatchContext, type EventRecord, type Origin } from '../../../src/runtime/dispatch.js';
import { STATE_VERSION } from '../../../src/runtime/runtime.js';
import type { DispatchErrorValue } from '../../../src/primitives/types.js';
import type { OracleGenesis } from '../../../src/pallets/oracle/index.js';
import type { UdstGenesis } from '../../../src/pallets/udst/index.js';
import type { CertificatesGenesis } from '../../../src/pallets/certificates/index.js';
import { PRICE_ONE } from '../../../src/pallets/oracle/math.js';
import { TestChain, type ApplyResult, type OpenBlock, type TestChainOptions } from '../../helpers/chain.js';
import type { DevKeys } from '../../helpers/keys.js';

export { XFG, PRICE_ONE };

/** Genesis sections of the credit pallets a test chain starts with. */
export interface CreditGenesis {
  udst?: UdstGenesis;
  oracle?: OracleGenesis;
  certificates?: CertificatesGenesis;
}

const chains = new Set<TestChain>();

/**
 * After each test, run the runtime's invariants (every pallet's `tryState` and the chain's cross-pallet identities) on
 * the committed state of every chain made by {@link creditChain}; {@link TestChain} also runs them after every block.
 */
export function checkPalletInvariantsAfterEach(): void {
  afterEach(() => {
    const list = [...chains];
    chains.clear();
    for (const c of list) assertPalletInvariants(c);
  });
}

/** Run the runtime's invariants on `c`'s committed state (or `state`); throws an InvariantError listing every broken one. */
export function assertPalletInvariants(c: TestChain, state = c.state): void {
  c.checkState(state, `block ${c.head.header.number}`);
}

/**
 * A test chain (Alice and Bob 1,000 XFG, Charlie 10 XFG, Dave 100 XFG, the treasury 1 XFG unless `balances` is
 * given) whose genesis also carries `credit`'s sections.
 */
export async function creditChain(
  k: DevKeys,
  credit: CreditGenesis = {},
  opts: { balances?: Array<[Uint8Array, bigint]>; checkInvariants?: TestChainOptions['checkInvariants'] } = {},
): Promise<TestChain> {
  const runtime = createChainRuntime();
  const genesis = runtime.genesisChanges.bind(runtime);
  // The harness builds genesis from balances and validators only; the credit sections are added here.
  runtime.genesisChanges = (cfg: GenesisConfig) => genesis({ ...cfg, ...credit });
  const balances = opts.balances ?? [
    [k.alice.publicKey, 1_000n * XFG],
    [k.bob.publicKey, 1_000n * XFG],
    [k.charlie.publicKey, 10n * XFG],
    [k.dave.publicKey, 100n * XFG],
    [TREASURY_ACCOUNT, XFG],
  ];
  const c = await TestChain.create(k, { runtime, balances, checkInvariants: opts.checkInvariants });
  chains.add(c);
  return c;
}

/** Three feeders (Alice, Bob, Charlie) with `price` fed at genesis (default 0.5 UDST per XFG). */
export function threeFeeders(k: DevKeys, price = PRICE_ONE / 2n): OracleGenesis {
  const feeders = [k.alice.publicKey, k.bob.publicKey, k.charlie.publicKey];
  return { feeders, values: feeders.map((f) => [f, price] as [Uint8Array, bigint]) };
}

/** The dispatch result of an included extrinsic (throws when it was not included). */
export function dispatchOf(r: ApplyResult): { ok: true } | { ok: false; error: DispatchErrorValue } {
  if (!r.ok) throw new Error(`not included: ${r.error.reason} ${r.error.message}`);
  return r.applied.dispatch.ok ? { ok: true } : { ok: false, error: r.applied.dispatch.error };
}

/** Dispatch `pallet.call(args)` with `origin` in an open block, in a transactional layer, as the executive does. */
export function dispatchAs(c: TestChain, block: OpenBlock, pallet: string, callName: string, origin: Origin, args: Record<string, unknown>): void {
  const def = c.runtime.pallet(pallet)?.calls?.[callName];
  if (!def) throw new Error(`no call ${pallet}.${callName}`);
  // Through the codec and back, so the arguments are exactly what an extrinsic would carry.
  const decoded = c.runtime.decodeCall(c.runtime.encodeCall(pallet, callName, args));
  block.exec.transactional(() => def.dispatch(block.exec, origin, decoded.args));
}

/** A signed origin. */
export const signed = (who: Uint8Array): Origin => ({ kind: 'Signed', who });
/** The root origin. */
export const ROOT: Origin = { kind: 'Root' };

/** The state root the open block would have if it were sealed now (its changes on top of the head's trie). */
export function rootOf(c: TestChain, block: OpenBlock): string {
  return Buffer.from(c.trie.update(block.exec.state.changes(), STATE_VERSION).root).toString('hex');
}

/** The events deposited so far in an open block (read from the execution, which keeps them until finalize). */
export function openEvents(block: OpenBlock): EventRecord[] {
  return (block.exec as unknown as { events: EventRecord[] }).events;
}

/**
 * `assert_noop`: run `fn` in a transactional layer of the open block; it must fail with `error` and leave the state
 * root and the block's events exactly as they were.
 */
export function expectNoop(c: TestChain, block: OpenBlock, fn: (ctx: DispatchContext) => void, error: DispatchErrorValue): void {
  const before = rootOf(c, block);
  const events = openEvents(block).length;
  let thrown: unknown;
  try {
    block.exec.transactional(() => fn(block.exec));
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'the call must fail').toBeInstanceOf(DispatchFailure);
  expect((thrown as DispatchFailure).error).toEqual(error);
  expect(rootOf(c, block), 'state root after a failed call').toBe(before);
  expect(openEvents(block).length, 'events after a failed call').toBe(events);
}

/** Seal and commit an open block; returns its events. */
export function finish(c: TestChain, block: OpenBlock): EventRecord[] {
  const sealed = c.seal(block);
  c.commit(sealed);
  return sealed.events;
}

/** The value of the events named `Pallet.Event` in `records`, in order. */
export function eventValues(records: readonly EventRecord[], name: string): unknown[] {
  return records.filter((r) => `${r.event.tag}.${r.event.value.tag}` === name).map((r) => r.event.value.value);
}

/** Produce a block `dtMs` (default 6 s) after the head's time: keeps working after a test jumped the clock. */
export function produceAfter(c: TestChain, extrinsics: Uint8Array[], dtMs = 6_000n) {
  return c.produce(extrinsics, { timestamp: c.now() + dtMs });
}

/** Begin a block `dtMs` (default 6 s) after the head's time. */
export function beginAfter(c: TestChain, dtMs = 6_000n): OpenBlock {
  return c.begin({ timestamp: c.now() + dtMs });
}
