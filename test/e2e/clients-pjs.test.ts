/**
 * Wallet compatibility, @polkadot/api 16 (ApiPromise over the legacy JSON-RPC) against a real dev node process,
 * used exactly as a wallet or dApp uses it: no type overrides, no custom RPC definitions, no signed-extension
 * hints. Everything it reads is checked against an independent source (another API path, the raw RPC, the header's
 * state root) and every transaction is followed through its status callback to `Finalized`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Types only (Substrate's generic augmentation: System, Balances, TransactionPayment as FRAME defines them).
import '@polkadot/api-augment';
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { Header } from '@polkadot/types/interfaces';
import type { Codec } from '@polkadot/types/types';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { verifyProof } from '../../src/trie/index.js';
import { captureConsole, isNewSpecMethod, originOf, sampleArgs, sendAndWatch, type LoggedLine, type WatchedTx } from '../helpers/clients.js';
import { killAllNodes, makeTempBasePath, NodeProcess, removeBasePath } from '../helpers/node-process.js';
import { withTimeout } from '../helpers/rpc-client.js';
import { devAccount, freshAccount } from './support.js';

/** SCALE bytes of a decoded value as hex; an `Option` is unwrapped first (absent → `null`). */
function scale(v: Codec): string | null {
  const o = v as Codec & { isSome?: boolean; isNone?: boolean; unwrap?: () => Codec };
  if (o.isNone === true) return null;
  return u8aToHex((o.isSome === true && o.unwrap ? o.unwrap() : v).toU8a());
}

/**
 * Methods pjs may report as "not decorated" (served, but pjs has no definition for them): our custom one, and the
 * new JSON-RPC spec (`chainHead_v1_*`, …), which pjs 16 does not use and reports for a Substrate node just the same.
 */
// This chain's own methods (`dcn_*`, the credit queries `loans_*`, `banks_*`, the dev chain's `dev_*`) are unknown to pjs, as are the
// new-spec ones it does not decorate; every other listed method must be one pjs knows.
const CUSTOM_PREFIXES = ['dcn_', 'loans_', 'banks_', 'dev_'];
const isUndecoratedOk = (m: string): boolean => CUSTOM_PREFIXES.some((p) => m.startsWith(p)) || isNewSpecMethod(m);
/** Pallets whose every signed call must succeed with the generic arguments. */
const CORE_SECTIONS = new Set(['system', 'balances']);

describe('@polkadot/api 16.5 against a dev node process', () => {
  const basePath = makeTempBasePath('clients-pjs');
  let node: NodeProcess;
  let api: ApiPromise;
  let initLog: LoggedLine[];
  let alice: KeyringPair;
  let bob: KeyringPair;
  /** Existential deposit (from the constants). */
  let ed: bigint;

  beforeAll(async () => {
    node = await NodeProcess.start({ basePath, blockTimeMs: 200 });
    alice = await devAccount('Alice');
    bob = await devAccount('Bob');
    const capture = captureConsole();
    try {
      api = await withTimeout(ApiPromise.create({ provider: new WsProvider(node.wsUrl), throwOnConnect: true }), 20_000, 'ApiPromise.create');
    } finally {
      capture.stop();
      initLog = capture.lines;
    }
    ed = api.consts.balances.existentialDeposit.toBigInt();
  });

  afterAll(async () => {
    try {
      await api?.disconnect();
      await node?.stop();
    } finally {
      await killAllNodes();
      removeBasePath(basePath);
    }
  });

  /** Free balance of `who` at the head (one-shot query). */
  async function free(who: string): Promise<bigint> {
    return (await api.query.system.account(who)).data.free.toBigInt();
  }

  /** A fresh account funded by Alice with `amount`, the funding followed to finality. */
  async function funded(amount: bigint): Promise<KeyringPair> {
    const pair = await freshAccount();
    const r = await sendAndWatch(api.tx.balances.transferKeepAlive(pair.address, amount), alice);
    expect(r.dispatchError).toBeUndefined();
    return pair;
  }

  it('initializes with no warning about missing RPC methods (only the custom dcn_ and new-spec ones are undecorated)', () => {
    const complaints = initLog.filter((l) => l.stream !== 'log');
    // pjs lists methods the node serves but pjs has no definition for; a missing *known* method (one pjs would
    // delete from api.rpc) would show up as an error on a call, checked by the tests below.
    for (const l of complaints) expect(l.text, `unexpected pjs ${l.stream} during init`).toMatch(/RPC methods not decorated: (.+)$/);
    const undecorated = complaints.flatMap((l) => /RPC methods not decorated: (.+)$/.exec(l.text)![1].split(',').map((s) => s.trim()));
    expect(undecorated.filter((m) => !isUndecoratedOk(m))).toEqual([]);
    expect(undecorated).toContain('dcn_transactionStatus');
    expect(initLog.filter((l) => /Unknown signed extensions|not found|deprecated/i.test(l.text))).toEqual([]);
    // The standard RPC namespaces pjs decorates are all present (pjs deletes the ones rpc_methods does not list).
    for (const [section, method] of [
      ['chain', 'getHeader'],
      ['chain', 'getBlock'],
      ['chain', 'subscribeFinalizedHeads'],
      ['state', 'getReadProof'],
      ['state', 'queryStorageAt'],
      ['state', 'subscribeStorage'],
      ['system', 'accountNextIndex'],
      ['system', 'dryRun'],
      ['payment', 'queryFeeDetails'],
      ['author', 'submitAndWatchExtrinsic'],
    ] as const) {
      expect(typeof (api.rpc[section] as unknown as Record<string, unknown>)[method], `api.rpc.${section}.${method}`).toBe('function');
    }
  });

  it('reads the chain identity, runtime version and constants', async () => {
    const [chain, props, version] = await Promise.all([api.rpc.system.chain(), api.rpc.system.properties(), api.rpc.state.getRuntimeVersion()]);
    expect(chain.toString().length).toBeGreaterThan(0);
    expect(props.ss58Format.unwrap().toNumber()).toBe(42);
    expect(api.registry.chainSS58).toBe(api.consts.system.ss58Prefix.toNumber());
    expect(version.specVersion.toNumber()).toBe(api.runtimeVersion.specVersion.toNumber());
    // The `System.Version` constant is the runtime version the node reports over RPC.
    expect(api.consts.system.version.specName.toString()).toBe(version.specName.toString());
    expect(api.consts.system.version.specVersion.toNumber()).toBe(version.specVersion.toNumber());
    expect(api.consts.system.version.transactionVersion.toNumber()).toBe(version.transactionVersion.toNumber());
    expect(ed).toBeGreaterThan(0n);
    expect(api.consts.system.blockHashCount.toNumber()).toBeGreaterThan(0);
    // The runtime APIs advertised in the version are callable through api.call (from V15 metadata).
    expect((await api.call.accountNonceApi.accountNonce(alice.address)).toNumber()).toBe((await api.rpc.system.accountNextIndex(alice.address)).toNumber());
  });

  it('System.Account: one-shot, .multi and .entries() agree with each other and with the raw storage', async () => {
    const [a, b] = await api.query.system.account.multi([alice.address, bob.address]);
    expect(a.data.free.toBigInt()).toBe(await free(alice.address));
    expect(b.data.free.toBigInt()).toBe(await free(bob.address));
    expect(a.data.free.toBigInt()).toBeGreaterThan(0n);
    const raw = await api.rpc.state.getStorage<Codec>(api.query.system.account.key(bob.address));
    expect(scale(raw)).toBe(scale(b));

    const entries = await api.query.system.account.entries();
    const byAddress = new Map(entries.map(([k, v]) => [k.args[0].toString(), v.data.free.toBigInt()]));
    expect(byAddress.get(alice.address)).toBe(a.data.free.toBigInt());
    expect(byAddress.get(bob.address)).toBe(b.data.free.toBigInt());
    // Every entry's key is the storage key pjs would compute for that account.
    for (const [k] of entries) expect(k.toHex()).toBe(api.query.system.account.key(k.args[0]));
    // An account nobody funded reads as the all-zero default.
    const nobody = await freshAccount();
    expect((await api.query.system.account(nobody.address)).data.free.toBigInt()).toBe(0n);
  });

  it('paymentInfo and payment.queryFeeDetails give the same fee, and the fee charged is that fee', async () => {
    const sender = await funded(1000n * ed);
    const tx = api.tx.balances.transferKeepAlive(bob.address, 5n * ed);
    const info = await tx.paymentInfo(sender);
    expect(info.partialFee.toBigInt()).toBeGreaterThan(0n);
    expect(info.class.isNormal).toBe(true);

    await tx.signAsync(sender, { nonce: 0 });
    const details = await api.rpc.payment.queryFeeDetails(tx.toHex());
    const inclusion = details.inclusionFee.unwrap();
    const sum = inclusion.baseFee.toBigInt() + inclusion.lenFee.toBigInt() + inclusion.adjustedWeightFee.toBigInt();
    // paymentInfo estimated with a dummy signature of the same length, so the length fee is the same.
    expect(sum).toBe(info.partialFee.toBigInt());

    const before = await free(sender.address);
    const r = await sendAndWatch(tx, undefined);
    expect(r.dispatchError).toBeUndefined();
    const paid = r.events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
    expect(paid, 'TransactionFeePaid event').toBeDefined();
    const [, actualFee, tip] = paid!.event.data as unknown as [unknown, { toBigInt(): bigint }, { toBigInt(): bigint }];
    expect(actualFee.toBigInt()).toBe(sum);
    expect(tip.toBigInt()).toBe(0n);
    expect(await free(sender.address)).toBe(before - 5n * ed - sum);
  });

  it('signAndSend a transfer: Ready → InBlock → Finalized, decoded events, a storage subscription fires, api.at reads both sides', async () => {
    const amount = 7n * ed;
    const seen: bigint[] = [];
    let fired: () => void = () => undefined;
    const changed = new Promise<void>((r) => (fired = r));
    const unsub = await api.query.system.account(bob.address, (info) => {
      seen.push(info.data.free.toBigInt());
      if (seen.length >= 2) fired();
    });
    try {
      await withTimeout(
        new Promise<void>((r) => {
          const poll = () => (seen.length >= 1 ? r() : setTimeout(poll, 20));
          poll();
        }),
        10_000,
        'the first storage notification',
      );
      const bobBefore = seen[0];
      const r: WatchedTx = await sendAndWatch(api.tx.balances.transferKeepAlive(bob.address, amount), alice);
      expect(r.statuses).toEqual(['Ready', 'InBlock', 'Finalized']);
      // Finality is immediate here: the finalized block is the inclusion block.
      expect(r.finalized.toHex()).toBe(r.inBlock.toHex());
      expect(r.dispatchError).toBeUndefined();

      const names = r.events.map(({ event }) => `${event.section}.${event.method}`);
      expect(names).toContain('balances.Transfer');
      expect(names[names.length - 1]).toBe('system.ExtrinsicSuccess');
      const transfer = r.events.find(({ event }) => api.events.balances.Transfer.is(event))!.event;
      if (!api.events.balances.Transfer.is(transfer)) throw new Error('unreachable');
      expect(transfer.data.from.toString()).toBe(alice.address);
      expect(transfer.data.to.toString()).toBe(bob.address);
      expect(transfer.data.amount.toBigInt()).toBe(amount);
      // Every event record of the block belongs to a phase pjs understands and decodes to a known event.
      for (const { event, phase } of r.events) {
        expect(phase.isApplyExtrinsic).toBe(true);
        expect(api.events[event.section]?.[event.method], `${event.section}.${event.method}`).toBeDefined();
      }

      // The block holds the extrinsic pjs signed (found by hash).
      const block = await api.rpc.chain.getBlock(r.inBlock);
      expect(block.block.extrinsics.map((x) => x.hash.toHex())).toContain(r.txHash.toHex());

      await withTimeout(changed, 10_000, 'the storage subscription to report the transfer');
      expect(seen[seen.length - 1]).toBe(bobBefore + amount);

      // api.at: Bob's balance at the inclusion block and at its parent.
      const header = await api.rpc.chain.getHeader(r.inBlock);
      const [atBlock, atParent] = await Promise.all([api.at(r.inBlock), api.at(header.parentHash)]);
      const bobAt = (await atBlock.query.system.account(bob.address)).data.free.toBigInt();
      const bobParent = (await atParent.query.system.account(bob.address)).data.free.toBigInt();
      expect(bobAt - bobParent).toBe(amount);
      expect((await atBlock.query.system.number()).toNumber()).toBe(header.number.toNumber());
      const eventsAt = await atBlock.query.system.events();
      expect(eventsAt.map(({ event }) => `${event.section}.${event.method}`)).toEqual(expect.arrayContaining(names));
    } finally {
      unsub();
    }
  });

  it('a call of every pallet (generic over api.tx): signed, dry-run, sent and finalized, or refused as its origin says', async () => {
    const cases = Object.keys(api.tx).flatMap((section) => Object.keys(api.tx[section]).map((method) => ({ section, method, origin: originOf(api.tx[section][method].meta.docs.map((d) => d.toString())) })));
    // At least the pallets with calls today; new pallets' calls join by themselves.
    expect(cases.map((c) => `${c.section}.${c.method}`)).toEqual(expect.arrayContaining(['system.remark', 'system.remarkWithEvent', 'timestamp.set', 'balances.transferAllowDeath', 'balances.transferKeepAlive', 'balances.transferAll', 'balances.forceTransfer', 'balances.forceSetBalance']));
    expect(cases.filter((c) => c.origin === 'root').map((c) => `${c.section}.${c.method}`)).toEqual(expect.arrayContaining(['balances.forceTransfer', 'balances.forceSetBalance']));

    // One fresh, funded sender per call (transfer_all empties its sender). Funding goes out in one go, nonces in a row.
    const senders = await Promise.all(cases.map(() => freshAccount()));
    const nonce0 = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
    const fundings = await Promise.all(senders.map((s, i) => sendAndWatch(api.tx.balances.transferKeepAlive(s.address, 1000n * ed), alice, { nonce: nonce0 + i })));
    for (const f of fundings) expect(f.dispatchError).toBeUndefined();

    const outcomes = await Promise.all(
      cases.map(async (c, i) => {
        const label = `${c.section}.${c.method}`;
        const tx = api.tx[c.section][c.method](...sampleArgs(api, c.section, c.method, { dest: bob, amount: 2n * ed }));
        if (c.origin === 'inherent') {
          // Mandatory-class calls (inherents) never enter the pool, signed or not: Substrate's exact refusal.
          expect((await tx.paymentInfo(senders[i])).class.isMandatory, label).toBe(true);
          await expect(tx.signAndSend(senders[i], { nonce: 0 }), label).rejects.toThrow(/1010.*mandatory/i);
          return label;
        }
        await tx.signAsync(senders[i], { nonce: 0 });
        const dry = await api.rpc.system.dryRun(tx.toHex());
        expect(dry.isOk, `${label}: dry run validity`).toBe(true);
        const r = await sendAndWatch(tx, undefined);
        expect(r.statuses, label).toEqual(['Ready', 'InBlock', 'Finalized']);
        for (const { event } of r.events) expect(api.events[event.section]?.[event.method], `${label}: event ${event.section}.${event.method}`).toBeDefined();
        const last = r.events[r.events.length - 1].event;
        if (c.origin === 'root') {
          expect(r.dispatchError?.isBadOrigin, `${label}: ${r.dispatchError?.toString()}`).toBe(true);
          expect(api.events.system.ExtrinsicFailed.is(last), label).toBe(true);
          expect(dry.asOk.isErr && dry.asOk.asErr.isBadOrigin, `${label}: dry run outcome`).toBe(true);
        } else if (r.dispatchError === undefined || CORE_SECTIONS.has(c.section)) {
          expect(r.dispatchError, `${label}: ${r.dispatchError?.toString()}`).toBeUndefined();
          expect(api.events.system.ExtrinsicSuccess.is(last), label).toBe(true);
          expect(dry.asOk.isOk, `${label}: dry run outcome`).toBe(true);
        } else {
          // Generic arguments can miss a pallet's preconditions (no UDST to send, no loan to repay): the call is
          // still included, fails with an error of its OWN pallet that wallets decode, and the dry run agreed.
          expect(r.dispatchError.isModule, `${label}: ${r.dispatchError.toString()}`).toBe(true);
          const err = api.registry.findMetaError(r.dispatchError.asModule);
          expect(err.section, label).toBe(c.section);
          expect(err.docs.join(' ').length, `${label}: docs of ${err.section}.${err.name}`).toBeGreaterThan(0);
          expect(api.events.system.ExtrinsicFailed.is(last), label).toBe(true);
          expect(dry.asOk.isErr && dry.asOk.asErr.isModule && dry.asOk.asErr.asModule.index.eq(r.dispatchError.asModule.index), `${label}: dry run outcome`).toBe(true);
        }
        return label;
      }),
    );
    expect(outcomes).toHaveLength(cases.length);
  });

  it('a failing call: its DispatchError resolves to the pallet error name and docs (registry.findMetaError)', async () => {
    const poor = await funded(100n * ed);
    const r = await sendAndWatch(api.tx.balances.transferAllowDeath(bob.address, 1_000_000n * ed), poor);
    expect(r.statuses).toEqual(['Ready', 'InBlock', 'Finalized']);
    expect(r.dispatchError?.isModule).toBe(true);
    const meta = api.registry.findMetaError(r.dispatchError!.asModule);
    expect(`${meta.section}.${meta.name}`).toBe('balances.InsufficientBalance');
    expect(meta.docs.join(' ').length).toBeGreaterThan(0);
    expect(api.errors.balances.InsufficientBalance.is(r.dispatchError!.asModule)).toBe(true);
    const failed = r.events.find(({ event }) => api.events.system.ExtrinsicFailed.is(event));
    expect(failed, 'ExtrinsicFailed').toBeDefined();
    // The fee was still charged; the transfer was not made.
    expect(await free(poor.address)).toBeLessThan(100n * ed);
    expect(await free(poor.address)).toBeGreaterThan(90n * ed);
  });

  it('system.accountNextIndex skips a future-nonce transaction until the gap is filled, then counts both', async () => {
    const sender = await funded(100n * ed);
    expect((await api.rpc.system.accountNextIndex(sender.address)).toNumber()).toBe(0);
    // Nonce 1 before nonce 0: it waits in the future queue, and the next index stays 0 until nonce 0 arrives.
    const second = api.tx.system.remark('0x02');
    await second.signAsync(sender, { nonce: 1 });
    const secondDone = sendAndWatch(second, undefined);
    expect((await api.rpc.system.accountNextIndex(sender.address)).toNumber()).toBe(0);
    const first = sendAndWatch(api.tx.system.remark('0x01'), sender, { nonce: 0 });
    const [r0, r1] = await Promise.all([first, secondDone]);
    expect(r0.dispatchError).toBeUndefined();
    expect(r1.dispatchError).toBeUndefined();
    expect((await api.rpc.system.accountNextIndex(sender.address)).toNumber()).toBe(2);
    expect((await api.call.accountNonceApi.accountNonce(sender.address)).toNumber()).toBe(2);
    expect((await api.query.system.account(sender.address)).nonce.toNumber()).toBe(2);
  });

  it('state.getReadProof: the proof verifies against the header state root and proves the value pjs reads', async () => {
    const hash = await api.rpc.chain.getFinalizedHead();
    const header = await api.rpc.chain.getHeader(hash);
    const present = api.query.system.account.key(alice.address);
    const absent = api.query.system.account.key((await freshAccount()).address);
    const proof = await api.rpc.state.getReadProof([present, absent], hash);
    expect(proof.at.toHex()).toBe(hash.toHex());
    const nodes = proof.proof.map((p) => p.toU8a(true));
    expect(nodes.length).toBeGreaterThan(0);
    const root = header.stateRoot.toU8a();
    const value = verifyProof(root, nodes, hexToU8a(present));
    expect(value).toBeInstanceOf(Uint8Array);
    expect(u8aToHex(value as Uint8Array)).toBe((await (await api.at(hash)).query.system.account(alice.address)).toHex());
    expect(verifyProof(root, nodes, hexToU8a(absent))).toBeUndefined();
    // The same proof does not verify against another block's root (the state differs every block).
    const parent = await api.rpc.chain.getHeader(header.parentHash);
    expect(verifyProof(parent.stateRoot.toU8a(), nodes, hexToU8a(present))).toBe('invalid');
  });

  it('state.queryStorageAt returns the values of several keys at a block', async () => {
    const hash = await api.rpc.chain.getFinalizedHead();
    const apiAt = await api.at(hash);
    const keys = [api.query.system.account.key(alice.address), api.query.system.account.key(bob.address), api.query.system.number.key()];
    const values = await api.rpc.state.queryStorageAt<Codec[]>(keys, hash);
    expect(values).toHaveLength(3);
    const expected = [await apiAt.query.system.account(alice.address), await apiAt.query.system.account(bob.address), await apiAt.query.system.number()];
    // pjs decodes the StorageData into each item's type (the keys came from api.query.*.key); compare SCALE bytes.
    expect(values.map(scale)).toEqual(expected.map(scale));
  });

  it('chain.subscribeFinalizedHeads delivers consecutive finalized headers whose hashes are the chain\'s', async () => {
    const got: Header[] = [];
    let done: () => void = () => undefined;
    const enough = new Promise<void>((r) => (done = r));
    const unsub = await api.rpc.chain.subscribeFinalizedHeads((h) => {
      got.push(h);
      if (got.length >= 3) done();
    });
    try {
      await withTimeout(enough, 10_000, 'three finalized heads');
    } finally {
      unsub();
    }
    for (let i = 1; i < got.length; i++) {
      expect(got[i].number.toNumber()).toBe(got[i - 1].number.toNumber() + 1);
      expect(got[i].parentHash.toHex()).toBe(got[i - 1].hash.toHex());
    }
    for (const h of got) expect((await api.rpc.chain.getBlockHash(h.number.toNumber())).toHex()).toBe(h.hash.toHex());
  });

  it('system.dryRun: success, a dispatch error, an invalid transaction and undecodable bytes, without changing the chain', async () => {
    const sender = await funded(100n * ed);
    const ok = api.tx.balances.transferKeepAlive(bob.address, ed);
    await ok.signAsync(sender, { nonce: 0 });
    const r1 = await api.rpc.system.dryRun(ok.toHex());
    expect(r1.isOk && r1.asOk.isOk).toBe(true);

    const fails = api.tx.balances.transferKeepAlive(bob.address, 1_000_000n * ed);
    await fails.signAsync(sender, { nonce: 0 });
    const r2 = await api.rpc.system.dryRun(fails.toHex());
    expect(r2.isOk && r2.asOk.isErr).toBe(true);
    expect(api.registry.findMetaError(r2.asOk.asErr.asModule).name).toBe('InsufficientBalance');

    const stale = api.tx.system.remark('0x00');
    await stale.signAsync(alice, { nonce: 0 });
    const r3 = await api.rpc.system.dryRun(stale.toHex());
    expect(r3.isErr && r3.asErr.isInvalid && r3.asErr.asInvalid.isStale).toBe(true);

    // Bytes that are no extrinsic: an RPC error, as Substrate's frame-system-rpc answers (code 2), not an apply result.
    const cut = ok.toU8a().subarray(0, 60);
    await expect(api.rpc.system.dryRun(u8aToHex(cut))).rejects.toThrow(/^2: Unable to dry run extrinsic/);

    // Nothing was applied: the sender's nonce and balance are as funded.
    const acct = await api.query.system.account(sender.address);
    expect(acct.nonce.toNumber()).toBe(0);
    expect(acct.data.free.toBigInt()).toBe(100n * ed);
  });

  it('a transaction signed for a stale spec version is refused with 1010 naming the version mismatch', async () => {
    const sender = await funded(100n * ed);
    const tx = api.tx.balances.transferKeepAlive(bob.address, ed);
    const staleSpec = api.runtimeVersion.specVersion.toNumber() - 1;
    const payloadValue = {
      method: tx.method.toHex(),
      era: api.registry.createType('ExtrinsicEra'),
      nonce: 0,
      tip: 0,
      specVersion: staleSpec,
      transactionVersion: api.runtimeVersion.transactionVersion,
      genesisHash: api.genesisHash,
      blockHash: api.genesisHash,
    };
    const payload = api.registry.createType('ExtrinsicPayload', payloadValue, { version: 4 });
    const { signature } = payload.sign(sender);
    tx.addSignature(sender.address, signature, payloadValue);
    const err = await api.rpc.author.submitExtrinsic(tx).then(
      () => {
        throw new Error('the stale transaction was accepted');
      },
      (e: Error) => e,
    );
    expect(err.message).toMatch(/^1010: Invalid Transaction: /);
    expect(err.message).toContain(`signed for spec version ${staleSpec}`);
    expect(err.message).toContain(`runtime is at spec version ${api.runtimeVersion.specVersion.toNumber()}`);
    // The same payload signed for the current version goes through.
    const good = api.tx.balances.transferKeepAlive(bob.address, ed);
    const r = await sendAndWatch(good, sender, { nonce: 0 });
    expect(r.dispatchError).toBeUndefined();
  });
});
