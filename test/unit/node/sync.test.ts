/**
 * Block sync (`src/node/sync.ts`) between real chains and real libp2p hosts: `/blocks/1` serves canonical blocks
 * bounded by count and bytes; imports check each certificate against the validator set of its height and
 * re-execute the block, refusing anything that does not check out (missing, too weak, foreign or misplaced
 * certificates, tampered signatures, a body that does not match its certified header) without importing it; a
 * node behind syncs over `/status/1` and `/blocks/1` in several batches to the peer's head.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCertificate } from '../../../src/consensus/certificate.js';
import { keyPairFromUri } from '../../../src/crypto/keys.js';
import { storedJustification } from '../../../src/node/justification.js';
import { BlockSync, BlocksRequestCodec, BlocksResponseCodec, SyncImportError, type SyncBlock } from '../../../src/node/sync.js';
import { toHex } from '../../../src/primitives/bytes.js';
import { HeaderCodec } from '../../../src/primitives/types.js';
import type { P2pHost } from '../../../src/p2p/index.js';
import { keysFor, startHost, waitFor } from '../p2p/helpers.js';
import { extendCertified, openLocalChain, precommits, type TestChain } from './certified-chain.js';

const logger = pino({ level: 'silent' });
const BLOCKS = 12;

describe('block sync', () => {
  let source: TestChain;
  let sink: TestChain;
  let hosts: P2pHost[] = [];
  let sourceSync: BlockSync;
  let sinkSync: BlockSync;
  let served: SyncBlock[];

  beforeAll(async () => {
    [source, sink] = await Promise.all([openLocalChain(), openLocalChain()]);
    await extendCertified(source, BLOCKS);
    const [ka, kb] = await keysFor(['Alice', 'Bob']);
    const allowed = [ka.peerId, kb.peerId];
    const a = await startHost(ka, { allowedPeerIds: allowed });
    sourceSync = new BlockSync({ host: a, chain: source.chain, verifier: source.verifier, logger });
    sourceSync.register();
    const b = await startHost(kb, { allowedPeerIds: allowed, bootnodes: a.listenAddrs });
    sinkSync = new BlockSync({ host: b, chain: sink.chain, verifier: sink.verifier, logger, batchBlocks: 5, statusIntervalMs: 50 });
    sinkSync.register();
    hosts = [a, b];
    served = BlocksResponseCodec.decode(sourceSync.serveBlocks(BlocksRequestCodec.encode({ from: 1, max: 128 })));
  }, 60_000);

  afterAll(async () => {
    await sinkSync?.stop();
    await sourceSync?.stop();
    await Promise.all(hosts.map((h) => h.stop()));
    await Promise.all([source?.close(), sink?.close()]);
  });

  it('serves the canonical blocks from `from`, with their justifications, bounded by max and bytes', () => {
    expect(served.map((b) => HeaderCodec.decode(b.header).number)).toEqual(Array.from({ length: BLOCKS }, (_, i) => i + 1));
    for (const b of served) {
      const n = HeaderCodec.decode(b.header).number;
      expect(toHex(b.justification!)).toBe(toHex(source.chain.db.getJustification(source.chain.hashAt(n)!)!));
    }
    const some = BlocksResponseCodec.decode(sourceSync.serveBlocks(BlocksRequestCodec.encode({ from: 5, max: 3 })));
    expect(some.map((b) => HeaderCodec.decode(b.header).number)).toEqual([5, 6, 7]);
    expect(BlocksResponseCodec.decode(sourceSync.serveBlocks(BlocksRequestCodec.encode({ from: BLOCKS + 1, max: 3 })))).toEqual([]);
    // A byte budget smaller than a block still serves one block (progress), never more than fit.
    const tight = new BlockSync({ host: hosts[0], chain: source.chain, verifier: source.verifier, logger, maxResponseBytes: 1 });
    expect(BlocksResponseCodec.decode(tight.serveBlocks(BlocksRequestCodec.encode({ from: 1, max: 10 })))).toHaveLength(1);
  });

  /** `block` with another justification. */
  const withJustification = (b: SyncBlock, justification: Uint8Array | undefined): SyncBlock => ({ ...b, justification });

  it('refuses blocks whose certificate does not check out, importing nothing', async () => {
    const first = served[0];
    const hash = source.chain.hashAt(1)!;
    const genesis = source.chain.genesisHash;
    const eve = (i: number) => keyPairFromUri(`//Eve${i}`, 'ed25519');
    const cases: Array<[string, SyncBlock, RegExp]> = [
      ['no certificate', withJustification(first, undefined), /without a commit certificate/],
      ['two of four signers', withJustification(first, storedJustification(buildCertificate(1, 0, hash, precommits(genesis, 1, 0, hash, [0, 1])))), /not more than 2\/3/],
      ['signed by keys outside the set', withJustification(first, storedJustification(buildCertificate(1, 0, hash, precommits(genesis, 1, 0, hash, [0, 1, 2], eve)))), /BadSignature/],
      ['signed for another chain', withJustification(first, storedJustification(buildCertificate(1, 0, hash, precommits(new Uint8Array(32).fill(7), 1, 0, hash, [0, 1, 2])))), /BadSignature/],
      ["block 2's certificate", withJustification(first, served[1].justification), /height 2, not 1/],
      ['a certificate for another block', withJustification(first, storedJustification(buildCertificate(1, 0, new Uint8Array(32).fill(1), precommits(genesis, 1, 0, new Uint8Array(32).fill(1), [0, 1, 2])))), /another block/],
      ['undecodable justification', withJustification(first, new Uint8Array([1, 2, 3, 4, 5])), /undecodable/],
      ['a block that does not extend the head', served[1], /does not extend the head/],
    ];
    const tampered = first.justification!.slice();
    tampered[tampered.length - 5] ^= 1;
    cases.push(['a tampered signature', withJustification(first, tampered), /BadSignature/]);
    // The certified header with another body: the certificate holds, re-execution refuses the extrinsics root.
    const otherBody = { ...first, extrinsics: served[1].extrinsics };
    cases.push(['a body that does not match its certified header', otherBody, /extrinsics root mismatch/]);
    for (const [what, block, error] of cases) {
      const attempt = sinkSync.importBlocks([block]);
      await expect(attempt, what).rejects.toThrow(SyncImportError);
      await expect(attempt, what).rejects.toThrow(error);
      expect(sink.chain.head.number, what).toBe(0);
    }
  });

  it('imports certified blocks, skipping the ones it holds, to the same hashes, roots and justifications', async () => {
    expect(await sinkSync.importBlocks(served.slice(0, 3))).toBe(3);
    expect(await sinkSync.importBlocks(served.slice(0, 4))).toBe(1);
    for (let n = 1; n <= 4; n++) {
      const hash = source.chain.hashAt(n)!;
      expect(toHex(sink.chain.hashAt(n)!)).toBe(toHex(hash));
      expect(sink.chain.header(hash)!.stateRoot).toEqual(source.chain.header(hash)!.stateRoot);
      expect(sink.chain.db.getJustification(hash)).toEqual(source.chain.db.getJustification(hash));
    }
  });

  it('a node behind syncs to its peer over /status/1 and /blocks/1, in batches', async () => {
    sinkSync.start();
    sourceSync.start();
    await waitFor(() => sink.chain.head.number === BLOCKS, 'the sink to reach the source head', 30_000);
    expect(toHex(sink.chain.head.hash)).toBe(toHex(source.chain.head.hash));
    expect(sinkSync.imported).toBe(BLOCKS);
    await waitFor(() => sinkSync.peers().some((p) => p.bestNumber === BLOCKS), 'the status of the source', 10_000);
    expect(sinkSync.highestBlock()).toBe(BLOCKS);
    await waitFor(() => !sinkSync.isSyncing, 'sync to settle', 10_000);
    // New blocks on the source are followed by the status poll.
    await extendCertified(source, 3);
    await waitFor(() => sink.chain.head.number === BLOCKS + 3, 'the sink to follow', 30_000);
    expect(toHex(sink.chain.head.hash)).toBe(toHex(source.chain.head.hash));
  }, 60_000);
});
