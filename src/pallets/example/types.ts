/**
 * Types and constants of the Example pallet (a teaching pallet: see ../README.md; not part of the chain).
 */

/** Pallet index of Example (outside the chain's list: the example is never assembled into the runtime). */
export const EXAMPLE_INDEX = 200;
/** Largest single increment. */
export const MAX_INCREMENT = 1_000;

/** Genesis of Example: starting tallies per account. */
export interface ExampleGenesis {
  tallies: Array<[account: Uint8Array, tally: number]>;
}
