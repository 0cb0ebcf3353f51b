/**
 * The off-chain price feeder (ECONOMICS.md §2): every interval it polls HTTP JSON price sources (a URL and a JSON
 * path each), takes the median of the prices it could read, and submits `oracle.feed(price)` signed with the
 * feeder's key through the node's JSON-RPC (`author_submitExtrinsic`), encoding and signing with the node's own
 * encoder. Bad or unreachable sources are logged and skipped; with fewer readable sources than the minimum, nothing
 * is fed that round.
 *
 * Prices are read exactly: JSON numbers and decimal strings become FixedU128 inner values (18 decimals) by integer
 * arithmetic on their digits, never through floating point.
 */
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { z } from 'zod';
import { initCrypto, keyPairFromUri, type KeyPair, type KeyScheme } from '../crypto/keys.js';
import { fromHex, isHex, toHex } from '../primitives/bytes.js';
import { encodeExtra, encodeSignedExtrinsic, signingPayload } from '../primitives/extrinsic.js';
import { isWithinOpenBounds, medianOf, PRICE_ONE } from '../pallets/oracle/math.js';
import { createChainHost } from '../chain/host.js';

/** Decimals of a FixedU128 price. */
const PRICE_DECIMALS = 18;
/** The largest response body read from a source (bytes). */
export const MAX_SOURCE_BYTES = 1024 * 1024;
/** The deepest JSON nesting accepted from a source (levels). */
const MAX_JSON_DEPTH = 64;
/** The largest decimal exponent accepted in a price (`1e40` is not a price). */
const MAX_EXPONENT = 60;
/** The most sources one feeder polls. */
export const MAX_SOURCES = 16;

// ---------------------------------------------------------------------------------------------------------------
// Exact JSON: numbers keep their text.

/** A JSON number as written in the document (its exact text). */
export class JsonNumber {
  constructor(readonly raw: string) {}
}

/** A JSON value with numbers kept as text. */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

/** Raised for a document that is not JSON (with the offset of the problem). */
export class JsonSyntaxError extends Error {}

/**
 * Parse JSON text keeping every number's exact text ({@link JsonNumber}); strings are decoded by `JSON.parse`
 * (exact for strings). Objects have no prototype, so keys like `__proto__` are plain keys. Nesting is bounded.
 */
export function parseJsonExact(text: string): JsonValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const err = (what: string): never => {
    throw new JsonSyntaxError(`${what} at offset ${i}`);
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) err('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return err('invalid string');
    }
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_JSON_DEPTH) err('nesting too deep');
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const obj: { [key: string]: JsonValue } = Object.create(null);
      ws();
      if (text[i] === '}') return i++, obj;
      for (;;) {
        ws();
        if (text[i] !== '"') err('expected a key');
        const key = str();
        ws();
        if (text[i] !== ':') err("expected ':'");
        i++;
        obj[key] = value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return i++, obj;
        else err("expected ',' or '}'");
      }
    }
    if (ch === '[') {
      i++;
      const arr: JsonValue[] = [];
      ws();
      if (text[i] === ']') return i++, arr;
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return i++, arr;
        else err("expected ',' or ']'");
      }
    }
    if (ch === '"') return str();
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (m) {
      i += m[0].length;
      return new JsonNumber(m[0]);
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return err('unexpected character');
  };
  const v = value(0);
  ws();
  if (i !== text.length) err('trailing characters');
  return v;
}

/** One step of a JSON path: an object key or an array index (0 ≤ index < 2^31). */
export type PathSegment = string | number;

/**
 * Parse a simple JSON path: dotted keys and bracketed indices or quoted keys, e.g. `data.price`, `[0].last`,
 * `result.XXBTZUSD.c[0]`, `data["last price"]`. The empty path is the whole document.
 */
export function parseJsonPath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  const bad = (why: string): never => {
    throw new Error(`invalid JSON path "${path}": ${why} at ${i}`);
  };
  while (i < path.length) {
    if (path[i] === '[') {
      const idx = /^\[(\d{1,9})\]/.exec(path.slice(i));
      const quoted = /^\[(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\]/.exec(path.slice(i));
      if (idx) {
        out.push(Number(idx[1]));
        i += idx[0].length;
      } else if (quoted) {
        out.push(quoted[1] !== undefined ? (JSON.parse(`"${quoted[1]}"`) as string) : quoted[2]);
        i += quoted[0].length;
      } else bad('expected [index] or ["key"]');
    } else {
      if (path[i] === '.') {
        if (out.length === 0 && i === 0) bad('leading dot');
        i++;
      }
      const key = /^[^.[\]]+/.exec(path.slice(i));
      if (!key) bad('empty key');
      out.push(key![0]);
      i += key![0].length;
    }
  }
  return out;
}

/** The value at `path` in `doc`, or `undefined` when the path does not lead anywhere. */
export function selectJsonPath(doc: JsonValue, path: readonly PathSegment[]): JsonValue | undefined {
  let cur: JsonValue | undefined = doc;
  for (const seg of path) {
    if (cur === undefined || cur === null || typeof cur !== 'object' || cur instanceof JsonNumber) return undefined;
    if (Array.isArray(cur)) {
      if (typeof seg !== 'number' || seg >= cur.length) return undefined;
      cur = cur[seg];
    } else {
      if (typeof seg !== 'string' || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
      cur = cur[seg];
    }
  }
  return cur;
}

/**
 * A non-negative decimal (`123`, `0.5`, `6.1e-1`, `1E3`) as a FixedU128 inner value (`10^18` = 1), exactly: digits
 * beyond the 18th decimal are dropped (rounded down). Throws on anything else (signs, spaces, hex, `NaN`).
 */
export function parseDecimalPrice(raw: string): bigint {
  const m = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(raw);
  if (!m) throw new Error(`not a non-negative decimal: "${raw.slice(0, 40)}"`);
  const [, int, frac = '', expText] = m;
  const exp = expText === undefined ? 0 : Number(expText);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > MAX_EXPONENT) throw new Error(`exponent out of range in "${raw.slice(0, 40)}"`);
  // value = digits · 10^(exp − frac.length); as FixedU128: digits · 10^(18 + exp − frac.length), rounded down.
  const digits = BigInt(int + frac);
  const shift = PRICE_DECIMALS + exp - frac.length;
  return shift >= 0 ? digits * 10n ** BigInt(shift) : digits / 10n ** BigInt(-shift);
}

/** A FixedU128 inner value as a decimal string (`500000000000000000` → `0.5`), for logs. */
export function formatPrice(price: bigint): string {
  const int = price / PRICE_ONE;
  const frac = (price % PRICE_ONE).toString().padStart(PRICE_DECIMALS, '0').replace(/0+$/, '');
  return frac === '' ? int.toString() : `${int}.${frac}`;
}

/** The price in a JSON value: a number, or a string holding a decimal. */
export function priceOfJson(v: JsonValue | undefined): bigint {
  if (v instanceof JsonNumber) return parseDecimalPrice(v.raw);
  if (typeof v === 'string') return parseDecimalPrice(v.trim());
  throw new Error(v === undefined ? 'the JSON path leads nowhere' : `the JSON path leads to ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}, not a number`);
}

// ---------------------------------------------------------------------------------------------------------------
// Configuration.

/** A price source: an HTTP(S) URL returning JSON and the path of the price in it; or a fixed price (development). */
export type PriceSource = { kind: 'http'; url: string; path: PathSegment[]; spec: string } | { kind: 'fixed'; price: bigint; spec: string };

/** Parse `URL::JSONPATH` (the last `::` separates them, so IPv6 hosts work) into an HTTP source. */
export function parseSourceSpec(spec: string): PriceSource {
  const at = spec.lastIndexOf('::');
  if (at < 0) throw new Error(`source "${spec}" must be URL::JSONPATH (e.g. https://example.com/ticker::data.price)`);
  const url = spec.slice(0, at);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`source "${spec}": "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`source "${spec}": only http and https URLs are polled`);
  return { kind: 'http', url, path: parseJsonPath(spec.slice(at + 2)), spec };
}

const rpcUrl = z
  .string()
  .refine((u) => {
    try {
      return ['ws:', 'wss:', 'http:', 'https:'].includes(new URL(u).protocol);
    } catch {
      return false;
    }
  }, 'must be a ws://, wss://, http:// or https:// URL');

/** The feeder's configuration, validated. */
export const FeederConfigSchema = z
  .object({
    /** The node's JSON-RPC endpoint. */
    rpc: rpcUrl,
    /** The feeder's secret URI (`//Alice`, a mnemonic, a 0x seed). */
    suri: z.string().min(1),
    scheme: z.enum(['sr25519', 'ed25519']).default('sr25519'),
    /** `URL::JSONPATH` sources. */
    sources: z.array(z.string().min(1)).max(MAX_SOURCES).default([]),
    /** A fixed price (decimal) to feed instead of, or besides, the sources: for development chains. */
    fixedPrice: z.string().optional(),
    /** Milliseconds between rounds (1 s ..= 1 day). */
    intervalMs: z.number().int().min(1_000).max(86_400_000).default(60_000),
    /** Readable sources needed to feed (1 ..= MAX_SOURCES). */
    minSources: z.number().int().min(1).max(MAX_SOURCES).default(1),
    /** Per-source HTTP timeout (ms, 100 ..= 60,000). */
    timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
  })
  .superRefine((c, ctx) => {
    const count = c.sources.length + (c.fixedPrice === undefined ? 0 : 1);
    if (count === 0) ctx.addIssue({ code: 'custom', path: ['sources'], message: 'give at least one --source (or --price)' });
    if (c.minSources > count) ctx.addIssue({ code: 'custom', path: ['minSources'], message: `--min-sources ${c.minSources} is more than the ${count} sources given` });
    c.sources.forEach((s, i) => {
      try {
        parseSourceSpec(s);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['sources', i], message: (e as Error).message });
      }
    });
    if (c.fixedPrice !== undefined) {
      try {
        if (parseDecimalPrice(c.fixedPrice) === 0n) ctx.addIssue({ code: 'custom', path: ['fixedPrice'], message: 'a price must be positive' });
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['fixedPrice'], message: (e as Error).message });
      }
    }
  });

/** Input of {@link FeederConfigSchema}. */
export type FeederConfigInput = z.input<typeof FeederConfigSchema>;
/** A validated feeder configuration. */
export type FeederConfig = z.output<typeof FeederConfigSchema>;

/** Validate a configuration; throws an Error naming the first bad field. */
export function parseFeederConfig(input: FeederConfigInput): FeederConfig {
  const r = FeederConfigSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`invalid feeder configuration: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return r.data;
}

/** The sources of a configuration. */
export function sourcesOf(cfg: FeederConfig): PriceSource[] {
  const out = cfg.sources.map(parseSourceSpec);
  if (cfg.fixedPrice !== undefined) out.push({ kind: 'fixed', price: parseDecimalPrice(cfg.fixedPrice), spec: `fixed:${cfg.fixedPrice}` });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading sources.

/** What one source gave this round. */
export type SourceReading = { source: string; ok: true; price: bigint } | { source: string; ok: false; error: string };

/** Read one source (never throws: failures are readings with `ok: false`). */
export async function readSource(source: PriceSource, timeoutMs: number): Promise<SourceReading> {
  if (source.kind === 'fixed') return { source: source.spec, ok: true, price: source.price };
  try {
    const res = await fetch(source.url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' }, redirect: 'follow' });
    if (!res.ok) {
      await res.body?.cancel();
      return { source: source.spec, ok: false, error: `HTTP ${res.status}` };
    }
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_SOURCE_BYTES) {
      await res.body?.cancel();
      return { source: source.spec, ok: false, error: `response of ${declared} bytes exceeds ${MAX_SOURCE_BYTES}` };
    }
    const text = await res.text();
    if (text.length > MAX_SOURCE_BYTES) return { source: source.spec, ok: false, error: `response exceeds ${MAX_SOURCE_BYTES} bytes` };
    const price = priceOfJson(selectJsonPath(parseJsonExact(text), source.path));
    if (price === 0n) return { source: source.spec, ok: false, error: 'price is zero' };
    return { source: source.spec, ok: true, price };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const why = err.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : err.cause?.code ?? err.cause?.message ?? err.message;
    return { source: source.spec, ok: false, error: why };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// JSON-RPC.

/** A JSON-RPC error answer. */
export class RpcAnswerError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(`${method}: ${code} ${message}${data === undefined ? '' : `: ${typeof data === 'string' ? data : JSON.stringify(data)}`}`);
  }
}

/** A minimal JSON-RPC 2.0 client over WebSocket or HTTP. */
export interface RpcClient {
  call(method: string, params: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

/** A client for `url` (ws/wss: one connection, reopened when it drops; http/https: one POST per call). */
export function rpcClient(url: string, timeoutMs = 30_000): RpcClient {
  const protocol = new URL(url).protocol;
  let nextId = 1;
  if (protocol === 'http:' || protocol === 'https:') {
    return {
      async call(method, params) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = (await res.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
        if (body.error) throw new RpcAnswerError(method, body.error.code, body.error.message, body.error.data);
        return body.result;
      },
      async close() {},
    };
  }
  let socket: WebSocket | undefined;
  let opening: Promise<WebSocket> | undefined;
  const pending = new Map<number, { method: string; resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  const failAll = (e: Error) => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    pending.clear();
  };
  const open = (): Promise<WebSocket> => {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    opening ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
      let settled = false;
      ws.once('open', () => {
        settled = true;
        socket = ws;
        opening = undefined;
        resolve(ws);
      });
      // `on`, not `once`: a socket can report more than one error, and an unheard one would crash the process.
      ws.on('error', (e) => {
        if (settled) return;
        settled = true;
        opening = undefined;
        reject(e);
      });
      ws.on('close', () => {
        if (socket === ws) socket = undefined;
        failAll(new Error(`connection to ${url} closed`));
      });
      ws.on('message', (data) => {
        let msg: { id?: number; result?: unknown; error?: { code: number; message: string; data?: unknown } };
        try {
          msg = JSON.parse(data.toString());
        } catch {
          return;
        }
        const p = msg.id === undefined ? undefined : pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id!);
        clearTimeout(p.timer);
        if (msg.error) p.reject(new RpcAnswerError(p.method, msg.error.code, msg.error.message, msg.error.data));
        else p.resolve(msg.result);
      });
    });
    return opening;
  };
  return {
    async call(method, params) {
      const ws = await open();
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { method, resolve, reject, timer });
        ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      });
    },
    async close() {
      const ws = socket;
      socket = undefined;
      if (!ws) return;
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Feeding.

/** Why a round fed nothing. */
export type SkipReason = 'too-few-sources' | 'out-of-bounds' | 'not-a-feeder';

/** The outcome of one round (`nonce`: the u32 account nonce the feed was signed with). */
export type RoundResult =
  | { status: 'fed'; price: bigint; readings: SourceReading[]; txHash: string; nonce: number }
  | { status: 'skipped'; reason: SkipReason; price?: bigint; readings: SourceReading[]; detail: string }
  | { status: 'failed'; price: bigint; readings: SourceReading[]; error: string };

/** What a round needs: the configuration, the feeder's key, an RPC client and a logger. */
export interface FeederContext {
  cfg: FeederConfig;
  sources: PriceSource[];
  signer: KeyPair;
  rpc: RpcClient;
  logger: Logger;
}

/** Build the context of a configuration (initialises crypto, derives the key). */
export async function createFeederContext(cfg: FeederConfig, logger: Logger): Promise<FeederContext> {
  await initCrypto();
  return { cfg, sources: sourcesOf(cfg), signer: keyPairFromUri(cfg.suri, cfg.scheme as KeyScheme), rpc: rpcClient(cfg.rpc), logger };
}

const runtime = createChainHost();

async function readStorage(rpc: RpcClient, key: Uint8Array): Promise<Uint8Array | undefined> {
  const v = await rpc.call('state_getStorage', [toHex(key)]);
  return typeof v === 'string' && isHex(v) ? fromHex(v) : undefined;
}

/** What a signed `Oracle.feed` commits to besides the price: the account nonce (u32) and the chain it is for. */
export interface FeedSigningContext {
  nonce: number;
  specVersion: number;
  transactionVersion: number;
  genesisHash: Uint8Array;
}

/** The signed extrinsic `Oracle.feed(price)` by `signer` (immortal era, no tip). */
export function encodeSignedFeed(signer: KeyPair, price: bigint, c: FeedSigningContext): Uint8Array {
  const call = runtime.encodeCall('Oracle', 'feed', { price });
  const extra = { era: { tag: 'Immortal' } as const, nonce: c.nonce, tip: 0n };
  const payload = signingPayload(call, encodeExtra(extra), { specVersion: c.specVersion, transactionVersion: c.transactionVersion, genesisHash: c.genesisHash, eraBlockHash: c.genesisHash });
  const signature = { tag: signer.scheme === 'sr25519' ? 'Sr25519' : 'Ed25519', value: signer.sign(payload) } as const;
  return encodeSignedExtrinsic({ address: { tag: 'Id', value: signer.publicKey }, signature, extra }, call);
}

/** Sign `Oracle.feed(price)` by `signer` for the chain behind `rpc` (immortal era, the account's next nonce). */
async function buildFeed(rpc: RpcClient, signer: KeyPair, price: bigint): Promise<{ bytes: Uint8Array; nonce: number }> {
  const [genesisHex, version, nonce] = await Promise.all([
    rpc.call('chain_getBlockHash', [0]),
    rpc.call('state_getRuntimeVersion', []),
    rpc.call('system_accountNextIndex', [toHex(signer.publicKey)]),
  ]);
  const { specVersion, transactionVersion } = version as { specVersion: number; transactionVersion: number };
  const ctx = { nonce: Number(nonce), specVersion, transactionVersion, genesisHash: fromHex(String(genesisHex)) };
  return { bytes: encodeSignedFeed(signer, price, ctx), nonce: ctx.nonce };
}

/**
 * One round: read every source, log and skip the bad ones, take the median (lower middle for an even count) of the
 * rest, check it against the chain's feeder set and bounds, and submit `oracle.feed`. Never throws.
 */
export async function runFeederRound(fc: FeederContext): Promise<RoundResult> {
  const { cfg, logger } = fc;
  const readings = await Promise.all(fc.sources.map((s) => readSource(s, cfg.timeoutMs)));
  for (const r of readings) {
    if (r.ok) logger.debug({ source: r.source, price: formatPrice(r.price) }, 'source read');
    else logger.warn({ source: r.source, error: r.error }, 'source skipped');
  }
  const prices = readings.filter((r) => r.ok).map((r) => (r as { price: bigint }).price);
  if (prices.length < cfg.minSources) {
    const detail = `${prices.length} of ${readings.length} sources readable, ${cfg.minSources} needed`;
    logger.warn({ readable: prices.length, needed: cfg.minSources }, `nothing fed: ${detail}`);
    return { status: 'skipped', reason: 'too-few-sources', readings, detail };
  }
  const price = medianOf(prices)!;
  try {
    // Read over RPC as a metadata-driven client would: the chain names the keys and how their values decode.
    const oracle = runtime.queries.oracle.remote;
    const feedersRaw = await readStorage(fc.rpc, oracle.feedersKey);
    const feeders = feedersRaw ? oracle.decodeFeeders(feedersRaw) : [];
    if (!feeders.some((f) => Buffer.from(f).equals(Buffer.from(fc.signer.publicKey)))) {
      const detail = `${fc.signer.address()} is not in the chain's feeder set`;
      logger.error({ feeder: fc.signer.address() }, `nothing fed: ${detail}`);
      return { status: 'skipped', reason: 'not-a-feeder', price, readings, detail };
    }
    const paramsRaw = await readStorage(fc.rpc, oracle.paramsKey);
    const params = paramsRaw ? oracle.decodeParams(paramsRaw) : undefined;
    if (params && !isWithinOpenBounds(price, params.priceMin, params.priceMax)) {
      const detail = `median ${formatPrice(price)} is not strictly between ${formatPrice(params.priceMin)} and ${formatPrice(params.priceMax)}`;
      logger.warn({ price: formatPrice(price) }, `nothing fed: ${detail}`);
      return { status: 'skipped', reason: 'out-of-bounds', price, readings, detail };
    }
    const { bytes, nonce } = await buildFeed(fc.rpc, fc.signer, price);
    const txHash = String(await fc.rpc.call('author_submitExtrinsic', [toHex(bytes)]));
    logger.info({ price: formatPrice(price), sources: prices.length, txHash, nonce }, 'price fed');
    return { status: 'fed', price, readings, txHash, nonce };
  } catch (e) {
    const error = (e as Error).message;
    logger.error({ price: formatPrice(price), error }, 'feeding failed');
    return { status: 'failed', price, readings, error };
  }
}

/**
 * Run rounds every `intervalMs` (the next round starts `intervalMs` after the previous one started, or at once when
 * a round took longer) until `signal` aborts; `once` runs a single round. Returns the last round's result.
 */
export async function runFeeder(fc: FeederContext, opts: { once?: boolean; signal?: AbortSignal } = {}): Promise<RoundResult | undefined> {
  let last: RoundResult | undefined;
  fc.logger.info({ feeder: fc.signer.address(), rpc: fc.cfg.rpc, sources: fc.sources.map((s) => s.spec), intervalMs: fc.cfg.intervalMs }, 'feeder started');
  try {
    while (!opts.signal?.aborted) {
      const started = Date.now();
      last = await runFeederRound(fc);
      if (opts.once) break;
      const wait = Math.max(0, fc.cfg.intervalMs - (Date.now() - started));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        opts.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  } finally {
    await fc.rpc.close();
  }
  return last;
}
