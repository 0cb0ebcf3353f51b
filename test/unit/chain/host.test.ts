/**
 * The node boundary: the runtime as the node uses it (`NodeRuntime`, implemented for this chain by `ChainHost`).
 * Signature jobs find the era's block hash without the node writing `System.BlockHash`; the inherents are built and
 * checked (the timestamp against the parent and the local clock) on the runtime's side; validators, block time,
 * nonces and events are read through it. And the lint rule keeps node/, rpc/, cli/ and consensus/ out of pallet storage.
 */
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChainHost } from '../../../src/chain/host.js';
import { verifySignature } from '../../../src/crypto/verify.js';
import { decodeExtrinsic } from '../../../src/primitives/extrinsic.js';
import { mortalEra } from '../../../src/primitives/types.js';
import { SystemStorage } from '../../../src/pallets/system/index.js';
import { XFG } from '../../../src/chain/index.js';
import { TransactionInvalid } from '../../../src/runtime/validity.js';
import { checkInvariantsAfterEach, TestChain } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';

let k: DevKeys;
beforeAll(async () => {
  k = await devKeys();
});
checkInvariantsAfterEach();

/** A chain of `n` empty blocks and its runtime as the node sees it. */
function chainOf(n: number): { c: TestChain; host: ChainHost } {
  const c = new TestChain({ accounts: { alice: k.alice.publicKey, bob: k.bob.publicKey, charlie: k.charlie.publicKey } });
  c.produceEmpty(n);
  return { c, host: new ChainHost(c.runtime) };
}

describe('signature jobs', () => {
  it('find the hash of an era born at the head from the recent hashes given, without writing the state', () => {
    const { c, host } = chainOf(3);
    const head = { number: 3, hash: c.hashes[3] };
    // A mortal transfer born at the head, for the next block: the head's state does not hold the head's own hash.
    const xt = c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG), { era: mortalEra(64, head.number) });
    expect(c.state.get(SystemStorage.BlockHash.keyOf(head.number))).toBeUndefined();

    const jobs = host.signatureJobs({ state: c.state, number: head.number + 1, recentHashes: [[head.number, head.hash]] }, [xt]);
    expect(jobs.map((j) => j.index)).toEqual([0]);
    const { job } = jobs[0];
    expect(verifySignature(job.scheme, job.message, job.signature, job.publicKey)).toBe(true);
    expect(host.signatureJob({ state: c.state, number: head.number + 1, recentHashes: [[head.number, head.hash]] }, decodeExtrinsic(xt))).toEqual(job);
    // The state the jobs were built on is unchanged: the hashes went on the runtime's own overlay.
    expect(c.state.get(SystemStorage.BlockHash.keyOf(head.number))).toBeUndefined();

    // Without the head's hash the era's block is unknown: no job (execution would report AncientBirthBlock).
    expect(host.signatureJobs({ state: c.state, number: head.number + 1, recentHashes: [] }, [xt])).toEqual([]);
    expect(() => host.signatureJob({ state: c.state, number: head.number + 1, recentHashes: [] }, decodeExtrinsic(xt))).toThrow(TransactionInvalid);
    // And the job built with the hash is the one the block's execution checks: the transfer goes in.
    const { results } = c.produce([xt]);
    expect(results[0].ok).toBe(true);
  });

  it('leave out unsigned, undecodable and ancient extrinsics, keeping the indices of the others', () => {
    const { c, host } = chainOf(2);
    const signed = c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG));
    const inherent = host.inherentExtrinsics(c.state, { nowMs: c.timeOf(3) })[0];
    const jobs = host.signatureJobs({ state: c.state, number: 3, recentHashes: [[2, c.hashes[2]]] }, [inherent, Uint8Array.of(1, 2, 3), signed]);
    expect(jobs.map((j) => j.index)).toEqual([2]);
  });
});

describe('inherents', () => {
  it('the block time is the author\'s clock, or just after the parent\'s when the clock is behind', () => {
    const { c, host } = chainOf(2);
    const parent = c.timeOf(2);
    expect(host.blockTime(c.state)).toBe(parent);
    const [ahead] = host.inherentExtrinsics(c.state, { nowMs: parent + 5_000n });
    expect(c.runtime.timestampOf([ahead])).toBe(parent + 5_000n);
    const [behind] = host.inherentExtrinsics(c.state, { nowMs: parent - 5_000n });
    expect(c.runtime.timestampOf([behind])).toBe(parent + 1n);
    // What the author builds passes the validators' check.
    expect(host.checkInherents(c.state, [behind], { nowMs: parent, maxDriftMs: 10_000n })).toBeUndefined();
  });

  it('a proposed block is refused without a timestamp, with one not after the parent\'s, or too far ahead of the local clock', () => {
    const { c, host } = chainOf(2);
    const parent = c.timeOf(2);
    const check = { nowMs: parent + 1_000n, maxDriftMs: 10_000n };
    const stamp = (t: bigint) => c.runtime.timestampInherent(t);
    expect(host.checkInherents(c.state, [], check)).toBe('no timestamp inherent');
    expect(host.checkInherents(c.state, [c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG))], check)).toBe('no timestamp inherent');
    expect(host.checkInherents(c.state, [stamp(parent)], check)).toBe(`timestamp ${parent} refused: NotAfterParent`);
    expect(host.checkInherents(c.state, [stamp(parent + 11_001n)], check)).toBe(`timestamp ${parent + 11_001n} refused: TooFarInFuture`);
    expect(host.checkInherents(c.state, [stamp(parent + 11_000n)], check)).toBeUndefined();
    expect(host.checkInherents(c.state, [stamp(parent + 1n)], check)).toBeUndefined();
  });
});

describe('state reads through the runtime', () => {
  it('validators, nonces and events of a block', () => {
    const { c, host } = chainOf(1);
    expect(host.validators(c.state)).toEqual([{ account: c.author, sessionKey: c.author, peerId: new Uint8Array() }]);
    expect(host.accountNonce(c.state, k.alice.publicKey)).toBe(0);
    c.produce([c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG))]);
    expect(host.accountNonce(c.state, k.alice.publicKey)).toBe(1);
    const events = host.events(c.state);
    expect(events.filter((e) => e.event.tag === 'System' && e.event.value.tag === 'ExtrinsicSuccess').map((e) => e.phase)).toEqual([
      { tag: 'ApplyExtrinsic', value: 0 },
      { tag: 'ApplyExtrinsic', value: 1 },
    ]);
  });
});

describe('the node boundary lint rule', () => {
  const eslint = new ESLint();
  const lint = async (file: string, code: string) => (await eslint.lintText(code, { filePath: file }))[0].messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports');

  it('refuses pallet storage, and pallet modules but types and maths, in node/, rpc/, cli/ and consensus/', async () => {
    for (const file of ['src/node/probe.ts', 'src/rpc/methods/probe.ts', 'src/cli/probe.ts', 'src/cli.ts', 'src/consensus/probe.ts']) {
      const up = file === 'src/cli.ts' ? './' : file.startsWith('src/rpc/methods/') ? '../../' : '../';
      const refused = await lint(file, [
        `import { SystemStorage } from '${up}pallets/system/index.js';`,
        `import { OracleStorage } from '${up}pallets/oracle/storage.js';`,
        `import { validators } from '${up}pallets/validator-set/index.js';`,
        'export const x = [SystemStorage, OracleStorage, validators];',
      ].join('\n'));
      expect(refused.map((m) => m.line), file).toEqual([1, 2, 3]);
      expect(refused[1].message, file).toMatch(/never touch pallet storage/);
      const allowed = await lint(file, [
        `import type { OracleGenesis } from '${up}pallets/oracle/index.js';`,
        `import { GENESIS_FED_AT } from '${up}pallets/oracle/types.js';`,
        `import { isWithinOpenBounds } from '${up}pallets/oracle/math.js';`,
        'export const y: unknown[] = [GENESIS_FED_AT, isWithinOpenBounds];',
        'export type G = OracleGenesis;',
      ].join('\n'));
      expect(allowed, file).toEqual([]);
    }
  }, 60_000);

  it('the runtime itself and the chain may read pallet storage', async () => {
    expect(await lint('src/chain/probe.ts', "import { SystemStorage } from '../pallets/system/index.js';\nexport const x = SystemStorage;")).toEqual([]);
  }, 60_000);
});
