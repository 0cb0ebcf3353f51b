/**
 * Development key pairs for tests, made by `@polkadot/keyring` exactly as wallets make them (`//Alice`, …).
 */
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';

/** The well-known development accounts (sr25519) plus one ed25519 account. */
export interface DevKeys {
  alice: KeyringPair;
  bob: KeyringPair;
  charlie: KeyringPair;
  dave: KeyringPair;
  eve: KeyringPair;
  ferdie: KeyringPair;
  /** `//Edward` as an ed25519 pair (to exercise `MultiSignature::Ed25519`). */
  edward: KeyringPair;
}

let cached: DevKeys | undefined;

/** The development key pairs (waits for the WASM crypto once). */
export async function devKeys(): Promise<DevKeys> {
  if (cached) return cached;
  await cryptoWaitReady();
  const sr = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const ed = new Keyring({ type: 'ed25519', ss58Format: 42 });
  cached = {
    alice: sr.addFromUri('//Alice'),
    bob: sr.addFromUri('//Bob'),
    charlie: sr.addFromUri('//Charlie'),
    dave: sr.addFromUri('//Dave'),
    eve: sr.addFromUri('//Eve'),
    ferdie: sr.addFromUri('//Ferdie'),
    edward: ed.addFromUri('//Edward'),
  };
  return cached;
}

/** A fresh sr25519 pair from a seed phrase path (for accounts that do not exist at genesis). */
export function srPair(uri: string): KeyringPair {
  return new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(uri);
}
