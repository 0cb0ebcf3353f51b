// @ts-check
import tseslint from 'typescript-eslint';

/** Modules the deterministic layers (primitives, trie, runtime, pallets) must never import. */
const IMPURE_MODULES = [
  'fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https',
  'dgram', 'node:dgram', 'child_process', 'node:child_process', 'worker_threads', 'node:worker_threads',
  'os', 'node:os', 'perf_hooks', 'node:perf_hooks', 'timers', 'node:timers', 'timers/promises', 'node:timers/promises',
  'crypto', 'node:crypto', 'process', 'node:process', 'cluster', 'node:cluster', 'readline', 'node:readline',
  'level', 'classic-level', 'libp2p', 'ws', 'pino',
];
const IMPURE_PATTERNS = [
  '**/consensus/**', '**/p2p/**', '**/storage/**', '**/rpc/**', '**/node/**', '**/txpool/**', '**/cli', '**/cli.js',
  '@libp2p/*', '@chainsafe/*',
];

/** The determinism boundary as `no-restricted-imports` patterns (a later block for the same files repeats them: rules do not merge). */
const IMPURE_GROUP = { group: IMPURE_PATTERNS, message: 'The runtime sees no I/O and no outer layer (DESIGN.md, Layers).' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The CLI, scripts, benchmarks and tests talk to a terminal.
    files: ['src/cli.ts', 'src/cli/**', 'scripts/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Node boundary (issue 10): the node, RPC, CLI and consensus use the runtime only through its one interface
    // (`NodeRuntime`, src/runtime/host.ts, wired from src/chain/): they never read or write a pallet's storage. A
    // pallet's storage module is off limits altogether; its other modules (index, calls, hooks, interface, genesis…:
    // the runtime's side, whose helpers read or write storage given a state) only for types. Its types.ts (types and
    // codecs) and math.ts (pure maths) stay importable.
    files: ['src/node/**/*.ts', 'src/rpc/**/*.ts', 'src/cli/**/*.ts', 'src/cli.ts', 'src/consensus/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          {
            group: ['**/pallets/*/storage', '**/pallets/*/storage.*', '**/pallets/*/storage/**'],
            message: 'node/, rpc/, cli/ and consensus/ never touch pallet storage: read the state through the runtime\'s interface (NodeRuntime in src/runtime/host.ts: validators, blockTime, accountNonce, events, queries, runtime APIs), or add what you need there (src/chain/host.ts).',
          },
          {
            group: ['**/pallets/*/*', '!**/pallets/*/types', '!**/pallets/*/types.*', '!**/pallets/*/math', '!**/pallets/*/math.*', '!**/pallets/*/storage*'],
            allowTypeImports: true,
            message: 'A pallet\'s modules besides types.ts and math.ts are the runtime\'s side (its declaration, calls, hooks, interface and the helpers that read or write its storage given a state): node/, rpc/, cli/ and consensus/ import only their types (`import type`), and reach the state through NodeRuntime (src/runtime/host.ts, wired in src/chain/host.ts).',
          },
        ],
      }],
    },
  },
  {
    // Determinism boundary (DESIGN.md): the state transition sees no I/O, clocks, randomness or outer layers.
    files: ['src/primitives/**/*.ts', 'src/trie/**/*.ts', 'src/runtime/**/*.ts', 'src/pallets/**/*.ts', 'src/chain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: IMPURE_MODULES, patterns: IMPURE_PATTERNS }],
      'no-restricted-globals': ['error',
        { name: 'Date', message: 'Use the block timestamp.' },
        { name: 'setTimeout', message: 'No timers in the runtime.' },
        { name: 'setInterval', message: 'No timers in the runtime.' },
        { name: 'setImmediate', message: 'No timers in the runtime.' },
        { name: 'performance', message: 'No clocks in the runtime.' },
        { name: 'process', message: 'No environment in the runtime.' },
        { name: 'fetch', message: 'No I/O in the runtime.' },
        { name: 'parseFloat', message: 'No floats in the runtime.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'No randomness in the runtime.' },
        { object: 'Math', property: 'pow', message: 'Use bigint arithmetic.' },
        { object: 'Math', property: 'sqrt', message: 'Use isqrt.' },
        { object: 'Math', property: 'floor', message: 'Use bigint arithmetic with a named rounding.' },
        { object: 'Math', property: 'ceil', message: 'Use bigint arithmetic with a named rounding.' },
        { object: 'Math', property: 'round', message: 'Use bigint arithmetic with a named rounding.' },
        { object: 'crypto', property: 'getRandomValues', message: 'No randomness in the runtime.' },
      ],
    },
  },
  {
    // The framework names no pallet and no chain: the chain (src/chain/) hands it the pallet list and services.
    files: ['src/runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: IMPURE_MODULES,
        patterns: [
          IMPURE_GROUP,
          { group: ['**/pallets/**', '**/chain/**', '**/chain'], message: 'src/runtime is the generic framework: it imports no pallet and no chain; take what you need as input (RuntimeDefinition).' },
        ],
      }],
    },
  },
  {
    // A pallet uses another only through its public surface (index.ts, interface.ts, types.ts), never its storage.
    files: ['src/pallets/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: IMPURE_MODULES,
        patterns: [
          IMPURE_GROUP,
          { group: ['../*/storage', '../*/storage.js', '../../pallets/*/storage', '../../pallets/*/storage.js', '**/chain/**', '**/chain'], message: 'A pallet reads another pallet only through its interface (index.ts, interface.ts, types.ts), never its storage.ts; and it never imports the chain.' },
        ],
      }],
    },
  },
);
