/**
 * Measured weights (FRAME's `WeightInfo`): what `npm run bench:weights` writes into each pallet's generated
 * `weights.ts`, and how a call's or hook's weight is computed from it. Figures are picoseconds of reference time
 * (the benchmark machine, see the header of each generated file). Pure.
 */

/** The weight of one call or hook: a fixed part plus, where the work scales with an argument, a part per item. */
export interface MeasuredWeight {
  /** Reference time of the work at zero items (ps). */
  base: bigint;
  /** Reference time per item (ps), e.g. per byte of a remark or per loan examined by a scan. */
  perItem?: bigint;
  /** What one item is (documentation of the component). */
  item?: string;
}

/** The generated weights of one pallet. */
export interface PalletWeights {
  /** The pallet's name in the runtime. */
  pallet: string;
  /** Per call, by the call's camelCase name. */
  calls: Record<string, MeasuredWeight>;
  /** Per hook (`onInitialize`, `onFinalize`). */
  hooks: Record<string, MeasuredWeight>;
}

/** `base + items × perItem` (items ≥ 0). */
export function weightOf(w: MeasuredWeight, items: number | bigint = 0): bigint {
  const n = BigInt(items);
  if (n < 0n) throw new RangeError(`negative item count ${n}`);
  return w.base + n * (w.perItem ?? 0n);
}
