/**
 * An in-process node for the v1 JSON-RPC tests, made of the real parts: the dev chain spec's genesis in a LevelDB
 * database in a temporary directory, the signature-verifier worker pool, the transaction service and pool, the dev
 * block author (blocks are produced when a test calls `produce()`, never on a timer, so nothing depends on the
 * clock) and RpcServers on ephemeral ports with the v1 methods registered. Several servers can share the node, each
 * with its own limits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { KeyringPair } from '@polkadot/keyring/types';
import { compactToU8a, u8aConcat } from '@polkadot/util';
import { SignatureVerifier } from '../../../src/crypto/verifier-pool.js';
import { loadChainSpec, type ChainSpec } from '../../../src/node/chain-spec.js';
import type { Chain } from '../../../src/node/chain.js';
import { openChain } from '../../../src/node/node.js';
import { DevAuthor } from '../../../src/node/author.js';
import { TransactionService } from '../../../src/node/transactions.js';
import { RpcServer } from '../../../src/rpc/server.js';
import { registerV1Methods, type V1Options } from '../../../src/rpc/methods/v1/index.js';
import type { SealedBlock } from '../../../src/runtime/runtime.js';
import { accountNonce } from '../../../src/pallets/system/index.js';
import { RpcClient } from '../../helpers/rpc-client.js';
import { signExtrinsic } from '../../helpers/signer.js';
import { devKeys, type DevKeys } from '../../helpers/keys.js';

/** A v1 server on the shared node. */
export interface V1Server {
  server: RpcServer;
  url: string;
}

/** The node and its servers. */
export class V1Harness {
  private readonly servers: RpcServer[] = [];
  private readonly clients: RpcClient[] = [];

  private constructor(
    readonly chain: Chain,
    readonly txs: TransactionService,
    readonly spec: ChainSpec,
    readonly keys: DevKeys,
    private readonly author: DevAuthor,
    private readonly verifier: SignatureVerifier,
    private readonly dir: string,
  ) {}

  /** Open a fresh dev chain. */
  static async create(): Promise<V1Harness> {
    const dir = mkdtempSync(join(tmpdir(), 'dcn-rpc-v1-'));
    const logger = pino({ level: 'silent' });
    const spec = loadChainSpec('dev');
    const chain = await openChain(spec, dir, logger);
    const verifier = new SignatureVerifier();
    const txs = new TransactionService(chain, verifier, logger);
    const keys = await devKeys();
    const author = new DevAuthor(chain, txs, { author: keys.alice.publicKey, blockTimeMs: 1_000 }, logger);
    return new V1Harness(chain, txs, spec, keys, author, verifier, dir);
  }

  /** Start a server with the v1 methods and `options`. */
  async serve(options: V1Options = {}): Promise<V1Server> {
    const server = new RpcServer({ host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }), methods: 'unsafe', cors: 'all', pingIntervalMs: 0 });
    registerV1Methods(server, { chain: this.chain, txs: this.txs, spec: this.spec }, options);
    const { port } = await server.listen();
    this.servers.push(server);
    return { server, url: `ws://127.0.0.1:${port}` };
  }

  /** A client connected to `s` (closed by `close()`). */
  async connect(s: V1Server): Promise<RpcClient> {
    const c = await RpcClient.connect(s.url);
    this.clients.push(c);
    return c;
  }

  /** Author and commit one block from the pool. */
  async produce(): Promise<SealedBlock> {
    const b = await this.author.produce();
    if (b === undefined) throw new Error('block production failed');
    return b;
  }

  /**
   * `Balances.transfer_keep_alive(dest, value)` (pallet 2, call 3: MultiAddress::Id, Compact<u128>) signed by
   * `from` with @polkadot/keyring (sr25519), immortal, at the pool-aware next nonce unless given.
   */
  transfer(from: KeyringPair, dest: Uint8Array, value: bigint, nonce?: number): Uint8Array {
    const call = u8aConcat([2, 3, 0], dest, compactToU8a(value));
    const v = this.chain.runtime.version;
    return signExtrinsic(from, call, {
      nonce: nonce ?? this.txs.nextNonce(from.publicKey),
      specVersion: v.specVersion,
      transactionVersion: v.transactionVersion,
      genesisHash: this.chain.genesisHash,
      eraBlockHash: this.chain.genesisHash,
    });
  }

  /** The committed account nonce of `who` at the head. */
  nonce(who: Uint8Array): number {
    return accountNonce(this.chain.headState(), who);
  }

  /** Close clients, servers, the author, the verifier and the database; delete the directory. */
  async close(): Promise<void> {
    for (const c of this.clients) await c.close();
    for (const s of this.servers) await s.close();
    await this.author.stop();
    await this.verifier.close();
    await this.chain.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
