/**
 * JSON-RPC 2.0 framing: parsing a message into requests, validating request objects, and serializing responses
 * and notifications. Pure functions; the transports live in `server.ts`.
 */
import { ErrorCode, type ErrorObject } from './errors.js';

/**
 * A numeric id that a JavaScript number cannot hold exactly (beyond 2^53, or a fraction): kept as the digits the
 * client sent, and written back verbatim, so a client comparing ids as u64 (jsonrpsee's `Id::Number`) or as
 * big integers finds its reply. `toJSON` is for logs only; responses splice `text` in.
 */
export class RawNumberId {
  /** @param text the number token exactly as it appeared in the request, a valid JSON number. */
  constructor(readonly text: string) {}

  toJSON(): string {
    return this.text;
  }
}

/** A request id as JSON-RPC 2.0 allows it. */
export type JsonRpcId = string | number | null | RawNumberId;

/** A validated request. `id` is absent for a notification (which gets no reply). */
export interface RpcRequest {
  method: string;
  /** `params` as sent; `null` or absent become `[]`. An array or an object otherwise. */
  params: unknown[] | Record<string, unknown>;
  /** True when the request has no `id` member: a notification. */
  isNotification: boolean;
  id: JsonRpcId;
}

/** Deepest nesting of arrays and objects a message may have (serde_json's default recursion limit). */
export const MAX_JSON_DEPTH = 128;

/** The outcome of parsing one message. */
export type ParsedMessage =
  | { kind: 'single'; value: unknown; rawId?: RawNumberId }
  | { kind: 'batch'; values: unknown[]; rawIds?: Array<RawNumberId | undefined> }
  | { kind: 'error'; error: ErrorObject };

/** Parse a message's text. Never throws. */
export function parseMessage(text: string): ParsedMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // JSON.parse's message names the offending position and never contains a stack.
    return { kind: 'error', error: { code: ErrorCode.ParseError, message: 'Parse error', data: (e as Error).message } };
  }
  if (exceedsDepth(value, MAX_JSON_DEPTH)) {
    return {
      kind: 'error',
      error: { code: ErrorCode.ParseError, message: 'Parse error', data: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` },
    };
  }
  if (Array.isArray(value)) {
    if (!value.some(hasInexactId)) return { kind: 'batch', values: value };
    const tokens = scanIdTokens(text, true);
    return { kind: 'batch', values: value, rawIds: value.map((v, i) => (hasInexactId(v) ? rawIdOf(tokens[i]) : undefined)) };
  }
  if (!hasInexactId(value)) return { kind: 'single', value };
  const rawId = rawIdOf(scanIdTokens(text, false)[0]);
  return rawId === undefined ? { kind: 'single', value } : { kind: 'single', value, rawId };
}

/** A request object whose numeric `id` a double does not hold exactly (then its digits are read from the text). */
function hasInexactId(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const id = (v as Record<string, unknown>).id;
  return typeof id === 'number' && Number.isFinite(id) && !Number.isSafeInteger(id);
}

function rawIdOf(token: string | undefined): RawNumberId | undefined {
  return token === undefined ? undefined : new RawNumberId(token);
}

/**
 * The raw text of the number token of each request object's `id` member: of the top-level object (`batch`
 * false; one entry), or of each element of the top-level array (`batch` true; one entry per element,
 * `undefined` where the element is not an object or its id is not a number). `text` must be valid JSON. Like
 * `JSON.parse`, the last of duplicate members wins, and keys are compared after unescaping.
 */
export function scanIdTokens(text: string, batch: boolean): Array<string | undefined> {
  const out: Array<string | undefined> = [];
  /** Nesting depth (0 outside everything); the request objects sit at depth 1 (single) or 2 (batch). */
  let depth = 0;
  const objectDepth = batch ? 2 : 1;
  /** Index in `out` of the request object being read, or -1. */
  let current = -1;
  /** The last key read at `objectDepth`, waiting for its value. */
  let key: string | null = null;
  /** Whether the next token at `objectDepth` is a key (after `{` or `,`). */
  let expectKey = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      i++;
      let escaped = false;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i += 2;
          continue;
        }
        if (d === 0x22) break;
        i++;
      }
      i++; // past the closing quote
      if (depth === objectDepth && current >= 0) {
        if (expectKey) {
          const raw = text.slice(start + 1, i - 1);
          key = escaped ? (JSON.parse(text.slice(start, i)) as string) : raw;
          expectKey = false;
        } else if (key === 'id') {
          out[current] = undefined; // a string id: nothing to preserve
          key = null;
        }
      }
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (depth === objectDepth && current >= 0 && key === 'id') {
        out[current] = undefined;
        key = null;
      }
      depth++;
      if (batch && depth === 1 && c === 0x5b) {
        // The first element starts after '['.
        out.push(undefined);
        current = out.length - 1;
      } else if (!batch && depth === 1 && c === 0x7b) {
        out.push(undefined);
        current = 0;
      }
      if (depth === objectDepth && c === 0x7b) expectKey = true;
      i++;
      continue;
    }
    if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      i++;
      continue;
    }
    if (c === 0x2c /* , */) {
      if (depth === objectDepth) expectKey = true;
      if (batch && depth === 1) {
        out.push(undefined);
        current = out.length - 1;
      }
      i++;
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      while (i < n && /[0-9eE.+-]/.test(text[i])) i++;
      if (depth === objectDepth && current >= 0 && key === 'id') {
        out[current] = text.slice(start, i);
        key = null;
      }
      continue;
    }
    if (c === 0x74 /* t */ || c === 0x66 /* f */ || c === 0x6e /* n */) {
      // true, false, null: an id of null or a boolean preserves nothing.
      if (depth === objectDepth && current >= 0 && key === 'id') {
        out[current] = undefined;
        key = null;
      }
      i += c === 0x66 ? 5 : 4;
      continue;
    }
    i++; // whitespace and ':'
  }
  return out;
}

/**
 * True when `value` nests arrays/objects more than `maxDepth` (≥ 0) levels. Iterative, because `JSON.parse` is
 * iterative while everything downstream (`JSON.stringify`, schema validation) recurses.
 */
export function exceedsDepth(value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > maxDepth) return true;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, depth + 1]);
  }
  return false;
}

function isId(v: unknown): v is string | number | null {
  return v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

/** The outcome of validating one request object. */
export type ValidatedRequest =
  | { ok: true; request: RpcRequest }
  | { ok: false; id: JsonRpcId; error: ErrorObject };

/**
 * Check that `value` is a JSON-RPC 2.0 request object. An invalid request always gets a reply (with its id when
 * the id itself was valid, else `null`), even without an `id` member, as the specification's examples show.
 */
export function validateRequest(value: unknown, rawId?: RawNumberId): ValidatedRequest {
  const invalid = (id: JsonRpcId, detail: string): ValidatedRequest => ({
    ok: false,
    id,
    error: { code: ErrorCode.InvalidRequest, message: 'Invalid Request', data: detail },
  });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(null, 'a request must be a JSON object');
  }
  const obj = value as Record<string, unknown>;
  const hasId = Object.hasOwn(obj, 'id');
  const parsedId = hasId ? obj.id : null;
  if (!isId(parsedId)) return invalid(null, '"id" must be a string, a finite number or null');
  // The digits as sent when a double cannot hold them (see `parseMessage`).
  const id: JsonRpcId = typeof parsedId === 'number' && rawId !== undefined ? rawId : parsedId;
  if (obj.jsonrpc !== '2.0') return invalid(id, '"jsonrpc" must be exactly "2.0"');
  if (typeof obj.method !== 'string') return invalid(id, '"method" must be a string');
  const params = Object.hasOwn(obj, 'params') ? obj.params : null;
  let normalized: unknown[] | Record<string, unknown>;
  if (params === null) normalized = [];
  else if (typeof params === 'object') normalized = params as unknown[] | Record<string, unknown>;
  else return invalid(id, '"params" must be an array, an object or null');
  return { ok: true, request: { method: obj.method, params: normalized, isNotification: !hasId, id } };
}

/**
 * A result already serialized: UTF-8 bytes of one JSON value, spliced into the response as they are. For large
 * results served again and again (a block's extrinsics, the metadata), so that each call copies bytes once instead
 * of serializing, measuring and encoding megabytes of string on the event loop. The bytes must not change later.
 */
export class RawJson {
  /** The value's bytes are the concatenation of `parts` (so a cached piece can be spliced in without a copy). */
  readonly parts: readonly Uint8Array[];

  constructor(...parts: Uint8Array[]) {
    this.parts = parts;
  }
}

/** Serialize a success response whose result is `raw`: one buffer, the result's bytes copied once. */
export function serializeRawResult(id: JsonRpcId, raw: RawJson): Buffer {
  return Buffer.concat([Buffer.from(`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":`), ...raw.parts, Buffer.from('}')]);
}

/** Serialize a success response; throws (e.g. `TypeError` on a bigint) when `result` is not JSON-serializable. */
export function serializeResult(id: JsonRpcId, result: unknown): string {
  if (id instanceof RawNumberId) {
    // `undefined` would drop the member and make the response invalid.
    const json = JSON.stringify(result === undefined ? null : result) as string | undefined;
    if (json === undefined) throw new TypeError(`result of type ${typeof result} is not JSON-serializable`);
    return `{"jsonrpc":"2.0","id":${id.text},"result":${json}}`;
  }
  return JSON.stringify({ jsonrpc: '2.0', id, result: result === undefined ? null : result });
}

/** Serialize an error response. Falls back to omitting `data` when `data` is not serializable. */
export function serializeError(id: JsonRpcId, error: ErrorObject): string {
  let json: string;
  try {
    json = JSON.stringify(normalizeError(error));
  } catch {
    json = JSON.stringify({ code: error.code, message: String(error.message) });
  }
  return `{"jsonrpc":"2.0","id":${id instanceof RawNumberId ? id.text : JSON.stringify(id)},"error":${json}}`;
}

function normalizeError(error: ErrorObject): ErrorObject {
  return error.data === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, data: error.data };
}

/** Serialize a subscription notification; throws when `result` is not JSON-serializable. */
export function serializeNotification(method: string, subscription: string, result: unknown): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    method,
    params: { subscription, result: result === undefined ? null : result },
  });
}
