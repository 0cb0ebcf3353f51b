/**
 * The chain the weights benchmark measures on: the real runtime (`createChainRuntime`), genesis from its own
 * `genesisChanges`, blocks built with `beginBlock` / `initialize` / the timestamp inherent / `finalize` over an
 * in-memory trie (as test/helpers/chain.ts does, without vitest). Setup dispatches calls directly with any origin
 * (as FRAME's benchmarks call the dispatchable with a raw origin); measured blocks are opened on the committed state,
 * timed, and thrown away, so every repetition sees exactly the same worst-case state.
 */
import { toHexRaw } from '../../src/primitives/bytes.js';
import { blake2_256 } from '../../src/primitives/hashing.js';
import { HeaderCodec, type Header } from '../../src/primitives/types.js';
import { createChainRuntime, type DcnRuntime, type GenesisConfig } from '../../src/chain/index.js';
import { DispatchFailure, type Origin } from '../../src/runtime/dispatch.js';
import { STATE_VERSION, type BlockExecution, type ResolvedCall, type SealedBlock, type SignatureChecker } from '../../src/runtime/runtime.js';
import { EMPTY_TRIE_ROOT, Trie, type NodeStore } from '../../src/trie/index.js';
import { verifySignature } from '../../src/crypto/verify.js';

/** Verifies every signature for real (sr25519 in WASM, ed25519 in OpenSSL), as a node without a pre-verified batch. */
export const VERIFYING_CHECKER: SignatureChecker = { verify: (j) => verifySignature(j.scheme, j.message, j.signature, j.publicKey) };

/** A deterministic 32-byte account id for bench actor `n` (0 ≤ n < 2^32): no key, setup dispatches need none. */
export function actor(n: number): Uint8Array {
  const a = new Uint8Array(32);
  a[0] = 0xbe;
  a[1] = 0x0c;
  new DataView(a.buffer).setUint32(2, n);
  return a;
}

/** A signed origin of `who`. */
export const signed = (who: Uint8Array): Origin => ({ kind: 'Signed', who });
/** The root origin. */
export const ROOT: Origin = { kind: 'Root' };
/** No origin (inherents). */
export const NONE: Origin = { kind: 'None' };

/** A chain over the real runtime, in memory. */
export class BenchChain {
  readonly runtime: DcnRuntime;
  readonly nodes = new Map<string, Uint8Array>();
  readonly store: NodeStore = { get: (h) => this.nodes.get(toHexRaw(h)) };
  trie: Trie;
  head: { header: Header; hash: Uint8Array };
  readonly genesisHash: Uint8Array;
  /** The block time of the next block (ms). */
  time: bigint;
  readonly blockTimeMs = 6_000n;

  constructor(genesis: GenesisConfig, startTimeMs = 1_700_000_000_000n, runtime: DcnRuntime = createChainRuntime()) {
    this.runtime = runtime;
    const update = Trie.empty(this.store).update(runtime.genesisChanges(genesis), STATE_VERSION);
    for (const [h, n] of update.newNodes) this.nodes.set(toHexRaw(h), n);
    this.trie = update.trie;
    const header: Header = { parentHash: new Uint8Array(32), number: 0, stateRoot: update.root, extrinsicsRoot: EMPTY_TRIE_ROOT, digest: { logs: [] } };
    this.genesisHash = blake2_256(HeaderCodec.encode(header));
    this.head = { header, hash: this.genesisHash };
    this.time = startTimeMs;
  }

  /**
   * Open the next block on the committed state: initialized (hooks run) and, unless `timestamp: null`, its timestamp
   * inherent applied. `before` runs on the block's state before `initialize` (to stage what the hooks should see).
   */
  open(o: { timestamp?: bigint | null; initialize?: boolean; before?: (exec: BlockExecution) => void; checker?: SignatureChecker } = {}): BlockExecution {
    const exec = this.runtime.beginBlock(this.trie, { parentHash: this.head.hash, number: this.head.header.number + 1, digest: { logs: [] } }, o.checker ?? VERIFYING_CHECKER);
    o.before?.(exec);
    if (o.initialize === false) return exec;
    exec.initialize();
    const ts = o.timestamp === undefined ? this.time : o.timestamp;
    if (ts !== null) {
      const r = exec.applyExtrinsic(this.runtime.timestampInherent(ts), { enforceLimits: true });
      if (!r.ok) throw new Error(`timestamp inherent refused: ${r.error.message}`);
    }
    return exec;
  }

  /** Seal an open block (roots on the committed trie) without committing it. */
  seal(exec: BlockExecution): SealedBlock {
    return exec.finalize(this.trie, { logs: [] });
  }

  /** Build and commit one block in which `fn` runs (after the inherent); the clock moves on one block. */
  block(fn: (exec: BlockExecution) => void, o: { timestamp?: bigint } = {}): void {
    if (o.timestamp !== undefined) this.time = o.timestamp;
    const exec = this.open({ timestamp: this.time });
    fn(exec);
    const sealed = this.seal(exec);
    for (const [h, n] of sealed.newNodes) this.nodes.set(toHexRaw(h), n);
    this.trie = sealed.trie;
    this.head = { header: sealed.header, hash: sealed.hash };
    this.time += this.blockTimeMs;
  }

  /** Dispatch a call in `exec` as the executive does (in a transactional layer); throws with the pallet's message on failure. */
  dispatch(exec: BlockExecution, origin: Origin, pallet: string, call: string, args: Record<string, unknown>): void {
    this.dispatchResolved(exec, origin, this.runtime.decodeCall(this.runtime.encodeCall(pallet, call, args)), `${pallet}.${call}`);
  }

  /** `Pallet.Error` of a module error, else the error's tag. */
  errorName(e: DispatchFailure): string {
    const err = e.error;
    if (err.tag !== 'Module') return err.tag;
    const p = this.runtime.pallets.find((x) => x.index === err.value.index);
    const v = p?.errors?.codec.variants.find((x: { index: number }) => x.index === err.value.error[0]);
    return `${p?.name}.${v?.name}`;
  }

  /** Dispatch an already decoded call (what the benchmark times). */
  dispatchResolved(exec: BlockExecution, origin: Origin, c: ResolvedCall, name: string): void {
    try {
      exec.transactional(() => c.def.dispatch(exec, origin, c.args));
    } catch (e) {
      if (e instanceof DispatchFailure) throw new Error(`${name} failed: ${this.errorName(e)}: ${e.message}`);
      throw e;
    }
  }
}
