/**
 * Block sync: fetch committed blocks with their commit certificates from peers, check each certificate against the
 * validator set of its height (read from this node's own state before importing it), verify the signatures,
 * re-execute the block and import it. It runs when the node starts (an empty or restarted node), whenever a peer
 * reports a best block ahead of ours, and when the consensus engine asks to catch up. Full nodes follow the chain
 * this way (and through the commit messages they observe).
 *
 * Protocols (request/response, SCALE):
 *
 * ```text
 * /status/1  request: empty                     response: { genesisHash: H256, bestNumber: u32, bestHash: H256 }
 * /blocks/1  request: { from: u32, max: u32 }   response: Vec<{ header: Vec<u8>, extrinsics: Vec<Vec<u8>>,
 *                                                                justification: Option<Vec<u8>> }>
 * ```
 *
 * A `/blocks/1` response holds the canonical blocks `from ..` in order, at most `min(max, 128)` of them and at most
 * `maxResponseBytes` (always at least one block when `from` is known). `justification` is the stored form
 * (`"dcnb" ‖ SCALE(CommitCertificate)`, see `justification.ts`).
 *
 * Imports run through the consensus service's queue (`exclusive`), so they never interleave with a commit by
 * consensus; a block the chain already holds (the same hash at its number) is skipped.
 */
import type { Logger } from 'pino';
import { RequestError, type P2pHost } from '../p2p/index.js';
import type { SignatureVerifier } from '../crypto/verifier-pool.js';
import { equalBytes, toHex } from '../primitives/bytes.js';
import { blake2_256 } from '../primitives/hashing.js';
import { bytes, option, struct, u32, vec } from '../primitives/scale/index.js';
import { BodyCodec, H256, HeaderCodec } from '../primitives/types.js';
import type { Chain } from './chain.js';
import { checkStoredJustification, consensusSetOf, describeCertificateError } from './justification.js';
import { CachedSignatureChecker, preverify } from './signatures.js';

/** Name of the status request. */
export const STATUS_PROTOCOL = '/status/1';
/** Name of the block request. */
export const BLOCKS_PROTOCOL = '/blocks/1';
/** Most blocks in one `/blocks/1` response. */
export const MAX_BLOCKS_PER_RESPONSE = 128;
/** Default byte budget of a `/blocks/1` response (the request/response layer allows 16 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** `/status/1` response. */
export const StatusCodec = struct(['dcn_sync', 'Status'], { genesisHash: H256, bestNumber: u32, bestHash: H256 });
/** `/blocks/1` request. */
export const BlocksRequestCodec = struct(['dcn_sync', 'BlocksRequest'], { from: u32, max: u32 });
/** One block of a `/blocks/1` response. */
export const SyncBlockCodec = struct(['dcn_sync', 'SyncBlock'], { header: bytes, extrinsics: BodyCodec, justification: option(bytes) });
/** `/blocks/1` response. */
export const BlocksResponseCodec = vec(SyncBlockCodec, MAX_BLOCKS_PER_RESPONSE);

/** A block as `/blocks/1` carries it. */
export type SyncBlock = ReturnType<typeof SyncBlockCodec.decode>;

/** What is known of a peer's chain. */
export interface PeerStatus {
  /** Its peer id. */
  peer: string;
  /** Its best (final) block number, 0 ≤ n < 2^32. */
  bestNumber: number;
  /** Its best block hash (hex). */
  bestHash: string;
  /** Local time of the status (ms since the Unix epoch). */
  atMs: number;
}

/** Thrown for a block a peer served that does not check out. */
export class SyncImportError extends Error {
  override name = 'SyncImportError';
}

/** Options of {@link BlockSync}. */
export interface BlockSyncOptions {
  host: P2pHost;
  chain: Chain;
  verifier: SignatureVerifier;
  logger: Logger;
  /** Run an import on the consensus queue (and start the next height after it). Default: run it directly. */
  exclusive?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Period of the status poll of every connected peer, in ms (10 ≤ n ≤ 2^31). Default 2,000. */
  statusIntervalMs?: number;
  /** Timeout of one request, in ms. Default 10,000. */
  requestTimeoutMs?: number;
  /** Blocks asked per request (1 ≤ n ≤ 128). Default 128. */
  batchBlocks?: number;
  /** Byte budget of the responses this node serves. Default 8 MiB. */
  maxResponseBytes?: number;
}

/** Block sync over `/status/1` and `/blocks/1` (see the module doc). */
export class BlockSync {
  readonly #o: BlockSyncOptions;
  readonly #checker: CachedSignatureChecker;
  readonly #statuses = new Map<string, PeerStatus>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #syncing = false;
  /** Head number at the previous poll that saw a peer ahead (−1: none), −1 ≤ n < 2^32. */
  #aheadAtHead = -1;
  #imported = 0; // blocks imported by sync, ≤ 2^53

  constructor(opts: BlockSyncOptions) {
    this.#o = opts;
    this.#checker = new CachedSignatureChecker(opts.verifier);
  }

  /** Serve `/status/1` and `/blocks/1` (before the host starts). */
  register(): void {
    const { host, chain } = this.#o;
    host.handle(STATUS_PROTOCOL, () => StatusCodec.encode({ genesisHash: chain.genesisHash, bestNumber: chain.head.number, bestHash: chain.head.hash }));
    host.handle(BLOCKS_PROTOCOL, (req) => this.serveBlocks(req));
  }

  /** Poll peers' statuses periodically, ask new peers at once, and sync whenever a peer is ahead. */
  start(): void {
    this.#o.host.onPeerConnected(() => this.trigger());
    this.#o.host.onPeerDisconnected((peer) => this.#statuses.delete(peer));
    const every = this.#o.statusIntervalMs ?? 2000;
    const tick = (): void => {
      this.#timer = setTimeout(() => {
        void this.#poll().finally(() => {
          if (!this.#stopped) tick();
        });
      }, every);
    };
    tick();
    this.trigger();
  }

  /** Stop polling; resolves when a sync run under way has finished its current request or import. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#running;
  }

  /** Whether a sync run is importing blocks towards a peer's best block. */
  get isSyncing(): boolean {
    return this.#syncing;
  }

  /** Blocks imported by sync since start (≤ 2^53). */
  get imported(): number {
    return this.#imported;
  }

  /** The statuses of connected peers that are on our chain. */
  peers(): PeerStatus[] {
    return [...this.#statuses.values()];
  }

  /** The highest best block reported by a peer (our own head when none is ahead). */
  highestBlock(): number {
    let best = this.#o.chain.head.number;
    for (const s of this.#statuses.values()) if (s.bestNumber > best) best = s.bestNumber;
    return best;
  }

  /** Run a sync now (coalesced with one under way). */
  trigger(): void {
    if (this.#stopped) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#syncOnce();
        } while (this.#again && !this.#stopped);
      } catch (e) {
        this.#o.logger.warn({ err: e }, 'sync: run failed');
      } finally {
        this.#syncing = false;
        this.#running = undefined;
      }
    })();
  }

  /** Answer a `/blocks/1` request from the canonical chain. */
  serveBlocks(request: Uint8Array): Uint8Array {
    const { chain } = this.#o;
    const { from, max } = BlocksRequestCodec.decode(request);
    const budget = this.#o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    const out: SyncBlock[] = [];
    let size = 0; // ≤ budget + one block
    const last = Math.min(chain.head.number, from + Math.min(max, MAX_BLOCKS_PER_RESPONSE) - 1);
    for (let n = Math.max(from, 1); n <= last; n++) {
      const hash = chain.hashAt(n);
      if (hash === undefined) break;
      const header = chain.db.getHeader(hash);
      const body = chain.db.getBody(hash);
      if (header === undefined || body === undefined) break;
      const block: SyncBlock = { header, extrinsics: BodyCodec.decode(body), justification: chain.db.getJustification(hash) };
      const blockSize = header.length + body.length + (block.justification?.length ?? 0) + 16;
      if (out.length > 0 && size + blockSize > budget) break;
      out.push(block);
      size += blockSize;
    }
    return BlocksResponseCodec.encode(out);
  }

  /** Ask every connected peer for its status; sync when one is ahead. */
  async #poll(): Promise<void> {
    await this.#refreshStatuses();
    const head = this.#o.chain.head.number;
    const best = this.highestBlock();
    if (best > head + 1 || (best > head && this.#aheadAtHead === head)) this.trigger();
    // One block ahead is usually consensus committing it here too; sync if the head did not move by the next poll.
    this.#aheadAtHead = best > head ? head : -1;
  }

  async #refreshStatuses(): Promise<void> {
    const { host, chain } = this.#o;
    const timeoutMs = this.#o.requestTimeoutMs ?? 10_000;
    await Promise.all(
      host.connectedPeers().map(async (peer) => {
        try {
          const s = StatusCodec.decode(await host.request(peer, STATUS_PROTOCOL, new Uint8Array(0), { timeoutMs }));
          if (!equalBytes(s.genesisHash, chain.genesisHash)) {
            this.#statuses.delete(peer);
            this.#o.logger.warn({ peer, genesis: toHex(s.genesisHash) }, 'sync: peer is on another chain');
            return;
          }
          this.#statuses.set(peer, { peer, bestNumber: s.bestNumber, bestHash: toHex(s.bestHash), atMs: Date.now() });
        } catch (e) {
          if (!(e instanceof RequestError)) this.#o.logger.debug({ peer, err: e }, 'sync: status request failed');
        }
      }),
    );
  }

  /** Import from the best peers until no connected peer is ahead. */
  async #syncOnce(): Promise<void> {
    const { chain, host, logger } = this.#o;
    await this.#refreshStatuses();
    const failed = new Set<string>();
    for (;;) {
      if (this.#stopped) return;
      const head = chain.head.number;
      const candidates = [...this.#statuses.values()].filter((s) => s.bestNumber > head && !failed.has(s.peer) && host.isConnected(s.peer));
      if (candidates.length === 0) return;
      candidates.sort((a, b) => b.bestNumber - a.bestNumber);
      const target = candidates[0];
      this.#syncing = target.bestNumber > head + 1;
      let blocks: SyncBlock[];
      try {
        const max = this.#o.batchBlocks ?? MAX_BLOCKS_PER_RESPONSE;
        const res = await host.request(target.peer, BLOCKS_PROTOCOL, BlocksRequestCodec.encode({ from: head + 1, max }), { timeoutMs: this.#o.requestTimeoutMs ?? 10_000 });
        blocks = BlocksResponseCodec.decode(res);
      } catch (e) {
        logger.debug({ peer: target.peer, err: e }, 'sync: block request failed');
        failed.add(target.peer);
        continue;
      }
      if (blocks.length === 0) {
        failed.add(target.peer);
        continue;
      }
      try {
        const run = (): Promise<number> => this.importBlocks(blocks);
        const n = await (this.#o.exclusive ? this.#o.exclusive(run) : run());
        if (n > 0) logger.info({ peer: target.peer, imported: n, head: chain.head.number, target: target.bestNumber }, 'sync: imported blocks');
      } catch (e) {
        logger.warn({ peer: target.peer, err: (e as Error).message }, 'sync: refused blocks from a peer');
        failed.add(target.peer);
      }
    }
  }

  /**
   * Check and import `blocks` in order on the head (see the module doc); returns how many were imported. Throws
   * {@link SyncImportError} at the first block that does not check out (the ones before it stay imported).
   */
  async importBlocks(blocks: readonly SyncBlock[]): Promise<number> {
    const { chain, verifier } = this.#o;
    let imported = 0; // ≤ blocks.length
    for (const b of blocks) {
      if (this.#stopped) break;
      const hash = blake2_256(b.header);
      let header;
      try {
        header = HeaderCodec.decode(b.header);
      } catch (e) {
        throw new SyncImportError(`undecodable header: ${(e as Error).message}`);
      }
      if (!equalBytes(HeaderCodec.encode(header), b.header)) throw new SyncImportError(`block #${header.number}: the header is not canonically encoded`);
      const n = header.number;
      const head = chain.head;
      if (n <= head.number) {
        const known = chain.hashAt(n);
        if (known !== undefined && equalBytes(known, hash)) continue;
        throw new SyncImportError(`block #${n} ${toHex(hash)} conflicts with the stored ${known === undefined ? 'chain' : toHex(known)}`);
      }
      if (n !== head.number + 1 || !equalBytes(header.parentHash, head.hash)) throw new SyncImportError(`block #${n} ${toHex(hash)} does not extend the head #${head.number}`);
      if (b.justification === undefined) throw new SyncImportError(`block #${n} ${toHex(hash)} comes without a commit certificate`);
      const verdict = checkStoredJustification(b.justification, consensusSetOf(chain.runtime.validators(chain.headState())), chain.genesisHash, n, hash);
      if (!verdict.ok) throw new SyncImportError(`block #${n} ${toHex(hash)}: ${describeCertificateError(verdict)}`);
      await preverify(chain.runtime, verifier, { state: chain.headState(), number: n, recentHashes: [[head.number, head.hash]] }, b.extrinsics);
      let sealed;
      try {
        sealed = await chain.importBlock(header, b.extrinsics, this.#checker, b.justification);
      } catch (e) {
        throw new SyncImportError(`block #${n} ${toHex(hash)}: ${(e as Error).message}`);
      }
      if (!equalBytes(sealed.hash, hash)) throw new SyncImportError(`block #${n}: re-executed it hashes to ${toHex(sealed.hash)}, not ${toHex(hash)}`);
      imported++;
      this.#imported++;
    }
    return imported;
  }
}
