/**
 * Zod schemas for JSON-RPC parameters as Substrate clients send them: positional arrays of JSON values where
 * bytes are `0x`-prefixed hex, block numbers are numbers (or hex strings), and trailing optional parameters are
 * either omitted or `null` (`@polkadot/api` sends `[prefix, 1000, null]`).
 *
 * Schemas must be synchronous or asynchronous zod schemas; a schema that throws a non-zod error is a bug and
 * reaches the client as an internal error.
 */
import { z } from 'zod';
import { fromHex } from '../primitives/bytes.js';

const HEX_RE = /^0x(?:[0-9a-fA-F]{2})*$/;

/** `0x`-prefixed hex with an even number of digits (`0x` alone is the empty byte string); output lowercased. */
export const hexString = z
  .string()
  .regex(HEX_RE, { message: 'expected 0x-prefixed hex with an even number of digits' })
  .transform((s) => s.toLowerCase());

/** `0x`-prefixed hex decoded to bytes. */
export const hexBytes = z
  .string()
  .regex(HEX_RE, { message: 'expected 0x-prefixed hex with an even number of digits' })
  .transform((s) => fromHex(s));

/** `0x`-prefixed hex of exactly `length` bytes (1 ≤ length ≤ 2^16), decoded to bytes. */
export function fixedHexBytes(length: number) {
  if (!Number.isInteger(length) || length < 1 || length > 65_536) throw new RangeError(`bad byte length ${length}`);
  const re = new RegExp(`^0x[0-9a-fA-F]{${2 * length}}$`);
  return z
    .string()
    .regex(re, { message: `expected 0x-prefixed hex of ${length} bytes (${2 * length} hex digits)` })
    .transform((s) => fromHex(s));
}

/** A 32-byte hash (`0x` + 64 hex digits), decoded to bytes. */
export const hash32 = fixedHexBytes(32);

/** Unsigned 32-bit integer given as a JSON number. */
export const u32 = z
  .number({ message: 'expected an unsigned 32-bit integer' })
  .int({ message: 'expected an unsigned 32-bit integer' })
  .min(0, { message: 'expected an unsigned 32-bit integer' })
  .max(0xffff_ffff, { message: 'expected an unsigned 32-bit integer' });

/** JSON boolean. */
export const bool = z.boolean();

const U64_MAX = (1n << 64n) - 1n;

/**
 * Unsigned 64-bit integer as a non-negative safe-integer number, a decimal string, or a `0x` hex string (how
 * Substrate's `NumberOrHex` arrives); output `bigint`.
 */
export const u64 = z
  .union([
    z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    z.string().regex(/^(?:0x[0-9a-fA-F]{1,16}|[0-9]{1,20})$/),
  ], { message: 'expected an unsigned 64-bit integer (number, decimal string or 0x hex)' })
  .transform((v) => BigInt(v))
  .refine((v) => v <= U64_MAX, { message: 'expected an unsigned 64-bit integer (number, decimal string or 0x hex)' });

/**
 * Block number as Substrate's `chain_getBlockHash` takes it: a u32 number or a `0x` hex string of at most 8
 * digits whose value fits in u32; output `number` (0 ≤ n < 2^32).
 */
export const blockNumber = z
  .union([u32, z.string().regex(/^0x[0-9a-fA-F]{1,8}$/).transform((s) => Number.parseInt(s.slice(2), 16))], {
    message: 'expected a block number (u32 number or 0x hex)',
  });

/**
 * An optional parameter: `null` and absence both give `undefined`, anything else must match `schema`. Inside
 * {@link tupleParams} it may be omitted when it is trailing.
 */
export function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((v): z.output<T> | undefined => (v === null ? undefined : v));
}

/** Optional block hash (`at` of most state and chain methods): decoded 32 bytes, or `undefined` for "best". */
export const optionalBlockHash = optional(hash32);

/** An array of at most `max` (≤ 2^20) elements of `schema`. */
export function boundedArray<T extends z.ZodType>(schema: T, max: number) {
  if (!Number.isInteger(max) || max < 0 || max > 1 << 20) throw new RangeError(`bad array bound ${max}`);
  return z.array(schema).max(max, { message: `expected at most ${max} elements` });
}

/** True when `schema` accepts `undefined` (so a trailing position may be omitted). */
function acceptsUndefined(schema: z.ZodType): boolean {
  return schema.safeParse(undefined).success;
}

/**
 * Positional parameters: a tuple of `schemas`, where trailing parameters that accept `undefined` (see
 * {@link optional}) may be omitted; extra parameters are refused. Throws at definition time when a required
 * parameter follows an optional one, since the client could not omit it.
 *
 * @example tupleParams(hexBytes, optionalBlockHash) // state_getStorage(key, at?)
 */
export function tupleParams<const T extends readonly z.ZodType[]>(...schemas: T): z.ZodTuple<T, null> {
  let sawOptional = false;
  schemas.forEach((s, i) => {
    const opt = acceptsUndefined(s);
    if (sawOptional && !opt) throw new Error(`tupleParams: required parameter ${i} follows an optional one`);
    sawOptional ||= opt;
  });
  // Zod 4 tuples accept arrays shorter than the tuple when every missing element is optional.
  return z.tuple(schemas as unknown as [], {
    error: (issue) => (issue.code === 'invalid_type' ? 'expected positional parameters (a JSON array)' : undefined),
  }) as unknown as z.ZodTuple<T, null>;
}

/** No parameters: `[]`, `null` or absent. */
export const noParams = tupleParams();

/**
 * One line naming what is wrong with the parameters, for the `data` of an invalid-params error: at most the
 * first five issues, each as `params[1].foo: message`, capped at 1,000 characters.
 */
export function describeIssues(error: z.ZodError): string {
  const parts = error.issues.slice(0, 5).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  if (error.issues.length > 5) parts.push(`and ${error.issues.length - 5} more`);
  const text = parts.join('; ');
  return text.length > 1_000 ? `${text.slice(0, 997)}...` : text;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = 'params';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return out;
}
