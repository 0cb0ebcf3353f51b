/**
 * The served metadata (V14 and V15) as `@polkadot/types` reads it: every call, event, error, storage item and
 * constant of every pallet of `runtime.pallets` is encoded by OUR codecs with values derived from their type
 * descriptions and decoded, compared and re-encoded by pjs decorated from the metadata. A pallet added later is
 * covered by the same loops.
 */
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { GenericCall, Metadata, TypeRegistry } from '@polkadot/types';
import { expandMetadata } from '@polkadot/types/metadata/decorate';
import { BN, compactStripLength, stringCamelCase, u8aToHex } from '@polkadot/util';
import { createChainRuntime, CHAIN_RUNTIME_SPEC, apiInfos } from '../../../src/chain/index.js';
import { EventRecordCodec, EventRecords } from '../../../src/pallets/system/types.js';
import { SystemStorage, EVENTS_KEY } from '../../../src/pallets/system/index.js';
import { hashKey, storagePrefix } from '../../../src/primitives/hashing.js';
import { concatBytes } from '../../../src/primitives/bytes.js';
import { DispatchError, EraCodec, MultiAddress, MultiSignature, mortalEra, type Era } from '../../../src/primitives/types.js';
import { decodeExtrinsic, encodeExtra, encodeSignedExtrinsic, signingPayload } from '../../../src/primitives/extrinsic.js';
import { EXTRA_TYPE, SIGNED_EXTENSIONS } from '../../../src/runtime/extensions.js';
import { callRuntimeApi } from '../../../src/runtime/apis.js';
import { EMPTY_STATE } from '../../../src/runtime/runtime.js';
import { tuple, type AnyCodec, type FieldInfo, type VariantInfo } from '../../../src/primitives/scale/index.js';
import { arbitraryOf as arbitraryOfAny, camelFromSnake, expectSameAsPjs, expectSameSiType, pjsFieldName, toPjsInput, variantArbitrary as variantArbitraryAny, type ArbitraryOptions } from './scale-model.js';

const runtime = createChainRuntime();
/** Random values per call, event variant, storage item. */
const RUNS = 20;

/**
 * Addresses are generated as the variants this chain resolves (`Id`, `Address32`). pjs's GenericMultiAddress
 * guesses from the LENGTH of the remaining input (0/32 bytes → Id, 20 → Address20, ≤ 8 → Index), so the other
 * variants at the end of a short call decode wrongly in pjs on any Substrate chain; they get their own test below.
 */
const CHAIN_VALUES: ArbitraryOptions = { onlyVariants: { 'sp_runtime::multiaddress::MultiAddress': ['Id', 'Address32'] } };
const arbitraryOf = (c: AnyCodec) => arbitraryOfAny(c, CHAIN_VALUES);
const variantArbitrary = (v: VariantInfo) => variantArbitraryAny(v, CHAIN_VALUES);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Pjs = any;

/** Load served metadata bytes into a fresh pjs registry, capturing pjs's warnings. */
function load(version: 14 | 15) {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const registry = new TypeRegistry();
    const md = new Metadata(registry, runtime.metadata(version));
    registry.setMetadata(md);
    const d = expandMetadata(registry, md) as Pjs;
    const warnings = [...warn.mock.calls, ...log.mock.calls].map((c) => c.map(String).join(' '));
    // The structures as served (pjs's asLatest is its own V16 conversion).
    const raw = (version === 14 ? md.asV14 : md.asV15) as Pjs;
    return { registry, md, d, raw, warnings };
  } finally {
    warn.mockRestore();
    log.mockRestore();
  }
}

/** The variants of an enum codec's description. */
function variantsOf(codec: AnyCodec): VariantInfo[] {
  const def = codec.info().def;
  if (def.kind !== 'variant') throw new Error(`${codec.describe()} is not an enum`);
  return def.variants;
}

/** The names pjs gives named fields (camelCase, reserved words suffixed with `_`). */
const fieldNames = (fields: FieldInfo[]) => fields.map((f) => pjsFieldName(f.name!));

/** The id of the lookup type with `path` (exactly one). */
function lookupIdByPath(raw: Pjs, path: string): number {
  const hits = (raw.lookup.types as Pjs[]).filter((t) => t.type.path.map(String).join('::') === path);
  expect(hits.map((t) => t.id.toNumber()), `lookup types with path ${path}`).toHaveLength(1);
  return hits[0].id.toNumber();
}

describe.each([14, 15] as const)('metadata V%i through @polkadot/types', (version) => {
  const { registry, md, d, raw, warnings } = load(version);

  it('loads without pjs warnings, as RuntimeMetadata of that version with extrinsic v4', () => {
    expect(warnings).toEqual([]);
    expect(md.version).toBe(version);
    expect(u8aToHex(md.toU8a())).toBe(u8aToHex(runtime.metadata(version)));
    expect(raw.extrinsic.version.toNumber()).toBe(4);
    expect([...registry.metadata.extrinsic.versions]).toEqual([4]);
  });

  it('lists every pallet of the runtime with its index, calls, events, errors, storage and constants', () => {
    const pallets = raw.pallets as Pjs[];
    expect(pallets.map((p) => `${p.name}@${p.index}`)).toEqual(runtime.pallets.map((p) => `${p.name}@${p.index}`));
    for (const [i, p] of runtime.pallets.entries()) {
      const m = pallets[i];
      expect(m.calls.isSome, `${p.name} calls`).toBe(p.callCodec !== undefined);
      expect(m.events.isSome, `${p.name} events`).toBe(p.events !== undefined);
      expect(m.errors.isSome, `${p.name} errors`).toBe(p.errors !== undefined);
      expect(m.storage.isSome, `${p.name} storage`).toBe(p.storage.length > 0);
      expect(m.constants.map((c: Pjs) => c.name.toString()), `${p.name} constants`).toEqual(p.constants.map((c) => c.name));
      if (version === 15) expect(m.docs.map(String), `${p.name} docs`).toEqual(p.docs);
      if (p.callCodec) expectSameSiType(registry.lookup, m.calls.unwrap().type.toNumber(), p.callCodec, `${p.name}.Call`);
      if (p.events) expectSameSiType(registry.lookup, m.events.unwrap().type.toNumber(), p.events, `${p.name}.Event`);
      if (p.errors) expectSameSiType(registry.lookup, m.errors.unwrap().type.toNumber(), p.errors.codec, `${p.name}.Error`);
    }
  });

  describe('calls', () => {
    const cases = runtime.pallets.flatMap((p) => Object.entries(p.calls ?? {}).map(([name, def]) => ({ p, name, def })));
    it('every declared call is a variant of its pallet Call enum at its index', () => {
      for (const { p, name, def } of cases) {
        const v = variantsOf(p.callCodec!).find((x) => camelFromSnake(x.name) === name);
        expect(v?.index, `${p.name}.${name}`).toBe(def.index);
      }
      expect(cases.length).toBeGreaterThan(0);
    });

    it.each(cases.map((c) => [`${c.p.name}.${c.name}`, c] as const))('%s: ours → pjs Call and pjs tx → ours', (_n, { p, name }) => {
      const variant = variantsOf(p.callCodec!).find((x) => camelFromSnake(x.name) === name)!;
      const section = stringCamelCase(p.name);
      const method = stringCamelCase(variant.name);
      const tx = d.tx[section]?.[method];
      expect(tx, `tx.${section}.${method}`).toBeTypeOf('function');
      expect(tx.meta.args.map((a: Pjs) => a.name.toString())).toEqual(variant.fields.map((f) => stringCamelCase(f.name!)));
      fc.assert(
        fc.property(variantArbitrary(variant), (value) => {
          const args = (value.value ?? {}) as Record<string, unknown>;
          const bytes = runtime.callCodec.encode({ tag: p.name, value: { tag: variant.name, value: args } });
          expect([...bytes.subarray(0, 2)]).toEqual([p.index, variant.index]);
          const call = registry.createType('Call', bytes) as Pjs;
          expect(call.section).toBe(section);
          expect(call.method).toBe(method);
          // pjs keys argsDef by the metadata (snake_case) names and camelCases `meta.args`.
          expect(Object.keys(call.argsDef)).toEqual(variant.fields.map((f) => f.name));
          variant.fields.forEach((f, i) => expectSameAsPjs(f.type, args[camelFromSnake(f.name!)], call.args[i], `${p.name}.${name}.${f.name}`));
          expect(u8aToHex(call.toU8a())).toBe(u8aToHex(bytes));
          // The same call built the way a wallet does, from JSON-ish arguments.
          const built = tx(...variant.fields.map((f) => toPjsInput(f.type, args[camelFromSnake(f.name!)])));
          expect(u8aToHex(built.toU8a())).toBe(u8aToHex(bytes));
          expect(runtime.decodeCall(bytes).args).toEqual(args);
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe('events', () => {
    const recordFields = (EventRecordCodec.info().def as { fields: FieldInfo[] }).fields;
    const phase = recordFields.find((f) => f.name === 'phase')!.type;
    const topics = recordFields.find((f) => f.name === 'topics')!.type;
    const cases = runtime.pallets.flatMap((p) => (p.events ? variantsOf(p.events).map((v) => ({ p, v })) : []));
    const anyEvent = arbitraryOf(runtime.eventCodec) as fc.Arbitrary<{ tag: string; value: { tag: string; value?: unknown } }>;
    const record = (event: fc.Arbitrary<{ tag: string; value: { tag: string; value?: unknown } }>) =>
      fc.record({ phase: arbitraryOf(phase), event, topics: arbitraryOf(topics) }) as fc.Arbitrary<{ phase: unknown; event: { tag: string; value: { tag: string; value?: unknown } }; topics: Uint8Array[] }>;

    it('EventRecord is frame_system::EventRecord<RuntimeEvent, H256> with phase, event, topics', () => {
      expect(recordFields.map((f) => f.name)).toEqual(['phase', 'event', 'topics']);
      expect(EventRecordCodec.info().path).toEqual(['frame_system', 'EventRecord']);
      expect(cases.length).toBeGreaterThan(0);
    });

    it.each(cases.map((c) => [`${c.p.name}.${c.v.name}`, c] as const))('%s in System.Events decodes in pjs', (_n, { p, v }) => {
      const mine = variantArbitrary(v).map((value) => ({ tag: p.name, value }));
      fc.assert(
        fc.property(record(mine), fc.array(record(anyEvent), { maxLength: 2 }), (first, others) => {
          const records = [first, ...others];
          const bytes = EventRecords.encode(records as never);
          const pjs = registry.createType('Vec<EventRecord>', bytes) as Pjs;
          expect(pjs.length).toBe(records.length);
          records.forEach((r, i) => {
            const got = pjs[i];
            const palletOf = runtime.pallet(r.event.tag)!;
            const ev = variantsOf(palletOf.events!).find((x) => x.name === r.event.value.tag)!;
            expectSameAsPjs(phase, r.phase, got.phase, `record ${i}.phase`);
            expectSameAsPjs(topics, r.topics, got.topics, `record ${i}.topics`);
            expect(got.event.section).toBe(stringCamelCase(palletOf.name));
            expect(got.event.method).toBe(ev.name);
            expect([...got.event.index.toU8a()]).toEqual([palletOf.index, ev.index]);
            expect(got.event.data.names).toEqual(ev.fields.length === 0 ? [] : ev.fields[0].name === undefined ? null : fieldNames(ev.fields));
            // Section, method and every field value (GenericEvent.data[i] in field order).
            expectSameAsPjs(runtime.eventCodec, r.event, got.event, `record ${i}.event`);
            expect(u8aToHex(got.event.toU8a())).toBe(u8aToHex(runtime.eventCodec.encode(r.event)));
          });
          expect(u8aToHex(pjs.toU8a())).toBe(u8aToHex(bytes));
        }),
        { numRuns: RUNS },
      );
    });
  });

  describe('errors', () => {
    const cases = runtime.pallets.flatMap((p) => (p.errors ? variantsOf(p.errors.codec).map((v) => ({ p, v })) : []));
    const dispatchErrorId = lookupIdByPath(raw, 'sp_runtime::DispatchError');

    it.each(cases.map((c) => [`${c.p.name}.${c.v.name}`, c] as const))('%s resolves from DispatchError::Module', (_n, { p, v }) => {
      const ours = p.errors!.of[v.name];
      expect(ours).toEqual({ tag: 'Module', value: { index: p.index, error: new Uint8Array([v.index, 0, 0, 0]) } });
      // pjs only reads `index.toNumber()` and `error[0]` (the d.ts asks for its DispatchErrorModule codecs).
      const found = registry.findMetaError({ index: new BN(p.index), error: new Uint8Array([v.index, 0, 0, 0]) } as unknown as Uint8Array);
      expect({ section: found.section, name: found.name, method: found.method, docs: found.docs }).toEqual({ section: stringCamelCase(p.name), name: v.name, method: v.name, docs: v.docs });
      // The way pjs reaches it from an ExtrinsicFailed event: DispatchError decoded by the metadata type.
      const de = registry.createType(registry.createLookupType(dispatchErrorId), DispatchError.encode(ours)) as Pjs;
      expect(de.isModule).toBe(true);
      expect(registry.findMetaError(de.asModule).name).toBe(v.name);
    });

    it('DispatchError is the metadata type and every variant decodes in pjs', () => {
      expectSameSiType(registry.lookup, dispatchErrorId, DispatchError, 'DispatchError');
      fc.assert(
        fc.property(arbitraryOf(DispatchError), (e) => {
          const bytes = DispatchError.encode(e as never);
          const de = registry.createType(registry.createLookupType(dispatchErrorId), bytes) as Pjs;
          expectSameAsPjs(DispatchError, e, de, 'DispatchError');
          expect(u8aToHex(de.toU8a())).toBe(u8aToHex(bytes));
        }),
        { numRuns: 100 },
      );
    });
  });

  describe('storage', () => {
    const cases = runtime.pallets.flatMap((p) => p.storage.map((s) => ({ p, s })));

    it.each(cases.map((c) => [`${c.p.name}.${c.s.name}`, c] as const))('%s: keys, value type, modifier and fallback', (_n, { p, s }) => {
      const entry = d.query[stringCamelCase(p.name)]?.[stringCamelCase(s.name)];
      expect(entry, `query.${stringCamelCase(p.name)}.${stringCamelCase(s.name)}`).toBeTypeOf('function');
      const meta = entry.meta;
      expect(meta.modifier.type).toBe(s.modifier);
      expect(meta.docs.map(String)).toEqual(s.docs);
      expect(u8aToHex(meta.fallback.toU8a(true))).toBe(u8aToHex(s.fallback));
      expect(u8aToHex(entry.keyPrefix())).toBe(u8aToHex(storagePrefix(p.name, s.name)));
      const valueId = meta.type.isPlain ? meta.type.asPlain.toNumber() : meta.type.asMap.value.toNumber();
      const valueType = registry.createLookupType(valueId);
      expectSameSiType(registry.lookup, valueId, s.kind.value, `${p.name}.${s.name} value`);
      const keys = s.kind.type === 'map' ? s.kind.keys : [];
      const hashers = s.kind.type === 'map' ? s.kind.hashers : [];
      expect(meta.type.isMap).toBe(s.kind.type === 'map');
      if (meta.type.isMap) {
        expect(meta.type.asMap.hashers.map((h: Pjs) => h.type)).toEqual(hashers);
        const keyId = meta.type.asMap.key.toNumber();
        if (keys.length === 1) expectSameSiType(registry.lookup, keyId, keys[0], `${p.name}.${s.name} key`);
        else expectSameSiType(registry.lookup, keyId, tuple(...keys), `${p.name}.${s.name} key`);
      }

      // Fallback: Default items decode it as their value; Optional items carry None.
      if (s.modifier === 'Default') {
        const fallback = registry.createType(valueType, s.fallback) as Pjs;
        expectSameAsPjs(s.kind.value, s.kind.value.decode(s.fallback), fallback, `${p.name}.${s.name} fallback`);
      } else {
        expect(registry.createType(`Option<${valueType}>`, s.fallback).isNone).toBe(true);
      }

      fc.assert(
        fc.property(fc.tuple(...keys.map((k) => arbitraryOf(k))), arbitraryOf(s.kind.value), (ks, value) => {
          const ourKey = concatBytes(storagePrefix(p.name, s.name), ...ks.map((k, i) => hashKey(hashers[i], keys[i].encode(k))));
          const pjsKey = compactStripLength(entry(...ks.map((k, i) => toPjsInput(keys[i], k))))[1];
          expect(u8aToHex(pjsKey)).toBe(u8aToHex(ourKey));
          const bytes = s.kind.value.encode(value);
          const got = registry.createType(valueType, bytes) as Pjs;
          expectSameAsPjs(s.kind.value, value, got, `${p.name}.${s.name}`);
          expect(u8aToHex(got.toU8a())).toBe(u8aToHex(bytes));
        }),
        { numRuns: RUNS },
      );
    });

    it("pjs keys equal the storage items' own keyOf/key", () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 0, max: 0xffffffff }), (who, n) => {
          expect(u8aToHex(compactStripLength(d.query.system.account(u8aToHex(who)))[1])).toBe(u8aToHex(SystemStorage.Account.keyOf(who)));
          expect(u8aToHex(compactStripLength(d.query.system.blockHash(n))[1])).toBe(u8aToHex(SystemStorage.BlockHash.keyOf(n)));
        }),
        { numRuns: RUNS },
      );
      expect(u8aToHex(compactStripLength(d.query.system.events())[1])).toBe(u8aToHex(EVENTS_KEY));
      expect(u8aToHex(compactStripLength(d.query.system.number())[1])).toBe(u8aToHex(SystemStorage.Number.key));
    });
  });

  describe('constants', () => {
    const cases = runtime.pallets.flatMap((p) => p.constants.map((c) => ({ p, c })));
    it.each(cases.map((x) => [`${x.p.name}.${x.c.name}`, x] as const))('%s decodes to the declared value', (_n, { p, c }) => {
      const got = d.consts[stringCamelCase(p.name)]?.[stringCamelCase(c.name)];
      expect(got, `consts.${stringCamelCase(p.name)}.${stringCamelCase(c.name)}`).toBeDefined();
      expectSameAsPjs(c.codec, c.value, got, `${p.name}.${c.name}`);
      expect(u8aToHex(got.toU8a())).toBe(u8aToHex(c.codec.encode(c.value)));
      expect(got.meta.docs.map(String)).toEqual(c.docs);
      expectSameSiType(registry.lookup, got.meta.type.toNumber(), c.codec, `${p.name}.${c.name}`);
    });

    it('the values wallets rely on: SS58 prefix, existential deposit, block hash count, version', () => {
      expect(d.consts.system.ss58Prefix.toNumber()).toBe(CHAIN_RUNTIME_SPEC.ss58Prefix);
      expect(d.consts.balances.existentialDeposit.toBigInt()).toBe(CHAIN_RUNTIME_SPEC.existentialDeposit);
      expect(d.consts.system.blockHashCount.toNumber()).toBeGreaterThanOrEqual(64);
      const v = d.consts.system.version;
      expect(v.specName.toString()).toBe(runtime.version.specName);
      expect(v.specVersion.toNumber()).toBe(runtime.version.specVersion);
      expect(v.transactionVersion.toNumber()).toBe(runtime.version.transactionVersion);
      expect(v.apis.map(([id, ver]: Pjs) => [u8aToHex(id.toU8a()), ver.toNumber()])).toEqual(runtime.version.apis.map(([id, ver]) => [u8aToHex(id), ver]));
    });
  });

  describe('extrinsic', () => {
    it('signed extensions are listed in order with their type and additionalSigned', () => {
      expect(registry.signedExtensions).toEqual(SIGNED_EXTENSIONS.map((e) => e.identifier));
      const listed = raw.extrinsic.signedExtensions as Pjs[];
      expect(listed.map((e) => e.identifier.toString())).toEqual(SIGNED_EXTENSIONS.map((e) => e.identifier));
      SIGNED_EXTENSIONS.forEach((e, i) => {
        expectSameSiType(registry.lookup, listed[i].type.toNumber(), e.type, `${e.identifier}.type`);
        expectSameSiType(registry.lookup, listed[i].additionalSigned.toNumber(), e.additionalSigned, `${e.identifier}.additionalSigned`);
      });
      // pjs knows every extension by name (an unknown one would be a silent no-op).
      expect(Object.keys(registry.getSignedExtensionTypes())).toEqual(['era', 'nonce', 'tip']);
      expect(Object.keys(registry.getSignedExtensionExtra())).toEqual(['specVersion', 'transactionVersion', 'genesisHash', 'blockHash']);
    });

    it('extrinsic types: Address, Call, Signature, Extra and the UncheckedExtrinsic they come from', () => {
      const ext = raw.extrinsic;
      const unchecked = lookupIdByPath(raw, 'sp_runtime::generic::unchecked_extrinsic::UncheckedExtrinsic');
      const src = runtime.metadataSources();
      expectSameSiType(registry.lookup, unchecked, src.extrinsicType, 'UncheckedExtrinsic');
      if (version === 14) expect(ext.type.toNumber()).toBe(unchecked);
      if (version === 15) {
        expectSameSiType(registry.lookup, ext.addressType.toNumber(), MultiAddress, 'Address');
        expectSameSiType(registry.lookup, ext.callType.toNumber(), runtime.callCodec, 'Call');
        expectSameSiType(registry.lookup, ext.signatureType.toNumber(), MultiSignature, 'Signature');
        expectSameSiType(registry.lookup, ext.extraType.toNumber(), EXTRA_TYPE, 'Extra');
      }
    });

    it('the pjs signing payload and signed extrinsic equal ours', () => {
      const remark = variantsOf(runtime.pallet('System')!.callCodec!).find((v) => v.name === 'remark')!;
      const era: fc.Arbitrary<Era> = fc.oneof(
        fc.constant({ tag: 'Immortal' } as Era),
        fc.tuple(fc.constantFrom(4, 64, 256, 4096, 65536), fc.integer({ min: 0, max: 1_000_000 })).map(([period, cur]) => mortalEra(period, cur)),
      );
      fc.assert(
        fc.property(
          variantArbitrary(remark),
          era,
          fc.integer({ min: 0, max: 0xffffffff }),
          fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.uint8Array({ minLength: 64, maxLength: 64 }),
          (call, era, nonce, tip, genesisHash, blockHash, signer, sig) => {
            const callBytes = runtime.callCodec.encode({ tag: 'System', value: call as never });
            const extra = encodeExtra({ era, nonce, tip });
            // The Extra type the metadata describes encodes exactly the extra the node reads.
            const extValues = SIGNED_EXTENSIONS.map((e) => (e.identifier === 'CheckMortality' ? era : e.identifier === 'CheckNonce' ? nonce : e.identifier === 'ChargeTransactionPayment' ? tip : {}));
            expect(u8aToHex(EXTRA_TYPE.encode(extValues))).toBe(u8aToHex(extra));
            const add = { specVersion: runtime.version.specVersion, transactionVersion: runtime.version.transactionVersion, genesisHash, eraBlockHash: era.tag === 'Immortal' ? genesisHash : blockHash };
            const addValues = SIGNED_EXTENSIONS.map((e) => ({ CheckSpecVersion: add.specVersion, CheckTxVersion: add.transactionVersion, CheckGenesis: genesisHash, CheckMortality: add.eraBlockHash })[e.identifier] ?? null);
            const additional = tuple(...SIGNED_EXTENSIONS.map((e) => e.additionalSigned)).encode(addValues);
            const payloadJson = {
              method: u8aToHex(callBytes),
              era: u8aToHex(EraCodec.encode(era)),
              nonce,
              tip,
              specVersion: add.specVersion,
              transactionVersion: add.transactionVersion,
              genesisHash: u8aToHex(genesisHash),
              blockHash: u8aToHex(add.eraBlockHash),
              version: 4,
            };
            const payload = registry.createType('ExtrinsicPayload', payloadJson, { version: 4 }) as Pjs;
            const full = payload.toU8a({ method: true });
            expect(u8aToHex(full)).toBe(u8aToHex(concatBytes(callBytes, extra, additional)));
            const ours = signingPayload(callBytes, extra, add);
            expect(u8aToHex(full.length > 256 ? registry.hash(full) : full)).toBe(u8aToHex(ours));

            const xt = registry.createType('Extrinsic', { method: u8aToHex(callBytes) }, { version: 4 }) as Pjs;
            xt.addSignature(u8aToHex(signer), u8aToHex(concatBytes(new Uint8Array([1]), sig)), payloadJson);
            const address = { tag: 'Id' as const, value: signer };
            const signature = { tag: 'Sr25519' as const, value: sig };
            expect(u8aToHex(xt.toU8a())).toBe(u8aToHex(encodeSignedExtrinsic({ address, signature, extra: { era, nonce, tip } }, callBytes)));
            const dec = decodeExtrinsic(xt.toU8a());
            expect(dec.signature).toEqual({ address, signature, extra: { era, nonce, tip } });
            expect(u8aToHex(dec.call)).toBe(u8aToHex(callBytes));
          },
        ),
        { numRuns: RUNS },
      );
    });

    it('every MultiAddress and MultiSignature variant decodes in pjs when followed by more input', () => {
      // Followed by 40 bytes, pjs's length guess (see CHAIN_VALUES) is out of the way and the enum decodes as such.
      const pad = new Uint8Array(40).fill(7);
      for (const codec of [MultiAddress, MultiSignature]) {
        for (const v of variantsOf(codec)) {
          fc.assert(
            fc.property(variantArbitraryAny(v), (value) => {
              const bytes = codec.encode(value as never);
              const got = registry.createType(`(${codec === MultiAddress ? 'Address' : 'ExtrinsicSignature'}, [u8; 40])`, concatBytes(bytes, pad)) as Pjs;
              expectSameAsPjs(codec, value, got[0], `${codec.describe()}::${v.name}`);
              expect(u8aToHex(got[0].toU8a())).toBe(u8aToHex(bytes));
            }),
            { numRuns: 5 },
          );
        }
      }
    });

    it('pjs aliases: Address, AccountId, ExtrinsicSignature, Call, Event and WeightV2 DispatchInfo', () => {
      const callId = lookupIdByPath(raw, 'dcn_runtime::RuntimeCall');
      const eventId = lookupIdByPath(raw, 'dcn_runtime::RuntimeEvent');
      // Aliased from the UncheckedExtrinsic and EventRecord params (not pjs defaults): pjs then decodes these
      // lookup types wherever they appear as its GenericCall / GenericEvent.
      expect(registry.lookup.getTypeDef(callId).type).toBe('Call');
      expect(registry.lookup.getTypeDef(eventId).type).toBe('Event');
      expect(registry.getDefinition('Address')).toBe('MultiAddress');
      expect(registry.getDefinition('AccountId')).toBe('AccountId32');
      expect(registry.getDefinition('ExtrinsicSignature')).toBe('MultiSignature');
      expect(registry.createType('AccountId').toU8a().length).toBe(32);
      expect((registry.createType('Address') as Pjs).type).toBe('Id');
      const remark = runtime.encodeCall('System', 'remark', { remark: new Uint8Array([1, 2, 3]) });
      expect(registry.createType('Call', remark)).toBeInstanceOf(GenericCall);
      expect(registry.createType(registry.createLookupType(callId), remark)).toBeInstanceOf(GenericCall);
      expect(registry.getDefinition('Weight')).toBe('SpWeightsWeightV2Weight');
      const info = registry.createType('DispatchInfo') as Pjs;
      expect([...info.weight.keys()]).toEqual(['refTime', 'proofSize']);
    });
  });

  describe('runtime APIs and outer enums', () => {
    it(version === 15 ? 'V15 lists every runtime API with typed methods' : 'V14 has no runtime API list', () => {
      if (version === 14) {
        expect(md.asLatest.apis.length).toBe(0);
        return;
      }
      const apis = raw.apis as Pjs[];
      const infos = apiInfos();
      expect(apis.map((a) => a.name.toString())).toEqual(infos.map((a) => a.name));
      infos.forEach((a, i) => {
        const m = apis[i].methods as Pjs[];
        expect(m.map((x) => x.name.toString()), a.name).toEqual(a.methods.map((x) => x.name));
        a.methods.forEach((am, j) => {
          expect(m[j].inputs.map((x: Pjs) => x.name.toString())).toEqual(am.inputs.map((x) => x.name));
          am.inputs.forEach((inp, k) => expectSameSiType(registry.lookup, m[j].inputs[k].type.toNumber(), inp.type, `${a.name}.${am.name}(${inp.name})`));
          expectSameSiType(registry.lookup, m[j].output.toNumber(), am.output, `${a.name}.${am.name} output`);
        });
      });
    });

    if (version === 15) it('V15 runtime APIs called the way pjs api.call encodes and decodes them', () => {
      // @polkadot/api (api/base/Decorate.js) names api.call sections/methods in camelCase, types each input and the
      // output as `lookup.getName(id) || lookup.getTypeDef(id).type`, encodes the inputs with createType(...).toU8a()
      // concatenated, and decodes the state_call result with createType(output, bytes).
      const typeOf = (id: Pjs) => registry.lookup.getName(id) || registry.lookup.getTypeDef(id).type;
      const defs = new Map<string, { name: string; params: string[]; type: string }>();
      for (const a of raw.apis as Pjs[]) {
        for (const m of a.methods as Pjs[]) {
          const key = `${stringCamelCase(a.name.toString())}.${stringCamelCase(m.name.toString())}`;
          defs.set(key, { name: `${a.name.toString()}_${m.name.toString()}`, params: m.inputs.map((i: Pjs) => typeOf(i.type)), type: typeOf(m.output) });
        }
      }
      expect([...defs.keys()]).toEqual(apiInfos().flatMap((a) => a.methods.map((m) => `${stringCamelCase(a.name)}.${stringCamelCase(m.name)}`)));
      const ctx = { runtime, state: EMPTY_STATE, block: { number: 0, hash: new Uint8Array(32) }, checker: { verify: () => false } };
      const apiCall = (key: string, ...args: unknown[]) => {
        const def = defs.get(key)!;
        expect(args.length).toBe(def.params.length);
        const input = concatBytes(...args.map((a, i) => registry.createTypeUnsafe(def.params[i], [a]).toU8a()));
        return registry.createTypeUnsafe(def.type, [callRuntimeApi(ctx, def.name, input)]) as Pjs;
      };
      const version = apiCall('core.version');
      expect(version.specName.toString()).toBe(runtime.version.specName);
      expect(version.specVersion.toNumber()).toBe(runtime.version.specVersion);
      expect([...apiCall('metadata.metadataVersions')].map((x: Pjs) => x.toNumber())).toEqual([14, 15]);
      expect(u8aToHex(apiCall('metadata.metadataAtVersion', 15).unwrap().toU8a(true))).toBe(u8aToHex(runtime.metadata(15)));
      expect(apiCall('metadata.metadataAtVersion', 16).isNone).toBe(true);
      expect(apiCall('accountNonceApi.accountNonce', u8aToHex(new Uint8Array(32).fill(1))).toNumber()).toBe(0);
      // paymentInfo passes the signed extrinsic's bytes (length prefix included) and their length.
      const call = runtime.encodeCall('Balances', 'transferKeepAlive', { dest: { tag: 'Id', value: new Uint8Array(32).fill(2) }, value: 5n });
      const uxt = encodeSignedExtrinsic({ address: { tag: 'Id', value: new Uint8Array(32).fill(1) }, signature: { tag: 'Sr25519', value: new Uint8Array(64) }, extra: { era: { tag: 'Immortal' }, nonce: 0, tip: 0n } }, call);
      const info = apiCall('transactionPaymentApi.queryInfo', uxt, uxt.length);
      const fee = runtime.queryFee(uxt);
      expect(info.weight.refTime.toBigInt()).toBe(fee.weight);
      expect(info.class.type).toBe(fee.class);
      expect(info.partialFee.toBigInt()).toBe(fee.partialFee);
      const details = apiCall('transactionPaymentApi.queryFeeDetails', uxt, uxt.length);
      expect(details.inclusionFee.unwrap().lenFee.toBigInt()).toBe(fee.fee.lenFee);
    });

    if (version === 15) it('V15 outerEnums are RuntimeCall, RuntimeEvent and RuntimeError', () => {
      const o = raw.outerEnums;
      expectSameSiType(registry.lookup, o.callType.toNumber(), runtime.callCodec, 'RuntimeCall');
      expectSameSiType(registry.lookup, o.eventType.toNumber(), runtime.eventCodec, 'RuntimeEvent');
      expectSameSiType(registry.lookup, o.errorType.toNumber(), runtime.errorCodec, 'RuntimeError');
      fc.assert(
        fc.property(arbitraryOf(runtime.errorCodec), (e) => {
          const bytes = runtime.errorCodec.encode(e);
          const got = registry.createType(registry.createLookupType(o.errorType.toNumber()), bytes) as Pjs;
          expectSameAsPjs(runtime.errorCodec, e, got, 'RuntimeError');
          expect(u8aToHex(got.toU8a())).toBe(u8aToHex(bytes));
        }),
        { numRuns: RUNS },
      );
    });
  });
});
