/**
 * Block bodies as ready JSON (`["0x…","0x…"]` as UTF-8 bytes) for `chain_getBlock` and `archive_v1_body`, kept in a
 * small byte-bounded cache of recent large bodies. A body never changes under its block hash, so ten clients asking
 * for a block holding a 3.5 MB extrinsic cost one decode and one hex encoding, then one copy each; before, each
 * call decoded, hex-encoded, serialized, measured and UTF-8-encoded 7 MB of string on the event loop (issue 9).
 */
import { toHex, toHexRaw } from '../../primitives/bytes.js';
import type { Chain } from '../../node/chain.js';

/** Bodies whose JSON is at least this long are cached (smaller ones are cheap to encode again). */
const MIN_CACHED_BYTES = 64 * 1024;
/** Total JSON bytes the cache holds, ≥ the largest body's JSON (a 3.93 MB block is 7.9 MB of hex). */
const MAX_CACHE_BYTES = 32 * 1024 * 1024;

/** Block hash (raw hex) → JSON bytes; Map order is recency (a hit moves the entry last). */
const cache = new Map<string, Buffer>();
let cachedBytes = 0; // ≤ MAX_CACHE_BYTES
const counters = { hits: 0, misses: 0 };

/** Cache hits and misses since the process started, and the bytes held (for tests). */
export function blockJsonStats(): { hits: number; misses: number; bytes: number } {
  return { ...counters, bytes: cachedBytes };
}

/** The body of block `hash` as the JSON array of its extrinsics' hex, or undefined when the block has no stored body. */
export function bodyJson(chain: Chain, hash: Uint8Array): Buffer | undefined {
  const key = toHexRaw(hash);
  const hit = cache.get(key);
  if (hit !== undefined) {
    counters.hits++;
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const body = chain.body(hash);
  if (body === undefined) return undefined;
  counters.misses++;
  // Hex needs no JSON escaping; one string, encoded once.
  const json = Buffer.from(JSON.stringify(body.map((x) => toHex(x))), 'latin1');
  if (json.length >= MIN_CACHED_BYTES && json.length <= MAX_CACHE_BYTES) {
    cache.set(key, json);
    cachedBytes += json.length;
    for (const [k, v] of cache) {
      if (cachedBytes <= MAX_CACHE_BYTES) break;
      cache.delete(k);
      cachedBytes -= v.length;
    }
  }
  return json;
}
