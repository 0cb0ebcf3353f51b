/**
 * Browser origin policy (Substrate's `--rpc-cors`). Requests without an `Origin` header (non-browser clients)
 * are always allowed; a browser request is allowed when its origin matches the policy.
 */

/** `'all'`: any origin; `'none'`: no browser origin; a list: these origins (`http://localhost:*` matches any port). */
export type CorsPolicy = 'all' | 'none' | readonly string[];

/** Substrate's default `--rpc-cors` list for a non-dev node. */
export const DEFAULT_CORS_ORIGINS: readonly string[] = [
  'http://localhost:*',
  'http://127.0.0.1:*',
  'https://localhost:*',
  'https://127.0.0.1:*',
  'https://polkadot.js.org',
];

function normalize(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}

/** True when a request carrying `origin` (undefined: no `Origin` header) may be served under `policy`. */
export function isOriginAllowed(policy: CorsPolicy, origin: string | undefined): boolean {
  if (origin === undefined) return true;
  if (policy === 'all') return true;
  if (policy === 'none') return false;
  const o = normalize(origin);
  for (const entry of policy) {
    const e = normalize(entry);
    if (e === o) return true;
    // `scheme://host:*` matches `scheme://host` with any port or none.
    if (e.endsWith(':*')) {
      const base = e.slice(0, -2);
      if (o === base || (o.startsWith(`${base}:`) && /^\d{1,5}$/.test(o.slice(base.length + 1)))) return true;
    }
  }
  return false;
}
