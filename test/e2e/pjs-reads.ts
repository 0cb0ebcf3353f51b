/**
 * Reads and sends over one @polkadot/api connection that several end-to-end tests share: the whole state at a block
 * as a {@link StateReader} (to run the runtime's own checks on a node's state), a send that must succeed, and an
 * event's data.
 */
import type { ApiPromise } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { EventRecord } from '@polkadot/types/interfaces';
import { compareBytes, fromHex, toHexRaw } from '../../src/primitives/bytes.js';
import type { StateReader } from '../../src/runtime/state.js';
import { sendAndWatch, type WatchedTx } from '../helpers/clients.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

function rpc<T>(api: ApiPromise, method: string, params: unknown[]): Promise<T> {
  return (api as Any)._rpcCore.provider.send(method, params) as Promise<T>;
}

/** The whole state at block `hash`, read with state_getKeysPaged and state_queryStorageAt, as a StateReader. */
export async function stateAtOverRpc(api: ApiPromise, hash: string): Promise<StateReader> {
  const keys: string[] = [];
  for (;;) {
    const page = await rpc<string[]>(api, 'state_getKeysPaged', ['0x', 1_000, keys[keys.length - 1] ?? null, hash]);
    keys.push(...page);
    if (page.length < 1_000) break;
  }
  const entries: Array<[Uint8Array, Uint8Array]> = [];
  for (let i = 0; i < keys.length; i += 1_000) {
    const [set] = await rpc<Array<{ changes: Array<[string, string | null]> }>>(api, 'state_queryStorageAt', [keys.slice(i, i + 1_000), hash]);
    for (const [k, v] of set.changes) if (v !== null) entries.push([fromHex(k), fromHex(v)]);
  }
  entries.sort((a, b) => compareBytes(a[0], b[0]));
  const index = new Map(entries.map(([k, v]) => [toHexRaw(k), v]));
  return {
    get: (k) => index.get(toHexRaw(k)),
    nextKey: (k) => {
      let lo = 0;
      let hi = entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareBytes(entries[mid][0], k) <= 0) lo = mid + 1;
        else hi = mid;
      }
      return entries[lo]?.[0];
    },
  };
}

/** Send and require success; returns the watched transaction. */
export async function sendOk(api: ApiPromise, tx: Any, signer: KeyringPair): Promise<WatchedTx> {
  const r = await sendAndWatch(tx, signer);
  if (r.dispatchError) {
    const d = r.dispatchError;
    const why = d.isModule ? `${api.registry.findMetaError(d.asModule).section}.${api.registry.findMetaError(d.asModule).name}` : d.toString();
    throw new Error(`${tx.method.section}.${tx.method.method} failed: ${why}`);
  }
  return r;
}

/** The data of the first event `section.method` of a transaction. */
export function eventData(r: WatchedTx, section: string, method: string): Any {
  const e = r.events.find((x: EventRecord) => x.event.section === section && x.event.method === method);
  if (!e) throw new Error(`no ${section}.${method} among ${r.events.map((x: EventRecord) => `${x.event.section}.${x.event.method}`).join(', ')}`);
  return e.event.data;
}
