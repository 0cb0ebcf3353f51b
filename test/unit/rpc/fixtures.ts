/**
 * Methods shared by the RPC server tests.
 */
import { z } from 'zod';
import { RpcError } from '../../../src/rpc/errors.js';
import { hash32, optional, tupleParams, u32 } from '../../../src/rpc/params.js';
import { toHex } from '../../../src/primitives/bytes.js';
import type { RpcServer } from '../../../src/rpc/server.js';

/** Register the plain test methods. */
export function registerTestMethods(s: RpcServer): void {
  s.register({ name: 'add', params: tupleParams(u32, optional(u32)), handler: ([a, b]) => a + (b ?? 0) });
  s.register({
    name: 'asyncAdd',
    params: tupleParams(u32, u32),
    handler: async ([a, b]) => {
      await Promise.resolve();
      return a + b;
    },
  });
  s.register({ name: 'echo', params: tupleParams(z.unknown()), handler: ([v]) => v ?? null });
  s.register({ name: 'hash', params: tupleParams(hash32), handler: ([h]) => toHex(h) });
  s.register({ name: 'raw', handler: (p) => p });
  s.register({ name: 'named', params: z.object({ a: z.number() }), handler: ({ a }) => a * 2 });
  s.register({
    name: 'submit',
    handler: () => {
      throw new RpcError(1010, 'Invalid Transaction', 'Transaction has a bad signature');
    },
  });
  s.register({
    name: 'boom',
    handler: () => {
      throw new Error('secret internal detail');
    },
  });
  s.register({ name: 'reject', handler: () => Promise.reject(new Error('async secret')) });
  s.register({ name: 'throwString', handler: () => { throw 'not an error object'; } });
  s.register({ name: 'bigint', handler: () => 1n });
  s.register({ name: 'undef', handler: () => undefined });
  s.register({ name: 'big', params: tupleParams(u32), handler: ([n]) => 'x'.repeat(n) });
  s.register({ name: 'unsafeThing', unsafe: true, handler: () => 'done' });
}
