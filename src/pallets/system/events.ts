/**
 * Events of the System pallet (FRAME's variants and indices).
 */
import { enumeration, fields } from '../../primitives/scale/index.js';
import { AccountId32, DispatchError, DispatchInfo, H256, type DispatchErrorValue, type DispatchInfoValue } from '../../primitives/types.js';
import { eventFactory } from '../../runtime/pallet.js';

/** Events of System. */
export const SystemEvents = enumeration(
  ['frame_system', 'pallet', 'Event'],
  {
    ExtrinsicSuccess: fields({ dispatchInfo: DispatchInfo }),
    ExtrinsicFailed: fields({ dispatchError: DispatchError, dispatchInfo: DispatchInfo }),
    CodeUpdated: null,
    NewAccount: fields({ account: AccountId32 }),
    KilledAccount: fields({ account: AccountId32 }),
    Remarked: fields({ sender: AccountId32, hash: H256 }, { typeName: { sender: 'T::AccountId', hash: 'T::Hash' } }),
  },
  {
    params: [{ name: 'T' }],
    docs: ['Event for the System pallet.'],
    variantDocs: {
      ExtrinsicSuccess: ['An extrinsic completed successfully.'],
      ExtrinsicFailed: ['An extrinsic failed.'],
      CodeUpdated: ['`:code` was updated.'],
      NewAccount: ['A new account was created.'],
      KilledAccount: ['An account was reaped.'],
      Remarked: ['On on-chain remark happened.'],
    },
  },
);
/** Typed constructor of System events. */
export const systemEvent = eventFactory('System', SystemEvents);

/** The `ExtrinsicSuccess` event. */
export function extrinsicSuccess(info: DispatchInfoValue) {
  return systemEvent('ExtrinsicSuccess', { dispatchInfo: info });
}
/** The `ExtrinsicFailed` event. */
export function extrinsicFailed(error: DispatchErrorValue, info: DispatchInfoValue) {
  return systemEvent('ExtrinsicFailed', { dispatchError: error, dispatchInfo: info });
}
