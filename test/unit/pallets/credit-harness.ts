/**
 * A credit-chain harness over {@link TestChain}: the real runtime with the credit genesis sections (UDST balances,
 * oracle feeders and price, one community bank, loan parameters), block time under the test's control, helpers to
 * sign calls, feed prices and lock certificates, and the invariants of every pallet checked after every test.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { afterEach, expect } from 'vitest';
import { toHexRaw } from '../../../src/primitives/bytes.js';
import { createChainRuntime, XFG, TREASURY_ACCOUNT, type GenesisConfig } from '../../../src/chain/index.js';
import { type Runtime } from '../../../src/runtime/runtime.js';
import type { StateReader } from '../../../src/runtime/state.js';
import { DispatchFailure, type EventRecord } from '../../../src/runtime/dispatch.js';
import { STATE_VERSION } from '../../../src/runtime/runtime.js';
import { BanksStorage, type BankGenesis, type BankInfoValue, type BanksQueries } from '../../../src/pallets/banks/index.js';
import { LoansStorage, type LoanValue, type LoansQueries, type LoanStatusValue, type LoansParamsValue } from '../../../src/pallets/loans/index.js';
import type { AuctionsQueries } from '../../../src/pallets/auctions/index.js';
import { UdstStorage } from '../../../src/pallets/udst/index.js';
import { PRICE_ONE } from '../../../src/pallets/oracle/math.js';
import type { Pallet } from '../../../src/runtime/pallet.js';
import { devKeys, srPair, type DevKeys } from '../../helpers/keys.js';
import { TestChain, eventNames, type ApplyResult } from '../../helpers/chain.js';

/** One UDST in base units (6 decimals). */
export const U = 1_000_000n;
export { XFG, PRICE_ONE };
/** One day in ms. */
export const DAY = 86_400_000n;
/** One hour in ms. */
export const HOUR = 3_600_000n;

/** The accounts of a credit chain. */
export interface CreditKeys extends DevKeys {
  feeders: KeyringPair[];
}

/** Options of a credit chain. */
export interface CreditChainOptions {
  /** Bank overrides (the default bank: Alice officer; Alice, Bob, Charlie, Dave members; 100,000 UDST reserves). */
  bank?: Partial<BankGenesis>;
  loans?: Partial<LoansParamsValue>;
  /** Initial oracle price (FixedU128 inner; default 1.0). */
  price?: bigint;
  /** UDST balances at genesis (default: Charlie and Eve 1,000,000 UDST, Bob 10,000 UDST). */
  udst?: Array<[Uint8Array, bigint]>;
  /** Oracle parameter overrides. */
  oracle?: Record<string, unknown>;
}

const liveChains = new Set<CreditChain>();

/**
 * Register an `afterEach` hook running the runtime's invariants (every pallet's `tryState` and the chain's
 * cross-pallet identities, src/chain/invariants.ts) on every chain's committed state; {@link TestChain} also runs
 * them after every block.
 */
export function checkCreditInvariantsAfterEach(): void {
  afterEach(() => {
    const chains = [...liveChains];
    liveChains.clear();
    for (const c of chains) c.assertInvariants();
  });
}

/** What happened to one signed call in its block. */
export interface CallOutcome {
  ok: boolean;
  /** The pallet error name when the call failed with a module error. */
  error?: string;
  events: string[];
  records: EventRecord[];
}

/** A credit chain over the real runtime, in memory. */
export class CreditChain {
  readonly chain: TestChain;
  readonly runtime: Runtime;
  readonly keys: CreditKeys;
  /** The block time of the next block (ms). */
  t: bigint;

  private constructor(chain: TestChain, keys: CreditKeys, t: bigint) {
    this.chain = chain;
    this.runtime = chain.runtime;
    this.keys = keys;
    this.t = t;
    liveChains.add(this);
  }

  /** Build a chain; block 1 is produced so the genesis prices are stamped. */
  static async create(o: CreditChainOptions = {}): Promise<CreditChain> {
    const keys = { ...(await devKeys()), feeders: [srPair('//Feeder1'), srPair('//Feeder2'), srPair('//Feeder3')] };
    const runtime = createChainRuntime();
    const price = o.price ?? PRICE_ONE;
    const bank: BankGenesis = {
      name: 'Cascadia Commons',
      bioregion: 'Cascadia',
      creditCeiling: 1_000_000n * U,
      officers: [keys.alice.publicKey],
      members: [keys.alice.publicKey, keys.bob.publicKey, keys.charlie.publicKey, keys.dave.publicKey],
      reserves: 100_000n * U,
      reservesHolder: keys.alice.publicKey,
      ...o.bank,
    };
    const credit: Partial<GenesisConfig> = {
      udst: { balances: o.udst ?? [[keys.charlie.publicKey, 1_000_000n * U], [keys.eve.publicKey, 1_000_000n * U], [keys.bob.publicKey, 10_000n * U]] },
      oracle: { feeders: keys.feeders.map((f) => f.publicKey), values: keys.feeders.map((f) => [f.publicKey, price]), params: o.oracle },
      banks: { banks: [bank] },
      loans: { params: o.loans },
    };
    const original = runtime.genesisChanges.bind(runtime);
    runtime.genesisChanges = (cfg: GenesisConfig) => original({ ...cfg, ...credit });
    const balances: Array<[Uint8Array, bigint]> = [
      ...[keys.alice, keys.bob, keys.charlie, keys.dave, keys.eve, keys.ferdie, ...keys.feeders].map((k) => [k.publicKey, 1_000_000n * XFG] as [Uint8Array, bigint]),
      [TREASURY_ACCOUNT, XFG],
    ];
    const start = 1_700_000_000_000n;
    const chain = await TestChain.create(keys, { runtime, balances, startTimeMs: start });
    const c = new CreditChain(chain, keys, start);
    c.produce([]);
    return c;
  }

  /** Produce a block at `this.t` (then `t` moves on by 6 s) with these signed calls. */
  produce(xts: Uint8Array[]): ApplyResult[] {
    const { results } = this.chain.produce(xts, { timestamp: this.t });
    this.t += 6_000n;
    for (const r of results) if (!r.ok) throw new Error(`extrinsic invalid: ${r.error.message}`);
    return results;
  }

  /** Move the clock: the next block is `ms` later than it would have been. */
  advance(ms: bigint): void {
    this.t += ms;
  }

  /** The block time of the head. */
  get now(): bigint {
    return this.chain.now();
  }

  /** The committed state. */
  get state(): StateReader {
    return this.chain.state;
  }

  /** Encode a call. */
  call(pallet: string, name: string, args: Record<string, unknown>): Uint8Array {
    return this.runtime.encodeCall(pallet, name, args);
  }

  /** Sign and include several calls in one block; returns each call's outcome. */
  sendMany(calls: Array<[KeyringPair, Uint8Array]>): CallOutcome[] {
    const nonces = new Map<string, number>();
    const xts = calls.map(([pair, c]) => {
      const k = toHexRaw(pair.publicKey);
      const nonce = nonces.get(k) ?? this.chain.nonce(pair.publicKey);
      nonces.set(k, nonce + 1);
      return this.chain.sign(pair, c, { nonce });
    });
    this.produce(xts);
    const records = this.chain.events();
    return xts.map((_, i) => {
      const mine = records.filter((r) => r.phase.tag === 'ApplyExtrinsic' && r.phase.value === i + 1);
      const failed = mine.find((r) => r.event.tag === 'System' && r.event.value.tag === 'ExtrinsicFailed');
      return { ok: failed === undefined, error: failed ? this.errorName(failed) : undefined, events: eventNames(mine), records: mine };
    });
  }

  /** Sign and include one call in a block of its own. */
  send(pair: KeyringPair, pallet: string, name: string, args: Record<string, unknown>): CallOutcome {
    return this.sendMany([[pair, this.call(pallet, name, args)]])[0];
  }

  /** `send` that must succeed. */
  ok(pair: KeyringPair, pallet: string, name: string, args: Record<string, unknown>): CallOutcome {
    const r = this.send(pair, pallet, name, args);
    expect(r.error, `${pallet}.${name} failed`).toBeUndefined();
    return r;
  }

  private errorName(rec: EventRecord): string {
    const v = rec.event.value.value as { dispatchError: { tag: string; value?: { index: number; error: Uint8Array } } };
    const e = v.dispatchError;
    if (e.tag !== 'Module' || !e.value) return e.tag;
    const p = this.runtime.pallets.find((x) => x.index === e.value!.index);
    const variant = p?.errors?.codec.variants.find((x: { index: number }) => x.index === e.value!.error[0]);
    return `${p?.name}.${variant?.name}`;
  }

  /**
   * Dispatch a call from `pair` in an open block on top of the head and require it to fail with `error` (e.g.
   * `Loans.Overpayment`) leaving the block's state exactly as before (FRAME's `assert_noop!`): the trie root of the
   * changes before and after the call is the same. The block is discarded.
   */
  expectNoop(pair: KeyringPair | 'root', pallet: string, name: string, args: Record<string, unknown>, error: string): DispatchFailure {
    const block = this.chain.begin({ timestamp: this.t });
    const root = () => this.chain.trie.update(block.exec.state.changes(), STATE_VERSION).root;
    const before = toHexRaw(root());
    const call = this.runtime.decodeCall(this.call(pallet, name, args));
    let failure: DispatchFailure | undefined;
    try {
      block.exec.transactional(() => call.def.dispatch(block.exec, pair === 'root' ? { kind: 'Root' } : { kind: 'Signed', who: pair.publicKey }, call.args));
    } catch (e) {
      if (!(e instanceof DispatchFailure)) throw e;
      failure = e;
    }
    expect(failure, `${pallet}.${name} should fail with ${error}`).toBeDefined();
    const err = failure!.error;
    const p = err.tag === 'Module' ? this.runtime.pallets.find((x) => x.index === err.value.index) : undefined;
    const got = err.tag === 'Module' ? `${p?.name}.${p?.errors?.codec.variants.find((x: { index: number }) => x.index === err.value.error[0])?.name}` : err.tag;
    expect(got).toBe(error);
    expect(toHexRaw(root())).toBe(before);
    this.chain.seal(block);
    return failure!;
  }

  /**
   * Dispatch a call with the root origin (governance later) in a block of its own, as the executive dispatches: in a
   * transactional layer. Returns the events it deposited; throws its DispatchFailure.
   */
  root(pallet: string, name: string, args: Record<string, unknown>): string[] {
    const block = this.chain.begin({ timestamp: this.t });
    const call = this.runtime.decodeCall(this.call(pallet, name, args));
    try {
      block.exec.transactional(() => call.def.dispatch(block.exec, { kind: 'Root' }, call.args));
    } catch (e) {
      this.chain.seal(block);
      throw e;
    }
    this.chain.commit(this.chain.seal(block));
    this.t += 6_000n;
    return eventNames(this.chain.events().filter((r) => r.phase.tag !== 'Initialization')).filter((n) => n.startsWith(`${pallet}.`));
  }

  /** Feed `price` from the feeders (all three by default, or the first `n`). */
  feed(price: bigint, feeders: KeyringPair[] = this.keys.feeders): void {
    const out = this.sendMany(feeders.map((f) => [f, this.call('Oracle', 'feed', { price })]));
    for (const o of out) expect(o.error).toBeUndefined();
  }

  /** Lock `xfg` into a certificate of `pair`; returns its id. */
  lock(pair: KeyringPair, xfg: bigint): bigint {
    const r = this.ok(pair, 'Certificates', 'lock', { xfg });
    const ev = r.records.find((x) => x.event.tag === 'Certificates' && x.event.value.tag === 'Locked');
    return (ev!.event.value.value as { id: bigint }).id;
  }

  /** Apply (auto-approved when small) and draw; returns the loan id. */
  borrow(pair: KeyringPair, amount: bigint, certificates: bigint[], o: { termDays?: number; kind?: string } = {}): bigint {
    const r = this.ok(pair, 'Loans', 'apply', { bank: 0, kind: { tag: o.kind ?? 'General' }, amount, termDays: o.termDays ?? 90, certificates, purpose: new Uint8Array() });
    const ev = r.records.find((x) => x.event.tag === 'Loans' && x.event.value.tag === 'Applied')!.event.value.value as { applicationId: bigint; autoApproved: boolean };
    expect(ev.autoApproved).toBe(true);
    this.ok(pair, 'Loans', 'draw', { applicationId: ev.applicationId });
    return ev.applicationId;
  }

  /** The pallet named `name`. */
  pallet(name: string): Pallet & { queries?: unknown } {
    return this.runtime.pallet(name)! as Pallet & { queries?: unknown };
  }

  /** Loans' queries. */
  get loanQueries(): LoansQueries {
    return this.pallet('Loans').queries as LoansQueries;
  }

  /** Banks' queries. */
  get bankQueries(): BanksQueries {
    return this.pallet('Banks').queries as BanksQueries;
  }

  /** Auctions' queries. */
  get auctionQueries(): AuctionsQueries {
    return this.pallet('Auctions').queries as AuctionsQueries;
  }

  loan(id: bigint, st: StateReader = this.state): LoanValue {
    return LoansStorage.Loans.get(st, id)!;
  }

  status(id: bigint, at?: bigint, st: StateReader = this.state): LoanStatusValue {
    return this.loanQueries.status(st, id, at)!;
  }

  bank(id = 0, st: StateReader = this.state): BankInfoValue {
    return BanksStorage.Banks.get(st, id)!;
  }

  udst(who: Uint8Array, st: StateReader = this.state): bigint {
    return UdstStorage.Accounts.get(st, who).free;
  }

  udstIssuance(st: StateReader = this.state): bigint {
    return UdstStorage.TotalIssuance.get(st);
  }

  score(who: Uint8Array): bigint {
    return this.loanQueries.reputation(this.state, who).score;
  }

  /**
   * The runtime's invariants on `st` (default: the committed state): every pallet's `tryState` and the chain's
   * identities (XFG and UDST issuance, held UDST = Σ bank reserves, pledged certificates = open loans' collateral).
   */
  assertInvariants(st: StateReader = this.state): void {
    if (st === this.state) this.chain.assertInvariants();
    else this.runtime.tryState(st);
  }
}
