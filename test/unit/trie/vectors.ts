/**
 * Loader for the shared trie vectors (`/work/shared/reference/trie/vectors.json`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex } from '../../../src/primitives/bytes.js';
import type { StateVersion } from '../../../src/trie/index.js';

/** Directory of the reference vectors. */
export const VECTORS_DIR = '/work/shared/reference/trie';

/** One case of vectors.json, as stored. */
export interface RawCase {
  name: string;
  layout: 'V0' | 'V1';
  entries: Array<[string, string]> | null;
  entriesFile?: string;
  entriesPointer?: string;
  entryCount?: number;
  root: string;
  rootNodeEncoding?: string;
  confirmed: boolean;
  genesis?: { expectedBlockHash: string; header?: string };
}

/** A case with its entries loaded. */
export interface Case {
  raw: RawCase;
  version: StateVersion;
  entries: Array<[Uint8Array, Uint8Array]>;
  root: Uint8Array;
  /** For genesis cases: the default child tries, by child key (without the `:child_storage:default:` prefix). */
  childrenDefault: Array<{ childKey: Uint8Array; entries: Array<[Uint8Array, Uint8Array]> }>;
}

/** Resolve an RFC 6901 JSON pointer. */
function pointer(doc: unknown, ptr: string): unknown {
  if (ptr === '' || ptr === '/') return doc;
  let cur = doc;
  for (const raw of ptr.slice(1).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') throw new Error(`pointer ${ptr}: no ${part}`);
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Entries from an array of pairs or an object map of hex strings. */
function toEntries(data: unknown): Array<[Uint8Array, Uint8Array]> {
  if (Array.isArray(data)) return data.map(([k, v]: [string, string]) => [fromHex(k), fromHex(v)]);
  if (data !== null && typeof data === 'object') {
    return Object.entries(data as Record<string, string>).map(([k, v]) => [fromHex(k), fromHex(v)]);
  }
  throw new Error('entries are neither an array nor an object');
}

/** Every case, with its entries (and, for genesis specs, its child tries) loaded. */
export function loadCases(): Case[] {
  const raw = JSON.parse(readFileSync(join(VECTORS_DIR, 'vectors.json'), 'utf8')) as RawCase[];
  const files = new Map<string, unknown>();
  return raw.map((c) => {
    let entries: Array<[Uint8Array, Uint8Array]>;
    const childrenDefault: Case['childrenDefault'] = [];
    if (c.entries !== null && c.entries !== undefined) {
      entries = toEntries(c.entries);
    } else {
      if (c.entriesFile === undefined || c.entriesPointer === undefined) throw new Error(`${c.name}: no entries`);
      let doc = files.get(c.entriesFile);
      if (doc === undefined) {
        doc = JSON.parse(readFileSync(join(VECTORS_DIR, c.entriesFile), 'utf8'));
        files.set(c.entriesFile, doc);
      }
      entries = toEntries(pointer(doc, c.entriesPointer));
      // A raw chain spec keeps child tries beside `top`.
      if (c.entriesPointer.endsWith('/top')) {
        const children = pointer(doc, c.entriesPointer.slice(0, -'/top'.length) + '/childrenDefault');
        if (children !== undefined && children !== null) {
          for (const [childKey, kv] of Object.entries(children as Record<string, unknown>)) {
            childrenDefault.push({ childKey: fromHex(childKey), entries: toEntries(kv) });
          }
        }
      }
    }
    if (c.layout !== 'V0' && c.layout !== 'V1') throw new Error(`${c.name}: unknown layout ${String(c.layout)}`);
    return { raw: c, version: c.layout === 'V0' ? 0 : 1, entries, root: fromHex(c.root), childrenDefault };
  });
}
