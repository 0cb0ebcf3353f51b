/**
 * pallet_balances' locks, reserves, holds and freezes on a real dev node, read with @polkadot/api as a wallet or a
 * custodial REST service (Substrate API Sidecar) reads them: no type overrides, every type from the served metadata.
 * An account locks XFG into a certificate; `balances.holds` shows it under `Certificates(CertificateLock)`,
 * `system.account` shows it as reserved (with Balances' consumer reference), `balances.locks/reserves/freezes` decode
 * (empty), pjs's `derive.balances.all` computes the transferable part, `transfer_all` leaves the held part, and a
 * certificate pledged to a loan stays held until it is unlocked. After every test all pallets' invariants (held per
 * account = Σ holds; certificates' XFG = the XFG held under CertificateLock) run on the node's state over RPC.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import '@polkadot/api-augment';
import { ApiPromise, WsProvider } from '@polkadot/api';
import WebSocket from 'ws';
import { createClient } from 'polkadot-api';
import { getWsProvider } from 'polkadot-api/ws';
import type { KeyringPair } from '@polkadot/keyring/types';
import { sendAndWatch, type WatchedTx } from '../helpers/clients.js';
import { killAllNodes, makeTempBasePath, NodeProcess, removeBasePath } from '../helpers/node-process.js';
import { withTimeout } from '../helpers/rpc-client.js';
import { eventData, sendOk, stateAtOverRpc } from './pjs-reads.js';
import { devAccount, freshAccount, runtime } from './support.js';
import type { StateReader } from '../../src/runtime/state.js';
import { assertBalanceInvariants } from '../helpers/chain.js';

const XFG = 1_000_000_000_000n;
const U = 1_000_000n;
const PRICE_ONE = 10n ** 18n;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('balances locks, reserves, holds and freezes on a dev node through @polkadot/api', () => {
  const basePath = makeTempBasePath('holds');
  let node: NodeProcess;
  let api: ApiPromise;
  let alice: KeyringPair;
  let bob: KeyringPair;
  let charlie: KeyringPair;
  let dave: KeyringPair;
  let ed: bigint;

  beforeAll(async () => {
    // 500 ms blocks: @polkadot/api drops a transaction's InBlock when the Finalized notice (one block later) comes
    // before it has fetched that block's events, which a loaded machine can make take over 200 ms.
    node = await NodeProcess.start({ basePath, blockTimeMs: 500 });
    [alice, bob, charlie, dave] = await Promise.all([devAccount('Alice'), devAccount('Bob'), devAccount('Charlie'), devAccount('Dave')]);
    api = await withTimeout(ApiPromise.create({ provider: new WsProvider(node.wsUrl), throwOnConnect: true, noInitWarn: true }), 20_000, 'ApiPromise.create');
    ed = api.consts.balances.existentialDeposit.toBigInt();
    // A price (0.50 UDST per XFG) for the loan of the last test.
    await Promise.all([alice, bob, charlie].map((f) => ok(api.tx.oracle.feed(PRICE_ONE / 2n), f)));
  });

  afterEach(async () => {
    const st = await stateAt((await api.rpc.chain.getBlockHash()).toHex());
    assertBalanceInvariants(st, ed);
    for (const p of runtime.pallets) p.hooks.tryState?.(st as never);
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

  /** The whole state at block `hash`, as a StateReader. */
  const stateAt = (hash: string): Promise<StateReader> => stateAtOverRpc(api, hash);
  /** Send and require success; returns the watched transaction. */
  const ok = (tx: Any, signer: KeyringPair): Promise<WatchedTx> => sendOk(api, tx, signer);

  /** The fee a transaction paid (TransactionPayment.TransactionFeePaid). */
  const feeOf = (r: WatchedTx): bigint => eventData(r, 'transactionPayment', 'TransactionFeePaid').actualFee.toBigInt();

  /** `who`'s four balance items and account at block `hash`, as pjs decodes them from the metadata. */
  async function itemsAt(hash: Any, who: string) {
    const at = await api.at(hash);
    const [holds, freezes, locks, reserves, account] = await Promise.all([
      at.query.balances.holds(who),
      at.query.balances.freezes(who),
      at.query.balances.locks(who),
      at.query.balances.reserves(who),
      at.query.system.account(who),
    ]);
    return { holds: holds as Any, freezes: freezes as Any, locks: locks as Any, reserves: reserves as Any, account: account as Any };
  }

  it('the metadata describes the four items with pallet_balances types, keyed by Blake2_128Concat(AccountId)', () => {
    const lookup = api.registry.lookup;
    const typeOf = (item: string) => {
      const meta = (api.query.balances as Any)[item].creator.meta;
      expect(meta.type.asMap.hashers.map((h: Any) => h.type)).toEqual(['Blake2_128Concat']);
      expect(lookup.getSiType(meta.type.asMap.key).path.map(String)).toEqual(['sp_core', 'crypto', 'AccountId32']);
      return lookup.getSiType(meta.type.asMap.value);
    };
    const inner = (item: string) => lookup.getSiType(typeOf(item).def.asComposite.fields[0].type).def.asSequence.type;
    expect(typeOf('locks').path.map(String)).toEqual(['bounded_collections', 'weak_bounded_vec', 'WeakBoundedVec']);
    expect(lookup.getSiType(inner('locks')).path.map(String)).toEqual(['pallet_balances', 'types', 'BalanceLock']);
    expect(lookup.getSiType(inner('reserves')).path.map(String)).toEqual(['pallet_balances', 'types', 'ReserveData']);
    for (const item of ['holds', 'freezes']) {
      expect(typeOf(item).path.map(String)).toEqual(['bounded_collections', 'bounded_vec', 'BoundedVec']);
      expect(lookup.getSiType(inner(item)).path.map(String)).toEqual(['frame_support', 'traits', 'tokens', 'misc', 'IdAmount']);
    }
    // RuntimeHoldReason: Certificates(pallet_certificates::pallet::HoldReason::CertificateLock) at the pallet's index.
    const holdId = lookup.getSiType(inner('holds')).def.asComposite.fields[0].type;
    const reason = lookup.getSiType(holdId);
    expect(reason.path.map(String)).toEqual(['dcn_runtime', 'RuntimeHoldReason']);
    const certificates = reason.def.asVariant.variants.find((v: Any) => v.name.toString() === 'Certificates')!;
    expect(certificates.index.toNumber()).toBe(api.registry.metadata.pallets.find((p) => p.name.toString() === 'Certificates')!.index.toNumber());
    const palletReason = lookup.getSiType(certificates.fields[0].type);
    expect(palletReason.path.map(String)).toEqual(['pallet_certificates', 'pallet', 'HoldReason']);
    expect(palletReason.def.asVariant.variants.map((v: Any) => v.name.toString())).toEqual(['CertificateLock']);
    expect(api.consts.balances.maxLocks.toNumber()).toBe(50);
    expect(api.consts.balances.maxFreezes.toNumber()).toBe(0);
  });

  it('a certificate is a hold: balances.holds, system.account reserved, derive transferable; transfer_all leaves the held part', async () => {
    const owner = await freshAccount();
    await ok(api.tx.balances.transferKeepAlive(owner.address, 1_000n * XFG), alice);
    const before = await itemsAt(await api.rpc.chain.getFinalizedHead(), owner.address);
    expect(before.holds.length).toBe(0);

    const locked = await ok(api.tx.certificates.lock(400n * XFG), owner);
    const certId = eventData(locked, 'certificates', 'Locked').id;
    const lockFee = feeOf(locked);
    const s = await itemsAt(locked.finalized, owner.address);
    expect(s.holds.length).toBe(1);
    expect(s.holds[0].id.isCertificates).toBe(true);
    expect(s.holds[0].id.asCertificates.isCertificateLock).toBe(true);
    expect(s.holds[0].amount.toBigInt()).toBe(400n * XFG);
    expect(s.holds.toJSON()).toEqual([{ id: { certificates: 'CertificateLock' }, amount: Number(400n * XFG) }]);
    expect(s.freezes.length).toBe(0);
    expect(s.locks.length).toBe(0);
    expect(s.reserves.length).toBe(0);
    expect(s.account.data.reserved.toBigInt()).toBe(400n * XFG);
    expect(s.account.data.free.toBigInt()).toBe(600n * XFG - lockFee);
    expect(s.account.data.frozen.toBigInt()).toBe(0n);
    expect(s.account.consumers.toNumber()).toBe(1);

    // What a wallet shows as spendable (pjs: free − max(ED, frozen − reserved) once anything is held or frozen).
    const all = (await api.derive.balances.all(owner.address)) as Any;
    expect(all.reservedBalance.toBigInt()).toBe(400n * XFG);
    expect(all.transferable.toBigInt()).toBe(600n * XFG - lockFee - ed);

    // transfer_all (keep_alive = false) takes the transferable part only: the held XFG and the ED stay.
    const bobFree = ((await api.query.system.account(bob.address)) as Any).data.free.toBigInt();
    const sent = await ok(api.tx.balances.transferAll(bob.address, false), owner);
    const transfer = eventData(sent, 'balances', 'Transfer');
    expect(transfer.amount.toBigInt()).toBe(600n * XFG - lockFee - feeOf(sent) - ed);
    const after = await itemsAt(sent.finalized, owner.address);
    expect(after.account.data.free.toBigInt()).toBe(ed);
    expect(after.account.data.reserved.toBigInt()).toBe(400n * XFG);
    expect(after.holds.toJSON()).toEqual([{ id: { certificates: 'CertificateLock' }, amount: Number(400n * XFG) }]);
    expect((await (await api.at(sent.finalized)).query.system.account(bob.address) as Any).data.free.toBigInt()).toBe(bobFree + transfer.amount.toBigInt());

    // Unlocked: the hold is released to free, the entry and the consumer reference are gone.
    await ok(api.tx.balances.transferKeepAlive(owner.address, XFG), alice);
    const unlocked = await ok(api.tx.certificates.unlock(certId), owner);
    const released = await itemsAt(unlocked.finalized, owner.address);
    expect(released.holds.length).toBe(0);
    expect(released.account.data.reserved.toBigInt()).toBe(0n);
    expect(released.account.consumers.toNumber()).toBe(0);
    expect(released.account.data.free.toBigInt()).toBe(ed + XFG + 400n * XFG - feeOf(unlocked));
  });

  it('polkadot-api decodes the same items from the metadata (getUnsafeApi, no descriptors)', async () => {
    const owner = await freshAccount();
    await ok(api.tx.balances.transferKeepAlive(owner.address, 100n * XFG), alice);
    await ok(api.tx.certificates.lock(25n * XFG), owner);
    const client = createClient(getWsProvider(node.wsUrl, { websocketClass: WebSocket as never }));
    try {
      const papi = client.getUnsafeApi();
      const [holds, freezes, locks, reserves, account]: Any[] = await withTimeout(
        Promise.all([
          papi.query.Balances.Holds.getValue(owner.address),
          papi.query.Balances.Freezes.getValue(owner.address),
          papi.query.Balances.Locks.getValue(owner.address),
          papi.query.Balances.Reserves.getValue(owner.address),
          papi.query.System.Account.getValue(owner.address),
        ]),
        20_000,
        'polkadot-api queries',
      );
      expect(holds).toEqual([{ id: { type: 'Certificates', value: { type: 'CertificateLock', value: undefined } }, amount: 25n * XFG }]);
      expect([freezes, locks, reserves]).toEqual([[], [], []]);
      expect(account.data.reserved).toBe(25n * XFG);
      expect(account.consumers).toBe(1);
    } finally {
      client.destroy();
    }
  });

  it('XFG pledged to a loan stays held; released when the loan is repaid and the certificate unlocked', async () => {
    const heldBefore = ((await api.query.system.account(dave.address)) as Any).data.reserved.toBigInt();
    const locked = await ok(api.tx.certificates.lock(3_000n * XFG), dave);
    const cert = eventData(locked, 'certificates', 'Locked').id;
    const applied = await ok(api.tx.loans.apply(0, 'General', 1_000n * U, 90, [cert], 'holds e2e'), dave);
    const app = eventData(applied, 'loans', 'Applied');
    const drawn = await ok(api.tx.loans.draw(app.applicationId), dave);
    const pledged = ((await api.query.certificates.certificates(cert)) as Any).unwrap();
    expect(pledged.pledgedTo.unwrap().toString()).toBe(app.applicationId.toString());
    const s = await itemsAt(drawn.finalized, dave.address);
    expect(s.account.data.reserved.toBigInt()).toBe(heldBefore + 3_000n * XFG);
    const hold = s.holds.find((h: Any) => h.id.isCertificates && h.id.asCertificates.isCertificateLock);
    expect(hold.amount.toBigInt()).toBe(heldBefore + 3_000n * XFG);
    // A pledged certificate cannot be unlocked: the XFG stays held.
    const refused = await sendAndWatch(api.tx.certificates.unlock(cert), dave);
    expect(refused.dispatchError && api.registry.findMetaError(refused.dispatchError.asModule).name).toBe('CertificatePledged');
    expect(((await api.query.system.account(dave.address)) as Any).data.reserved.toBigInt()).toBe(heldBefore + 3_000n * XFG);

    await ok(api.tx.loans.repayAll(app.applicationId), dave);
    const unlocked = await ok(api.tx.certificates.unlock(cert), dave);
    const after = await itemsAt(unlocked.finalized, dave.address);
    expect(after.account.data.reserved.toBigInt()).toBe(heldBefore);
    expect(after.holds.length).toBe(heldBefore === 0n ? 0 : 1);
  });
});
