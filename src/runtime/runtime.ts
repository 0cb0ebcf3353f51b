/**
 * The executive of the generic framework: pallets assembled into the outer Call/Event/Error enums and the metadata,
 * and blocks applied (initialize → timestamp inherent → signed extrinsics → finalize → roots). It names no pallet:
 * the chain (`src/chain/`, FRAME's `construct_runtime!`) hands it the ordered pallet list and the services it needs
 * of them ({@link RuntimeDefinition}), as FRAME's `Executive` is generic over its `System` and `AllPallets`.
 *
 * Deterministic: it sees state only through {@link StateReader}, time only through the timestamp inherent, and
 * signatures only through the {@link SignatureChecker} port (so the node can verify on worker threads first).
 */
import { concatBytes, equalBytes, toHexRaw, utf8 } from '../primitives/bytes.js';
import { blake2_256 } from '../primitives/hashing.js';
import { enumeration, u32, type AnyCodec, type Codec, type EnumCodec, type VariantSpec } from '../primitives/scale/index.js';
import { ScaleWriter } from '../primitives/scale/io.js';
import { decodeExtrinsic, signingPayload, type DecodedExtrinsic } from '../primitives/extrinsic.js';
import { eraBirth, eraDeath, type DispatchErrorValue, type DispatchInfoValue, type Header, type RuntimeVersion, HeaderCodec } from '../primitives/types.js';
import { AccountId32 } from '../primitives/types.js';
import { struct } from '../primitives/scale/index.js';
import { orderedTrieRoot, type StateVersion, type Trie } from '../trie/index.js';
import { DispatchFailure, RawOrigin, SYSTEM_ORIGIN_VARIANT, type CallInfo, type DispatchContext, type DispatchOutcome, type EventRecord, type Origin, type OriginCallerValue, type OuterTypes, type Phase, type RuntimeCallValue, type RuntimeEventValue } from './dispatch.js';
import type { AnyCallDef, DispatchClassName, Pallet } from './pallet.js';
import { Overlay, type StateChange, type StateReader } from './state.js';
import { CODE_KEY } from './storage.js';
import { INVALID_MESSAGES, invalid, TransactionInvalid, unknown, type TransactionValidityError, type ValidationOutcome, type ValidTransaction } from './validity.js';
import { ArithmeticError } from '../primitives/arith.js';
import { MultiAddress, MultiSignature } from '../primitives/types.js';
import { EXTRA_TYPE, RuntimeType, SIGNED_EXTENSIONS, uncheckedExtrinsicType } from './extensions.js';
import { encodeMetadataV14, encodeMetadataV15, type MetadataSources } from './metadata.js';
import { collectInvariantFailures, InvariantError, type ChainInvariant, type InvariantFailure } from './invariants.js';
import { apiInfosOf, apiVersionsOf, type ApiTrait } from './api-support.js';
import type { FeeDetails, PaymentServices, SignatureChecker, SignatureJob, SystemServices, TimestampInherent } from './services.js';

export type { SignatureChecker, SignatureJob } from './services.js';

/** State layout version of this chain's trie (V1: values of 33 bytes or more are hashed). */
export const STATE_VERSION: StateVersion = 1;

/** How far above an account's nonce a transaction may wait in the pool (u32). */
export const MAX_FUTURE_NONCE_GAP = 256;

/** Block limits. */
export interface BlockLimits {
  /** Maximum total ref-time weight of a block (ps). */
  maxBlockRefTime: bigint;
  /** Maximum encoded length of a block's extrinsics (bytes, ≤ 2^32). */
  maxBlockLength: number;
  /** Share of the limits that `Normal` extrinsics may use, in bps (the rest is for Operational/Mandatory). */
  normalRatioBps: bigint;
}

/**
 * A pallet as the chain lists it: the pallet, and the section of the genesis config its `genesis` receives
 * (`genesisKey`; a pallet without one has no genesis section).
 */
export interface PalletModule {
  pallet: Pallet;
  genesisKey?: string;
}

/** Everything the executive runs with: the chain's pallets, the services it needs of them, its limits and APIs. */
export interface RuntimeDefinition {
  /** The runtime version, `apis` included (see {@link runtimeVersion}). */
  version: RuntimeVersion;
  limits: BlockLimits;
  /** Weight charged for every extrinsic on top of its call (ref time, ps): FRAME's `base_extrinsic`. */
  baseExtrinsicWeight: bigint;
  /** The pallets, each with its fixed index (the executive orders them by index; indices are unique). */
  pallets: readonly PalletModule[];
  system: SystemServices;
  payment: PaymentServices;
  timestamp: TimestampInherent;
  /** The runtime APIs served, in the order `RuntimeVersion.apis` and the metadata list them. */
  apis: readonly ApiTrait[];
  /**
   * The outer `RuntimeCall` and `OriginCaller` types as the chain's pallets took them (Scheduler and Sudo store and
   * decode calls): the executive binds them once every pallet is assembled.
   */
  outer: OuterTypes;
  /** The chain's cross-pallet identities, checked after the pallets' own `tryState` (none if absent). */
  invariants?: readonly ChainInvariant[];
  /** Hand the composed `RuntimeHoldReason` and `RuntimeFreezeReason` to the pallet that stores holds and freezes. */
  bindReasons(hold: EnumCodec<Record<string, VariantSpec>>, freeze: EnumCodec<Record<string, VariantSpec>>): void;
}

/** A runtime version with the `apis` of `apis` filled in. */
export function runtimeVersion(version: Omit<RuntimeVersion, 'apis'>, apis: readonly ApiTrait[]): RuntimeVersion {
  return { ...version, apis: apiVersionsOf(apis) };
}

/** The consensus engine id of the author digest (`PreRuntime`): the block author's account and round. */
export const AUTHOR_ENGINE_ID = utf8('dcnb');
/** Payload of the author digest. `round` is a u32. */
export const AuthorDigest = struct(['dcn_primitives', 'AuthorDigest'], { author: AccountId32, round: u32 });

/** Result of applying one extrinsic that was valid enough to be included. */
export interface AppliedExtrinsic {
  index: number;
  hash: Uint8Array;
  /** The call's outcome; a failure carries the runtime's message (deterministic, e.g. the owed total of an overpayment). */
  dispatch: { ok: true } | { ok: false; error: DispatchErrorValue; message: string };
  fee: bigint;
}

/** What the runtime said about a failed dispatch: the extrinsic's index in the block and the failure's message. */
export interface DispatchNote {
  /** Index of the extrinsic in the block, < 2^32. */
  index: number;
  /** The message the pallet failed with (deterministic: the same on every node executing the block). */
  message: string;
}

/** A block whose execution is complete: its header (roots filled) and what committing it writes. */
export interface SealedBlock {
  header: Header;
  hash: Uint8Array;
  extrinsics: Uint8Array[];
  changes: StateChange[];
  trie: Trie;
  newNodes: Array<[Uint8Array, Uint8Array]>;
  events: EventRecord[];
  /**
   * The messages of the block's failed dispatches, in extrinsic order. Not part of the state: the chain stores them
   * beside the block so `dcn_transactionStatus` can tell a wallet why its transaction failed.
   */
  dispatchNotes?: DispatchNote[];
}

/** Raised when a block cannot be executed (bad inherent, invalid extrinsic in an imported block, wrong root). */
export class BlockExecutionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockExecutionError';
  }
}

/** Length (bytes) and ref-time weight (ps) that a block's inherents take. */
export interface BlockOverhead {
  length: number;
  weight: bigint;
}

/**
 * Why {@link BlockExecution.applyExtrinsic} did not include an extrinsic. `exceedsEmptyBlock` marks an
 * `ExhaustsResources` that no block could cure: the extrinsic does not fit even a block holding only its inherents.
 */
export type ApplyFailure = { ok: false; error: TransactionValidityError; exceedsEmptyBlock?: true };

/** A decoded call ready to dispatch. */
export interface ResolvedCall {
  pallet: Pallet;
  name: string;
  def: AnyCallDef;
  args: Record<string, unknown>;
}

/** The assembled runtime. */
export class Runtime<G extends object = Record<string, unknown>> {
  readonly pallets: Pallet[];
  readonly version: RuntimeVersion;
  readonly limits: BlockLimits;
  readonly baseExtrinsicWeight: bigint;
  readonly system: SystemServices;
  readonly payment: PaymentServices;
  readonly apis: readonly ApiTrait[];
  /** `RuntimeCall`: pallet index then the pallet's call. */
  readonly callCodec: Codec<{ tag: string; value: { tag: string; value: Record<string, unknown> } }>;
  readonly eventCodec: Codec<RuntimeEventValue>;
  readonly errorCodec: AnyCodec;
  private readonly timestamp: TimestampInherent;
  /** `OriginCaller` (FRAME's `PalletsOrigin`): `system` (a `RawOrigin`) and every pallet-defined origin at its pallet's index. */
  readonly originCallerCodec: Codec<OriginCallerValue>;
  /** The outer types as pallets see them (the chain's {@link RuntimeDefinition.outer}, bound at the end of construction). */
  readonly outer: OuterTypes;
  /** `RuntimeHoldReason` and `RuntimeFreezeReason`, composed from the pallets' declared reasons. */
  readonly holdReasonCodec: EnumCodec<Record<string, VariantSpec>>;
  readonly freezeReasonCodec: EnumCodec<Record<string, VariantSpec>>;
  private readonly callsByName = new Map<string, { pallet: Pallet; def: AnyCallDef; camel: string }>();
  private readonly metadataCache = new Map<number, Uint8Array>();
  /** The last {@link nextBlockOverhead}: pool validation asks for the same time until the next block. */
  private overheadCache: { now: bigint; overhead: BlockOverhead } | undefined;
  private readonly genesisHandlers: Array<(st: Overlay, g: object) => void> = [];
  /** The concrete chain's cross-pallet identities, checked after the pallets' own `tryState` (given by the chain). */
  readonly invariants: readonly ChainInvariant[];

  constructor(def: RuntimeDefinition) {
    this.invariants = def.invariants ?? [];
    this.version = def.version;
    this.limits = def.limits;
    this.baseExtrinsicWeight = def.baseExtrinsicWeight;
    this.system = def.system;
    this.payment = def.payment;
    this.timestamp = def.timestamp;
    this.apis = def.apis;
    this.outer = def.outer;
    const modules = [...def.pallets].sort((a, b) => a.pallet.index - b.pallet.index);
    this.pallets = modules.map((m) => m.pallet);
    // Genesis runs in pallet index order, each pallet with its own section (absent sections are the pallet's business).
    for (const m of modules) {
      const key = m.genesisKey;
      if (key === undefined || !m.pallet.genesis) continue;
      this.genesisHandlers.push((st, g) => {
        const section = (g as Record<string, unknown>)[key];
        if (section !== undefined) m.pallet.genesis!(st, section);
      });
    }
    const seen = new Set<number>();
    for (const p of this.pallets) {
      if (seen.has(p.index)) throw new Error(`duplicate pallet index ${p.index}`);
      seen.add(p.index);
      for (const [camel, def] of Object.entries(p.calls ?? {})) {
        const snake = camel.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
        this.callsByName.set(`${p.name}.${snake}`, { pallet: p, def, camel });
      }
    }
    const outer = (kind: 'callCodec' | 'events', path: string) => {
      const variants: Record<string, AnyCodec> = {};
      const indices: Record<string, number> = {};
      for (const p of this.pallets) {
        const c = kind === 'callCodec' ? p.callCodec : p.events;
        if (!c) continue;
        variants[p.name] = c;
        indices[p.name] = p.index;
      }
      return enumeration(['dcn_runtime', path], variants, { indices });
    };
    this.callCodec = outer('callCodec', 'RuntimeCall') as unknown as Runtime['callCodec'];
    this.eventCodec = outer('events', 'RuntimeEvent') as unknown as Codec<RuntimeEventValue>;
    const errVariants: Record<string, AnyCodec> = {};
    const errIndices: Record<string, number> = {};
    for (const p of this.pallets) {
      if (!p.errors) continue;
      errVariants[p.name] = p.errors.codec;
      errIndices[p.name] = p.index;
    }
    this.errorCodec = enumeration(['dcn_runtime', 'RuntimeError'], errVariants, { indices: errIndices });
    // OriginCaller: the system origins at System's index, then each pallet's own origin at its index.
    const originVariants: Record<string, AnyCodec> = { [SYSTEM_ORIGIN_VARIANT]: RawOrigin };
    const originIndices: Record<string, number> = { [SYSTEM_ORIGIN_VARIANT]: this.system.palletIndex };
    for (const p of this.pallets) {
      if (!p.origin) continue;
      originVariants[p.name] = p.origin;
      originIndices[p.name] = p.index;
    }
    this.originCallerCodec = enumeration(['dcn_runtime', 'OriginCaller'], originVariants, { indices: originIndices }) as unknown as Codec<OriginCallerValue>;
    this.system.bindEventCodec(this.eventCodec);
    this.outer.bind({
      call: this.callCodec,
      origin: this.originCallerCodec,
      info: (call) => this.callInfoOf(call),
    });
    // `RuntimeHoldReason` / `RuntimeFreezeReason` from the pallets' declared reasons (FRAME's composite enums).
    const reasons = (kind: 'holdReasons' | 'freezeReasons', path: string) => {
      const variants: Record<string, AnyCodec> = {};
      const indices: Record<string, number> = {};
      for (const p of this.pallets) {
        const r = p[kind];
        if (!r) continue;
        variants[p.name] = r;
        indices[p.name] = p.index;
      }
      return enumeration(['dcn_runtime', path], variants as Record<string, VariantSpec>, { indices });
    };
    this.holdReasonCodec = reasons('holdReasons', 'RuntimeHoldReason');
    this.freezeReasonCodec = reasons('freezeReasons', 'RuntimeFreezeReason');
    def.bindReasons(this.holdReasonCodec, this.freezeReasonCodec);
    const inherent = this.callsByName.get(`${this.timestamp.pallet}.${this.timestamp.call.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())}`);
    if (!inherent) throw new Error(`the timestamp inherent ${this.timestamp.pallet}.${this.timestamp.call} is no call of this runtime`);
    this.timestampCall = inherent;
  }

  /** The call of the timestamp inherent. */
  private readonly timestampCall: { pallet: Pallet; def: AnyCallDef; camel: string };

  /** What the metadata describes, from the pallets and the outer types. */
  metadataSources(): MetadataSources {
    return {
      pallets: this.pallets,
      runtimeType: RuntimeType,
      callType: this.callCodec,
      eventType: this.eventCodec,
      errorType: this.errorCodec,
      addressType: MultiAddress,
      signatureType: MultiSignature,
      extrinsicType: uncheckedExtrinsicType(this.callCodec, EXTRA_TYPE),
      extraType: EXTRA_TYPE,
      signedExtensions: SIGNED_EXTENSIONS,
      apis: apiInfosOf(this.apis),
    };
  }

  /** RuntimeMetadataPrefixed bytes of version 14 or 15 (computed once per version). */
  metadata(version: 14 | 15): Uint8Array {
    let md = this.metadataCache.get(version);
    if (!md) {
      const src = this.metadataSources();
      md = version === 14 ? encodeMetadataV14(src) : encodeMetadataV15(src);
      this.metadataCache.set(version, md);
    }
    return md;
  }

  /**
   * Every invariant broken in `state` (a state between blocks): each pallet's `tryState`, then the chain's
   * identities. Reads every item checked: for tests and the auditor's replay, never inside a block.
   */
  checkInvariants(state: StateReader): InvariantFailure[] {
    return collectInvariantFailures(this.pallets, this.invariants, state);
  }

  /** {@link checkInvariants}, throwing an {@link InvariantError} listing every broken one (`where` prefixes it). */
  tryState(state: StateReader, where?: string): void {
    const failures = this.checkInvariants(state);
    if (failures.length > 0) throw new InvariantError(failures, where);
  }

  /** The pallet with this name. */
  pallet(name: string): Pallet | undefined {
    return this.pallets.find((p) => p.name === name);
  }

  /** Decode a call; throws a ScaleDecodeError on malformed bytes. */
  decodeCall(callBytes: Uint8Array): ResolvedCall {
    const v = this.callCodec.decode(callBytes);
    const entry = this.callsByName.get(`${v.tag}.${v.value.tag}`);
    if (!entry) throw new Error(`unknown call ${v.tag}.${v.value.tag}`);
    return { pallet: entry.pallet, name: entry.camel, def: entry.def, args: v.value.value };
  }

  /** Resolve a decoded `RuntimeCall` to its definition; throws on an unknown call. */
  resolveCall(v: RuntimeCallValue): ResolvedCall {
    const entry = this.callsByName.get(`${v.tag}.${v.value.tag}`);
    if (!entry) throw new Error(`unknown call ${v.tag}.${v.value.tag}`);
    return { pallet: entry.pallet, name: entry.camel, def: entry.def, args: v.value.value };
  }

  /** Weight (ps, without the base extrinsic weight) and class of a decoded call. */
  callInfoOf(v: RuntimeCallValue): CallInfo {
    const c = this.resolveCall(v);
    return { weight: c.def.weight(c.args), class: c.def.class ?? 'Normal' };
  }

  /** Encode a call from pallet name, call name (camelCase) and arguments. */
  encodeCall(pallet: string, call: string, args: Record<string, unknown>): Uint8Array {
    const snake = call.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
    return this.callCodec.encode({ tag: pallet, value: { tag: snake, value: args } });
  }

  /** The code stored under `:code`: this runtime's identity (clients key runtimes by its hash). */
  codeBlob(): Uint8Array {
    return utf8(`${this.version.specName}:${this.version.specVersion}:${this.version.implVersion}`);
  }

  /** The genesis state's key-value pairs, sorted. */
  genesisChanges(config: G): StateChange[] {
    const overlay = new Overlay(EMPTY_STATE);
    overlay.set(CODE_KEY, this.codeBlob());
    for (const g of this.genesisHandlers) g(overlay, config);
    return overlay.changes();
  }

  /** The author encoded in a header digest, if any. */
  authorOf(digest: Header['digest']): { author: Uint8Array; round: number } | undefined {
    for (const item of digest.logs) {
      if (item.tag === 'PreRuntime' && equal4(item.value[0], AUTHOR_ENGINE_ID)) {
        try {
          return AuthorDigest.decode(item.value[1]);
        } catch {
          return undefined;
        }
      }
    }
    return undefined;
  }

  /** The timestamp inherent extrinsic for time `now` (ms). */
  timestampInherent(now: bigint): Uint8Array {
    const call = this.encodeCall(this.timestamp.pallet, this.timestamp.call, this.timestamp.args(now));
    const w = new ScaleWriter();
    w.compact(call.length + 1);
    w.u8(4);
    w.bytes(call);
    return w.finish();
  }

  /** The time (ms) set by a block's timestamp inherent (its first extrinsic), if it has one. */
  timestampOf(extrinsics: readonly Uint8Array[]): bigint | undefined {
    if (extrinsics.length === 0) return undefined;
    try {
      const xt = decodeExtrinsic(extrinsics[0]);
      if (xt.signature) return undefined;
      const call = this.decodeCall(xt.call);
      if (!this.isTimestampInherent(call)) return undefined;
      return this.timestamp.timeOf(call.args);
    } catch {
      return undefined;
    }
  }

  /** Whether a decoded call is the timestamp inherent. */
  isTimestampInherent(call: ResolvedCall): boolean {
    return call.pallet === this.timestampCall.pallet && call.def === this.timestampCall.def;
  }

  /**
   * What the inherents of the block after `state` take at the least: the timestamp inherent for the earliest time that
   * block may have (`Timestamp.Now` + the minimum period). Its compact-encoded time only lengthens as time passes, so
   * an extrinsic that does not fit beside it now never will.
   */
  nextBlockOverhead(state: StateReader): BlockOverhead {
    const now = this.timestamp.earliestNext(state);
    const cached = this.overheadCache;
    if (cached !== undefined && cached.now === now) return cached.overhead;
    const length = this.timestampInherent(now).length;
    const weight = this.timestampCall.def.weight(this.timestamp.args(now));
    const overhead = { length, weight };
    this.overheadCache = { now, overhead };
    return overhead;
  }

  /**
   * Why an extrinsic of class `cls`, total `weight` (base extrinsic weight included) and encoded `length` cannot fit a
   * block that holds nothing but inherents taking `overhead`, or `undefined` when it can. The bounds are exactly those
   * {@link BlockExecution} applies to a block with no other extrinsic: a `Normal` one gets `normalRatioBps` of the
   * block length less the inherents' length, and the same share of the weight (Mandatory weight does not count against
   * it); the other classes get the whole block less the inherents.
   */
  exceedsEmptyBlock(cls: DispatchClassName, weight: bigint, length: number, overhead: BlockOverhead): string | undefined {
    const { maxBlockRefTime, maxBlockLength, normalRatioBps } = this.limits;
    const normal = cls === 'Normal';
    const classLength = normal ? (BigInt(maxBlockLength) * normalRatioBps) / 10_000n : BigInt(maxBlockLength);
    const lengthRoom = classLength - BigInt(overhead.length);
    const share = normal ? `, ${normalRatioBps / 100n}% of the ${maxBlockLength}-byte block` : '';
    if (BigInt(length) > lengthRoom) {
      return `length ${length} exceeds ${lengthRoom}, the most a ${cls} extrinsic can take (${classLength}${share}, less ${overhead.length} for the block's inherents): it could never be included in a block`;
    }
    const classWeight = normal ? (maxBlockRefTime * normalRatioBps) / 10_000n : maxBlockRefTime;
    const weightRoom = normal ? classWeight : classWeight - overhead.weight;
    if (weight > weightRoom) {
      const less = normal ? '' : `, less ${overhead.weight} for the block's inherents`;
      return `weight ${weight} exceeds ${weightRoom}, the most a ${cls} extrinsic can take (${classWeight} ps${normal ? `, ${normalRatioBps / 100n}% of the ${maxBlockRefTime} ps block` : ''}${less}): it could never be included in a block`;
    }
    return undefined;
  }

  /** Start executing a block on top of `base` (the parent's state). */
  beginBlock(base: StateReader, header: Pick<Header, 'parentHash' | 'number' | 'digest'>, checker: SignatureChecker): BlockExecution {
    return new BlockExecution(this, base, header, checker);
  }

  /**
   * Execute an imported block in full and check its roots. Any invalid extrinsic, failing inherent or root mismatch
   * throws {@link BlockExecutionError}.
   */
  executeBlock(base: StateReader, parentTrie: Trie, header: Header, extrinsics: Uint8Array[], checker: SignatureChecker): SealedBlock {
    const exec = this.beginBlock(base, header, checker);
    exec.initialize();
    extrinsics.forEach((xt, i) => {
      const r = exec.applyExtrinsic(xt, { enforceLimits: true });
      if (!r.ok) throw new BlockExecutionError(`extrinsic ${i} is invalid: ${r.error.message}`);
    });
    const sealed = exec.finalize(parentTrie, header.digest);
    if (!equalBytes(sealed.header.extrinsicsRoot, header.extrinsicsRoot)) {
      throw new BlockExecutionError(`extrinsics root mismatch: header has 0x${toHexRaw(header.extrinsicsRoot)}, computed 0x${toHexRaw(sealed.header.extrinsicsRoot)}`);
    }
    if (!equalBytes(sealed.header.stateRoot, header.stateRoot)) {
      throw new BlockExecutionError(`state root mismatch: header has 0x${toHexRaw(header.stateRoot)}, computed 0x${toHexRaw(sealed.header.stateRoot)}`);
    }
    return sealed;
  }

  /**
   * The signature check an extrinsic needs against `state` (whose `System.BlockHash` must know the era's birth
   * block), or the validity error that makes a check pointless.
   */
  signatureJob(state: StateReader, xt: DecodedExtrinsic, current: number, versions?: { specVersion: number; transactionVersion: number }): SignatureJob {
    const sig = xt.signature!;
    if (sig.address.tag !== 'Id' && sig.address.tag !== 'Address32') unknown('CannotLookup', `MultiAddress::${sig.address.tag} is not supported`);
    if (sig.signature.tag === 'Ecdsa') invalid('BadProof', 'ecdsa signatures are not accepted on this chain');
    const birth = eraBirth(sig.extra.era, current);
    // Genesis read once: it is also the era's block hash of an immortal transaction.
    const genesisHash = this.system.blockHash(state, 0);
    const eraHash = sig.extra.era.tag === 'Immortal' ? genesisHash : birth >= current ? undefined : this.system.blockHash(state, birth);
    if (!eraHash) invalid('AncientBirthBlock');
    if (!genesisHash) throw new Error('genesis hash missing from state');
    const specVersion = versions?.specVersion ?? this.version.specVersion;
    const transactionVersion = versions?.transactionVersion ?? this.version.transactionVersion;
    const message = signingPayload(xt.call, xt.extraBytes!, { specVersion, transactionVersion, genesisHash, eraBlockHash: eraHash });
    return {
      // The verdict cache's key: the extrinsic's bytes and the versions it was checked under (after a runtime upgrade
      // the same bytes sign a different payload). Genesis and the era's block are fixed for a chain with final blocks.
      id: `${toHexRaw(xt.hash)}/${specVersion}/${transactionVersion}`,
      scheme: sig.signature.tag === 'Sr25519' ? 'sr25519' : 'ed25519',
      message,
      signature: sig.signature.value,
      publicKey: sig.address.value,
    };
  }

  /**
   * Validate a transaction for the pool against the state after the best block (`best`), as
   * `TaggedTransactionQueue_validate_transaction` does.
   */
  validateTransaction(base: StateReader, bytes: Uint8Array, best: { number: number; hash: Uint8Array }, checker: SignatureChecker): ValidationOutcome {
    const overlay = new Overlay(base);
    // As if the next block had started: its number, and the best block's hash known for mortality.
    this.system.noteBestBlock(overlay, best);
    try {
      let xt: DecodedExtrinsic;
      try {
        xt = decodeExtrinsic(bytes);
      } catch (e) {
        return { ok: false, kind: 'invalid', reason: 'Call', message: `${INVALID_MESSAGES.Call}: could not decode: ${(e as Error).message}` };
      }
      if (!xt.signature) unknown('NoUnsignedValidator');
      const checked = this.checkSigned(overlay, xt, best.number + 1, checker, 'pool');
      return { ok: true, valid: checked.valid, sender: checked.who, nonce: xt.signature.extra.nonce };
    } catch (e) {
      if (e instanceof TransactionInvalid) return { ok: false, ...e.error };
      throw e;
    }
  }

  /** Fee and weight of an extrinsic, as `TransactionPaymentApi_query_info` / `query_fee_details` report them. */
  queryFee(bytes: Uint8Array): { weight: bigint; class: DispatchClassName; fee: FeeDetails; partialFee: bigint } {
    const xt = decodeExtrinsic(bytes);
    const call = this.decodeCall(xt.call);
    const weight = this.baseExtrinsicWeight + call.def.weight(call.args);
    const fee = this.payment.computeFee(bytes.length, call.def.weight(call.args), 0n, xt.signature !== undefined && call.def.paysFee !== false);
    return { weight, class: call.def.class ?? 'Normal', fee, partialFee: this.payment.total(fee) };
  }

  /**
   * The checks of the signed extensions (CheckNonZeroSender, CheckSpecVersion, CheckTxVersion, CheckGenesis,
   * CheckMortality, CheckNonce, CheckWeight, ChargeTransactionPayment) without side effects.
   * `mode: 'pool'` allows future nonces (they wait in the pool); `'block'` does not.
   */
  checkSigned(state: StateReader, xt: DecodedExtrinsic, current: number, checker: SignatureChecker, mode: 'pool' | 'block'): { who: Uint8Array; call: ResolvedCall; fee: FeeDetails; weight: bigint; valid: ValidTransaction } {
    const sig = xt.signature!;
    const who = sig.address.value as Uint8Array;
    const job = this.signatureJob(state, xt, current);
    if (isZero(who)) invalid('BadSigner', 'the zero account cannot sign');
    if (!checker.verify(job)) invalid('BadProof');
    let call: ResolvedCall;
    try {
      call = this.decodeCall(xt.call);
    } catch (e) {
      invalid('Call', `could not decode the call: ${(e as Error).message}`);
    }
    if (call.def.class === 'Mandatory') invalid('MandatoryValidation');
    // CheckMortality: a transaction past its era is as outdated as a used nonce.
    if (eraDeath(sig.extra.era, current) <= current) invalid('Stale', 'the transaction\'s era has ended');
    // CheckNonce
    const nonce = this.system.accountNonce(state, who);
    if (sig.extra.nonce < nonce) invalid('Stale', `nonce ${sig.extra.nonce} is below the account nonce ${nonce}`);
    if (sig.extra.nonce > nonce && mode === 'block') invalid('Future', `nonce ${sig.extra.nonce} is above the account nonce ${nonce}`);
    // The pool keeps a short run of future nonces waiting (as Substrate does); beyond that gap it refuses them.
    if (sig.extra.nonce > nonce + MAX_FUTURE_NONCE_GAP) invalid('Future', `nonce ${sig.extra.nonce} is more than ${MAX_FUTURE_NONCE_GAP} above the account nonce ${nonce}`);
    // CheckWeight (per extrinsic)
    const callWeight = call.def.weight(call.args);
    const weight = this.baseExtrinsicWeight + callWeight;
    if (mode === 'pool') {
      // Refuse at the door what no block could hold beside the inherents: in the pool it would wait forever (and, tried
      // first, cost every block a skip). In a block, the block limits apply with what the block really holds.
      const never = this.exceedsEmptyBlock(call.def.class ?? 'Normal', weight, xt.bytes.length, this.nextBlockOverhead(state));
      if (never !== undefined) invalid('ExhaustsResources', never);
    }
    const normalMax = (this.limits.maxBlockRefTime * this.limits.normalRatioBps) / 10_000n;
    if (weight > normalMax) invalid('ExhaustsResources', `weight ${weight} exceeds the per-extrinsic limit ${normalMax}`);
    const normalLen = (BigInt(this.limits.maxBlockLength) * this.limits.normalRatioBps) / 10_000n;
    if (BigInt(xt.bytes.length) > normalLen) invalid('ExhaustsResources', `length ${xt.bytes.length} exceeds the per-extrinsic limit ${normalLen}`);
    // ChargeTransactionPayment
    const fee = this.payment.computeFee(xt.bytes.length, callWeight, sig.extra.tip, call.def.paysFee !== false);
    if (!this.payment.canPay(state, who, this.payment.total(fee))) {
      invalid('Payment', `fee ${this.payment.total(fee)} exceeds the transferable balance`);
    }
    const longevity = sig.extra.era.tag === 'Immortal' ? (1n << 64n) - 1n : BigInt(eraDeath(sig.extra.era, current) - current);
    const tip = sig.extra.tip;
    return {
      who,
      call,
      fee,
      weight,
      valid: {
        // Priority is the tip (bounded to u64): who pays more for inclusion goes first.
        priority: tip > (1n << 64n) - 1n ? (1n << 64n) - 1n : tip,
        requires: sig.extra.nonce > nonce ? [nonceTag(who, sig.extra.nonce - 1)] : [],
        provides: [nonceTag(who, sig.extra.nonce)],
        longevity,
        propagate: true,
      },
    };
  }
}

/** Execution of one block: created by {@link Runtime.beginBlock}. */
export class BlockExecution implements DispatchContext {
  readonly state: Overlay;
  readonly blockNumber: number;
  private readonly events: EventRecord[] = [];
  private readonly dispatchNotes: DispatchNote[] = [];
  private phase: Phase = { tag: 'Initialization' };
  private readonly extrinsics: Uint8Array[] = [];
  private readonly author: Uint8Array | undefined;
  /** Weight used per class this block. */
  private readonly used = { Normal: 0n, Operational: 0n, Mandatory: 0n };
  private length = 0;
  /** What the inherents applied so far take. */
  private readonly overhead: BlockOverhead = { length: 0, weight: 0n };
  private initialized = false;

  constructor(
    private readonly runtime: Runtime<object>,
    base: StateReader,
    private readonly header: Pick<Header, 'parentHash' | 'number' | 'digest'>,
    private readonly checker: SignatureChecker,
  ) {
    this.state = new Overlay(base);
    this.blockNumber = header.number;
    this.author = runtime.authorOf(header.digest)?.author;
  }

  deposit(event: RuntimeEventValue): void {
    this.events.push({ phase: this.phase, event, topics: [] });
  }

  transactional<T>(fn: () => T): T {
    const mark = this.events.length;
    try {
      return this.state.transactional(fn);
    } catch (e) {
      this.events.length = mark;
      throw e;
    }
  }

  /** Weight (ps) counted against this block so far, per dispatch class (hook work, e.g. scheduled calls, is Mandatory). */
  get weightUsed(): Readonly<Record<DispatchClassName, bigint>> {
    return { ...this.used };
  }

  /** The extrinsics applied so far. */
  get applied(): readonly Uint8Array[] {
    return this.extrinsics;
  }

  /** Run System's and every pallet's `onInitialize`. */
  initialize(): void {
    if (this.initialized) throw new Error('block already initialized');
    this.initialized = true;
    this.runtime.system.initializeBlock(this.state, this.header);
    for (const p of this.runtime.pallets) {
      const weight = p.hooks.onInitialize?.(this);
      if (weight !== undefined) {
        if (weight < 0n) throw new Error(`${p.name}.onInitialize declared a negative weight ${weight}`);
        this.used.Mandatory += weight;
      }
    }
  }

  /**
   * Apply one extrinsic. An invalid one (bad signature, nonce, fee, limits…) changes nothing and is reported
   * `{ ok: false }`; a valid one is included whether its call succeeds or fails.
   */
  applyExtrinsic(bytes: Uint8Array, opts: { enforceLimits: boolean }): { ok: true; applied: AppliedExtrinsic } | ApplyFailure {
    const index = this.extrinsics.length;
    let xt: DecodedExtrinsic;
    try {
      xt = decodeExtrinsic(bytes);
    } catch (e) {
      return { ok: false, error: { kind: 'invalid', reason: 'Call', message: `could not decode extrinsic: ${(e as Error).message}` } };
    }
    this.phase = { tag: 'ApplyExtrinsic', value: index };
    try {
      if (!xt.signature) return this.applyInherent(xt, index);
      const checked = this.runtime.checkSigned(this.state, xt, this.blockNumber, this.checker, 'block');
      const cls = checked.call.def.class ?? 'Normal';
      if (opts.enforceLimits) {
        const never = this.runtime.exceedsEmptyBlock(cls, checked.weight, bytes.length, this.overhead);
        if (never !== undefined) return { ok: false, error: { kind: 'invalid', reason: 'ExhaustsResources', message: `${INVALID_MESSAGES.ExhaustsResources}: ${never}` }, exceedsEmptyBlock: true };
        this.checkBlockLimits(cls, checked.weight, bytes.length);
      }
      // Pre-dispatch: nonce and fee are final whatever the call does.
      this.runtime.system.incrementNonce(this.state, checked.who);
      this.runtime.payment.withdrawFee(this, checked.who, checked.fee);
      const info = dispatchInfo(checked.weight, cls, checked.call.def.paysFee !== false);
      const result = this.dispatchResolved(checked.call, { kind: 'Signed', who: checked.who });
      this.runtime.payment.distributeFee(this, checked.who, checked.fee, this.author);
      this.deposit(result.ok ? this.runtime.system.extrinsicSuccess(info) : this.runtime.system.extrinsicFailed(result.error, info));
      if (!result.ok) this.dispatchNotes.push({ index, message: result.message });
      this.used[cls] += checked.weight;
      this.length += bytes.length;
      this.extrinsics.push(bytes);
      return { ok: true, applied: { index, hash: xt.hash, dispatch: result, fee: this.runtime.payment.total(checked.fee) } };
    } catch (e) {
      if (e instanceof TransactionInvalid) return { ok: false, error: e.error };
      throw e;
    }
  }

  private applyInherent(xt: DecodedExtrinsic, index: number): { ok: true; applied: AppliedExtrinsic } | ApplyFailure {
    let call: ResolvedCall;
    try {
      call = this.runtime.decodeCall(xt.call);
    } catch (e) {
      invalid('Call', `could not decode the inherent: ${(e as Error).message}`);
    }
    // The only inherent is the timestamp, first in the block.
    if (!this.runtime.isTimestampInherent(call)) unknown('NoUnsignedValidator');
    if (index !== 0) invalid('BadMandatory', 'the timestamp inherent must be the first extrinsic');
    const weight = call.def.weight(call.args);
    const info = dispatchInfo(weight, 'Mandatory', false);
    const result = this.dispatchResolved(call, { kind: 'None' });
    if (!result.ok) invalid('BadMandatory', `timestamp inherent failed: ${(result as { message?: string }).message ?? result.error.tag}`);
    this.deposit(this.runtime.system.extrinsicSuccess(info));
    this.used.Mandatory += weight;
    this.length += xt.bytes.length;
    this.overhead.weight += weight;
    this.overhead.length += xt.bytes.length;
    this.extrinsics.push(xt.bytes);
    return { ok: true, applied: { index, hash: xt.hash, dispatch: { ok: true }, fee: 0n } };
  }

  private checkBlockLimits(cls: DispatchClassName, weight: bigint, len: number): void {
    const { maxBlockRefTime, maxBlockLength, normalRatioBps } = this.runtime.limits;
    const total = this.used.Normal + this.used.Operational + this.used.Mandatory;
    if (cls === 'Normal') {
      if (this.used.Normal + weight > (maxBlockRefTime * normalRatioBps) / 10_000n) invalid('ExhaustsResources', 'block weight limit reached');
      // The block as a whole: what the hooks and inherents used counts too (a heavy hook leaves less room).
      if (total + weight > maxBlockRefTime) invalid('ExhaustsResources', 'block weight limit reached (hooks and inherents included)');
      if (BigInt(this.length + len) > (BigInt(maxBlockLength) * normalRatioBps) / 10_000n) invalid('ExhaustsResources', 'block length limit reached');
    } else {
      if (total + weight > maxBlockRefTime) invalid('ExhaustsResources', 'block weight limit reached');
      if (this.length + len > maxBlockLength) invalid('ExhaustsResources', 'block length limit reached');
    }
  }

  callInfo(call: Uint8Array): CallInfo | undefined {
    try {
      return this.runtime.callInfoOf(this.runtime.callCodec.decode(call));
    } catch {
      return undefined;
    }
  }

  dispatch(origin: Origin, call: Uint8Array): DispatchOutcome {
    let resolved: ResolvedCall;
    try {
      resolved = this.runtime.decodeCall(call);
    } catch (e) {
      return { ok: false, error: { tag: 'Unavailable' }, message: `the call cannot be decoded: ${(e as Error).message}`, weight: 0n };
    }
    const weight = resolved.def.weight(resolved.args);
    // Hook work (the scheduler's tasks) is counted against the block here; an extrinsic's weight already covers its inner calls.
    if (this.phase.tag !== 'ApplyExtrinsic') this.used.Mandatory += weight;
    return { ...this.dispatchResolved(resolved, origin), weight };
  }

  /** Dispatch a call in a transactional layer; errors become a DispatchError, state and events roll back. */
  private dispatchResolved(call: ResolvedCall, origin: Origin): { ok: true } | { ok: false; error: DispatchErrorValue; message: string } {
    try {
      this.transactional(() => call.def.dispatch(this, origin, call.args));
      return { ok: true };
    } catch (e) {
      if (e instanceof DispatchFailure) return { ok: false, error: e.error, message: e.message };
      if (e instanceof ArithmeticError) return { ok: false, error: { tag: 'Arithmetic', value: { tag: e.kind } }, message: e.message };
      throw e;
    }
  }

  /** Run `onFinalize` hooks, store events, and compute both roots on top of `parentTrie`. */
  finalize(parentTrie: Trie, digest: Header['digest']): SealedBlock {
    this.phase = { tag: 'Finalization' };
    for (const p of this.runtime.pallets) {
      try {
        p.hooks.onFinalize?.(this);
      } catch (e) {
        if (e instanceof DispatchFailure) throw new BlockExecutionError(`${p.name}.onFinalize: ${e.message}`);
        throw e;
      }
    }
    this.runtime.system.finalizeBlock(this.state, this.events, this.extrinsics.length);
    const changes = this.state.changes();
    const update = parentTrie.update(changes, STATE_VERSION);
    const header: Header = {
      parentHash: this.header.parentHash,
      number: this.header.number,
      stateRoot: update.root,
      extrinsicsRoot: orderedTrieRoot(this.extrinsics, STATE_VERSION),
      digest,
    };
    return { header, hash: blake2_256(HeaderCodec.encode(header)), extrinsics: [...this.extrinsics], changes, trie: update.trie, newNodes: update.newNodes, events: this.events, dispatchNotes: this.dispatchNotes };
  }
}

function dispatchInfo(weight: bigint, cls: DispatchClassName, paysFee: boolean): DispatchInfoValue {
  return { weight: { refTime: weight, proofSize: 0n }, class: { tag: cls }, paysFee: { tag: paysFee ? 'Yes' : 'No' } };
}

/** The pool tag of a sender's nonce: account ‖ u32 nonce (a module function: no closure per transaction). */
function nonceTag(who: Uint8Array, nonce: number): Uint8Array {
  return concatBytes(who, u32.encode(nonce));
}

/** True when every byte is zero. */
function isZero(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

function equal4(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === 4 && a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** The empty state. */
export const EMPTY_STATE: StateReader = { get: () => undefined, nextKey: () => undefined };
