/**
 * Substrate's state trie (radix 16, no extension nodes, blake2_256, layouts V0/V1) as a persistent data structure.
 *
 * - `update` applies a whole sorted batch of changes in one descent (each node on a touched path is visited once),
 *   copying the touched paths (`this` never changes) and sharing every untouched subtree with the old trie.
 * - Hashes are computed once per node: a node's Merkle value is cached on the node at commit time and nodes are
 *   immutable afterwards, so a later update re-hashes only the nodes it creates.
 * - Nodes of a trie opened with {@link Trie.at} are loaded lazily from the {@link NodeStore} through a shared
 *   {@link NodeCache}; a loaded node is never linked into its parent, so memory stays bounded by the cache.
 *   Nodes created by `update` are linked in memory to their new parents: to drop them after writing `newNodes`
 *   to the store, re-open the trie with `Trie.at(root, store, cache)`.
 *
 * Keys, values and node bytes handed to or returned by a trie are shared, not copied: never mutate them.
 */
import { equalBytes, toHexRaw } from '../primitives/bytes.js';
import { hash256 } from './hash.js';
import { NodeCache } from './cache.js';
import { ChildRef, decodeNodeInternal, emptyChildren, encodeNodeInternal, Node, nibbleAt, Slab, slotHash } from './node.js';
import { EMPTY_TRIE_ROOT } from './root.js';
import { sortedOrder } from './sort.js';
import { MissingNodeError, type NodeStore, type StateVersion, TRIE_VALUE_NODE_THRESHOLD } from './types.js';

/** Size of the cache made for a trie opened without one (decoded nodes, a few MiB at most). */
export const DEFAULT_CACHE_ENTRIES = 8192;

/** The result of {@link Trie.update}. */
export interface TrieUpdate {
  /** The updated trie (shares untouched nodes with the old one). */
  readonly trie: Trie;
  /** Its root hash. */
  readonly root: Uint8Array;
  /**
   * Every encoded node and (V1) hashed value, by blake2_256 hash, that the new trie has and the old one did not.
   * Encodings are views into buffers shared by this update's encodings: a store that keeps them (rather than
   * copying, as LevelDB does) should copy them if it keeps only some.
   */
  readonly newNodes: Array<[hash: Uint8Array, encoded: Uint8Array]>;
}

/**
 * The node a child slot refers to, loading it (through `cache`) when the slot holds a hash; `holder` is the node
 * whose children array the slot is in (it owns the bytes a numeric slot points into), undefined for the root.
 */
function resolveRef(ref: ChildRef, holder: Node | undefined, store: NodeStore, cache: NodeCache): Node {
  if (ref instanceof Node) return ref;
  if (typeof ref === 'number') {
    const hit = cache.getAt(holder!.src!, ref);
    return hit !== undefined ? hit : loadNode(slotHash(holder!, ref), store, cache);
  }
  const hit = cache.get(ref);
  return hit !== undefined ? hit : loadNode(ref, store, cache);
}

/** Load the node stored under `hash` (known to be missing from `cache`) and cache it. */
function loadNode(hash: Uint8Array, store: NodeStore, cache: NodeCache): Node {
  const enc = store.get(hash);
  if (enc === undefined) throw new MissingNodeError(hash, 'node');
  const node = decodeNodeInternal(enc, 0, enc.length, false)!;
  // A node shorter than 32 bytes is inlined wherever it is a child; stored by hash it can only be a root.
  node.setMv(enc.length < 32 ? enc : hash);
  cache.set(hash, node);
  return node;
}

/** Number of nibbles (0 ≤ n ≤ cap) of `key` from nibble `d` that equal the first nibbles of `node`'s partial key. */
function matchLength(key: Uint8Array, d: number, node: Node, cap: number): number {
  const avail = key.length * 2 - d;
  const n = avail < cap ? avail : cap;
  const pk = node.pk;
  let p = node.pkOff;
  let q = d;
  let j = 0;
  // Both sides byte-aligned: compare whole bytes first.
  if (((p | q) & 1) === 0) {
    let pb = p >> 1;
    let qb = q >> 1;
    while (j + 2 <= n && pk[pb] === key[qb]) {
      j += 2;
      pb++;
      qb++;
    }
    p += j;
    q += j;
  }
  for (; j < n; j++, p++, q++) {
    const a = p & 1 ? pk[p >> 1] & 15 : pk[p >> 1] >> 4;
    const b = q & 1 ? key[q >> 1] & 15 : key[q >> 1] >> 4;
    if (a !== b) break;
  }
  return j;
}

/** Length in nibbles of the common prefix of `a` and `b` from nibble `d` (both share their first `d` nibbles). */
function commonNibbles(a: Uint8Array, b: Uint8Array, d: number): number {
  const limit = (a.length < b.length ? a.length : b.length) * 2;
  let i = d;
  if (i & 1 && i < limit) {
    if ((a[i >> 1] & 15) !== (b[i >> 1] & 15)) return i;
    i++;
  }
  let byte = i >> 1;
  while (i < limit && a[byte] === b[byte]) {
    i += 2;
    byte++;
  }
  if (i < limit && a[byte] >> 4 === b[byte] >> 4) i++;
  return i;
}

/**
 * One batch update: the sorted, de-duplicated changes and the scratch state of the descent.
 *
 * Bounds used throughout: change indices `lo ≤ i < hi ≤ keys.length` (< 2^32); depths and partial-key lengths in
 * nibbles `0 ≤ d, e, m, L ≤ 2 · (longest key in bytes)`; child slots `0 ≤ s < 16`.
 */
class Updater {
  /** Per change (same index as `keys`): how many nibbles of the current node's partial key it matches. */
  private readonly ml: Int32Array;
  /** Where this update's encodings are written. */
  private readonly slab = new Slab();

  constructor(
    private readonly keys: Uint8Array[],
    private readonly vals: (Uint8Array | null)[],
    private readonly version: StateVersion,
    private readonly store: NodeStore,
    private readonly cache: NodeCache,
  ) {
    this.ml = new Int32Array(keys.length);
  }

  private resolve(ref: ChildRef, holder: Node | undefined): Node {
    return ref instanceof Node ? ref : resolveRef(ref, holder, this.store, this.cache);
  }

  private isHashed(value: Uint8Array): boolean {
    return this.version === 1 && value.length >= TRIE_VALUE_NODE_THRESHOLD;
  }

  /** A new leaf for key `k` at depth `d` (nibbles), viewing the key itself as its partial key. */
  private leaf(k: Uint8Array, d: number, v: Uint8Array): Node {
    return new Node(k, d, k.length * 2 - d, v, undefined, this.isHashed(v), undefined, undefined);
  }

  /** Build a new subtree from the insertions among changes `[lo, hi)`, which share their first `d` nibbles. */
  build(d: number, lo: number, hi: number): Node | undefined {
    const keys = this.keys;
    const vals = this.vals;
    let a = lo;
    while (a < hi && vals[a] === null) a++;
    if (a === hi) return undefined;
    let b = hi - 1;
    while (vals[b] === null) b--;
    if (a === b) return this.leaf(keys[a], d, vals[a]!);
    const k0 = keys[a];
    // Sorted: what the first and last insertions share, every change between them shares.
    const e = commonNibbles(k0, keys[b], d);
    let value: Uint8Array | undefined;
    let i = a;
    if (k0.length * 2 === e) {
      value = vals[a]!;
      i++;
    }
    const children = emptyChildren();
    while (i <= b) {
      const s = nibbleAt(keys[i], e);
      let j = i + 1;
      while (j <= b && nibbleAt(keys[j], e) === s) j++;
      children[s] = this.build(e + 1, i, j);
      i = j;
    }
    return new Node(k0, d, e - d, value, undefined, value !== undefined && this.isHashed(value), children, undefined);
  }

  /**
   * Apply changes `[lo, hi)` (sharing their first `d` nibbles) to the subtree `ref` (a slot of `holder`, or the
   * root) whose partial key starts at nibble `d`. Returns `ref` itself when nothing changed, `undefined` when the
   * subtree became empty.
   */
  apply(ref: ChildRef, holder: Node | undefined, d: number, lo: number, hi: number): ChildRef | undefined {
    const node = this.resolve(ref, holder);
    const L = node.pkLen;
    const keys = this.keys;
    const vals = this.vals;
    const ml = this.ml;
    // m: how much of the partial key every insertion shares; deletions that diverge earlier are no-ops.
    let m = L;
    for (let i = lo; i < hi; i++) {
      const c = matchLength(keys[i], d, node, m);
      ml[i] = c;
      if (c < m && vals[i] !== null) m = c;
    }
    if (m === L) return this.applyMatched(node, ref, d, L, lo, hi, false);
    // An insertion leaves the partial key at nibble m: split into a new branch holding the old node below it.
    const tail = new Node(node.pk, node.pkOff + m + 1, L - m - 1, node.value, node.valueHash, node.hashed, node.children, node.src);
    const children = emptyChildren();
    children[node.nibble(m)] = tail;
    const branch = new Node(node.pk, node.pkOff, m, undefined, undefined, false, children, undefined);
    return this.applyMatched(branch, branch, d, m, lo, hi, true);
  }

  /** Apply the changes that match all `m` nibbles of `node`'s partial key (`ml[i] ≥ m`); the others are no-op deletions. */
  private applyMatched(node: Node, ref: ChildRef, d: number, m: number, lo: number, hi: number, isNew: boolean): ChildRef | undefined {
    const keys = this.keys;
    const vals = this.vals;
    const ml = this.ml;
    // Sorted: the changes sharing the node's path are contiguous. Read ml before recursing (it is overwritten).
    let a = lo;
    while (a < hi && ml[a] < m) a++;
    let b = hi;
    while (b > a && ml[b - 1] < m) b--;
    const e = d + m;
    let changed = isNew;
    let value = node.value;
    let valueHash = node.valueHash;
    let hashed = node.hashed;
    let i = a;
    // The key ending exactly here (at most one) is a prefix of the others, so it sorts first.
    if (i < b && keys[i].length * 2 === e) {
      const v = vals[i];
      if (v === null) {
        if (node.hasValue()) {
          value = valueHash = undefined;
          hashed = false;
          changed = true;
        }
      } else {
        const h = this.isHashed(v);
        if (!(node.value !== undefined && node.hashed === h && equalBytes(node.value, v))) {
          value = v;
          valueHash = undefined;
          hashed = h;
          changed = true;
        }
      }
      i++;
    }
    let children = node.children;
    let copied = false;
    while (i < b) {
      const s = nibbleAt(keys[i], e);
      let j = i + 1;
      while (j < b && nibbleAt(keys[j], e) === s) j++;
      const old = children === undefined ? undefined : children[s];
      // Slots of a copied array still point into node.src, so `node` stays their holder.
      const next = old === undefined ? this.build(e + 1, i, j) : this.apply(old, node, e + 1, i, j);
      if (next !== old) {
        if (!copied) {
          children = children === undefined ? emptyChildren() : children.slice();
          copied = true;
        }
        children![s] = next;
        changed = true;
      }
      i = j;
    }
    if (!changed) return ref;
    return this.normalize(node, m, value, valueHash, hashed, children);
  }

  /** The node with partial `node.partial[0..m)` and this content, in canonical shape (or undefined when empty). */
  private normalize(
    node: Node,
    m: number,
    value: Uint8Array | undefined,
    valueHash: Uint8Array | undefined,
    hashed: boolean,
    children: (ChildRef | undefined)[] | undefined,
  ): Node | undefined {
    const hasValue = value !== undefined || valueHash !== undefined;
    let count = 0; // occupied slots, 0..16
    let slot = -1; // last occupied slot, -1..15
    if (children !== undefined) {
      for (let s = 0; s < 16; s++) {
        if (children[s] !== undefined) {
          count++;
          slot = s;
        }
      }
    }
    if (count === 0) {
      if (!hasValue) return undefined;
      return new Node(node.pk, node.pkOff, m, value, valueHash, hashed, undefined, undefined);
    }
    if (hasValue || count > 1) return new Node(node.pk, node.pkOff, m, value, valueHash, hashed, children, node.src);
    // A branch without value and a single child merges with it: partial ‖ slot nibble ‖ child's partial.
    const child = this.resolve(children![slot]!, node);
    const total = m + 1 + child.pkLen;
    // Start at nibble (total & 1) so the partial ends on a byte boundary and encodes by plain copy.
    const off = total & 1;
    const pk = new Uint8Array((off + total) >> 1);
    let p = off;
    const put = (x: number): void => {
      pk[p >> 1] |= p & 1 ? x : x << 4;
      p++;
    };
    for (let j = 0; j < m; j++) put(node.nibble(j));
    put(slot);
    for (let j = 0; j < child.pkLen; j++) put(child.nibble(j));
    return new Node(pk, off, total, child.value, child.valueHash, child.hashed, child.children, child.src);
  }

  /**
   * Compute Merkle values (post-order) of the new nodes under `node`, collecting the hashed ones into `out`.
   * Returns the node's encoding.
   */
  commit(node: Node, out: Array<[Uint8Array, Uint8Array]>): Uint8Array {
    const ch = node.children;
    if (ch !== undefined) {
      for (let i = 0; i < 16; i++) {
        const c = ch[i];
        if (c instanceof Node && c.state === 0) this.commit(c, out);
      }
    }
    if (node.hashed && node.valueHash === undefined) {
      const h = hash256(node.value!);
      node.valueHash = h;
      out.push([h, node.value!]);
    }
    const enc = encodeNodeInternal(node, this.slab);
    if (enc.length < 32) {
      // Inline: the node keeps it, so copy it out of the slab (which must not outlive this update's newNodes).
      node.setMv(enc.slice());
    } else {
      const h = hash256(enc);
      node.setHash(h, 0);
      out.push([h, enc]);
    }
    return enc;
  }
}

/** Iteration mode of a subtree relative to the `startAfter` bound. */
const FREE = 0; // every key in the subtree is after the bound
const TIGHT = 1; // the subtree's path is a proper prefix of the bound
const EQUAL = 2; // the subtree's path is the bound: skip its value, children are free
const SKIP = 3; // every key in the subtree is at or before the bound

/** Substrate's state trie; see the module comment. */
export class Trie {
  /** Root hash (blake2_256 of the root node's encoding; {@link EMPTY_TRIE_ROOT} when empty). */
  readonly root: Uint8Array;
  private readonly rootRef: ChildRef | undefined;
  private readonly store: NodeStore;
  private readonly cache: NodeCache;

  private constructor(rootRef: ChildRef | undefined, root: Uint8Array, store: NodeStore, cache: NodeCache) {
    this.rootRef = rootRef;
    this.root = root;
    this.store = store;
    this.cache = cache;
  }

  /** The empty trie; nodes it later needs (none until updated) come from `store`. */
  static empty(store: NodeStore, cache?: NodeCache): Trie {
    return new Trie(undefined, EMPTY_TRIE_ROOT, store, cache ?? new NodeCache(DEFAULT_CACHE_ENTRIES));
  }

  /** The trie whose root hash is `root`; nodes are loaded lazily from `store` (a missing one throws {@link MissingNodeError} when needed). */
  static at(root: Uint8Array, store: NodeStore, cache?: NodeCache): Trie {
    if (root.length !== 32) throw new RangeError(`a trie root is 32 bytes, got ${root.length}`);
    const c = cache ?? new NodeCache(DEFAULT_CACHE_ENTRIES);
    if (equalBytes(root, EMPTY_TRIE_ROOT)) return new Trie(undefined, EMPTY_TRIE_ROOT, store, c);
    const r = root.slice();
    return new Trie(r, r, store, c);
  }

  /** True when the trie holds no key. */
  get isEmpty(): boolean {
    return this.rootRef === undefined;
  }

  private resolve(ref: ChildRef, holder: Node | undefined): Node {
    return ref instanceof Node ? ref : resolveRef(ref, holder, this.store, this.cache);
  }

  /** The value of a node that has one (hashed values are read from the store). */
  private valueOf(node: Node): Uint8Array {
    if (node.value !== undefined) return node.value;
    const v = this.store.get(node.valueHash!);
    if (v === undefined) throw new MissingNodeError(node.valueHash!, 'value');
    return v;
  }

  /**
   * Walk from the root along `key`; returns the node whose path is exactly `key`, or undefined. `visit` sees every
   * node on the way with whether it is stored by hash (the root always is).
   */
  private lookup(key: Uint8Array, visit?: (node: Node, byHash: boolean) => void): Node | undefined {
    let ref = this.rootRef;
    if (ref === undefined) return undefined;
    const kl = key.length * 2;
    let d = 0;
    let byHash = true;
    let holder: Node | undefined;
    for (;;) {
      const node = this.resolve(ref, holder);
      if (visit !== undefined) visit(node, byHash);
      const L = node.pkLen;
      if (d + L > kl || matchLength(key, d, node, L) !== L) return undefined;
      d += L;
      if (d === kl) return node.hasValue() ? node : undefined;
      const children = node.children;
      if (children === undefined) return undefined;
      const c = children[nibbleAt(key, d)];
      if (c === undefined) return undefined;
      byHash = !(c instanceof Node) || c.state === 2;
      ref = c;
      holder = node;
      d++;
    }
  }

  /** The value stored under `key`, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined {
    const node = this.lookup(key);
    return node === undefined ? undefined : this.valueOf(node);
  }

  /**
   * Persistent update (path copying): `this` is unchanged. `null` deletes; for a key given twice the last change
   * wins. Values are stored inline or hashed by the rule of `version` when written; untouched values keep the
   * form they were written in (Substrate's lazy V0→V1 migration). Returns the new trie, its root and every
   * node/value (by hash) that the new trie has and the store may not (to be written by the caller in one batch).
   */
  update(changes: Iterable<readonly [Uint8Array, Uint8Array | null]>, version: StateVersion): TrieUpdate {
    const list = Array.from(changes);
    if (list.length === 0) return { trie: this, root: this.root, newNodes: [] };
    const order = sortedOrder(list.map((c) => c[0]));
    const keys: Uint8Array[] = [];
    const vals: (Uint8Array | null)[] = [];
    for (let i = 0; i < order.length; i++) {
      const c = list[order[i]];
      // Stable order: of equal keys the last one given comes last, and wins.
      if (i + 1 < order.length && equalBytes(c[0], list[order[i + 1]][0])) continue;
      keys.push(c[0]);
      vals.push(c[1]);
    }
    const u = new Updater(keys, vals, version, this.store, this.cache);
    const n = keys.length;
    const next = this.rootRef === undefined ? u.build(0, 0, n) : u.apply(this.rootRef, undefined, 0, 0, n);
    if (next === this.rootRef) return { trie: this, root: this.root, newNodes: [] };
    if (next === undefined) return { trie: new Trie(undefined, EMPTY_TRIE_ROOT, this.store, this.cache), root: EMPTY_TRIE_ROOT, newNodes: [] };
    const newNodes: Array<[Uint8Array, Uint8Array]> = [];
    const rootNode = this.resolve(next, undefined);
    const enc = u.commit(rootNode, newNodes);
    let root: Uint8Array;
    if (enc.length < 32) {
      // The root is hashed (and stored by hash) even when its encoding is short enough to be inlined.
      root = hash256(enc);
      newNodes.push([root, enc]);
    } else {
      // Post-order: the root's own entry is the last one pushed.
      root = newNodes[newNodes.length - 1][0];
    }
    return { trie: new Trie(rootNode, root, this.store, this.cache), root, newNodes };
  }

  /**
   * Ordered iteration (byte order) of the entries whose key starts with `prefix`, strictly after `startAfter`
   * when given.
   */
  entries(prefix: Uint8Array, startAfter?: Uint8Array): Generator<[Uint8Array, Uint8Array]> {
    return this.walk(prefix, startAfter, true) as Generator<[Uint8Array, Uint8Array]>;
  }

  /** Ordered iteration (byte order) of the keys starting with `prefix`, strictly after `startAfter` when given. */
  *keys(prefix: Uint8Array, startAfter?: Uint8Array): Generator<Uint8Array> {
    for (const [k] of this.walk(prefix, startAfter, false)) yield k;
  }

  /** The smallest key strictly greater than `key`, or undefined. */
  nextKey(key: Uint8Array): Uint8Array | undefined {
    const r = this.walk(new Uint8Array(0), key, false).next();
    return r.done ? undefined : r.value[0];
  }

  /**
   * Depth-first, in key order: `[key, value]` of the keys that have `prefix` and are after `startAfter` (value
   * left undefined unless `withValues`).
   */
  private *walk(prefix: Uint8Array, startAfter: Uint8Array | undefined, withValues: boolean): Generator<[Uint8Array, Uint8Array | undefined]> {
    if (this.rootRef === undefined) return;
    let path = new Uint8Array(128); // nibbles of the current path; grown as needed
    const ensure = (n: number): void => {
      if (n <= path.length) return;
      let size = path.length * 2;
      while (size < n) size *= 2;
      const bigger = new Uint8Array(size);
      bigger.set(path);
      path = bigger;
    };
    const writePartial = (node: Node, at: number): void => {
      ensure(at + node.pkLen);
      for (let j = 0; j < node.pkLen; j++) path[at + j] = node.nibble(j);
    };
    // 1. Descend to the highest node whose path starts with `prefix`.
    const P = prefix.length * 2; // prefix length in nibbles
    let node = this.resolve(this.rootRef, undefined);
    let plen = 0; // nibbles of path before the node's partial key
    for (;;) {
      writePartial(node, plen);
      const end = plen + node.pkLen;
      const cmp = end < P ? end : P;
      for (let j = plen; j < cmp; j++) if (path[j] !== nibbleAt(prefix, j)) return;
      plen = end;
      if (plen >= P) break;
      const s = nibbleAt(prefix, plen);
      const c = node.children === undefined ? undefined : node.children[s];
      if (c === undefined) return;
      ensure(plen + 1);
      path[plen++] = s;
      node = this.resolve(c, node);
    }
    // 2. Where does that subtree stand relative to the bound?
    const S = startAfter;
    const SL = S === undefined ? 0 : S.length * 2;
    const modeOf = (from: number, to: number): number => {
      // Path [0, from) equals the bound's first nibbles and from < SL; compare path [from, to).
      const lim = to < SL ? to : SL;
      for (let j = from; j < lim; j++) {
        const x = nibbleAt(S!, j);
        if (path[j] !== x) return path[j] > x ? FREE : SKIP;
      }
      return to > SL ? FREE : to === SL ? EQUAL : TIGHT;
    };
    let mode = S === undefined ? FREE : modeOf(0, plen);
    if (mode === SKIP) return;
    const entry = (n: Node, len: number): [Uint8Array, Uint8Array | undefined] => {
      if ((len & 1) !== 0) throw new Error('trie invariant broken: a value at an odd nibble depth');
      const key = new Uint8Array(len >> 1);
      for (let i = 0; i < key.length; i++) key[i] = (path[2 * i] << 4) | path[2 * i + 1];
      return [key, withValues ? this.valueOf(n) : undefined];
    };
    // 3. Depth-first with an explicit stack (no recursive generators: O(1) per yielded entry).
    // The stack holds at most one frame per node on a root-to-leaf path.
    const nodes: Node[] = [];
    const plens: number[] = []; // path length after each stacked node's partial key, 0..path.length
    const slots: number[] = []; // next child slot to visit, 0..16
    const modes: number[] = [];
    const push = (n: Node, len: number, md: number): void => {
      nodes.push(n);
      plens.push(len);
      modes.push(md);
      // In a tight subtree the slots below the bound's next nibble hold only smaller keys.
      slots.push(md === TIGHT ? nibbleAt(S!, len) : 0);
    };
    if (mode === FREE && node.hasValue()) yield entry(node, plen);
    push(node, plen, mode);
    while (nodes.length > 0) {
      const top = nodes.length - 1;
      const n = nodes[top];
      const children = n.children;
      const s = slots[top];
      if (children === undefined || s >= 16) {
        nodes.pop();
        plens.pop();
        slots.pop();
        modes.pop();
        continue;
      }
      slots[top] = s + 1;
      const c = children[s];
      if (c === undefined) continue;
      const base = plens[top];
      ensure(base + 1);
      path[base] = s;
      const child = this.resolve(c, n);
      writePartial(child, base + 1);
      const end = base + 1 + child.pkLen;
      mode = modes[top];
      // Only the slot equal to the bound's nibble can still be tight; slots after it are free.
      const childMode = mode === TIGHT && s === nibbleAt(S!, base) ? modeOf(base + 1, end) : mode === SKIP ? SKIP : FREE;
      if (childMode === SKIP) continue;
      if (childMode === FREE && child.hasValue()) yield entry(child, end);
      push(child, end, childMode);
    }
  }

  /**
   * Encoded nodes (deduplicated, any order) proving the values (or absence) of `keys`, in Substrate's read-proof
   * format: every node stored by hash on each key's path, plus the (V1) hashed values read.
   */
  proof(keys: readonly Uint8Array[]): Uint8Array[] {
    const seen = new Set<string>();
    const out: Uint8Array[] = [];
    const add = (id: Uint8Array, bytes: Uint8Array): void => {
      const k = toHexRaw(id);
      if (seen.has(k)) return;
      seen.add(k);
      out.push(bytes);
    };
    for (const key of keys) {
      let first = true;
      const node = this.lookup(key, (n, byHash) => {
        if (!byHash) return;
        add(first ? this.root : n.mv(), encodeNodeInternal(n));
        first = false;
      });
      if (node !== undefined && node.hashed) add(node.valueHash!, this.valueOf(node));
    }
    return out;
  }

  /**
   * Merkle value (hash, or inline encoding when < 32 bytes) of the closest node whose key starts with `prefix`,
   * as chainHead_v1 `closestDescendantMerkleValue`; for the root node that is the state root. Undefined when no
   * key has that prefix.
   */
  closestDescendantMerkleValue(prefix: Uint8Array): Uint8Array | undefined {
    let ref = this.rootRef;
    if (ref === undefined) return undefined;
    const P = prefix.length * 2;
    let d = 0;
    let holder: Node | undefined;
    for (;;) {
      const node = this.resolve(ref, holder);
      const L = node.pkLen;
      const want = P - d < L ? P - d : L;
      if (matchLength(prefix, d, node, want) !== want) return undefined;
      if (d + L >= P) {
        if (holder === undefined) return this.root;
        return ref instanceof Node ? ref.mv() : typeof ref === 'number' ? slotHash(holder, ref) : ref;
      }
      d += L;
      const c = node.children === undefined ? undefined : node.children[nibbleAt(prefix, d)];
      if (c === undefined) return undefined;
      ref = c;
      holder = node;
      d++;
    }
  }
}
