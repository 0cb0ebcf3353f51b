/**
 * Stored justifications (`"dcnb" ‖ SCALE(CommitCertificate)`) and the auditor's replay checking them: a chain with
 * real certificates replays with every certificate verified against its height's validator set (read from the
 * replayed state); a tampered, weakened or misplaced certificate is a `justification` divergence at its block.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCertificate, CommitCertificate, DCNB_ENGINE_ID } from '../../../src/consensus/certificate.js';
import { loadChainSpec } from '../../../src/node/chain-spec.js';
import { certificateOfStored, checkStoredJustification, consensusSetOf, storedJustification } from '../../../src/node/justification.js';
import { genesisChangesOf } from '../../../src/node/node.js';
import { replayChain, type ReplayInput } from '../../../src/node/replay.js';
import { concatBytes } from '../../../src/primitives/bytes.js';
import { extendCertified, openLocalChain, precommits, type TestChain } from './certified-chain.js';

const BLOCKS = 6;

describe('stored justifications and replay', () => {
  let t: TestChain;

  beforeAll(async () => {
    t = await openLocalChain();
    await extendCertified(t, BLOCKS);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('round-trips a certificate through the stored form, refusing other engines', () => {
    const hash = t.chain.hashAt(1)!;
    const cert = buildCertificate(1, 3, hash, precommits(t.chain.genesisHash, 1, 3, hash, [0, 2, 3]));
    const stored = storedJustification(cert);
    expect(stored.subarray(0, 4)).toEqual(DCNB_ENGINE_ID);
    expect(stored.subarray(4)).toEqual(CommitCertificate.encode(cert));
    expect(certificateOfStored(stored)).toEqual(cert);
    expect(() => certificateOfStored(concatBytes(new TextEncoder().encode('FRNK'), CommitCertificate.encode(cert)))).toThrow(/not a dcnb/);
    const genesisState = t.chain.stateAt(t.chain.hashAt(0)!)!;
    expect(checkStoredJustification(stored, consensusSetOf(t.chain.runtime.validators(genesisState)), t.chain.genesisHash, 1, hash)).toEqual({ ok: true, weight: 3 });
  });

  /** The chain's blocks as the replay reads them, with `edit` applied to the justifications. */
  async function* inputs(edit: (n: number, j: Uint8Array) => Uint8Array | undefined = (_n, j) => j): AsyncGenerator<ReplayInput> {
    for await (const b of t.chain.db.iterateBlocks(0, BLOCKS)) {
      yield { number: b.number, hash: b.hash, header: b.header, body: b.body, justification: b.justification === undefined ? undefined : edit(b.number, b.justification) };
    }
  }

  const replay = (blocks: AsyncIterable<ReplayInput>) =>
    replayChain({ runtime: t.chain.runtime, genesisChanges: genesisChangesOf(loadChainSpec('local'), t.chain.runtime), blocks, verifier: t.verifier });

  it('replays the chain verifying every certificate', async () => {
    const r = await replay(inputs());
    expect(r.ok).toBe(true);
    expect(r.summary.blocks).toBe(BLOCKS);
    expect(r.summary.certificates).toBe(BLOCKS);
  });

  it('stops at a block whose certificate is tampered, too weak or of another block', async () => {
    const tamper = (n: number, j: Uint8Array) => {
      if (n !== 4) return j;
      const x = j.slice();
      x[x.length - 1] ^= 1;
      return x;
    };
    const r1 = await replay(inputs(tamper));
    expect(r1.ok).toBe(false);
    if (!r1.ok) {
      expect(r1.divergence).toMatchObject({ number: 4, kind: 'justification' });
      expect(r1.divergence.message).toMatch(/BadSignature/);
      expect(r1.summary.certificates).toBe(3);
    }
    const weak = (n: number, j: Uint8Array) => {
      if (n !== 2) return j;
      const cert = certificateOfStored(j);
      return storedJustification({ ...cert, precommits: cert.precommits.slice(0, 2) });
    };
    const r2 = await replay(inputs(weak));
    expect(!r2.ok && r2.divergence).toMatchObject({ number: 2, kind: 'justification' });
    const swapped = new Map<number, Uint8Array>();
    for await (const b of t.chain.db.iterateBlocks(1, BLOCKS)) swapped.set(b.number, b.justification!);
    const r3 = await replay(inputs((n, j) => (n === 5 ? swapped.get(6)! : j)));
    expect(!r3.ok && r3.divergence).toMatchObject({ number: 5, kind: 'justification' });
    expect(!r3.ok && r3.divergence.message).toMatch(/height 6, not 5/);
  });

  it('replays blocks without justifications (a dev chain) as before', async () => {
    const r = await replay(inputs(() => undefined));
    expect(r.ok).toBe(true);
    expect(r.summary.certificates).toBe(0);
  });
});
