/**
 * A chain of signed balance transfers, authored block by block through the node's own path (transaction intake
 * with worker-thread signature checks, the pool, `buildBlock`, `Chain.commit`) without waiting on a block timer.
 * Used by the replay tests, the benchmarks and `scripts/make-transfer-chain.ts` to make realistic chains.
 */
import { sr25519_derive_seed_hard, sr25519_pubkey, sr25519_secret_from_seed, sr25519_sign } from '@polkadot-labs/schnorrkel-wasm';
import { keyExtractPath } from '@polkadot/util-crypto';
import { DEV_PHRASE, inspectKey, type KeyPair } from '../crypto/keys.js';
import { fromHex, toHex } from '../primitives/bytes.js';
import { blake2_256 } from '../primitives/hashing.js';
import { encodeExtra, encodeSignedExtrinsic, signingPayload } from '../primitives/extrinsic.js';
import { eraBirth, mortalEra, type Era } from '../primitives/types.js';
import type { SealedBlock } from '../runtime/runtime.js';
import type { NodeRuntime } from '../runtime/host.js';
import { buildBlock } from './author.js';
import type { Chain } from './chain.js';
import type { TransactionService } from './transactions.js';

/** What signs a transfer: a {@link KeyPair}, or the faster {@link sr25519SignerFromSeed}. */
export type TransferSigner = Pick<KeyPair, 'scheme' | 'publicKey' | 'sign'>;

/**
 * An sr25519 signer over schnorrkel-wasm for a 32-byte mini secret (the `secretSeed` of `inspectKey`): same keys
 * and valid signatures as the keyring's, about 2.5 times faster, for generating large chains.
 */
export function sr25519SignerFromSeed(seed: Uint8Array): TransferSigner {
  const secret = sr25519_secret_from_seed(seed);
  const publicKey = sr25519_pubkey(secret);
  return { scheme: 'sr25519', publicKey, sign: (message) => sr25519_sign(publicKey, secret, message) };
}

let devRoot: Uint8Array | undefined;

/**
 * The fast sr25519 signer of the development account `//<junction>` (`Alice`, `Bob`, `0`, `1`, …): the same key as
 * `keyPairFromUri('//<junction>')`, derived from the development phrase without its key-stretching each time.
 */
export function devSigner(junction: string): TransferSigner {
  devRoot ??= fromHex(inspectKey(DEV_PHRASE, 'sr25519').secretSeed!);
  const chainCode = keyExtractPath(`//${junction}`).path[0].chainCode;
  return sr25519SignerFromSeed(sr25519_derive_seed_hard(devRoot, chainCode));
}

/** One transfer to sign. */
export interface TransferToSign {
  /** Signer and sender. */
  from: TransferSigner;
  /** Recipient account id (32 bytes). */
  dest: Uint8Array;
  /** Amount in base units. */
  amount: bigint;
  /** The sender's nonce for this transaction (u32). */
  nonce: number;
  /** Mortality. */
  era: Era;
  /** Hash of the era's birth block (the genesis hash for an immortal era). */
  eraBlockHash: Uint8Array;
  /** The chain's genesis hash. */
  genesisHash: Uint8Array;
  /** `transfer_keep_alive` (default) or `transfer_allow_death`. */
  keepAlive?: boolean;
  /** Tip in base units (default 0). */
  tip?: bigint;
}

/** Encode and sign a `Balances.transfer_*` extrinsic as a wallet would. */
export function signTransfer(runtime: Pick<NodeRuntime, 'encodeCall' | 'version'>, t: TransferToSign): Uint8Array {
  const call = runtime.encodeCall('Balances', t.keepAlive === false ? 'transferAllowDeath' : 'transferKeepAlive', { dest: { tag: 'Id', value: t.dest }, value: t.amount });
  const extra = { era: t.era, nonce: t.nonce, tip: t.tip ?? 0n };
  const payload = signingPayload(call, encodeExtra(extra), {
    specVersion: runtime.version.specVersion,
    transactionVersion: runtime.version.transactionVersion,
    genesisHash: t.genesisHash,
    eraBlockHash: t.eraBlockHash,
  });
  const signature = t.from.scheme === 'sr25519' ? { tag: 'Sr25519' as const, value: t.from.sign(payload) } : { tag: 'Ed25519' as const, value: t.from.sign(payload) };
  return encodeSignedExtrinsic({ address: { tag: 'Id', value: t.from.publicKey }, signature, extra }, call);
}

/** Options of {@link buildTransferChain}. */
export interface TransferChainOptions {
  /** Block author (the chain's validator; dev: //Alice). */
  author: Uint8Array;
  /** Funded accounts that send transfers. */
  senders: TransferSigner[];
  /** Accounts first funded by `funder` (in the first block or blocks; then they send too), `amount` each. */
  fund?: { funder: TransferSigner; accounts: TransferSigner[]; amount: bigint };
  /** Extra recipients that never send (new accounts get created); default none. */
  recipients?: Uint8Array[];
  /** Signed transfers in all, funding included (1 ≤ n ≤ 10^7). */
  transfers: number;
  /** Signed transfers per block at most (1 ≤ n ≤ 5,000: the block weight limit fits about 5,000); a block has fewer
   * when its senders reach 200 transactions each (the pool queues at most 256 future nonces per sender). */
  perBlock: number;
  /** PRNG seed: the same seed gives the same chain. */
  seed?: number;
  /** Transfer amounts are drawn in [min, max] base units (default 0.01 to 10 XFG). */
  amount?: { min: bigint; max: bigint };
  /** Timestamp of block 1 (ms) and the step per block (ms): the chain never reads the clock. */
  startTimeMs?: bigint;
  blockTimeMs?: bigint;
  /** Called after each committed block. */
  onBlock?: (block: SealedBlock, transfersSoFar: number) => void;
}

/** Transactions of one sender per block (the pool accepts 256 future nonces; 1 ≤ n ≤ 256). */
const MAX_PER_SENDER_PER_BLOCK = 200;

/** Deterministic PRNG (mulberry32): integers in [0, 2^32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * Author blocks of signed transfers on top of `chain`'s head, through `txs` (its pool and verifier), committing
 * each block. Every second transfer is mortal (period 64, born at the head), the rest immortal. Resolves with the
 * number of blocks and transfers committed; throws when a block leaves a submitted transfer out.
 */
export async function buildTransferChain(chain: Chain, txs: TransactionService, opts: TransferChainOptions): Promise<{ blocks: number; transfers: number }> {
  const runtime = chain.runtime;
  const next = prng(opts.seed ?? 1);
  const amountMin = opts.amount?.min ?? 10_000_000_000n;
  const amountMax = opts.amount?.max ?? 10_000_000_000_000n;
  const startTime = opts.startTimeMs ?? 1_700_000_000_000n;
  const step = opts.blockTimeMs ?? 1000n;
  const nonces = new Map<string, number>();
  const nonceOf = (k: TransferSigner): number => {
    const id = toHex(k.publicKey);
    const n = nonces.get(id) ?? chain.runtime.accountNonce(chain.headState(), k.publicKey);
    nonces.set(id, n + 1);
    return n;
  };
  const draw = (): bigint => amountMin + ((BigInt(next()) << 32n) | BigInt(next())) % (amountMax - amountMin + 1n);

  let done = 0; // transfers committed, ≤ opts.transfers
  let blocks = 0; // blocks committed, < 2^32
  let senders = opts.senders;
  let funding = opts.fund?.accounts.slice() ?? [];
  while (done < opts.transfers) {
    const head = chain.head;
    const target = Math.min(opts.perBlock, opts.transfers - done);
    const batch: Uint8Array[] = [];
    const mortal = mortalEra(64, head.number);
    const birthHash = chain.hashAt(eraBirth(mortal, head.number + 1))!;
    const immortal: Era = { tag: 'Immortal' };
    // The pool holds at most 256 future nonces per sender: keep each sender below that within one block.
    const perSender = new Map<TransferSigner, number>();
    const room = (k: TransferSigner): boolean => (perSender.get(k) ?? 0) < MAX_PER_SENDER_PER_BLOCK;
    const take = (k: TransferSigner): number => {
      perSender.set(k, (perSender.get(k) ?? 0) + 1);
      return nonceOf(k);
    };
    for (let tries = 0; batch.length < target && tries < target * 4; tries++) {
      const isMortal = (done + batch.length) % 2 === 1;
      const common = { era: isMortal ? mortal : immortal, eraBlockHash: isMortal ? birthHash : chain.genesisHash, genesisHash: chain.genesisHash };
      if (funding.length > 0 && room(opts.fund!.funder)) {
        const to = funding.shift()!;
        batch.push(signTransfer(runtime, { ...common, from: opts.fund!.funder, dest: to.publicKey, amount: opts.fund!.amount, nonce: take(opts.fund!.funder) }));
        continue;
      }
      const from = senders[next() % senders.length];
      if (!room(from)) continue;
      const pool = opts.recipients && opts.recipients.length > 0 && next() % 4 === 0 ? opts.recipients : senders.map((s) => s.publicKey);
      let dest = pool[next() % pool.length];
      if (dest === from.publicKey) dest = senders[(senders.indexOf(from) + 1) % senders.length].publicKey;
      batch.push(signTransfer(runtime, { ...common, from, dest, amount: draw(), nonce: take(from) }));
    }
    const count = batch.length;
    await Promise.all(batch.map((bytes) => txs.submit(bytes, 'local')));
    const sealed = buildBlock(chain, txs, { author: opts.author, round: 0, nowMs: startTime + BigInt(head.number) * step, maxExtrinsics: count });
    // The first extrinsic is the timestamp inherent.
    if (sealed.extrinsics.length - 1 !== count) {
      throw new Error(`block #${sealed.header.number} took ${sealed.extrinsics.length - 1} of ${count} transfers; pool: ${txs.pendingHex().length} pending`);
    }
    await chain.commit(sealed);
    const included = sealed.extrinsics.map((x, index) => ({ hash: blake2_256(x), index }));
    txs.pool.onBlockImported({ blockHash: sealed.hash, blockNumber: sealed.header.number, included }, false);
    txs.pool.onBlockFinalized(sealed.hash, included);
    done += count;
    blocks++;
    // Funded accounts join the senders once their funding block is committed.
    if (opts.fund && funding.length === 0 && senders === opts.senders) senders = [...opts.senders, ...opts.fund.accounts];
    opts.onBlock?.(sealed, done);
  }
  funding = [];
  return { blocks, transfers: done };
}
