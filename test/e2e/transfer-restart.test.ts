/**
 * End to end on a real dev node process: a signed `transfer_keep_alive` from //Alice goes ready → inBlock →
 * finalized, its effects are read back (storage, block body, events); then the node is stopped with SIGTERM and
 * restarted on the same base path (chain and balances intact), and finally killed with SIGKILL in the middle of
 * fast block production and restarted, several times: it comes back at its last committed block with a state
 * whose flat head copy still hashes to the header's state root.
 *
 * The tests of this file run in order and share the node's base path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyringPair } from '@polkadot/keyring/types';
import { trieRoot } from '../../src/trie/root.js';
import { TREASURY_ACCOUNT } from '../../src/chain/index.js';
import { SystemStorage } from '../../src/pallets/system/index.js';
import { BalancesStorage } from '../../src/pallets/balances/index.js';
import type { AccountInfoValue } from '../../src/pallets/system/types.js';
import { killAllNodes, makeTempBasePath, NodeProcess, removeBasePath, type StartOptions } from '../helpers/node-process.js';
import { RpcClient, type Subscription } from '../helpers/rpc-client.js';
import {
  accountKey,
  blockBodies,
  bytes,
  canonicalHashes,
  devAccount,
  EVENTS_KEY_HEX,
  extrinsicHash,
  freshAccount,
  fullState,
  head,
  headerHash,
  hex,
  numberOf,
  readAccount,
  readEvents,
  signerOf,
  signExtrinsic,
  TOTAL_ISSUANCE_KEY,
  transferKeepAliveCall,
  waitForHead,
  XFG,
  type HeaderJson,
  type SignedBlockJson,
} from './support.js';

const GENESIS_FREE = 1_000_000n * XFG;
const AMOUNT = 5n * XFG;
/** Amount of each transfer of the crash rounds. */
const CRASH_AMOUNT = XFG / 10n;
/** SIGKILL rounds (1 ≤ n); each costs about two node starts. */
const CRASH_ROUNDS = 3;
/** Transfers submitted per crash round (1 ≤ n ≤ 1,000). */
const CRASH_BURST = 12;

/** The height the CLI reports at start-up (`best block #N`), i.e. what was on disk. */
function startHeight(node: NodeProcess): number {
  const m = /best block #(\d+)/.exec(node.output());
  if (!m) throw new Error(`no "best block" line in the node output:\n${node.output()}`);
  return Number(m[1]);
}

describe('dev node process: transfer, graceful restart, crash recovery', () => {
  const basePath = makeTempBasePath('lifecycle');
  let node: NodeProcess | undefined;
  let client: RpcClient | undefined;
  let alice: KeyringPair;
  let recipient: KeyringPair;
  let genesisHash: string;
  /** Where the transfer of the first test landed. */
  let inclusion: { hash: string; number: number } | undefined;

  async function start(opts: StartOptions = {}): Promise<{ node: NodeProcess; client: RpcClient }> {
    node = await NodeProcess.start({ basePath, ...opts });
    client = await RpcClient.connect(node.wsUrl);
    return { node, client };
  }

  async function shutdown(how: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    // Kill first: the crash must not be preceded by a clean WebSocket close the node would react to.
    const exit = how === 'SIGTERM' ? await node!.stop() : await node!.kill();
    if (how === 'SIGTERM') expect(exit, node!.output()).toEqual({ code: 0, signal: null });
    else expect(exit.signal).toBe('SIGKILL');
    await client!.close();
    node = undefined;
    client = undefined;
  }

  beforeAll(async () => {
    alice = await devAccount('Alice');
    recipient = await freshAccount();
    await start();
    genesisHash = await client!.call<string>('chain_getBlockHash', [0]);
  });

  afterAll(async () => {
    try {
      await client?.close();
    } finally {
      await killAllNodes();
      removeBasePath(basePath);
    }
  });

  it('submitAndWatch: ready → inBlock → finalized; storage, block body and events agree', async () => {
    const c = client!;
    const at = await head(c);
    const aliceBefore = await readAccount(c, alice.publicKey, at.hash);
    expect(aliceBefore.nonce).toBe(0);
    expect(aliceBefore.data.free).toBe(GENESIS_FREE);
    expect(await c.call('state_getStorage', [accountKey(recipient.publicKey)])).toBeNull();

    // Mortal for 64 blocks from the head, as wallets sign by default.
    const xt = signExtrinsic(alice, transferKeepAliveCall(recipient.publicKey, AMOUNT), { genesisHash: bytes(genesisHash) }, { nonce: 0, mortal: { current: at.number, period: 64, birthHash: bytes(at.hash) } });
    const watch = await c.subscribe<unknown>('author_submitAndWatchExtrinsic', [hex(xt)], 'author_unwatchExtrinsic');
    const [ready, inBlock, finalized] = await watch.take(3);
    expect(ready).toBe('ready');
    expect(inBlock).toEqual({ inBlock: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    const blockHash = (inBlock as { inBlock: string }).inBlock;
    expect(finalized).toEqual({ finalized: blockHash });

    // The block holds the timestamp inherent then our extrinsic, byte for byte.
    const block = await c.call<SignedBlockJson>('chain_getBlock', [blockHash]);
    const number = numberOf(block.block.header);
    inclusion = { hash: blockHash, number };
    expect(headerHash(block.block.header)).toBe(blockHash);
    expect(await c.call('chain_getBlockHash', [number])).toBe(blockHash);
    expect(block.block.extrinsics).toHaveLength(2);
    expect(signerOf(block.block.extrinsics[0])).toBeUndefined();
    expect(block.block.extrinsics[1]).toBe(hex(xt));
    expect(number).toBeGreaterThan(at.number);
    expect(await c.call<string[]>('author_pendingExtrinsics', [])).not.toContain(hex(xt));

    // Events of that block, decoded with the runtime's codecs.
    expect(EVENTS_KEY_HEX).toBe(hex(SystemStorage.Events.key));
    const events = await readEvents(c, blockHash);
    const ofXt = events.filter((e) => e.phase.tag === 'ApplyExtrinsic' && e.phase.value === 1).map((e) => e.event);
    const find = (pallet: string, name: string) => ofXt.filter((e) => e.tag === pallet && e.value.tag === name).map((e) => e.value.value as Record<string, unknown>);
    const transfers = find('Balances', 'Transfer');
    expect(transfers).toHaveLength(1);
    expect(hex(transfers[0].from as Uint8Array)).toBe(hex(alice.publicKey));
    expect(hex(transfers[0].to as Uint8Array)).toBe(hex(recipient.publicKey));
    expect(transfers[0].amount).toBe(AMOUNT);
    expect(find('Balances', 'Endowed').map((e) => [hex(e.account as Uint8Array), e.freeBalance])).toEqual([[hex(recipient.publicKey), AMOUNT]]);
    expect(find('System', 'NewAccount').map((e) => hex(e.account as Uint8Array))).toEqual([hex(recipient.publicKey)]);
    expect(find('System', 'ExtrinsicSuccess')).toHaveLength(1);
    expect(find('System', 'ExtrinsicFailed')).toHaveLength(0);
    const feePaid = find('TransactionPayment', 'TransactionFeePaid');
    expect(feePaid).toHaveLength(1);
    const fee = feePaid[0].actualFee as bigint;
    expect(fee).toBeGreaterThan(0n);
    const sumFor = (name: string, key: string) =>
      find('Balances', name)
        .filter((e) => hex(e[key] as Uint8Array) === hex(alice.publicKey))
        .reduce((s, e) => s + (e.amount as bigint), 0n);
    expect(sumFor('Withdraw', 'who')).toBe(fee);
    // Alice authors the block, so she gets the author's share of her own fee back.
    const authorShare = sumFor('Deposit', 'who');
    expect(authorShare).toBeLessThan(fee);
    // The rest of the fee goes to the treasury: nothing is minted or lost.
    const deposits = find('Balances', 'Deposit');
    expect(deposits.map((e) => hex(e.who as Uint8Array)).sort()).toEqual([hex(alice.publicKey), hex(TREASURY_ACCOUNT)].sort());
    expect(deposits.reduce((s, e) => s + (e.amount as bigint), 0n)).toBe(fee);

    // Storage at the inclusion block and at its parent.
    const recipientAt = await readAccount(c, recipient.publicKey, blockHash);
    expect(recipientAt).toEqual({ nonce: 0, consumers: 0, providers: 1, sufficients: 0, data: { free: AMOUNT, reserved: 0n, frozen: 0n, flags: 0n } });
    const aliceAt = await readAccount(c, alice.publicKey, blockHash);
    expect(aliceAt.nonce).toBe(1);
    expect(aliceAt.data.free).toBe(GENESIS_FREE - AMOUNT - fee + authorShare);
    expect(await readAccount(c, alice.publicKey, block.block.header.parentHash)).toEqual(aliceBefore);
    expect(await readAccount(c, recipient.publicKey, block.block.header.parentHash)).toEqual({ nonce: 0, consumers: 0, providers: 0, sufficients: 0, data: { free: 0n, reserved: 0n, frozen: 0n, flags: 0n } });

    // And at the head, later: nothing else touched either account.
    const heads = await c.subscribe<HeaderJson>('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
    await waitForHead(heads, number + 1);
    expect(await readAccount(c, recipient.publicKey)).toEqual(recipientAt);
    expect(await readAccount(c, alice.publicKey)).toEqual(aliceAt);
  });

  it('SIGTERM then restart on the same base path: same chain, same balances, authoring resumes', async () => {
    expect(inclusion, 'needs the transfer of the previous test').toBeDefined();
    let c = client!;
    const heads = await c.subscribe<HeaderJson>('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
    await waitForHead(heads, inclusion!.number + 2);
    const at = await head(c);
    const hashes = await canonicalHashes(c, at.number);
    const accountsBefore = await c.batch([
      ['state_getStorage', [accountKey(alice.publicKey), at.hash]],
      ['state_getStorage', [accountKey(recipient.publicKey), at.hash]],
      ['state_getStorage', [TOTAL_ISSUANCE_KEY, at.hash]],
    ]);
    // Heads announced until the process is gone: each was committed before it was announced.
    const seen = new Map<number, string>(hashes.map((h, i) => [i, h]));
    await shutdown('SIGTERM');
    for (const h of heads.buffered) seen.set(numberOf(h), headerHash(h));
    const lastSeen = Math.max(...seen.keys());

    const restarted = await start();
    c = restarted.client;
    expect(startHeight(restarted.node)).toBeGreaterThanOrEqual(lastSeen);
    const now = await head(c);
    expect(now.number).toBeGreaterThanOrEqual(lastSeen);
    expect(await c.call('chain_getBlockHash', [0])).toBe(genesisHash);
    const after = await canonicalHashes(c, lastSeen);
    for (const [n, h] of seen) expect(after[n], `hash of block #${n}`).toBe(h);

    // Balances: nothing happened to these accounts since the transfer.
    const accountsAfter = await c.batch([
      ['state_getStorage', [accountKey(alice.publicKey)]],
      ['state_getStorage', [accountKey(recipient.publicKey)]],
      ['state_getStorage', [TOTAL_ISSUANCE_KEY]],
    ]);
    expect(accountsAfter).toEqual(accountsBefore);
    expect((await readAccount(c, recipient.publicKey)).data.free).toBe(AMOUNT);
    // Historical state survived too.
    expect((await readAccount(c, recipient.publicKey, inclusion!.hash)).data.free).toBe(AMOUNT);

    // Authoring resumes on top of the stored head.
    const newHeads = await c.subscribe<HeaderJson>('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
    const next = await waitForHead(newHeads, now.number + 1);
    const parentNumber = numberOf(next) - 1;
    expect(next.parentHash).toBe(await c.call('chain_getBlockHash', [parentNumber]));
    expect(after[lastSeen]).toBe(await c.call('chain_getBlockHash', [lastSeen]));
  });

  it(`SIGKILL during fast block production (${CRASH_ROUNDS} rounds): back at the last committed block, state consistent`, async () => {
    await shutdown('SIGTERM');
    const target = await freshAccount();
    const submitted = new Set<string>();
    // Blocks announced before each kill (number → hash), across rounds.
    const seen = new Map<number, string>();

    for (let round = 0; round < CRASH_ROUNDS; round++) {
      // 10 ms blocks: a commit is almost always in progress, so the kill lands in or near one.
      const { client: c } = await start({ blockTimeMs: 10 });
      const heads: Subscription<HeaderJson> = await c.subscribe<HeaderJson>('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
      const first = await heads.next();
      const { nonce } = await readAccount(c, alice.publicKey);
      const burst = Array.from({ length: CRASH_BURST }, (_, i) =>
        signExtrinsic(alice, transferKeepAliveCall(target.publicKey, CRASH_AMOUNT), { genesisHash: bytes(genesisHash) }, { nonce: nonce + i }),
      );
      const replies = await c.batch(burst.map((xt) => ['author_submitExtrinsic', [hex(xt)]] as const));
      replies.forEach((r, i) => {
        expect(r, `submission ${i} of round ${round}`).toEqual({ ok: true, result: extrinsicHash(burst[i]) });
        submitted.add(hex(burst[i]));
      });
      // Let a few blocks (with some of the burst) be committed, then crash right after an announcement.
      const until = numberOf(first) + 3 + round;
      for (;;) {
        const h = await heads.next();
        seen.set(numberOf(h), headerHash(h));
        if (numberOf(h) >= until) break;
      }
      await shutdown('SIGKILL');

      // Restart frozen (one block per hour) to inspect exactly what was on disk.
      const { node: frozen, client: f } = await start({ blockTimeMs: 3_600_000 });
      const height = startHeight(frozen);
      const lastSeen = Math.max(...seen.keys());
      expect(height, `round ${round}: restarted below an announced block`).toBeGreaterThanOrEqual(lastSeen);
      const top = await head(f);
      expect(top.number).toBe(height);
      const canonical = await canonicalHashes(f, height);
      expect(canonical[0]).toBe(genesisHash);
      for (const [n, h] of seen) expect(canonical[n], `round ${round}: hash of announced block #${n}`).toBe(h);
      expect(canonical[height]).toBe(top.hash);

      // The flat head state (what reads at the head use) hashes to the state root in the stored header.
      const state = await fullState(f, top.hash);
      expect(hex(trieRoot(state.map(([k, v]) => [bytes(k), bytes(v)] as const), 1))).toBe(top.header.stateRoot);

      // Balances agree with the stored blocks: every included transfer of ours, and nothing else, moved funds.
      const bodies = await blockBodies(f, canonical.slice(1));
      const all = bodies.flat();
      const ours = all.filter((x) => submitted.has(x)).length;
      const bySigner = all.filter((x) => signerOf(x) === hex(alice.publicKey)).length;
      const targetInfo = await readAccount(f, target.publicKey, top.hash);
      expect(targetInfo.data.free).toBe(BigInt(ours) * CRASH_AMOUNT);
      const aliceInfo = await readAccount(f, alice.publicKey, top.hash);
      // Alice's nonce counts her extrinsics on the canonical chain: the first test's transfer plus ours.
      expect(aliceInfo.nonce).toBe(bySigner);
      expect(bySigner).toBe(ours + 1);
      // Issuance is the sum of all balances (fees burnt or paid out keep it so).
      const accountPrefix = hex(SystemStorage.Account.prefix);
      let sum = 0n;
      for (const [k, v] of state) {
        if (!k.startsWith(accountPrefix)) continue;
        const info: AccountInfoValue = SystemStorage.Account.value.decode(bytes(v));
        sum += info.data.free + info.data.reserved;
      }
      const issuance = state.find(([k]) => k === TOTAL_ISSUANCE_KEY)![1];
      expect(BalancesStorage.TotalIssuance.value.decode(bytes(issuance))).toBe(sum);
      await shutdown('SIGTERM');
    }

    // After the crashes the chain keeps growing from where it was.
    const { client: c } = await start();
    const at = await head(c);
    const heads = await c.subscribe<HeaderJson>('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
    const next = await waitForHead(heads, at.number + 1);
    expect(next.parentHash).toBe(await c.call('chain_getBlockHash', [numberOf(next) - 1]));
    const lastSeen = Math.max(...seen.keys());
    expect(await c.call('chain_getBlockHash', [lastSeen])).toBe(seen.get(lastSeen));
    expect((await readAccount(c, recipient.publicKey)).data.free).toBe(AMOUNT);
  });
});
