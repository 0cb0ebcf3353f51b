/**
 * The node's use of the p2p layer: who may connect, the consensus gossip envelope, and transaction gossip.
 *
 * Consensus channel: `envelope = nonce: [u8; 8] ‖ SCALE(SignedMessage)`. The gossip layer drops a message whose
 * bytes it has seen (blake2-256 id, LRU of 65,536), whatever the handler made of it the first time. The engine
 * re-sends its round state every `gossipMs` on purpose (to repair losses, and for peers that were behind and
 * ignored it), so every send gets a fresh nonce and so a fresh gossip id. Forwarding is decided on the inner
 * message: a consensus message seen for the first time is accepted (forwarded once to the other peers, which is how
 * a full node connected to one validator hears everyone); a re-send of a known message is delivered to the engine
 * (which drops duplicates cheaply) but not forwarded, so re-sends cost one hop, not a flood.
 *
 * Proposals carry the whole block (up to the 5 MiB block length limit), so re-sending them every `gossipMs` to
 * every peer cost each node megabytes of encryption and hashing per tick, and each receiver the same to drop a
 * duplicate. As CometBFT's `PeerState` does, a proposal goes to a peer only while the peer is not known to have it
 * (`P2pHost.broadcastKeyed`, keyed by the hash of the signed message without the nonce): known once it was written
 * to the peer's current stream or received from that peer; forgotten when it was dropped from the peer's queue,
 * when the stream closes and when the peer reconnects, so re-broadcasting still repairs those losses. The key is
 * computed once per message object (the engine re-broadcasts the objects it holds; a received one gets the key
 * its decoding computed), and the envelope is built and hashed only when some peer needs it. A peer that got a proposal but ignored it (it
 * was more than one height behind) is not sent it again: it prevotes nil in that round, and the next round's
 * proposal is a new message; a committed block reaches it by block sync. Votes are small and are re-sent to every
 * peer every time, as before, so a peer that ignored one while behind still gets it.
 *
 * Transactions channel: `SCALE(Vec<Vec<u8>>)`, a batch of encoded extrinsics (at most 4,096). Transactions that
 * become ready in the pool (submitted over RPC, or promoted) are batched for one event-loop turn (or until the
 * batch is full) and broadcast; ones that came from the network are not re-broadcast by us (the gossip layer
 * forwards accepted batches). When a peer connects, every ready transaction (at most {@link MAX_RESEND_TXS}) is
 * sent again, so a node that was away learns what it missed (peers that have them ignore them). A transaction too
 * large for one message of the channel is not gossiped at all (only this node's blocks can include it). Verdict of a received batch: `accept` when at least one transaction entered the pool;
 * otherwise `reject` when one was undecodable or badly signed (an honest peer never forwards those); otherwise
 * `ignore` (already known, stale nonce, pool full: not the peer's fault).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { SignedMessage, type SignedMessageValue } from '../consensus/messages.js';
import { LruCache } from '../crypto/lru.js';
import { DEFAULT_CHANNEL_OPTIONS, type GossipVerdict, type P2pHost } from '../p2p/index.js';
import { toHexRaw } from '../primitives/bytes.js';
import { blake2_256 } from '../primitives/hashing.js';
import { bytes as bytesCodec, vec } from '../primitives/scale/index.js';
import type { Authority } from '../runtime/host.js';
import { INVALID_MESSAGES } from '../runtime/validity.js';
import type { PoolTransaction } from '../txpool/types.js';
import { SubmitError, type TransactionService } from './transactions.js';

/** Bytes of the nonce in front of every consensus gossip message. */
export const CONSENSUS_NONCE_BYTES = 8;
/** Most transactions in one gossip batch. */
export const MAX_TX_BATCH = 4096;
/** Most ready transactions re-sent when a peer connects. */
export const MAX_RESEND_TXS = 16_384;
/**
 * How often (ms) the ready transactions a node took in over RPC are offered to its peers again: a peer whose pool was
 * full when they first came refused them, and without a second offer only this node could ever include them (one
 * height in four), while its pool idles. Substrate's transaction protocol re-propagates on a timer too.
 */
export const REPROPAGATE_MS = 2000;
/** Most transactions one re-propagation offers (the first in the ready order: what blocks take next). */
export const MAX_REPROPAGATE_TXS = 2048;
/** A transaction gossip batch. */
export const TxBatchCodec = vec(bytesCodec, MAX_TX_BATCH);

/** The peer ids allowed to connect: the validators' (from the chain's state or spec) and the reserved nodes'. */
export function allowedPeerIds(validatorSet: readonly Authority[], specPeerIds: readonly string[], reservedPeerIds: readonly string[]): string[] {
  const out = new Set<string>();
  const dec = new TextDecoder();
  for (const v of validatorSet) {
    const id = dec.decode(v.peerId);
    if (id !== '') out.add(id);
  }
  for (const id of [...specPeerIds, ...reservedPeerIds]) if (id !== '') out.add(id);
  return [...out];
}

/** `nonce ‖ SCALE(signed)`. */
export function encodeConsensusEnvelope(signed: SignedMessageValue, nonce: Uint8Array): Uint8Array {
  if (nonce.length !== CONSENSUS_NONCE_BYTES) throw new RangeError(`a consensus nonce is ${CONSENSUS_NONCE_BYTES} bytes`);
  const body = SignedMessage.encode(signed);
  const out = new Uint8Array(CONSENSUS_NONCE_BYTES + body.length);
  out.set(nonce, 0);
  out.set(body, CONSENSUS_NONCE_BYTES);
  return out;
}

/** The message in a consensus envelope and its inner id (blake2-256 of the SCALE message); throws when malformed. */
export function decodeConsensusEnvelope(envelope: Uint8Array): { signed: SignedMessageValue; id: Uint8Array } {
  if (envelope.length <= CONSENSUS_NONCE_BYTES) throw new Error('consensus envelope too short');
  const body = envelope.subarray(CONSENSUS_NONCE_BYTES);
  return { signed: SignedMessage.decode(body), id: blake2_256(body) };
}

/**
 * Largest message of the consensus channel (the node configures its hosts with {@link CONSENSUS_GOSSIP_OPTIONS}).
 * It must hold a proposal of the largest valid block (the runtime's 5 MiB length limit, the header, the proposal's
 * fields and signature, the envelope's nonce), or such a block could never be gossiped and a proposer that built
 * one would stall its rounds: 8 MiB leaves room for all of it (the unit tests check it against the runtime's limit).
 */
export const CONSENSUS_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
/** The node's gossip options: the consensus channel sized for the largest block, with a queue of four of them. */
export const CONSENSUS_GOSSIP_OPTIONS = { channels: { consensus: { maxMessageBytes: CONSENSUS_MAX_MESSAGE_BYTES, queue: { maxBytes: 4 * CONSENSUS_MAX_MESSAGE_BYTES } } } };

/** Consensus messages over gossip (see the module doc). */
export class ConsensusGossip {
  readonly #host: P2pHost;
  readonly #prefix = new Uint8Array(randomBytes(4));
  #counter = 0; // wraps at 2^32
  readonly #seen = new LruCache<string, true>(65_536);
  /**
   * Per proposal object (ours, or decoded from a peer): its content key (hex blake2-256 of the signed message without
   * the nonce), computed once. The encoding is not kept (the engine holds the block already): it is made again only
   * when some peer lacks the proposal, which is about once per peer.
   */
  readonly #proposals = new WeakMap<SignedMessageValue, string>();

  constructor(host: P2pHost) {
    this.#host = host;
  }

  #nonce(): Uint8Array {
    const nonce = new Uint8Array(CONSENSUS_NONCE_BYTES);
    nonce.set(this.#prefix, 0);
    new DataView(nonce.buffer).setUint32(4, this.#counter);
    this.#counter = (this.#counter + 1) >>> 0;
    return nonce;
  }

  /** Gossip `signed` in a fresh envelope: a vote to every connected peer, a proposal to the peers not known to have it. */
  broadcast(signed: SignedMessageValue): void {
    if (signed.message.tag !== 'Proposal') {
      const envelope = encodeConsensusEnvelope(signed, this.#nonce());
      this.#seen.set(toHexRaw(blake2_256(envelope.subarray(CONSENSUS_NONCE_BYTES))), true);
      this.#host.broadcast('consensus', envelope);
      return;
    }
    let key = this.#proposals.get(signed);
    let envelope: Uint8Array | undefined;
    if (key === undefined) {
      envelope = encodeConsensusEnvelope(signed, this.#nonce());
      key = toHexRaw(blake2_256(envelope.subarray(CONSENSUS_NONCE_BYTES)));
      this.#proposals.set(signed, key);
    }
    this.#seen.set(key, true);
    this.#host.broadcastKeyed('consensus', key, () => envelope ?? encodeConsensusEnvelope(signed, this.#nonce()));
  }

  /** Deliver every decodable message to `deliver`; forward first sightings only. */
  listen(deliver: (signed: SignedMessageValue, fromPeer: string) => void): void {
    this.#host.on('consensus', (envelope, fromPeer): GossipVerdict => {
      let decoded;
      try {
        decoded = decodeConsensusEnvelope(envelope);
      } catch {
        return 'reject';
      }
      const key = toHexRaw(decoded.id);
      if (decoded.signed.message.tag === 'Proposal') {
        // The peer has it; and if the engine keeps this object, its re-broadcasts need neither encoding nor hashing.
        this.#proposals.set(decoded.signed, key);
        this.#host.markKnown(fromPeer, 'consensus', key);
      }
      deliver(decoded.signed, fromPeer);
      if (this.#seen.has(key)) return 'ignore';
      this.#seen.set(key, true);
      return 'accept';
    });
  }
}

/** Options of {@link TransactionGossip}. */
export interface TransactionGossipOptions {
  /** Most transactions per batch (1 ≤ n ≤ 4,096). Default 512. */
  maxBatchTxs?: number;
  /** Byte budget of a batch (1 ≤ n ≤ 1 MiB − 16, the channel's limit). Default 512 KiB. */
  maxBatchBytes?: number;
  /** The transactions channel's message limit (bytes, as the host was configured). Default 1 MiB, the gossip default. */
  maxMessageBytes?: number;
  /** Period of the re-propagation of the ready transactions taken in over RPC, ms (0: never). Default {@link REPROPAGATE_MS}. */
  repropagateMs?: number;
}

/** Most bytes a batch of one transaction adds to it: `Compact<1>` and the transaction's `Compact<len>`. */
const SINGLE_BATCH_OVERHEAD = 6;

/** Transaction gossip (see the module doc). */
export class TransactionGossip {
  readonly #host: P2pHost;
  readonly #txs: TransactionService;
  readonly #logger: Logger;
  readonly #maxTxs: number;
  readonly #maxBytes: number;
  readonly #maxMessageBytes: number;
  #batch: PoolTransaction[] = [];
  #batchBytes = 0; // ≤ maxBytes + one transaction
  #flushScheduled = false;
  /** Hashes (hex) of transactions that arrived from the network: not re-broadcast by us. */
  readonly #fromNetwork = new LruCache<string, true>(65_536);
  #unsubscribe: (() => void) | undefined;
  #unsubscribePeers: (() => void) | undefined;
  #resendScheduled = false;
  #stopped = false;
  readonly #repropagateMs: number;
  #repropagateTimer: NodeJS.Timeout | undefined;
  /** Re-propagations so far (0 ≤ n ≤ 2^53): where the next one starts in the ready order, so batches differ. */
  #rounds = 0;

  constructor(host: P2pHost, txs: TransactionService, logger: Logger, options: TransactionGossipOptions = {}) {
    this.#host = host;
    this.#txs = txs;
    this.#logger = logger;
    this.#maxTxs = Math.min(options.maxBatchTxs ?? 512, MAX_TX_BATCH);
    this.#maxBytes = options.maxBatchBytes ?? 512 * 1024;
    this.#maxMessageBytes = options.maxMessageBytes ?? DEFAULT_CHANNEL_OPTIONS.transactions.maxMessageBytes;
    this.#repropagateMs = options.repropagateMs ?? REPROPAGATE_MS;
  }

  /**
   * Whether `tx` fits a gossip message at all. One that does not (a valid transaction may be up to ~3.9 MB) stays in
   * this node's pool for this node's blocks; put in a batch, it would make the whole batch fail to send.
   */
  #gossipable(tx: PoolTransaction): boolean {
    if (tx.bytes.length + SINGLE_BATCH_OVERHEAD <= this.#maxMessageBytes) return true;
    this.#logger.debug({ hash: tx.hashHex, bytes: tx.bytes.length, limit: this.#maxMessageBytes }, 'network: transaction too large to gossip; kept for our own blocks');
    return false;
  }

  /** Subscribe to the pool and to the channel. */
  start(): void {
    this.#unsubscribe = this.#txs.pool.onReady((tx) => this.#onReady(tx));
    this.#unsubscribePeers = this.#host.onPeerConnected(() => this.#scheduleResend());
    this.#host.on('transactions', (b, peer) => this.#receive(b, peer));
    if (this.#repropagateMs > 0) {
      this.#repropagateTimer = setInterval(() => this.#repropagate(), this.#repropagateMs);
      this.#repropagateTimer.unref();
    }
  }

  /** Stop batching (what is queued is dropped). */
  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#unsubscribePeers?.();
    if (this.#repropagateTimer !== undefined) clearInterval(this.#repropagateTimer);
    this.#batch = [];
    this.#batchBytes = 0;
  }

  #onReady(tx: PoolTransaction): void {
    if (this.#fromNetwork.has(tx.hashHex) || !this.#gossipable(tx)) return;
    this.#batch.push(tx);
    this.#batchBytes += tx.bytes.length + 5;
    if (this.#batch.length >= this.#maxTxs || this.#batchBytes >= this.#maxBytes) this.#flush();
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        this.#flush();
      });
    }
  }

  /** Re-send the ready transactions soon (peers connecting together share one re-send). */
  #scheduleResend(): void {
    if (this.#resendScheduled || this.#stopped) return;
    this.#resendScheduled = true;
    // Let the gossip stream to the new peer open first.
    setTimeout(() => {
      this.#resendScheduled = false;
      if (this.#stopped) return;
      let n = 0; // ≤ MAX_RESEND_TXS
      for (const tx of this.#txs.pool.ready()) {
        if (n++ >= MAX_RESEND_TXS) break;
        if (!this.#gossipable(tx)) continue;
        this.#batch.push(tx);
        this.#batchBytes += tx.bytes.length + 5;
        if (this.#batch.length >= this.#maxTxs || this.#batchBytes >= this.#maxBytes) this.#flush();
      }
      this.#flush();
    }, 250);
  }

  /**
   * Offer the ready transactions this node took in itself (at most {@link MAX_REPROPAGATE_TXS}, first in the ready
   * order) to every peer again; peers
   * that have one drop it after a hash lookup. Each round starts at a different place in the ready order, so its
   * batches are not byte for byte those of the last round (which the peers' gossip would drop as already seen).
   */
  #repropagate(): void {
    if (this.#stopped || this.#host.connectedPeers().length === 0) return;
    const own: PoolTransaction[] = [];
    for (const tx of this.#txs.pool.ready()) {
      if (own.length >= MAX_REPROPAGATE_TXS) break;
      if (!this.#fromNetwork.has(tx.hashHex)) own.push(tx);
    }
    if (own.length === 0) return;
    const start = (this.#rounds++ * 7919) % own.length;
    for (let k = 0; k < own.length; k++) {
      const tx = own[(start + k) % own.length];
      this.#batch.push(tx);
      this.#batchBytes += tx.bytes.length + 5;
      if (this.#batch.length >= this.#maxTxs || this.#batchBytes >= this.#maxBytes) this.#flush();
    }
    this.#flush();
  }

  #flush(): void {
    if (this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = [];
    this.#batchBytes = 0;
    if (this.#host.connectedPeers().length === 0) return;
    try {
      const result = this.#host.broadcast('transactions', TxBatchCodec.encode(batch.map((t) => t.bytes)));
      if (result.peers > 0) this.#txs.pool.notifyBroadcast(batch.map((t) => t.hash), this.#host.connectedPeers());
    } catch (e) {
      this.#logger.warn({ err: e, txs: batch.length }, 'network: could not gossip transactions');
    }
  }

  async #receive(payload: Uint8Array, fromPeer: string): Promise<GossipVerdict> {
    let xts: Uint8Array[];
    try {
      xts = TxBatchCodec.decode(payload);
    } catch {
      return 'reject';
    }
    const outcomes = await Promise.all(
      xts.map(async (x): Promise<'accepted' | 'known' | 'bad' | 'other'> => {
        const hash = blake2_256(x);
        const hex = `0x${toHexRaw(hash)}`;
        if (this.#txs.pool.has(hash)) return 'known';
        // Before submitting: the pool announces it as ready synchronously inside `submit`.
        this.#fromNetwork.set(hex, true);
        try {
          await this.#txs.submit(x, 'external');
          return 'accepted';
        } catch (e) {
          if (!(e instanceof SubmitError)) return 'other';
          if (e.code === 1002 || (e.code === 1010 && (e.data ?? '').startsWith(INVALID_MESSAGES.BadProof))) return 'bad';
          return e.code === 1013 ? 'known' : 'other';
        }
      }),
    );
    if (outcomes.includes('accepted')) return 'accept';
    if (outcomes.includes('bad')) {
      this.#logger.debug({ peer: fromPeer }, 'network: peer sent an undecodable or badly signed transaction');
      return 'reject';
    }
    return 'ignore';
  }
}
