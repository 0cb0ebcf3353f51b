/**
 * The pure pieces of the RPC layer: message parsing and request validation, parameter schemas, the token
 * bucket (with an injected clock) and the origin policy.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_CORS_ORIGINS, isOriginAllowed } from '../../../src/rpc/cors.js';
import { ErrorCode, RpcError, ensureUnsafeAllowed } from '../../../src/rpc/errors.js';
import {
  blockNumber,
  boundedArray,
  describeIssues,
  fixedHexBytes,
  hash32,
  hexBytes,
  hexString,
  noParams,
  optional,
  optionalBlockHash,
  tupleParams,
  u32,
  u64,
} from '../../../src/rpc/params.js';
import {
  exceedsDepth,
  parseMessage,
  serializeError,
  serializeNotification,
  serializeResult,
  validateRequest,
} from '../../../src/rpc/protocol.js';
import { RateLimiter } from '../../../src/rpc/rate-limit.js';
import { toHex } from '../../../src/primitives/bytes.js';

describe('parseMessage / validateRequest', () => {
  it('classifies single, batch and unparsable messages', () => {
    expect(parseMessage('{"a":1}')).toEqual({ kind: 'single', value: { a: 1 } });
    expect(parseMessage('[1,2]')).toEqual({ kind: 'batch', values: [1, 2] });
    const bad = parseMessage('{"a":');
    expect(bad.kind).toBe('error');
    if (bad.kind === 'error') expect(bad.error.code).toBe(ErrorCode.ParseError);
  });

  it('measures nesting iteratively, including very deep values', () => {
    const nest = (d: number) => JSON.parse('['.repeat(d) + ']'.repeat(d)) as unknown;
    expect(exceedsDepth(nest(128), 128)).toBe(false);
    expect(exceedsDepth(nest(129), 128)).toBe(true);
    expect(exceedsDepth(nest(100_000), 128)).toBe(true);
    expect(exceedsDepth({ a: { b: { c: 1 } } }, 3)).toBe(false);
    expect(exceedsDepth({ a: { b: { c: {} } } }, 3)).toBe(true);
    expect(exceedsDepth('scalar', 0)).toBe(false);
  });

  it('tells a notification (no id member) from a request with id null', () => {
    const n = validateRequest({ jsonrpc: '2.0', method: 'm' });
    expect(n.ok && n.request.isNotification).toBe(true);
    const r = validateRequest({ jsonrpc: '2.0', method: 'm', id: null });
    expect(r.ok && !r.request.isNotification && r.request.id === null).toBe(true);
    const p = validateRequest({ jsonrpc: '2.0', method: 'm', id: 1, params: null });
    expect(p.ok && p.request.params).toEqual([]);
  });

  it('serializes responses: undefined result as null, unserializable data dropped', () => {
    expect(JSON.parse(serializeResult(1, undefined))).toEqual({ jsonrpc: '2.0', id: 1, result: null });
    expect(() => serializeResult(1, 1n)).toThrow(TypeError);
    expect(JSON.parse(serializeError(2, { code: 1, message: 'm', data: 1n }))).toEqual({ jsonrpc: '2.0', id: 2, error: { code: 1, message: 'm' } });
    expect(JSON.parse(serializeNotification('n', 's', { x: 1 }))).toEqual({ jsonrpc: '2.0', method: 'n', params: { subscription: 's', result: { x: 1 } } });
  });

  it('never throws and always yields a valid verdict for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const out = validateRequest(v);
        if (out.ok) {
          expect(typeof out.request.method).toBe('string');
          expect(typeof out.request.params).toBe('object');
        } else {
          expect(out.error.code).toBe(ErrorCode.InvalidRequest);
          expect(out.id === null || typeof out.id === 'string' || typeof out.id === 'number').toBe(true);
        }
      }),
    );
  });
});

describe('params', () => {
  it('hex schemas', () => {
    expect(hexString.parse('0xABcd')).toBe('0xabcd');
    expect(hexString.parse('0x')).toBe('0x');
    for (const bad of ['abcd', '0xabc', '0xzz', '', 12]) expect(hexString.safeParse(bad).success).toBe(false);
    expect(hexBytes.parse('0x0102')).toEqual(new Uint8Array([1, 2]));
    expect(hash32.parse(`0x${'ff'.repeat(32)}`)).toEqual(new Uint8Array(32).fill(255));
    expect(hash32.safeParse(`0x${'ff'.repeat(31)}`).success).toBe(false);
    expect(hash32.safeParse(`0x${'ff'.repeat(33)}`).success).toBe(false);
    expect(fixedHexBytes(4).parse('0x01020304')).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(() => fixedHexBytes(0)).toThrow(RangeError);
  });

  it('hexBytes round-trips every byte string', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      expect(hexBytes.parse(toHex(b))).toEqual(b);
    }));
  });

  it('number schemas', () => {
    expect(u32.parse(0xffff_ffff)).toBe(0xffff_ffff);
    for (const bad of [-1, 2 ** 32, 1.5, '1', Number.NaN, Infinity, null]) expect(u32.safeParse(bad).success).toBe(false);
    expect(u64.parse('0xffffffffffffffff')).toBe(2n ** 64n - 1n);
    expect(u64.parse('18446744073709551615')).toBe(2n ** 64n - 1n);
    expect(u64.parse(42)).toBe(42n);
    for (const bad of ['18446744073709551616', '0x10000000000000000', -1, 2 ** 53, '0x', '-1']) {
      expect(u64.safeParse(bad).success, String(bad)).toBe(false);
    }
    expect(blockNumber.parse(7)).toBe(7);
    expect(blockNumber.parse('0x1f')).toBe(31);
    expect(blockNumber.parse('0xffffffff')).toBe(0xffff_ffff);
    expect(blockNumber.safeParse('0x100000000').success).toBe(false);
    expect(blockNumber.safeParse('12').success).toBe(false);
  });

  it('optional and tupleParams: trailing optionals omitted or null, extras refused', () => {
    const p = tupleParams(hexBytes, optional(u32), optionalBlockHash);
    expect(p.parse(['0x01'])).toEqual([new Uint8Array([1]), undefined, undefined]);
    expect(p.parse(['0x01', null, null])).toEqual([new Uint8Array([1]), undefined, undefined]);
    expect(p.parse(['0x01', 3])).toEqual([new Uint8Array([1]), 3, undefined]);
    expect(p.safeParse([]).success).toBe(false);
    expect(p.safeParse(['0x01', 1, null, 'extra']).success).toBe(false);
    expect(noParams.parse([])).toEqual([]);
    expect(noParams.safeParse([1]).success).toBe(false);
    expect(() => tupleParams(optional(u32), u32)).toThrow(/required parameter 1 follows an optional one/);
    // Types: the handler sees decoded values.
    const typed: z.output<typeof p> = [new Uint8Array(), 1, undefined];
    expect(typed.length).toBe(3);
  });

  it('boundedArray and describeIssues', () => {
    const keys = tupleParams(boundedArray(hexBytes, 2));
    expect(keys.parse([['0x01', '0x02']])).toEqual([[new Uint8Array([1]), new Uint8Array([2])]]);
    const r = keys.safeParse([['0x01', '0x02', '0x03']]);
    expect(r.success).toBe(false);
    if (!r.success) expect(describeIssues(r.error)).toBe('params[0]: expected at most 2 elements');
    const eight = Array.from({ length: 8 }, () => z.string()) as [z.ZodString, ...z.ZodString[]];
    const many = z.tuple(eight).safeParse(Array(8).fill(1));
    if (!many.success) expect(describeIssues(many.error)).toMatch(/params\[4\].*; and 3 more$/);
    const nested = z.tuple([z.object({ a: z.object({ b: z.string() }) })]).safeParse([{ a: { b: 1 } }]);
    if (!nested.success) expect(describeIssues(nested.error)).toMatch(/^params\[0\]\.a\.b: /);
  });
});

describe('RpcError', () => {
  it('keeps code, message and data; refuses non-integer codes', () => {
    const e = new RpcError(1010, 'Invalid Transaction', 'Transaction is outdated');
    expect(e.toErrorObject()).toEqual({ code: 1010, message: 'Invalid Transaction', data: 'Transaction is outdated' });
    expect(new RpcError(1, 'm').toErrorObject()).toEqual({ code: 1, message: 'm' });
    expect(() => new RpcError(1.5, 'm')).toThrow(TypeError);
    expect(() => ensureUnsafeAllowed({ unsafeAllowed: false })).toThrow(RpcError);
    expect(() => ensureUnsafeAllowed({ unsafeAllowed: true })).not.toThrow();
  });
});

describe('RateLimiter', () => {
  it('allows a burst of `rate`, then one call per 1/rate seconds', () => {
    let now = 0;
    const l = new RateLimiter(2, () => now);
    expect([l.tryTake('a'), l.tryTake('a'), l.tryTake('a')]).toEqual([true, true, false]);
    expect(l.tryTake('b')).toBe(true);
    now += 499;
    expect(l.tryTake('a')).toBe(false);
    now += 1;
    expect(l.tryTake('a')).toBe(true);
    expect(l.tryTake('a')).toBe(false);
  });

  it('treats a clock going backwards as no time passing', () => {
    let now = 10_000;
    const l = new RateLimiter(1, () => now);
    expect(l.tryTake('a')).toBe(true);
    now = 0;
    expect(l.tryTake('a')).toBe(false);
    now = 999;
    expect(l.tryTake('a')).toBe(false);
    now = 10_999;
    expect(l.tryTake('a')).toBe(false);
    now = 11_000;
    expect(l.tryTake('a')).toBe(true);
  });

  it('never allows more than burst + rate × elapsed calls', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 200 }),
        (rate, steps) => {
          let now = 0;
          const l = new RateLimiter(rate, () => now);
          let allowed = 0;
          for (const dt of steps) {
            now += dt;
            if (l.tryTake('k')) allowed++;
          }
          expect(allowed).toBeLessThanOrEqual(rate + Math.floor((now * rate) / 1000));
        },
      ),
    );
  });

  it('tracks at most maxKeys keys, forgetting the least recently used', () => {
    const now = 0;
    const l = new RateLimiter(1, () => now, 3);
    for (const k of ['a', 'b', 'c']) expect(l.tryTake(k)).toBe(true);
    expect(l.tryTake('a')).toBe(false); // 'a' is now the most recently used
    expect(l.tryTake('d')).toBe(true); // evicts 'b'
    expect(l.size).toBe(3);
    expect(l.tryTake('a')).toBe(false);
    expect(l.tryTake('b')).toBe(true); // forgotten, so a fresh bucket
  });
});

describe('isOriginAllowed', () => {
  it('applies the policy', () => {
    expect(isOriginAllowed('none', undefined)).toBe(true);
    expect(isOriginAllowed('none', 'http://localhost')).toBe(false);
    expect(isOriginAllowed('all', 'https://x.example')).toBe(true);
    const d = DEFAULT_CORS_ORIGINS;
    expect(isOriginAllowed(d, 'http://localhost:3000')).toBe(true);
    expect(isOriginAllowed(d, 'http://localhost')).toBe(true);
    expect(isOriginAllowed(d, 'https://polkadot.js.org')).toBe(true);
    expect(isOriginAllowed(d, 'HTTPS://POLKADOT.JS.ORG/')).toBe(true);
    expect(isOriginAllowed(d, 'https://polkadot.js.org.evil.example')).toBe(false);
    expect(isOriginAllowed(d, 'http://localhost.evil.example')).toBe(false);
    expect(isOriginAllowed(d, 'http://localhost:3000.evil')).toBe(false);
    expect(isOriginAllowed(d, 'null')).toBe(false);
    expect(isOriginAllowed(['null'], 'null')).toBe(true);
  });
});
