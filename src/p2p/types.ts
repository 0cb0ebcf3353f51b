/**
 * Types shared by the p2p modules: the logger port, gossip channels and verdicts, stream access.
 */
import type { Stream } from '@libp2p/interface';

/**
 * The logging port of the p2p layer: a subset of pino's API (`logger.warn({ peer }, 'message')`), so the node's
 * pino logger is passed as is and tests pass {@link silentLogger}.
 */
export interface P2pLogger {
  /** Per-message detail (dropped frames, stream reopen). */
  debug(obj: object, msg?: string): void;
  /** Lifecycle (listening, peer connected). */
  info(obj: object, msg?: string): void;
  /** Misbehaving or unreachable peers. */
  warn(obj: object, msg?: string): void;
  /** A bug or an unexpected failure. */
  error(obj: object, msg?: string): void;
}

/** A logger that discards everything. */
export const silentLogger: P2pLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** The gossip channels. */
export type GossipChannel = 'transactions' | 'consensus';

/** Every gossip channel, in send priority order (consensus first: a late vote costs a round, a late transaction little). */
export const GOSSIP_CHANNELS: readonly GossipChannel[] = ['consensus', 'transactions'];

/** The byte that names a channel on the wire. */
export const CHANNEL_CODE: Readonly<Record<GossipChannel, number>> = { transactions: 1, consensus: 2 };

/**
 * What a gossip handler decides about a message, after a cheap check:
 * - `accept`: valid; it is forwarded once to every other connected peer;
 * - `reject`: invalid; not forwarded, counted against the sending peer;
 * - `ignore`: not forwarded, not held against the peer (a duplicate by other means, not useful now, overload).
 */
export type GossipVerdict = 'accept' | 'reject' | 'ignore';

/**
 * A gossip handler: gets each new message once (duplicates are filtered before it) with the peer id it came from,
 * and returns a verdict, synchronously or as a promise (e.g. after a signature check on a worker thread). A throw or
 * a rejected promise counts as `ignore`. The bytes are the handler's own copy.
 */
export type GossipHandler = (bytes: Uint8Array, fromPeer: string) => GossipVerdict | Promise<GossipVerdict>;

/** A request handler: returns the response bytes; a throw becomes an error response carrying the message. */
export type RequestHandler = (bytes: Uint8Array, fromPeer: string) => Uint8Array | Promise<Uint8Array>;

/** Opens a new outbound stream for `protocol` on an existing connection to `peer`; never dials. */
export type OpenStream = (peer: string, protocol: string) => Promise<Stream>;
