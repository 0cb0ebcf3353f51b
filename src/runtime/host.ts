/**
 * The runtime as the node sees it: the ONE interface through which `node/`, `rpc/`, `cli/` and `consensus/` use the
 * runtime (Substrate's runtime APIs `Core`, `BlockBuilder`, `TaggedTransactionQueue`, `GrandpaApi`… as a host calls
 * them). The node builds, executes and checks blocks, validates transactions, asks for the signature checks it then
 * runs on its worker threads, and reads what it needs of the state (validator set, block time, nonces, events,
 * queries) only through it: it never reads or writes a pallet's storage itself, so runtime rules live in the runtime.
 *
 * Generic: it names no pallet. The concrete implementation is wired from the chain (`src/chain/host.ts`), which
 * also fixes `Q`, the chain's read-only queries (what a pallet offers the node beyond the runtime APIs).
 */
import type { InvariantFailure } from './invariants.js';
import type { DecodedExtrinsic } from '../primitives/extrinsic.js';
import type { Header, RuntimeVersion } from '../primitives/types.js';
import type { EventRecord } from './dispatch.js';
import type { Pallet } from './pallet.js';
import type { ApplyFailure, AppliedExtrinsic, ResolvedCall, Runtime, SealedBlock, SignatureChecker, SignatureJob } from './runtime.js';
import type { StateChange, StateReader } from './state.js';
import type { Trie } from '../trie/index.js';
import type { ValidationOutcome } from './validity.js';

/** A block by number (u32) and hash. */
export interface BlockRef {
  number: number;
  hash: Uint8Array;
}

/**
 * Where the signatures of block `number`'s extrinsics are checked: on `state` (a state before that block), with the
 * hashes of the blocks that execution will have recorded by then (`recentHashes`, at least the parent's: a state does
 * not yet hold its own block's hash, which a mortal era born there signs). The runtime adds them on an overlay of its
 * own; `state` is never written.
 */
export interface SignatureContext {
  state: StateReader;
  /** The number of the block the extrinsics go in (u32). */
  number: number;
  recentHashes: ReadonlyArray<readonly [number, Uint8Array]>;
}

/** A validator (authority) of the block after a state: its account, its ed25519 session key and its libp2p peer id. */
export interface Authority {
  account: Uint8Array;
  sessionKey: Uint8Array;
  /** The libp2p peer id as UTF-8 bytes (may be empty). */
  peerId: Uint8Array;
}

/** What the block author's inherents are made from (Substrate's `InherentData`). */
export interface InherentData {
  /** The author's clock (ms since the Unix epoch). */
  nowMs: bigint;
}

/** What a validator checks a proposed block's inherents against (`BlockBuilder_check_inherents`). */
export interface InherentCheck {
  /** The local clock (ms since the Unix epoch). */
  nowMs: bigint;
  /** How far ahead of the local clock a block's time may be (ms). */
  maxDriftMs: bigint;
}

/** A block under construction (`BlockBuilder`): initialized, extrinsics applied one by one, then sealed. */
export interface BlockBuilder {
  /** The extrinsics applied so far. */
  readonly applied: readonly Uint8Array[];
  /** Run the block's initialization hooks. */
  initialize(): void;
  /** Apply one extrinsic; an invalid one changes nothing and is reported `{ ok: false }`. */
  applyExtrinsic(bytes: Uint8Array, opts: { enforceLimits: boolean }): { ok: true; applied: AppliedExtrinsic } | ApplyFailure;
  /** Finalize the block and compute its roots on top of `parentTrie`. */
  finalize(parentTrie: Trie, digest: Header['digest']): SealedBlock;
}

/** Where a runtime API runs: the state at a block, that block, and the signature port. */
export interface ApiAt {
  state: StateReader;
  block: BlockRef;
  checker: SignatureChecker;
}

/** Fee and weight of an extrinsic (`TransactionPaymentApi`). */
export type FeeQuery = ReturnType<Runtime['queryFee']>;

/** The runtime as the node uses it; `Q` is the chain's read-only queries. */
export interface NodeRuntime<Q = unknown, G extends object = Record<string, unknown>> {
  /** The runtime's version (its `apis` included). */
  readonly version: RuntimeVersion;
  /** The pallets as the metadata describes them (names, indices, storage items, errors): for readable reports. */
  readonly pallets: readonly Pallet[];
  /** The chain's queries (read-only views of the state for the node, RPC and tools). */
  readonly queries: Q;

  /** RuntimeMetadataPrefixed bytes of version 14 or 15. */
  metadata(version: 14 | 15): Uint8Array;
  /** The genesis state's key-value pairs for a genesis config. */
  genesisChanges(config: G): StateChange[];

  /** Start a block on `base` (the parent's state). */
  beginBlock(base: StateReader, header: Pick<Header, 'parentHash' | 'number' | 'digest'>, checker: SignatureChecker): BlockBuilder;
  /**
   * The inherent extrinsics of the block after the block whose state is `parent` (`BlockBuilder_inherent_extrinsics`),
   * for the author's `data`: the runtime keeps them valid (a block's time is after its parent's whatever the clock says).
   */
  inherentExtrinsics(parent: StateReader, data: InherentData): Uint8Array[];
  /**
   * Check a proposed block's inherents against the parent's state and the local clock before executing it
   * (`BlockBuilder_check_inherents`): `undefined` when they pass, else why not (e.g. `no timestamp inherent`).
   */
  checkInherents(parent: StateReader, extrinsics: readonly Uint8Array[], check: InherentCheck): string | undefined;
  /** Execute an imported block in full and check its roots; throws `BlockExecutionError` when it is invalid. */
  executeBlock(base: StateReader, parentTrie: Trie, header: Header, extrinsics: Uint8Array[], checker: SignatureChecker): SealedBlock;
  /** The author (account) and round of a header's author digest, if it has one. */
  authorOf(digest: Header['digest']): { author: Uint8Array; round: number } | undefined;

  /** Validate a transaction for the pool on the state after `best` (`TaggedTransactionQueue_validate_transaction`). */
  validateTransaction(base: StateReader, bytes: Uint8Array, best: BlockRef, checker: SignatureChecker): ValidationOutcome;
  /**
   * The signature check a signed extrinsic needs (for the node to run ahead, on worker threads). Throws the
   * `TransactionInvalid` that makes a check pointless (unsupported address or scheme, ancient era). `versions` asks
   * for the payload another spec/transaction version would have signed (to tell a wallet its metadata is stale).
   */
  signatureJob(at: SignatureContext, xt: DecodedExtrinsic, versions?: { specVersion: number; transactionVersion: number }): SignatureJob;
  /** The signature checks of a block's extrinsics (by index); those without one (unsigned, undecodable, ancient) are left out. */
  signatureJobs(at: SignatureContext, extrinsics: readonly Uint8Array[]): Array<{ index: number; job: SignatureJob }>;

  /** The validators of the block after the block whose state is `state`, in proposer order (`GrandpaApi_grandpa_authorities`). */
  validators(state: StateReader): Authority[];
  /** The time (ms) of the block whose state is `state` (0 at genesis). */
  blockTime(state: StateReader): bigint;
  /** The nonce of `who` in `state` (u32; `AccountNonceApi_account_nonce`). */
  accountNonce(state: StateReader, who: Uint8Array): number;
  /** The events the block whose state is `state` deposited. */
  events(state: StateReader): EventRecord[];

  /** Decode a call; throws on malformed bytes or an unknown call. */
  decodeCall(callBytes: Uint8Array): ResolvedCall;
  /** Encode a call from pallet name, call name (camelCase) and arguments. */
  encodeCall(pallet: string, call: string, args: Record<string, unknown>): Uint8Array;
  /** Fee and weight of an extrinsic; throws on bytes that do not decode. */
  queryFee(bytes: Uint8Array): FeeQuery;
  /** Run a runtime API method by its `Trait_method` name on SCALE input; throws `RuntimeApiError`. */
  callApi(at: ApiAt, name: string, input: Uint8Array): Uint8Array;
  /**
   * Every invariant broken in `state`, a state between blocks (FRAME's `try_state`): each pallet's `tryState`, then
   * the chain's cross-pallet identities. Reads every item checked: for the auditor's replay, never in a block.
   */
  checkInvariants(state: StateReader): InvariantFailure[];
}
