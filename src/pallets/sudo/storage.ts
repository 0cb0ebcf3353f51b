/**
 * Storage of the Sudo pallet (FRAME's name and key: `Sudo::Key`).
 */
import { AccountId32 } from '../../primitives/types.js';
import { StorageBuilder } from '../../runtime/storage.js';

const s = new StorageBuilder('Sudo');
/** Storage items of Sudo. */
export const SudoStorage = {
  /** The account that may dispatch calls as Root; absent: nobody. */
  Key: s.value('Key', AccountId32, { docs: ['The `AccountId` of the sudo key.'] }),
};

/** Metadata of Sudo's storage. */
export const SUDO_STORAGE_INFO = s.infos();
