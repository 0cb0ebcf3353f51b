/**
 * Community banks (ECONOMICS.md §4): members and officers, lender shares of reserves (deposit, withdraw), the credit
 * ceiling and leverage cap, per-bank loan parameters within governance bounds, and a blacklist. Banks, officers and
 * parameters come from genesis and root (governance later); officers admit members until governance exists.
 *
 * Reserves are UDST held outside accounts (the ledger's `debit`/`credit`); this pallet keeps their book. Loans use
 * {@link BanksApi} to check membership and capacity, record principal, and route income and losses.
 */
import { equalBytes } from '../../primitives/bytes.js';
import { bool, compactU128, str, u32, u128 } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import { ensure, ensureOrigin, ensureSigned, fail, NO_CALL_DISPATCH, type DispatchContext, type EnsureOrigin } from '../../runtime/dispatch.js';
import { call, definePallet, type Pallet } from '../../runtime/pallet.js';
import { Overlay, type StateAccess, type StateReader } from '../../runtime/state.js';
import type { BlockTime } from '../timestamp/interface.js';
import type { UdstLedger } from '../udst/interface.js';
import { BANKS_INDEX } from './types.js';
import type { BanksApi } from './interface.js';
import type { TokenDecimals } from '../oracle/math.js';
import { now as timestampNow } from '../timestamp/index.js';
import { BanksErrors } from './errors.js';
import { banksEvent, BanksEvents } from './events.js';
import { absorbLoss, amountForShares, availableCredit, freeReserves, sharesForDeposit, splitInterest } from './math.js';
import { bankParamBounds, checkParams, creditCeilingBound, defaultBankParams, defaultKindParams, kindParamBounds, type ParamViolation } from './params.js';
import { BANKS_STORAGE_INFOS, BanksStorage } from './storage.js';
import { checkBankInvariants } from './invariants.js';
import { bankView } from './queries.js';
import { BankParams, KindParams, LOAN_KINDS, LoanKind, type BankInfoValue, type BankParamsValue, type BankViewValue, type KindParamsValue, type LoanKindName } from './types.js';
import { weightOf } from '../../runtime/weights.js';
import { WEIGHTS } from './weights.js';

export { BanksStorage } from './storage.js';
export { BanksErrors } from './errors.js';
export { BanksEvents } from './events.js';
export * from './types.js';

const E = BanksErrors.of;

/** Longest bank name or bioregion (bytes). */
export const MAX_NAME_BYTES = 64;

export type { BanksApi } from './interface.js';

/** Genesis of one bank. Amounts in UDST base units. */
export interface BankGenesis {
  name: string;
  bioregion: string;
  creditCeiling: bigint;
  /** Officers (made members too). */
  officers: Uint8Array[];
  members: Uint8Array[];
  /** UDST minted at genesis into the reserves. */
  reserves: bigint;
  /** Who receives the shares of the genesis reserves (1:1). */
  reservesHolder: Uint8Array;
  params?: Partial<BankParamsValue>;
  kinds?: Partial<Record<LoanKindName, Partial<KindParamsValue>>>;
}

/** Genesis of Banks. */
export interface BanksGenesis {
  banks: BankGenesis[];
}

/** What Banks needs. */
export interface BanksConfig {
  udst: UdstLedger;
  decimals: TokenDecimals;
  /** The treasury account (protocol fee share of interest). */
  treasury: Uint8Array;
  /** Block time; default `Timestamp.Now`. */
  time?: BlockTime;
  /** Who may create banks (this chain: Root; network governance later). */
  createOrigin: EnsureOrigin<unknown>;
  /** Who may appoint officers and change a bank's credit ceiling and parameters (this chain: Root; governance later). */
  adminOrigin: EnsureOrigin<unknown>;
}

/** The Banks pallet with its API for Loans and its queries. */
export interface BanksModule {
  pallet: Pallet<BanksGenesis> & { queries: BanksQueries };
  api: BanksApi;
  queries: BanksQueries;
}

/** Read-only queries (runtime API `BanksApi`). */
export interface BanksQueries {
  /** A bank's figures, with `lender`'s position when given. */
  info(st: StateReader, bank: number, lender?: Uint8Array): BankViewValue | undefined;
}

/** A dispatch context for genesis (no events, no rollback: genesis either completes or throws). */
export function genesisContext(st: StateAccess): DispatchContext {
  if (!(st instanceof Overlay)) throw new Error('genesis state must be an Overlay');
  return { state: st, blockNumber: 0, deposit: () => undefined, transactional: (fn) => fn(), ...NO_CALL_DISPATCH };
}

function violationError(v: ParamViolation) {
  return v.reason === 'OutOfBounds' ? E.ParamOutOfBounds : E.ParamStepTooLarge;
}

/** Build the Banks pallet. */
export function createBanks(config: BanksConfig): BanksModule {
  const { udst, treasury } = config;
  const udstDecimals = config.decimals.udst;
  const time = config.time ?? timestampNow;
  const bankBounds = bankParamBounds(udstDecimals);
  const kindBounds = kindParamBounds(udstDecimals);
  const ceilingBound = creditCeilingBound(udstDecimals);

  const getBank = (st: StateReader, bank: number): BankInfoValue => BanksStorage.Banks.get(st, bank) ?? fail(E.UnknownBank, `no bank ${bank}`);
  const putBank = (st: StateAccess, bank: number, info: BankInfoValue) => BanksStorage.Banks.set(st, bank, info);
  const isOfficer = (st: StateReader, bank: number, who: Uint8Array) => BanksStorage.Members.get(st, bank, who)?.officer === true;
  const ensureOfficer = (st: StateReader, bank: number, who: Uint8Array) => {
    getBank(st, bank);
    ensure(isOfficer(st, bank, who), E.NotOfficer);
  };
  const kindOf = (st: StateReader, bank: number, kind: LoanKindName): KindParamsValue =>
    BanksStorage.Kinds.get(st, bank, { tag: kind }) ?? defaultKindParams(udstDecimals);

  /** Create a bank; returns its id. */
  function createBank(st: StateAccess, name: string, bioregion: string, creditCeiling: bigint, params: BankParamsValue): number {
    ensure(new TextEncoder().encode(name).length <= MAX_NAME_BYTES && new TextEncoder().encode(bioregion).length <= MAX_NAME_BYTES, E.NameTooLong);
    ensure(creditCeiling >= ceilingBound.min && creditCeiling <= ceilingBound.max, E.ParamOutOfBounds, `credit ceiling ${creditCeiling} outside its bounds`);
    const v = checkParams(params, bankBounds);
    if (v) fail(violationError(v), `${v.field} = ${v.value} is outside [${v.bound.min}, ${v.bound.max}]`);
    const id = BanksStorage.NextBankId.get(st);
    ensure(id < 0xffff_ffff, E.TooManyBanks);
    // The first bank fixes the issuance baseline: everything in circulation before any credit is unbacked by loans.
    if (!BanksStorage.UnbackedIssuance.exists(st)) BanksStorage.UnbackedIssuance.set(st, udst.totalIssuance(st));
    BanksStorage.NextBankId.set(st, id + 1);
    putBank(st, id, {
      name,
      bioregion,
      creditCeiling,
      reserves: 0n,
      totalShares: 0n,
      outstanding: 0n,
      memberCount: 0,
      officerCount: 0,
      income: 0n,
      writtenOff: 0n,
      uncoveredLoss: 0n,
      params,
    });
    return id;
  }

  function admit(st: StateAccess, bank: number, who: Uint8Array, at: bigint, officer: boolean): void {
    const info = getBank(st, bank);
    ensure(!BanksStorage.Members.contains(st, bank, who), E.AlreadyMember);
    BanksStorage.Members.set(st, bank, who, { since: at, officer });
    putBank(st, bank, { ...info, memberCount: info.memberCount + 1, officerCount: info.officerCount + (officer ? 1 : 0) });
  }

  function setOfficer(st: StateAccess, bank: number, who: Uint8Array, officer: boolean, at: bigint): void {
    const info = getBank(st, bank);
    const m = BanksStorage.Members.get(st, bank, who);
    if (m === undefined) {
      // Making a non-member an officer admits them; removing the office of a non-member is a no-op refusal.
      ensure(officer, E.NotMember);
      admit(st, bank, who, at, true);
      return;
    }
    if (m.officer === officer) return;
    BanksStorage.Members.set(st, bank, who, { ...m, officer });
    putBank(st, bank, { ...info, officerCount: info.officerCount + (officer ? 1 : -1) });
  }

  /** Deposit `amount` of `who`'s UDST into `bank`'s reserves for shares; returns the shares minted. */
  function deposit(ctx: DispatchContext, bank: number, who: Uint8Array, amount: bigint): bigint {
    ensure(amount > 0n, E.ZeroAmount);
    const info = getBank(ctx.state, bank);
    // Shares of a wiped-out bank have no price (banks/README.md): refuse rather than dilute or gift.
    ensure(!(info.totalShares > 0n && info.reserves === 0n), E.BankInsolvent);
    const shares = sharesForDeposit(amount, info.totalShares, info.reserves);
    ensure(shares > 0n, E.ZeroShares);
    udst.debit(ctx, who, amount);
    BanksStorage.Shares.set(ctx.state, bank, who, (BanksStorage.Shares.get(ctx.state, bank, who) ?? 0n) + shares);
    putBank(ctx.state, bank, { ...info, reserves: info.reserves + amount, totalShares: info.totalShares + shares });
    return shares;
  }

  const api: BanksApi = {
    get: (st, bank) => BanksStorage.Banks.get(st, bank),
    all: (st) => BanksStorage.Banks.entries(st),
    kind: kindOf,
    isMember: (st, bank, who) => BanksStorage.Members.contains(st, bank, who),
    isOfficer,
    isBlacklisted: (st, bank, who) => BanksStorage.Blacklist.contains(st, bank, who),
    available(st, bank) {
      const b = getBank(st, bank);
      return availableCredit(b.creditCeiling, b.reserves, b.params.leverageCapBps, b.outstanding);
    },
    addOutstanding(ctx, bank, amount) {
      const b = getBank(ctx.state, bank);
      putBank(ctx.state, bank, { ...b, outstanding: b.outstanding + amount });
    },
    reduceOutstanding(ctx, bank, amount) {
      const b = getBank(ctx.state, bank);
      if (amount > b.outstanding) throw new Error(`bank ${bank}: repaying ${amount} of ${b.outstanding} outstanding`);
      putBank(ctx.state, bank, { ...b, outstanding: b.outstanding - amount });
    },
    receiveInterest(ctx, bank, interest) {
      if (interest === 0n) return 0n;
      const b = getBank(ctx.state, bank);
      const split = splitInterest(interest, b.params.protocolFeeShareBps);
      if (split.treasury > 0n) udst.credit(ctx, treasury, split.treasury);
      putBank(ctx.state, bank, { ...b, reserves: b.reserves + split.reserves, income: b.income + split.reserves });
      ctx.deposit(banksEvent('IncomeReceived', { bank, amount: split.reserves, treasury: split.treasury }));
      return split.treasury;
    },
    receiveIncome(ctx, bank, amount) {
      if (amount === 0n) return;
      const b = getBank(ctx.state, bank);
      putBank(ctx.state, bank, { ...b, reserves: b.reserves + amount, income: b.income + amount });
      ctx.deposit(banksEvent('IncomeReceived', { bank, amount, treasury: 0n }));
    },
    writeOff(ctx, bank, principal) {
      const b = getBank(ctx.state, bank);
      if (principal > b.outstanding) throw new Error(`bank ${bank}: writing off ${principal} of ${b.outstanding} outstanding`);
      const r = absorbLoss(b.reserves, principal);
      const covered = principal - r.uncovered;
      // The covered part was minted as principal and now leaves circulation from the reserves.
      if (covered > 0n) udst.burnHeld(ctx, covered);
      if (r.uncovered > 0n) BanksStorage.UnbackedIssuance.set(ctx.state, (BanksStorage.UnbackedIssuance.get(ctx.state) ?? 0n) + r.uncovered);
      putBank(ctx.state, bank, {
        ...b,
        reserves: r.reserves,
        outstanding: b.outstanding - principal,
        writtenOff: b.writtenOff + principal,
        uncoveredLoss: b.uncoveredLoss + r.uncovered,
      });
      ctx.deposit(banksEvent('LossAbsorbed', { bank, loss: principal, covered, uncovered: r.uncovered }));
      return { covered, uncovered: r.uncovered };
    },
  };

  const queries: BanksQueries = {
    info: (st, bank, lender) => {
      const b = BanksStorage.Banks.get(st, bank);
      if (!b) return undefined;
      return bankView(st, bank, b, LOAN_KINDS.map((k) => ({ kind: { tag: k }, params: kindOf(st, bank, k) })), lender);
    },
  };

  const banksPallet = definePallet<BanksGenesis>({
    name: 'Banks',
    index: BANKS_INDEX,
    crate: 'pallet_banks',
    docs: ['Community banks: members, officers, lender shares of reserves, credit ceiling, loan parameters, blacklist.'],
    storage: BANKS_STORAGE_INFOS,
    calls: {
      createBank: call({
        index: 0,
        args: { name: str, bioregion: str, creditCeiling: u128, officer: AccountId32 },
        docs: ['Create a bank with default parameters and one officer (`CreateOrigin`: root; governance later).'],
        weight: () => weightOf(WEIGHTS.calls.createBank),
        dispatch: (ctx, origin, { name, bioregion, creditCeiling, officer }) => {
          ensureOrigin(config.createOrigin, origin, ctx.state);
          const id = createBank(ctx.state, name, bioregion, creditCeiling, defaultBankParams(udstDecimals));
          admit(ctx.state, id, officer, time(ctx.state), true);
          ctx.deposit(banksEvent('BankCreated', { bank: id, name, bioregion, creditCeiling }));
          ctx.deposit(banksEvent('OfficerSet', { bank: id, who: officer, officer: true }));
        },
      }),
      admitMember: call({
        index: 1,
        args: { bank: u32, who: AccountId32 },
        docs: ['Admit a member (an officer of the bank).'],
        weight: () => weightOf(WEIGHTS.calls.admitMember),
        dispatch: (ctx, origin, { bank, who }) => {
          const by = ensureSigned(origin);
          ensureOfficer(ctx.state, bank, by);
          admit(ctx.state, bank, who, time(ctx.state), false);
          ctx.deposit(banksEvent('MemberAdmitted', { bank, who, by }));
        },
      }),
      removeMember: call({
        index: 2,
        args: { bank: u32, who: AccountId32 },
        docs: ['Remove a member who is not an officer (an officer of the bank). Their loans run on.'],
        weight: () => weightOf(WEIGHTS.calls.removeMember),
        dispatch: (ctx, origin, { bank, who }) => {
          const by = ensureSigned(origin);
          ensureOfficer(ctx.state, bank, by);
          const m = BanksStorage.Members.get(ctx.state, bank, who) ?? fail(E.NotMember);
          ensure(!m.officer, E.MemberIsOfficer);
          BanksStorage.Members.remove(ctx.state, bank, who);
          const b = getBank(ctx.state, bank);
          putBank(ctx.state, bank, { ...b, memberCount: b.memberCount - 1 });
          ctx.deposit(banksEvent('MemberRemoved', { bank, who, by }));
        },
      }),
      setOfficer: call({
        index: 3,
        args: { bank: u32, who: AccountId32, officer: bool },
        docs: ['Make a member an officer or end their office (`AdminOrigin`: root; governance later). A non-member made officer is admitted.'],
        weight: () => weightOf(WEIGHTS.calls.setOfficer),
        dispatch: (ctx, origin, { bank, who, officer }) => {
          ensureOrigin(config.adminOrigin, origin, ctx.state);
          setOfficer(ctx.state, bank, who, officer, time(ctx.state));
          ctx.deposit(banksEvent('OfficerSet', { bank, who, officer }));
        },
      }),
      blacklist: call({
        index: 4,
        args: { bank: u32, who: AccountId32 },
        docs: ['Refuse new loans to an account (an officer of the bank).'],
        weight: () => weightOf(WEIGHTS.calls.blacklist),
        dispatch: (ctx, origin, { bank, who }) => {
          const by = ensureSigned(origin);
          ensureOfficer(ctx.state, bank, by);
          ensure(!BanksStorage.Blacklist.contains(ctx.state, bank, who), E.AlreadyBlacklisted);
          BanksStorage.Blacklist.set(ctx.state, bank, who, time(ctx.state));
          ctx.deposit(banksEvent('Blacklisted', { bank, who, by }));
        },
      }),
      unblacklist: call({
        index: 5,
        args: { bank: u32, who: AccountId32 },
        docs: ['Take an account off the blacklist (an officer of the bank).'],
        weight: () => weightOf(WEIGHTS.calls.unblacklist),
        dispatch: (ctx, origin, { bank, who }) => {
          const by = ensureSigned(origin);
          ensureOfficer(ctx.state, bank, by);
          ensure(BanksStorage.Blacklist.contains(ctx.state, bank, who), E.NotBlacklisted);
          BanksStorage.Blacklist.remove(ctx.state, bank, who);
          ctx.deposit(banksEvent('Unblacklisted', { bank, who, by }));
        },
      }),
      deposit: call({
        index: 6,
        args: { bank: u32, amount: compactU128 },
        docs: ['Deposit UDST into the reserves for shares: `amount · totalShares / reserves`, rounded down; the first deposit 1:1.'],
        weight: () => weightOf(WEIGHTS.calls.deposit),
        dispatch: (ctx, origin, { bank, amount }) => {
          const who = ensureSigned(origin);
          const shares = deposit(ctx, bank, who, amount);
          ctx.deposit(banksEvent('Deposited', { bank, who, amount, shares }));
        },
      }),
      withdraw: call({
        index: 7,
        args: { bank: u32, shares: compactU128 },
        docs: ['Redeem shares for `shares · reserves / totalShares` UDST (rounded down), from reserves not needed to back outstanding credit.'],
        weight: () => weightOf(WEIGHTS.calls.withdraw),
        dispatch: (ctx, origin, { bank, shares }) => {
          const who = ensureSigned(origin);
          ensure(shares > 0n, E.ZeroAmount);
          const b = getBank(ctx.state, bank);
          const held = BanksStorage.Shares.get(ctx.state, bank, who) ?? 0n;
          ensure(shares <= held, E.InsufficientShares);
          const amount = amountForShares(shares, b.totalShares, b.reserves);
          ensure(amount <= freeReserves(b.reserves, b.outstanding, b.params.leverageCapBps), E.InsufficientFreeReserves, `shares worth ${amount}, free reserves ${freeReserves(b.reserves, b.outstanding, b.params.leverageCapBps)}`);
          if (held === shares) BanksStorage.Shares.remove(ctx.state, bank, who);
          else BanksStorage.Shares.set(ctx.state, bank, who, held - shares);
          putBank(ctx.state, bank, { ...b, reserves: b.reserves - amount, totalShares: b.totalShares - shares });
          if (amount > 0n) udst.credit(ctx, who, amount);
          ctx.deposit(banksEvent('Withdrawn', { bank, who, amount, shares }));
        },
      }),
      setCreditCeiling: call({
        index: 8,
        args: { bank: u32, creditCeiling: u128 },
        docs: ['Change a bank\'s credit ceiling within its bounds and step (`AdminOrigin`: root; governance later).'],
        weight: () => weightOf(WEIGHTS.calls.setCreditCeiling),
        dispatch: (ctx, origin, { bank, creditCeiling }) => {
          ensureOrigin(config.adminOrigin, origin, ctx.state);
          const b = getBank(ctx.state, bank);
          const v = checkParams({ creditCeiling }, { creditCeiling: ceilingBound }, { creditCeiling: b.creditCeiling });
          if (v) fail(violationError(v), `creditCeiling = ${creditCeiling} refused: ${v.reason}`);
          putBank(ctx.state, bank, { ...b, creditCeiling });
          ctx.deposit(banksEvent('CreditCeilingSet', { bank, creditCeiling }));
        },
      }),
      setParams: call({
        index: 9,
        args: { bank: u32, params: BankParams },
        docs: ['Change a bank\'s parameters within their bounds and steps (`AdminOrigin`: root; governance later).'],
        weight: () => weightOf(WEIGHTS.calls.setParams),
        dispatch: (ctx, origin, { bank, params }) => {
          ensureOrigin(config.adminOrigin, origin, ctx.state);
          const b = getBank(ctx.state, bank);
          const v = checkParams(params, bankBounds, b.params);
          if (v) fail(violationError(v), `${v.field} = ${v.value} refused: ${v.reason}`);
          putBank(ctx.state, bank, { ...b, params });
          ctx.deposit(banksEvent('ParamsSet', { bank, params }));
        },
      }),
      setKindParams: call({
        index: 10,
        args: { bank: u32, kind: LoanKind, params: KindParams },
        docs: ['Change a bank\'s parameters of one loan kind within their bounds and steps (`AdminOrigin`: root; governance later).'],
        weight: () => weightOf(WEIGHTS.calls.setKindParams),
        dispatch: (ctx, origin, { bank, kind, params }) => {
          ensureOrigin(config.adminOrigin, origin, ctx.state);
          getBank(ctx.state, bank);
          const v = checkParams(params, kindBounds, kindOf(ctx.state, bank, kind.tag));
          if (v) fail(violationError(v), `${v.field} = ${v.value} refused: ${v.reason}`);
          BanksStorage.Kinds.set(ctx.state, bank, kind, params);
          ctx.deposit(banksEvent('KindParamsSet', { bank, kind, params }));
        },
      }),
    },
    events: BanksEvents,
    errors: BanksErrors,
    constants: [
      { name: 'MaxNameBytes', codec: u32, value: MAX_NAME_BYTES, docs: ['Longest bank name or bioregion (bytes).'] },
    ],
    hooks: {
      tryState: (st) => checkBankInvariants(st, udst),
    },
    genesis(st, g) {
      const ctx = genesisContext(st);
      for (const [i, bg] of g.banks.entries()) {
        const params = { ...defaultBankParams(udstDecimals), ...bg.params };
        const id = createBank(st, bg.name, bg.bioregion, bg.creditCeiling, params);
        for (const [k, kp] of Object.entries(bg.kinds ?? {}) as Array<[LoanKindName, Partial<KindParamsValue>]>) {
          const full = { ...defaultKindParams(udstDecimals), ...kp };
          const v = checkParams(full, kindBounds);
          if (v) throw new Error(`genesis bank ${i}: kind ${k}: ${v.field} = ${v.value} outside its bounds`);
          BanksStorage.Kinds.set(st, id, { tag: k }, full);
        }
        for (const o of bg.officers) admit(st, id, o, 0n, true);
        for (const m of bg.members) if (!bg.officers.some((o) => equalBytes(o, m))) admit(st, id, m, 0n, false);
        if (bg.reserves > 0n) {
          // Genesis reserves mint shares to their holder (banks/README.md): reserves without holders would go to the
          // first depositor.
          udst.mint(ctx, bg.reservesHolder, bg.reserves);
          deposit(ctx, id, bg.reservesHolder, bg.reserves);
        }
      }
      // Everything in circulation at genesis (endowed accounts, genesis reserves) is unbacked by loans.
      if (g.banks.length > 0) BanksStorage.UnbackedIssuance.set(st, udst.totalIssuance(st));
    },
  });
  const pallet = Object.assign(banksPallet, { queries });
  return { pallet, api, queries };
}
