/**
 * Invariants of the ValidatorSet pallet (`tryState`).
 */
import { toHexRaw } from '../../primitives/bytes.js';
import type { StateReader } from '../../runtime/state.js';
import { ValidatorSetStorage } from './storage.js';

/**
 * Throw unless the set is non-empty once written (genesis refuses an empty set; `Validators` absent means no
 * genesis yet) and no session key appears twice (one key, one vote).
 */
export function checkValidatorSetInvariants(st: StateReader): void {
  const raw = st.get(ValidatorSetStorage.Validators.key);
  if (raw === undefined) return;
  const set = ValidatorSetStorage.Validators.get(st);
  if (set.length === 0) throw new Error('ValidatorSet: the validator set is empty');
  const seen = new Set<string>();
  for (const v of set) {
    const k = toHexRaw(v.sessionKey);
    if (seen.has(k)) throw new Error(`ValidatorSet: session key 0x${k} appears twice`);
    seen.add(k);
  }
}
