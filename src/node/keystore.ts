/**
 * The node's keystore: secret URIs stored as files under `<base-path>/keystore`, named like Substrate's
 * (`hex(keyType) ‖ hex(publicKey)`, content the JSON-quoted SURI), with owner-only permissions.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyPairFromUri, generateMnemonic, type KeyPair, type KeyScheme } from '../crypto/keys.js';
import { equalBytes, toHexRaw, utf8 } from '../primitives/bytes.js';

/** Key types this node knows, with their scheme: `dcns` is the ed25519 consensus session key. */
export const KEY_TYPES: Record<string, KeyScheme> = { dcns: 'ed25519', acco: 'sr25519' };

/** Raised for a bad key type, SURI or public key mismatch. */
export class KeystoreError extends Error {}

/** File-backed keystore. */
export class Keystore {
  constructor(readonly dir: string) {}

  private fileName(keyType: string, publicKey: Uint8Array): string {
    return join(this.dir, toHexRaw(utf8(keyType)) + toHexRaw(publicKey));
  }

  private scheme(keyType: string): KeyScheme {
    if (!/^[a-z]{4}$/.test(keyType)) throw new KeystoreError(`key type must be 4 lowercase letters, got "${keyType}"`);
    const s = KEY_TYPES[keyType];
    if (!s) throw new KeystoreError(`unknown key type "${keyType}" (known: ${Object.keys(KEY_TYPES).join(', ')})`);
    return s;
  }

  /** Store `suri` under `keyType`; `publicKey` must be the key it derives. */
  insert(keyType: string, suri: string, publicKey: Uint8Array): void {
    const pair = keyPairFromUri(suri, this.scheme(keyType));
    if (!equalBytes(pair.publicKey, publicKey)) throw new KeystoreError('the public key does not match the secret URI');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileSync(this.fileName(keyType, publicKey), JSON.stringify(suri), { mode: 0o600 });
  }

  /** Whether a key of `keyType` with `publicKey` is stored. */
  has(keyType: string, publicKey: Uint8Array): boolean {
    return existsSync(this.fileName(keyType, publicKey));
  }

  /** Generate and store a new key of `keyType`; returns its public key. */
  generate(keyType: string): Uint8Array {
    const suri = generateMnemonic(12);
    const pair = keyPairFromUri(suri, this.scheme(keyType));
    this.insert(keyType, suri, pair.publicKey);
    return pair.publicKey;
  }

  /** Every stored key pair of `keyType` (by file name order). */
  pairs(keyType: string): KeyPair[] {
    if (!existsSync(this.dir)) return [];
    const prefix = toHexRaw(utf8(keyType));
    const scheme = this.scheme(keyType);
    return readdirSync(this.dir)
      .filter((f) => f.startsWith(prefix) && f.length === prefix.length + 64)
      .sort()
      .map((f) => keyPairFromUri(JSON.parse(readFileSync(join(this.dir, f), 'utf8')) as string, scheme));
  }
}
