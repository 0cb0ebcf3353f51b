/**
 * Hex of what depends only on the runtime, encoded once per runtime and version: the metadata (`state_getMetadata`)
 * and the results of the `Metadata_*` runtime API calls (`state_call`, `archive_v1_call`, `chainHead_v1_call`).
 * Clients fetch the metadata on every connect; encoding 81 KB to 162 KB of hex per call made 200 concurrent calls
 * block the event loop for 1.7 s (issue 9). A cached string is handed out as is: JSON serialization copies it into
 * the reply, so no caller can change it.
 */
import { toHex } from '../../primitives/bytes.js';
import type { NodeRuntime } from '../../runtime/host.js';
import type { RuntimeCallContext } from './context.js';
import { RawJson } from '../protocol.js';

/** Runtime API methods whose result depends on the runtime and the input only, never on the state or the block. */
const RUNTIME_ONLY_CALLS: ReadonlySet<string> = new Set(['Metadata_metadata', 'Metadata_metadata_at_version', 'Metadata_metadata_versions']);

/**
 * Results shorter than this are not cached: encoding them costs nothing, and a client must not be able to grow the
 * cache by asking for each of the 2^32 metadata versions (the unsupported ones answer one byte, `None`).
 */
const MIN_CACHED_BYTES = 1024;

/** A cached result: its hex, and the same as a JSON string's UTF-8 bytes (what a reply carries). */
interface Encoded {
  hex: string;
  json: RawJson;
}

/** Per runtime: `specVersion/method/input hex` → result. Entries ≤ 2 metadata versions × 3 methods per spec version. */
const cache = new WeakMap<NodeRuntime, Map<string, Encoded>>();
const counters = { hits: 0, misses: 0 };

/** Cache hits and misses since the process started (for tests). */
export function runtimeHexStats(): { hits: number; misses: number } {
  return { ...counters };
}

function cached(runtime: NodeRuntime, key: string, compute: () => Uint8Array): Encoded | string {
  let entries = cache.get(runtime);
  const k = `${runtime.version.specVersion}/${key}`;
  const hit = entries?.get(k);
  if (hit !== undefined) {
    counters.hits++;
    return hit;
  }
  counters.misses++;
  const bytes = compute();
  const hex = toHex(bytes);
  if (bytes.length < MIN_CACHED_BYTES) return hex;
  // Hex needs no JSON escaping: the JSON string is the hex in quotes.
  const encoded: Encoded = { hex, json: new RawJson(Buffer.from(`"${hex}"`, 'latin1')) };
  if (entries === undefined) {
    entries = new Map();
    cache.set(runtime, entries);
  }
  entries.set(k, encoded);
  return encoded;
}

/** `0x`-hex of the runtime's metadata of `version` (RuntimeMetadataPrefixed), encoded once. */
export function metadataHex(runtime: NodeRuntime, version: 14 | 15): string {
  const e = cached(runtime, `metadata/${version}`, () => runtime.metadata(version));
  return typeof e === 'string' ? e : e.hex;
}

/** The metadata hex as a ready JSON result (`state_getMetadata`): each reply copies the bytes once. */
export function metadataJson(runtime: NodeRuntime, version: 14 | 15): RawJson | string {
  const e = cached(runtime, `metadata/${version}`, () => runtime.metadata(version));
  return typeof e === 'string' ? e : e.json;
}

/**
 * A runtime API call's result as hex, or for the cached `Metadata_*` calls as a ready JSON result (the same hex).
 * Throws what `NodeRuntime.callApi` throws.
 */
export function runtimeCallJson(ctx: RuntimeCallContext, method: string, input: Uint8Array): RawJson | string {
  if (!RUNTIME_ONLY_CALLS.has(method)) return toHex(ctx.runtime.callApi(ctx, method, input));
  const e = cached(ctx.runtime, `call/${method}/${toHex(input)}`, () => ctx.runtime.callApi(ctx, method, input));
  return typeof e === 'string' ? e : e.json;
}

/** `0x`-hex of a runtime API call's result; cached for the `Metadata_*` calls. Throws what `NodeRuntime.callApi` throws. */
export function runtimeCallHex(ctx: RuntimeCallContext, method: string, input: Uint8Array): string {
  if (!RUNTIME_ONLY_CALLS.has(method)) return toHex(ctx.runtime.callApi(ctx, method, input));
  const e = cached(ctx.runtime, `call/${method}/${toHex(input)}`, () => ctx.runtime.callApi(ctx, method, input));
  return typeof e === 'string' ? e : e.hex;
}
