/**
 * `dcn-node feeder`: the off-chain price feeder (src/node/feeder.ts) on the command line.
 *
 *   dcn-node feeder --rpc ws://127.0.0.1:9944 --suri //Alice \
 *     --source 'https://api.example.com/ticker?pair=XFGUSD::data.price' --source 'http://…::[0].last' \
 *     [--interval 60] [--min-sources 1] [--once]
 *
 * Exit codes: 0 stopped by a signal, or `--once` fed a price; 1 `--once` fed nothing; 2 bad flags.
 */
import { Option, type Command } from 'commander';
import { createLogger, LOG_LEVELS, type LogLevel } from '../node/logger.js';
import { createFeederContext, parseFeederConfig, runFeeder, type FeederConfig } from '../node/feeder.js';
import type { CliHelpers } from './chain-tools.js';

/** Register the `feeder` command on `program`. */
export function registerFeeder(program: Command, h: Pick<CliHelpers, 'die' | 'intFlag'>): void {
  program
    .command('feeder')
    .description('Poll HTTP JSON price sources and submit their median to oracle.feed every interval')
    .option('--rpc <url>', 'node JSON-RPC endpoint (ws://, wss://, http:// or https://)', 'ws://127.0.0.1:9944')
    .requiredOption('--suri <suri>', "the feeder's secret URI (//Alice, a mnemonic, a 0x seed)")
    .addOption(new Option('--scheme <scheme>', 'key scheme').choices(['sr25519', 'ed25519']).default('sr25519'))
    .option('--source <url::jsonpath>', 'a price source: URL, "::", JSON path (data.price, [0].last); repeatable', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--price <decimal>', 'also feed this fixed price (UDST per XFG) as a source: for development chains')
    .option('--interval <seconds>', 'seconds between rounds', h.intFlag('--interval', 1, 86_400), 60)
    .option('--min-sources <n>', 'readable sources needed to feed (fewer: nothing fed that round)', h.intFlag('--min-sources', 1, 16), 1)
    .option('--timeout <ms>', 'per-source HTTP timeout in ms', h.intFlag('--timeout', 100, 60_000), 10_000)
    .option('--once', 'run one round and exit (0 when a price was fed, 1 otherwise)', false)
    .addOption(new Option('--log <level>', 'log level').choices([...LOG_LEVELS]).default('info'))
    .action(async (opts) => {
      let cfg: FeederConfig;
      try {
        cfg = parseFeederConfig({
          rpc: opts.rpc,
          suri: opts.suri,
          scheme: opts.scheme,
          sources: opts.source,
          fixedPrice: opts.price,
          intervalMs: opts.interval * 1000,
          minSources: opts.minSources,
          timeoutMs: opts.timeout,
        });
      } catch (e) {
        h.die((e as Error).message);
      }
      const logger = createLogger(opts.log as LogLevel, 'dcn-feeder');
      let fc;
      try {
        fc = await createFeederContext(cfg, logger);
      } catch (e) {
        h.die(`--suri: ${(e as Error).message}`);
      }
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      const last = await runFeeder(fc, { once: opts.once, signal: stop.signal });
      logger.flush();
      if (opts.once) process.exit(last?.status === 'fed' ? 0 : 1);
      process.exit(0);
    });
}
