/**
 * CLI commands over a chain's blocks: export-blocks, import-blocks and the auditor's replay.
 *
 * Exit codes: 0 success; 1 a block was refused (import) or the chain diverges (replay); 2 bad flags, a missing or
 * unreadable database or file, or a file of another chain.
 */
import { existsSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { Option, type Command, type CommanderError } from 'commander';
import pino, { type Logger } from 'pino';
import { initCrypto } from '../crypto/keys.js';
import { SignatureVerifier } from '../crypto/verifier-pool.js';
import { equalBytes, toHex } from '../primitives/bytes.js';
import { createChainHost } from '../chain/host.js';
import { STATE_VERSION } from '../runtime/runtime.js';
import type { ChainSpec } from '../node/chain-spec.js';
import { ss58PrefixOf } from '../node/chain-spec.js';
import { genesisHeader } from '../node/chain.js';
import { BlockImportRefused, importBlocks } from '../node/block-import.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../node/logger.js';
import { databasePath, genesisChangesOf, openChain } from '../node/node.js';
import { replayChain, ReplayInputError, type ReplayInput, type ReplayResult } from '../node/replay.js';
import { ChainDatabase } from '../storage/index.js';
import { BlockFileError, BlockFileReader, BlockFileWriter, type BlockFileFormat } from './block-file.js';

/** Helpers shared with `cli.ts`. */
export interface CliHelpers {
  die(message: string, code?: number): never;
  loadOrDie(chain: string): ChainSpec;
  intFlag(name: string, min: number, max: number): (v: string) => number;
}

const FORMAT_HELP = `
Block file (binary, version 1): magic "DCNB" (4 bytes) | version u8 (1) | genesis hash (32 bytes) | records until
the end of the file, each a SCALE Compact<u32> length followed by the SCALE record
{ header: Header, extrinsics: Vec<Vec<u8>>, justification: Option<Vec<u8>> } (the header bytes exactly as stored:
their blake2_256 is the block hash). With --format json: a first line {"format":"dcn-blocks","version":1,
"genesisHash":"0x…"}, then one line per block {"number","hash","header","extrinsics","justification"} in hex.
Readers detect the format.`;

/** A logger for the database and chain that only speaks up at `level`. */
function quietLogger(level: LogLevel): Logger {
  return level === 'silent' ? pino({ level: 'silent' }) : createLogger(level);
}

/** Open an existing chain database under `basePath` or exit 2 naming what is wrong. */
async function openExistingDatabase(h: CliHelpers, spec: ChainSpec, basePath: string, logger: Logger): Promise<ChainDatabase> {
  const dir = databasePath(basePath, spec);
  if (!existsSync(dir)) h.die(`no database of chain "${spec.id}" under --base-path ${basePath} (looked for ${dir})`);
  let db: ChainDatabase;
  try {
    db = await ChainDatabase.open(dir, { logger });
  } catch (e) {
    const msg = (e as Error).message;
    h.die(`cannot open the database at ${dir}: ${msg}${/lock/i.test(msg) && !/node running/.test(msg) ? ' (is a node running on this base path?)' : ''}`);
  }
  const id = db.getChainId();
  if (db.getHead() === undefined || id === undefined) {
    await db.close();
    h.die(`the database at ${dir} holds no chain (no genesis)`);
  }
  if (id !== spec.id) {
    await db.close();
    h.die(`the database at ${dir} holds chain "${id}", not "${spec.id}" (--chain)`);
  }
  return db;
}

/** A progress bar on stderr when it is a terminal; nothing otherwise. */
function progressBar(label: string, total: number, unit: 'blocks' | 'bytes'): { update(value: number, block: number, extrinsics: number): void; stop(): void } {
  if (!process.stderr.isTTY || total <= 0) return { update() {}, stop() {} };
  const t0 = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | block #{block}${unit === 'blocks' ? '/{total}' : ''} | {xps} extrinsics/s | ETA {eta_formatted}`,
      hideCursor: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { block: 0, xps: 0 });
  return {
    update(value, block, extrinsics) {
      const s = (Date.now() - t0) / 1000;
      bar.update(Math.min(value, total), { block, xps: s > 0 ? Math.round(extrinsics / s) : 0 });
    },
    stop() {
      bar.stop();
    },
  };
}

/**
 * Commander exits 1 on a bad flag; these commands promise 2 (1 means a refused block or a divergence). The message
 * naming the flag is printed before this runs.
 */
function exitTwoOnUsageError(err: CommanderError): never {
  process.exit(err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? 0 : 2);
}

/** `count / seconds`, grouped, with one decimal below 10. */
function rate(count: number, seconds: number): string {
  if (seconds <= 0) return '∞';
  const r = count / seconds;
  return r < 10 ? r.toFixed(1) : Math.round(r).toLocaleString('en-US');
}

/** Register export-blocks, import-blocks and replay. */
export function registerChainTools(program: Command, h: CliHelpers): void {
  program
    .command('export-blocks')
    .exitOverride(exitTwoOnUsageError)
    .description('Write the chain\'s blocks (header, body, justification) to a block file')
    .requiredOption('--chain <spec>', 'dev, local or a chain spec file')
    .requiredOption('--base-path <dir>', 'where the chain database lives')
    .option('--from <n>', 'first block (0 includes genesis, which import and replay check)', h.intFlag('--from', 0, 0xffff_ffff), 0)
    .option('--to <n>', 'last block (default: the head)', h.intFlag('--to', 0, 0xffff_ffff))
    .option('--output <file>', 'file to write, - for stdout', '-')
    .addOption(new Option('--format <format>', 'binary or JSON lines').choices(['binary', 'json']).default('binary'))
    .addOption(new Option('--log <level>', 'log level (stderr)').choices([...LOG_LEVELS]).default('warn'))
    .addHelpText('after', FORMAT_HELP)
    .action(async (opts) => {
      const spec = h.loadOrDie(opts.chain);
      const from: number = opts.from;
      const to: number = opts.to ?? 0xffff_ffff;
      if (from > to) h.die(`--from ${from} is after --to ${to}`);
      const format = opts.format as BlockFileFormat;
      if (opts.output === '-' && format === 'binary' && process.stdout.isTTY) h.die('refusing to write a binary block file to a terminal: give --output FILE or --format json');
      await initCrypto();
      const db = await openExistingDatabase(h, spec, opts.basePath, quietLogger(opts.log));
      let writer: BlockFileWriter;
      try {
        writer = await BlockFileWriter.open(opts.output, format, db.getGenesisHash()!);
      } catch (e) {
        await db.close();
        h.die(`--output: ${(e as Error).message}`);
      }
      const head = db.getHead()!;
      const last = Math.min(to, head.number);
      const bar = opts.output === '-' ? progressBar('', 0, 'blocks') : progressBar('export', last - from + 1, 'blocks');
      let first: number | undefined;
      let lastWritten: number | undefined;
      for await (const b of db.iterateBlocks(from, to)) {
        await writer.write(b);
        first ??= b.number;
        lastWritten = b.number;
        bar.update(writer.blocks, b.number, 0);
      }
      await writer.close();
      bar.stop();
      await db.close();
      const range = first === undefined ? 'no blocks' : `${writer.blocks} blocks (#${first}..#${lastWritten})`;
      console.error(`exported ${range} of chain ${spec.id} to ${opts.output === '-' ? 'stdout' : opts.output} (${format})`);
    });

  program
    .command('import-blocks')
    .exitOverride(exitTwoOnUsageError)
    .description('Import a block file: every block must extend the head and is re-executed (signatures, roots)')
    .requiredOption('--chain <spec>', 'dev, local or a chain spec file')
    .requiredOption('--base-path <dir>', 'where the chain database lives (created when missing)')
    .argument('<file>', 'block file written by export-blocks (binary or JSON lines), - for stdin')
    .addOption(new Option('--log <level>', 'log level (stderr)').choices([...LOG_LEVELS]).default('warn'))
    .addHelpText('after', '\nBlocks the chain already holds are skipped; a block that does not extend the head is refused (exit 1).\n' + FORMAT_HELP)
    .action(async (file: string, opts) => {
      const spec = h.loadOrDie(opts.chain);
      let reader: BlockFileReader;
      try {
        reader = await BlockFileReader.open(file);
      } catch (e) {
        h.die((e as Error).message);
      }
      const logger = quietLogger(opts.log);
      let chain;
      try {
        chain = await openChain(spec, opts.basePath, logger);
      } catch (e) {
        reader.close();
        h.die(`cannot open chain "${spec.id}" under --base-path ${opts.basePath}: ${(e as Error).message}`);
      }
      if (!equalBytes(reader.genesisHash, chain.genesisHash)) {
        reader.close();
        await chain.db.close();
        h.die(`${file} holds blocks of the chain with genesis ${toHex(reader.genesisHash)}; chain "${spec.id}" has genesis ${toHex(chain.genesisHash)}`);
      }
      const verifier = new SignatureVerifier();
      const bar = progressBar('import', reader.size ?? 0, 'bytes');
      let code = 0;
      let message = '';
      let summary;
      try {
        summary = await importBlocks(chain, verifier, reader.blocks(), (s, n) => bar.update(reader.bytesRead, n, s.extrinsics));
      } catch (e) {
        code = e instanceof BlockImportRefused ? 1 : e instanceof BlockFileError ? 2 : 1;
        message = e instanceof BlockImportRefused ? `import refused ${e.message}` : (e as Error).message;
      } finally {
        bar.stop();
        reader.close();
        await verifier.close();
      }
      const head = chain.head;
      await chain.db.close();
      if (code !== 0) {
        console.error(`head is #${head.number} ${toHex(head.hash)}`);
        h.die(message, code);
      }
      const s = summary!;
      const range = s.imported === 0 ? '0 blocks' : `${s.imported} blocks (#${s.first}..#${s.last})`;
      console.log(`imported ${range}, ${s.extrinsics} extrinsics in ${s.seconds.toFixed(2)} s; skipped ${s.skipped} already present`);
      console.log(`head #${head.number} ${toHex(head.hash)}, state root ${toHex(head.header.stateRoot)}`);
    });

  program
    .command('replay')
    .exitOverride(exitTwoOnUsageError)
    .description('Auditor: re-execute the chain from genesis in a fresh state, verifying every signature and root')
    .requiredOption('--chain <spec>', 'dev, local or a chain spec file')
    .option('--base-path <dir>', "replay a node's database and compare its stored state with the replayed one")
    .option('--input <file>', 'replay a block file written by export-blocks (- for stdin)')
    .option('--to <n>', 'last block to replay (default: all)', h.intFlag('--to', 0, 0xffff_ffff))
    .option('--check-invariants', "run every pallet's invariants and the chain's cross-pallet identities on the replayed state at the end", false)
    .option('--every <n>', 'with --check-invariants: also after every block whose number is a multiple of n', h.intFlag('--every', 1, 0xffff_ffff))
    .addOption(new Option('--log <level>', 'log level (stderr)').choices([...LOG_LEVELS]).default('warn'))
    .addHelpText(
      'after',
      `
Genesis is rebuilt from the chain spec and every block executed over a fresh in-memory state (an in-memory trie
plus a flat map): nothing stored by the node is trusted. Every signature is verified (batches on worker threads),
and every extrinsics root, state root and block hash recomputed. With --base-path the node's stored state is then
compared key by key with the replayed one (its trie at the last replayed block, and its flat head table when the
replay reached the head).
--check-invariants runs every pallet's tryState and the chain's identities (XFG and UDST issuance, held UDST = bank
reserves, pledged certificates = open loans' collateral) on the replayed state after the last block, and with
--every n also after every n-th block; a broken one stops the replay, naming the identity, the block and the numbers.
Exit 0: everything matches (a summary is printed). Exit 1: the first divergent block is named with what differed.
Exit 2: bad flags, missing database or unreadable file.\n` + FORMAT_HELP,
    )
    .action(async (opts) => {
      const spec = h.loadOrDie(opts.chain);
      if ((opts.basePath === undefined) === (opts.input === undefined)) h.die('give exactly one of --base-path and --input');
      if (opts.every !== undefined && !opts.checkInvariants) h.die('--every needs --check-invariants');
      await initCrypto();
      const runtime = createChainHost();
      const genesisChanges = genesisChangesOf(spec, runtime);
      const logger = quietLogger(opts.log);
      let db: ChainDatabase | undefined;
      let reader: BlockFileReader | undefined;
      let blocks: AsyncIterable<ReplayInput>;
      let bar: ReturnType<typeof progressBar>;
      let position: () => number;
      let source: string;
      if (opts.basePath !== undefined) {
        const node = await openExistingDatabase(h, spec, opts.basePath, logger);
        db = node;
        const last = Math.min(node.getHead()!.number, opts.to ?? 0xffff_ffff);
        blocks = (async function* () {
          for await (const b of node.iterateBlocks(0, last)) yield { number: b.number, hash: b.hash, header: b.header, body: b.body, justification: b.justification };
        })();
        bar = progressBar('replay', last, 'blocks');
        position = () => -1;
        source = `the database under ${opts.basePath}`;
      } else {
        try {
          reader = await BlockFileReader.open(opts.input);
        } catch (e) {
          h.die((e as Error).message);
        }
        const r = reader;
        const g = genesisHeader(genesisChanges, STATE_VERSION);
        if (!equalBytes(r.genesisHash, g.hash)) {
          r.close();
          h.die(`${opts.input} holds blocks of the chain with genesis ${toHex(r.genesisHash)}; the chain spec of "${spec.id}" gives genesis ${toHex(g.hash)}`);
        }
        blocks = (async function* () {
          for await (const b of r.blocks()) yield { number: b.decoded.number, hash: b.hash, header: b.header, body: b.extrinsics, justification: b.justification };
        })();
        bar = progressBar('replay', r.size ?? 0, 'bytes');
        position = () => r.bytesRead;
        source = opts.input === '-' ? 'stdin' : opts.input;
      }
      const verifier = new SignatureVerifier({ cacheSize: 4096 });
      let result: ReplayResult;
      try {
        result = await replayChain({
          runtime,
          genesisChanges,
          blocks,
          verifier,
          node: db,
          to: opts.to,
          ss58Prefix: ss58PrefixOf(spec),
          invariants: opts.checkInvariants ? { every: opts.every } : undefined,
          onBlock: (p) => bar.update(position() >= 0 ? position() : p.number, p.number, p.extrinsics),
        });
      } catch (e) {
        bar.stop();
        reader?.close();
        await verifier.close();
        await db?.close();
        if (e instanceof ReplayInputError || e instanceof BlockFileError) h.die(e.message);
        throw e;
      }
      bar.stop();
      reader?.close();
      await verifier.close();
      await db?.close();
      printReplay(result, spec.id, source);
      if (!result.ok) process.exit(1);
    });
}

/** Print a replay's summary (stdout) and its divergence (stderr). */
function printReplay(result: ReplayResult, chainId: string, source: string): void {
  const s = result.summary;
  const range = s.blocks === 0 ? 'genesis only' : `blocks #1..#${s.head.number}`;
  const lines = [
    `replay of chain ${chainId} from ${source}: ${result.ok ? 'OK' : result.divergence.kind === 'invariant' ? 'INVARIANT BROKEN' : 'DIVERGED'}`,
    `  blocks:      ${s.blocks} replayed (${range}) after genesis`,
    `  extrinsics:  ${s.extrinsics} (${s.signed} signed, every signature verified${s.verifiedInline > 0 ? `, ${s.verifiedInline} inline` : ''})`,
    `  certificates: ${s.certificates} verified against their height's validator set`,
    `  time:        ${s.seconds.toFixed(2)} s, ${rate(s.extrinsics, s.seconds)} extrinsics/s, ${rate(s.blocks, s.seconds)} blocks/s`,
    `  head:        #${s.head.number} ${toHex(s.head.hash)}, state root ${toHex(s.head.stateRoot)}`,
  ];
  if (s.invariantChecks > 0) {
    const at = s.invariantBlocks.length <= 8 ? s.invariantBlocks.map((n) => `#${n}`).join(', ') : `#${s.invariantBlocks[0]}, …, #${s.invariantBlocks[s.invariantBlocks.length - 1]}`;
    const broken = !result.ok && result.divergence.kind === 'invariant';
    lines.push(`  invariants:  ${broken ? 'BROKEN' : 'hold'}: checked on ${s.invariantChecks} state${s.invariantChecks === 1 ? '' : 's'} (after ${at})`);
  }
  if (s.comparedKeys > 0) {
    lines.push(`  node state:  ${result.ok ? 'matches' : 'compared with'} the replayed state (${s.comparedKeys} keys: stored trie${s.comparedFlatState ? ' and flat head table' : ''}) in ${s.compareSeconds.toFixed(2)} s`);
  }
  console.log(lines.join('\n'));
  if (!result.ok) {
    const d = result.divergence;
    if (d.kind === 'invariant' && d.invariants !== undefined) {
      const broken = d.invariants.map((f) => `  ${f.check}: ${f.message}`);
      console.error([`Error: invariants broken in the state after block #${d.number} ${toHex(d.hash)}:`, ...broken].join('\n'));
    } else {
      console.error(`Error: replay diverges at block #${d.number} ${toHex(d.hash)}: ${d.kind}: ${d.message}`);
    }
  }
}
