/**
 * The worst case of every call and hook, for the weights benchmark (bench/weights.ts) and its test
 * (test/unit/runtime/weights.test.ts runs each once and checks it succeeds).
 *
 * One world is built (genesis + a few committed setup blocks), then each scenario names the state its call needs
 * and returns the measured operation. Worst case means: the largest vectors the bounds allow, the deepest scans,
 * the most storage reads and writes and events a successful call can make (a failing call does less). Every
 * measured block is opened on the committed state and discarded, so each repetition sees the same state.
 */
import { TREASURY_ACCOUNT, XFG, type GenesisConfig } from '../../src/chain/index.js';
import { originToCaller, type Origin } from '../../src/runtime/dispatch.js';
import type { BlockExecution } from '../../src/runtime/runtime.js';
import { LoansStorage } from '../../src/pallets/loans/index.js';
import { BanksStorage } from '../../src/pallets/banks/index.js';
import { OracleStorage } from '../../src/pallets/oracle/index.js';
import { AuctionsStorage } from '../../src/pallets/auctions/index.js';
import { schedulerStorage } from '../../src/pallets/scheduler/storage.js';
import type { ScheduledValue } from '../../src/pallets/scheduler/types.js';
import { TimestampStorage } from '../../src/pallets/timestamp/index.js';
import { actor, BenchChain, NONE, ROOT, signed } from './weights-harness.js';

/** One UDST (6 decimals). */
const U = 1_000_000n;
/** The oracle's 1.0 (FixedU128). */
const PRICE_ONE = 1_000_000_000_000_000_000n;
const DAY = 86_400_000n;
/** XFG in one bench certificate: 16 of them (the most a loan pledges) back a 1,001-UDST loan at 176 %. */
const CERT_XFG = 110n * XFG;
/** A loan above the auto-approval limit (1,000 UDST), so it always goes through review. */
const LOAN = 1_001n * U;

/** The measured operation of a call scenario. */
export interface Measured {
  origin: Origin;
  args: Record<string, unknown>;
  /** The block's timestamp inherent (`null`: none; default the chain's next block time). */
  timestamp?: bigint | null;
  /** Untimed: runs in the measured block before the call (and in the baseline block). */
  prepare?: (exec: BlockExecution) => void;
}

/** A call's worst case. */
export interface CallScenario {
  pallet: string;
  call: string;
  /** What makes this the worst case (written into the generated file). */
  worst: string;
  /** The argument the cost scales with: measured at `low` and `high` items, fitted linearly. */
  component?: { item: string; low: number; high: number };
  /** Commit what the call needs; returns the measured operation for `n` items (n = 0 without a component). */
  setup(w: World): (n: number) => Measured;
  /**
   * Weight the call's weight function adds to its measured figure for these arguments: the wrapped call's own weight
   * (`sudo(call)` weighs its overhead plus `call`'s, as FRAME's `sudo`).
   */
  added?(w: World, m: Measured): bigint;
}

/** A hook's worst case: the block's `initialize` (or one hook) timed at `low` and `high` items. */
export interface HookScenario {
  pallet: string;
  hook: 'onInitialize' | 'onFinalize';
  worst: string;
  component?: { item: string; low: number; high: number };
  /** Stage the state for `n` items in the measured block before `initialize`. */
  before?(w: World, n: number): (exec: BlockExecution) => void;
  /** For hooks timed alone (no `before`): run the hook in an open block. */
  run?(w: World, exec: BlockExecution): void;
  /** With `run`: stage the state for `n` items in the open block first (untimed). */
  stage?(w: World, n: number): (exec: BlockExecution) => void;
  /** A fresh world for this hook (e.g. the first block after genesis); default the shared one. */
  fresh?: boolean;
}

/** Bench actors (32-byte ids, no keys). */
export const A = {
  validator: actor(0),
  officer: actor(1),
  /** Rich in XFG and UDST; pays and receives. */
  rich: actor(2),
  bidder: actor(3),
  feeders: Array.from({ length: 32 }, (_, i) => actor(100 + i)),
  newFeeders: Array.from({ length: 32 }, (_, i) => actor(150 + i)),
  /** Owns 64 certificates (the most an owner may hold). */
  fullOwner: actor(300),
  /** Owns 63 certificates. */
  owner63: actor(301),
  /** Borrowers: 64 certificates each (four loans of 16). */
  borrowers: Array.from({ length: 20 }, (_, i) => actor(400 + i)),
  /** Holds the sudo key. */
  sudoKey: actor(5),
  /** A counter for accounts that do not exist yet. */
  fresh: (n: number) => actor(10_000 + n),
};

/** The shared world: the chain, its certificates, its loans. */
export class World {
  readonly chain: BenchChain;
  /** Certificate ids by owner (hex of the first bytes) in id order. */
  readonly certs = new Map<Uint8Array, bigint[]>();
  /** Loans by name. */
  readonly loans = new Map<string, { id: bigint; borrower: Uint8Array; certificates: bigint[] }>();
  /** Scan loans examined at most (`maxChecksPerBlock` bound of the scan scenario). */
  readonly scanLoans: number;
  private nextCert = 0n;

  /**
   * `scanLoans`: open loans for the scan (default 64, a multiple of 4); `genesisOnly`: stop after genesis (no block,
   * no loan), for the first block's hooks.
   */
  constructor(o: { scanLoans?: number; genesisOnly?: boolean } = {}) {
    this.scanLoans = o.scanLoans ?? 64;
    const certificates: Array<{ owner: Uint8Array; xfg: bigint }> = [];
    const give = (owner: Uint8Array, count: number) => {
      const ids: bigint[] = [];
      for (let i = 0; i < count; i++) {
        certificates.push({ owner, xfg: CERT_XFG });
        ids.push(this.nextCert++);
      }
      this.certs.set(owner, ids);
    };
    give(A.fullOwner, 64);
    give(A.owner63, 63);
    // Loans of the scan: 16 certificates each, four per borrower; two more borrowers for the call scenarios.
    const scanBorrowers = Math.ceil(this.scanLoans / 4);
    const borrowers = A.borrowers.slice(0, scanBorrowers + 3);
    for (const b of borrowers) give(b, 64);
    const everyone = [A.officer, A.rich, A.bidder, ...A.feeders, A.fullOwner, A.owner63, ...borrowers];
    const genesis: GenesisConfig = {
      balances: { balances: [...everyone.map((a) => [a, 1_000_000n * XFG] as [Uint8Array, bigint]), [TREASURY_ACCOUNT, XFG]] },
      validatorSet: { validators: [{ account: A.validator, sessionKey: A.validator, peerId: new Uint8Array() }] },
      udst: { balances: [A.rich, A.bidder, ...borrowers].map((a) => [a, 1_000_000n * U] as [Uint8Array, bigint]) },
      oracle: { feeders: A.feeders, values: A.feeders.map((f) => [f, PRICE_ONE] as [Uint8Array, bigint]) },
      banks: {
        banks: [
          {
            name: 'Bench Bank',
            bioregion: 'Bench',
            creditCeiling: 100_000_000n * U,
            officers: [A.officer],
            members: [A.officer, A.rich, ...borrowers],
            reserves: 10_000_000n * U,
            reservesHolder: A.rich,
          },
        ],
      },
      certificates: { certificates },
      loans: {},
      sudo: { key: A.sudoKey },
    };
    this.chain = new BenchChain(genesis);
    if (o.genesisOnly) return;
    // Block 1 stamps the genesis prices.
    this.block(() => {});
    // The scan's loans (and the call scenarios' loans, below), drawn in a few blocks.
    const perBlock = 16;
    const specs: Array<{ name: string; borrower: Uint8Array; certs: bigint[] }> = [];
    for (let k = 0; k < this.scanLoans; k++) {
      const b = borrowers[Math.floor(k / 4)];
      specs.push({ name: `scan${k}`, borrower: b, certs: this.certs.get(b)!.slice((k % 4) * 16, (k % 4) * 16 + 16) });
    }
    const callBorrower = borrowers[scanBorrowers];
    const cb = this.certs.get(callBorrower)!;
    // L16: 16 certificates, full history. L15: 15 certificates (one more may be added). LR: a restructuring waits.
    specs.push({ name: 'L16', borrower: callBorrower, certs: cb.slice(0, 16) });
    specs.push({ name: 'L15', borrower: callBorrower, certs: cb.slice(16, 31) });
    specs.push({ name: 'LR', borrower: callBorrower, certs: cb.slice(32, 48) });
    for (let i = 0; i < specs.length; i += perBlock) {
      this.block((exec) => {
        for (const s of specs.slice(i, i + perBlock)) this.loans.set(s.name, { id: this.drawLoan(exec, s.borrower, s.certs), borrower: s.borrower, certificates: s.certs });
      });
    }
    const l16 = this.loans.get('L16')!;
    const lr = this.loans.get('LR')!;
    this.block((exec) => {
      // MAX_HISTORY (16) payments: the next one folds the oldest into the summary.
      for (let i = 0; i < 16; i++) this.chain.dispatch(exec, signed(l16.borrower), 'Loans', 'repay', { loanId: l16.id, amount: U });
      // 30 days is above the automatic limit (14): the request waits for an officer.
      this.chain.dispatch(exec, signed(lr.borrower), 'Loans', 'requestRestructure', { loanId: lr.id, extraDays: 30 });
      // The scan's own cost is measured by its hook scenario (which sets the bound itself); the blocks the calls are
      // measured in check one loan, so their setup stays small.
      this.chain.dispatch(exec, ROOT, 'Loans', 'setParams', { params: { ...LoansStorage.Params.get(exec.state), maxChecksPerBlock: 1n } });
    });
  }

  /** The runtime. */
  get runtime() {
    return this.chain.runtime;
  }

  /** A constant of a pallet's metadata. */
  constant<T>(pallet: string, name: string): T {
    const c = this.runtime.pallet(pallet)?.constants.find((x) => x.name === name);
    if (!c) throw new Error(`no constant ${pallet}.${name}`);
    return c.value as T;
  }

  /** Commit a block; every feeder feeds 1.0 first so the price stays fresh. */
  block(fn: (exec: BlockExecution) => void): void {
    this.chain.block((exec) => {
      this.feedAll(exec, PRICE_ONE);
      fn(exec);
    });
  }

  /** Every feeder feeds `price` in `exec` (at its block time). */
  feedAll(exec: BlockExecution, price: bigint): void {
    for (const f of A.feeders) this.chain.dispatch(exec, signed(f), 'Oracle', 'feed', { price });
  }

  /** Apply for a 1,001-UDST loan, review, approve and draw it in `exec`; returns its id. */
  drawLoan(exec: BlockExecution, borrower: Uint8Array, certificates: bigint[]): bigint {
    const id = this.apply(exec, borrower, certificates);
    this.chain.dispatch(exec, signed(A.officer), 'Loans', 'startReview', { applicationId: id });
    this.chain.dispatch(exec, signed(A.officer), 'Loans', 'approve', { applicationId: id });
    this.chain.dispatch(exec, signed(borrower), 'Loans', 'draw', { applicationId: id });
    return id;
  }

  /** Apply for a 1,001-UDST loan (pending: above the auto-approval limit); returns the application id. */
  apply(exec: BlockExecution, borrower: Uint8Array, certificates: bigint[]): bigint {
    const id = LoansStorage.NextId.get(exec.state);
    this.chain.dispatch(exec, signed(borrower), 'Loans', 'apply', applyArgs(certificates, 0));
    return id;
  }

  /** A certificate-free borrower's unpledged certificates (the last 16 of the call borrower's 64). */
  get freeCerts(): { borrower: Uint8Array; certs: bigint[] } {
    const b = this.loans.get('L16')!.borrower;
    return { borrower: b, certs: this.certs.get(b)!.slice(48, 64) };
  }
}

/** A loan application; `amount` defaults to {@link LOAN} (16 certificates at 176 %). */
function applyArgs(certificates: bigint[], purposeBytes: number, amount = LOAN): Record<string, unknown> {
  return { bank: 0, kind: { tag: 'General' }, amount, termDays: 90, certificates, purpose: new Uint8Array(purposeBytes).fill(0x61) };
}

/** Far enough ahead that every 90-day loan is past its due date and grace: checking one defaults it. */
const FAR = 200n * DAY;

let freshCount = 0;
const fresh = () => A.fresh(freshCount++);

/** A block far ahead whose agenda holds MaxScheduledPerBlock − 1 tasks (the next one is placed at the end). */
const AGENDA_ALMOST_FULL = 1_000_000;
/** A block far ahead whose agenda is full (MaxScheduledPerBlock tasks). */
const AGENDA_FULL = 1_000_001;
/** When the tasks waiting for a time are due: far past every block the benchmark builds. */
const FAR_TIME = 1_700_000_000_000n + 100_000n * DAY;

/** A 32-byte task name. */
function taskName(tag: number, i: number): Uint8Array {
  const id = new Uint8Array(32);
  id[0] = tag;
  new DataView(id.buffer).setUint32(1, i);
  return id;
}

/** The longest call a task may carry (`System.remark` of MaxCallLength bytes encoded), as the value of a call argument. */
function longestCall(w: World): unknown {
  const max = w.constant<number>('Scheduler', 'MaxCallLength');
  for (let n = max; n > 0; n--) {
    const bytes = w.runtime.encodeCall('System', 'remark', { remark: new Uint8Array(n).fill(0x72) });
    if (bytes.length <= max) return w.runtime.callCodec.decode(bytes);
  }
  throw new Error('no remark fits MaxCallLength');
}

/** The cheapest call to wrap (an empty `System.remark`): the wrapper's own work is what is measured. */
function emptyRemark(w: World): unknown {
  return w.runtime.callCodec.decode(w.runtime.encodeCall('System', 'remark', { remark: new Uint8Array() }));
}

/**
 * The Scheduler's worst-case state, committed once: MaxTimeScheduled − 1 named tasks waiting for a time (each name
 * check scans them all; one more may still wait), an agenda one short of full and a full one, every task named,
 * periodic and carrying the longest call.
 */
const schedulerReady = new WeakSet<World>();
function schedulerState(w: World): void {
  if (schedulerReady.has(w)) return;
  schedulerReady.add(w);
  const call = longestCall(w);
  const perBlock = w.constant<number>('Scheduler', 'MaxScheduledPerBlock');
  const waiting = w.constant<number>('Scheduler', 'MaxTimeScheduled') - 1;
  w.block((exec) => {
    for (let i = 0; i < waiting; i++) {
      w.chain.dispatch(exec, ROOT, 'Scheduler', 'scheduleNamedAtTime', { id: taskName(1, i), time: FAR_TIME + BigInt(i), priority: 0, call });
    }
  });
  w.block((exec) => {
    for (let i = 0; i < perBlock - 1; i++) {
      w.chain.dispatch(exec, ROOT, 'Scheduler', 'scheduleNamed', { id: taskName(2, i), when: AGENDA_ALMOST_FULL, maybePeriodic: [10, 100], priority: 0, call });
    }
  });
  w.block((exec) => {
    for (let i = 0; i < perBlock; i++) {
      w.chain.dispatch(exec, ROOT, 'Scheduler', 'scheduleNamed', { id: taskName(3, i), when: AGENDA_FULL, maybePeriodic: [10, 100], priority: 0, call });
    }
  });
}

/** The measured block's number (the next block on the committed chain). */
const nextBlock = (w: World) => w.chain.head.header.number + 1;

/** Every call's worst case. */
export const CALL_SCENARIOS: CallScenario[] = [
  // System
  {
    pallet: 'System',
    call: 'remark',
    worst: 'signed origin; the bytes are only carried (their length is paid by the length fee)',
    component: { item: 'byte of `remark`', low: 0, high: 1 << 20 },
    setup: () => (n) => ({ origin: signed(A.rich), args: { remark: new Uint8Array(n) } }),
  },
  {
    pallet: 'System',
    call: 'remarkWithEvent',
    worst: 'signed origin; blake2-256 of the bytes and a `Remarked` event',
    component: { item: 'byte of `remark`', low: 0, high: 1 << 20 },
    setup: () => (n) => ({ origin: signed(A.rich), args: { remark: new Uint8Array(n).fill(7) } }),
  },
  // Timestamp
  {
    pallet: 'Timestamp',
    call: 'set',
    worst: 'the inherent in a block that has none yet: two reads, two writes',
    setup: (w) => () => ({ origin: NONE, args: { now: w.chain.time }, timestamp: null }),
  },
  // Balances
  {
    pallet: 'Balances',
    call: 'transferAllowDeath',
    worst: 'the sender is reaped (dust burnt, issuance written) and the recipient created',
    setup: (w) => {
      const from = fresh();
      w.block((exec) => w.chain.dispatch(exec, signed(A.rich), 'Balances', 'transferKeepAlive', { dest: { tag: 'Id', value: from }, value: 2n * XFG }));
      return () => ({ origin: signed(from), args: { dest: { tag: 'Id', value: fresh() }, value: 2n * XFG - XFG / 1_000n } });
    },
  },
  {
    pallet: 'Balances',
    call: 'forceTransfer',
    worst: 'as transfer_allow_death: the source is reaped and the recipient created',
    setup: (w) => {
      const from = fresh();
      w.block((exec) => w.chain.dispatch(exec, signed(A.rich), 'Balances', 'transferKeepAlive', { dest: { tag: 'Id', value: from }, value: 2n * XFG }));
      return () => ({ origin: ROOT, args: { source: { tag: 'Id', value: from }, dest: { tag: 'Id', value: fresh() }, value: 2n * XFG - XFG / 1_000n } });
    },
  },
  {
    pallet: 'Balances',
    call: 'transferKeepAlive',
    worst: 'the recipient is created',
    setup: () => () => ({ origin: signed(A.rich), args: { dest: { tag: 'Id', value: fresh() }, value: XFG } }),
  },
  {
    pallet: 'Balances',
    call: 'transferAll',
    worst: 'keep_alive false: the sender is emptied and reaped, the recipient created',
    setup: (w) => {
      const from = fresh();
      w.block((exec) => w.chain.dispatch(exec, signed(A.rich), 'Balances', 'transferKeepAlive', { dest: { tag: 'Id', value: from }, value: 2n * XFG }));
      return () => ({ origin: signed(from), args: { dest: { tag: 'Id', value: fresh() }, keepAlive: false } });
    },
  },
  {
    pallet: 'Balances',
    call: 'forceSetBalance',
    worst: 'an existing account set below the existential deposit: reaped, issuance rewritten',
    setup: (w) => {
      const who = fresh();
      w.block((exec) => w.chain.dispatch(exec, signed(A.rich), 'Balances', 'transferKeepAlive', { dest: { tag: 'Id', value: who }, value: 2n * XFG }));
      return () => ({ origin: ROOT, args: { who: { tag: 'Id', value: who }, newFree: 0n } });
    },
  },
  // Udst
  {
    pallet: 'Udst',
    call: 'transfer',
    worst: 'the recipient holds no UDST yet',
    setup: () => () => ({ origin: signed(A.rich), args: { dest: { tag: 'Id', value: fresh() }, amount: U } }),
  },
  // Oracle
  {
    pallet: 'Oracle',
    call: 'feed',
    worst: 'the last of 32 feeders (MaxFeeders): the membership check reads the whole set',
    setup: () => () => ({ origin: signed(A.feeders[31]), args: { price: PRICE_ONE } }),
  },
  {
    pallet: 'Oracle',
    call: 'setFeeders',
    worst: 'all 32 current feeders replaced (each value deleted) by a new set',
    component: { item: 'feeder in the new set', low: 2, high: 32 },
    setup: () => (n) => ({ origin: ROOT, args: { feeders: A.newFeeders.slice(0, n) } }),
  },
  {
    pallet: 'Oracle',
    call: 'setParams',
    worst: 'every parameter checked against its bounds and step; the feeder count read',
    setup: (w) => () => ({ origin: ROOT, args: { params: OracleStorage.Params.get(w.chain.trie) } }),
  },
  // Certificates
  {
    pallet: 'Certificates',
    call: 'lock',
    worst: 'the owner holds 63 certificates (the count check passes at the bound); valued at the 32-feeder price',
    setup: () => () => ({ origin: signed(A.owner63), args: { xfg: CERT_XFG } }),
  },
  {
    pallet: 'Certificates',
    call: 'unlock',
    worst: 'the owner holds 64 certificates; the reserve is released',
    setup: (w) => () => ({ origin: signed(A.fullOwner), args: { id: w.certs.get(A.fullOwner)![0] } }),
  },
  {
    pallet: 'Certificates',
    call: 'transfer',
    worst: 'from an owner of 64 to an owner of 63: unreserve, transfer, reserve, both owner indexes rewritten',
    setup: (w) => () => ({ origin: signed(A.fullOwner), args: { id: w.certs.get(A.fullOwner)![1], dest: { tag: 'Id', value: A.owner63 } } }),
  },
  // Banks
  {
    pallet: 'Banks',
    call: 'createBank',
    worst: 'name and bioregion of MaxNameBytes; the officer admitted',
    setup: (w) => {
      const max = w.constant<number>('Banks', 'MaxNameBytes');
      return () => ({ origin: ROOT, args: { name: 'n'.repeat(max), bioregion: 'b'.repeat(max), creditCeiling: 1_000_000n * U, officer: fresh() } });
    },
  },
  {
    pallet: 'Banks',
    call: 'admitMember',
    worst: 'a new member admitted by an officer',
    setup: () => () => ({ origin: signed(A.officer), args: { bank: 0, who: fresh() } }),
  },
  {
    pallet: 'Banks',
    call: 'removeMember',
    worst: 'a member who is not an officer removed by an officer',
    setup: () => () => ({ origin: signed(A.officer), args: { bank: 0, who: A.rich } }),
  },
  {
    pallet: 'Banks',
    call: 'setOfficer',
    worst: 'a non-member made officer: admitted as well',
    setup: () => () => ({ origin: ROOT, args: { bank: 0, who: fresh(), officer: true } }),
  },
  {
    pallet: 'Banks',
    call: 'blacklist',
    worst: 'an account put on the blacklist by an officer',
    setup: () => () => ({ origin: signed(A.officer), args: { bank: 0, who: fresh() } }),
  },
  {
    pallet: 'Banks',
    call: 'unblacklist',
    worst: 'a blacklisted account taken off by an officer',
    setup: (w) => {
      const who = fresh();
      w.block((exec) => w.chain.dispatch(exec, signed(A.officer), 'Banks', 'blacklist', { bank: 0, who }));
      return () => ({ origin: signed(A.officer), args: { bank: 0, who } });
    },
  },
  {
    pallet: 'Banks',
    call: 'deposit',
    worst: 'a lender who already holds shares: UDST debited, shares and bank rewritten',
    setup: () => () => ({ origin: signed(A.rich), args: { bank: 0, amount: 1_000n * U } }),
  },
  {
    pallet: 'Banks',
    call: 'withdraw',
    worst: 'part of a holding redeemed against free reserves: UDST credited',
    setup: () => () => ({ origin: signed(A.rich), args: { bank: 0, shares: 1_000n * U } }),
  },
  {
    pallet: 'Banks',
    call: 'setCreditCeiling',
    worst: 'a change within the bound and step',
    setup: () => () => ({ origin: ROOT, args: { bank: 0, creditCeiling: 150_000_000n * U } }),
  },
  {
    pallet: 'Banks',
    call: 'setParams',
    worst: 'every parameter checked against its bounds and step',
    setup: (w) => () => ({ origin: ROOT, args: { bank: 0, params: BanksStorage.Banks.get(w.chain.trie, 0)!.params } }),
  },
  {
    pallet: 'Banks',
    call: 'setKindParams',
    worst: 'every parameter of a kind checked against its bounds and step',
    setup: () => () => ({ origin: ROOT, args: { bank: 0, kind: { tag: 'General' }, params: { maxAmount: 100_000n * U, minCollateralRatioBps: 15_000n, maxTermDays: 365n, baseRateBps: 1_200n } } }),
  },
  // Loans
  {
    pallet: 'Loans',
    call: 'apply',
    worst: 'MaxPurposeBytes of purpose; every certificate read and checked; collateral valued at the 32-feeder price',
    component: { item: 'certificate offered', low: 1, high: 16 },
    setup: (w) => {
      const max = w.constant<number>('Loans', 'MaxPurposeBytes');
      const { borrower, certs } = w.freeCerts;
      // 60 UDST per certificate of 110 XFG (183 % at 1.0), so one certificate backs its loan as well.
      return (n) => ({ origin: signed(borrower), args: applyArgs(certs.slice(0, n), max, BigInt(n) * 60n * U) });
    },
  },
  {
    pallet: 'Loans',
    call: 'startReview',
    worst: 'a pending application of 16 certificates taken under review by an officer',
    setup: (w) => {
      const { borrower, certs } = w.freeCerts;
      let id = 0n;
      w.block((exec) => (id = w.apply(exec, borrower, certs)));
      return () => ({ origin: signed(A.officer), args: { applicationId: id } });
    },
  },
  {
    pallet: 'Loans',
    call: 'approve',
    worst: 'an application of 16 certificates under review approved by an officer',
    setup: (w) => {
      const { borrower, certs } = w.freeCerts;
      let id = 0n;
      w.block((exec) => {
        id = w.apply(exec, borrower, certs);
        w.chain.dispatch(exec, signed(A.officer), 'Loans', 'startReview', { applicationId: id });
      });
      return () => ({ origin: signed(A.officer), args: { applicationId: id } });
    },
  },
  {
    pallet: 'Loans',
    call: 'reject',
    worst: 'an application of 16 certificates under review rejected by an officer',
    setup: (w) => {
      const { borrower, certs } = w.freeCerts;
      let id = 0n;
      w.block((exec) => {
        id = w.apply(exec, borrower, certs);
        w.chain.dispatch(exec, signed(A.officer), 'Loans', 'startReview', { applicationId: id });
      });
      return () => ({ origin: signed(A.officer), args: { applicationId: id } });
    },
  },
  {
    pallet: 'Loans',
    call: 'draw',
    worst: 'an approved application of 16 certificates: each checked and pledged, UDST minted, fee to reserves, loan evaluated',
    setup: (w) => {
      const { borrower, certs } = w.freeCerts;
      let id = 0n;
      w.block((exec) => {
        id = w.apply(exec, borrower, certs);
        w.chain.dispatch(exec, signed(A.officer), 'Loans', 'startReview', { applicationId: id });
        w.chain.dispatch(exec, signed(A.officer), 'Loans', 'approve', { applicationId: id });
      });
      return () => ({ origin: signed(borrower), args: { applicationId: id } });
    },
  },
  {
    pallet: 'Loans',
    call: 'repay',
    worst: 'a partial payment on a loan of 16 certificates with a full history (the oldest payment folded), then evaluated',
    setup: (w) => {
      const l = w.loans.get('L16')!;
      return () => ({ origin: signed(l.borrower), args: { loanId: l.id, amount: U } });
    },
  },
  {
    pallet: 'Loans',
    call: 'repayAll',
    worst: 'the loan of 16 certificates and a full history closed: every certificate released, reputation written',
    setup: (w) => {
      const l = w.loans.get('L16')!;
      return () => ({ origin: signed(l.borrower), args: { loanId: l.id } });
    },
  },
  {
    pallet: 'Loans',
    call: 'addCollateral',
    worst: 'the 16th certificate pledged to a loan of 15, then evaluated over all 16',
    setup: (w) => {
      const l = w.loans.get('L15')!;
      const spare = w.certs.get(l.borrower)![31];
      return () => ({ origin: signed(l.borrower), args: { loanId: l.id, certificate: spare } });
    },
  },
  {
    pallet: 'Loans',
    call: 'withdrawCollateral',
    worst: 'one of 16 certificates released after valuing the other 15, then evaluated',
    setup: (w) => {
      const l = w.loans.get('L16')!;
      return () => ({ origin: signed(l.borrower), args: { loanId: l.id, certificate: l.certificates[15] } });
    },
  },
  {
    pallet: 'Loans',
    call: 'check',
    worst: 'a loan of 16 certificates found in default: reputation written, the whole collateral sent to a new auction',
    setup: (w) => {
      const l = w.loans.get('L16')!;
      const at = w.chain.time + FAR;
      return () => ({ origin: signed(A.rich), args: { loanId: l.id }, timestamp: at, prepare: (exec) => w.feedAll(exec, PRICE_ONE) });
    },
  },
  {
    pallet: 'Loans',
    call: 'requestRestructure',
    worst: 'granted automatically: collateral of 16 certificates valued, fee charged, reputation written, loan evaluated',
    setup: (w) => {
      const l = w.loans.get('L16')!;
      return () => ({ origin: signed(l.borrower), args: { loanId: l.id, extraDays: 14 } });
    },
  },
  {
    pallet: 'Loans',
    call: 'approveRestructure',
    worst: 'a waiting request granted by an officer: fee charged, reputation written, loan of 16 certificates evaluated',
    setup: (w) => {
      const l = w.loans.get('LR')!;
      return () => ({ origin: signed(A.officer), args: { loanId: l.id } });
    },
  },
  {
    pallet: 'Loans',
    call: 'rejectRestructure',
    worst: 'a waiting request refused by an officer',
    setup: (w) => {
      const l = w.loans.get('LR')!;
      return () => ({ origin: signed(A.officer), args: { loanId: l.id } });
    },
  },
  {
    pallet: 'Loans',
    call: 'cancel',
    worst: 'an application of 16 certificates withdrawn by its borrower',
    setup: (w) => {
      const { borrower, certs } = w.freeCerts;
      let id = 0n;
      w.block((exec) => (id = w.apply(exec, borrower, certs)));
      return () => ({ origin: signed(borrower), args: { applicationId: id } });
    },
  },
  {
    pallet: 'Loans',
    call: 'setParams',
    worst: 'every parameter checked against its bounds, step and the consistency rules',
    setup: (w) => () => ({ origin: ROOT, args: { params: LoansStorage.Params.get(w.chain.trie) } }),
  },
  // Auctions
  {
    pallet: 'Auctions',
    call: 'bid',
    worst:
      'a bid taking the whole lot of a defaulted loan whose 16 certificates are worth less than its tab: all 16 seized, ' +
      'the auction ended, the rest of the debt written off against reserves and the loan closed',
    setup: (w) => {
      const l = w.loans.get('L16')!;
      const at = w.chain.time + FAR;
      return () => ({
        origin: signed(A.bidder),
        args: { auctionId: 0n, maxXfg: 1_000_000n * XFG, maxPrice: 1_000n * PRICE_ONE },
        timestamp: at,
        prepare: (exec) => {
          // 0.3 UDST per XFG: 16 × 110 XFG ≈ 528 UDST at most, less than the 1,001-UDST debt.
          w.feedAll(exec, (PRICE_ONE * 3n) / 10n);
          // No auction was ever committed: the check starts auction 0.
          w.chain.dispatch(exec, signed(A.rich), 'Loans', 'check', { loanId: l.id });
          if (AuctionsStorage.Auctions.get(exec.state, 0n) === undefined) throw new Error('bid scenario: the check started no auction 0');
        },
      });
    },
  },
  {
    pallet: 'Auctions',
    call: 'setParams',
    worst: 'every parameter checked against its bounds and step',
    setup: (w) => () => ({ origin: ROOT, args: { params: AuctionsStorage.Params.get(w.chain.trie) } }),
  },
  // Scheduler
  ...(['schedule', 'scheduleNamed', 'scheduleAfter', 'scheduleNamedAfter'] as const).map(
    (name): CallScenario => ({
      pallet: 'Scheduler',
      call: name,
      worst:
        'the longest call (MaxCallLength bytes), periodic, placed at the end of an agenda of MaxScheduledPerBlock − 1 such tasks' +
        (name.includes('Named') ? '; the name checked against the lookup and MaxTimeScheduled − 1 named tasks waiting for a time' : ''),
      setup: (w) => {
        schedulerState(w);
        const call = longestCall(w);
        return () => {
          const when = name.endsWith('After') ? { after: AGENDA_ALMOST_FULL - nextBlock(w) - 1 } : { when: AGENDA_ALMOST_FULL };
          const id = name.includes('Named') ? { id: taskName(9, 0) } : {};
          return { origin: ROOT, args: { ...id, ...when, maybePeriodic: [10, 100], priority: 0, call } };
        };
      },
    }),
  ),
  ...(['scheduleAtTime', 'scheduleNamedAtTime'] as const).map(
    (name): CallScenario => ({
      pallet: 'Scheduler',
      call: name,
      worst:
        'the longest call, inserted before MaxTimeScheduled − 1 tasks waiting for a later time (the whole list walked and rewritten)' +
        (name === 'scheduleNamedAtTime' ? '; the name checked against the lookup and every waiting task' : ''),
      setup: (w) => {
        schedulerState(w);
        const call = longestCall(w);
        return () => ({ origin: ROOT, args: { ...(name === 'scheduleNamedAtTime' ? { id: taskName(9, 1) } : {}), time: w.chain.time + DAY, priority: 0, call } });
      },
    }),
  ),
  {
    pallet: 'Scheduler',
    call: 'cancel',
    worst: 'a named task in the middle of a full agenda of the longest calls: the agenda rewritten, its name removed',
    setup: (w) => {
      schedulerState(w);
      return () => ({ origin: ROOT, args: { when: AGENDA_FULL, index: 25 } });
    },
  },
  {
    pallet: 'Scheduler',
    call: 'cancelNamed',
    worst: 'the last of MaxTimeScheduled − 1 tasks waiting for a time (not in the lookup): the whole list scanned and rewritten',
    setup: (w) => {
      schedulerState(w);
      const last = w.constant<number>('Scheduler', 'MaxTimeScheduled') - 2;
      return () => ({ origin: ROOT, args: { id: taskName(1, last) } });
    },
  },
  // Sudo
  {
    pallet: 'Sudo',
    call: 'sudo',
    worst: "the key's holder dispatches an empty remark as Root (the wrapper's own work; the call's weight adds the wrapped call's)",
    setup: (w) => () => ({ origin: signed(A.sudoKey), args: { call: emptyRemark(w) } }),
    added: (w, m) => w.runtime.callInfoOf(m.args.call as never).weight,
  },
  {
    pallet: 'Sudo',
    call: 'sudoUncheckedWeight',
    worst: "as sudo (the call's weight adds the weight declared instead of the wrapped call's)",
    setup: (w) => () => ({ origin: signed(A.sudoKey), args: { call: emptyRemark(w), weight: { refTime: 1_000_000n, proofSize: 0n } } }),
    added: (_w, m) => (m.args.weight as { refTime: bigint }).refTime,
  },
  {
    pallet: 'Sudo',
    call: 'sudoAs',
    worst: "the key's holder dispatches an empty remark as another signed account (the call's weight adds the wrapped call's)",
    setup: (w) => () => ({ origin: signed(A.sudoKey), args: { who: { tag: 'Id', value: A.rich }, call: emptyRemark(w) } }),
    added: (w, m) => w.runtime.callInfoOf(m.args.call as never).weight,
  },
  {
    pallet: 'Sudo',
    call: 'setKey',
    worst: 'the key handed to another account by its holder: the old key read, the new written, both in the event',
    setup: () => () => ({ origin: signed(A.sudoKey), args: { new: { tag: 'Id', value: A.rich } } }),
  },
  {
    pallet: 'Sudo',
    call: 'removeKey',
    worst: 'the key removed by its holder',
    setup: () => () => ({ origin: signed(A.sudoKey), args: {} }),
  },
];

/** Every weighed hook's worst case. */
export const HOOK_SCENARIOS: HookScenario[] = [
  {
    pallet: 'Loans',
    hook: 'onInitialize',
    worst:
      'the scan finds every loan it examines in default (the block time 200 days past the due dates): reputation ' +
      'written twice, 16 certificates valued, the whole collateral sent to a new auction, events',
    component: { item: 'loan examined by the scan', low: 1, high: 64 },
    before: (w, n) => (exec) => {
      // The parent's time (what the hooks read) moved 200 days on, fresh prices at it, `maxChecksPerBlock` = n.
      w.chain.dispatch(exec, NONE, 'Timestamp', 'set', { now: w.chain.time + FAR });
      w.feedAll(exec, PRICE_ONE);
      w.chain.dispatch(exec, ROOT, 'Loans', 'setParams', { params: { ...LoansStorage.Params.get(exec.state), maxChecksPerBlock: BigInt(n) } });
    },
  },
  {
    pallet: 'Scheduler',
    hook: 'onInitialize',
    worst:
      'every task serviced was waiting for its time (moved into the agenda first), is named and periodic (placed again), ' +
      'and carries the longest call (MaxCallLength bytes); MaxTimeScheduled − MaxScheduledPerBlock tasks keep waiting. ' +
      "The dispatched calls' own weight is not in the figure (counted as they run)",
    component: { item: 'task serviced', low: 0, high: 50 },
    stage: (w, n) => {
      schedulerState(w);
      const S = schedulerStorage(w.runtime.outer).items;
      const bytes = w.runtime.callCodec.encode(longestCall(w) as never);
      const keep = w.constant<number>('Scheduler', 'MaxTimeScheduled') - w.constant<number>('Scheduler', 'MaxScheduledPerBlock');
      return (exec) => {
        const task = (i: number): ScheduledValue => ({ maybeId: taskName(4, i), priority: 0, call: { tag: 'Inline', value: bytes }, maybePeriodic: [10, 100], origin: originToCaller(ROOT) });
        const now = TimestampStorage.Now.get(exec.state);
        const due = Array.from({ length: n }, (_, i) => ({ time: now, task: task(i) }));
        S.TimeAgenda.set(exec.state, [...due, ...S.TimeAgenda.get(exec.state).slice(0, keep)]);
      };
    },
    run: (w, exec) => void w.runtime.pallet('Scheduler')!.hooks.onInitialize!(exec),
  },
  {
    pallet: 'Timestamp',
    hook: 'onFinalize',
    worst: 'the once-per-block check that the inherent ran (one take)',
    run: (w, exec) => w.runtime.pallet('Timestamp')!.hooks.onFinalize!(exec),
  },
  {
    pallet: 'Oracle',
    hook: 'onFinalize',
    worst: 'the first block after genesis: the values of 32 feeders stamped with the block time',
    fresh: true,
    run: (w, exec) => w.runtime.pallet('Oracle')!.hooks.onFinalize!(exec),
  },
];
