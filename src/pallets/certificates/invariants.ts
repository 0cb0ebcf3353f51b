/**
 * Invariants of the Certificates pallet (`tryState`), run after every test and by the replay command.
 */
import { startsWith, toHexRaw } from '../../primitives/bytes.js';
import { u64 } from '../../primitives/scale/index.js';
import type { StateReader } from '../../runtime/state.js';
import type { Currency } from '../balances/index.js';
import { CertificatesStorage as S } from './storage.js';
import { CERTIFICATE_LOCK, MAX_CERTIFICATES_PER_OWNER } from './types.js';

const hex = (b: Uint8Array) => `0x${toHexRaw(b)}`;

/**
 * Throw unless: every certificate holds XFG, has an id below `NextId`, and is listed under its owner; the owner index
 * lists only existing certificates of that owner; each owner's count matches and is within the bound; and each
 * owner's certificates together hold exactly the XFG the owner has on hold under `Certificates(CertificateLock)`, and
 * nobody else holds XFG under that reason (so the certificates' total = the XFG held for them).
 */
export function checkCertificatesInvariants(st: StateReader, currency: Pick<Currency, 'balanceOnHold' | 'holdersOf'>): void {
  const next = S.NextId.get(st);
  const perOwner = new Map<string, { owner: Uint8Array; xfg: bigint; count: number }>();
  for (const [id, c] of S.Certificates.entries(st)) {
    if (c.id !== id) throw new Error(`Certificates: certificate stored under ${id} says id ${c.id}`);
    if (id >= next) throw new Error(`Certificates: id ${id} ≥ NextId ${next}`);
    if (c.xfg <= 0n) throw new Error(`Certificates: certificate ${id} holds no XFG`);
    if (!S.OwnerCertificates.contains(st, c.owner, id)) throw new Error(`Certificates: certificate ${id} missing from its owner's index`);
    const k = hex(c.owner);
    const e = perOwner.get(k) ?? { owner: c.owner, xfg: 0n, count: 0 };
    e.xfg += c.xfg;
    e.count++;
    perOwner.set(k, e);
  }
  // The owner index, read raw: prefix ‖ blake2_128(owner) ‖ owner (32) ‖ twox64(id) ‖ id (u64 LE).
  const prefix = S.OwnerCertificates.prefix;
  const indexed = new Map<string, number>();
  for (let k = st.nextKey(prefix); k !== undefined && startsWith(k, prefix); k = st.nextKey(k)) {
    const owner = k.subarray(prefix.length + 16, prefix.length + 48);
    const id = u64.decode(k.subarray(prefix.length + 56));
    const c = S.Certificates.get(st, id);
    if (!c || hex(c.owner) !== hex(owner)) throw new Error(`Certificates: index lists certificate ${id} under ${hex(owner)}, which does not own it`);
    indexed.set(hex(owner), (indexed.get(hex(owner)) ?? 0) + 1);
  }
  for (const [owner, count] of S.CertificateCount.entries(st)) {
    if (count === 0 || count > MAX_CERTIFICATES_PER_OWNER) throw new Error(`Certificates: ${hex(owner)} has count ${count}`);
    if (indexed.get(hex(owner)) !== count) throw new Error(`Certificates: ${hex(owner)} count ${count} ≠ ${indexed.get(hex(owner)) ?? 0} indexed`);
  }
  for (const [k, e] of perOwner) {
    if (S.CertificateCount.get(st, e.owner) !== e.count) throw new Error(`Certificates: ${k} owns ${e.count} certificates, count says ${S.CertificateCount.get(st, e.owner)}`);
    const held = currency.balanceOnHold(st, CERTIFICATE_LOCK, e.owner);
    if (e.xfg !== held) throw new Error(`Certificates: ${k}'s certificates hold ${e.xfg} XFG but ${held} is on hold under CertificateLock`);
  }
  for (const [who, amount] of currency.holdersOf(st, CERTIFICATE_LOCK)) {
    if (!perOwner.has(hex(who))) throw new Error(`Certificates: ${hex(who)} has ${amount} XFG on hold under CertificateLock but no certificate`);
  }
}
