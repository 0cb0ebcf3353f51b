/**
 * Fuzzing the JSON-RPC surface of a real dev node process (fast-check): random calls of every method the node
 * lists (random, mistyped, oversized and near-valid parameters: random hex for extrinsics, keys, hashes and
 * runtime-API call data; valid hashes and keys mixed in), unknown method names, malformed request objects,
 * batches, unparseable text, binary frames and over-deep nesting, over WebSocket and HTTP. Every message gets
 * exactly the reply JSON-RPC 2.0 prescribes (a result or an error object, with the request's id), nothing hangs,
 * no call ends in an internal error, and afterwards the node still answers and its chain still advances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import WebSocket from 'ws';
import { u8aToHex } from '@polkadot/util';
import { randomAsU8a } from '@polkadot/util-crypto';
import { killAllNodes, makeTempBasePath, NodeProcess, removeBasePath } from '../helpers/node-process.js';
import { httpCall, RpcClient, withTimeout } from '../helpers/rpc-client.js';
import { accountKey, devAccount, EVENTS_KEY_HEX, head, signExtrinsic, transferKeepAliveCall, waitForHead, type HeaderJson } from './support.js';

/** Longest a single reply may take before the node counts as hung (ms). A bound, not a measurement. */
const REPLY_TIMEOUT_MS = 15_000;
/** Multiplier of the run counts for longer local runs (`CLIENTS_FUZZ_SCALE=20`); 1 in CI. */
const SCALE = Math.max(1, Number(process.env.CLIENTS_FUZZ_SCALE ?? 1) || 1);
/** Messages sent over each transport (500 in all at scale 1). */
const WS_RUNS = 300 * SCALE;
const HTTP_RUNS = 200 * SCALE;
/** Runtime APIs whose call data is fuzzed through `state_call`. */
const RUNTIME_APIS = [
  'Core_version',
  'Metadata_metadata',
  'Metadata_metadata_versions',
  'Metadata_metadata_at_version',
  'AccountNonceApi_account_nonce',
  'TransactionPaymentApi_query_info',
  'TransactionPaymentApi_query_fee_details',
  'TaggedTransactionQueue_validate_transaction',
  'BlockBuilder_apply_extrinsic',
  'Nope_nothing',
];

/** What must come back for one message. */
type Expected =
  /** One reply object with this id (or `null` too, when `orNull`: the server could not read the id). */
  | { kind: 'single'; id: string | number | null; orNull: boolean; mustBeError: boolean }
  /** One reply array holding one entry per id. */
  | { kind: 'batch'; ids: Array<string | number> };

/** A message to send and what it must get. */
interface Message {
  text: string | Buffer;
  expected: Expected;
  /** For diagnostics: what the generator made. */
  label: string;
}

/** A JSON-RPC reply object, as received. */
interface Reply {
  jsonrpc?: unknown;
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

/** Tallies of what the node answered. */
class Tally {
  readonly codes = new Map<number, number>();
  results = 0;
  readonly internal: string[] = [];

  /** One line: results and error codes with their counts. */
  summary(): string {
    return `${this.results} results; errors ${[...this.codes].sort((a, b) => a[0] - b[0]).map(([c, n]) => `${c}×${n}`).join(' ')}`;
  }

  record(r: Reply, label: string): void {
    if ('error' in r && r.error) {
      const code = r.error.code as number;
      this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
      if (code === -32603) this.internal.push(`${label} → ${JSON.stringify(r.error).slice(0, 300)}`);
    } else this.results++;
  }
}

/** Check one reply object's shape: JSON-RPC 2.0, exactly one of result/error, a well-formed error. */
function checkReplyShape(r: unknown, label: string): Reply {
  expect(typeof r === 'object' && r !== null && !Array.isArray(r), `${label}: reply is an object`).toBe(true);
  const o = r as Reply;
  expect(o.jsonrpc, `${label}: jsonrpc`).toBe('2.0');
  expect('result' in o !== 'error' in o, `${label}: exactly one of result/error in ${JSON.stringify(o).slice(0, 200)}`).toBe(true);
  if ('error' in o) {
    expect(Number.isInteger(o.error?.code), `${label}: integer error code`).toBe(true);
    expect(typeof o.error?.message, `${label}: error message`).toBe('string');
  }
  return o;
}

/** Check the reply (already parsed) against what the message must get, and tally it. */
function checkReply(reply: unknown, m: Message, tally: Tally): void {
  const e = m.expected;
  if (e.kind === 'batch') {
    expect(Array.isArray(reply), `${m.label}: batch reply is an array`).toBe(true);
    const entries = (reply as unknown[]).map((r) => checkReplyShape(r, m.label));
    expect(entries.map((r) => r.id).sort(), m.label).toEqual([...e.ids].sort());
    for (const r of entries) tally.record(r, m.label);
    return;
  }
  const r = checkReplyShape(reply, m.label);
  if (e.orNull) expect([e.id, null], `${m.label}: id`).toContain(r.id);
  else expect(r.id, `${m.label}: id`).toBe(e.id);
  if (e.mustBeError) expect('error' in r, `${m.label}: must be an error, got ${JSON.stringify(r).slice(0, 200)}`).toBe(true);
  tally.record(r, m.label);
}

/** A raw WebSocket that hands back each reply in order, skipping (and checking) subscription notifications. */
class RawSocket {
  private readonly queue: string[] = [];
  private waiter: (() => void) | undefined;
  private closedWith: string | undefined;
  notifications = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      this.queue.push(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString());
      this.wake();
    });
    ws.on('close', (code) => {
      this.closedWith = `closed with ${code}`;
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  static open(url: string): Promise<RawSocket> {
    return withTimeout(
      new Promise<RawSocket>((resolve, reject) => {
        const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
        ws.once('open', () => resolve(new RawSocket(ws)));
        ws.once('error', reject);
      }),
      REPLY_TIMEOUT_MS,
      'a WebSocket connection',
    );
  }

  send(data: string | Buffer): void {
    this.ws.send(data, { binary: typeof data !== 'string' });
  }

  /** The next message that is not a subscription notification, parsed (its text must be JSON). */
  async nextReply(label: string): Promise<unknown> {
    const take = async (): Promise<unknown> => {
      for (;;) {
        while (this.queue.length > 0) {
          const text = this.queue.shift()!;
          let v: unknown;
          try {
            v = JSON.parse(text);
          } catch {
            throw new Error(`${label}: the node sent text that is not JSON: ${text.slice(0, 200)}`);
          }
          const n = v as { method?: unknown; id?: unknown; params?: { subscription?: unknown } };
          if (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof n.method === 'string' && !('id' in n)) {
            expect(n.params?.subscription, `${label}: notification carries its subscription id`).toBeDefined();
            this.notifications++;
            continue;
          }
          return v;
        }
        if (this.closedWith) throw new Error(`${label}: the node closed the connection (${this.closedWith})`);
        await new Promise<void>((r) => (this.waiter = r));
      }
    };
    return withTimeout(take(), REPLY_TIMEOUT_MS, `the reply to ${label}`);
  }

  close(): void {
    this.ws.close();
  }
}

describe('fuzzing the JSON-RPC surface of a dev node process', () => {
  const basePath = makeTempBasePath('clients-fuzz');
  let node: NodeProcess;
  let rpc: RpcClient;
  let methods: string[];
  /** Values a near-valid parameter may take: real hashes, keys, accounts and a real signed extrinsic. */
  let realValues: string[];
  let validXt: Uint8Array;
  let nextId = 1;

  beforeAll(async () => {
    node = await NodeProcess.start({ basePath, blockTimeMs: 200, log: 'warn' });
    rpc = await RpcClient.connect(node.wsUrl);
    methods = (await rpc.call<{ methods: string[] }>('rpc_methods')).methods;
    const alice = await devAccount('Alice');
    const genesis = await rpc.call<string>('chain_getBlockHash', [0]);
    const { hash } = await head(rpc);
    validXt = signExtrinsic(alice, transferKeepAliveCall(randomAsU8a(32), 10n ** 12n), { genesisHash: Uint8Array.from(Buffer.from(genesis.slice(2), 'hex')) }, { nonce: 0 });
    realValues = [genesis, hash, accountKey(alice.publicKey), EVENTS_KEY_HEX, u8aToHex(alice.publicKey), alice.address, u8aToHex(validXt), '0x', '0x0', '0xzz', '', 'latest'];
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

  /** The message generators; `binary` adds raw binary frames (WebSocket only). */
  function messageArb(binary: boolean): fc.Arbitrary<Message> {
    const hex = (max: number) => fc.uint8Array({ maxLength: max }).map((b) => u8aToHex(b));
    // A real signed extrinsic with a few bytes changed, cut short or extended: near-valid input for the decoders.
    const mutatedXt = fc
      .tuple(
        fc.array(fc.tuple(fc.nat({ max: validXt.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: -20, max: 20 }), weight: 1 }),
      )
      .map(([edits, resize]) => {
        const b = new Uint8Array(Math.max(0, validXt.length + resize));
        b.set(validXt.subarray(0, Math.min(b.length, validXt.length)));
        for (const [i, v] of edits) if (i < b.length) b[i] = v;
        return u8aToHex(b);
      });
    const leaf = fc.oneof(
      fc.integer(),
      fc.double(),
      fc.constantFrom(-1, 0, 1, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 64, 1e308, -1e308, 0.5),
      fc.string({ maxLength: 20 }),
      fc.boolean(),
      fc.constant(null),
      hex(40),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => u8aToHex(b)),
      fc.constantFrom(...realValues),
      mutatedXt,
    );
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 3 })),
    }));
    // Rare, large: arrays of thousands of elements, long hex.
    const huge = fc.oneof(
      fc.integer({ min: 1_000, max: 50_000 }).map((n) => new Array<number>(n).fill(7)),
      fc.integer({ min: 1_000, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => `0x${(i % 256).toString(16).padStart(2, '0')}`)),
      fc.integer({ min: 10_000, max: 200_000 }).map((n) => `0x${'ab'.repeat(n)}`),
    );
    const param = fc.oneof({ arbitrary: value, weight: 10 }, { arbitrary: huge, weight: 1 });
    // Short positional lists of plausible values: these get past parameter validation into the handlers.
    const plausible = fc.array(fc.oneof(fc.constantFrom(...realValues), hex(40), mutatedXt, fc.nat({ max: 2_000 }), fc.constant(null)), { maxLength: 4 });
    const params = fc.oneof(
      { arbitrary: fc.array(param, { maxLength: 5 }), weight: 6 },
      { arbitrary: plausible, weight: 6 },
      { arbitrary: fc.tuple(fc.constantFrom(...RUNTIME_APIS), fc.oneof(hex(300), mutatedXt, fc.constantFrom(...realValues))).map((t) => [...t]), weight: 2 },
      { arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), param, { maxKeys: 3 }), weight: 1 },
      { arbitrary: fc.constantFrom(null, undefined, 'x', 5, true), weight: 1 },
    );
    const method = fc.oneof(
      { arbitrary: fc.constantFrom(...methods), weight: 12 },
      { arbitrary: fc.constant('state_call'), weight: 2 },
      { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
      { arbitrary: fc.constantFrom(...methods).map((m) => `${m}_`), weight: 1 },
    );
    const id = () => nextId++;

    /** A well-formed request (its method and params may be anything). */
    const request = fc.tuple(method, params).map(([m, p]) => {
      const i = id();
      const req: Record<string, unknown> = { jsonrpc: '2.0', id: i, method: m };
      if (p !== undefined) req.params = p;
      return { req, id: i };
    });
    const single = request.map(({ req, id: i }) => ({ text: JSON.stringify(req), expected: { kind: 'single', id: i, orNull: false, mustBeError: false }, label: `${String(req.method)}(${JSON.stringify(req.params ?? null).slice(0, 120)})` }) as Message);
    const batch = fc.array(request, { minLength: 1, maxLength: 6 }).map((rs) => ({
      text: JSON.stringify(rs.map((r) => r.req)),
      expected: { kind: 'batch', ids: rs.map((r) => r.id) },
      label: `batch of ${rs.map((r) => String(r.req.method)).join(',')}`,
    }) as Message);
    // A request object broken in one member: answered with an error, with its id when the id is readable.
    const brokenObject = fc
      .tuple(request, fc.constantFrom('jsonrpc-1.0', 'no-jsonrpc', 'method-number', 'method-missing', 'params-string', 'id-object', 'id-bool', 'extra-member'))
      .map(([{ req, id: i }, how]) => {
        const r: Record<string, unknown> = { ...req };
        if (how === 'jsonrpc-1.0') r.jsonrpc = '1.0';
        if (how === 'no-jsonrpc') delete r.jsonrpc;
        if (how === 'method-number') r.method = 42;
        if (how === 'method-missing') delete r.method;
        if (how === 'params-string') r.params = 'not-an-array';
        if (how === 'id-object') r.id = { nested: i };
        if (how === 'id-bool') r.id = true;
        if (how === 'extra-member') r.extra = 1;
        // An extra member is allowed (serde ignores unknown fields): then the request is valid.
        const mustBeError = how !== 'extra-member';
        return { text: JSON.stringify(r), expected: { kind: 'single', id: i, orNull: true, mustBeError }, label: `broken request (${how})` } as Message;
      });
    // Valid JSON that is not a request and not a batch.
    const notRequest = fc
      .oneof(fc.integer(), fc.string({ maxLength: 20 }), fc.boolean(), fc.constant(null), fc.dictionary(fc.string({ maxLength: 5 }).filter((k) => !['id', 'method', 'jsonrpc', 'params', '__proto__'].includes(k)), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }))
      .map((v) => ({ text: JSON.stringify(v), expected: { kind: 'single', id: null, orNull: false, mustBeError: true }, label: `not a request: ${JSON.stringify(v).slice(0, 80)}` }) as Message);
    // Text that is not JSON: a request cut short, or with garbage spliced in.
    const garbage = fc
      .tuple(request, fc.nat(), fc.string({ minLength: 1, maxLength: 10 }))
      .map(([{ req }, cut, junk]) => {
        const s = JSON.stringify(req);
        const at = 1 + (cut % (s.length - 1));
        return cut % 2 === 0 ? s.slice(0, at) : `${s.slice(0, at)}{${junk}${s.slice(at)}`;
      })
      .filter((t) => {
        try {
          JSON.parse(t);
          return false;
        } catch {
          return true;
        }
      })
      .map((t) => ({ text: t, expected: { kind: 'single', id: null, orNull: false, mustBeError: true }, label: `garbage: ${t.slice(0, 80)}` }) as Message);
    // A request whose params nest 2..300 levels deep ([[]] is already a bad parameter) (over 128 is a parse error, id unreadable).
    const deep = fc.integer({ min: 2, max: 300 }).map((d) => {
      const i = id();
      return { text: `{"jsonrpc":"2.0","id":${i},"method":"system_health","params":${'['.repeat(d)}${']'.repeat(d)}}`, expected: { kind: 'single', id: i, orNull: true, mustBeError: true }, label: `nested ${d} deep` } as Message;
    });
    // Extrinsic-taking methods with a (mutated) real extrinsic or random bytes: the decoders and validity checks.
    const xtCall = fc
      .tuple(
        fc.constantFrom('author_submitExtrinsic', 'author_submitAndWatchExtrinsic', 'system_dryRun', 'payment_queryInfo', 'payment_queryFeeDetails'),
        fc.oneof({ arbitrary: mutatedXt, weight: 4 }, { arbitrary: hex(200), weight: 1 }),
        fc.option(fc.constantFrom(...realValues.slice(0, 2)), { nil: undefined }),
      )
      .map(([m, xt, at]) => {
        const i = id();
        const p = at === undefined ? [xt] : [xt, at];
        return { text: JSON.stringify({ jsonrpc: '2.0', id: i, method: m, params: p }), expected: { kind: 'single', id: i, orNull: false, mustBeError: false }, label: `${m}(${xt.slice(0, 80)}…)` } as Message;
      });
    const arbs: Array<{ arbitrary: fc.Arbitrary<Message>; weight: number }> = [
      { arbitrary: single, weight: 14 },
      { arbitrary: xtCall, weight: 3 },
      { arbitrary: batch, weight: 3 },
      { arbitrary: brokenObject, weight: 2 },
      { arbitrary: notRequest, weight: 1 },
      { arbitrary: garbage, weight: 2 },
      { arbitrary: deep, weight: 1 },
    ];
    if (binary) {
      // Random bytes as a binary frame: read as UTF-8 text, which is not JSON (checked).
      const bin = fc
        .uint8Array({ minLength: 1, maxLength: 64 })
        .filter((b) => {
          try {
            JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b));
            return false;
          } catch {
            return true;
          }
        })
        .map((b) => ({ text: Buffer.from(b), expected: { kind: 'single', id: null, orNull: false, mustBeError: true }, label: `binary ${u8aToHex(b)}` }) as Message);
      arbs.push({ arbitrary: bin, weight: 1 });
    }
    return fc.oneof(...arbs);
  }

  /** After the fuzzing: the node answers on both transports, is still running, and keeps authoring blocks. */
  async function stillHealthy(): Promise<void> {
    expect(node.exit, node.output().slice(-2000)).toBeUndefined();
    expect(await rpc.call('system_health')).toMatchObject({ isSyncing: false });
    const http = await httpCall(node.httpUrl, 'system_health');
    expect(http.status).toBe(200);
    expect(http.body.result).toMatchObject({ isSyncing: false });
    const heads = await rpc.subscribe<HeaderJson>('chain_subscribeNewHeads', [], 'chain_unsubscribeNewHeads');
    const from = (await head(rpc)).number;
    await waitForHead(heads, from + 3);
    await heads.unsubscribe();
  }

  it(`over WebSocket: ${WS_RUNS} random and malformed messages each get their JSON-RPC reply`, async () => {
    const socket = await RawSocket.open(node.wsUrl);
    const tally = new Tally();
    try {
      await fc.assert(
        fc.asyncProperty(messageArb(true), async (m) => {
          socket.send(m.text);
          checkReply(await socket.nextReply(m.label), m, tally);
        }),
        { numRuns: WS_RUNS, endOnFailure: true },
      );
    } finally {
      socket.close();
    }
    console.log(`[fuzz] WebSocket: ${tally.summary()}; ${socket.notifications} notifications skipped`);
    expect(tally.internal, 'calls that ended in -32603 Internal error').toEqual([]);
    // The mix reached the handlers: results, invalid params, unknown methods and parse errors all occurred.
    expect(tally.results).toBeGreaterThan(0);
    for (const code of [-32700, -32601, -32602]) expect(tally.codes.get(code) ?? 0, `code ${code}`).toBeGreaterThan(0);
    await stillHealthy();
  });

  it(`over HTTP: ${HTTP_RUNS} random and malformed bodies each get their JSON-RPC reply`, async () => {
    const tally = new Tally();
    await fc.assert(
      fc.asyncProperty(messageArb(false), async (m) => {
        const res = await fetch(node.httpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: m.text, signal: AbortSignal.timeout(REPLY_TIMEOUT_MS) });
        // Substrate answers JSON-RPC errors with 200, and malformed bodies with 400; never a server error.
        expect([200, 400], `${m.label}: HTTP status ${res.status}`).toContain(res.status);
        const text = await res.text();
        let reply: unknown;
        try {
          reply = JSON.parse(text);
        } catch {
          throw new Error(`${m.label}: the body is not JSON: ${text.slice(0, 200)}`);
        }
        checkReply(reply, m, tally);
      }),
      { numRuns: HTTP_RUNS, endOnFailure: true },
    );
    console.log(`[fuzz] HTTP: ${tally.summary()}`);
    expect(tally.internal, 'calls that ended in -32603 Internal error').toEqual([]);
    expect(tally.results).toBeGreaterThan(0);
    for (const code of [-32700, -32601, -32602]) expect(tally.codes.get(code) ?? 0, `code ${code}`).toBeGreaterThan(0);
    await stillHealthy();
  });
});
