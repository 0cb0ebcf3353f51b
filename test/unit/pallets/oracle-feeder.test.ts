/**
 * The off-chain feeder's parts that need no node: exact decimal and JSON parsing (no floats), JSON paths, source
 * specs, configuration validation, and reading sources from real HTTP servers on 127.0.0.1 (good, failing,
 * malformed, silent, closed). The feeder against a real node is in test/e2e/feeder.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatPrice,
  JsonNumber,
  JsonSyntaxError,
  parseDecimalPrice,
  parseFeederConfig,
  parseJsonExact,
  parseJsonPath,
  parseSourceSpec,
  priceOfJson,
  readSource,
  selectJsonPath,
  sourcesOf,
  type JsonValue,
} from '../../../src/node/feeder.js';
import { PRICE_ONE } from '../../../src/pallets/oracle/math.js';

describe('parseDecimalPrice (FixedU128, exact, rounded down)', () => {
  it.each([
    ['0.5', PRICE_ONE / 2n],
    ['1', PRICE_ONE],
    ['0', 0n],
    ['123.456', 123_456_000_000_000_000_000n],
    ['0.123456789012345678901', 123_456_789_012_345_678n],
    ['0.000000000000000001', 1n],
    ['0.0000000000000000009', 0n],
    ['6.1e-1', 610_000_000_000_000_000n],
    ['1E3', 1_000n * PRICE_ONE],
    ['25e+1', 250n * PRICE_ONE],
    ['1.5e-20', 0n],
    // 0.1 has no exact binary float; here it is exactly 10^17.
    ['0.1', 100_000_000_000_000_000n],
  ])('%s', (raw, expected) => {
    expect(parseDecimalPrice(raw)).toBe(expected);
  });

  it.each(['-1', '', ' 1', '1 ', '0x10', '1.', '.5', 'NaN', 'Infinity', '1e61', '1,5', '+1'])('refuses %j', (raw) => {
    expect(() => parseDecimalPrice(raw)).toThrow();
  });

  it('formatPrice and parseDecimalPrice are inverse on every FixedU128 value', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }), (p) => parseDecimalPrice(formatPrice(p)) === p));
    expect(formatPrice(PRICE_ONE / 2n)).toBe('0.5');
    expect(formatPrice(3n * PRICE_ONE)).toBe('3');
  });
});

describe('parseJsonExact', () => {
  it('keeps numbers as their text, decodes strings, nests', () => {
    const v = parseJsonExact('{"a":[0.1000000000000000055511151231257827, -2e5, "x\\n"], "b": {"c": true, "d": null}}') as Record<string, JsonValue>;
    const a = v.a as JsonValue[];
    expect(a[0]).toEqual(new JsonNumber('0.1000000000000000055511151231257827'));
    expect(a[1]).toEqual(new JsonNumber('-2e5'));
    expect(a[2]).toBe('x\n');
    expect(v.b).toEqual(Object.assign(Object.create(null), { c: true, d: null }));
  });

  it('has the structure JSON.parse gives, for any JSON document', () => {
    const plain = (v: JsonValue): unknown =>
      v instanceof JsonNumber ? Number(v.raw) : Array.isArray(v) ? v.map(plain) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(plain(parseJsonExact(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('treats __proto__ as a plain key', () => {
    const v = parseJsonExact('{"__proto__": {"price": "1"}}');
    expect(selectJsonPath(v, ['__proto__', 'price'])).toBe('1');
    expect(({} as Record<string, unknown>).price).toBeUndefined();
  });

  it.each(['', '{', '{"a":1,}', '[1 2]', '"abc', '{"a":1} x', 'tru', '01', '{a:1}'])('refuses %j', (text) => {
    expect(() => parseJsonExact(text)).toThrow(JsonSyntaxError);
  });

  it('refuses nesting deeper than 64 levels', () => {
    expect(() => parseJsonExact('['.repeat(100) + ']'.repeat(100))).toThrow(/too deep/);
  });
});

describe('JSON paths', () => {
  it.each<[string, Array<string | number>]>([
    ['data.price', ['data', 'price']],
    ['[0].last', [0, 'last']],
    ['result.XXBTZUSD.c[0]', ['result', 'XXBTZUSD', 'c', 0]],
    ['data["last price"]', ['data', 'last price']],
    ["data['p']", ['data', 'p']],
    ['', []],
    ['price', ['price']],
  ])('%s', (path, expected) => {
    expect(parseJsonPath(path)).toEqual(expected);
  });

  it.each(['.a', 'a..b', 'a[x]', 'a[', 'a.'])('refuses %j', (path) => {
    expect(() => parseJsonPath(path)).toThrow(/invalid JSON path/);
  });

  it('selects numbers and decimal strings; anything else is no price', () => {
    const doc = parseJsonExact('{"data":{"price":"0.61","n":0.62,"o":{}},"list":[{"last":6.3e-1}]}');
    expect(priceOfJson(selectJsonPath(doc, parseJsonPath('data.price')))).toBe(610_000_000_000_000_000n);
    expect(priceOfJson(selectJsonPath(doc, parseJsonPath('data.n')))).toBe(620_000_000_000_000_000n);
    expect(priceOfJson(selectJsonPath(doc, parseJsonPath('list[0].last')))).toBe(630_000_000_000_000_000n);
    expect(() => priceOfJson(selectJsonPath(doc, parseJsonPath('data.o')))).toThrow(/object/);
    expect(() => priceOfJson(selectJsonPath(doc, parseJsonPath('data.missing')))).toThrow(/leads nowhere/);
    expect(() => priceOfJson(selectJsonPath(doc, parseJsonPath('list[1]')))).toThrow(/leads nowhere/);
    expect(() => priceOfJson(selectJsonPath(doc, parseJsonPath('data[0]')))).toThrow(/leads nowhere/);
  });
});

describe('source specs and configuration', () => {
  it('splits URL and path at the last "::" (IPv6 hosts work)', () => {
    expect(parseSourceSpec('http://[::1]:8080/t?x=1::data.price')).toMatchObject({ kind: 'http', url: 'http://[::1]:8080/t?x=1', path: ['data', 'price'] });
    expect(parseSourceSpec('https://api.example.com/ticker::[0].last')).toMatchObject({ url: 'https://api.example.com/ticker', path: [0, 'last'] });
  });

  it.each([
    ['http://example.com/ticker', /URL::JSONPATH/],
    ['ftp://example.com/t::a', /only http and https/],
    ['nonsense::a', /not a URL/],
    ['http://example.com::a..b', /invalid JSON path/],
  ])('refuses %s', (spec, message) => {
    expect(() => parseSourceSpec(spec)).toThrow(message);
  });

  const base = { rpc: 'ws://127.0.0.1:9944', suri: '//Alice', sources: ['http://127.0.0.1:1/p::price'] };

  it('fills defaults: sr25519, 60 s, one source needed, 10 s timeout', () => {
    expect(parseFeederConfig(base)).toMatchObject({ scheme: 'sr25519', intervalMs: 60_000, minSources: 1, timeoutMs: 10_000 });
  });

  it.each([
    [{ ...base, sources: [] }, /sources: give at least one/],
    [{ ...base, minSources: 2 }, /minSources: --min-sources 2 is more than the 1 sources/],
    [{ ...base, sources: ['http://x'] }, /sources\.0: source "http:\/\/x" must be URL::JSONPATH/],
    [{ ...base, rpc: 'tcp://127.0.0.1:9944' }, /rpc: must be a ws/],
    [{ ...base, intervalMs: 999 }, /intervalMs/],
    [{ ...base, fixedPrice: '-1' }, /fixedPrice/],
    [{ ...base, fixedPrice: '0' }, /fixedPrice: a price must be positive/],
  ])('refuses %j', (input, message) => {
    expect(() => parseFeederConfig(input)).toThrow(message);
  });

  it('a fixed price is one more source', () => {
    const cfg = parseFeederConfig({ ...base, fixedPrice: '0.5', minSources: 2 });
    expect(sourcesOf(cfg).map((s) => s.spec)).toEqual(['http://127.0.0.1:1/p::price', 'fixed:0.5']);
  });
});

describe('readSource against HTTP servers on 127.0.0.1', () => {
  const servers: Server[] = [];
  let base = '';
  let closedPort = 0;

  beforeAll(async () => {
    const routes: Record<string, (res: import('node:http').ServerResponse) => void> = {
      '/good': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"price":"0.5100"}}'),
      '/number': (res) => res.writeHead(200).end('[{"last":0.52}]'),
      '/error': (res) => res.writeHead(503).end('{"data":{"price":"9"}}'),
      '/html': (res) => res.writeHead(200).end('<html>price 0.5</html>'),
      '/zero': (res) => res.writeHead(200).end('{"data":{"price":0}}'),
      '/negative': (res) => res.writeHead(200).end('{"data":{"price":-0.5}}'),
      '/silent': () => undefined,
    };
    const server = createServer((req, res) => (routes[req.url ?? ''] ?? ((r) => r.writeHead(404).end()))(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A port that was listening and is now closed: connections are refused.
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    closedPort = (gone.address() as AddressInfo).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
  });
  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  it('reads a decimal string and a JSON number exactly', async () => {
    expect(await readSource(parseSourceSpec(`${base}/good::data.price`), 5_000)).toMatchObject({ ok: true, price: 510_000_000_000_000_000n });
    expect(await readSource(parseSourceSpec(`${base}/number::[0].last`), 5_000)).toMatchObject({ ok: true, price: 520_000_000_000_000_000n });
  });

  it.each([
    ['/error::data.price', /HTTP 503/],
    ['/html::data.price', /at offset 0/],
    ['/good::data.last', /leads nowhere/],
    ['/zero::data.price', /zero/],
    ['/negative::data.price', /not a non-negative decimal/],
    ['/missing::a', /HTTP 404/],
  ])('a bad source is a failed reading, not an exception: %s', async (suffix, error) => {
    const r = await readSource(parseSourceSpec(`${base}${suffix}`), 5_000);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toMatch(error);
  });

  it('an unreachable source (connection refused) and a silent one (timeout) are failed readings', async () => {
    const refused = await readSource(parseSourceSpec(`http://127.0.0.1:${closedPort}/p::price`), 5_000);
    expect(refused).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
    const silent = await readSource(parseSourceSpec(`${base}/silent::price`), 200);
    expect(silent).toMatchObject({ ok: false, error: 'timed out after 200 ms' });
  });
});
