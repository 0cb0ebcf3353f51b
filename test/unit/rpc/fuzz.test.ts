/**
 * Fuzz: random and malformed messages thrown at both transports. Every reply must be a valid JSON-RPC response
 * (or batch of them, or a subscription notification), reply ids must come from the requests, the WebSocket must
 * stay open, and the server must still answer a normal call afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTestMethods } from './fixtures.js';
import { expectValidReply, post, startServer, TestWs, type Reply, type Started } from './helpers.js';

let srv: Started;

beforeAll(async () => {
  srv = await startServer({ maxRequestBytes: 64 * 1024, maxBatchSize: 10, maxSubscriptionsPerConnection: 5 }, (s) => {
    registerTestMethods(s);
    s.registerSubscription({
      subscribe: 'fuzz_subscribe',
      unsubscribe: 'fuzz_unsubscribe',
      notification: 'fuzz_item',
      start: (_p, emit) => {
        emit('hello');
        return () => {};
      },
    });
  });
});

afterAll(async () => {
  await srv.server.close();
});

const REGISTERED = [
  'add', 'asyncAdd', 'echo', 'hash', 'raw', 'named', 'submit', 'boom', 'reject', 'throwString', 'bigint', 'undef',
  'big', 'unsafeThing', 'fuzz_subscribe', 'fuzz_unsubscribe',
];
const METHODS = [...REGISTERED, 'nope', '', 'toString', '__proto__', 'constructor'];

const anyJson = fc.jsonValue({ maxDepth: 4 });

/** Something shaped like a request, with every member possibly wrong or missing. */
const requestLike = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.constant('1.0'), anyJson),
    id: fc.oneof(fc.nat(), fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null), fc.double(), anyJson),
    method: fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 12 }), anyJson),
    params: fc.oneof(
      fc.constant([]),
      fc.constant(null),
      fc.tuple(fc.nat(), fc.nat()),
      fc.tuple(fc.integer({ min: -5, max: 2 ** 33 })),
      fc.array(anyJson, { maxLength: 4 }),
      fc.constant([`0x${'ab'.repeat(32)}`]),
      fc.constant(['0x12']),
      fc.constant({ a: 1 }),
      anyJson,
    ),
  },
  { requiredKeys: [] },
);

/** A well-formed call to a registered method with fuzzed parameters. */
const validCall = fc.record({
  jsonrpc: fc.constant('2.0'),
  id: fc.oneof(fc.nat(), fc.string({ maxLength: 8 })),
  method: fc.constantFrom(...REGISTERED),
  params: fc.oneof(
    fc.constant([]),
    fc.tuple(fc.nat({ max: 1_000 })),
    fc.tuple(fc.nat(), fc.nat()),
    fc.array(anyJson, { maxLength: 3 }),
    fc.constant({ a: 1 }),
  ),
});

const deepNesting = fc.nat({ max: 400 }).map((d) => `{"jsonrpc":"2.0","id":1,"method":"echo","params":[${'['.repeat(d)}${']'.repeat(d)}]}`);

const hugeNumbers = fc.constantFrom(
  '{"jsonrpc":"2.0","id":1e400,"method":"add","params":[1]}',
  '{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"add","params":[1e400]}',
  '{"jsonrpc":"2.0","id":-0,"method":"add","params":[-1e-400, 9007199254740993]}',
  '[1e999999]',
);

/** A message as text: valid, malformed or mutated. */
const message: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: validCall.map((v) => JSON.stringify(v)), weight: 3 },
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  anyJson.map((v) => JSON.stringify(v)),
  requestLike.map((v) => JSON.stringify(v)),
  fc.array(fc.oneof(requestLike, anyJson), { maxLength: 12 }).map((v) => JSON.stringify(v)),
  // Valid requests cut short or with a byte replaced.
  fc.tuple(requestLike, fc.nat(), fc.string({ minLength: 1, maxLength: 1 })).map(([r, at, ch]) => {
    const text = JSON.stringify(r);
    const i = at % (text.length + 1);
    return at % 2 === 0 ? text.slice(0, i) : text.slice(0, i) + ch + text.slice(i + 1);
  }),
  deepNesting,
  hugeNumbers,
);

/** Ids a reply may carry for this message: those of the well-formed request objects in it, or null. */
function idsIn(text: string): Set<unknown> {
  const ids = new Set<unknown>([null]);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return ids;
  }
  for (const item of Array.isArray(v) ? v : [v]) {
    if (typeof item === 'object' && item !== null && Object.hasOwn(item, 'id')) ids.add((item as { id: unknown }).id);
  }
  return ids;
}

/** How often each outcome was seen: `result`, `notification` or an error code. */
const seen = new Map<string, number>();
const tally = (k: string) => seen.set(k, (seen.get(k) ?? 0) + 1);

function checkMessage(m: unknown, allowedIds: Set<unknown>): void {
  if (typeof m === 'object' && m !== null && !Array.isArray(m) && 'method' in m) {
    // A subscription notification.
    const n = m as { jsonrpc: string; method: string; params: { subscription: unknown } };
    expect(n.jsonrpc).toBe('2.0');
    expect(n.method).toBe('fuzz_item');
    expect(typeof n.params.subscription).toBe('string');
    tally('notification');
    return;
  }
  expectValidReply(m);
  for (const r of (Array.isArray(m) ? m : [m]) as Reply[]) {
    expect(allowedIds.has(r.id), JSON.stringify(r)).toBe(true);
    tally(r.error ? String(r.error.code) : 'result');
  }
}

describe('fuzz', () => {
  it('over WebSocket: every reply is valid and the connection survives', async () => {
    const c = await TestWs.open(srv.wsUrl);
    const allowedIds = new Set<unknown>([null]);
    let sentinel = 0; // ≤ numRuns
    await fc.assert(
      fc.asyncProperty(message, fc.boolean(), async (text, binary) => {
        for (const id of idsIn(text)) allowedIds.add(id);
        c.ws.send(binary ? Buffer.from(text) : text, { binary });
        const id = `sentinel-${++sentinel}`;
        c.send({ jsonrpc: '2.0', id, method: 'add', params: [sentinel] });
        for (;;) {
          const m = await c.next();
          if ((m as Reply).id === id) {
            expect((m as Reply).result).toBe(sentinel);
            break;
          }
          checkMessage(m, allowedIds);
        }
      }),
      { numRuns: 400 },
    );
    // Raw bytes in binary frames.
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), async (bytes) => {
        c.ws.send(bytes, { binary: true });
        const id = `sentinel-${++sentinel}`;
        c.send({ jsonrpc: '2.0', id, method: 'add', params: [1] });
        for (;;) {
          const m = await c.next();
          if ((m as Reply).id === id) break;
          checkMessage(m, new Set([...allowedIds, ...idsIn(Buffer.from(bytes).toString())]));
        }
      }),
      { numRuns: 100 },
    );
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    expect(await c.result('add', [20, 22])).toBe(42);
    await c.close();
  });

  it('over HTTP: every reply is valid JSON-RPC and the server still answers', async () => {
    await fc.assert(
      fc.asyncProperty(message, async (text) => {
        const r = await post(srv.httpUrl, text);
        expect([200, 204]).toContain(r.status);
        if (r.status === 204) {
          expect(r.text).toBe('');
          return;
        }
        checkMessage(r.body, idsIn(text));
        expect(Array.isArray(r.body) ? 'method' in (r.body as object[])[0] : 'method' in (r.body as object)).toBe(false);
      }),
      { numRuns: 300 },
    );
    const r = await post(srv.httpUrl, { jsonrpc: '2.0', id: 1, method: 'add', params: [20, 22] });
    expect((r.body as Reply).result).toBe(42);
  });

  it('reached successes and every kind of error', () => {
    for (const k of ['result', '-32700', '-32600', '-32601', '-32602', '-32603', '1010']) {
      expect(seen.get(k) ?? 0, `${k} in ${JSON.stringify([...seen])}`).toBeGreaterThan(0);
    }
  });

  it('the server is still healthy after both runs', async () => {
    const c = await TestWs.open(srv.wsUrl);
    expect(await c.result('asyncAdd', [1, 2])).toBe(3);
    await c.close();
    // Every fuzz subscription ended with its connection.
    while (srv.server.stats().connections > 0) await new Promise((r) => setImmediate(r));
    expect(srv.server.stats()).toEqual({ connections: 0, subscriptions: 0 });
  });
});
