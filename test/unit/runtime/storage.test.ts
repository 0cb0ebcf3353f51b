/**
 * Storage item declarations (value, map, double map): key layout, Default vs Optional reads, mutate, take,
 * iteration in key order, and the metadata description; plus the runtime's assembly of pallets into the outer
 * call/event/error enums and the dispatch helpers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, toHexRaw, utf8 } from '../../../src/primitives/bytes.js';
import { blake2_128, twox128, twox64 } from '../../../src/primitives/hashing.js';
import { u32, u64, bytes, vec, ScaleDecodeError } from '../../../src/primitives/scale/index.js';
import { AccountId32 } from '../../../src/primitives/types.js';
import { createChainRuntime } from '../../../src/chain/index.js';
import { describeDispatchError, DispatchFailure, ensure, ensureNone, ensureRoot, ensureSigned } from '../../../src/runtime/dispatch.js';
import { defineErrors } from '../../../src/runtime/pallet.js';
import { EMPTY_STATE } from '../../../src/runtime/runtime.js';
import { Overlay } from '../../../src/runtime/state.js';
import { CODE_KEY, StorageBuilder } from '../../../src/runtime/storage.js';

const s = new StorageBuilder('Test');
const Value = s.value('Value', u64, { default: 7n });
const Maybe = s.value('Maybe', u32);
const Concat = s.map('Concat', 'Blake2_128Concat', AccountId32, u32, { default: 0 });
const Twox = s.map('Twox', 'Twox64Concat', u32, bytes);
const Ident = s.map('Ident', 'Identity', u32, u32);
const Hashed = s.map('Hashed', 'Blake2_128', u32, u32);
const List = new StorageBuilder('Defaults').map('List', 'Twox64Concat', u32, vec(u32), { default: [] as number[] });
const Double = s.doubleMap('Double', ['Twox64Concat', 'Blake2_128Concat'], [u32, AccountId32], u64);

describe('storage items', () => {
  it('keys are twox128(pallet) ‖ twox128(item) ‖ hasher(SCALE(key))…', () => {
    const who = new Uint8Array(32).fill(5);
    const prefix = (item: string) => concatBytes(twox128(utf8('Test')), twox128(utf8(item)));
    expect(Value.key).toEqual(prefix('Value'));
    expect(Concat.keyOf(who)).toEqual(concatBytes(prefix('Concat'), blake2_128(who), who));
    expect(Twox.keyOf(9)).toEqual(concatBytes(prefix('Twox'), twox64(u32.encode(9)), u32.encode(9)));
    expect(Ident.keyOf(9)).toEqual(concatBytes(prefix('Ident'), u32.encode(9)));
    expect(Double.keyOf(1, who)).toEqual(concatBytes(prefix('Double'), twox64(u32.encode(1)), u32.encode(1), blake2_128(who), who));
    expect(Double.prefixOf(1)).toEqual(Double.keyOf(1, who).subarray(0, 32 + 12));
    expect(toHexRaw(CODE_KEY)).toBe(toHexRaw(utf8(':code')));
  });

  it('Default items read their default when absent, Optional ones undefined; take and kill remove', () => {
    const st = new Overlay(EMPTY_STATE);
    expect(Value.get(st)).toBe(7n);
    expect(Value.exists(st)).toBe(false);
    expect(Maybe.get(st)).toBeUndefined();
    Maybe.set(st, 3);
    expect(Maybe.take(st)).toBe(3);
    expect(Maybe.exists(st)).toBe(false);
    Value.set(st, 9n);
    expect(st.get(Value.key)).toEqual(u64.encode(9n));
    Value.kill(st);
    expect(Value.get(st)).toBe(7n);
  });

  it('an absent item with an object default reads a fresh copy each time: editing one read changes no other', () => {
    const st = new Overlay(EMPTY_STATE);
    const first = List.get(st, 1);
    first.push(5);
    expect(List.get(st, 1)).toEqual([]);
    expect(List.get(st, 2)).toEqual([]);
    expect(List.get(st, 1)).not.toBe(List.get(st, 1));
  });

  it('mutate writes back, or removes on undefined', () => {
    const st = new Overlay(EMPTY_STATE);
    expect(Twox.mutate(st, 1, (v) => (v === undefined ? new Uint8Array([1]) : undefined))).toEqual(new Uint8Array([1]));
    expect(Twox.contains(st, 1)).toBe(true);
    expect(Twox.mutate(st, 1, () => undefined)).toBeUndefined();
    expect(Twox.contains(st, 1)).toBe(false);
    expect(Concat.mutate(st, new Uint8Array(32), (v) => v + 1)).toBe(1);
  });

  it('entries iterate every key of the map, and only of that map, in storage-key order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 20 }), fc.integer({ min: 0, max: 25 }), (ks, limit) => {
        const st = new Overlay(EMPTY_STATE);
        for (const x of ks) {
          Ident.set(st, x, (x ^ 1) >>> 0);
          Twox.set(st, x, u32.encode(x));
          Hashed.set(st, x, x);
        }
        Value.set(st, 1n); // a neighbouring item must not leak in
        const got = [...Ident.entries(st)];
        const le = (x: number) => toHexRaw(u32.encode(x));
        expect(got.map(([key]) => key)).toEqual([...ks].sort((a, b) => (le(a) < le(b) ? -1 : le(a) > le(b) ? 1 : 0)));
        expect(got.every(([key, v]) => v === (key ^ 1) >>> 0)).toBe(true);
        expect(new Set([...Twox.entries(st)].map(([key]) => key))).toEqual(new Set(ks));
        expect([...Twox.entries(st, limit)]).toHaveLength(Math.min(limit, ks.length));
      }),
      { numRuns: 60 },
    );
    expect(() => [...Hashed.entries(new Overlay(EMPTY_STATE))]).toThrow(/cannot be iterated/);
  });

  it('a stored value that does not decode is a ScaleDecodeError, not a wrong value', () => {
    const st = new Overlay(EMPTY_STATE);
    st.set(Value.key, new Uint8Array([1, 2, 3]));
    expect(() => Value.get(st)).toThrow(ScaleDecodeError);
  });

  it('describe themselves for the metadata', () => {
    expect(Value.info()).toMatchObject({ pallet: 'Test', name: 'Value', modifier: 'Default', fallback: u64.encode(7n), kind: { type: 'plain' } });
    expect(Maybe.info()).toMatchObject({ modifier: 'Optional', fallback: new Uint8Array([0]) });
    expect(Double.info().kind).toMatchObject({ type: 'map', hashers: ['Twox64Concat', 'Blake2_128Concat'] });
    expect(s.infos().map((i) => i.name)).toEqual(['Value', 'Maybe', 'Concat', 'Twox', 'Ident', 'Hashed', 'Double']);
  });
});

describe('runtime assembly', () => {
  const runtime = createChainRuntime();

  it('pallets have fixed indices; the outer call enum uses them', () => {
    expect(runtime.pallets.map((p) => [p.name, p.index])).toEqual([
      ['System', 0],
      ['Timestamp', 1],
      ['Balances', 2],
      ['TransactionPayment', 3],
      ['ValidatorSet', 4],
      ['Scheduler', 5],
      ['Sudo', 6],
      ['Udst', 10],
      ['Oracle', 11],
      ['Certificates', 12],
      ['Banks', 13],
      ['Loans', 14],
      ['Auctions', 15],
    ]);
    expect([...runtime.encodeCall('Balances', 'transferKeepAlive', { dest: { tag: 'Id', value: new Uint8Array(32) }, value: 1n }).subarray(0, 2)]).toEqual([2, 3]);
    expect([...runtime.encodeCall('System', 'remarkWithEvent', { remark: new Uint8Array() })]).toEqual([0, 7, 0]);
  });

  it('every call decodes back to its definition', () => {
    const samples: Record<string, Record<string, unknown>> = {
      'System.remark': { remark: new Uint8Array([1]) },
      'System.remarkWithEvent': { remark: new Uint8Array([1]) },
      'Timestamp.set': { now: 5n },
      'Balances.transferAllowDeath': { dest: { tag: 'Id', value: new Uint8Array(32) }, value: 1n },
      'Balances.forceTransfer': { source: { tag: 'Id', value: new Uint8Array(32) }, dest: { tag: 'Id', value: new Uint8Array(32).fill(1) }, value: 1n },
      'Balances.transferKeepAlive': { dest: { tag: 'Id', value: new Uint8Array(32) }, value: 1n },
      'Balances.transferAll': { dest: { tag: 'Id', value: new Uint8Array(32) }, keepAlive: true },
      'Balances.forceSetBalance': { who: { tag: 'Id', value: new Uint8Array(32) }, newFree: 1n },
      'Udst.transfer': { dest: { tag: 'Id', value: new Uint8Array(32) }, amount: 1n },
      'Oracle.feed': { price: 5n * 10n ** 17n },
      'Oracle.setFeeders': { feeders: [new Uint8Array(32)] },
      'Oracle.setParams': { params: { priceLifetimeMs: 600_000n, minFeeders: 2, priceMin: 1n, priceMax: 10n ** 21n } },
      'Certificates.lock': { xfg: 1n },
      'Certificates.unlock': { id: 3n },
      'Certificates.transfer': { id: 3n, dest: { tag: 'Id', value: new Uint8Array(32) } },
      ...lendingSamples(),
      ...originSamples(),
    };
    const declared = runtime.pallets.flatMap((p) => Object.keys(p.calls ?? {}).map((c) => `${p.name}.${c}`));
    expect(declared.sort()).toEqual(Object.keys(samples).sort());
    for (const [name, args] of Object.entries(samples)) {
      const [pallet, call] = name.split('.');
      const resolved = runtime.decodeCall(runtime.encodeCall(pallet, call, args));
      expect(resolved.pallet.name).toBe(pallet);
      expect(resolved.name).toBe(call);
      expect(resolved.def).toBe(runtime.pallet(pallet)!.calls![call]);
      expect(resolved.args).toEqual(args);
    }
    expect(() => runtime.decodeCall(new Uint8Array([3, 0]))).toThrow(ScaleDecodeError);
    expect(() => runtime.decodeCall(new Uint8Array([2, 1]))).toThrow(ScaleDecodeError);
  });

  /** Sudo and Scheduler: calls that carry a call. */
  function originSamples(): Record<string, Record<string, unknown>> {
    const inner = { tag: 'System', value: { tag: 'remark_with_event', value: { remark: new Uint8Array([1]) } } };
    const id = new Uint8Array(32).fill(3);
    const who = { tag: 'Id', value: new Uint8Array(32).fill(4) };
    return {
      'Sudo.sudo': { call: inner },
      'Sudo.sudoUncheckedWeight': { call: inner, weight: { refTime: 5n, proofSize: 0n } },
      'Sudo.setKey': { new: who },
      'Sudo.sudoAs': { who, call: inner },
      'Sudo.removeKey': {},
      'Scheduler.schedule': { when: 9, maybePeriodic: [2, 3], priority: 1, call: inner },
      'Scheduler.cancel': { when: 9, index: 0 },
      'Scheduler.scheduleNamed': { id, when: 9, maybePeriodic: undefined, priority: 1, call: { tag: 'Sudo', value: { tag: 'sudo', value: { call: inner } } } },
      'Scheduler.cancelNamed': { id },
      'Scheduler.scheduleAfter': { after: 2, maybePeriodic: undefined, priority: 255, call: inner },
      'Scheduler.scheduleNamedAfter': { id, after: 2, maybePeriodic: undefined, priority: 0, call: inner },
      'Scheduler.scheduleAtTime': { time: 1_700_000_000_000n, priority: 0, call: inner },
      'Scheduler.scheduleNamedAtTime': { id, time: 1_700_000_000_000n, priority: 0, call: inner },
    };
  }

  it('errors are DispatchError::Module with the pallet index and the variant index in byte 0', () => {
    const errs = defineErrors(['t', 'Error'], 42, { First: 'first', Second: 'second' });
    expect(errs.of.Second).toEqual({ tag: 'Module', value: { index: 42, error: new Uint8Array([1, 0, 0, 0]) } });
    expect(describeDispatchError(errs.of.Second)).toBe('Module error (pallet 42, error 1)');
    expect(describeDispatchError({ tag: 'Token', value: { tag: 'Frozen' } })).toBe('Token::Frozen');
    expect(describeDispatchError({ tag: 'BadOrigin' })).toBe('BadOrigin');
  });

  it('origin guards', () => {
    const who = new Uint8Array(32).fill(1);
    expect(ensureSigned({ kind: 'Signed', who })).toBe(who);
    expect(() => ensureSigned({ kind: 'Root' })).toThrow(DispatchFailure);
    expect(() => ensureRoot({ kind: 'Signed', who })).toThrow(DispatchFailure);
    expect(() => ensureNone({ kind: 'Root' })).toThrow(DispatchFailure);
    expect(() => ensure(false, { tag: 'Other' }, 'why')).toThrow('why');
    try {
      ensureRoot({ kind: 'None' });
    } catch (e) {
      expect((e as DispatchFailure).error).toEqual({ tag: 'BadOrigin' });
    }
  });
});

/** One sample argument set per call of Banks, Loans and Auctions. */
function lendingSamples(): Record<string, Record<string, unknown>> {
  const who = new Uint8Array(32).fill(7);
  const bankParams = { riskPremiumBps: 0n, minRateBps: 100n, autoApproveLimit: 5n, autoApproveMinScore: 600n, minDebt: 1n, leverageCapBps: 100_000n, protocolFeeShareBps: 1_000n, originationFeeBps: 50n };
  const kindParams = { maxAmount: 9n, minCollateralRatioBps: 15_000n, maxTermDays: 365n, baseRateBps: 1_200n };
  const loanParams = { marginCallRatioBps: 12_000n, liquidationRatioBps: 11_000n, hardFloorRatioBps: 10_500n, liquidationTargetBps: 15_000n, liquidationPenaltyBps: 500n, liquidationGraceMs: 1n, dueSoonMs: 2n, dueGraceMs: 3n, drawWindowMs: 4n, maxChecksPerBlock: 64n, restructureMaxAutoDays: 14n, restructureMinRatioBps: 12_000n, restructureFeeBps: 50n, restructureMaxDays: 90n };
  return {
    'Banks.createBank': { name: 'Cascadia Commons', bioregion: 'Cascadia', creditCeiling: 1n, officer: who },
    'Banks.admitMember': { bank: 1, who },
    'Banks.removeMember': { bank: 1, who },
    'Banks.setOfficer': { bank: 1, who, officer: true },
    'Banks.blacklist': { bank: 1, who },
    'Banks.unblacklist': { bank: 1, who },
    'Banks.deposit': { bank: 1, amount: 5n },
    'Banks.withdraw': { bank: 1, shares: 5n },
    'Banks.setCreditCeiling': { bank: 1, creditCeiling: 5n },
    'Banks.setParams': { bank: 1, params: bankParams },
    'Banks.setKindParams': { bank: 1, kind: { tag: 'Equipment' }, params: kindParams },
    'Loans.apply': { bank: 1, kind: { tag: 'Production' }, amount: 5n, termDays: 30, certificates: [1n, 2n], purpose: new Uint8Array([1, 2]) },
    'Loans.startReview': { applicationId: 1n },
    'Loans.approve': { applicationId: 1n },
    'Loans.reject': { applicationId: 1n },
    'Loans.draw': { applicationId: 1n },
    'Loans.repay': { loanId: 1n, amount: 5n },
    'Loans.repayAll': { loanId: 1n },
    'Loans.addCollateral': { loanId: 1n, certificate: 2n },
    'Loans.withdrawCollateral': { loanId: 1n, certificate: 2n },
    'Loans.check': { loanId: 1n },
    'Loans.requestRestructure': { loanId: 1n, extraDays: 14 },
    'Loans.approveRestructure': { loanId: 1n },
    'Loans.rejectRestructure': { loanId: 1n },
    'Loans.cancel': { applicationId: 1n },
    'Loans.setParams': { params: loanParams },
    'Auctions.bid': { auctionId: 1n, maxXfg: 5n, maxPrice: 10n ** 18n },
    'Auctions.setParams': { params: { durationMs: 1n, startBps: 11_000n, floorBps: 6_000n } },
  };
}
