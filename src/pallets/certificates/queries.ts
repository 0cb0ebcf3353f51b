/**
 * Read-only views of the Certificates pallet (for RPC, tests and the other credit pallets' checks).
 */
import type { StateReader } from '../../runtime/state.js';
import type { Certificate } from './interface.js';
import { xfgToUdst, type TokenDecimals } from '../oracle/math.js';
import { certificateIdsOf, CertificatesStorage } from './storage.js';

/** `owner`'s certificates, by id (at most MaxCertificatesPerOwner). */
export function certificatesOf(st: StateReader, owner: Uint8Array): Certificate[] {
  return certificateIdsOf(st, owner)
    .map((id) => CertificatesStorage.Certificates.get(st, id))
    .filter((c): c is Certificate => c !== undefined)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The UDST value (base units) of a certificate at `price` (FixedU128): `xfg · price`, rounded down (§3). */
export function certificateValue(cert: Pick<Certificate, 'xfg'>, price: bigint, decimals: TokenDecimals): bigint {
  return xfgToUdst(cert.xfg, price, decimals, 'down');
}
