/**
 * Types of the Sudo pallet.
 */

/** Pallet index of Sudo (fixed). */
export const SUDO_INDEX = 6;

/** Genesis of Sudo: the key, or none (then no call can ever be made as Root through Sudo). */
export interface SudoGenesis {
  key?: Uint8Array;
}
