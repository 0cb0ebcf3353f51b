/**
 * The maths of the Example pallet: pure, integers only, every overflow named.
 */

/** Largest u32. */
export const U32_MAX = 0xffff_ffff;

/** `a + b` when it fits in a u32, else `undefined`. */
export function checkedAddU32(a: number, b: number): number | undefined {
  const r = a + b;
  return r > U32_MAX ? undefined : r;
}
