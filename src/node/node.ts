/**
 * The one place that constructs and wires every layer: database, runtime, chain, signature verifier, transaction
 * pool, JSON-RPC server, and either the development block author (`--dev`: one validator authors alone) or the
 * network (libp2p host, block sync, transaction gossip) with BFT consensus (validators sign; full nodes observe).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { initCrypto, keyPairFromUri, type KeyPair } from '../crypto/keys.js';
import { SignatureVerifier } from '../crypto/verifier-pool.js';
import { devNodeKey, loadOrCreateNodeKey, P2pHost, peerIdOfMultiaddr, type NodeKey } from '../p2p/index.js';
import { multiaddr } from '@multiformats/multiaddr';
import { equalBytes, toHex } from '../primitives/bytes.js';
import { blake2_256 } from '../primitives/hashing.js';
import type { SealedBlock } from '../runtime/runtime.js';
import { createChainHost, type ChainRuntime } from '../chain/host.js';
import type { Authority } from '../runtime/host.js';
import { STATE_VERSION } from '../runtime/runtime.js';
import type { StateVersion } from '../trie/index.js';
import { registerAllMethods, type RpcNode } from '../rpc/methods/index.js';
import { RpcServer } from '../rpc/server.js';
import type { HeavyCallLimits } from '../rpc/heavy-calls.js';
import { ChainDatabase } from '../storage/index.js';
import { DevAuthor } from './author.js';
import { DevFeeder } from './dev-feeder.js';
import type { OracleGenesis } from '../pallets/oracle/index.js';
import { Chain, type ChainHead } from './chain.js';
import { genesisConfigOf, loadChainSpec, rawGenesisOf, type ChainSpec } from './chain-spec.js';
import { ConsensusService } from './consensus-service.js';
import { Informant } from './informant.js';
import { allowedPeerIds, CONSENSUS_GOSSIP_OPTIONS, ConsensusGossip, TransactionGossip } from './network.js';
import { BlockSync } from './sync.js';
import { REVALIDATE_READY_PER_BLOCK, TransactionService } from './transactions.js';
import { DEFAULT_POOL_LIMITS, type PoolLimits } from '../txpool/types.js';
import { Keystore } from './keystore.js';
import { FileWal, walPath } from './wal.js';

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
  /**
   * Request/response sizes (bytes), batch length, subscriptions per connection, per-IP calls per second and
   * connections, request deadlines, the send-stall timeout (ms) and the heavy-call limits.
   */
  rpcLimits?: {
    maxRequestBytes?: number;
    maxResponseBytes?: number;
    maxBatchSize?: number;
    maxSubscriptionsPerConnection?: number;
    rateLimitPerIpPerSecond?: number;
    maxConnectionsPerIp?: number;
    limitLoopbackConnections?: boolean;
    requestTimeoutMs?: number;
    sendStallTimeoutMs?: number;
    heavyCalls?: Partial<HeavyCallLimits>;
  };
  /** Take part in consensus (sign with the keystore's `dcns` session key); with `dev`, author blocks alone. */
  validator: boolean;
  /** Secret URI of the authoring key (dev: //Alice). */
  authorUri?: string;
  /** Milliseconds between blocks: the dev author's period, or the least time between two heights' starts under consensus. */
  blockTimeMs: number;
  /** Most ready transactions in the pool (`--pool-limit`, 1 ..= 10^6; the future queue holds a tenth); default 8,192. */
  poolLimit?: number;
  /**
   * Development mode: `DevAuthor` authors every block alone (single-validator chains), no networking. Default: true
   * when `network` is absent.
   */
  dev?: boolean;
  /** Networking (every mode but `dev`). */
  network?: NetworkConfig;
  /** Consensus settings (every mode but `dev`). */
  consensus?: ConsensusConfig;
  /** Period of the informant's status line, ms (1,000 ..= 3,600,000); default 5,000. */
  informantMs?: number;
  /**
   * Development mode: keep the price fresh by feeding the dev feeder keys' prices again every couple of minutes of
   * chain time (`dev-feeder.ts`). Default true; `--no-dev-feeder` turns it off. Ignored off `dev`.
   */
  devFeeder?: boolean;
}

/** libp2p settings of a networked node. */
export interface NetworkConfig {
  /** Multiaddrs to listen on (`/ip4/0.0.0.0/tcp/30333`). */
  listenAddrs: string[];
  /** Multiaddrs with `/p2p/<peer id>` to dial and keep connected; default: the chain spec's `bootNodes`. */
  bootnodes?: string[];
  /** Multiaddrs with `/p2p/<peer id>` of reserved nodes: allowed to connect, dialled and kept connected. */
  reservedNodes: string[];
  /** The node key file; default `<base-path>/chains/<id>/network/secret_ed25519`, generated on first run. */
  nodeKeyFile?: string;
  /** Use the public dev node key of this name (`Alice`…, the `--alice` flags) unless `nodeKeyFile` is given. */
  devNodeKeyName?: string;
}

/** Consensus settings of a networked node. */
export interface ConsensusConfig {
  /** How far a proposed block's timestamp may be ahead of the local clock, in ms. */
  maxDriftMs: number;
  /** Base of the propose timeout, in ms (default 3,000). */
  proposeTimeoutMs?: number;
  /** A dev session key to put into the keystore first (`--alice` inserts //Alice's ed25519 key). */
  devSessionSuri?: string;
}

/** Where a chain's node key lives by default under a base path. */
export function nodeKeyPath(basePath: string, spec: ChainSpec): string {
  return join(basePath, 'chains', spec.id, 'network', 'secret_ed25519');
}

/** Where a chain's keystore lives under a base path. */
export function keystorePath(basePath: string, spec: ChainSpec): string {
  return join(basePath, 'chains', spec.id, 'keystore');
}

/** Genesis state of a spec for a runtime. */
export function genesisChangesOf(spec: ChainSpec, runtime: Pick<ChainRuntime, 'genesisChanges'>, version: StateVersion = STATE_VERSION) {
  return 'raw' in spec.genesis ? rawGenesisOf(spec, version) : runtime.genesisChanges(genesisConfigOf(spec));
}

/** The oracle values a spec feeds at genesis (none for a raw spec). */
function genesisOraclePrices(spec: ChainSpec): Array<[Uint8Array, bigint]> {
  if ('raw' in spec.genesis) return [];
  const oracle = (genesisConfigOf(spec) as { oracle?: OracleGenesis }).oracle;
  return oracle?.values ?? [];
}

/** Directory of a chain's database under a base path. */
export function databasePath(basePath: string, spec: ChainSpec): string {
  return join(basePath, 'chains', spec.id, 'db');
}

/** Open the chain of `spec` under `basePath` (creating genesis when empty). */
export async function openChain(spec: ChainSpec, basePath: string, logger: Logger): Promise<Chain> {
  await initCrypto();
  const runtime = createChainHost();
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

/** The networked side of a node: p2p host, block sync, gossip and consensus. */
interface Networking {
  host: P2pHost;
  sync: BlockSync;
  consensus: ConsensusService;
  txGossip: TransactionGossip;
  wal: FileWal | undefined;
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
    private readonly net: Networking | undefined,
    private readonly informant: Informant,
    private readonly logger: Logger,
  ) {}

  /** The libp2p host (networked nodes only). */
  get host(): P2pHost | undefined {
    return this.net?.host;
  }

  /** The consensus service (networked nodes only). */
  get consensus(): ConsensusService | undefined {
    return this.net?.consensus;
  }

  /** Start a node with `config`. */
  static async start(config: NodeConfig, logger: Logger): Promise<Node> {
    const spec = loadChainSpec(config.chain);
    const chain = await openChain(spec, config.basePath, logger);
    const verifier = new SignatureVerifier();
    const txs = new TransactionService(chain, verifier, logger, config.poolLimit === undefined ? undefined : poolLimits(config.poolLimit));
    const keystore = new Keystore(keystorePath(config.basePath, spec));
    const dev = config.dev ?? config.network === undefined;
    let author: DevAuthor | undefined;
    let net: Networking | undefined;
    try {
      if (dev && config.validator) {
        const set = chain.runtime.validators(chain.headState());
        const key = keyPairFromUri(config.authorUri ?? '//Alice', 'sr25519');
        if (set.length !== 1) throw new Error(`--validator authors alone only on a single-validator chain; ${spec.id} has ${set.length} validators`);
        if (!equalBytes(set[0].account, key.publicKey)) throw new Error(`the authoring key ${toHex(key.publicKey)} is not the chain's validator ${toHex(set[0].account)}`);
        const feeder = config.devFeeder === false ? undefined : new DevFeeder(chain, txs, logger.child({ module: 'dev-feeder' }), { genesisPrices: genesisOraclePrices(spec) });
        author = new DevAuthor(
          chain,
          txs,
          { author: key.publicKey, blockTimeMs: config.blockTimeMs, ...(feeder === undefined ? {} : { beforeBuild: (t: bigint) => feeder.beforeBlock(t) }) },
          logger.child({ module: 'author' }),
        );
        logger.info({ devFeeder: feeder !== undefined }, feeder === undefined ? 'dev feeder off (--no-dev-feeder): the price goes stale 10 minutes after it was last fed' : 'dev feeder on: the dev keys feed the price again every 2 minutes of chain time');
      } else if (!dev) {
        if (config.network === undefined) throw new Error('a networked node needs network settings');
        net = await startNetworking(config, config.network, spec, chain, txs, verifier, keystore, logger);
      }
    } catch (e) {
      await verifier.close();
      await chain.db.close();
      throw e;
    }
    const validatorPeers = new Set(allowedPeerIds(chain.runtime.validators(chain.headState()), [], []));
    const rpcNode: RpcNode & { consensus?: ConsensusService } = {
      chain,
      txs,
      spec,
      name: config.name,
      version: NODE_VERSION,
      isValidator: config.validator,
      peerCount: () => net?.host.connectedPeers().length ?? 0,
      isSyncing: () => net?.sync.isSyncing ?? false,
      keystore,
      localPeerId: () => net?.host.peerId ?? '',
      listenAddresses: () => net?.host.listenAddrs ?? [],
      peers: () => {
        if (net === undefined) return [];
        const statuses = new Map(net.sync.peers().map((p) => [p.peer, p]));
        return net.host.connectedPeers().map((peerId) => {
          const st = statuses.get(peerId);
          return { peerId, roles: validatorPeers.has(peerId) ? 'AUTHORITY' : 'FULL', bestHash: st?.bestHash ?? toHex(new Uint8Array(32)), bestNumber: st?.bestNumber ?? 0 };
        });
      },
      highestBlock: () => net?.sync.highestBlock() ?? chain.head.number,
      devClock: author,
      consensus: net?.consensus,
    };
    // Substrate's rules: unhealthy while syncing or (should have peers and) alone; ready when neither.
    const shouldHavePeers = net !== undefined && chain.runtime.validators(chain.headState()).length > 1;
    const healthBody = () => {
      const peers = rpcNode.peerCount();
      const isSyncing = rpcNode.isSyncing();
      return { ok: !isSyncing && !(shouldHavePeers && peers === 0), body: { peers, isSyncing, shouldHavePeers } };
    };
    const rpc = new RpcServer({
      host: config.rpcHost,
      port: config.rpcPort,
      logger: logger.child({ module: 'rpc' }),
      methods: config.rpcMethods,
      ...(config.rpcCors === undefined ? {} : { cors: config.rpcCors }),
      maxConnections: config.rpcMaxConnections,
      ...config.rpcLimits,
      health: async () => (net === undefined ? { ok: true, body: { peers: 0, isSyncing: false, shouldHavePeers: spec.chainType !== 'Development' } } : healthBody()),
      readiness: async () => {
        const h = net === undefined ? { ok: true } : healthBody();
        return { ok: h.ok, body: { ready: h.ok, best: chain.head.number } };
      },
    });
    registerAllMethods(rpc, rpcNode);
    let port: number;
    try {
      ({ port } = await rpc.listen());
    } catch (e) {
      await stopNetworking(net);
      await verifier.close();
      await chain.db.close();
      throw e;
    }
    author?.start();
    if (net !== undefined) {
      net.sync.start();
      net.consensus.start();
    }
    const informant = new Informant(
      {
        best: () => chain.head.number,
        peers: () => rpcNode.peerCount(),
        syncing: () => rpcNode.isSyncing(),
        pool: () => {
          const { ready, future } = txs.pool.size();
          return { ready, future };
        },
      },
      logger.child({ module: 'informant' }),
      config.informantMs,
    );
    informant.start();
    logger.info(
      { chain: spec.id, best: chain.head.number, genesis: toHex(chain.genesisHash), rpc: `${config.rpcHost}:${port}`, peerId: net?.host.peerId, validator: net?.consensus.isValidator },
      'node started',
    );
    return new Node(chain, txs, rpc, port, verifier, author, net, informant, logger);
  }

  /** Stop authoring and consensus, close RPC and the network, then close the database cleanly. */
  async stop(): Promise<void> {
    this.informant.stop();
    await this.author?.stop();
    await stopNetworking(this.net);
    await this.rpc.close();
    await this.verifier.close();
    await this.chain.db.close();
    this.logger.info('node stopped');
  }
}

/** Consensus timeouts under the default propose timeout (CometBFT's). */
const DEFAULT_PROPOSE_TIMEOUT_MS = 3000;

/** Build and start the p2p host, block sync, gossip and the consensus service (not yet running: see `Node.start`). */
async function startNetworking(
  config: NodeConfig,
  netConfig: NetworkConfig,
  spec: ChainSpec,
  chain: Chain,
  txs: TransactionService,
  verifier: SignatureVerifier,
  keystore: Keystore,
  logger: Logger,
): Promise<Networking> {
  const nodeKey = await resolveNodeKey(config, netConfig, spec, logger);
  const state = chain.headState();
  const specPeers = 'runtimeGenesis' in spec.genesis ? spec.genesis.runtimeGenesis.config.validatorSet.validators.map((v) => v.peerId) : [];
  const reservedPeers = netConfig.reservedNodes.map((a) => {
    const id = peerIdOfMultiaddr(multiaddr(a));
    if (id === undefined) throw new Error(`reserved node ${a} lacks /p2p/<peer id>`);
    return id;
  });
  const allowed = allowedPeerIds(chain.runtime.validators(state), specPeers, reservedPeers);
  if (!allowed.includes(nodeKey.peerId)) {
    logger.warn({ peerId: nodeKey.peerId }, 'this node\'s peer id is not in the chain spec: validators will refuse it unless they list it in --reserved-nodes');
  }
  const host = await P2pHost.create({
    privateKey: nodeKey.privateKey,
    listenAddrs: netConfig.listenAddrs,
    bootnodes: netConfig.bootnodes ?? spec.bootNodes,
    reservedNodes: netConfig.reservedNodes,
    allowedPeerIds: allowed,
    logger: logger.child({ module: 'p2p' }),
    protocolPrefix: `/dcn/${spec.id}`,
    gossip: CONSENSUS_GOSSIP_OPTIONS,
  });

  const sessionKey = config.validator ? sessionKeyOf(keystore, chain, config.consensus?.devSessionSuri, logger) : undefined;
  const wal = sessionKey === undefined ? undefined : await FileWal.open(walPath(config.basePath, spec.id), {
    onEvent: (e) => logger.info(e, e.kind === 'torn-tail' ? 'consensus WAL: dropped a torn last record' : 'consensus WAL: rotated'),
  });
  const gossip = new ConsensusGossip(host);
  // Late-bound: sync and consensus refer to each other (catch-up one way, the import queue the other).
  const ref: { consensus?: ConsensusService; sync?: BlockSync } = {};
  const sync = new BlockSync({
    host,
    chain,
    verifier,
    logger: logger.child({ module: 'sync' }),
    exclusive: (fn) => ref.consensus!.exclusive(fn),
  });
  ref.sync = sync;
  sync.register();
  let consensus: ConsensusService;
  try {
    consensus = await ConsensusService.create({
      chain,
      txs,
      verifier,
      sessionKey,
      wal,
      broadcast: (m) => gossip.broadcast(m),
      catchUp: () => ref.sync?.trigger(),
      logger: logger.child({ module: 'consensus' }),
      timeouts: { proposeMs: config.consensus?.proposeTimeoutMs ?? DEFAULT_PROPOSE_TIMEOUT_MS },
      blockTimeMs: config.blockTimeMs,
      maxDriftMs: config.consensus?.maxDriftMs ?? 10_000,
    });
  } catch (e) {
    await wal?.close();
    throw e;
  }
  ref.consensus = consensus;
  gossip.listen((signed) => consensus.receive(signed));
  const txGossip = new TransactionGossip(host, txs, logger.child({ module: 'txgossip' }));
  txGossip.start();
  // Blocks committed by consensus or imported by sync are final: the pool hears of both here.
  // A validator-set change (governance) moves the allowlist with it: new validators may connect, removed ones are
  // disconnected (the reserved nodes stay).
  let setKey = validatorSetKey(chain.runtime.validators(state));
  chain.on('block', (head: ChainHead, sealed: SealedBlock) => {
    const included = sealed.extrinsics.map((x, index) => ({ hash: blake2_256(x), index }));
    txs.pool.onBlockImported({ blockHash: head.hash, blockNumber: head.number, included }, REVALIDATE_READY_PER_BLOCK);
    txs.pool.onBlockFinalized(head.hash, included);
    const key = validatorSetKey(chain.runtime.validators(chain.headState()));
    if (key !== setKey) {
      setKey = key;
      const next = allowedPeerIds(chain.runtime.validators(chain.headState()), [], reservedPeers);
      logger.info({ number: head.number, allowed: next.length }, 'the validator set changed: updating the peer allowlist');
      void host.setAllowedPeers(next).catch((e: unknown) => logger.error({ err: e }, 'could not update the peer allowlist'));
    }
  });
  try {
    await host.start();
  } catch (e) {
    await consensus.stop();
    await wal?.close();
    throw e;
  }
  return { host, sync, consensus, txGossip, wal };
}

/** Pool limits for `--pool-limit n`: n ready transactions, a tenth as many future ones (Substrate's split), default bytes. */
function poolLimits(n: number): PoolLimits {
  return { ...DEFAULT_POOL_LIMITS, readyCount: n, futureCount: Math.max(1, Math.floor(n / 10)) };
}

/** A validator set as a comparable string (each validator's account, session key and peer id, in order). */
function validatorSetKey(set: readonly Authority[]): string {
  return set.map((v) => `${toHex(v.account)}/${toHex(v.sessionKey)}/${toHex(v.peerId)}`).join(',');
}

/** Stop consensus and sync (letting a commit or import under way finish), gossip, the host and the WAL. */
async function stopNetworking(net: Networking | undefined): Promise<void> {
  if (net === undefined) return;
  const syncStopped = net.sync.stop();
  await net.consensus.stop();
  await syncStopped;
  net.txGossip.stop();
  await net.host.stop();
  await net.wal?.close();
}

/** The node key: the file's (created on first run), or a dev key for the `--alice` style flags. */
async function resolveNodeKey(config: NodeConfig, net: NetworkConfig, spec: ChainSpec, logger: Logger): Promise<NodeKey> {
  if (net.nodeKeyFile === undefined && net.devNodeKeyName !== undefined) {
    if (spec.chainType === 'Live') logger.warn('using a public dev node key on a Live chain');
    return devNodeKey(net.devNodeKeyName);
  }
  const file = net.nodeKeyFile ?? nodeKeyPath(config.basePath, spec);
  const key = await loadOrCreateNodeKey(file);
  if (key.created) logger.info({ file, peerId: key.peerId }, 'generated a node key');
  if (key.insecureMode) logger.warn({ file }, 'the node key file is readable by other users (chmod 600 it)');
  return key;
}

/**
 * The validator's ed25519 session key from the keystore (`dcns`): the one in the current validator set, else the
 * first stored (the engine observes until a set contains it). `devSuri` is inserted first (dev flags).
 */
function sessionKeyOf(keystore: Keystore, chain: Chain, devSuri: string | undefined, logger: Logger): KeyPair {
  if (devSuri !== undefined) {
    const pair = keyPairFromUri(devSuri, 'ed25519');
    if (!keystore.has('dcns', pair.publicKey)) keystore.insert('dcns', devSuri, pair.publicKey);
  }
  const pairs = keystore.pairs('dcns');
  if (pairs.length === 0) throw new Error(`--validator needs an ed25519 session key in the keystore ${keystore.dir}: run \`key insert --key-type dcns --suri <secret> --base-path <dir> --chain <spec>\``);
  const set = chain.runtime.validators(chain.headState());
  const inSet = pairs.find((p) => set.some((v) => equalBytes(v.sessionKey, p.publicKey)));
  if (inSet === undefined) logger.warn({ keys: pairs.map((p) => toHex(p.publicKey)) }, 'no session key of the keystore is in the validator set: following the chain without signing');
  return inSet ?? pairs[0];
}
