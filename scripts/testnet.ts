/**
 * `npm run testnet`: a local 4-validator testnet on loopback. Starts Alice, Bob, Charlie and Dave of the `local`
 * chain spec as four separate `dcn-node` processes (their public dev session keys and node keys, `--alice` …), each
 * with its own base path `./.data/testnet/<name>`, p2p port 30333..30336, RPC port 9944..9947 and log file
 * `./.data/testnet/<name>.log`; prints the RPC endpoints; on Ctrl-C (SIGINT) or SIGTERM sends SIGTERM to every node,
 * waits for them to stop (SIGKILL after 20 s), and exits.
 *
 * Flags: `--purge` wipes ./.data/testnet first; `--block-time MS` (default 1000); `--log LEVEL` (default info);
 * `--base-dir DIR` instead of ./.data/testnet. Run `npm run build` first (the npm script does).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli.js');
const NAMES = ['Alice', 'Bob', 'Charlie', 'Dave'] as const;
/** First p2p and RPC ports (one per validator, in order): the `local` spec's bootNodes use 30333..30336. */
const P2P_BASE = 30333;
const RPC_BASE = 9944;
/** How long a node may take to stop after SIGTERM (ms). */
const STOP_TIMEOUT_MS = 20_000;
/** How long a node may take to start listening (ms). */
const START_TIMEOUT_MS = 60_000;

interface Args {
  purge: boolean;
  blockTime: string;
  log: string;
  baseDir: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { purge: false, blockTime: '1000', log: 'info', baseDir: join(ROOT, '.data', 'testnet') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--purge') args.purge = true;
    else if (a === '--block-time') args.blockTime = value();
    else if (a === '--log') args.log = value();
    else if (a === '--base-dir') args.baseDir = resolve(value());
    else fail(`unknown flag ${a} (known: --purge, --block-time MS, --log LEVEL, --base-dir DIR)`);
  }
  return args;
}

function fail(message: string): never {
  console.error(`testnet: ${message}`);
  process.exit(2);
}

interface Validator {
  name: string;
  child: ChildProcess;
  log: string;
  rpcPort: number;
  exited: Promise<void>;
}

function startValidator(args: Args, index: number): Validator {
  const name = NAMES[index];
  const basePath = join(args.baseDir, name.toLowerCase());
  const log = join(args.baseDir, `${name.toLowerCase()}.log`);
  mkdirSync(basePath, { recursive: true });
  const rpcPort = RPC_BASE + index;
  const child = spawn(
    process.execPath,
    [
      CLI,
      'run',
      '--chain',
      'local',
      `--${name.toLowerCase()}`,
      '--base-path',
      basePath,
      '--rpc-port',
      String(rpcPort),
      '--listen-addr',
      `/ip4/127.0.0.1/tcp/${P2P_BASE + index}`,
      '--block-time',
      args.blockTime,
      '--log',
      args.log,
    ],
    // Its own process group: Ctrl-C in the terminal reaches only this script, which stops the nodes in order.
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const out = createWriteStream(log, { flags: 'a' });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return { name, child, log, rpcPort, exited };
}

function waitListening(v: Validator): Promise<void> {
  return new Promise((ok, ko) => {
    const timer = setTimeout(() => ko(new Error(`${v.name} did not start within ${START_TIMEOUT_MS / 1000} s (see ${v.log})`)), START_TIMEOUT_MS);
    createInterface({ input: v.child.stdout! }).on('line', (line) => {
      if (/JSON-RPC listening on/.test(line)) {
        clearTimeout(timer);
        ok();
      }
    });
    void v.exited.then(() => {
      clearTimeout(timer);
      ko(new Error(`${v.name} exited during start-up (see ${v.log})`));
    });
  });
}

async function stopAll(validators: Validator[]): Promise<void> {
  await Promise.all(
    validators.map(async (v) => {
      if (v.child.exitCode !== null || v.child.signalCode !== null) return;
      v.child.kill('SIGTERM');
      const timer = setTimeout(() => v.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await v.exited;
      clearTimeout(timer);
    }),
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(CLI)) fail(`${CLI} is missing: run npm run build (npm run testnet does it)`);
  if (args.purge) rmSync(args.baseDir, { recursive: true, force: true });
  mkdirSync(args.baseDir, { recursive: true });
  const validators = NAMES.map((_, i) => startValidator(args, i));
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log(`\ntestnet: ${signal}: stopping the validators…`);
    await stopAll(validators);
    console.log('testnet: stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  for (const v of validators) {
    void v.exited.then(() => {
      if (!stopping) console.error(`testnet: ${v.name} exited (code ${v.child.exitCode}, signal ${v.child.signalCode}); see ${v.log}`);
    });
  }
  try {
    await Promise.all(validators.map(waitListening));
  } catch (e) {
    console.error(`testnet: ${(e as Error).message}`);
    stopping = true;
    await stopAll(validators);
    process.exit(1);
  }
  console.log('testnet: chain local (Local Testnet), 4 validators on loopback');
  for (const [i, v] of validators.entries()) {
    console.log(`  ${v.name.padEnd(8)} ws://127.0.0.1:${v.rpcPort}  http://127.0.0.1:${v.rpcPort}  p2p /ip4/127.0.0.1/tcp/${P2P_BASE + i}  log ${v.log}`);
  }
  console.log('testnet: Ctrl-C stops them all');
}

void main();
