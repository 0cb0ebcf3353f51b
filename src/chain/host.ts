/**
 * This chain's runtime as the node uses it: the {@link NodeRuntime} interface implemented over the assembled
 * {@link Runtime} and this chain's pallets (System's block hashes, nonces and events, Timestamp's inherent and its
 * check, ValidatorSet's authorities, the Oracle's feed for the feeders). The node, RPC, CLI and consensus get this
 * object and nothing else of the runtime: what they need of pallet storage is read here, on the runtime's side.
 */
import { decodeExtrinsic, type DecodedExtrinsic } from '../primitives/extrinsic.js';
import type { Header } from '../primitives/types.js';
import { vec } from '../primitives/scale/index.js';
import { AccountId32 } from '../primitives/types.js';
import { SystemStorage, accountNonce } from '../pallets/system/index.js';
import { checkTimestampInherent, MINIMUM_PERIOD_MS, TimestampStorage } from '../pallets/timestamp/index.js';
import { validators } from '../pallets/validator-set/index.js';
import { OracleParams, OracleStorage, type FedValueValue } from '../pallets/oracle/index.js';
import { MAX_FEEDERS, type OracleParamsValue } from '../pallets/oracle/math.js';
import { callRuntimeApi } from '../runtime/apis.js';
import type { EventRecord } from '../runtime/dispatch.js';
import type { ApiAt, Authority, BlockBuilder, BlockRef, InherentCheck, InherentData, NodeRuntime, SignatureContext } from '../runtime/host.js';
import type { Runtime, SealedBlock, SignatureChecker, SignatureJob } from '../runtime/runtime.js';
import { createChainRuntime, type GenesisConfig } from './index.js';
import { Overlay, type StateReader } from '../runtime/state.js';
import type { ValidationOutcome } from '../runtime/validity.js';
import type { Trie } from '../trie/index.js';

/** The Oracle's feed as the feeders (the in-process dev feeder and the `feeder` tool) read it. */
export interface OracleQueries {
  /** The accounts allowed to feed. */
  feeders(st: StateReader): Uint8Array[];
  /** Price lifetime, minimum feeders and the exclusive price bounds. */
  params(st: StateReader): OracleParamsValue;
  /** A feeder's latest value, if any. */
  value(st: StateReader, feeder: Uint8Array): FedValueValue | undefined;
  /**
   * For a client that reads the state over RPC (`state_getStorage`), as a metadata-driven client would: the keys of
   * the feeder set and the parameters, and how to decode their values.
   */
  remote: {
    feedersKey: Uint8Array;
    paramsKey: Uint8Array;
    decodeFeeders(bytes: Uint8Array): Uint8Array[];
    decodeParams(bytes: Uint8Array): OracleParamsValue;
  };
}

/** This chain's queries. */
export interface ChainQueries {
  oracle: OracleQueries;
}

/** This chain's runtime as the node sees it. */
export type ChainRuntime = NodeRuntime<ChainQueries, GenesisConfig>;

const FeederList = vec(AccountId32, MAX_FEEDERS);

const CHAIN_QUERIES: ChainQueries = {
  oracle: {
    feeders: (st) => OracleStorage.Feeders.get(st),
    params: (st) => OracleStorage.Params.get(st),
    value: (st, feeder) => OracleStorage.Values.get(st, feeder),
    remote: {
      feedersKey: OracleStorage.Feeders.key,
      paramsKey: OracleStorage.Params.key,
      decodeFeeders: (bytes) => FeederList.decode(bytes),
      decodeParams: (bytes) => OracleParams.decode(bytes),
    },
  },
};

/** {@link NodeRuntime} over a {@link Runtime} of this chain. */
export class ChainHost implements ChainRuntime {
  readonly queries = CHAIN_QUERIES;

  constructor(private readonly runtime: Runtime) {}

  get version() {
    return this.runtime.version;
  }

  get pallets() {
    return this.runtime.pallets;
  }

  metadata(version: 14 | 15): Uint8Array {
    return this.runtime.metadata(version);
  }

  genesisChanges(config: GenesisConfig) {
    return this.runtime.genesisChanges(config);
  }

  beginBlock(base: StateReader, header: Pick<Header, 'parentHash' | 'number' | 'digest'>, checker: SignatureChecker): BlockBuilder {
    return this.runtime.beginBlock(base, header, checker);
  }

  inherentExtrinsics(parent: StateReader, data: InherentData): Uint8Array[] {
    // The block's time: the author's clock, but always after the parent's (a clock behind the chain cannot stall it).
    const parentTime = TimestampStorage.Now.get(parent);
    const now = data.nowMs >= parentTime + MINIMUM_PERIOD_MS ? data.nowMs : parentTime + MINIMUM_PERIOD_MS;
    return [this.runtime.timestampInherent(now)];
  }

  checkInherents(parent: StateReader, extrinsics: readonly Uint8Array[], check: InherentCheck): string | undefined {
    const proposed = this.runtime.timestampOf(extrinsics);
    if (proposed === undefined) return 'no timestamp inherent';
    const rejection = checkTimestampInherent(proposed, TimestampStorage.Now.get(parent), check.nowMs, check.maxDriftMs);
    return rejection === undefined ? undefined : `timestamp ${proposed} refused: ${rejection.reason}`;
  }

  executeBlock(base: StateReader, parentTrie: Trie, header: Header, extrinsics: Uint8Array[], checker: SignatureChecker): SealedBlock {
    return this.runtime.executeBlock(base, parentTrie, header, extrinsics, checker);
  }

  checkInvariants(state: StateReader) {
    return this.runtime.checkInvariants(state);
  }

  authorOf(digest: Header['digest']) {
    return this.runtime.authorOf(digest);
  }

  validateTransaction(base: StateReader, bytes: Uint8Array, best: BlockRef, checker: SignatureChecker): ValidationOutcome {
    return this.runtime.validateTransaction(base, bytes, best, checker);
  }

  signatureJob(at: SignatureContext, xt: DecodedExtrinsic, versions?: { specVersion: number; transactionVersion: number }): SignatureJob {
    return this.runtime.signatureJob(withRecentHashes(at), xt, at.number, versions);
  }

  signatureJobs(at: SignatureContext, extrinsics: readonly Uint8Array[]): Array<{ index: number; job: SignatureJob }> {
    const state = withRecentHashes(at);
    const jobs: Array<{ index: number; job: SignatureJob }> = [];
    extrinsics.forEach((bytes, index) => {
      try {
        const xt = decodeExtrinsic(bytes);
        if (!xt.signature) return;
        jobs.push({ index, job: this.runtime.signatureJob(state, xt, at.number) });
      } catch {
        // No signature job (undecodable, unsupported address or scheme, ancient era): execution reports the extrinsic.
      }
    });
    return jobs;
  }

  validators(state: StateReader): Authority[] {
    return validators(state);
  }

  blockTime(state: StateReader): bigint {
    return TimestampStorage.Now.get(state);
  }

  accountNonce(state: StateReader, who: Uint8Array): number {
    return accountNonce(state, who);
  }

  events(state: StateReader): EventRecord[] {
    return SystemStorage.Events.get(state);
  }

  decodeCall(callBytes: Uint8Array) {
    return this.runtime.decodeCall(callBytes);
  }

  encodeCall(pallet: string, call: string, args: Record<string, unknown>): Uint8Array {
    return this.runtime.encodeCall(pallet, call, args);
  }

  queryFee(bytes: Uint8Array) {
    return this.runtime.queryFee(bytes);
  }

  callApi(at: ApiAt, name: string, input: Uint8Array): Uint8Array {
    return callRuntimeApi({ runtime: this.runtime, state: at.state, block: at.block, checker: at.checker }, name, input);
  }
}

/**
 * `at.state` with the recent blocks' hashes recorded in `System.BlockHash`, on an overlay (the state itself is not
 * written): what execution of block `at.number` will have recorded by the time it checks a signature.
 */
function withRecentHashes(at: SignatureContext): StateReader {
  if (at.recentHashes.length === 0) return at.state;
  const state = new Overlay(at.state);
  for (const [n, h] of at.recentHashes) if (n >= 0) SystemStorage.BlockHash.set(state, n, h);
  return state;
}

/** This chain's runtime for the node. */
export function createChainHost(): ChainRuntime {
  return new ChainHost(createChainRuntime());
}
