/**
 * CLI commands over a chain's blocks: export-blocks, import-blocks and the auditor's replay.
 */
import type { Command } from 'commander';
import type { ChainSpec } from '../node/chain-spec.js';

/** Helpers shared with `cli.ts`. */
export interface CliHelpers {
  die(message: string, code?: number): never;
  loadOrDie(chain: string): ChainSpec;
  intFlag(name: string, min: number, max: number): (v: string) => number;
}

/** Register export-blocks, import-blocks and replay. */
export function registerChainTools(_program: Command, _h: CliHelpers): void {}
