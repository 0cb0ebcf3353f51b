/**
 * A block-builder harness over the real runtime: genesis from `genesisChanges`, blocks built with
 * `beginBlock` / `applyExtrinsic` / `finalize` on an in-memory trie, signatures really verified, and the
 * state read back through the same trie. No node, no database, no mocks.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { afterEach } from 'vitest';
import { toHexRaw } from '../../src/primitives/bytes.js';
import { verifySignature } from '../../src/crypto/verify.js';
import { blake2_256 } from '../../src/primitives/hashing.js';
import { eraBirth, HeaderCodec, type DigestItemValue, type Era, type Header } from '../../src/primitives/types.js';
import { AUTHOR_ENGINE_ID, AuthorDigest, STATE_VERSION, type AppliedExtrinsic, type BlockExecution, type SealedBlock, type SignatureChecker, type SignatureJob } from '../../src/runtime/runtime.js';
import { TREASURY_ACCOUNT, createChainRuntime, XFG, type DcnRuntime, type GenesisConfig } from '../../src/chain/index.js';
import type { EventRecord } from '../../src/runtime/dispatch.js';
import { InvariantError } from '../../src/runtime/invariants.js';
import type { StateReader } from '../../src/runtime/state.js';
import type { TransactionValidityError } from '../../src/runtime/validity.js';
import { SystemStorage } from '../../src/pallets/system/index.js';
import type { AccountInfoValue } from '../../src/pallets/system/types.js';
import { BalancesStorage } from '../../src/pallets/balances/index.js';
import { TimestampStorage } from '../../src/pallets/timestamp/index.js';
import { EMPTY_TRIE_ROOT, Trie, type NodeStore } from '../../src/trie/index.js';
import { signExtrinsic, type SignParams } from './signer.js';

/** A SignatureChecker that really verifies (sr25519 in WASM, ed25519 in OpenSSL) and counts its calls. */
export class VerifyingChecker implements SignatureChecker {
  /** Verifications performed (≤ 2^53). */
  calls = 0;
  verify(job: SignatureJob): boolean {
    this.calls++;
    return verifySignature(job.scheme, job.message, job.signature, job.publicKey);
  }
}

/** The outcome of `applyExtrinsic`. */
export type ApplyResult = { ok: true; applied: AppliedExtrinsic } | { ok: false; error: TransactionValidityError };

/** Options of a test chain. */
export interface TestChainOptions {
  runtime?: DcnRuntime;
  /** Genesis balances (default: Alice and Bob 1,000 XFG, Charlie 10 XFG, the treasury 1 XFG). */
  balances?: Array<[Uint8Array, bigint]>;
  /** The default block author (default Charlie), credited with its share of fees. */
  author?: Uint8Array;
  /** Time of block 1 in ms (later blocks add `blockTimeMs`). */
  startTimeMs?: bigint;
  blockTimeMs?: bigint;
  /**
   * Run `runtime.tryState` (every pallet's invariants and the chain's cross-pallet identities) on the state after
   * every sealed block and at genesis, throwing {@link InvariantError} naming the block (default true). Set `false`
   * only in a test that deliberately builds a broken state; `{ skip }` names the checks (`Pallet.tryState` or a
   * chain identity's name, e.g. `UDST held by banks`) that a test of one pallet in isolation breaks on purpose, the
   * others still running.
   */
  checkInvariants?: boolean | { skip: readonly string[] };
  /** Further genesis sections (e.g. `sudo: { key }`), beside the balances and the validator set. */
  genesis?: Partial<GenesisConfig>;
}

/** Options of one block. */
export interface BlockOptions {
  /** Author in the digest; `null` for a block without an author digest. */
  author?: Uint8Array | null;
  /** The timestamp inherent's time; `null` leaves the inherent out. */
  timestamp?: bigint | null;
  /** Block number, a u32 (default parent + 1). */
  number?: number;
}

/** An open block: the execution plus what `seal` needs. */
export interface OpenBlock {
  exec: BlockExecution;
  digest: Header['digest'];
  /** The block's number (u32). */
  number: number;
}

const liveChains = new Set<TestChain>();

/**
 * Register an `afterEach` hook that checks every chain's invariants (issuance = Σ free + reserved over
 * `System.Account`, no account below the existential deposit without reserves, no provider-less entry) for the
 * committed state and every block still open.
 */
export function checkInvariantsAfterEach(): void {
  afterEach(() => {
    const chains = [...liveChains];
    liveChains.clear();
    for (const c of chains) c.assertInvariants();
  });
}

/** Issuance, summed balances and the accounts of a state. */
export function accountTotals(state: StateReader): { issuance: bigint; sum: bigint; accounts: Array<[Uint8Array, AccountInfoValue]> } {
  const accounts = [...SystemStorage.Account.entries(state)];
  let sum = 0n;
  for (const [, a] of accounts) sum += a.data.free + a.data.reserved;
  return { issuance: BalancesStorage.TotalIssuance.get(state), sum, accounts };
}

/** Throw unless the balance invariants hold in `state` with existential deposit `ed`. */
export function assertBalanceInvariants(state: StateReader, ed: bigint, where = 'state'): void {
  const { issuance, sum, accounts } = accountTotals(state);
  if (issuance !== sum) throw new Error(`${where}: total issuance ${issuance} ≠ Σ free + reserved ${sum} over ${accounts.length} accounts`);
  for (const [who, a] of accounts) {
    if (a.providers === 0 && a.sufficients === 0) throw new Error(`${where}: account 0x${toHexRaw(who)} is stored with no provider`);
    if (a.data.reserved === 0n && a.data.free < ed) throw new Error(`${where}: account 0x${toHexRaw(who)} holds ${a.data.free} < ED without reserves`);
  }
}

/** The digest of a block authored by `author`. */
export function authorDigest(author: Uint8Array, round = 0): Header['digest'] {
  return { logs: [{ tag: 'PreRuntime', value: [AUTHOR_ENGINE_ID, AuthorDigest.encode({ author, round })] } as DigestItemValue] };
}

/** A chain of blocks over the real runtime, in memory. */
export class TestChain {
  readonly runtime: DcnRuntime;
  readonly checker = new VerifyingChecker();
  /** Trie nodes by hex hash. */
  readonly nodes = new Map<string, Uint8Array>();
  readonly store: NodeStore = { get: (h) => this.nodes.get(toHexRaw(h)) };
  readonly genesisHash: Uint8Array;
  readonly genesisHeader: Header;
  readonly author: Uint8Array;
  /** The state after the head block. */
  trie: Trie;
  head: { header: Header; hash: Uint8Array };
  /** Block hashes by number (0 ≤ n ≤ head). */
  readonly hashes: Uint8Array[] = [];
  /** Sealed blocks by number (index 0 unused). */
  readonly blocks: SealedBlock[] = [];
  private readonly open = new Set<OpenBlock>();
  /** Whether invariants run after every block (see {@link TestChainOptions.checkInvariants}). */
  readonly checksInvariants: boolean;
  /** Checks left out on purpose (see {@link TestChainOptions.checkInvariants}). */
  readonly skippedInvariants: ReadonlySet<string>;
  /** Blocks whose state the invariants were checked on (≤ 2^53). */
  invariantChecks = 0;
  private readonly blockTimeMs: bigint;
  private readonly startTimeMs: bigint;

  constructor(opts: TestChainOptions & { accounts: { alice: Uint8Array; bob: Uint8Array; charlie: Uint8Array } }) {
    this.runtime = opts.runtime ?? createChainRuntime();
    this.author = opts.author ?? opts.accounts.charlie;
    this.blockTimeMs = opts.blockTimeMs ?? 6_000n;
    this.startTimeMs = opts.startTimeMs ?? 1_700_000_000_000n;
    this.checksInvariants = opts.checkInvariants !== false;
    this.skippedInvariants = new Set(typeof opts.checkInvariants === 'object' ? opts.checkInvariants.skip : []);
    const balances = opts.balances ?? [
      [opts.accounts.alice, 1_000n * XFG],
      [opts.accounts.bob, 1_000n * XFG],
      [opts.accounts.charlie, 10n * XFG],
      [TREASURY_ACCOUNT, XFG],
    ];
    const changes = this.runtime.genesisChanges({
      ...opts.genesis,
      balances: { balances },
      validatorSet: { validators: [{ account: this.author, sessionKey: this.author, peerId: new Uint8Array() }] },
    });
    const update = Trie.empty(this.store).update(changes, STATE_VERSION);
    for (const [h, n] of update.newNodes) this.nodes.set(toHexRaw(h), n);
    this.trie = update.trie;
    this.genesisHeader = { parentHash: new Uint8Array(32), number: 0, stateRoot: update.root, extrinsicsRoot: EMPTY_TRIE_ROOT, digest: { logs: [] } };
    this.genesisHash = blake2_256(HeaderCodec.encode(this.genesisHeader));
    this.head = { header: this.genesisHeader, hash: this.genesisHash };
    this.hashes.push(this.genesisHash);
    liveChains.add(this);
    this.checkState(this.trie, 'genesis');
  }

  /**
   * Run the runtime's invariants (`runtime.checkInvariants`: every pallet's `tryState`, then the chain's identities)
   * on `state`, a state between blocks, unless this chain opted out; throws an {@link InvariantError} listing every
   * broken one not skipped, prefixed with `where`.
   */
  checkState(state: StateReader, where: string): void {
    if (!this.checksInvariants) return;
    const failures = this.runtime.checkInvariants(state).filter((f) => !this.skippedInvariants.has(f.check));
    this.invariantChecks++;
    if (failures.length > 0) throw new InvariantError(failures, where);
  }

  /** Build a chain with the dev keys' accounts. */
  static async create(keys: { alice: KeyringPair; bob: KeyringPair; charlie: KeyringPair }, opts: TestChainOptions = {}): Promise<TestChain> {
    return new TestChain({ ...opts, accounts: { alice: keys.alice.publicKey, bob: keys.bob.publicKey, charlie: keys.charlie.publicKey } });
  }

  /** The committed state (after the head block). */
  get state(): StateReader {
    return this.trie;
  }

  /** The number of the next block (u32). */
  get nextNumber(): number {
    return this.head.header.number + 1;
  }

  /** The time the harness gives block `n` (1 ≤ n ≤ 2^32 − 1) by default. */
  timeOf(n: number): bigint {
    return this.startTimeMs + BigInt(n - 1) * this.blockTimeMs;
  }

  /**
   * Start block `head + 1` (or `opts.number`): initialize it and apply the timestamp inherent unless
   * `timestamp: null`. Throws when the inherent is refused.
   */
  begin(opts: BlockOptions = {}): OpenBlock {
    const number = opts.number ?? this.nextNumber;
    const author = opts.author === undefined ? this.author : opts.author;
    const digest = author === null ? { logs: [] } : authorDigest(author);
    const exec = this.runtime.beginBlock(this.trie, { parentHash: this.head.hash, number, digest }, this.checker);
    exec.initialize();
    const block = { exec, digest, number };
    this.open.add(block);
    const ts = opts.timestamp === undefined ? this.timeOf(number) : opts.timestamp;
    if (ts !== null) {
      const r = exec.applyExtrinsic(this.runtime.timestampInherent(ts), { enforceLimits: true });
      if (!r.ok) throw new Error(`timestamp inherent refused: ${r.error.message}`);
    }
    return block;
  }

  /**
   * Finalize an open block (roots computed on the head's trie); not committed. The runtime's invariants (every
   * pallet's `tryState` and the chain identities) are checked on the block's post-state unless the chain opted out.
   */
  seal(block: OpenBlock): SealedBlock {
    this.open.delete(block);
    const sealed = block.exec.finalize(this.trie, block.digest);
    this.checkState(sealed.trie, `after block ${block.number}`);
    return sealed;
  }

  /** Make `sealed` the new head: its trie nodes go into the store. */
  commit(sealed: SealedBlock): void {
    if (sealed.header.number !== this.nextNumber) throw new Error(`block ${sealed.header.number} does not follow head ${this.head.header.number}`);
    for (const [h, n] of sealed.newNodes) this.nodes.set(toHexRaw(h), n);
    this.trie = sealed.trie;
    this.head = { header: sealed.header, hash: sealed.hash };
    this.hashes.push(sealed.hash);
    this.blocks[sealed.header.number] = sealed;
  }

  /** Build, seal and commit a block with `extrinsics`; returns each extrinsic's result and the block. */
  produce(extrinsics: Uint8Array[], opts: BlockOptions = {}): { sealed: SealedBlock; results: ApplyResult[] } {
    const block = this.begin(opts);
    const results = extrinsics.map((xt) => block.exec.applyExtrinsic(xt, { enforceLimits: true }));
    const sealed = this.seal(block);
    this.commit(sealed);
    return { sealed, results };
  }

  /** Build and commit `n` blocks (n ≥ 0, a few thousand at most: about 1 ms each) with only the timestamp inherent. */
  produceEmpty(n: number): void {
    for (let i = 0; i < n; i++) this.produce([]);
  }

  /** Sign `call` by `pair` for inclusion in the next block: nonce from state, immortal era unless given. */
  sign(pair: KeyringPair, call: Uint8Array, o: Partial<SignParams> = {}): Uint8Array {
    const era: Era = o.era ?? { tag: 'Immortal' };
    const current = this.nextNumber;
    const eraBlockHash = o.eraBlockHash ?? (era.tag === 'Immortal' ? this.genesisHash : this.hashes[eraBirth(era, current)] ?? new Uint8Array(32));
    return signExtrinsic(pair, call, {
      nonce: o.nonce ?? this.nonce(pair.publicKey),
      tip: o.tip,
      era,
      address: o.address,
      tamper: o.tamper,
      specVersion: o.specVersion ?? this.runtime.version.specVersion,
      transactionVersion: o.transactionVersion ?? this.runtime.version.transactionVersion,
      genesisHash: o.genesisHash ?? this.genesisHash,
      eraBlockHash,
    });
  }

  /** Encode a call by pallet and camelCase call name. */
  call(pallet: string, name: string, args: Record<string, unknown>): Uint8Array {
    return this.runtime.encodeCall(pallet, name, args);
  }

  /** `Balances.transfer_allow_death(dest, value)`. */
  transferCall(dest: Uint8Array, value: bigint, kind: 'transferAllowDeath' | 'transferKeepAlive' = 'transferAllowDeath'): Uint8Array {
    return this.call('Balances', kind, { dest: { tag: 'Id', value: dest }, value });
  }

  /** The account record in `state` (default: committed state). */
  account(who: Uint8Array, state: StateReader = this.trie): AccountInfoValue {
    return SystemStorage.Account.get(state, who);
  }

  /** Free balance. */
  free(who: Uint8Array, state: StateReader = this.trie): bigint {
    return this.account(who, state).data.free;
  }

  /** Account nonce. */
  nonce(who: Uint8Array, state: StateReader = this.trie): number {
    return this.account(who, state).nonce;
  }

  /** Total issuance. */
  issuance(state: StateReader = this.trie): bigint {
    return BalancesStorage.TotalIssuance.get(state);
  }

  /** The events stored in `System.Events` (decoded from the state's bytes). */
  events(state: StateReader = this.trie): EventRecord[] {
    return SystemStorage.Events.get(state);
  }

  /** The block time stored by the last block. */
  now(state: StateReader = this.trie): bigint {
    return TimestampStorage.Now.get(state);
  }

  /**
   * Check the runtime's invariants on the committed state and the balance invariants in every open block (a state
   * inside a block need not satisfy every pallet's between-blocks invariants). Nothing when the chain opted out.
   */
  assertInvariants(): void {
    if (!this.checksInvariants) return;
    const ed = this.runtime.spec.existentialDeposit;
    this.checkState(this.trie, `block ${this.head.header.number}`);
    for (const b of this.open) assertBalanceInvariants(b.exec.state, ed, `open block ${b.number}`);
  }
}

/** The pallet event values of `records` as `Pallet.Event` names, in order. */
export function eventNames(records: readonly EventRecord[]): string[] {
  return records.map((r) => `${r.event.tag}.${r.event.value.tag}`);
}

/** The events of extrinsic `index` (0 ≤ index < extrinsics in the block) in `records`. */
export function eventsOf(records: readonly EventRecord[], index: number): EventRecord[] {
  return records.filter((r) => r.phase.tag === 'ApplyExtrinsic' && r.phase.value === index);
}
