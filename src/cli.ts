#!/usr/bin/env node
/**
 * `dcn-node`: the node's command line. Every flag and file is validated; a bad one gets a message naming it and
 * exit code 2.
 */
import { rmSync, existsSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { initCrypto, formatInspectedKey, inspectKey, generateMnemonic, type KeyScheme } from './crypto/keys.js';
import { toHex } from './primitives/bytes.js';
import { HeaderCodec } from './primitives/types.js';
import { createChainHost } from './chain/host.js';
import { ChainSpecError, loadChainSpec, ss58PrefixOf } from './node/chain-spec.js';
import { genesisHeader } from './node/chain.js';
import { createLogger, LOG_LEVELS, type LogLevel } from './node/logger.js';
import { databasePath, genesisChangesOf, keystorePath, Node, NODE_VERSION } from './node/node.js';
import { registerChainTools } from './cli/chain-tools.js';
import { registerFeeder } from './cli/feeder.js';
import { KEY_TYPES, Keystore, KeystoreError } from './node/keystore.js';
import { generateNodeKey, loadNodeKey, NodeKeyError } from './p2p/index.js';
import { keyPairFromUri } from './crypto/keys.js';
import { multiaddr } from '@multiformats/multiaddr';

/** The dev identities of the `--alice` style flags (session key //Name, public dev node key, `--name Name`). */
const DEV_IDENTITIES = ['alice', 'bob', 'charlie', 'dave'] as const;

/** A multiaddr flag value, checked. */
function multiaddrFlag(name: string) {
  return (v: string, previous: string[] | undefined): string[] => {
    try {
      multiaddr(v);
    } catch (e) {
      throw new InvalidArgumentError(`${name}: invalid multiaddr "${v}": ${(e as Error).message}`);
    }
    return [...(previous ?? []), v];
  };
}

function intFlag(name: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`);
    const n = Number(v);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

/** Print an error naming what was wrong and exit non-zero. */
export function die(message: string, code = 2): never {
  console.error(`Error: ${message}`);
  process.exit(code);
}

const program = new Command();
program.name('dcn-node').description('Permissioned Substrate-style node for decentralized community credit').version(NODE_VERSION);
program.showHelpAfterError();
// Usage errors (bad flag, missing argument) exit with 2, like other CLIs; help and version with 0.
program.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

program
  .command('run', { isDefault: true })
  .description('Run a node')
  .option('--dev', 'development chain: //Alice authors a block every --block-time ms, base path ./.data/dev', false)
  .option('--chain <spec>', 'chain: dev, local, or a chain spec file')
  .option('--base-path <dir>', 'where the chain database lives')
  .option('--rpc-port <port>', 'JSON-RPC port (WebSocket and HTTP)', intFlag('--rpc-port', 0, 65535), 9944)
  .option('--rpc-external', 'listen for RPC on all interfaces (unsafe methods then need --rpc-methods unsafe)', false)
  .addOption(new Option('--rpc-methods <kind>', 'RPC methods to expose').choices(['auto', 'safe', 'unsafe']).default('auto'))
  .option('--rpc-cors <origins>', 'browser origins allowed: all, or a comma-separated list (default: all for --dev, else localhost and polkadot.js.org)')
  .option('--rpc-max-connections <n>', 'maximum RPC connections', intFlag('--rpc-max-connections', 1, 100_000), 100)
  .option('--unsafe-rpc-external', 'listen on all interfaces AND allow unsafe methods there (only behind a trusted proxy)', false)
  .option('--rpc-max-request-size <MiB>', 'largest RPC request', intFlag('--rpc-max-request-size', 1, 1024), 15)
  .option('--rpc-max-response-size <MiB>', 'largest RPC response', intFlag('--rpc-max-response-size', 1, 1024), 15)
  .option('--rpc-max-batch-request-len <n>', 'most calls in one batch', intFlag('--rpc-max-batch-request-len', 1, 100_000), 1000)
  .option('--rpc-max-subscriptions-per-connection <n>', 'most subscriptions per connection', intFlag('--rpc-max-subscriptions-per-connection', 1, 1_000_000), 1024)
  .option('--rpc-rate-limit <n>', 'calls per second allowed per client IP (default unlimited)', intFlag('--rpc-rate-limit', 1, 1_000_000))
  .option('--rpc-max-connections-per-ip <n>', 'open RPC connections allowed from one client IP (loopback clients exempt)', intFlag('--rpc-max-connections-per-ip', 1, 100_000), 20)
  .option('--rpc-limit-loopback-connections', 'apply --rpc-max-connections-per-ip to loopback clients too', false)
  .option('--rpc-request-timeout <ms>', 'time a client has to send a whole HTTP request (headers within min(10 s, this)); then 408', intFlag('--rpc-request-timeout', 100, 3_600_000), 30_000)
  .option('--rpc-stall-timeout <ms>', 'drop a WebSocket whose client has read none of its pending replies for this long', intFlag('--rpc-stall-timeout', 100, 3_600_000), 30_000)
  .option('--rpc-max-heavy-calls <n>', 'heavy RPC calls (metadata, blocks, storage scans, runtime calls) running at once; the rest wait', intFlag('--rpc-max-heavy-calls', 1, 65_536), 4)
  .option('--rpc-max-heavy-queue <n>', 'heavy RPC calls waiting per connection; beyond, -32009 Server is busy', intFlag('--rpc-max-heavy-queue', 0, 1_048_576), 1024)
  .option('--validator', 'take part in consensus with the keystore\'s ed25519 session key (key type dcns); with --dev, author blocks alone', false)
  .option('--alice', 'shortcut: --validator --name Alice, //Alice\'s session key put into the keystore, the public dev node key of Alice (test chains only)', false)
  .option('--bob', 'like --alice, for Bob', false)
  .option('--charlie', 'like --alice, for Charlie', false)
  .option('--dave', 'like --alice, for Dave', false)
  .option('--name <name>', 'node name', 'dcn-node')
  .option('--block-time <ms>', 'milliseconds between blocks (dev author), or least time between two heights under consensus', intFlag('--block-time', 10, 3_600_000), 1000)
  .option('--listen-addr <multiaddr>', 'p2p address to listen on, repeatable (default /ip4/0.0.0.0/tcp/30333)', multiaddrFlag('--listen-addr'))
  .option('--bootnodes <multiaddr>', 'peer to connect to, /ip4/…/tcp/…/p2p/<peer id>, repeatable (default: the chain spec\'s bootNodes)', multiaddrFlag('--bootnodes'))
  .option('--reserved-nodes <multiaddr>', 'peer allowed to connect beside the validators (a full node), dialled and kept connected, repeatable', multiaddrFlag('--reserved-nodes'))
  .option('--node-key-file <file>', 'the libp2p node key (ed25519 secret, hex); default <base-path>/chains/<id>/network/secret_ed25519, generated on first run')
  .option('--max-drift <ms>', 'how far ahead of the local clock a proposed block\'s timestamp may be', intFlag('--max-drift', 0, 3_600_000), 10_000)
  .option('--pool-limit <n>', 'most ready transactions in the pool (the future queue holds a tenth as many); beyond, a newcomer no better than the worst is refused (1014)', intFlag('--pool-limit', 1, 1_000_000), 8192)
  .option('--timeout-propose <ms>', 'consensus: how long to wait for a proposal in round 0 (grows by 500 ms per round)', intFlag('--timeout-propose', 50, 600_000), 3000)
  .option('--no-dev-feeder', 'with --dev: do not keep the price fresh with the dev feeder keys (it then goes stale 10 minutes after the last feed)')
  .addOption(new Option('--log <level>', 'log level').choices([...LOG_LEVELS]).default('info'))
  .action(async (opts, command: Command) => {
    const chain: string = opts.chain ?? (opts.dev ? 'dev' : undefined) ?? die('--chain is required unless --dev is given');
    const basePath: string = opts.basePath ?? (opts.dev ? './.data/dev' : die('--base-path is required unless --dev is given'));
    const identities = DEV_IDENTITIES.filter((n) => opts[n] === true);
    if (identities.length > 1) die(`--${identities.join(' and --')} cannot be combined`);
    const identity = identities[0] === undefined ? undefined : identities[0][0].toUpperCase() + identities[0].slice(1);
    if (identity !== undefined && opts.dev) die(`--${identities[0]} runs a validator of a networked chain (--chain local); it cannot be combined with --dev`);
    const name: string = identity !== undefined && command.getOptionValueSource('name') === 'default' ? identity : opts.name;
    const forced: boolean = opts.unsafeRpcExternal;
    const external: boolean = opts.rpcExternal || forced;
    const rpcMethods: 'safe' | 'unsafe' = opts.rpcMethods === 'auto' ? (external && !forced ? 'safe' : 'unsafe') : opts.rpcMethods;
    if (external && rpcMethods === 'unsafe' && !forced) {
      die('--rpc-methods unsafe on an external interface (--rpc-external) exposes key management to the network; use --unsafe-rpc-external to force it');
    }
    const corsFlag: string | undefined = opts.rpcCors ?? (opts.dev ? 'all' : undefined);
    const cors: string[] | 'all' | undefined = corsFlag === undefined ? undefined : corsFlag === 'all' ? 'all' : corsFlag.split(',').map((s: string) => s.trim()).filter(Boolean);
    const logger = createLogger(opts.log as LogLevel);
    let node: Node;
    try {
      node = await Node.start(
        {
          chain,
          basePath,
          name,
          rpcHost: external ? '0.0.0.0' : '127.0.0.1',
          rpcPort: opts.rpcPort,
          rpcMethods,
          rpcCors: cors,
          rpcMaxConnections: opts.rpcMaxConnections,
          rpcLimits: {
            maxRequestBytes: opts.rpcMaxRequestSize * 1024 * 1024,
            maxResponseBytes: opts.rpcMaxResponseSize * 1024 * 1024,
            maxBatchSize: opts.rpcMaxBatchRequestLen,
            maxSubscriptionsPerConnection: opts.rpcMaxSubscriptionsPerConnection,
            rateLimitPerIpPerSecond: opts.rpcRateLimit,
            maxConnectionsPerIp: opts.rpcMaxConnectionsPerIp,
            limitLoopbackConnections: opts.rpcLimitLoopbackConnections,
            requestTimeoutMs: opts.rpcRequestTimeout,
            sendStallTimeoutMs: opts.rpcStallTimeout,
            heavyCalls: { maxConcurrent: opts.rpcMaxHeavyCalls, maxQueuedPerConnection: opts.rpcMaxHeavyQueue },
          },
          validator: Boolean(opts.validator || opts.dev || identity !== undefined),
          authorUri: opts.dev ? '//Alice' : undefined,
          blockTimeMs: opts.blockTime,
          poolLimit: opts.poolLimit,
          dev: Boolean(opts.dev),
          devFeeder: opts.devFeeder !== false,
          network: opts.dev
            ? undefined
            : {
                listenAddrs: opts.listenAddr ?? ['/ip4/0.0.0.0/tcp/30333'],
                bootnodes: opts.bootnodes,
                reservedNodes: opts.reservedNodes ?? [],
                nodeKeyFile: opts.nodeKeyFile,
                devNodeKeyName: identity,
              },
          consensus: { maxDriftMs: opts.maxDrift, proposeTimeoutMs: opts.timeoutPropose, devSessionSuri: identity === undefined ? undefined : `//${identity}` },
        },
        logger,
      );
    } catch (e) {
      if (e instanceof ChainSpecError) die(e.message);
      logger.fatal({ err: e }, 'node failed to start');
      logger.flush();
      die((e as Error).message, 1);
    }
    const host = external ? '0.0.0.0' : '127.0.0.1';
    console.log(`dcn-node ${NODE_VERSION}: chain ${chain}, best block #${node.chain.head.number}`);
    console.log(`JSON-RPC listening on ws://${host}:${node.rpcPort} and http://${host}:${node.rpcPort}`);
    if (node.host !== undefined) console.log(`p2p: peer id ${node.host.peerId}, listening on ${node.host.listenAddrs.join(' ')}`);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'shutting down');
      await node.stop();
      logger.flush();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

const key = program.command('key').description('Key utilities (like subkey)');
key
  .command('generate')
  .description('Generate a new key pair and print it')
  .addOption(new Option('--scheme <scheme>', 'key scheme').choices(['sr25519', 'ed25519']).default('sr25519'))
  .addOption(new Option('--words <n>', 'mnemonic words').choices(['12', '15', '18', '21', '24']).default('12'))
  .option('--network <ss58>', 'SS58 prefix', intFlag('--network', 0, 16383), 42)
  .option('--output-type <type>', 'text or json', 'text')
  .action(async (opts) => {
    await initCrypto();
    const phrase = generateMnemonic(Number(opts.words) as 12);
    const k = inspectKey(phrase, opts.scheme as KeyScheme, opts.network);
    console.log(opts.outputType === 'json' ? JSON.stringify(k, null, 2) : formatInspectedKey(phrase, k));
  });
key
  .command('inspect')
  .description('Show the public key, account id and SS58 address of a secret URI')
  .argument('<suri>', 'secret URI: mnemonic, //Alice, 0x seed, with optional //hard/soft derivations')
  .addOption(new Option('--scheme <scheme>', 'key scheme').choices(['sr25519', 'ed25519']).default('sr25519'))
  .option('--network <ss58>', 'SS58 prefix', intFlag('--network', 0, 16383), 42)
  .option('--output-type <type>', 'text or json', 'text')
  .action(async (suri: string, opts) => {
    await initCrypto();
    try {
      const k = inspectKey(suri, opts.scheme as KeyScheme, opts.network);
      console.log(opts.outputType === 'json' ? JSON.stringify(k, null, 2) : formatInspectedKey(suri, k));
    } catch (e) {
      die(`invalid secret URI: ${(e as Error).message}`);
    }
  });

key
  .command('generate-node-key')
  .description('Generate a libp2p node key: the peer id goes to stderr; the secret to --file (0600, never overwritten) or else to stdout')
  .option('--file <file>', 'write the secret (hex) to this file')
  .action(async (opts) => {
    try {
      const k = await generateNodeKey({ file: opts.file });
      console.error(k.peerId);
      if (opts.file === undefined) console.log(k.secretHex);
    } catch (e) {
      if (e instanceof NodeKeyError) die(e.message);
      throw e;
    }
  });
key
  .command('inspect-node-key')
  .description('Print the peer id of a node key file')
  .requiredOption('--file <file>', 'the node key file')
  .action(async (opts) => {
    try {
      console.log((await loadNodeKey(opts.file)).peerId);
    } catch (e) {
      if (e instanceof NodeKeyError) die(e.message);
      throw e;
    }
  });
key
  .command('insert')
  .description("Put a secret key into a node's keystore (like author_insertKey), e.g. the ed25519 consensus session key")
  .requiredOption('--suri <suri>', 'secret URI: mnemonic, //Alice, 0x seed, with optional // derivations')
  .addOption(new Option('--key-type <type>', 'key type').choices(Object.keys(KEY_TYPES)).default('dcns'))
  .requiredOption('--base-path <dir>', "the node's base path")
  .requiredOption('--chain <spec>', 'dev, local or a chain spec file')
  .action(async (opts) => {
    await initCrypto();
    const spec = loadOrDie(opts.chain);
    const store = new Keystore(keystorePath(opts.basePath, spec));
    try {
      const pair = keyPairFromUri(opts.suri, KEY_TYPES[opts.keyType as string]);
      store.insert(opts.keyType, opts.suri, pair.publicKey);
      console.log(`inserted ${opts.keyType} key ${toHex(pair.publicKey)} into ${store.dir}`);
    } catch (e) {
      if (e instanceof KeystoreError) die(e.message);
      die(`invalid secret URI: ${(e as Error).message}`);
    }
  });

program
  .command('build-spec')
  .description('Print a chain spec (with --raw: genesis as raw key-value pairs)')
  .option('--chain <spec>', 'dev, local or a chain spec file', 'dev')
  .option('--raw', 'write genesis.raw.top instead of the runtime config', false)
  .action(async (opts) => {
    await initCrypto();
    const spec = loadOrDie(opts.chain);
    if (!opts.raw) return console.log(JSON.stringify(spec, null, 2));
    const changes = genesisChangesOf(spec, createChainHost());
    const top: Record<string, string> = {};
    for (const [k, v] of changes) if (v !== null) top[toHex(k)] = toHex(v);
    console.log(JSON.stringify({ ...spec, genesis: { raw: { top, childrenDefault: {} } } }, null, 2));
  });

program
  .command('export-genesis-head')
  .description("Print the genesis header and its hash (accepts this chain's specs and raw Substrate specs)")
  .requiredOption('--chain <spec>', 'dev, local or a chain spec file')
  .addOption(new Option('--state-version <v>', 'trie layout of the genesis state').choices(['0', '1']).default('1'))
  .action(async (opts) => {
    await initCrypto();
    const spec = loadOrDie(opts.chain);
    const version = Number(opts.stateVersion) as 0 | 1;
    const g = genesisHeader(genesisChangesOf(spec, createChainHost(), version), version);
    console.log(JSON.stringify({ header: toHex(HeaderCodec.encode(g.header)), hash: toHex(g.hash), stateRoot: toHex(g.header.stateRoot) }, null, 2));
  });

program
  .command('purge-chain')
  .description("Delete a chain's database")
  .option('--chain <spec>', 'dev, local or a chain spec file', 'dev')
  .option('--base-path <dir>', 'base path', './.data/dev')
  .option('-y, --yes', 'do not ask for confirmation', false)
  .action(async (opts) => {
    const spec = loadOrDie(opts.chain);
    const dir = databasePath(opts.basePath, spec);
    if (!existsSync(dir)) return console.log(`${dir} does not exist`);
    if (!opts.yes) {
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const answer = await rl.question(`Are you sure to remove ${dir}? [y/N]: `);
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) return console.log('Aborted');
    }
    rmSync(dir, { recursive: true, force: true });
    console.log(`${dir} removed`);
  });

registerChainTools(program, { die, loadOrDie, intFlag });
registerFeeder(program, { die, intFlag });

function loadOrDie(chain: string) {
  try {
    return loadChainSpec(chain);
  } catch (e) {
    if (e instanceof ChainSpecError) die(e.message);
    throw e;
  }
}

void ss58PrefixOf;
program.parseAsync(process.argv).catch((e: unknown) => die((e as Error).message, 1));
