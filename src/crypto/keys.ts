/**
 * Key pairs from secret URIs, SS58 addresses and mnemonics, for sr25519 and ed25519, compatible with Substrate's
 * `subkey` and `sp_core` (same derivation, same output for `subkey inspect`).
 *
 * A secret URI is `<secret>[/soft|//hard]*[///password]` where `<secret>` is a BIP-39 mnemonic, a `0x` 32-byte seed,
 * or empty (then the well-known development phrase is used, so `//Alice` is `DEV_PHRASE//Alice`). Soft junctions
 * exist only for sr25519, as in Substrate.
 */
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import {
  base58Decode,
  checkAddressChecksum,
  cryptoWaitReady,
  ed25519DeriveHard,
  encodeAddress as ss58Encode,
  keyExtractSuri,
  mnemonicGenerate,
  mnemonicToMiniSecret,
  mnemonicValidate,
} from '@polkadot/util-crypto';
import { createRequire } from 'node:module';
import { fromHex, toHex } from '../primitives/bytes.js';

/** Signature schemes keys can be made for. */
export type KeyScheme = 'sr25519' | 'ed25519';

/** Substrate's development phrase (`sp_core::crypto::DEV_PHRASE`), the secret of `//Alice` and friends. */
export const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';

/** The generic Substrate SS58 prefix (42), used when none is configured. */
export const DEFAULT_SS58_PREFIX = 42;

/** A malformed secret URI, mnemonic, seed or address. */
export class KeyError extends Error {
  /** An error with `message`. */
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

let ready: Promise<void> | undefined;

/**
 * Initialise the WASM crypto of `@polkadot/util-crypto` (blake2, xxhash, pbkdf2 and friends run faster, with the
 * same results); idempotent, call once at start-up and await it.
 */
export function initCrypto(): Promise<void> {
  ready ??= cryptoWaitReady().then(() => undefined);
  return ready;
}

/** A signing key pair. */
export interface KeyPair {
  /** Its scheme. */
  readonly scheme: KeyScheme;
  /** The 32-byte public key (also the account id for both schemes). */
  readonly publicKey: Uint8Array;
  /** Sign `message` as is (callers hash payloads over 256 bytes first, as Substrate's signed extrinsics do). */
  sign(message: Uint8Array): Uint8Array;
  /** The SS58 address with `ss58Prefix` (default 42). */
  address(ss58Prefix?: number): string;
}

const keyrings: Record<KeyScheme, Keyring> = {
  sr25519: new Keyring({ type: 'sr25519', ss58Format: DEFAULT_SS58_PREFIX }),
  ed25519: new Keyring({ type: 'ed25519', ss58Format: DEFAULT_SS58_PREFIX }),
};

/** The parts of a secret URI. */
interface ParsedSuri {
  /** The mnemonic or `0x` seed (the dev phrase when the URI starts with a junction). */
  secret: string;
  /** True when `secret` is a `0x` seed. */
  isSeed: boolean;
  /** Junctions in order. */
  path: Array<{ chainCode: Uint8Array; isHard: boolean }>;
  /** The `///password`, if any. */
  password?: string;
  /** The full URI with the dev phrase made explicit. */
  full: string;
}

function parseSuri(suri: string, scheme: KeyScheme): ParsedSuri {
  if (typeof suri !== 'string' || suri.trim() === '') throw new KeyError('empty secret URI');
  // An empty secret (the URI starts with a junction) means the dev phrase, as in Substrate's `SecretUri`.
  const full = suri.startsWith('/') ? `${DEV_PHRASE}${suri}` : suri;
  let extracted: ReturnType<typeof keyExtractSuri>;
  try {
    extracted = keyExtractSuri(full);
  } catch (e) {
    throw new KeyError(`invalid secret URI: ${(e as Error).message}`);
  }
  const { phrase, path, password } = extracted;
  const isSeed = phrase.startsWith('0x');
  if (isSeed) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(phrase)) throw new KeyError('a hex seed must be 0x followed by 32 bytes (64 hex digits)');
  } else if (!mnemonicValidate(phrase)) {
    // Unlike polkadot-js (which pads arbitrary strings to a seed), Substrate accepts only mnemonics and hex seeds.
    throw new KeyError('the secret is neither a valid BIP-39 mnemonic nor a 0x-prefixed 32-byte seed');
  }
  if (scheme === 'ed25519' && path.some((j) => !j.isHard)) {
    throw new KeyError('ed25519 keys have no soft derivation: use // junctions');
  }
  return {
    secret: phrase,
    isSeed,
    path: path.map((j) => ({ chainCode: j.chainCode, isHard: j.isHard })),
    password,
    full,
  };
}

function wrapPair(scheme: KeyScheme, pair: KeyringPair): KeyPair {
  return {
    scheme,
    publicKey: pair.publicKey,
    sign: (message) => pair.sign(message),
    address: (ss58Prefix = DEFAULT_SS58_PREFIX) => encodeAddress(pair.publicKey, ss58Prefix),
  };
}

/** The key pair of a secret URI (`//Alice`, a mnemonic with optional junctions, a `0x` seed); throws {@link KeyError}. */
export function keyPairFromUri(suri: string, scheme: KeyScheme): KeyPair {
  const parsed = parseSuri(suri, scheme);
  // A hex seed with a password is accepted by Substrate too; the password only matters for mnemonics.
  return wrapPair(scheme, keyrings[scheme].createFromUri(parsed.full, {}, scheme));
}

/** The key pair of a raw 32-byte seed (mini secret). */
export function keyPairFromSeed(seed: Uint8Array, scheme: KeyScheme): KeyPair {
  if (seed.length !== 32) throw new KeyError(`a seed is 32 bytes, got ${seed.length}`);
  return wrapPair(scheme, keyrings[scheme].createFromUri(toHex(seed), {}, scheme));
}

/** A new random BIP-39 mnemonic of `words` words (default 12). */
export function generateMnemonic(words: 12 | 15 | 18 | 21 | 24 = 12): string {
  return mnemonicGenerate(words);
}

/** SS58 encoding of a 32-byte public key / account id with `ss58Prefix` (0..=16383). */
export function encodeAddress(publicKey: Uint8Array, ss58Prefix: number = DEFAULT_SS58_PREFIX): string {
  if (publicKey.length !== 32) throw new KeyError(`an account id is 32 bytes, got ${publicKey.length}`);
  if (!Number.isInteger(ss58Prefix) || ss58Prefix < 0 || ss58Prefix > 16383) {
    throw new KeyError(`SS58 prefix must be an integer in 0..=16383, got ${ss58Prefix}`);
  }
  return ss58Encode(publicKey, ss58Prefix);
}

/** An SS58 address taken apart: the 32-byte account id and the network prefix (0..=16383). */
export interface DecodedAddress {
  /** The account id (public key). */
  publicKey: Uint8Array;
  /** The SS58 network prefix, 0..=16383. */
  ss58Prefix: number;
}

/** Decode an SS58 address of a 32-byte account id, checking its checksum; throws {@link KeyError}. */
export function decodeSs58(address: string): DecodedAddress {
  let raw: Uint8Array;
  try {
    raw = base58Decode(address);
  } catch {
    throw new KeyError(`not base58: ${address}`);
  }
  if (raw.length < 35) throw new KeyError(`not an SS58 account address (too short): ${address}`);
  const [valid, end, prefixLength, prefix] = checkAddressChecksum(raw);
  if (!valid) throw new KeyError(`bad SS58 checksum: ${address}`);
  const publicKey = raw.slice(prefixLength, end);
  if (publicKey.length !== 32) throw new KeyError(`not a 32-byte account address: ${address}`);
  return { publicKey, ss58Prefix: prefix };
}

/**
 * The account id of an SS58 address; when `expectedPrefix` is given a different network prefix is an error
 * (so an address of another chain is not silently accepted).
 */
export function decodeAddress(address: string, expectedPrefix?: number): Uint8Array {
  const { publicKey, ss58Prefix } = decodeSs58(address);
  if (expectedPrefix !== undefined && ss58Prefix !== expectedPrefix) {
    throw new KeyError(`address ${address} has SS58 prefix ${ss58Prefix}, expected ${expectedPrefix}`);
  }
  return publicKey;
}

/** What `subkey inspect` shows for a secret URI (hex fields `0x`-prefixed lowercase). */
export interface InspectedKey {
  /** The scheme. */
  scheme: KeyScheme;
  /** The SS58 prefix used for the addresses. */
  ss58Prefix: number;
  /** The mnemonic, only when the URI is a bare mnemonic (no junctions, no password), as subkey prints it. */
  secretPhrase?: string;
  /** The (derived) 32-byte seed; absent after a soft junction, where no seed exists (subkey prints `n/a`). */
  secretSeed?: string;
  /** The public key. */
  publicKey: string;
  /** The account id (equal to the public key for sr25519 and ed25519). */
  accountId: string;
  /** The public key in SS58 (`Public key (SS58)`). */
  publicKeySs58: string;
  /** The SS58 address. */
  ss58Address: string;
}

type SeedDeriver = (seed: Uint8Array, chainCode: Uint8Array) => Uint8Array;

const schnorrkelRequire = createRequire(import.meta.url);
let sr25519DeriveSeedHard: SeedDeriver | undefined;

/** Hard derivation of a seed: the derived seed is the mini secret of the child key (as `sp_core`'s `derive`). */
function deriveSeedHard(scheme: KeyScheme, seed: Uint8Array, chainCode: Uint8Array): Uint8Array {
  if (scheme === 'ed25519') return ed25519DeriveHard(seed, chainCode);
  // schnorrkel's `hard_derive_mini_secret_key` on the expanded key, exactly what sp_core::sr25519 does.
  sr25519DeriveSeedHard ??= (
    schnorrkelRequire('@polkadot-labs/schnorrkel-wasm') as typeof import('@polkadot-labs/schnorrkel-wasm')
  ).sr25519_derive_seed_hard;
  return sr25519DeriveSeedHard(seed, chainCode);
}

/** Inspect a secret URI like `subkey inspect [--scheme] [--network]`; throws {@link KeyError} when malformed. */
export function inspectKey(suri: string, scheme: KeyScheme, ss58Prefix: number = DEFAULT_SS58_PREFIX): InspectedKey {
  const parsed = parseSuri(suri, scheme);
  const pair = keyPairFromUri(suri, scheme);
  // The seed: the hex seed itself, or the mnemonic's mini secret; carried through hard junctions, lost at a soft one.
  let seed: Uint8Array | undefined = parsed.isSeed
    ? fromHex(parsed.secret)
    : mnemonicToMiniSecret(parsed.secret, parsed.password);
  for (const j of parsed.path) {
    if (seed === undefined) break;
    seed = j.isHard ? deriveSeedHard(scheme, seed, j.chainCode) : undefined;
  }
  const isBarePhrase = !parsed.isSeed && parsed.path.length === 0 && parsed.password === undefined && parsed.full === suri;
  const publicKey = toHex(pair.publicKey);
  const address = encodeAddress(pair.publicKey, ss58Prefix);
  const out: InspectedKey = {
    scheme,
    ss58Prefix,
    publicKey,
    accountId: publicKey,
    publicKeySs58: address,
    ss58Address: address,
  };
  if (isBarePhrase) out.secretPhrase = parsed.secret;
  if (seed !== undefined) out.secretSeed = toHex(seed);
  return out;
}

/** Text in `subkey inspect`'s layout for `suri` (`networkId` is the name shown on the `Network ID` line). */
export function formatInspectedKey(suri: string, key: InspectedKey, networkId = 'substrate'): string {
  const head = key.secretPhrase !== undefined ? `Secret phrase:       ${key.secretPhrase}` : `Secret Key URI \`${suri}\` is account:`;
  return [
    head,
    `  Network ID:        ${networkId}`,
    `  Secret seed:       ${key.secretSeed ?? 'n/a'}`,
    `  Public key (hex):  ${key.publicKey}`,
    `  Account ID:        ${key.accountId}`,
    `  Public key (SS58): ${key.publicKeySs58}`,
    `  SS58 Address:      ${key.ss58Address}`,
  ].join('\n');
}
