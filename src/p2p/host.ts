/**
 * The node's libp2p host: TCP + Noise + Yamux with identify and ping, a connection gater that admits only the
 * peer ids of the chain spec, redial of bootnodes and reserved nodes with backoff, and the two messaging services
 * on top (gossip, request/response). Peer ids cross this API as text (`12D3KooW…`), multiaddrs as strings.
 *
 * Permissioning: every gate of libp2p 3's `ConnectionGater` that names a peer checks the allowlist: dials to a
 * peer (`denyDialPeer`) or to a multiaddr naming one (`denyDialMultiaddr`), inbound and outbound connections right
 * after the Noise handshake proves the remote's id (`denyInbound/OutboundEncryptedConnection`), and again after
 * muxing; addresses of other peers are not even stored. A refused inbound connection costs the stranger a TCP and
 * Noise handshake and is then dropped. `setAllowedPeers` replaces the list at run time (validator-set changes) and
 * closes connections to peers no longer on it.
 *
 * Backoff on refusal, both ways. Dialling: a refused peer may let our dial resolve and then close the connection at
 * once, so a dial that resolves is not yet a success; the redial backoff of a bootnode or reserved node resets only
 * when the peer completes identify with us (it admitted us), and every failed dial or lost connection before that
 * doubles the next delay (up to `redial.maxDelayMs`, a minute by default). Accepting: a remote IP address whose
 * peer was refused after the Noise handshake is refused before the handshake (at TCP accept, for the price of a
 * closed socket) for `inboundBackoff.minDelayMs`, doubling with each refusal that follows a window, up to
 * `inboundBackoff.maxDelayMs`. An address some allowed peer uses (a bootnode's or reserved node's, or one an allowed
 * peer is connected from) is never throttled, so a stranger sharing a host or NAT with a validator cannot lock it
 * out; there only the per-peer refusal after the handshake applies. Changing the allowlist clears the penalties.
 */
import './polyfill.js';
import { noise } from '@chainsafe/libp2p-noise';
import { identify } from '@libp2p/identify';
import type { Connection, Ed25519PrivateKey, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { ping } from '@libp2p/ping';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { Gossip, YAMUX_MAX_WINDOW_BYTES, type BroadcastResult, type GossipOptions, type GossipStats } from './gossip.js';
import { ReqResp, type ReqRespOptions, type ReqRespStats, type RequestOptions } from './reqresp.js';
import { backoffDelay, errorMessage } from './stream-util.js';
import { silentLogger, type GossipChannel, type GossipHandler, type P2pLogger, type RequestHandler } from './types.js';

/** Options of {@link P2pHost.create} / {@link P2pHost.start}. */
export interface P2pHostOptions {
  /** The node key (`node-key.ts`). */
  privateKey: Ed25519PrivateKey;
  /** Multiaddrs to listen on, e.g. `/ip4/0.0.0.0/tcp/30333`; port 0 picks a free port. */
  listenAddrs: string[];
  /** Multiaddrs with `/p2p/<peer id>` to connect to and keep connected. */
  bootnodes?: string[];
  /** Same as bootnodes (Substrate's `--reserved-nodes`): dialled at start and redialled whenever lost. */
  reservedNodes?: string[];
  /** Peer ids allowed to connect either way (the chain spec's validators and reserved full nodes). Our own id may be in it. */
  allowedPeerIds: Iterable<string>;
  /** Diagnostics; pino's logger fits. Default: silent. */
  logger?: P2pLogger;
  /** Prefix of the stream protocol ids; include the chain id to keep chains apart. Default `/dcn`. */
  protocolPrefix?: string;
  /** Gossip limits. */
  gossip?: GossipOptions;
  /** Request/response limits. */
  reqResp?: ReqRespOptions;
  /** Redial backoff for bootnodes and reserved nodes, in ms: `min · 2^attempt` capped at `max`, with jitter. Default 250 ..= 60,000. */
  redial?: { minDelayMs?: number; maxDelayMs?: number };
  /**
   * How long a remote IP address whose peer was refused is then refused before the handshake, in ms: `min · 2^(n−1)`
   * after its n-th refused handshake, capped at `max`. Default 1,000 ..= 60,000.
   */
  inboundBackoff?: { minDelayMs?: number; maxDelayMs?: number };
  /** Timeout of one dial, in ms (1 ..= 10 min). Default 10,000. */
  dialTimeoutMs?: number;
  /** Inbound connections per second accepted from one IP address before refusing (libp2p's default of 5 is tight for several nodes on one host). Default 50. */
  inboundConnectionThreshold?: number;
}

/** Counters of the host. */
export interface P2pStats {
  /** Connected peer ids. */
  peers: string[];
  /**
   * Connections the gater refused, by gate (all 0 ..= 2^53): `inbound` after the Noise handshake showed a peer id not
   * on the allowlist, `throttled` before the handshake because the remote address was refused recently.
   */
  denied: { dial: number; inbound: number; outbound: number; throttled: number };
  /** Keep-alive targets (bootnodes, reserved nodes) by peer id: dials started and failed ones in a row (0 ..= 2^53). */
  redial: Record<string, { dials: number; failures: number }>;
  /** Gossip counters and per-peer queues. */
  gossip: GossipStats;
  /** Request/response counters. */
  reqResp: ReqRespStats;
}

/** Thrown for a bad option or address. */
export class P2pConfigError extends Error {
  override name = 'P2pConfigError';
}

interface KeepAliveTarget {
  peer: string;
  addrs: Multiaddr[];
  /** Failed dials or lost connections since the peer last admitted us (completed identify), 0 ..= any (backoff caps the delay). */
  attempt: number;
  /** Dials started, 0 ..= 2^53. */
  dials: number;
  timer: NodeJS.Timeout | undefined;
  dialing: boolean;
  /** Whether the refusal was logged at info since the last admission (once, not per redial). */
  refusalLogged: boolean;
}

/** A remote IP address refused recently (accepting side). */
interface InboundPenalty {
  /** Handshakes refused from this address, 1 ..= 2^53. */
  refusals: number;
  /** Until when (ms since the epoch) connections from it are refused before the handshake. */
  until: number;
}

/** Most remote addresses remembered as refused (the oldest is forgotten first). */
const MAX_INBOUND_PENALTIES = 4096;

/** The IP address (ip4 or ip6 component) of `ma`, if any. */
export function ipOfMultiaddr(ma: Multiaddr): string | undefined {
  for (const c of ma.getComponents()) if ((c.name === 'ip4' || c.name === 'ip6') && c.value !== undefined) return c.value;
  return undefined;
}

/** The peer id named by the `/p2p/` component of `ma`, if any. */
export function peerIdOfMultiaddr(ma: Multiaddr): string | undefined {
  let id: string | undefined;
  for (const c of ma.getComponents()) if (c.name === 'p2p' && c.value !== undefined) id = c.value;
  return id;
}

/** Least time a ping may take before libp2p's connection monitor closes the connection, ms. */
export const PING_TIMEOUT_MIN_MS = 30_000;

/** The libp2p host of a node (see the module comment). */
export class P2pHost {
  readonly #node: Libp2p;
  readonly #logger: P2pLogger;
  readonly #gossip: Gossip;
  readonly #reqResp: ReqResp;
  readonly #targets = new Map<string, KeepAliveTarget>();
  readonly #connectListeners = new Set<(peer: string) => void>();
  readonly #disconnectListeners = new Set<(peer: string) => void>();
  readonly #redialMin: number;
  readonly #redialMax: number;
  readonly #dialTimeoutMs: number;
  readonly #denied = { dial: 0, inbound: 0, outbound: 0, throttled: 0 };
  readonly #inboundMin: number;
  readonly #inboundMax: number;
  /** Remote IP → its penalty; insertion order is age (re-inserted on update), bounded by {@link MAX_INBOUND_PENALTIES}. */
  readonly #penalties = new Map<string, InboundPenalty>();
  #allowed: Set<string>;
  #started = false;
  #stopping = false;

  private constructor(node: Libp2p, allowed: Set<string>, opts: P2pHostOptions, logger: P2pLogger) {
    this.#node = node;
    this.#allowed = allowed;
    this.#logger = logger;
    this.#redialMin = opts.redial?.minDelayMs ?? 250;
    this.#redialMax = opts.redial?.maxDelayMs ?? 60_000;
    this.#inboundMin = opts.inboundBackoff?.minDelayMs ?? 1_000;
    this.#inboundMax = opts.inboundBackoff?.maxDelayMs ?? 60_000;
    this.#dialTimeoutMs = opts.dialTimeoutMs ?? 10_000;
    checkInt('redial.minDelayMs', this.#redialMin, 1, 3_600_000);
    checkInt('redial.maxDelayMs', this.#redialMax, this.#redialMin, 3_600_000);
    checkInt('inboundBackoff.minDelayMs', this.#inboundMin, 1, 3_600_000);
    checkInt('inboundBackoff.maxDelayMs', this.#inboundMax, this.#inboundMin, 3_600_000);
    checkInt('dialTimeoutMs', this.#dialTimeoutMs, 1, 600_000);
    const prefix = opts.protocolPrefix ?? '/dcn';
    const open = (peer: string, protocol: string): Promise<Stream> => this.#openStream(peer, protocol);
    this.#gossip = new Gossip(`${prefix}/gossip/1`, opts.gossip ?? {}, open, logger);
    this.#reqResp = new ReqResp(`${prefix}/reqresp/1`, opts.reqResp ?? {}, open, (p) => this.isConnected(p), logger);
    for (const addr of [...(opts.bootnodes ?? []), ...(opts.reservedNodes ?? [])]) this.#addTarget(addr);
  }

  /** Build a host without starting it: register handlers with {@link on} / {@link handle}, then {@link start}. */
  static async create(opts: P2pHostOptions): Promise<P2pHost> {
    const logger = opts.logger ?? silentLogger;
    const allowed = new Set(opts.allowedPeerIds);
    for (const id of allowed) parsePeerId(id);
    // The gater reads `host` lazily: libp2p needs the gater before the host object exists.
    const ref: { host?: P2pHost } = {};
    const deny = (peerId: PeerId, gate: 'dial' | 'inbound' | 'outbound', remote?: Multiaddr): boolean => {
      const id = peerId.toString();
      const host = ref.host;
      if ((host === undefined ? allowed : host.#allowed).has(id)) return false;
      if (host !== undefined) {
        host.#denied[gate]++;
        if (gate === 'inbound' && remote !== undefined) host.#penalize(remote);
      }
      logger.debug({ peer: id, gate, remote: remote?.toString() }, 'p2p: refused a peer that is not on the allowlist');
      return true;
    };
    const node = await createLibp2p({
      start: false,
      privateKey: opts.privateKey,
      addresses: { listen: opts.listenAddrs },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      // Cap the receive window so a paused gossip stream buffers at most this much (gossip.ts sizes its read buffer on it).
      streamMuxers: [yamux({ streamOptions: { maxStreamWindowSize: YAMUX_MAX_WINDOW_BYTES } })],
      connectionGater: {
        // Before the Noise handshake: the cheap refusal of an address refused recently.
        denyInboundConnection: (maConn) => ref.host !== undefined && ref.host.#isThrottled(maConn.remoteAddr),
        denyDialPeer: (peerId) => deny(peerId, 'dial'),
        denyDialMultiaddr: (ma) => {
          const id = peerIdOfMultiaddr(ma);
          if (id === undefined) return false;
          let peerId: PeerId;
          try {
            peerId = peerIdFromString(id);
          } catch {
            return true;
          }
          return deny(peerId, 'dial');
        },
        denyInboundEncryptedConnection: (peerId, maConn) => deny(peerId, 'inbound', maConn.remoteAddr),
        denyOutboundEncryptedConnection: (peerId) => deny(peerId, 'outbound'),
        denyInboundUpgradedConnection: (peerId) => deny(peerId, 'inbound'),
        denyOutboundUpgradedConnection: (peerId) => deny(peerId, 'outbound'),
        filterMultiaddrForPeer: (peerId) => (ref.host === undefined ? allowed : ref.host.#allowed).has(peerId.toString()),
      },
      connectionManager: {
        // Two connections per allowed peer (simultaneous dials) plus slack: the pruner must never close a validator.
        maxConnections: Math.max(64, 4 * allowed.size),
        inboundConnectionThreshold: opts.inboundConnectionThreshold ?? 50,
        dialTimeout: opts.dialTimeoutMs ?? 10_000,
        // Redial is ours (unbounded retries with capped backoff); libp2p's own gives up after five.
        reconnectRetries: 0,
      },
      // A validator whose event loop is busy (a flood of transactions, a big block) answers pings late; the default
      // adaptive timeout (5 s at least, from loopback round trips of a millisecond) then drops a live connection, and
      // the reconnection re-sends every ready transaction on top of the load. A dead connection is still found (TCP
      // errors close it at once; a silent one within this bound).
      connectionMonitor: { pingTimeout: { minTimeout: PING_TIMEOUT_MIN_MS } },
      services: { identify: identify(), ping: ping() },
    });
    const host = new P2pHost(node, allowed, opts, logger);
    ref.host = host;
    return host;
  }

  /** Create and start a host. */
  static async start(opts: P2pHostOptions): Promise<P2pHost> {
    const host = await P2pHost.create(opts);
    await host.start();
    return host;
  }

  /** Start listening, register the protocols and dial bootnodes and reserved nodes. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const node = this.#node;
    node.addEventListener('peer:connect', (evt) => this.#onPeerConnect(evt.detail.toString()));
    node.addEventListener('peer:disconnect', (evt) => this.#onPeerDisconnect(evt.detail.toString()));
    node.addEventListener('peer:identify', (evt) => this.#onPeerAdmitted(evt.detail.peerId.toString()));
    const serve = (service: 'gossip' | 'reqresp') => (stream: Stream, connection: Connection) => {
      const peer = connection.remotePeer.toString();
      if (!this.#allowed.has(peer)) {
        stream.abort(new Error('peer not allowed'));
        return;
      }
      if (service === 'gossip') this.#gossip.handleInbound(stream, peer);
      else this.#reqResp.handleInbound(stream, peer);
    };
    // A peer opens one long-lived stream per protocol; a few more cover a reopen racing the old stream's close.
    await node.handle(this.#gossip.protocol, serve('gossip'), { maxInboundStreams: 4, maxOutboundStreams: 4 });
    await node.handle(this.#reqResp.protocol, serve('reqresp'), { maxInboundStreams: 4, maxOutboundStreams: 4 });
    await node.start();
    this.#logger.info({ peerId: this.peerId, listen: this.listenAddrs, allowed: this.#allowed.size }, 'p2p: listening');
    for (const t of this.#targets.values()) this.#scheduleDial(t, 0);
  }

  /** Our peer id. */
  get peerId(): string {
    return this.#node.peerId.toString();
  }

  /** The addresses we listen on, each ending in `/p2p/<our peer id>` (ready to hand to others as a bootnode). */
  get listenAddrs(): string[] {
    return this.#node.getMultiaddrs().map((ma) => ma.toString());
  }

  /** Peer ids with at least one open connection. */
  connectedPeers(): string[] {
    return this.#node.getPeers().map((p) => p.toString());
  }

  /** Whether `peer` has an open connection. */
  isConnected(peer: string): boolean {
    let id: PeerId;
    try {
      id = peerIdFromString(peer);
    } catch {
      return false;
    }
    return this.#node.getConnections(id).some((c) => c.status === 'open');
  }

  /** The allowlist. */
  allowedPeers(): string[] {
    return [...this.#allowed];
  }

  /** Replace the allowlist (validator-set change) and close connections to peers no longer on it. */
  async setAllowedPeers(ids: Iterable<string>): Promise<void> {
    const next = new Set(ids);
    for (const id of next) parsePeerId(id);
    this.#allowed = next;
    // Refusals under the old list say nothing about the new one.
    this.#penalties.clear();
    const drops = this.connectedPeers().filter((p) => !next.has(p));
    await Promise.all(drops.map((p) => this.disconnect(p)));
  }

  /** Dial `addr` (a multiaddr with `/p2p/<peer id>`) once; resolves with the peer id, rejects when refused or unreachable. */
  async connect(addr: string): Promise<string> {
    const ma = parseMultiaddr(addr);
    const conn = await this.#node.dial(ma, { signal: AbortSignal.timeout(this.#dialTimeoutMs) });
    return conn.remotePeer.toString();
  }

  /** Close every connection to `peer`. Bootnodes and reserved nodes are redialled after the backoff. */
  async disconnect(peer: string): Promise<void> {
    await this.#node.hangUp(parsePeerId(peer)).catch((err: unknown) => {
      this.#logger.debug({ peer, err: errorMessage(err) }, 'p2p: hang-up failed');
    });
  }

  /** Call `cb` with the peer id whenever a peer gets its first connection; returns an unsubscribe function. */
  onPeerConnected(cb: (peer: string) => void): () => void {
    this.#connectListeners.add(cb);
    return () => this.#connectListeners.delete(cb);
  }

  /** Call `cb` with the peer id whenever a peer loses its last connection; returns an unsubscribe function. */
  onPeerDisconnected(cb: (peer: string) => void): () => void {
    this.#disconnectListeners.add(cb);
    return () => this.#disconnectListeners.delete(cb);
  }

  /** Gossip `bytes` on `channel` to every connected peer (see `gossip.ts` for the rules). */
  broadcast(channel: GossipChannel, bytes: Uint8Array): BroadcastResult {
    return this.#gossip.broadcast(channel, bytes);
  }

  /** Gossip the message with content `key` to the connected peers not known to have it (see `gossip.ts`). */
  broadcastKeyed(channel: GossipChannel, key: string, build: () => Uint8Array): BroadcastResult {
    return this.#gossip.broadcastKeyed(channel, key, build);
  }

  /** `peer` has the message with content `key` on `channel` (it sent it): keyed broadcasts skip it. */
  markKnown(peer: string, channel: GossipChannel, key: string): void {
    this.#gossip.markKnown(peer, channel, key);
  }

  /** Set the handler of a gossip channel; its verdict decides forwarding (see `GossipVerdict`). */
  on(channel: GossipChannel, handler: GossipHandler): void {
    this.#gossip.on(channel, handler);
  }

  /** Send a `protocol` request to `peer` (see `reqresp.ts`); rejects with `RequestError`. */
  request(peer: string, protocol: string, bytes: Uint8Array, options?: RequestOptions): Promise<Uint8Array> {
    return this.#reqResp.request(peer, protocol, bytes, options);
  }

  /** Serve `protocol` requests with `handler`. */
  handle(protocol: string, handler: RequestHandler): void {
    this.#reqResp.handle(protocol, handler);
  }

  /** Counters and queue states. */
  stats(): P2pStats {
    const redial: P2pStats['redial'] = {};
    for (const t of this.#targets.values()) redial[t.peer] = { dials: t.dials, failures: t.attempt };
    return { peers: this.connectedPeers(), denied: { ...this.#denied }, redial, gossip: this.#gossip.stats(), reqResp: this.#reqResp.stats() };
  }

  /** Stop redialling, fail outstanding requests, close every stream and connection, stop listening. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    for (const t of this.#targets.values()) {
      if (t.timer !== undefined) clearTimeout(t.timer);
      t.timer = undefined;
    }
    this.#gossip.stop();
    this.#reqResp.stop();
    await this.#node.stop();
    this.#logger.info({ peerId: this.peerId }, 'p2p: stopped');
  }

  #onPeerConnect(peer: string): void {
    if (this.#stopping) return;
    // Not yet a success for the redial backoff: a peer that refuses us may let the connection open and close it at
    // once. The backoff resets when the peer completes identify (#onPeerAdmitted).
    this.#logger.info({ peer }, 'p2p: peer connected');
    this.#gossip.addPeer(peer);
    for (const cb of this.#connectListeners) this.#callListener(cb, peer);
  }

  #onPeerDisconnect(peer: string): void {
    this.#gossip.removePeer(peer);
    this.#reqResp.removePeer(peer);
    if (this.#stopping) return;
    this.#logger.info({ peer }, 'p2p: peer disconnected');
    const t = this.#targets.get(peer);
    if (t !== undefined) this.#scheduleRedial(t, 'connection lost');
    for (const cb of this.#disconnectListeners) this.#callListener(cb, peer);
  }

  /** The peer answered identify on a connection: it admitted us, so its redial backoff starts over. */
  #onPeerAdmitted(peer: string): void {
    const t = this.#targets.get(peer);
    if (t === undefined || this.#stopping) return;
    if (t.attempt > 0) this.#logger.info({ peer, failures: t.attempt }, 'p2p: peer admitted us; redial backoff reset');
    t.attempt = 0;
    t.refusalLogged = false;
  }

  /** Schedule the next dial of `t` after `min · 2^attempt` (capped, with jitter) and count the failure. */
  #scheduleRedial(t: KeepAliveTarget, why: string, err?: unknown): void {
    const delay = backoffDelay(t.attempt, this.#redialMin, this.#redialMax);
    t.attempt++;
    const fields = { peer: t.peer, attempt: t.attempt, retryInMs: Math.round(delay), why, err: err === undefined ? undefined : errorMessage(err) };
    // After a few quick failures the peer is most likely refusing us (we are not on its allowlist): say so once.
    if (t.attempt === 4 && !t.refusalLogged) {
      t.refusalLogged = true;
      this.#logger.warn({ ...fields, maxDelayMs: this.#redialMax }, 'p2p: peer keeps refusing or dropping us (is our peer id on its allowlist?); redialling with backoff');
    } else this.#logger.debug(fields, 'p2p: redial scheduled');
    this.#scheduleDial(t, delay);
  }

  /** Accepting side: remember that a handshake from `remote`'s IP was refused, doubling its window. */
  #penalize(remote: Multiaddr): void {
    const ip = ipOfMultiaddr(remote);
    if (ip === undefined) return;
    const prev = this.#penalties.get(ip);
    const refusals = (prev?.refusals ?? 0) + 1;
    const windowMs = Math.min(this.#inboundMax, this.#inboundMin * 2 ** Math.min(refusals - 1, 30));
    this.#penalties.delete(ip);
    this.#penalties.set(ip, { refusals, until: Date.now() + windowMs });
    if (this.#penalties.size > MAX_INBOUND_PENALTIES) this.#penalties.delete(this.#penalties.keys().next().value!);
    this.#logger.debug({ ip, refusals, windowMs }, 'p2p: refusing this address before the handshake for a while');
  }

  /** Accepting side: whether a new inbound connection from `remote` is refused before the handshake. */
  #isThrottled(remote: Multiaddr): boolean {
    if (this.#penalties.size === 0) return false;
    const ip = ipOfMultiaddr(remote);
    const p = ip === undefined ? undefined : this.#penalties.get(ip);
    if (p === undefined || Date.now() >= p.until) return false;
    if (this.#isUsedByAllowedPeer(ip!)) return false;
    this.#denied.throttled++;
    return true;
  }

  /** Whether an allowed peer is known at `ip` (a keep-alive target's address, or an open connection). */
  #isUsedByAllowedPeer(ip: string): boolean {
    for (const t of this.#targets.values()) if (this.#allowed.has(t.peer) && t.addrs.some((a) => ipOfMultiaddr(a) === ip)) return true;
    for (const c of this.#node.getConnections()) if (this.#allowed.has(c.remotePeer.toString()) && ipOfMultiaddr(c.remoteAddr) === ip) return true;
    return false;
  }

  #callListener(cb: (peer: string) => void, peer: string): void {
    try {
      cb(peer);
    } catch (err) {
      this.#logger.error({ peer, err: errorMessage(err) }, 'p2p: peer event listener threw');
    }
  }

  #addTarget(addr: string): void {
    const ma = parseMultiaddr(addr);
    const peer = peerIdOfMultiaddr(ma);
    if (peer === undefined) throw new P2pConfigError(`bootnode/reserved address ${addr} lacks /p2p/<peer id>`);
    parsePeerId(peer);
    if (!this.#allowed.has(peer)) this.#logger.warn({ addr }, 'p2p: bootnode/reserved node is not on the allowlist; it will be refused');
    if (peer === this.#node.peerId.toString()) return; // our own address in a shared bootnode list
    const t = this.#targets.get(peer);
    if (t !== undefined) t.addrs.push(ma);
    else this.#targets.set(peer, { peer, addrs: [ma], attempt: 0, dials: 0, timer: undefined, dialing: false, refusalLogged: false });
  }

  #scheduleDial(t: KeepAliveTarget, delayMs: number): void {
    if (this.#stopping) return;
    if (t.timer !== undefined) clearTimeout(t.timer);
    t.timer = setTimeout(() => {
      t.timer = undefined;
      void this.#dialTarget(t);
    }, delayMs);
  }

  /**
   * Dial a keep-alive target unless connected; on failure schedule the next try with backoff (a dial that resolves
   * leaves the backoff as it is: see #onPeerAdmitted). Never rejects.
   */
  async #dialTarget(t: KeepAliveTarget): Promise<void> {
    if (this.#stopping || t.dialing || this.isConnected(t.peer)) return;
    t.dialing = true;
    t.dials++;
    try {
      await this.#node.dial(t.addrs, { signal: AbortSignal.timeout(this.#dialTimeoutMs) });
    } catch (err) {
      this.#scheduleRedial(t, 'dial failed', err);
    } finally {
      t.dialing = false;
    }
  }

  /** A new stream on an open connection to `peer`, fully negotiated; never dials. */
  async #openStream(peer: string, protocol: string): Promise<Stream> {
    const conn = this.#node.getConnections(parsePeerId(peer)).find((c) => c.status === 'open');
    if (conn === undefined) throw new Error(`not connected to ${peer}`);
    // negotiateFully: our gossip streams are write-only, so a lazily negotiated protocol failure would go unseen.
    return conn.newStream(protocol, { signal: AbortSignal.timeout(this.#dialTimeoutMs), negotiateFully: true });
  }
}

function parsePeerId(id: string): PeerId {
  try {
    return peerIdFromString(id);
  } catch (err) {
    throw new P2pConfigError(`invalid peer id ${JSON.stringify(id)}: ${errorMessage(err)}`);
  }
}

function parseMultiaddr(addr: string): Multiaddr {
  try {
    return multiaddr(addr);
  } catch (err) {
    throw new P2pConfigError(`invalid multiaddr ${JSON.stringify(addr)}: ${errorMessage(err)}`);
  }
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new P2pConfigError(`${name} must be an integer in ${min}..=${max}, got ${v}`);
}
