/**
 * A real node process for end-to-end tests: `node dist/cli.js run --dev` on a free port (`--rpc-port 0`, the
 * port read back from the `JSON-RPC listening on ws://HOST:PORT` line) in a temporary base path, stopped with
 * SIGTERM (graceful) or SIGKILL (crash). Every process started here is SIGKILLed when the test process exits, so
 * a failing test never leaves a node behind. Needs `dist/` built (test/global-setup.ts does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { withTimeout } from './rpc-client.js';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built CLI. */
export const CLI_PATH = join(REPO_ROOT, 'dist', 'cli.js');

/** How a node process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options of {@link NodeProcess.start}. */
export interface StartOptions {
  /** Chain database directory; default a fresh temporary directory (see {@link makeTempBasePath}). */
  basePath?: string;
  /** `--block-time` in ms (10 ≤ n ≤ 3,600,000); default 200. */
  blockTimeMs?: number;
  /** `--log` level; default `info` (one line per authored block, kept for diagnostics). */
  log?: 'error' | 'warn' | 'info' | 'debug';
  /**
   * Keep the dev feeder on (default off here, `--no-dev-feeder`: its feeds from //Alice, //Bob and //Charlie would
   * take nonces and fees that tests of other things count).
   */
  devFeeder?: boolean;
  /** More CLI arguments. */
  args?: string[];
  /** How long the node may take to print its listening line (ms); default 30,000. */
  startTimeoutMs?: number;
}

/** Lines of output kept per process for diagnostics (0 ≤ n ≤ this). */
const KEPT_LINES = 400;

const live = new Set<ChildProcess>();
// Once a test file's teardown has run, a test body still going (e.g. after a timeout) must not start nodes that
// nobody would stop.
let accepting = true;
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * SIGKILL every node this process started that is still running, and refuse to start more. For `afterAll`: a
 * timed-out test keeps running after its teardown and could otherwise leave a node behind.
 */
export async function killAllNodes(): Promise<void> {
  accepting = false;
  const exits = [...live].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  }));
  await Promise.all(exits);
}

/** A fresh, empty temporary directory for a node's base path. */
export function makeTempBasePath(label = 'node'): string {
  return mkdtempSync(join(tmpdir(), `dcn-e2e-${label}-`));
}

/** Delete a base path made by {@link makeTempBasePath}. */
export function removeBasePath(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A running `dcn-node run --dev` process. */
export class NodeProcess {
  private readonly lines: string[] = [];
  private readonly lineListeners = new Set<(line: string) => void>();
  private exitInfo: ExitInfo | undefined;
  /** RPC port the node listens on (1 ≤ port ≤ 65,535; 0 until it listens). */
  port = 0;
  /** Resolves when the process has exited. */
  readonly exited: Promise<ExitInfo>;

  private constructor(
    private readonly child: ChildProcess,
    /** The base path the node runs on. */
    readonly basePath: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(child);
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    // Both pipes must be drained, or a chatty node blocks on a full pipe.
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
    }
  }

  private onLine(line: string): void {
    this.lines.push(line);
    if (this.lines.length > KEPT_LINES) this.lines.shift();
    for (const l of [...this.lineListeners]) l(line);
  }

  /** `ws://127.0.0.1:PORT`. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** `http://127.0.0.1:PORT/`. */
  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** OS process id. */
  get pid(): number {
    return this.child.pid!;
  }

  /** Whether the process has exited, and how. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** The last lines of stdout and stderr (pino JSON logs and the CLI's own lines). */
  output(): string {
    return this.lines.join('\n');
  }

  /** Start a dev node and wait until its RPC server listens. */
  static async start(opts: StartOptions = {}): Promise<NodeProcess> {
    if (!accepting) throw new Error('NodeProcess.start after killAllNodes(): the test file is being torn down');
    if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` (test/global-setup.ts does it for vitest)`);
    const basePath = opts.basePath ?? makeTempBasePath();
    const args = [
      CLI_PATH,
      'run',
      '--dev',
      '--base-path',
      basePath,
      '--rpc-port',
      '0',
      '--block-time',
      String(opts.blockTimeMs ?? 200),
      '--log',
      opts.log ?? 'info',
      ...(opts.devFeeder === true ? [] : ['--no-dev-feeder']),
      ...(opts.args ?? []),
    ];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    const node = new NodeProcess(child, basePath);
    try {
      const line = await node.waitForLine((l) => /JSON-RPC listening on ws:\/\/[^:]+:\d+/.test(l), opts.startTimeoutMs ?? 30_000, 'the "JSON-RPC listening" line');
      node.port = Number(/JSON-RPC listening on ws:\/\/[^:]+:(\d+)/.exec(line)![1]);
      return node;
    } catch (e) {
      child.kill('SIGKILL');
      await node.exited;
      throw new Error(`${(e as Error).message}\n--- node output ---\n${node.output()}`);
    }
  }

  /**
   * Resolve with the first output line (from now on) satisfying `pred`; rejects after `timeoutMs` or when the
   * process exits first.
   */
  waitForLine(pred: (line: string) => boolean, timeoutMs = 20_000, what = 'a matching output line'): Promise<string> {
    let listener: ((line: string) => void) | undefined;
    const found = new Promise<string>((resolve, reject) => {
      listener = (line) => {
        if (pred(line)) resolve(line);
      };
      this.lineListeners.add(listener);
      void this.exited.then((x) => reject(new Error(`node exited (code ${x.code}, signal ${x.signal}) before ${what}`)));
    });
    return withTimeout(found, timeoutMs, what).finally(() => this.lineListeners.delete(listener!));
  }

  /** Graceful stop: SIGTERM, then wait for exit; SIGKILLs and throws if it takes longer than `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<ExitInfo> {
    if (this.exitInfo) return this.exitInfo;
    this.child.kill('SIGTERM');
    try {
      return await withTimeout(this.exited, timeoutMs, `node ${this.pid} to exit after SIGTERM`);
    } catch (e) {
      this.child.kill('SIGKILL');
      await this.exited;
      throw new Error(`${(e as Error).message}\n--- node output ---\n${this.output()}`);
    }
  }

  /** Crash: SIGKILL (no shutdown code runs), then wait for exit. */
  async kill(): Promise<ExitInfo> {
    if (this.exitInfo) return this.exitInfo;
    this.child.kill('SIGKILL');
    return withTimeout(this.exited, 20_000, `node ${this.pid} to exit after SIGKILL`);
  }
}
