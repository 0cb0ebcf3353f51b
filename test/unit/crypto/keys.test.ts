import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEV_PHRASE,
  KeyError,
  decodeAddress,
  decodeSs58,
  encodeAddress,
  formatInspectedKey,
  generateMnemonic,
  initCrypto,
  inspectKey,
  keyPairFromSeed,
  keyPairFromUri,
} from '../../../src/crypto/keys.js';
import { verifySignature } from '../../../src/crypto/verify.js';
import { fromHex, toHex, utf8 } from '../../../src/primitives/bytes.js';

const ALICE_SR = '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d';
const ALICE_SR_SS58 = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const ALICE_ED = '0x88dc3417d5058ec4b4503e0c12ea1a0a89be200fe98922423d4334014fa6b0ee';

beforeAll(async () => {
  await initCrypto();
});

describe('keyPairFromUri (subkey vectors)', () => {
  it('//Alice sr25519', () => {
    const alice = keyPairFromUri('//Alice', 'sr25519');
    expect(toHex(alice.publicKey)).toBe(ALICE_SR);
    expect(alice.address()).toBe(ALICE_SR_SS58);
    expect(alice.address(42)).toBe(ALICE_SR_SS58);
    expect(alice.scheme).toBe('sr25519');
  });

  it('//Alice ed25519', () => {
    expect(toHex(keyPairFromUri('//Alice', 'ed25519').publicKey)).toBe(ALICE_ED);
  });

  it('//Bob sr25519 and the dev phrase itself', () => {
    expect(toHex(keyPairFromUri('//Bob', 'sr25519').publicKey)).toBe(
      '0x8eaf04151687736326c9fea17e25fc5287613693c912909cb226aa4794f26a48',
    );
    expect(toHex(keyPairFromUri(DEV_PHRASE, 'sr25519').publicKey)).toBe(
      '0x46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a',
    );
    // `//Alice` is the dev phrase with the junction made explicit.
    expect(toHex(keyPairFromUri(`${DEV_PHRASE}//Alice`, 'sr25519').publicKey)).toBe(ALICE_SR);
  });

  it('a 0x seed gives the same key as the URI it was derived from', () => {
    const seed = '0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a'; // //Alice sr25519
    expect(toHex(keyPairFromUri(seed, 'sr25519').publicKey)).toBe(ALICE_SR);
    expect(toHex(keyPairFromSeed(fromHex(seed), 'sr25519').publicKey)).toBe(ALICE_SR);
  });

  it('signatures from the pairs verify', () => {
    const msg = utf8('payload');
    for (const scheme of ['sr25519', 'ed25519'] as const) {
      const p = keyPairFromUri('//Charlie//stash', scheme);
      const sig = p.sign(msg);
      expect(sig.length).toBe(64);
      expect(verifySignature(scheme, msg, sig, p.publicKey)).toBe(true);
      expect(verifySignature(scheme, utf8('other'), sig, p.publicKey)).toBe(false);
    }
  });

  it('rejects secrets that are neither mnemonic nor 32-byte hex seed', () => {
    expect(() => keyPairFromUri('hello', 'sr25519')).toThrow(KeyError);
    expect(() => keyPairFromUri('0x1234', 'sr25519')).toThrow(KeyError);
    expect(() => keyPairFromUri(`0x${'zz'.repeat(32)}`, 'ed25519')).toThrow(KeyError);
    expect(() => keyPairFromUri('', 'sr25519')).toThrow(KeyError);
    // Valid words, wrong checksum.
    const badChecksum = DEV_PHRASE.replace(/walk$/, 'bottom');
    expect(() => keyPairFromUri(badChecksum, 'sr25519')).toThrow(KeyError);
    expect(() => keyPairFromSeed(new Uint8Array(31), 'sr25519')).toThrow(KeyError);
  });

  it('soft junctions exist for sr25519 only', () => {
    expect(keyPairFromUri('//Alice/0', 'sr25519').publicKey.length).toBe(32);
    expect(() => keyPairFromUri('//Alice/0', 'ed25519')).toThrow(KeyError);
  });
});

describe('generateMnemonic', () => {
  it('gives valid phrases of the requested length, usable as secret URIs', () => {
    const m12 = generateMnemonic();
    expect(m12.split(' ')).toHaveLength(12);
    const m24 = generateMnemonic(24);
    expect(m24.split(' ')).toHaveLength(24);
    expect(m12).not.toBe(generateMnemonic());
    const k = inspectKey(m24, 'sr25519');
    expect(k.secretPhrase).toBe(m24);
    expect(k.secretSeed).toMatch(/^0x[0-9a-f]{64}$/);
  });
});

describe('inspectKey', () => {
  it('//Alice shows the derived seed like subkey', () => {
    const k = inspectKey('//Alice', 'sr25519');
    expect(k).toEqual({
      scheme: 'sr25519',
      ss58Prefix: 42,
      secretSeed: '0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a',
      publicKey: ALICE_SR,
      accountId: ALICE_SR,
      publicKeySs58: ALICE_SR_SS58,
      ss58Address: ALICE_SR_SS58,
    });
    const e = inspectKey('//Alice', 'ed25519');
    expect(e.secretSeed).toBe('0xabf8e5bdbe30c65656c0a3cbd181ff8a56294a69dfedd27982aace4a76909115');
    expect(e.publicKey).toBe(ALICE_ED);
  });

  it('the bare dev phrase shows its phrase and mini secret', () => {
    const k = inspectKey(DEV_PHRASE, 'sr25519');
    expect(k.secretPhrase).toBe(DEV_PHRASE);
    expect(k.secretSeed).toBe('0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e');
    expect(k.ss58Address).toBe('5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV');
  });

  it('addresses use the requested network prefix', () => {
    const k = inspectKey('//Alice', 'sr25519', 0);
    expect(k.ss58Address).toBe('15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5');
    expect(k.publicKeySs58).toBe(k.ss58Address);
    expect(k.ss58Prefix).toBe(0);
  });

  it.each([
    ['//Alice//stash', 'sr25519'],
    ['//Bob///secret password', 'sr25519'],
    [`${DEV_PHRASE}//hard//1`, 'sr25519'],
    ['0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a//x', 'sr25519'],
    ['//Alice//stash', 'ed25519'],
    [`${DEV_PHRASE}///pw`, 'ed25519'],
  ] as const)('the seed shown for %s (%s) is the seed of the key shown', (suri, scheme) => {
    const k = inspectKey(suri, scheme);
    expect(k.secretPhrase).toBeUndefined();
    expect(k.secretSeed).toBeDefined();
    expect(toHex(keyPairFromSeed(fromHex(k.secretSeed!), scheme).publicKey)).toBe(k.publicKey);
  });

  it('a password changes the key', () => {
    expect(inspectKey('//Alice///pw', 'sr25519').publicKey).not.toBe(ALICE_SR);
  });

  it('after a soft junction there is no seed', () => {
    const k = inspectKey('//Alice/soft', 'sr25519');
    expect(k.secretSeed).toBeUndefined();
    expect(k.publicKey).toBe(toHex(keyPairFromUri('//Alice/soft', 'sr25519').publicKey));
    expect(k.publicKey).not.toBe(ALICE_SR);
  });

  it('formats like subkey inspect', () => {
    expect(formatInspectedKey('//Alice', inspectKey('//Alice', 'sr25519'))).toBe(
      [
        'Secret Key URI `//Alice` is account:',
        '  Network ID:        substrate',
        '  Secret seed:       0xe5be9a5092b81bca64be81d212e7f2f9eba183bb7a90954f7b76361f6edb5c0a',
        `  Public key (hex):  ${ALICE_SR}`,
        `  Account ID:        ${ALICE_SR}`,
        `  Public key (SS58): ${ALICE_SR_SS58}`,
        `  SS58 Address:      ${ALICE_SR_SS58}`,
      ].join('\n'),
    );
    const phrase = formatInspectedKey(DEV_PHRASE, inspectKey(DEV_PHRASE, 'sr25519'));
    expect(phrase.split('\n')[0]).toBe(`Secret phrase:       ${DEV_PHRASE}`);
    expect(formatInspectedKey('//A/b', inspectKey('//A/b', 'sr25519'))).toContain('Secret seed:       n/a');
  });
});

describe('SS58', () => {
  it('round-trips with one- and two-byte prefixes', () => {
    const pk = fromHex(ALICE_SR);
    for (const prefix of [0, 2, 42, 63, 64, 255, 16383]) {
      const addr = encodeAddress(pk, prefix);
      expect(decodeSs58(addr)).toEqual({ publicKey: pk, ss58Prefix: prefix });
      expect(toHex(decodeAddress(addr, prefix))).toBe(ALICE_SR);
    }
  });

  it('rejects another network, bad checksums and non-addresses', () => {
    expect(() => decodeAddress(ALICE_SR_SS58, 0)).toThrow(KeyError);
    expect(toHex(decodeAddress(ALICE_SR_SS58))).toBe(ALICE_SR);
    const tampered = ALICE_SR_SS58.slice(0, -1) + (ALICE_SR_SS58.endsWith('Y') ? 'Z' : 'Y');
    expect(() => decodeAddress(tampered)).toThrow(KeyError);
    expect(() => decodeAddress('not-base58-0OIl')).toThrow(KeyError);
    expect(() => decodeAddress('5Grwva')).toThrow(KeyError);
    expect(() => encodeAddress(new Uint8Array(31))).toThrow(KeyError);
    expect(() => encodeAddress(fromHex(ALICE_SR), 16384)).toThrow(KeyError);
  });
});
