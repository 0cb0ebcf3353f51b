/**
 * frame_system: remarks, the per-block bookkeeping (number, parent hash, digest, block hashes and their
 * pruning, events and their count, transient items), account creation and reaping events, storage keys as
 * wallets compute them; and the ValidatorSet genesis.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { toHexRaw } from '../../../src/primitives/bytes.js';
import { blake2_256 } from '../../../src/primitives/hashing.js';
import { encodeUnsignedExtrinsic } from '../../../src/primitives/extrinsic.js';
import { XFG } from '../../../src/chain/index.js';
import { DispatchFailure } from '../../../src/runtime/dispatch.js';
import { EMPTY_STATE } from '../../../src/runtime/runtime.js';
import { Overlay } from '../../../src/runtime/state.js';
import { BLOCK_HASH_COUNT, blockHash, initializeBlock, SystemStorage } from '../../../src/pallets/system/index.js';
import { MAX_VALIDATORS, validators, validatorSetPallet } from '../../../src/pallets/validator-set/index.js';
import { authorDigest, checkInvariantsAfterEach, eventNames, eventsOf, TestChain } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';

let k: DevKeys;
beforeAll(async () => {
  k = await devKeys();
});
checkInvariantsAfterEach();

describe('remarks', () => {
  it('remark changes nothing but the fee; remark_with_event emits Remarked with the blake2 hash', async () => {
    const c = await TestChain.create(k);
    const remark = new TextEncoder().encode('hello chain');
    const { results } = c.produce([c.sign(k.alice, c.call('System', 'remark', { remark })), c.sign(k.alice, c.call('System', 'remarkWithEvent', { remark }), { nonce: 1 })]);
    expect(results.every((r) => r.ok && r.applied.dispatch.ok)).toBe(true);
    expect(eventNames(eventsOf(c.events(), 1))).not.toContain('System.Remarked');
    const ev = eventsOf(c.events(), 2).find((e) => e.event.value.tag === 'Remarked')!;
    expect(ev.event).toEqual({ tag: 'System', value: { tag: 'Remarked', value: { sender: k.alice.publicKey, hash: blake2_256(remark) } } });
  });

  it('needs a signed origin', async () => {
    const c = await TestChain.create(k);
    expect(c.produce([encodeUnsignedExtrinsic(c.call('System', 'remark', { remark: new Uint8Array() }))]).results[0]).toMatchObject({ ok: false, error: { reason: 'NoUnsignedValidator' } });
    const block = c.begin();
    const remark = c.runtime.pallet('System')!.calls!.remarkWithEvent;
    expect(() => block.exec.transactional(() => remark.dispatch(block.exec, { kind: 'Root' }, { remark: new Uint8Array() }))).toThrow(DispatchFailure);
    c.commit(c.seal(block));
  });
});

describe('per-block bookkeeping', () => {
  it('number, parent hash, digest and the hash of every earlier block; transient items are cleared', async () => {
    const c = await TestChain.create(k);
    c.produceEmpty(3);
    c.produce([c.sign(k.alice, c.transferCall(k.bob.publicKey, XFG))]);
    expect(SystemStorage.Number.get(c.state)).toBe(4);
    expect(SystemStorage.ParentHash.get(c.state)).toEqual(c.hashes[3]);
    expect(SystemStorage.Digest.get(c.state)).toEqual(authorDigest(k.charlie.publicKey));
    for (let n = 0; n < 4; n++) expect(blockHash(c.state, n)).toEqual(c.hashes[n]);
    expect(blockHash(c.state, 4)).toBeUndefined();
    expect(SystemStorage.EventCount.get(c.state)).toBe(c.events().length);
    for (const item of [SystemStorage.ExtrinsicCount, SystemStorage.AllExtrinsicsLen, SystemStorage.BlockWeight]) expect(item.exists(c.state)).toBe(false);
    // The next block starts with a fresh event list.
    c.produce([]);
    expect(eventNames(c.events())).toEqual(['System.ExtrinsicSuccess']);
  });

  it('forgets the hash that leaves the BlockHashCount window, but never genesis', () => {
    const st = new Overlay(EMPTY_STATE);
    for (let n = 0; n <= 3; n++) SystemStorage.BlockHash.set(st, n, new Uint8Array(32).fill(n + 1));
    const header = (number: number) => ({ number, parentHash: new Uint8Array(32).fill(9), digest: { logs: [] } });
    initializeBlock(st, header(BLOCK_HASH_COUNT + 1)); // would forget block 0, but genesis stays
    expect(blockHash(st, 0)).toEqual(new Uint8Array(32).fill(1));
    initializeBlock(st, header(BLOCK_HASH_COUNT + 2)); // forgets block 1
    expect(blockHash(st, 1)).toBeUndefined();
    expect(blockHash(st, 2)).toEqual(new Uint8Array(32).fill(3));
    expect(blockHash(st, BLOCK_HASH_COUNT + 1)).toEqual(new Uint8Array(32).fill(9));
    initializeBlock(st, header(BLOCK_HASH_COUNT + 3));
    expect(blockHash(st, 2)).toBeUndefined();
    expect(blockHash(st, 3)).toEqual(new Uint8Array(32).fill(4));
  });

  it('account creation and reaping emit NewAccount / KilledAccount', async () => {
    const c = await TestChain.create(k);
    const block = c.begin();
    c.runtime.currency.depositOrBurn(block.exec, k.dave.publicKey, XFG);
    c.runtime.currency.withdraw(block.exec, k.dave.publicKey, XFG, false);
    const sealed = c.seal(block);
    c.commit(sealed);
    expect(eventNames(sealed.events).slice(1)).toEqual(['System.NewAccount', 'Balances.Endowed', 'Balances.Deposit', 'System.KilledAccount', 'Balances.Withdraw']);
    expect(SystemStorage.Account.contains(c.state, k.dave.publicKey)).toBe(false);
  });
});

describe('storage keys', () => {
  it('are the keys wallets compute (shared/reference §4)', () => {
    expect(toHexRaw(SystemStorage.Account.keyOf(k.alice.publicKey))).toBe(
      '26aa394eea5630e07c48ae0c9558cef7b99d880ec681799c0cf30e8886371da9de1e86a9a8c739864cf3cc5ec2bea59fd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d',
    );
    expect(toHexRaw(SystemStorage.Events.key)).toBe('26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7');
    expect(toHexRaw(SystemStorage.Number.key)).toBe('26aa394eea5630e07c48ae0c9558cef702a5c1b19ab7a04f536c519aca4983ac');
  });
});

describe('ValidatorSet', () => {
  it('stores the genesis validators and bounds their number', async () => {
    const c = await TestChain.create(k);
    expect(validators(c.state)).toEqual([{ account: k.charlie.publicKey, sessionKey: k.charlie.publicKey, peerId: new Uint8Array() }]);
    const st = new Overlay(EMPTY_STATE);
    const v = { account: k.alice.publicKey, sessionKey: k.alice.publicKey, peerId: new Uint8Array() };
    expect(() => validatorSetPallet.genesis!(st, { validators: Array.from({ length: MAX_VALIDATORS + 1 }, () => v) })).toThrow(/at most 100/);
    validatorSetPallet.genesis!(st, { validators: Array.from({ length: MAX_VALIDATORS }, () => v) });
    expect(validators(st)).toHaveLength(MAX_VALIDATORS);
  });
});
