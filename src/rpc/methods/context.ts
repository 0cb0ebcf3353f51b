/**
 * What RPC method handlers see of the node: the chain, the transaction service and the node's identity.
 */
import type { Chain } from '../../node/chain.js';
import type { TransactionService } from '../../node/transactions.js';
import type { ChainSpec } from '../../node/chain-spec.js';
import { toHex } from '../../primitives/bytes.js';
import type { Header, DigestItemValue } from '../../primitives/types.js';
import { DigestItemCodec } from '../../primitives/types.js';
import { RpcError } from '../errors.js';
import type { Keystore } from '../../node/keystore.js';
import type { DevClock } from './dev.js';
import type { ApiAt, NodeRuntime } from '../../runtime/host.js';

/** Node services used by RPC handlers. */
export interface RpcNode {
  chain: Chain;
  txs: TransactionService;
  spec: ChainSpec;
  /** Node name (`--name`). */
  name: string;
  /** Implementation version string. */
  version: string;
  /** Whether this node authors blocks. */
  isValidator: boolean;
  /** Connected peers (0 for a lone dev node). */
  peerCount(): number;
  /** Whether the node is catching up with the network. */
  isSyncing(): boolean;
  /** The node's keystore (for author_insertKey, hasKey, rotateKeys). */
  keystore: Keystore;
  /** libp2p peer id of this node ('' before networking starts). */
  localPeerId(): string;
  /** Multiaddresses the node listens on. */
  listenAddresses(): string[];
  /** Connected peers as `system_peers` reports them. */
  peers(): Array<{ peerId: string; roles: string; bestHash: string; bestNumber: number }>;
  /** Highest block seen on the network (the own head when alone). */
  highestBlock(): number;
  /** The dev author's clock (`--dev` only): serves `dev_advanceTime`. */
  devClock?: DevClock;
}

/** Where a runtime API call runs: the runtime, and the state at a block. */
export interface RuntimeCallContext extends ApiAt {
  runtime: NodeRuntime;
}

/** The runtime API context at a stored block. */
export function apiContextAt(node: RpcNode, hash: Uint8Array): RuntimeCallContext {
  const header = node.chain.header(hash);
  if (!header) throw new RpcError(CHAIN_ERROR.UnknownBlock, `Unknown block: ${toHex(hash)} is not a known block hash`);
  return { runtime: node.chain.runtime, state: node.chain.stateAt(hash)!, block: { number: header.number, hash }, checker: node.txs.checker };
}

/** Substrate's JSON-RPC error codes for the chain/state sections. */
export const CHAIN_ERROR = { UnknownBlock: 4003 } as const;

/** Resolve an optional block hash parameter to a stored block hash (the head when absent). */
export function resolveAt(node: RpcNode, at: Uint8Array | undefined): Uint8Array {
  if (at === undefined) return node.chain.head.hash;
  if (node.chain.header(at) === undefined) throw new RpcError(CHAIN_ERROR.UnknownBlock, `Unknown block: ${toHex(at)} is not a known block hash`);
  return at;
}

/** A header as Substrate's JSON-RPC returns it (number as hex, digest items as SCALE hex). */
export function headerJson(h: Header): { parentHash: string; number: string; stateRoot: string; extrinsicsRoot: string; digest: { logs: string[] } } {
  return {
    parentHash: toHex(h.parentHash),
    number: '0x' + h.number.toString(16),
    stateRoot: toHex(h.stateRoot),
    extrinsicsRoot: toHex(h.extrinsicsRoot),
    digest: { logs: h.digest.logs.map((l: DigestItemValue) => toHex(DigestItemCodec.encode(l))) },
  };
}
