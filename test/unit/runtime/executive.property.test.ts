/**
 * fast-check over random blocks of random transactions (transfers of every kind around the existential deposit,
 * transfer_all, remarks, tips, wrong nonces): after every block the balance invariants hold, every included
 * extrinsic paid exactly its queried fee plus tip, invalid ones changed nothing, and a replica that re-executes
 * the blocks reaches the same headers.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { HeaderCodec } from '../../../src/primitives/types.js';
import { XFG, TREASURY_ACCOUNT } from '../../../src/chain/index.js';
import { accountTotals, checkInvariantsAfterEach, TestChain } from '../../helpers/chain.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';

let k: DevKeys;
let signers: KeyringPair[];
beforeAll(async () => {
  k = await devKeys();
  signers = [k.alice, k.bob, k.dave, k.edward];
});
checkInvariantsAfterEach();

const ED = XFG / 100n;

type Tx =
  | { kind: 'transferAllowDeath' | 'transferKeepAlive'; from: number; to: number; amount: bigint; tip: bigint; nonceDelta: number }
  | { kind: 'transferAll'; from: number; to: number; keepAlive: boolean; tip: bigint; nonceDelta: number }
  | { kind: 'remark'; from: number; len: number; tip: bigint; nonceDelta: number };

const who = fc.integer({ min: 0, max: 3 });
// Amounts around the interesting edges: dust, the ED, and whole balances.
const amount = fc.oneof(fc.constantFrom(0n, 1n, ED - 1n, ED, ED + 1n, XFG, 2n * XFG - ED, 2n * XFG), fc.bigInt({ min: 0n, max: 3n * XFG }));
const tip = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: ED }));
// Mostly the right nonce; sometimes one behind (Stale) or ahead (Future).
const nonceDelta = fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.constant(1) });
const txArb: fc.Arbitrary<Tx> = fc.oneof(
  fc.record({ kind: fc.constantFrom('transferAllowDeath' as const, 'transferKeepAlive' as const), from: who, to: who, amount, tip, nonceDelta }),
  fc.record({ kind: fc.constant('transferAll' as const), from: who, to: who, keepAlive: fc.boolean(), tip, nonceDelta }),
  fc.record({ kind: fc.constant('remark' as const), from: who, len: fc.integer({ min: 0, max: 300 }), tip, nonceDelta }),
);

describe('random blocks', () => {
  it('keep the invariants, charge exactly the queried fee, and re-execute to the same headers', () => {
    fc.assert(
      fc.property(fc.array(fc.array(txArb, { maxLength: 6 }), { minLength: 1, maxLength: 4 }), (blocks) => {
        const accounts = { alice: k.alice.publicKey, bob: k.bob.publicKey, charlie: k.charlie.publicKey };
        const balances: Array<[Uint8Array, bigint]> = [
          [k.alice.publicKey, 3n * XFG],
          [k.bob.publicKey, 2n * XFG],
          [k.dave.publicKey, ED + 200_000_000n],
          [k.edward.publicKey, XFG],
          [TREASURY_ACCOUNT, ED],
        ];
        const c = new TestChain({ accounts, balances });
        for (const txs of blocks) {
          const block = c.begin();
          for (const tx of txs) {
            const signer = signers[tx.from];
            const nonce = c.nonce(signer.publicKey, block.exec.state) + tx.nonceDelta;
            if (nonce < 0) continue;
            const call =
              tx.kind === 'remark'
                ? c.call('System', 'remark', { remark: new Uint8Array(tx.len) })
                : tx.kind === 'transferAll'
                  ? c.call('Balances', 'transferAll', { dest: { tag: 'Id', value: signers[tx.to].publicKey }, keepAlive: tx.keepAlive })
                  : c.transferCall(signers[tx.to].publicKey, tx.amount, tx.kind);
            const xt = c.sign(signer, call, { nonce, tip: tx.tip });
            const before = block.exec.state.changes();
            const payerBefore = c.free(signer.publicKey, block.exec.state);
            const issuanceBefore = accountTotals(block.exec.state).issuance;
            const r = block.exec.applyExtrinsic(xt, { enforceLimits: true });
            if (!r.ok) {
              // Refused: nothing at all changed.
              expect(block.exec.state.changes()).toEqual(before);
              if (tx.nonceDelta < 0) expect(r.error.reason).toBe('Stale');
              else if (tx.nonceDelta > 0) expect(r.error.reason).toBe('Future');
              else expect(r.error.reason).toBe('Payment');
              continue;
            }
            expect(tx.nonceDelta).toBe(0);
            const fee = c.runtime.queryFee(xt).partialFee + tx.tip;
            expect(r.applied.fee).toBe(fee);
            // A failed call or a remark costs the fee and nothing else.
            if (!r.applied.dispatch.ok || tx.kind === 'remark') expect(c.free(signer.publicKey, block.exec.state)).toBe(payerBefore - fee);
            // Issuance only falls, and only by burnt dust and shares that could not be deposited.
            expect(accountTotals(block.exec.state).issuance).toBeLessThanOrEqual(issuanceBefore);
          }
          c.commit(c.seal(block));
          c.assertInvariants();
        }
        const replica = new TestChain({ accounts, balances });
        for (let n = 1; n <= c.head.header.number; n++) {
          const b = c.blocks[n];
          const sealed = replica.runtime.executeBlock(replica.trie, replica.trie, b.header, b.extrinsics, replica.checker);
          expect(HeaderCodec.encode(sealed.header)).toEqual(HeaderCodec.encode(b.header));
          replica.commit(sealed);
        }
        expect(replica.trie.root).toEqual(c.trie.root);
      }),
      { numRuns: 25 },
    );
  });
});
