/**
 * Flood gossip with deduplication over long-lived, one-way streams, for the two channels `transactions` and
 * `consensus`.
 *
 * Wire: each node opens one outbound stream of the gossip protocol to every connected peer and only writes to it;
 * it reads the stream each peer opened to it. A stream carries length-prefixed frames (`framing.ts`), each frame
 * `channel code (u8) ‖ message bytes`. Frames queued in the same turn of the event loop leave in one `send()`.
 *
 * Rules:
 * - Message id = blake2-256 of the message bytes (so a transaction's id is its extrinsic hash). A bounded LRU of
 *   (channel, id) pairs filters duplicates before the handler: a message reaches the handler at most once per
 *   node while its id is in the LRU (default 65,536 ids, minutes of traffic at the measured rates).
 * - The handler's verdict decides forwarding: `accept` forwards once to every connected peer except the sender and
 *   the peers the sender said it is connected to; `reject` and `ignore` stop it.
 * - Peer views: each node tells its peers which peers it is connected to (a control frame, channel code 0, holding
 *   the peer ids one per line, at most {@link MAX_VIEW_PEERS}), again whenever that set changes, and the newest view
 *   of each peer is kept. The sender already sent its message to everyone in its view, so forwarding to them would
 *   only make duplicates: in a fully connected validator set nothing is forwarded (each message crosses each link
 *   once instead of three times with four validators), while a node that only some peers reach (a full node on one
 *   validator, a broken link) still gets everything through the others. A view a moment stale can cost a peer a
 *   message; consensus re-sends its round state and block sync fetches what is missed.
 * - `broadcast` always sends to every connected peer, even bytes sent before: re-broadcasting is how a sender
 *   repairs losses (a peer that reconnected, a dropped queue entry); receivers that already have it drop it as a
 *   duplicate.
 * - `broadcastKeyed` is for messages re-broadcast often whose bytes differ per send (a consensus proposal, which
 *   carries a whole block, in a fresh envelope each time): the caller names the content with a key, and, like
 *   CometBFT's `PeerState`, each peer's sender remembers the keys (at most {@link KNOWN_KEYS_PER_PEER}, LRU) the
 *   peer is known to have: ones written to its current outbound stream, ones in its queue (until written, or
 *   forgotten when the queue drops them), and ones the caller saw arrive from it (`markKnown`). A keyed message
 *   goes only to peers not known to have it, and its bytes are built only when some peer needs them. The set is
 *   forgotten when the outbound stream closes (what was in flight may be lost) and with the peer's sender when it
 *   disconnects, so a reconnected peer gets it again on the next re-broadcast.
 * - Outbound: per peer and channel a {@link BoundedQueue} (count and bytes); consensus drops the oldest message when
 *   full, transactions the newest (see `queue.ts`). A batch is sent only when the stream has drained, so a slow
 *   peer costs at most its queue limits plus one batch, and never slows the other peers.
 * - Inbound: at most `maxPendingValidations` handler calls in flight per stream; beyond that the stream is paused,
 *   Yamux stops granting window, and the backlog moves to the sender's bounded queue. Consensus messages skip the
 *   backlog (their handler is quick): they never wait behind transaction validations.
 * - A frame above the size limit closes the stream (the peer is broken or hostile; it reopens after a backoff);
 *   an unknown channel, an empty frame or an oversized message for its channel is counted and skipped.
 */
import type { Stream } from '@libp2p/interface';
import { LruCache } from '../crypto/lru.js';
import { toHexRaw } from '../primitives/bytes.js';
import { blake2_256 } from '../primitives/hashing.js';
import { FRAME_HEADER_BYTES, FrameDecoder, copyBytes } from './framing.js';
import { BoundedQueue, Fifo, type QueueLimits } from './queue.js';
import { abortQuietly, backoffDelay, closeQuietly, errorMessage, messageBytes, trySend, waitForDrain } from './stream-util.js';
import {
  CHANNEL_CODE,
  GOSSIP_CHANNELS,
  type GossipChannel,
  type GossipHandler,
  type GossipVerdict,
  type OpenStream,
  type P2pLogger,
} from './types.js';

/** Limits of one channel. */
export interface ChannelOptions {
  /** Largest message accepted or sent on the channel, in bytes (1 ..= 16 MiB). */
  maxMessageBytes: number;
  /** The outbound queue each peer gets for this channel. `maxBytes` must be ≥ `maxMessageBytes`. */
  queue: QueueLimits;
}

/** Gossip settings; every field has a default. */
export interface GossipOptions {
  /** Per-channel overrides of {@link DEFAULT_CHANNEL_OPTIONS} (field by field, queue limits included). */
  channels?: Partial<Record<GossipChannel, { maxMessageBytes?: number; queue?: Partial<QueueLimits> }>>;
  /** Ids remembered for deduplication (LRU), 1 ..= 2^24. Default 65,536. */
  seenCacheSize?: number;
  /** Target bytes per `send()`; a single larger frame still goes alone. 1 KiB ..= 16 MiB, default 256 KiB. */
  maxBatchBytes?: number;
  /** Handler calls in flight per inbound stream before it is paused, 1 ..= 65,536. Default 256. */
  maxPendingValidations?: number;
  /** Backoff bounds for reopening a peer's outbound stream after it failed, in ms. Default 100 ..= 5,000. */
  reopenDelayMs?: { min: number; max: number };
}

/** Default limits per channel. */
export const DEFAULT_CHANNEL_OPTIONS: Readonly<Record<GossipChannel, ChannelOptions>> = {
  // Votes and proposals: few, urgent; a newer one supersedes an older one, so drop the oldest.
  consensus: { maxMessageBytes: 4 * 1024 * 1024, queue: { maxMessages: 4096, maxBytes: 16 * 1024 * 1024, policy: 'drop-oldest' } },
  // Transactions: many, small; keep a contiguous prefix (nonce order), so refuse the newest.
  transactions: { maxMessageBytes: 1024 * 1024, queue: { maxMessages: 16_384, maxBytes: 16 * 1024 * 1024, policy: 'drop-newest' } },
};

/** Counters of one channel on this node (all 0 ..= 2^53). */
export interface ChannelStats {
  /** Frames received from peers. */
  received: number;
  /** Received messages already seen (dropped before the handler). */
  duplicates: number;
  /** Verdicts. */
  accepted: number;
  rejected: number;
  ignored: number;
  /** Handler throws, rejections and invalid verdicts (counted as `ignore` too). */
  handlerErrors: number;
  /** Received messages above `maxMessageBytes` (dropped). */
  oversized: number;
  /** Messages this node originated with `broadcast`. */
  broadcast: number;
  /** Copies queued to peers (broadcast and forwarded). */
  queued: number;
  /** Copies written to peers' streams (in a network without drops, Σ sent over all nodes = Σ received). */
  sent: number;
  /** Copies dropped by full queues, or lost with a stream that closed under them. */
  dropped: number;
  /** Copies of keyed broadcasts not queued because the peer was known to have the key. */
  skippedKnown: number;
}

/** Queue state of one peer's channel. */
export interface PeerChannelStats {
  /** Messages waiting, 0 ..= queue.maxMessages. */
  queued: number;
  /** Bytes waiting, 0 ..= queue.maxBytes. */
  queuedBytes: number;
  /** Largest `queued` ever seen. */
  highWater: number;
  /** Messages dropped for this peer, 0 ..= 2^53. */
  dropped: number;
}

/** Gossip state of one connected peer. */
export interface PeerGossipStats {
  /** The peer id. */
  peer: string;
  /** Whether our outbound stream to it is open. */
  streamOpen: boolean;
  /** Handler calls in flight for messages it sent, summed over its inbound streams. */
  pendingValidations: number;
  /** Messages from it that a handler rejected, 0 ..= 2^53. */
  rejected: number;
  /** Keys of keyed broadcasts it is known to have (written to it, queued for it, or received from it). */
  known: number;
  /** Outbound queues. */
  channels: Record<GossipChannel, PeerChannelStats>;
}

/** Snapshot of the gossip layer. */
export interface GossipStats {
  /** Per-channel counters. */
  channels: Record<GossipChannel, ChannelStats>;
  /** Per-peer queues. */
  peers: PeerGossipStats[];
  /** Ids in the dedup LRU. */
  seen: number;
  /** Inbound streams closed for a frame above the limit. */
  malformedStreams: number;
  /** Frames that were empty or named an unknown channel. */
  unknownFrames: number;
  /** `send()` calls on gossip streams (Σ channels' `sent` / this = frames per batch). */
  batches: number;
  /** Connected peers whose view (their connected peers) this node holds, 0 ..= connected peers. */
  views: number;
}

/** What {@link Gossip.broadcast} did. */
export interface BroadcastResult {
  /** blake2-256 of the bytes (hex, `0x`-prefixed). */
  id: string;
  /** Peers the message was queued for, 0 ..= connected peers. */
  peers: number;
}

/** Most content keys remembered per peer for {@link Gossip.broadcastKeyed} (LRU; a forgotten key is merely re-sent). */
export const KNOWN_KEYS_PER_PEER = 1024;

/** Thrown by `broadcast` for a message the channel cannot carry. */
export class GossipError extends Error {
  override name = 'GossipError';
}

const CHANNEL_BY_CODE = new Map<number, GossipChannel>(GOSSIP_CHANNELS.map((c) => [CHANNEL_CODE[c], c]));
/** Channel code of the control frame carrying a peer's view (its connected peers). */
const VIEW_CODE = 0;
/** Most peer ids in a view; a longer view is cut (a peer beyond it is merely forwarded to, as without views). */
export const MAX_VIEW_PEERS = 1024;
/** Largest peer id accepted in a view, in characters (base58 ids are about 52). */
const MAX_PEER_ID_CHARS = 128;

/** The control payload of a view: the peer ids, one per line (UTF-8). */
export function encodeView(peers: readonly string[]): Uint8Array {
  return new TextEncoder().encode(peers.slice(0, MAX_VIEW_PEERS).join('\n'));
}

/** The peer ids of a view payload; malformed or oversized ids are dropped. */
export function decodeView(payload: Uint8Array): Set<string> {
  const out = new Set<string>();
  if (payload.length === 0) return out;
  for (const id of new TextDecoder().decode(payload).split('\n')) {
    if (out.size >= MAX_VIEW_PEERS) break;
    if (id.length > 0 && id.length <= MAX_PEER_ID_CHARS) out.add(id);
  }
  return out;
}

const MAX_LIMIT_BYTES = 16 * 1024 * 1024;

interface ResolvedOptions {
  channels: Record<GossipChannel, ChannelOptions>;
  seenCacheSize: number;
  maxBatchBytes: number;
  maxPendingValidations: number;
  reopenDelayMs: { min: number; max: number };
}

/** Fill in defaults and check bounds. */
export function resolveGossipOptions(o: GossipOptions = {}): ResolvedOptions {
  const channels = {} as Record<GossipChannel, ChannelOptions>;
  for (const c of GOSSIP_CHANNELS) {
    const d = DEFAULT_CHANNEL_OPTIONS[c];
    const over = o.channels?.[c] ?? {};
    const opts: ChannelOptions = { maxMessageBytes: over.maxMessageBytes ?? d.maxMessageBytes, queue: { ...d.queue, ...over.queue } };
    checkInt(`${c}.maxMessageBytes`, opts.maxMessageBytes, 1, MAX_LIMIT_BYTES);
    checkInt(`${c}.queue.maxMessages`, opts.queue.maxMessages, 1, 2 ** 24);
    checkInt(`${c}.queue.maxBytes`, opts.queue.maxBytes, opts.maxMessageBytes, 2 ** 40);
    channels[c] = opts;
  }
  const r: ResolvedOptions = {
    channels,
    seenCacheSize: o.seenCacheSize ?? 65_536,
    maxBatchBytes: o.maxBatchBytes ?? 256 * 1024,
    maxPendingValidations: o.maxPendingValidations ?? 256,
    reopenDelayMs: o.reopenDelayMs ?? { min: 100, max: 5_000 },
  };
  checkInt('seenCacheSize', r.seenCacheSize, 1, 2 ** 24);
  checkInt('maxBatchBytes', r.maxBatchBytes, 1024, MAX_LIMIT_BYTES);
  checkInt('maxPendingValidations', r.maxPendingValidations, 1, 65_536);
  checkInt('reopenDelayMs.min', r.reopenDelayMs.min, 1, 3_600_000);
  checkInt('reopenDelayMs.max', r.reopenDelayMs.max, r.reopenDelayMs.min, 3_600_000);
  return r;
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`gossip option ${name} must be an integer in ${min}..=${max}, got ${v}`);
}

function emptyChannelStats(): ChannelStats {
  return { received: 0, duplicates: 0, accepted: 0, rejected: 0, ignored: 0, handlerErrors: 0, oversized: 0, broadcast: 0, queued: 0, sent: 0, dropped: 0, skippedKnown: 0 };
}

/**
 * The dedup key of a message: the channel code and the first 128 bits of its id as eight UTF-16 code units. A short
 * flat string hashes several times faster in a `Map` than 64 hex digits (it was the top item of the gossip profile);
 * 128 bits keep accidental collisions out of reach.
 */
function seenKey(code: number, id: Uint8Array): string {
  return String.fromCharCode(
    code,
    (id[0] << 8) | id[1],
    (id[2] << 8) | id[3],
    (id[4] << 8) | id[5],
    (id[6] << 8) | id[7],
    (id[8] << 8) | id[9],
    (id[10] << 8) | id[11],
    (id[12] << 8) | id[13],
    (id[14] << 8) | id[15],
  );
}

/** One peer's outbound side: bounded queues drained into batched frames on one long-lived stream. */
class PeerSender {
  readonly #queues = new Map<GossipChannel, BoundedQueue>();
  /** Our latest view, not yet sent on the stream (a newer one replaces it). */
  #view: Uint8Array | undefined;
  #stream: Stream | undefined;
  #opening = false;
  #scheduled = false;
  #waitingDrain = false;
  #closed = false;
  #reopenAttempt = 0; // consecutive failed opens, 0 ..= 30 (capped by backoffDelay)
  #reopenTimer: NodeJS.Timeout | undefined;
  /** Messages from this peer that a handler rejected. */
  rejected = 0;
  /** Content keys (channel-prefixed) the peer is known to have: written on the current stream, or received from it. */
  readonly #known = new LruCache<string, true>(KNOWN_KEYS_PER_PEER);
  /** Content keys of keyed messages in this peer's queues, with their number of copies there (≥ 1). */
  readonly #pending = new Map<string, number>();

  constructor(
    readonly peer: string,
    private readonly gossip: Gossip,
  ) {
    for (const c of GOSSIP_CHANNELS) this.#queues.set(c, new BoundedQueue(gossip.options.channels[c].queue));
  }

  get streamOpen(): boolean {
    return this.#stream !== undefined && this.#stream.writeStatus === 'writable';
  }

  queue(channel: GossipChannel): BoundedQueue {
    return this.#queues.get(channel)!;
  }

  /** Send our view `payload` before any queued message (replacing a view not sent yet). */
  setView(payload: Uint8Array): void {
    if (this.#closed) return;
    this.#view = payload;
    this.#schedule();
  }

  /** Whether the peer has the content `key` (written to it on this stream, received from it, or queued for it). */
  knows(key: string): boolean {
    return this.#known.has(key) || this.#pending.has(key);
  }

  /** Number of keys the peer is known to have. */
  get knownCount(): number {
    return this.#known.size;
  }

  /** The peer has `key` (it sent us the message). */
  markKnown(key: string): void {
    if (!this.#closed) this.#known.set(key, true);
  }

  /** Queue `payload` (shared, never mutated) for this peer; returns how many messages the queue dropped. */
  enqueue(channel: GossipChannel, payload: Uint8Array): number {
    if (this.#closed) return 1;
    const key = this.gossip.keyOf(payload);
    if (key !== undefined) this.#pending.set(key, (this.#pending.get(key) ?? 0) + 1);
    const dropped = this.queue(channel).push(payload, (d) => this.#unpend(d));
    this.#schedule();
    return dropped;
  }

  /** A keyed payload left the queue (written, or dropped): one copy less pending. */
  #unpend(payload: Uint8Array): string | undefined {
    const key = this.gossip.keyOf(payload);
    if (key === undefined) return undefined;
    const n = this.#pending.get(key) ?? 0;
    if (n <= 1) this.#pending.delete(key);
    else this.#pending.set(key, n - 1);
    return key;
  }

  open(): void {
    if (this.#closed || this.#stream !== undefined || this.#opening || this.#reopenTimer !== undefined) return;
    this.#opening = true;
    this.gossip.openStream(this.peer, this.gossip.protocol).then(
      (stream) => {
        this.#opening = false;
        if (this.#closed) {
          closeQuietly(stream);
          return;
        }
        this.#stream = stream;
        this.#reopenAttempt = 0;
        stream.addEventListener('close', () => this.#onStreamClosed(stream), { once: true });
        // Our view goes first on every new stream: one sent on a stream that closed may have been lost with it.
        this.#view = this.gossip.viewPayload();
        this.#schedule();
      },
      (err: unknown) => {
        this.#opening = false;
        this.gossip.logger.debug({ peer: this.peer, err: errorMessage(err) }, 'gossip: cannot open stream');
        this.#reopenLater();
      },
    );
  }

  close(): void {
    this.#closed = true;
    if (this.#reopenTimer !== undefined) clearTimeout(this.#reopenTimer);
    this.#reopenTimer = undefined;
    for (const q of this.#queues.values()) q.clear();
    this.#pending.clear();
    this.#known.clear();
    if (this.#stream !== undefined) closeQuietly(this.#stream);
    this.#stream = undefined;
  }

  #onStreamClosed(stream: Stream): void {
    if (this.#stream !== stream) return;
    this.#stream = undefined;
    this.#waitingDrain = false;
    // What was written on it may not have arrived: send keyed messages again on the next re-broadcast.
    this.#known.clear();
    if (!this.#closed) {
      this.gossip.logger.debug({ peer: this.peer }, 'gossip: outbound stream closed, reopening');
      this.#reopenLater();
    }
  }

  #reopenLater(): void {
    if (this.#closed || this.#reopenTimer !== undefined) return;
    const { min, max } = this.gossip.options.reopenDelayMs;
    const delay = backoffDelay(this.#reopenAttempt++, min, max);
    this.#reopenTimer = setTimeout(() => {
      this.#reopenTimer = undefined;
      this.open();
    }, delay);
  }

  #schedule(): void {
    if (this.#scheduled || this.#waitingDrain || this.#closed) return;
    this.#scheduled = true;
    // setImmediate, not a microtask: everything broadcast or forwarded in this turn of the event loop joins the batch.
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#closed || this.#waitingDrain) return;
    const stream = this.#stream;
    if (stream === undefined) {
      this.open();
      return;
    }
    const batch = this.#takeBatch();
    if (batch === undefined) return;
    const outcome = trySend(stream, batch.bytes);
    if (outcome === 'closed') {
      // The batch is gone with the stream; the close handler reopens it.
      this.gossip.countLost(batch.counts);
      abortQuietly(stream, new Error('gossip stream not writable'));
      this.#onStreamClosed(stream);
      return;
    }
    this.gossip.countSent(batch.counts);
    if (outcome === 'full') {
      this.#waitingDrain = true;
      void waitForDrain(stream).then((ok) => {
        if (this.#stream !== stream) return;
        this.#waitingDrain = false;
        if (ok) this.#schedule();
      });
      return;
    }
    if (this.#hasQueued()) this.#schedule();
  }

  #hasQueued(): boolean {
    if (this.#view !== undefined) return true;
    for (const q of this.#queues.values()) if (q.length > 0) return true;
    return false;
  }

  /** Take messages in channel priority order until the batch reaches maxBatchBytes (at least one message). */
  #takeBatch(): { bytes: Uint8Array; counts: Map<GossipChannel, number> } | undefined {
    const limit = this.gossip.options.maxBatchBytes;
    const taken: Array<{ code: number; payload: Uint8Array }> = [];
    const counts = new Map<GossipChannel, number>();
    let total = 0;
    if (this.#view !== undefined) {
      taken.push({ code: VIEW_CODE, payload: this.#view });
      total += FRAME_HEADER_BYTES + 1 + this.#view.length;
      this.#view = undefined;
    }
    outer: for (const c of GOSSIP_CHANNELS) {
      const q = this.queue(c);
      const code = CHANNEL_CODE[c];
      for (;;) {
        const next = q.peek();
        if (next === undefined) break;
        const size = FRAME_HEADER_BYTES + 1 + next.length;
        if (taken.length > 0 && total + size > limit) break outer;
        q.shift();
        // Written on this stream (if the write fails, the stream closes and the known set goes with it).
        const key = this.#unpend(next);
        if (key !== undefined) this.#known.set(key, true);
        taken.push({ code, payload: next });
        counts.set(c, (counts.get(c) ?? 0) + 1);
        total += size;
      }
    }
    if (taken.length === 0) return undefined;
    const bytes = new Uint8Array(total);
    const view = new DataView(bytes.buffer);
    let off = 0;
    for (const { code, payload } of taken) {
      view.setUint32(off, 1 + payload.length, false);
      bytes[off + FRAME_HEADER_BYTES] = code;
      bytes.set(payload, off + FRAME_HEADER_BYTES + 1);
      off += FRAME_HEADER_BYTES + 1 + payload.length;
    }
    return { bytes, counts };
  }
}

/** One inbound gossip stream: decoded frames wait here while too many validations are in flight. */
class InboundReader {
  readonly backlog = new Fifo<{ channel: GossipChannel; payload: Uint8Array }>();
  pending = 0; // handler calls in flight, 0 ..= maxPendingValidations
  paused = false;
  pumping = false;
  closed = false;

  constructor(
    readonly stream: Stream,
    readonly peer: string,
  ) {}
}

/** The gossip engine of one host (see the module comment). */
export class Gossip {
  /** Resolved settings. */
  readonly options: ResolvedOptions;
  readonly #seen: LruCache<string, true>;
  readonly #handlers = new Map<GossipChannel, GossipHandler>();
  readonly #senders = new Map<string, PeerSender>();
  /** The content key of each keyed payload queued (payloads are unique objects, shared among the peers' queues). */
  readonly #keys = new WeakMap<Uint8Array, string>();
  readonly #readers = new Set<InboundReader>();
  /** Each peer's latest view: the peers it said it is connected to. */
  readonly #views = new Map<string, Set<string>>();
  #viewScheduled = false;
  readonly #stats: Record<GossipChannel, ChannelStats> = { consensus: emptyChannelStats(), transactions: emptyChannelStats() };
  readonly #decoderLimit: number;
  #malformedStreams = 0;
  #unknownFrames = 0;
  #batches = 0;
  #stopped = false;

  /** A gossip engine speaking `protocol`, opening streams with `openStream`. */
  constructor(
    /** The stream protocol id, e.g. `/dcn/gossip/1`. */
    readonly protocol: string,
    options: GossipOptions,
    /** Opens an outbound stream on an existing connection. */
    readonly openStream: OpenStream,
    /** Where diagnostics go. */
    readonly logger: P2pLogger,
  ) {
    this.options = resolveGossipOptions(options);
    this.#seen = new LruCache(this.options.seenCacheSize);
    // One byte of channel code on top of the largest message of any channel.
    this.#decoderLimit = 1 + Math.max(...GOSSIP_CHANNELS.map((c) => this.options.channels[c].maxMessageBytes));
  }

  /** Set the handler of `channel` (one per channel; a later call replaces it). Messages without a handler are ignored. */
  on(channel: GossipChannel, handler: GossipHandler): void {
    this.#handlers.set(channel, handler);
  }

  /** Send `bytes` to every connected peer on `channel` and remember its id, so echoes are dropped. */
  broadcast(channel: GossipChannel, bytes: Uint8Array): BroadcastResult {
    if (!GOSSIP_CHANNELS.includes(channel)) throw new GossipError(`unknown gossip channel ${String(channel)}`);
    const max = this.options.channels[channel].maxMessageBytes;
    if (bytes.length > max) throw new GossipError(`${channel} message of ${bytes.length} bytes exceeds ${max} bytes`);
    // Our own copy: the caller may reuse its buffer, and the queues share this one copy among all peers.
    const payload = copyBytes(bytes);
    const id = blake2_256(payload);
    this.#seen.set(seenKey(CHANNEL_CODE[channel], id), true);
    this.#stats[channel].broadcast++;
    const peers = this.#fanOut(channel, payload, undefined);
    return { id: `0x${toHexRaw(id)}`, peers };
  }

  /**
   * Send the message with content `key` to every connected peer not known to have it (see the module doc);
   * `build` makes its bytes (called at most once, only when some peer needs them; the result is owned by gossip).
   * `peers` counts the peers it was queued for; `id` is empty when it was queued for none.
   */
  broadcastKeyed(channel: GossipChannel, key: string, build: () => Uint8Array): BroadcastResult {
    if (!GOSSIP_CHANNELS.includes(channel)) throw new GossipError(`unknown gossip channel ${String(channel)}`);
    const k = `${CHANNEL_CODE[channel]}:${key}`;
    const st = this.#stats[channel];
    const targets: PeerSender[] = [];
    for (const sender of this.#senders.values()) {
      if (sender.knows(k)) st.skippedKnown++;
      else targets.push(sender);
    }
    if (targets.length === 0) return { id: '', peers: 0 };
    const payload = build();
    const max = this.options.channels[channel].maxMessageBytes;
    if (payload.length > max) throw new GossipError(`${channel} message of ${payload.length} bytes exceeds ${max} bytes`);
    const id = blake2_256(payload);
    this.#seen.set(seenKey(CHANNEL_CODE[channel], id), true);
    this.#keys.set(payload, k);
    st.broadcast++;
    for (const sender of targets) {
      st.dropped += sender.enqueue(channel, payload);
      st.queued++;
    }
    return { id: `0x${toHexRaw(id)}`, peers: targets.length };
  }

  /** `peer` has the message with content `key` on `channel` (it sent it to us): keyed broadcasts skip it. */
  markKnown(peer: string, channel: GossipChannel, key: string): void {
    this.#senders.get(peer)?.markKnown(`${CHANNEL_CODE[channel]}:${key}`);
  }

  /** The channel-prefixed content key of a keyed payload (see {@link broadcastKeyed}). */
  keyOf(payload: Uint8Array): string | undefined {
    return this.#keys.get(payload);
  }

  /** A peer connected: create its sender and open the outbound stream. */
  addPeer(peer: string): void {
    if (this.#stopped || this.#senders.has(peer)) return;
    const sender = new PeerSender(peer, this);
    this.#senders.set(peer, sender);
    sender.open();
    this.#scheduleView();
  }

  /** A peer disconnected (all connections): drop its queues and stream. */
  removePeer(peer: string): void {
    const sender = this.#senders.get(peer);
    if (sender === undefined) return;
    this.#senders.delete(peer);
    this.#views.delete(peer);
    sender.close();
    this.#scheduleView();
  }

  /** Tell every peer our connected set, once per event-loop turn however many peers came and went in it. */
  #scheduleView(): void {
    if (this.#viewScheduled || this.#stopped) return;
    this.#viewScheduled = true;
    setImmediate(() => {
      this.#viewScheduled = false;
      if (this.#stopped) return;
      const payload = this.viewPayload();
      for (const s of this.#senders.values()) s.setView(payload);
    });
  }

  /** Our view: the peers we are connected to, as a control payload. */
  viewPayload(): Uint8Array {
    return encodeView([...this.#senders.keys()].sort());
  }

  /** Serve an inbound gossip stream from `peer` (the stream handler of the protocol). */
  handleInbound(stream: Stream, peer: string): void {
    if (this.#stopped) {
      abortQuietly(stream, new Error('gossip stopped'));
      return;
    }
    const reader = new InboundReader(stream, peer);
    this.#readers.add(reader);
    const decoder = new FrameDecoder(this.#decoderLimit);
    // While paused, Yamux may still deliver what it already granted: let the read buffer hold a full window.
    stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, 2 * YAMUX_MAX_WINDOW_BYTES);
    stream.addEventListener('message', (evt) => {
      // A throw inside an EventTarget listener becomes an uncaught exception in Node: catch everything here.
      try {
        for (const frame of decoder.push(messageBytes(evt.data))) this.#enqueueInbound(reader, frame);
        this.#pump(reader);
      } catch (err) {
        this.#malformedStreams++;
        this.logger.warn({ peer, err: errorMessage(err) }, 'gossip: malformed stream, closing it');
        this.#closeReader(reader);
        abortQuietly(stream, err instanceof Error ? err : new Error(String(err)));
      }
    });
    stream.addEventListener('close', () => this.#closeReader(reader), { once: true });
  }

  /** Copies written to a stream (called by senders). */
  countSent(counts: Map<GossipChannel, number>): void {
    this.#batches++;
    for (const [c, n] of counts) this.#stats[c].sent += n;
  }

  /** Copies dropped because the stream under them closed (called by senders). */
  countLost(counts: Map<GossipChannel, number>): void {
    for (const [c, n] of counts) this.#stats[c].dropped += n;
  }

  /** Connected peers with a gossip sender. */
  peers(): string[] {
    return [...this.#senders.keys()];
  }

  /** Counters and queue states. */
  stats(): GossipStats {
    const pending = new Map<string, number>();
    for (const r of this.#readers) pending.set(r.peer, (pending.get(r.peer) ?? 0) + r.pending);
    const peers: PeerGossipStats[] = [];
    for (const s of this.#senders.values()) {
      const channels = {} as Record<GossipChannel, PeerChannelStats>;
      for (const c of GOSSIP_CHANNELS) {
        const q = s.queue(c);
        channels[c] = { queued: q.length, queuedBytes: q.bytes, highWater: q.highWater, dropped: q.dropped };
      }
      peers.push({ peer: s.peer, streamOpen: s.streamOpen, pendingValidations: pending.get(s.peer) ?? 0, rejected: s.rejected, known: s.knownCount, channels });
    }
    const channels = {} as Record<GossipChannel, ChannelStats>;
    for (const c of GOSSIP_CHANNELS) channels[c] = { ...this.#stats[c] };
    return { channels, peers, seen: this.#seen.size, malformedStreams: this.#malformedStreams, unknownFrames: this.#unknownFrames, batches: this.#batches, views: [...this.#views.keys()].filter((p) => this.#senders.has(p)).length };
  }

  /** Close every stream and drop every queue. */
  stop(): void {
    this.#stopped = true;
    for (const s of this.#senders.values()) s.close();
    this.#senders.clear();
    for (const r of [...this.#readers]) {
      this.#closeReader(r);
      abortQuietly(r.stream, new Error('gossip stopped'));
    }
  }

  /** Queue `payload` for every peer but `from` (who sent it to us) and the peers `from` said it reaches itself. */
  #fanOut(channel: GossipChannel, payload: Uint8Array, from: string | undefined): number {
    let n = 0;
    const st = this.#stats[channel];
    const reached = from === undefined ? undefined : this.#views.get(from);
    for (const [peer, sender] of this.#senders) {
      if (peer === from || reached?.has(peer) === true) continue;
      st.dropped += sender.enqueue(channel, payload);
      st.queued++;
      n++;
    }
    return n;
  }

  #enqueueInbound(reader: InboundReader, frame: Uint8Array): void {
    if (frame.length > 0 && frame[0] === VIEW_CODE) {
      // May come before the connection event that adds the peer here; `removePeer` forgets it.
      this.#views.set(reader.peer, decodeView(frame.subarray(1)));
      return;
    }
    const channel = frame.length > 0 ? CHANNEL_BY_CODE.get(frame[0]) : undefined;
    if (channel === undefined) {
      this.#unknownFrames++;
      return;
    }
    const st = this.#stats[channel];
    st.received++;
    if (frame.length - 1 > this.options.channels[channel].maxMessageBytes) {
      st.oversized++;
      return;
    }
    // The one copy of the payload: the frame is a view into the transport's chunk.
    const payload = copyBytes(frame, 1);
    // Consensus goes first inbound as it does outbound: its handler is quick, and a vote must not wait behind the
    // transaction batches whose validations fill the stream's budget under a flood (the round would time out).
    if (channel === 'consensus') this.#process(reader, channel, payload);
    else reader.backlog.push({ channel, payload });
  }

  /** Run handlers for the backlog while fewer than maxPendingValidations are in flight; pause or resume the stream. */
  #pump(reader: InboundReader): void {
    if (reader.pumping || reader.closed) return;
    reader.pumping = true;
    try {
      const limit = this.options.maxPendingValidations;
      while (reader.pending < limit && reader.backlog.length > 0) {
        const { channel, payload } = reader.backlog.shift()!;
        this.#process(reader, channel, payload);
      }
      const busy = reader.backlog.length > 0 || reader.pending >= limit;
      if (busy && !reader.paused) {
        reader.paused = true;
        tryPause(reader.stream);
      } else if (!busy && reader.paused && reader.pending <= limit / 2) {
        reader.paused = false;
        tryResume(reader.stream);
      }
    } finally {
      reader.pumping = false;
    }
  }

  #process(reader: InboundReader, channel: GossipChannel, payload: Uint8Array): void {
    const st = this.#stats[channel];
    const key = seenKey(CHANNEL_CODE[channel], blake2_256(payload));
    if (this.#seen.has(key)) {
      st.duplicates++;
      return;
    }
    this.#seen.set(key, true);
    const handler = this.#handlers.get(channel);
    if (handler === undefined) {
      st.ignored++;
      return;
    }
    reader.pending++;
    let out: GossipVerdict | Promise<GossipVerdict>;
    try {
      out = handler(payload, reader.peer);
    } catch (err) {
      this.#handlerError(channel, reader.peer, err);
      this.#settle(reader, channel, payload, 'ignore');
      return;
    }
    if (isPromiseLike(out)) {
      out.then(
        (v) => this.#settle(reader, channel, payload, v),
        (err: unknown) => {
          this.#handlerError(channel, reader.peer, err);
          this.#settle(reader, channel, payload, 'ignore');
        },
      );
    } else this.#settle(reader, channel, payload, out);
  }

  #handlerError(channel: GossipChannel, peer: string, err: unknown): void {
    this.#stats[channel].handlerErrors++;
    this.logger.warn({ channel, peer, err: errorMessage(err) }, 'gossip: handler failed; message ignored');
  }

  #settle(reader: InboundReader, channel: GossipChannel, payload: Uint8Array, verdict: unknown): void {
    reader.pending--;
    const st = this.#stats[channel];
    if (verdict === 'accept') {
      st.accepted++;
      if (!this.#stopped) this.#fanOut(channel, payload, reader.peer);
    } else if (verdict === 'reject') {
      st.rejected++;
      const sender = this.#senders.get(reader.peer);
      if (sender !== undefined) sender.rejected++;
    } else {
      if (verdict !== 'ignore') {
        st.handlerErrors++;
        this.logger.warn({ channel, verdict: String(verdict) }, 'gossip: handler returned an invalid verdict; message ignored');
      }
      st.ignored++;
    }
    this.#pump(reader);
  }

  #closeReader(reader: InboundReader): void {
    if (reader.closed) return;
    reader.closed = true;
    reader.backlog.clear();
    this.#readers.delete(reader);
  }
}

/** Yamux's receive window bound configured by the host (`host.ts`), used to size inbound read buffers. */
export const YAMUX_MAX_WINDOW_BYTES = 4 * 1024 * 1024;

function isPromiseLike<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

function tryPause(stream: Stream): void {
  try {
    stream.pause();
  } catch {
    // Closing already: nothing to pause.
  }
}

function tryResume(stream: Stream): void {
  try {
    stream.resume();
  } catch {
    // Closing already: nothing to resume.
  }
}
