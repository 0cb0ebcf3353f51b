/**
 * The p2p layer: a permissioned libp2p host with gossip and request/response (`host.ts`), and the node key
 * (`node-key.ts`). The `Promise.withResolvers` polyfill is imported first, before any libp2p module evaluates.
 */
import './polyfill.js';

export { P2pHost, P2pConfigError, peerIdOfMultiaddr, type P2pHostOptions, type P2pStats } from './host.js';
export {
  DEFAULT_CHANNEL_OPTIONS,
  GossipError,
  type BroadcastResult,
  type ChannelOptions,
  type ChannelStats,
  type GossipOptions,
  type GossipStats,
  type PeerChannelStats,
  type PeerGossipStats,
} from './gossip.js';
export { RequestError, type ReqRespOptions, type ReqRespStats, type RequestErrorCode, type RequestOptions } from './reqresp.js';
export type { DropPolicy, QueueLimits } from './queue.js';
export {
  GOSSIP_CHANNELS,
  silentLogger,
  type GossipChannel,
  type GossipHandler,
  type GossipVerdict,
  type P2pLogger,
  type RequestHandler,
} from './types.js';
export {
  NodeKeyError,
  devNodeKey,
  generateNodeKey,
  loadNodeKey,
  loadOrCreateNodeKey,
  nodeKeyFromSeed,
  peerIdOf,
  randomNodeKey,
  saveNodeKey,
  type NodeKey,
} from './node-key.js';
