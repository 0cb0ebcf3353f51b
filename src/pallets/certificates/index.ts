/**
 * pallet_certificates: collateral certificates (ECONOMICS.md §3). `lock` holds XFG (Balances hold, reason
 * `Certificates(CertificateLock)`) in a certificate
 * `{id, owner, xfg, lockedAt, valueAtLock, pledgedTo}`; `unlock` and `transfer` only while it is not pledged. Loans
 * pledge, release and seize certificates through {@link CertificateRegistry}.
 */
import { compactU128, u32, u64, u128 } from '../../primitives/scale/index.js';
import { MultiAddress } from '../../primitives/types.js';
import { DispatchFailure, ensureSigned, NO_CALL_DISPATCH, type DispatchContext } from '../../runtime/dispatch.js';
import { call, definePallet, type Pallet } from '../../runtime/pallet.js';
import { Overlay, type StateAccess } from '../../runtime/state.js';
import { lookup } from '../balances/index.js';
import type { CertificateRegistry } from './interface.js';
import { CERTIFICATES_INDEX } from './types.js';
export { CERTIFICATES_INDEX } from './types.js';
import { certificateOperations, loadCertificate, type CertificatesConfig, type CertificateOperations } from './calls.js';
import { CertificatesErrors } from './errors.js';
import { CertificatesEvents } from './events.js';
import { checkCertificatesInvariants } from './invariants.js';
import { CERTIFICATES_STORAGE_INFO, CertificatesStorage } from './storage.js';
import { CertificatesHoldReason, MAX_CERTIFICATES_PER_OWNER } from './types.js';
import { weightOf } from '../../runtime/weights.js';
import { WEIGHTS } from './weights.js';

export { CertificatesStorage, certificateIdsOf } from './storage.js';
export { CertificatesErrors } from './errors.js';
export { CertificatesEvents } from './events.js';
export { CertificateCodec, CertificatesHoldReason, CERTIFICATE_LOCK, MAX_CERTIFICATES_PER_OWNER } from './types.js';
export { checkCertificatesInvariants } from './invariants.js';
export { certificatesOf, certificateValue } from './queries.js';
export type { CertificatesConfig, CertificateOperations } from './calls.js';

/** Genesis of Certificates: certificates locked at genesis (their owners' genesis XFG must cover them). */
export interface CertificatesGenesis {
  certificates?: Array<{ owner: Uint8Array; xfg: bigint }>;
}

/** The registry as this pallet offers it: {@link CertificateRegistry} plus the people-facing operations. */
export interface CertificatesApi extends CertificateRegistry {
  operations: CertificateOperations;
}

/** Run `fn` on `st` as if in a block at genesis (no events, block 0), writing its changes back to `st`. */
function atGenesis(st: StateAccess, fn: (ctx: DispatchContext) => void): void {
  const overlay = new Overlay(st);
  const ctx: DispatchContext = { state: overlay, blockNumber: 0, deposit: () => undefined, transactional: (f) => overlay.transactional(f), ...NO_CALL_DISPATCH };
  fn(ctx);
  for (const [k, v] of overlay.changes()) {
    if (v === null) st.delete(k);
    else st.set(k, v);
  }
}

/** Build the Certificates pallet and its registry. */
export function createCertificates(cfg: CertificatesConfig): { pallet: Pallet<CertificatesGenesis>; registry: CertificatesApi } {
  if (cfg.minLock < cfg.currency.existentialDeposit) throw new Error(`Certificates: minLock ${cfg.minLock} below the existential deposit`);
  const ops = certificateOperations(cfg);
  const registry: CertificatesApi = {
    operations: ops,
    get: (st, id) => CertificatesStorage.Certificates.get(st, id),
    pledge: ops.pledge,
    release: ops.release,
    seize: ops.seize,
  };

  const pallet = definePallet<CertificatesGenesis>({
    name: 'Certificates',
    index: CERTIFICATES_INDEX,
    crate: 'pallet_certificates',
    docs: ['Collateral certificates: XFG held (reason CertificateLock) in transferable certificates that loans pledge.'],
    storage: CERTIFICATES_STORAGE_INFO,
    holdReasons: CertificatesHoldReason,
    calls: {
      lock: call({
        index: 0,
        args: { xfg: compactU128 },
        typeNames: { xfg: 'Balance' },
        docs: [
          'Hold `xfg` of the caller\'s XFG (reason `CertificateLock`) in a new certificate (value at lock from the oracle price, 0 without one).',
          'Errors: BelowMinimumLock, TooManyCertificates, FreeBelowExistentialDeposit, Balances.InsufficientBalance. Event: Locked.',
        ],
        weight: () => weightOf(WEIGHTS.calls.lock),
        dispatch: (ctx, origin, { xfg }) => void ops.lock(ctx, ensureSigned(origin), xfg),
      }),
      unlock: call({
        index: 1,
        args: { id: u64 },
        typeNames: { id: 'CertificateId' },
        docs: ['Dissolve an unpledged certificate of the caller; its XFG is released from the hold to the free balance.', 'Errors: UnknownCertificate, NotOwner, CertificatePledged. Event: Unlocked.'],
        weight: () => weightOf(WEIGHTS.calls.unlock),
        dispatch: (ctx, origin, { id }) => ops.unlock(ctx, ensureSigned(origin), id),
      }),
      transfer: call({
        index: 2,
        args: { id: u64, dest: MultiAddress },
        typeNames: { id: 'CertificateId', dest: 'AccountIdLookupOf<T>' },
        docs: [
          'Give an unpledged certificate of the caller, with its held XFG (the hold moves to `dest`), to `dest`.',
          'Errors: UnknownCertificate, NotOwner, CertificatePledged, TooManyCertificates, RecipientBelowExistentialDeposit. Event: Transferred.',
        ],
        weight: () => weightOf(WEIGHTS.calls.transfer),
        dispatch: (ctx, origin, { id, dest }) => ops.transfer(ctx, ensureSigned(origin), id, lookup(dest)),
      }),
    },
    events: CertificatesEvents,
    errors: CertificatesErrors,
    constants: [
      { name: 'MaxCertificatesPerOwner', codec: u32, value: MAX_CERTIFICATES_PER_OWNER, docs: ['The most certificates one account may own.'] },
      { name: 'MinLock', codec: u128, value: cfg.minLock, docs: ['The smallest amount of XFG a certificate is created with.'] },
    ],
    hooks: { tryState: (st) => checkCertificatesInvariants(st, cfg.currency) },
    genesis(st, g) {
      atGenesis(st, (ctx) => {
        for (const [i, c] of (g.certificates ?? []).entries()) {
          try {
            ops.lock(ctx, c.owner, c.xfg);
          } catch (e) {
            if (e instanceof DispatchFailure) throw new Error(`Certificates genesis: certificate ${i}: ${e.message}`);
            throw e;
          }
        }
      });
    },
  });
  return { pallet, registry };
}

/** The certificate `id` or `UnknownCertificate` (for callers that need the certificate to exist). */
export { loadCertificate };
