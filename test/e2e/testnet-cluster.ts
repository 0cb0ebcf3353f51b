/**
 * A 4-validator `local` testnet of real `dcn-node` processes on loopback for end-to-end tests: free p2p ports picked
 * up front (so every node gets the full bootnode list), RPC on `--rpc-port 0` (read back from the node's output),
 * each validator by its `--alice` style flag in its own temporary base path. Processes are SIGKILLed when the test
 * process exits.
 *
 * With `DCN_CPU_PROF_DIR=<dir>` in the environment every node runs under `node --cpu-prof` writing there, and
 * `Testnet.destroy` stops the nodes gracefully (SIGTERM) so the profiles are written: how the benchmark's validators
 * are profiled (`DCN_CPU_PROF_DIR=/tmp/prof npm run bench:network`). With `DCN_TESTNET_LOG_DIR=<dir>` every line a
 * node prints is also appended to `<dir>/<name>-<pid>.log` (the whole run, not only the last lines kept in memory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CLI_PATH, REPO_ROOT } from '../helpers/node-process.js';
import type { KeyringPair } from '@polkadot/keyring/types';
import { SystemStorage } from '../../src/pallets/system/index.js';
import { httpCall, withTimeout } from '../helpers/rpc-client.js';
import { accountKey, bytes, hex, signExtrinsic, transferKeepAliveCall } from './support.js';

/** The validators of the `local` spec, in validator-set order. */
export const VALIDATOR_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave'] as const;
/** One of them. */
export type ValidatorName = (typeof VALIDATOR_NAMES)[number];

/** Public dev node keys' peer ids (`devNodeKey(name)`), as `chain-spec.json` lists them. */
export const DEV_PEER_IDS: Record<ValidatorName, string> = {
  Alice: '12D3KooWBkZEeJdTKkhcsPMF3sw5Ew14MgyKSNTWsaSwo3FXXDX5',
  Bob: '12D3KooWEsBo6DnRFYmp88d6yodoPXV3A4ZE5Kh6mgMButFRU3dD',
  Charlie: '12D3KooWDzdwZSJPWZDcFbe6h8EjDivnjKm6AV2mC4JSa3R51sT2',
  Dave: '12D3KooWPrc9ead714CyZseRruXLAgRXx88y5VjQrwE9rnKmS3vo',
};

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** `n` distinct free TCP ports on 127.0.0.1 (held open together while picking, then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** Options of one validator process. */
export interface ValidatorOptions {
  /** A validator of the spec (started with its `--alice` style flag), or any label for a full node. */
  name: string;
  /** Start as a full node (no dev identity flag: pass `--node-key-file` in `args`). */
  fullNode?: boolean;
  basePath: string;
  p2pPort: number;
  bootnodes: string[];
  /** `--block-time` (ms); default 250. */
  blockTimeMs?: number;
  /** `--timeout-propose` (ms); default 1000. */
  proposeTimeoutMs?: number;
  /** More flags. */
  args?: string[];
}

/** Lines of output kept per process (0 ≤ n ≤ this). */
const KEPT_LINES = 2000;

/** A running validator process. */
export class ValidatorProcess {
  /** RPC port (0 until listening). */
  rpcPort = 0;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly lines: string[] = [];
  private readonly listeners = new Set<(line: string) => void>();

  private constructor(
    readonly options: ValidatorOptions,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }));
    const logDir = process.env.DCN_TESTNET_LOG_DIR;
    const logFile = logDir ? createWriteStream(join(logDir, `${options.name.toLowerCase()}-${child.pid}.log`), { flags: 'a' }) : undefined;
    if (logFile !== undefined) void this.exited.then(() => logFile.end());
    for (const s of [child.stdout!, child.stderr!]) {
      createInterface({ input: s, crlfDelay: Infinity }).on('line', (line) => {
        logFile?.write(`${line}\n`);
        this.lines.push(line);
        if (this.lines.length > KEPT_LINES) this.lines.shift();
        for (const l of [...this.listeners]) l(line);
      });
    }
  }

  /** Start a validator and wait until its RPC listens. */
  static async start(o: ValidatorOptions): Promise<ValidatorProcess> {
    const args = [
      CLI_PATH,
      'run',
      '--chain',
      'local',
      ...(o.fullNode === true ? [] : [`--${o.name.toLowerCase()}`]),
      '--base-path',
      o.basePath,
      '--rpc-port',
      '0',
      '--listen-addr',
      `/ip4/127.0.0.1/tcp/${o.p2pPort}`,
      ...o.bootnodes.flatMap((b) => ['--bootnodes', b]),
      '--block-time',
      String(o.blockTimeMs ?? 250),
      '--timeout-propose',
      String(o.proposeTimeoutMs ?? 1000),
      '--log',
      'info',
      ...(o.args ?? []),
    ];
    const child = spawn(process.execPath, [...(process.env.DCN_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.DCN_CPU_PROF_DIR}`] : []), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    const v = new ValidatorProcess(o, child);
    try {
      const line = await v.waitForLine((l) => /JSON-RPC listening on ws:\/\/[^:]+:\d+/.test(l), 60_000, 'the JSON-RPC listening line');
      v.rpcPort = Number(/JSON-RPC listening on ws:\/\/[^:]+:(\d+)/.exec(line)![1]);
      return v;
    } catch (e) {
      child.kill('SIGKILL');
      await v.exited;
      throw new Error(`${(e as Error).message}\n--- ${o.name} output ---\n${v.output()}`);
    }
  }

  /** The validator's name (or the full node's label). */
  get name(): string {
    return this.options.name;
  }

  /** `http://127.0.0.1:PORT/`. */
  get httpUrl(): string {
    return `http://127.0.0.1:${this.rpcPort}/`;
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Recent output lines. */
  output(): string {
    return this.lines.join('\n');
  }

  /** Whether some kept output line matches. */
  logged(pattern: RegExp): boolean {
    return this.lines.some((l) => pattern.test(l));
  }

  /** The first line from now on satisfying `pred`. */
  waitForLine(pred: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    let listener: ((line: string) => void) | undefined;
    const found = new Promise<string>((resolve, reject) => {
      listener = (line) => {
        if (pred(line)) resolve(line);
      };
      this.listeners.add(listener);
      void this.exited.then((x) => reject(new Error(`${this.name} exited (code ${x.code}, signal ${x.signal}) before ${what}`)));
    });
    return withTimeout(found, timeoutMs, what).finally(() => this.listeners.delete(listener!));
  }

  /** One JSON-RPC call over HTTP; throws on an error reply. */
  async call<T>(method: string, params: unknown[] = []): Promise<T> {
    const { body } = await httpCall(this.httpUrl, method, params);
    if (body.error !== undefined) throw new Error(`${this.name}: ${method}: ${body.error.code} ${body.error.message}`);
    return body.result as T;
  }

  /** The best block number. */
  async best(): Promise<number> {
    const h = await this.call<{ number: string }>('chain_getHeader');
    return Number.parseInt(h.number, 16);
  }

  /** Crash: SIGKILL, then wait for exit. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Graceful stop: SIGTERM, then wait (SIGKILL after 20 s). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** A fresh temporary base path. */
export function tempBasePath(label: string): string {
  return mkdtempSync(join(tmpdir(), `dcn-testnet-${label}-`));
}

/** Delete a base path. */
export function removeBasePath(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Poll `fn` every `everyMs` until it returns true; throws after `timeoutMs` with `what`. */
export async function until(fn: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return;
    } catch {
      // A node restarting: try again.
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A 4-validator testnet. */
export class Testnet {
  readonly nodes = new Map<ValidatorName, ValidatorProcess>();
  readonly basePaths = new Map<ValidatorName, string>();

  private constructor(
    readonly ports: Record<ValidatorName, number>,
    readonly options: { blockTimeMs?: number; proposeTimeoutMs?: number; args?: string[] },
  ) {}

  /** Pick ports and start all four validators in parallel (`args`: more flags for each). */
  static async start(options: { blockTimeMs?: number; proposeTimeoutMs?: number; args?: string[] } = {}): Promise<Testnet> {
    const p = await freePorts(VALIDATOR_NAMES.length);
    const net = new Testnet({ Alice: p[0], Bob: p[1], Charlie: p[2], Dave: p[3] }, options);
    await Promise.all(VALIDATOR_NAMES.map((n) => net.startNode(n)));
    return net;
  }

  /** Bootnode multiaddrs of all four. */
  get bootnodes(): string[] {
    return VALIDATOR_NAMES.map((n) => `/ip4/127.0.0.1/tcp/${this.ports[n]}/p2p/${DEV_PEER_IDS[n]}`);
  }

  /** The running process of `name`. */
  node(name: ValidatorName): ValidatorProcess {
    const v = this.nodes.get(name);
    if (v === undefined) throw new Error(`${name} is not running`);
    return v;
  }

  /** (Re)start `name` on its base path (a fresh one with `fresh`, removing the old one). */
  async startNode(name: ValidatorName, fresh = false): Promise<ValidatorProcess> {
    let base = this.basePaths.get(name);
    if (base === undefined || fresh) {
      if (base !== undefined) removeBasePath(base);
      base = tempBasePath(name.toLowerCase());
      this.basePaths.set(name, base);
    }
    const v = await ValidatorProcess.start({ name, basePath: base, p2pPort: this.ports[name], bootnodes: this.bootnodes, ...this.options });
    this.nodes.set(name, v);
    return v;
  }

  /** Running nodes. */
  running(): ValidatorProcess[] {
    return [...this.nodes.values()].filter((v) => v.running);
  }

  /** SIGKILL everything and delete the base paths. */
  async destroy(): Promise<void> {
    await Promise.all([...this.nodes.values()].map((v) => (process.env.DCN_CPU_PROF_DIR ? v.stop() : v.kill())));
    for (const b of this.basePaths.values()) removeBasePath(b);
  }
}

/** `who`'s nonce in `node`'s best state (not counting its pool). */
export async function onChainNonce(node: ValidatorProcess, who: Uint8Array): Promise<number> {
  const raw = await node.call<string | null>('state_getStorage', [accountKey(who)]);
  return raw === null ? 0 : Number(SystemStorage.Account.value.decode(bytes(raw)).nonce);
}

/**
 * Fund `recipients` with `amount` each from `funder`: consecutive nonces submitted to `via`, then wait (up to
 * `timeoutMs`) until the funder's on-chain nonce covers them on every node of `confirmOn` (a recipient's first
 * transfer may go to any of them). Throws when the funding does not land in time.
 */
export async function fundAccounts(
  via: ValidatorProcess,
  funder: KeyringPair,
  recipients: readonly Uint8Array[],
  amount: bigint,
  confirmOn: readonly ValidatorProcess[],
  timeoutMs = 60_000,
): Promise<void> {
  const genesisHash = bytes(await via.call<string>('chain_getBlockHash', [0]));
  let nonce = await via.call<number>('system_accountNextIndex', [funder.address]);
  for (const to of recipients) {
    const xt = signExtrinsic(funder, transferKeepAliveCall(to, amount), { genesisHash }, { nonce: nonce++ });
    await via.call('author_submitExtrinsic', [hex(xt)]);
  }
  for (const node of confirmOn) {
    await until(async () => (await onChainNonce(node, funder.publicKey)) >= nonce, timeoutMs, `the funding of ${recipients.length} accounts on ${node.name}`);
  }
}
