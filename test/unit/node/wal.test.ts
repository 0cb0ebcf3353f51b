/**
 * The file WAL (`src/node/wal.ts`): records survive reopening; a torn last record (every cut point) is dropped and
 * the file truncated; damage before the end is refused; rotation keeps the heights still needed; and a real process
 * killed with SIGKILL between a durable append and its broadcast never signs a conflicting message after restart.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConsensusEngine } from '../../../src/consensus/engine.js';
import { compareHrs, messageHrs, SignedMessage, type SignedMessageValue } from '../../../src/consensus/messages.js';
import { inputOf, type EngineInput, type SignRequest } from '../../../src/consensus/types.js';
import { decodeWalRecords, encodeWalProofRecord, encodeWalRecord, FileWal, WalCorruptError, WAL_RECORD_HEADER_BYTES } from '../../../src/node/wal.js';
import { equalBytes } from '../../../src/primitives/bytes.js';
import { block, engineConfig, hashBlock, signProposal, signVote, testSet, validatorKey } from '../consensus/harness.js';

const dirs: string[] = [];
function tempWalPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dcn-wal-'));
  dirs.push(dir);
  return join(dir, 'consensus', 'wal');
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A signed vote of validator 0 at (height, round). */
function vote(height: number, round: number, type: 'prevote' | 'precommit', label?: string): SignedMessageValue {
  return signVote(0, type, height, round, label === undefined ? undefined : hashBlock(block(label)));
}

const sample: SignedMessageValue[] = [vote(1, 0, 'prevote', 'A'), vote(1, 0, 'precommit', 'A'), signProposal(2, 2, 0, block('a proposal with a block')), vote(2, 0, 'prevote')];

describe('FileWal', () => {
  it('appends durably and loads every record back, in order, after reopening', async () => {
    const path = tempWalPath();
    const wal = await FileWal.open(path);
    expect(await wal.load()).toEqual([]);
    for (const m of sample) expect(await wal.append(m)).toEqual(m);
    await wal.close();
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(sample.reduce((n, m) => n + encodeWalRecord(m).length, 0));
    const again = await FileWal.open(path);
    expect(await again.load()).toEqual(sample);
    await again.append(vote(3, 0, 'prevote'));
    await again.close();
    const third = await FileWal.open(path);
    expect((await third.load()).length).toBe(sample.length + 1);
    await third.close();
  });

  it('refuses to append before load (a torn tail must be dropped first)', async () => {
    const wal = await FileWal.open(tempWalPath());
    await expect(wal.append(sample[0])).rejects.toThrow(/load/);
    await wal.close();
  });

  it('drops a torn last record at every cut point, truncates the file, and appends after it', async () => {
    const whole = sample.slice(0, 3).map(encodeWalRecord);
    const prefix = whole.slice(0, 2).reduce((n, r) => n + r.length, 0);
    const path = tempWalPath();
    for (let cut = 1; cut < whole[2].length; cut++) {
      const wal = await FileWal.open(path);
      await wal.close();
      writeFileSync(path, Buffer.concat([...whole.slice(0, 2), whole[2].subarray(0, cut)]));
      const events: unknown[] = [];
      const reopened = await FileWal.open(path, { onEvent: (e) => events.push(e) });
      expect(await reopened.load()).toEqual(sample.slice(0, 2));
      expect(statSync(path).size).toBe(prefix);
      expect(events).toEqual([{ kind: 'torn-tail', droppedBytes: cut }]);
      await reopened.append(sample[3]);
      await reopened.close();
      const check = await FileWal.open(path);
      expect(await check.load()).toEqual([sample[0], sample[1], sample[3]]);
      await check.close();
    }
  });

  it('treats a last record whose body never reached the disk (zeros) as torn, but refuses damage before the end', () => {
    const r0 = encodeWalRecord(sample[0]);
    const r1 = encodeWalRecord(sample[1]);
    const zeroed = Buffer.concat([r0, r1]);
    zeroed.fill(0, r0.length + WAL_RECORD_HEADER_BYTES);
    expect(decodeWalRecords(zeroed)).toEqual({ messages: [sample[0]], proofs: [], validBytes: r0.length, tornTail: true });
    const damaged = Buffer.concat([r0, r1]);
    damaged[WAL_RECORD_HEADER_BYTES + 3] ^= 0xff;
    expect(() => decodeWalRecords(damaged)).toThrow(WalCorruptError);
  });

  it('property: any file cut yields exactly the whole records before the cut', () => {
    const records = sample.map(encodeWalRecord);
    const file = Buffer.concat(records);
    const ends = records.reduce<number[]>((acc, r) => [...acc, (acc.at(-1) ?? 0) + r.length], []);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: file.length }), (cut) => {
        const d = decodeWalRecords(file.subarray(0, cut));
        const whole = ends.filter((e) => e <= cut).length;
        expect(d.messages).toEqual(sample.slice(0, whole));
        expect(d.validBytes).toBe(whole === 0 ? 0 : ends[whole - 1]);
        expect(d.tornTail).toBe(cut !== d.validBytes);
      }),
    );
  });

  it('rotates once above the size bound, keeping the heights at or above committed − 1', async () => {
    const path = tempWalPath();
    const events: unknown[] = [];
    const wal = await FileWal.open(path, { rotateBytes: 600, onEvent: (e) => events.push(e) });
    await wal.load();
    for (let h = 1; h <= 6; h++) {
      await wal.append(vote(h, 0, 'prevote', `b${h}`));
      await wal.append(vote(h, 0, 'precommit', `b${h}`));
    }
    // Committed 2: heights 1 and up are kept (1 = committed − 1), so this rotation rewrites everything.
    expect(await wal.pruneBelow(2)).toBe(true);
    const reader = await FileWal.open(path);
    expect((await reader.load()).map((m) => m.message.value.height)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    await reader.close();
    // Still above the bound: rotating at committed 5 keeps heights 4..6 only.
    expect(await wal.pruneBelow(5)).toBe(true);
    await wal.append(vote(7, 0, 'prevote'));
    await wal.close();
    const after = await FileWal.open(path);
    expect((await after.load()).map((m) => m.message.value.height)).toEqual([4, 4, 5, 5, 6, 6, 7]);
    expect(events.filter((e) => (e as { kind: string }).kind === 'rotated')).toHaveLength(2);
    // Below the bound nothing is rewritten.
    expect(await after.pruneBelow(7)).toBe(false);
    await after.close();
  });

  it('keeps proof records apart from own messages: load returns the own ones, proofs() the others, across reopening and rotation', async () => {
    const path = tempWalPath();
    const wal = await FileWal.open(path, { rotateBytes: 300 });
    await wal.load();
    const proposal = signProposal(1, 1, 0, block('A'));
    const pol = [1, 2, 3].map((i) => signVote(i, 'prevote', 1, 0, hashBlock(block('A'))));
    await wal.append(vote(1, 0, 'prevote', 'A'));
    await wal.appendProof([proposal, ...pol]);
    await wal.append(vote(1, 0, 'precommit', 'A'));
    expect(wal.proofs()).toEqual([proposal, ...pol]);
    const again = await FileWal.open(path);
    expect(await again.load()).toEqual([vote(1, 0, 'prevote', 'A'), vote(1, 0, 'precommit', 'A')]);
    expect(again.proofs()).toEqual([proposal, ...pol]);
    await again.close();
    // A rotation keeps the proofs of the heights it keeps and drops the older ones.
    await wal.append(vote(2, 0, 'prevote'));
    await wal.appendProof([signVote(1, 'prevote', 3, 0, undefined)]);
    await wal.append(vote(3, 0, 'prevote'));
    expect(await wal.pruneBelow(3)).toBe(true);
    await wal.close();
    const rotated = await FileWal.open(path);
    expect((await rotated.load()).map((m) => m.message.value.height)).toEqual([2, 3]);
    expect(rotated.proofs()).toEqual([signVote(1, 'prevote', 3, 0, undefined)]);
    await rotated.close();
  });

  it('reads a file written before proof records existed as own messages only, and flags proof records in the length word', () => {
    const old = Buffer.concat(sample.map(encodeWalRecord));
    expect(decodeWalRecords(old)).toEqual({ messages: sample, proofs: [], validBytes: old.length, tornTail: false });
    const proof = encodeWalProofRecord(sample[2]);
    expect(proof.subarray(3, 4)[0] & 0x80).toBe(0x80);
    const mixed = Buffer.concat([encodeWalRecord(sample[0]), proof, encodeWalRecord(sample[1])]);
    expect(decodeWalRecords(mixed)).toMatchObject({ messages: [sample[0], sample[1]], proofs: [sample[2]], tornTail: false });
    // The flag is covered by the checksum: flipping it is damage, not a different kind of record.
    const flipped = Buffer.from(mixed);
    flipped[encodeWalRecord(sample[0]).length + 3] ^= 0x80;
    expect(() => decodeWalRecords(flipped)).toThrow(WalCorruptError);
  });

  it('keeps serial order under concurrent appends', async () => {
    const path = tempWalPath();
    const wal = await FileWal.open(path);
    await wal.load();
    const many = Array.from({ length: 40 }, (_, i) => vote(1 + (i >> 1), 0, i % 2 === 0 ? 'prevote' : 'precommit', `x${i}`));
    await Promise.all(many.map((m) => wal.append(m)));
    await wal.close();
    const again = await FileWal.open(path);
    expect(await again.load()).toEqual(many);
    await again.close();
  });
});

const CHILD = fileURLToPath(new URL('./fixtures/wal-child.ts', import.meta.url));

/** Run the child until its `stopAfter`-th append is durable, then SIGKILL it before it broadcasts. */
async function crashAfterAppend(path: string, stopAfter: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, String(stopAfter)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line === `APPENDED ${stopAfter}`) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.once('exit', () => reject(new Error(`child exited before append ${stopAfter}: ${lines.join(' | ')} ${stderr}`)));
  });
  await new Promise((resolve) => child.once('exit', resolve));
  return lines;
}

/** Inputs that make an engine without memory sign messages conflicting with what the child signed. */
function conflictingInputs(): EngineInput[] {
  const B = block('B');
  return [
    { kind: 'start', height: 1, validators: testSet(4) },
    // The proposer of round 0 equivocates: B instead of A.
    inputOf(signProposal(1, 1, 0, B)),
    { kind: 'proposalChecked', height: 1, round: 0, blockHash: hashBlock(B), valid: true },
    ...[1, 2, 3].map((i) => inputOf(signVote(i, 'prevote', 1, 0, hashBlock(B)))),
    ...[1, 2, 3].map((i) => inputOf(signVote(i, 'precommit', 1, 0, undefined))),
    { kind: 'timeout', height: 1, round: 0, step: 'precommit' },
    inputOf(signProposal(2, 1, 1, B)),
    { kind: 'proposalChecked', height: 1, round: 1, blockHash: hashBlock(B), valid: true },
    { kind: 'timeout', height: 1, round: 1, step: 'propose' },
  ];
}

/** Every message the engine asks to sign for `inputs` (signed and fed back, as the node does). */
function signedFor(engine: ConsensusEngine, inputs: EngineInput[]): SignedMessageValue[] {
  const out: SignedMessageValue[] = [];
  const pending = [...inputs];
  while (pending.length > 0) {
    for (const a of engine.step(pending.shift()!)) {
      if (a.kind !== 'signAndBroadcast') continue;
      const r: SignRequest = a.request;
      const signed = { message: r.message, signature: validatorKey(0).sign(r.payload) };
      out.push(signed);
      pending.push(inputOf(signed));
    }
  }
  return out;
}

/** Two messages for one (height, round, step) with different contents. */
function conflicts(a: SignedMessageValue, b: SignedMessageValue): boolean {
  return compareHrs(messageHrs(a.message), messageHrs(b.message)) === 0 && !equalBytes(SignedMessage.encode(a), SignedMessage.encode(b));
}

describe('kill -9 between a durable append and its broadcast', () => {
  for (const stopAfter of [1, 2, 3]) {
    it(`after append ${stopAfter}: the restarted validator signs nothing conflicting with its WAL`, async () => {
      const path = tempWalPath();
      const lines = await crashAfterAppend(path, stopAfter);
      // The killed append was never broadcast, but it is on disk.
      expect(lines.filter((l) => l.startsWith('BROADCAST'))).toHaveLength(stopAfter - 1);
      const wal = await FileWal.open(path);
      const own = await wal.load();
      await wal.close();
      expect(own).toHaveLength(stopAfter);

      const restored = signedFor(ConsensusEngine.restoreFromWal(engineConfig(0), own), conflictingInputs());
      for (const m of restored) {
        for (const w of own) expect(conflicts(m, w), JSON.stringify(messageHrs(m.message))).toBe(false);
        expect(compareHrs(messageHrs(m.message), messageHrs(own.at(-1)!.message))).toBeGreaterThan(0);
      }
      // Control: the same inputs to an engine that lost its WAL do sign a conflicting message.
      const amnesiac = signedFor(new ConsensusEngine(engineConfig(0)), conflictingInputs());
      expect(amnesiac.some((m) => own.some((w) => conflicts(m, w)))).toBe(true);
    }, 30_000);
  }
});
