/**
 * JSON-RPC error codes and the error type handlers throw.
 *
 * Codes follow the JSON-RPC 2.0 specification for -32700..-32600 and jsonrpsee (the server library of
 * Substrate nodes) for the implementation-defined range, so clients written against a Substrate node see the
 * same numbers. The one code of our own is {@link ErrorCode.RateLimited}.
 */

/** Every error code the server itself produces. Handlers may use any other integer (e.g. 1010). */
export const ErrorCode = {
  /** Invalid JSON, or JSON nested deeper than the server accepts. */
  ParseError: -32700,
  /** Valid JSON that is not a JSON-RPC 2.0 request object; also an empty batch. */
  InvalidRequest: -32600,
  /** No such method; also an `unsafe` method refused by `--rpc-methods safe` (Substrate does the same). */
  MethodNotFound: -32601,
  /** Parameters do not match the method's schema. */
  InvalidParams: -32602,
  /** A handler failed unexpectedly; the cause is logged, never sent. */
  InternalError: -32603,
  /** The connection already holds `maxSubscriptionsPerConnection` subscriptions (jsonrpsee). */
  TooManySubscriptions: -32006,
  /** The HTTP body exceeds `maxRequestBytes` (jsonrpsee). Over WebSocket the frame is refused with close code 1009. */
  RequestTooBig: -32007,
  /** One serialized response exceeds `maxResponseBytes` (jsonrpsee). */
  ResponseTooBig: -32008,
  /** Too many connections, or too many calls in flight on one connection (jsonrpsee). */
  ServerBusy: -32009,
  /** A batch has more than `maxBatchSize` entries (jsonrpsee). */
  BatchTooBig: -32010,
  /** The serialized batch response exceeds `maxResponseBytes` (jsonrpsee). */
  BatchResponseTooBig: -32011,
  /** The caller's IP exceeded `rateLimitPerIpPerSecond`; the call was not executed (our choice; HTTP 429's digits). */
  RateLimited: -32029,
} as const;

/** Message Substrate sends when an unsafe method is called on a node running with `--rpc-methods safe`. */
export const UNSAFE_METHOD_MESSAGE = 'RPC call is unsafe to be called externally';

/** A JSON-RPC error object as sent on the wire. */
export interface ErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * An error whose code, message and data reach the client unchanged. Throw it from a handler (or a subscription's
 * `start`) to report an expected failure, e.g. `new RpcError(1010, 'Invalid Transaction', 'Transaction has a bad
 * signature')`. Any other thrown value becomes {@link ErrorCode.InternalError} and is only logged.
 */
export class RpcError extends Error {
  /** JSON-RPC error code; a safe integer. */
  readonly code: number;
  /** Optional detail sent as the error's `data` member; must be JSON-serializable. */
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'RpcError';
    // A non-integer code would produce a response clients cannot parse; fail at the throw site instead.
    if (!Number.isSafeInteger(code)) throw new TypeError(`RpcError code must be a safe integer, got ${code}`);
    this.code = code;
    this.data = data;
  }

  /** The wire form; `data` is omitted when undefined. */
  toErrorObject(): ErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

/** `-32602 Invalid params` with `detail` (what is wrong, and where) as data. */
export function invalidParams(detail: string): RpcError {
  return new RpcError(ErrorCode.InvalidParams, 'Invalid params', detail);
}

/** `-32601` with Substrate's message for an unsafe method refused in safe mode. */
export function unsafeMethodRefused(): RpcError {
  return new RpcError(ErrorCode.MethodNotFound, UNSAFE_METHOD_MESSAGE);
}

/**
 * Throw {@link unsafeMethodRefused} unless unsafe calls are allowed. For methods that are safe or unsafe
 * depending on their parameters (Substrate: `state_subscribeStorage` without keys), given `ctx.unsafeAllowed`.
 */
export function ensureUnsafeAllowed(ctx: { unsafeAllowed: boolean }): void {
  if (!ctx.unsafeAllowed) throw unsafeMethodRefused();
}
