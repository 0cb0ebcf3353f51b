/**
 * The node's libp2p identity: an ed25519 key whose public half is the peer id listed in the chain spec.
 *
 * File format (`--node-key-file`): the 32-byte ed25519 secret seed as 64 lowercase hex digits and a newline, the
 * same secret Substrate's `--node-key`/`key generate-node-key` use, so a key moves between the two and keeps its
 * peer id. Reading also accepts an optional `0x` prefix and a raw 32-byte file. Files are written with mode 0600
 * (the directory 0700 when created) and never overwritten by accident.
 *
 * Dev keys (`devNodeKey('//Alice')`) are derived from a public, well-known seed: anyone can compute them, so they
 * are for tests and local testnets only, never for a network that holds value.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys';
import type { Ed25519PrivateKey } from '@libp2p/interface';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { fromHex, toHexRaw, utf8 } from '../primitives/bytes.js';
import { copyBytes } from './framing.js';
import { blake2_256 } from '../primitives/hashing.js';

/** Length of an ed25519 secret seed in bytes. */
export const NODE_KEY_SEED_BYTES = 32;

/** Domain separator for dev node keys, so they never collide with account keys derived from the same names. */
const DEV_KEY_DOMAIN = 'dcn/p2p/dev-node-key:';

/** Thrown when a node key file is missing, malformed, or would be overwritten. */
export class NodeKeyError extends Error {
  override name = 'NodeKeyError';
}

/** A loaded node key with its peer id in text form (`12D3KooW…`). */
export interface NodeKey {
  /** The libp2p private key, to pass to `P2pHost.start`. */
  privateKey: Ed25519PrivateKey;
  /** The peer id (base58btc of the identity multihash), as listed in the chain spec. */
  peerId: string;
}

/** The peer id (text form) of a private key. */
export function peerIdOf(privateKey: Ed25519PrivateKey): string {
  return peerIdFromPrivateKey(privateKey).toString();
}

/** The node key for a 32-byte ed25519 secret seed. */
export async function nodeKeyFromSeed(seed: Uint8Array): Promise<NodeKey> {
  if (seed.length !== NODE_KEY_SEED_BYTES) throw new NodeKeyError(`node key seed must be ${NODE_KEY_SEED_BYTES} bytes, got ${seed.length}`);
  const privateKey = await generateKeyPairFromSeed('Ed25519', seed);
  return { privateKey, peerId: peerIdOf(privateKey) };
}

/** The 32-byte secret seed of an ed25519 key (libp2p keeps seed ‖ public key in `raw`). */
export function nodeKeySeed(privateKey: Ed25519PrivateKey): Uint8Array {
  return copyBytes(privateKey.raw, 0, NODE_KEY_SEED_BYTES);
}

/** A fresh random node key (not written anywhere). */
export async function randomNodeKey(): Promise<NodeKey> {
  return nodeKeyFromSeed(new Uint8Array(randomBytes(NODE_KEY_SEED_BYTES)));
}

/**
 * The deterministic dev node key for a well-known name: `'//Alice'` or `'Alice'` (the `//` is added when missing).
 * Seed = blake2-256(`"dcn/p2p/dev-node-key:" ‖ "//Alice"`). Public: tests and local testnets only.
 */
export async function devNodeKey(name: string): Promise<NodeKey> {
  const uri = name.startsWith('//') ? name : `//${name}`;
  return nodeKeyFromSeed(blake2_256(utf8(DEV_KEY_DOMAIN + uri)));
}

/** Parse the contents of a node key file (hex seed with optional `0x` and surrounding whitespace, or 32 raw bytes). */
export function decodeNodeKeyFile(contents: Uint8Array): Uint8Array {
  if (contents.length === NODE_KEY_SEED_BYTES) return copyBytes(contents);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(contents).trim();
  const hex = text.startsWith('0x') || text.startsWith('0X') ? text.slice(2) : text;
  if (hex.length !== 2 * NODE_KEY_SEED_BYTES || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw new NodeKeyError(`node key file must hold a ${NODE_KEY_SEED_BYTES}-byte ed25519 secret as ${2 * NODE_KEY_SEED_BYTES} hex digits`);
  }
  return fromHex(hex);
}

/** The bytes written to a node key file for `privateKey`. */
export function encodeNodeKeyFile(privateKey: Ed25519PrivateKey): Uint8Array {
  return utf8(`${toHexRaw(nodeKeySeed(privateKey))}\n`);
}

/** Load the node key stored at `path`; throws {@link NodeKeyError} when it is missing or malformed. */
export async function loadNodeKey(path: string): Promise<NodeKey> {
  let contents: Uint8Array;
  try {
    contents = await readFile(path);
  } catch (err) {
    throw new NodeKeyError(`cannot read node key file ${path}: ${(err as Error).message}`);
  }
  return nodeKeyFromSeed(decodeNodeKeyFile(contents));
}

/**
 * Write `privateKey` to `path` with mode 0600, creating the parent directory (0700) when missing. Refuses to replace
 * an existing file unless `overwrite`. The key is written to a temporary file, fsynced, then linked into place, so
 * a crash never leaves a truncated key file behind and two processes racing on first run cannot both win.
 */
export async function saveNodeKey(path: string, privateKey: Ed25519PrivateKey, options: { overwrite?: boolean } = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}-${toHexRaw(new Uint8Array(randomBytes(4)))}`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(encodeNodeKeyFile(privateKey));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (options.overwrite === true) await unlink(path).catch(() => undefined);
    // link() fails with EEXIST instead of replacing, unlike rename().
    await link(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new NodeKeyError(`node key file ${path} already exists`);
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/**
 * The node key at `path`, generated and saved (0600) on first run. `created` tells which happened; `insecureMode`
 * is set when the existing file is readable by group or others (the caller should warn).
 */
export async function loadOrCreateNodeKey(path: string): Promise<NodeKey & { created: boolean; insecureMode: boolean }> {
  try {
    const key = await loadNodeKey(path);
    return { ...key, created: false, insecureMode: await isGroupOrWorldReadable(path) };
  } catch (err) {
    if (!(err instanceof NodeKeyError) || (await fileExists(path))) throw err;
  }
  const key = await randomNodeKey();
  try {
    await saveNodeKey(path, key.privateKey);
  } catch (err) {
    // Another process created it between our read and our write: use theirs, so both agree on one identity.
    if (err instanceof NodeKeyError && (await fileExists(path))) return { ...(await loadNodeKey(path)), created: false, insecureMode: false };
    throw err;
  }
  return { ...key, created: true, insecureMode: false };
}

/**
 * `key generate-node-key`: a fresh random node key, written to `file` (0600, never overwriting) when given.
 * Returns the peer id (to print) and the secret seed in hex (for printing when no file is given, as Substrate does).
 */
export async function generateNodeKey(options: { file?: string } = {}): Promise<NodeKey & { secretHex: string }> {
  const key = await randomNodeKey();
  if (options.file !== undefined) await saveNodeKey(options.file, key.privateKey);
  return { ...key, secretHex: toHexRaw(nodeKeySeed(key.privateKey)) };
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function isGroupOrWorldReadable(path: string): Promise<boolean> {
  const s = await stat(path);
  return (s.mode & 0o077) !== 0;
}
