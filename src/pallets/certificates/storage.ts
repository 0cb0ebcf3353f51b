/**
 * Storage of the Certificates pallet. Every item in one place, each with its hasher and why.
 */
import { startsWith } from '../../primitives/bytes.js';
import { u32, u64, unit } from '../../primitives/scale/index.js';
import { AccountId32 } from '../../primitives/types.js';
import type { StateReader } from '../../runtime/state.js';
import { StorageBuilder } from '../../runtime/storage.js';
import { CertificateCodec, MAX_CERTIFICATES_PER_OWNER } from './types.js';

const s = new StorageBuilder('Certificates');

/** Storage items of Certificates. */
export const CertificatesStorage = {
  /** Certificates by id. Twox64Concat: ids come from the `NextId` counter, never from users. */
  Certificates: s.map('Certificates', 'Twox64Concat', u64, CertificateCodec, { docs: ['Collateral certificates by id.'] }),
  /** The id the next certificate gets (u64, never reused). */
  NextId: s.value('NextId', u64, { default: 0n, docs: ['The id of the next certificate.'] }),
  /**
   * Which certificates an account owns: (owner, id) → (). Blake2_128Concat on the owner (user-chosen), Twox64Concat
   * on the id (a counter), so an owner's certificates are one key prefix.
   */
  OwnerCertificates: s.doubleMap('OwnerCertificates', ['Blake2_128Concat', 'Twox64Concat'], [AccountId32, u64], unit, {
    docs: ['The certificates of each owner.'],
  }),
  /** How many certificates an account owns (0 ..= MaxCertificatesPerOwner). */
  CertificateCount: s.map('CertificateCount', 'Blake2_128Concat', AccountId32, u32, { default: 0, docs: ['The number of certificates each owner holds.'] }),
};

/** Metadata of every Certificates storage item, in declaration order. */
export const CERTIFICATES_STORAGE_INFO = s.infos();

/** The ids of `owner`'s certificates in key order (at most MAX_CERTIFICATES_PER_OWNER + 1 are read). */
export function certificateIdsOf(st: StateReader, owner: Uint8Array): bigint[] {
  const prefix = CertificatesStorage.OwnerCertificates.prefixOf(owner);
  const ids: bigint[] = [];
  let k = st.nextKey(prefix);
  while (k !== undefined && startsWith(k, prefix) && ids.length <= MAX_CERTIFICATES_PER_OWNER) {
    // prefix ‖ twox64(id) (8 bytes) ‖ id (u64 LE, 8 bytes)
    ids.push(u64.decode(k.subarray(prefix.length + 8)));
    k = st.nextKey(k);
  }
  return ids;
}
