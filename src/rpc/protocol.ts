/**
 * JSON-RPC 2.0 framing: parsing a message into requests, validating request objects, and serializing responses
 * and notifications. Pure functions; the transports live in `server.ts`.
 */
import { ErrorCode, type ErrorObject } from './errors.js';

/** A request id as JSON-RPC 2.0 allows it. */
export type JsonRpcId = string | number | null;

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
  | { kind: 'single'; value: unknown }
  | { kind: 'batch'; values: unknown[] }
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
  return Array.isArray(value) ? { kind: 'batch', values: value } : { kind: 'single', value };
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

function isId(v: unknown): v is JsonRpcId {
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
export function validateRequest(value: unknown): ValidatedRequest {
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
  const rawId = hasId ? obj.id : null;
  if (!isId(rawId)) return invalid(null, '"id" must be a string, a finite number or null');
  if (obj.jsonrpc !== '2.0') return invalid(rawId, '"jsonrpc" must be exactly "2.0"');
  if (typeof obj.method !== 'string') return invalid(rawId, '"method" must be a string');
  const params = Object.hasOwn(obj, 'params') ? obj.params : null;
  let normalized: unknown[] | Record<string, unknown>;
  if (params === null) normalized = [];
  else if (typeof params === 'object') normalized = params as unknown[] | Record<string, unknown>;
  else return invalid(rawId, '"params" must be an array, an object or null');
  return { ok: true, request: { method: obj.method, params: normalized, isNotification: !hasId, id: rawId } };
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
  // `undefined` would drop the member and make the response invalid.
  return JSON.stringify({ jsonrpc: '2.0', id, result: result === undefined ? null : result });
}

/** Serialize an error response. Falls back to omitting `data` when `data` is not serializable. */
export function serializeError(id: JsonRpcId, error: ErrorObject): string {
  try {
    return JSON.stringify({ jsonrpc: '2.0', id, error: normalizeError(error) });
  } catch {
    return JSON.stringify({ jsonrpc: '2.0', id, error: { code: error.code, message: String(error.message) } });
  }
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
