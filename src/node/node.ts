/**
 * The one place that constructs and wires every layer: database, runtime, chain, signature verifier, transaction
 * pool, block author and JSON-RPC server.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { initCrypto, keyPairFromUri } from '../crypto/keys.js';
import { SignatureVerifier } from '../crypto/verifier-pool.js';
import { equalBytes, toHex } from '../primitives/bytes.js';
import { createChainRuntime } from '../runtime/chain-runtime.js';
import { STATE_VERSION, type Runtime } from '../runtime/runtime.js';
import type { StateVersion } from '../trie/index.js';
import { validators } from '../pallets/validator-set/index.js';
import { registerAllMethods, type RpcNode } from '../rpc/methods/index.js';
import { RpcServer } from '../rpc/server.js';
import { ChainDatabase } from '../storage/index.js';
import { DevAuthor } from './author.js';
import { Chain } from './chain.js';
import { genesisConfigOf, loadChainSpec, rawGenesisOf, type ChainSpec } from './chain-spec.js';
import { TransactionService } from './transactions.js';
import { Keystore } from './keystore.js';

/** Node version reported over RPC. */
export const NODE_VERSION = '0.1.0';

/** Configuration of `run`, validated by the CLI. */
export interface NodeConfig {
  /** `dev`, `local` or a chain spec path. */
  chain: string;
  basePath: string;
  name: string;
  rpcHost: string;
  /** 0 picks a free port. */
  rpcPort: number;
  rpcMethods: 'safe' | 'unsafe';
  /** Allowed browser origins; undefined keeps Substrate's default list (localhost and polkadot.js.org). */
  rpcCors?: string[] | 'all';
  rpcMaxConnections: number;
  /** Request/response sizes (bytes), batch length, subscriptions per connection, per-IP calls per second. */
  rpcLimits?: { maxRequestBytes?: number; maxResponseBytes?: number; maxBatchSize?: number; maxSubscriptionsPerConnection?: number; rateLimitPerIpPerSecond?: number };
  /** Author blocks (single-validator chains). */
  validator: boolean;
  /** Secret URI of the authoring key (dev: //Alice). */
  authorUri?: string;
  blockTimeMs: number;
}

/** Genesis state of a spec for a runtime. */
export function genesisChangesOf(spec: ChainSpec, runtime: Runtime, version: StateVersion = STATE_VERSION) {
  return 'raw' in spec.genesis ? rawGenesisOf(spec, version) : runtime.genesisChanges(genesisConfigOf(spec));
}

/** Directory of a chain's database under a base path. */
export function databasePath(basePath: string, spec: ChainSpec): string {
  return join(basePath, 'chains', spec.id, 'db');
}

/** Open the chain of `spec` under `basePath` (creating genesis when empty). */
export async function openChain(spec: ChainSpec, basePath: string, logger: Logger): Promise<Chain> {
  await initCrypto();
  const runtime = createChainRuntime();
  const dir = databasePath(basePath, spec);
  mkdirSync(dir, { recursive: true });
  const db = await ChainDatabase.open(dir, { logger: logger.child({ module: 'db' }) });
  try {
    return await Chain.open(db, runtime, spec.id, genesisChangesOf(spec, runtime), logger.child({ module: 'chain' }));
  } catch (e) {
    await db.close();
    throw e;
  }
}

/** A running node. */
export class Node {
  private constructor(
    readonly chain: Chain,
    readonly txs: TransactionService,
    readonly rpc: RpcServer,
    readonly rpcPort: number,
    private readonly verifier: SignatureVerifier,
    private readonly author: DevAuthor | undefined,
    private readonly logger: Logger,
  ) {}

  /** Start a node with `config`. */
  static async start(config: NodeConfig, logger: Logger): Promise<Node> {
    const spec = loadChainSpec(config.chain);
    const chain = await openChain(spec, config.basePath, logger);
    const verifier = new SignatureVerifier();
    const txs = new TransactionService(chain, verifier, logger);
    let author: DevAuthor | undefined;
    if (config.validator) {
      const set = validators(chain.headState());
      const key = keyPairFromUri(config.authorUri ?? '//Alice', 'sr25519');
      if (set.length !== 1) throw new Error(`--validator authors alone only on a single-validator chain; ${spec.id} has ${set.length} validators`);
      if (!equalBytes(set[0].account, key.publicKey)) throw new Error(`the authoring key ${toHex(key.publicKey)} is not the chain's validator ${toHex(set[0].account)}`);
      author = new DevAuthor(chain, txs, { author: key.publicKey, blockTimeMs: config.blockTimeMs }, logger.child({ module: 'author' }));
    }
    const rpcNode: RpcNode = {
      chain,
      txs,
      spec,
      name: config.name,
      version: NODE_VERSION,
      isValidator: config.validator,
      peerCount: () => 0,
      isSyncing: () => false,
      keystore: new Keystore(join(config.basePath, 'chains', spec.id, 'keystore')),
      localPeerId: () => '',
      listenAddresses: () => [],
      peers: () => [],
      highestBlock: () => chain.head.number,
    };
    const rpc = new RpcServer({
      host: config.rpcHost,
      port: config.rpcPort,
      logger: logger.child({ module: 'rpc' }),
      methods: config.rpcMethods,
      ...(config.rpcCors === undefined ? {} : { cors: config.rpcCors }),
      maxConnections: config.rpcMaxConnections,
      ...config.rpcLimits,
      health: async () => ({ ok: true, body: { peers: 0, isSyncing: false, shouldHavePeers: spec.chainType !== 'Development' } }),
      readiness: async () => ({ ok: true, body: { ready: true, best: chain.head.number } }),
    });
    registerAllMethods(rpc, rpcNode);
    const { port } = await rpc.listen();
    author?.start();
    logger.info({ chain: spec.id, best: chain.head.number, genesis: toHex(chain.genesisHash), rpc: `${config.rpcHost}:${port}` }, 'node started');
    return new Node(chain, txs, rpc, port, verifier, author, logger);
  }

  /** Stop authoring, close RPC, then close the database cleanly. */
  async stop(): Promise<void> {
    await this.author?.stop();
    await this.rpc.close();
    await this.verifier.close();
    await this.chain.db.close();
    this.logger.info('node stopped');
  }
}
