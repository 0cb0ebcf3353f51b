/**
 * Events of the Sudo pallet (FRAME's names, fields and indices).
 */
import { enumeration, fields, option, result, unit } from '../../primitives/scale/index.js';
import { AccountId32, DispatchError } from '../../primitives/types.js';
import { eventFactory } from '../../runtime/pallet.js';

const DispatchResult = result(unit, DispatchError);

/** Events of Sudo. */
export const SudoEvents = enumeration(
  ['pallet_sudo', 'pallet', 'Event'],
  {
    Sudid: fields({ sudoResult: DispatchResult }),
    KeyChanged: fields({ old: option(AccountId32), new: AccountId32 }),
    KeyRemoved: null,
    SudoAsDone: fields({ sudoResult: DispatchResult }),
  },
  {
    params: [{ name: 'T' }],
    docs: ['The `Event` enum of this pallet'],
    variantDocs: {
      Sudid: ['A sudo call just took place.'],
      KeyChanged: ['The sudo key has been updated.'],
      KeyRemoved: ['The key was permanently removed.'],
      SudoAsDone: ['A [sudo_as](Pallet::sudo_as) call just took place.'],
    },
  },
);

/** Typed constructor of Sudo events. */
export const sudoEvent = eventFactory('Sudo', SudoEvents);
