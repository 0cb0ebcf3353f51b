/**
 * Author a chain of signed transfers into a base path, for trying `replay`, `export-blocks` and `import-blocks` by
 * hand (the tests and benchmarks use the same generator):
 *
 *   node --import tsx scripts/make-transfer-chain.ts --base-path /tmp/dcn [--chain dev] [--transfers 1000]
 *        [--per-block 100] [--accounts 20] [--seed 1]
 *
 * Senders: //Alice, //Bob, //Charlie, //Dave, //Eve, //Ferdie (funded at genesis on dev and local) and
 * `--accounts` derived accounts //0, //1, … funded by //Alice in the first block(s).
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { initCrypto } from '../src/crypto/keys.js';
import { SignatureVerifier } from '../src/crypto/verifier-pool.js';
import { toHex } from '../src/primitives/bytes.js';
import { loadChainSpec } from '../src/node/chain-spec.js';
import { openChain } from '../src/node/node.js';
import { buildTransferChain, devSigner } from '../src/node/transfer-chain.js';
import { TransactionService } from '../src/node/transactions.js';
import { XFG } from '../src/chain/index.js';

const { values } = parseArgs({
  options: {
    'base-path': { type: 'string' },
    chain: { type: 'string', default: 'dev' },
    transfers: { type: 'string', default: '1000' },
    'per-block': { type: 'string', default: '100' },
    accounts: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
  },
});

function count(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`Error: --${name} must be an integer between ${min} and ${max}, got ${v}`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  if (values['base-path'] === undefined) {
    console.error('Error: --base-path is required');
    process.exit(2);
  }
  const transfers = count('transfers', values.transfers, 1, 10_000_000);
  const perBlock = count('per-block', values['per-block'], 1, 5000);
  const accounts = count('accounts', values.accounts, 0, 10_000);
  await initCrypto();
  const logger = pino({ level: 'warn' });
  const spec = loadChainSpec(values.chain!);
  const chain = await openChain(spec, values['base-path'], logger);
  const verifier = new SignatureVerifier();
  const txs = new TransactionService(chain, verifier, logger);
  const dev = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'].map(devSigner);
  const derived = Array.from({ length: accounts }, (_, i) => devSigner(String(i)));
  const t0 = Date.now();
  const r = await buildTransferChain(chain, txs, {
    author: dev[0].publicKey,
    senders: dev,
    fund: accounts > 0 ? { funder: dev[0], accounts: derived, amount: 1000n * XFG } : undefined,
    transfers,
    perBlock,
    seed: count('seed', values.seed, 0, 2 ** 32 - 1),
    onBlock: (b, n) => process.stderr.write(`\r#${b.header.number}: ${n}/${transfers} transfers`),
  });
  process.stderr.write('\n');
  const head = chain.head;
  console.log(`${r.blocks} blocks, ${r.transfers} signed transfers in ${((Date.now() - t0) / 1000).toFixed(1)} s; head #${head.number} ${toHex(head.hash)}`);
  await verifier.close();
  await chain.db.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
