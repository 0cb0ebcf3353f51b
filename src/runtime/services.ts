/**
 * What the executive needs from the chain it runs, as small interfaces: the chain (`src/chain/`) hands them in,
 * implemented by its pallets, as FRAME's `Executive` is generic over its `System`, its fee payment and its pallets.
 * The framework names no pallet; these are the only doors through which it reaches pallet state. Pure.
 */
import type { DispatchErrorValue, DispatchInfoValue, Header } from '../primitives/types.js';
import type { Codec } from '../primitives/scale/index.js';
import type { DispatchContext, EventRecord, RuntimeEventValue } from './dispatch.js';
import type { StateAccess, StateReader } from './state.js';

/** What the executive asks of the System pallet (`frame_system` as the Executive's `System`). */
export interface SystemServices {
  /** System's pallet index: the system origins (`Root`, `Signed`, `None`) sit at it in the outer `OriginCaller`. */
  palletIndex: number;
  /** The account's nonce (u32). */
  accountNonce(state: StateReader, who: Uint8Array): number;
  /** Increment a signer's nonce (before dispatch; never rolled back with the call). */
  incrementNonce(state: StateAccess, who: Uint8Array): void;
  /** Hash of block `n` (u32) if still remembered (the mortality window and genesis). */
  blockHash(state: StateReader, n: number): Uint8Array | undefined;
  /** Record what validating a transaction for the block after `best` needs: that block's number and `best`'s hash. */
  noteBestBlock(state: StateAccess, best: { number: number; hash: Uint8Array }): void;
  /** Begin a block: its number, parent hash and digest; clear the previous block's transient items. */
  initializeBlock(state: StateAccess, header: Pick<Header, 'number' | 'parentHash' | 'digest'>): void;
  /** End a block: store its events. */
  finalizeBlock(state: StateAccess, events: EventRecord[], extrinsicCount: number): void;
  /** The event of an extrinsic whose call succeeded. */
  extrinsicSuccess(info: DispatchInfoValue): RuntimeEventValue;
  /** The event of an extrinsic whose call failed. */
  extrinsicFailed(error: DispatchErrorValue, info: DispatchInfoValue): RuntimeEventValue;
  /** Bind the outer event enum that System's stored event records refer to (once, at assembly). */
  bindEventCodec(codec: Codec<RuntimeEventValue>): void;
}

/** The parts of a fee, as `payment_queryFeeDetails` reports them. */
export interface FeeDetails {
  baseFee: bigint;
  lenFee: bigint;
  adjustedWeightFee: bigint;
  tip: bigint;
}

/** How extrinsics pay (`ChargeTransactionPayment` with the chain's `OnChargeTransaction`). */
export interface PaymentServices {
  /** The fee of an extrinsic of `length` bytes whose call weighs `callWeight` (ps); zero when the call pays no fee. */
  computeFee(length: number, callWeight: bigint, tip: bigint, paysFee: boolean): FeeDetails;
  /** Total of a fee's parts. */
  total(fee: FeeDetails): bigint;
  /** Whether `who` can pay `amount` and stay alive (the pool's and the block's check before dispatch). */
  canPay(state: StateReader, who: Uint8Array, amount: bigint): boolean;
  /** Take the fee from `who` before dispatch. Throws when it cannot be paid. */
  withdrawFee(ctx: DispatchContext, who: Uint8Array, fee: FeeDetails): void;
  /** After dispatch: pay the fee out (to the author of the block, if known, and the chain's own accounts). */
  distributeFee(ctx: DispatchContext, who: Uint8Array, fee: FeeDetails, author: Uint8Array | undefined): void;
}

/**
 * The timestamp inherent (`ProvideInherent` of `pallet_timestamp`): the one unsigned extrinsic, first in every
 * block, that sets the block time.
 */
export interface TimestampInherent {
  /** Pallet and call (camelCase) of the inherent. */
  pallet: string;
  call: string;
  /** The call's arguments for time `now` (ms). */
  args(now: bigint): Record<string, unknown>;
  /** The time (ms) the inherent's arguments set. */
  timeOf(args: Record<string, unknown>): bigint;
  /** The earliest time (ms) the block after `state` may carry. */
  earliestNext(state: StateReader): bigint;
}

/** A signature the runtime needs checked. `id` identifies the extrinsic (hex of its hash) for verdict caching. */
export interface SignatureJob {
  id: string;
  scheme: 'sr25519' | 'ed25519';
  message: Uint8Array;
  signature: Uint8Array;
  publicKey: Uint8Array;
}

/** The runtime's port for signature verification (sync; the node may have verified ahead of time). */
export interface SignatureChecker {
  verify(job: SignatureJob): boolean;
}
