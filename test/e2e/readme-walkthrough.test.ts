/**
 * Issue 9, finding 7: the README's borrower walk-through ("Community credit"), run as printed. The code block is
 * read from README.md at test time (so the document and this test cannot drift apart) and run with `node` as an ES
 * module from the repository root, exactly as a reader who saved it as `walk.mjs` would, against a fresh dev node
 * started as `npm start` starts one (dev feeder on). The only change is the port (tests never use 9944). The clock
 * is first moved past the genesis price's 10-minute lifetime, since the walk-through has to work at any time.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllNodes, makeTempBasePath, NodeProcess, REPO_ROOT, removeBasePath } from '../helpers/node-process.js';
import { RpcClient } from '../helpers/rpc-client.js';

/** The first ```js block of the README section titled `heading`. */
function readmeBlock(heading: string): string {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`\n## ${heading}`);
  if (at < 0) throw new Error(`README.md has no section "${heading}"`);
  const section = readme.slice(at + 1, readme.indexOf('\n## ', at + 1) >>> 0 || undefined);
  const m = /```js\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error(`README.md section "${heading}" has no js code block`);
  return m[1];
}

/** Run `code` as an ES module from the repository root; resolves with its exit code and output. */
function runModule(code: string, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the walk-through did not finish within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    child.stdin.end(code);
  });
}

describe('the README credit walk-through, as printed', () => {
  const basePath = makeTempBasePath('readme-walk');
  let node: NodeProcess;
  let rpc: RpcClient;

  beforeAll(async () => {
    node = await NodeProcess.start({ basePath, blockTimeMs: 200, devFeeder: true });
    rpc = await RpcClient.connect(node.wsUrl);
  });

  afterAll(async () => {
    try {
      await rpc?.close();
      await node?.stop();
    } finally {
      await killAllNodes();
      removeBasePath(basePath);
    }
  });

  it('runs to the end: collateral locked, loan applied for, drawn and repaid', async () => {
    const block = readmeBlock('Community credit (try it on `npm start`)');
    expect(block).toContain("'ws://127.0.0.1:9944'");
    // Past the genesis price's lifetime (10 minutes), as a reader coming back later would be.
    await rpc.call('dev_advanceTime', [11 * 60_000]);
    const best = async () => Number.parseInt(((await rpc.call('chain_getHeader', [])) as { number: string }).number, 16);
    const start = await best();
    while ((await best()) < start + 2) await new Promise((r) => setTimeout(r, 100));

    const { code, out } = await runModule(block.replace("'ws://127.0.0.1:9944'", `'${node.wsUrl}'`), 120_000);
    expect(code, out).toBe(0);
    // The status printed after the draw, then the closed loan.
    expect(out).toMatch(/Active/);
    const status = (await rpc.call('loans_status', ['0'])) as { state: string; principal: string } | null;
    expect(status, out).not.toBeNull();
    expect(status!.state, out).not.toBe('Active');
    expect(status!.principal).toBe('0');
  }, 180_000);
});
