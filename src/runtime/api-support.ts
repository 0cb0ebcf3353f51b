/**
 * Runtime-API plumbing: how an API trait and its methods are declared, the context a method runs in, the error for a
 * call that cannot run, decoding of a method's SCALE input, and dispatch of a `state_call` by its `Trait_method`
 * name over the list of APIs a runtime was built with. Pallets declare their APIs with these types; the chain lists
 * them. Pure; it knows the runtime only through {@link ApiHost}, so no import runs back to the executive.
 */
import { blake2_64 } from '../primitives/hashing.js';
import { utf8 } from '../primitives/bytes.js';
import { ScaleReader } from '../primitives/scale/io.js';
import type { AnyCodec } from '../primitives/scale/index.js';
import type { RuntimeVersion } from '../primitives/types.js';
import type { RuntimeApiInfo } from './metadata.js';
import type { DispatchClassName, Pallet } from './pallet.js';
import type { FeeDetails, SignatureChecker, SystemServices } from './services.js';
import type { StateReader } from './state.js';
import type { ValidationOutcome } from './validity.js';

/** Raised when a runtime API call cannot run (unknown method, undecodable input); RPC answers it with 4003. */
export class RuntimeApiError extends Error {}

/** Decode exactly the inputs `codecs` from `input`; anything else is a {@link RuntimeApiError} naming `what`. */
export function decodeApiInput(input: Uint8Array, codecs: readonly AnyCodec[], what: string): unknown[] {
  const r = new ScaleReader(input);
  try {
    const out = codecs.map((c) => c.decodeFrom(r));
    r.assertDone(what);
    return out;
  } catch (e) {
    throw new RuntimeApiError(`${what}: could not decode the input: ${(e as Error).message}`);
  }
}

/** What a runtime API method may ask of the runtime it runs in. */
export interface ApiHost {
  readonly version: RuntimeVersion;
  /** The runtime APIs this runtime serves. */
  readonly apis: readonly ApiTrait[];
  /** The System services the executive runs with. */
  readonly system: SystemServices;
  /** RuntimeMetadataPrefixed bytes of version 14 or 15. */
  metadata(version: 14 | 15): Uint8Array;
  /** The pallet with this name. */
  pallet(name: string): Pallet | undefined;
  validateTransaction(base: StateReader, bytes: Uint8Array, best: { number: number; hash: Uint8Array }, checker: SignatureChecker): ValidationOutcome;
  queryFee(bytes: Uint8Array): { weight: bigint; class: DispatchClassName; fee: FeeDetails; partialFee: bigint };
}

/** Where and with what a runtime API runs. `number` is the block's number (u32). */
export interface ApiContext {
  runtime: ApiHost;
  state: StateReader;
  block: { number: number; hash: Uint8Array };
  checker: SignatureChecker;
}

/** One runtime API method. */
export interface ApiMethod {
  name: string;
  docs: string[];
  inputs: Array<{ name: string; type: AnyCodec }>;
  output: AnyCodec;
  /** Run with the raw SCALE input; return SCALE output. */
  call(ctx: ApiContext, input: Uint8Array): Uint8Array;
}

/** One runtime API trait. `version` is a u32. */
export interface ApiTrait {
  name: string;
  version: number;
  docs: string[];
  methods: ApiMethod[];
}

/** The APIs as V15 metadata lists them. */
export function apiInfosOf(apis: readonly ApiTrait[]): RuntimeApiInfo[] {
  return apis.map((t) => ({
    name: t.name,
    docs: t.docs,
    methods: t.methods.map((m) => ({ name: m.name, inputs: m.inputs, output: m.output, docs: m.docs })),
  }));
}

/** `RuntimeVersion.apis`: (blake2_64(name), version) of every trait. */
export function apiVersionsOf(apis: readonly ApiTrait[]): Array<[Uint8Array, number]> {
  return apis.map((t) => [blake2_64(utf8(t.name)), t.version]);
}

/** Dispatch a `state_call` by its `Trait_method` name over the APIs of the runtime in `ctx`. */
export function callRuntimeApi(ctx: ApiContext, name: string, input: Uint8Array): Uint8Array {
  for (const t of ctx.runtime.apis) {
    if (!name.startsWith(t.name + '_')) continue;
    const m = t.methods.find((x) => `${t.name}_${x.name}` === name);
    if (m) return m.call(ctx, input);
  }
  throw new RuntimeApiError(`Exported method ${name} is not found`);
}
