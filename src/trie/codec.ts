/**
 * Public node codec: Substrate's trie node encoding (`sp_trie::NodeCodec`, layouts V0/V1, no extension nodes) as
 * plain data. The trie itself uses the internal codec in `node.ts`; these functions convert to and from it, so a
 * round trip through them exercises exactly the bytes the trie hashes.
 */
import { ChildRef, decodeNodeInternal, emptyChildren, encodeNodeInternal, Node, slotHash } from './node.js';
import { TrieCodecError } from './types.js';

/** A node's value: inline bytes, or (V1, values ≥ 33 bytes) the blake2_256 of a value stored out of line. */
export type NodeValue = { readonly type: 'inline'; readonly value: Uint8Array } | { readonly type: 'hashed'; readonly hash: Uint8Array };

/** A decoded node. `partial` holds one nibble (0..15) per byte. */
export type NodeData =
  | { readonly type: 'empty' }
  | { readonly type: 'leaf'; readonly partial: Uint8Array; readonly value: NodeValue }
  | {
      readonly type: 'branch';
      readonly partial: Uint8Array;
      readonly value: NodeValue | undefined;
      /** 16 slots: each child's Merkle value (32-byte hash, or its own encoding when < 32 bytes), or undefined. */
      readonly children: readonly (Uint8Array | undefined)[];
    };

/** The encoding of the empty trie's root node. */
const EMPTY_NODE = Uint8Array.of(0);

/** Encode a node; throws {@link TrieCodecError} on data no valid node has (nibble > 15, a branch without children, a child reference ≥ 33 bytes…). */
export function encodeNode(data: NodeData): Uint8Array {
  if (data.type === 'empty') return EMPTY_NODE.slice();
  const partial = data.partial;
  // Pack the nibbles so that the internal node can view them (nibble j at position j).
  const pk = new Uint8Array((partial.length + 1) >> 1);
  for (let j = 0; j < partial.length; j++) {
    const x = partial[j];
    if (x > 15) throw new TrieCodecError(`nibble ${x} out of range`);
    pk[j >> 1] |= j & 1 ? x : x << 4;
  }
  const v = data.value;
  const value = v === undefined ? undefined : v.type === 'inline' ? v.value : undefined;
  const valueHash = v === undefined ? undefined : v.type === 'hashed' ? v.hash : undefined;
  if (valueHash !== undefined && valueHash.length !== 32) throw new TrieCodecError('value hash must be 32 bytes');
  let children: (ChildRef | undefined)[] | undefined;
  if (data.type === 'branch') {
    if (data.children.length !== 16) throw new TrieCodecError('a branch has exactly 16 child slots');
    children = emptyChildren();
    let any = false;
    for (let i = 0; i < 16; i++) {
      const mv = data.children[i];
      if (mv === undefined) continue;
      if (mv.length === 0 || mv.length > 32) throw new TrieCodecError(`child Merkle value of ${mv.length} bytes`);
      any = true;
      // A 32-byte reference is a hash; a shorter one is an inline node, carried as a node whose mv is its encoding.
      if (mv.length === 32) {
        children[i] = mv;
      } else {
        const n = new Node(mv, 0, 0, undefined, undefined, false, undefined, undefined);
        n.setMv(mv);
        children[i] = n;
      }
    }
    if (!any) throw new TrieCodecError('branch without children');
  }
  const node = new Node(pk, 0, partial.length, value, valueHash, valueHash !== undefined, children, undefined);
  return encodeNodeInternal(node);
}

/**
 * Decode a node strictly (see `decodeNodeInternal`): rejects a non-zero padding nibble, a zero bitmap, headers
 * `0x01`–`0x0f`, non-canonical compact lengths, child references longer than 32 bytes and trailing bytes, by
 * throwing {@link TrieCodecError}. `00` decodes to the empty node.
 */
export function decodeNode(bytes: Uint8Array): NodeData {
  const node = decodeNodeInternal(bytes, 0, bytes.length, true);
  if (node === null) return { type: 'empty' };
  const partial = new Uint8Array(node.pkLen);
  for (let j = 0; j < node.pkLen; j++) partial[j] = node.nibble(j);
  const value: NodeValue | undefined =
    node.valueHash !== undefined
      ? { type: 'hashed', hash: node.valueHash.slice() }
      : node.value !== undefined
        ? { type: 'inline', value: node.value.slice() }
        : undefined;
  if (node.children === undefined) return { type: 'leaf', partial, value: value! };
  const children = node.children.map((c) =>
    c === undefined ? undefined : c instanceof Node ? c.mv().slice() : typeof c === 'number' ? slotHash(node, c) : c.slice(),
  );
  return { type: 'branch', partial, value, children };
}
