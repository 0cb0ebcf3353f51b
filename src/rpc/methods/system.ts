/** `system_*` and `rpc_methods`. */
import { z } from 'zod';
import { decodeAddress } from '../../crypto/keys.js';
import { toHex } from '../../primitives/bytes.js';
import { decodeExtrinsic } from '../../primitives/extrinsic.js';
import { bytes as bytesCodec, result, unit } from '../../primitives/scale/index.js';
import { DispatchError } from '../../primitives/types.js';
import { TransactionValidityErrorCodec } from '../../runtime/apis.js';
import { RpcError, invalidParams } from '../errors.js';
import { defineMethod, type RpcServer } from '../server.js';
import { hexBytes, optionalBlockHash, tupleParams } from '../params.js';
import { resolveAt, type RpcNode } from './context.js';

/** frame-system-rpc's code for an extrinsic `system_dryRun` cannot decode (`Error::DecodeError`). */
const DRY_RUN_DECODE_ERROR = 2;

/** `ApplyExtrinsicResult` = Result<Result<(), DispatchError>, TransactionValidityError>. */
const ApplyExtrinsicResult = result(result(unit, DispatchError), TransactionValidityErrorCodec);

/** Register `system_*` and `rpc_methods`. */
export function registerSystemMethods(server: RpcServer, node: RpcNode): void {
  const { chain } = node;
  server.register(defineMethod({ name: 'system_name', params: tupleParams(), handler: () => node.name }));
  server.register(defineMethod({ name: 'system_version', params: tupleParams(), handler: () => node.version }));
  server.register(defineMethod({ name: 'system_chain', params: tupleParams(), handler: () => node.spec.name }));
  server.register(defineMethod({ name: 'system_chainType', params: tupleParams(), handler: () => node.spec.chainType }));
  server.register(defineMethod({ name: 'system_properties', params: tupleParams(), handler: () => node.spec.properties ?? {} }));
  server.register(
    defineMethod({
      name: 'system_health',
      params: tupleParams(),
      handler: () => ({ peers: node.peerCount(), isSyncing: node.isSyncing(), shouldHavePeers: node.spec.chainType !== 'Development' }),
    }),
  );
  server.register(defineMethod({ name: 'system_localPeerId', params: tupleParams(), handler: () => node.localPeerId() }));
  server.register(defineMethod({ name: 'system_localListenAddresses', params: tupleParams(), handler: () => node.listenAddresses() }));
  server.register(defineMethod({ name: 'system_peers', unsafe: true, params: tupleParams(), handler: () => node.peers() }));
  server.register(defineMethod({ name: 'system_nodeRoles', params: tupleParams(), handler: () => [node.isValidator ? 'Authority' : 'Full'] }));
  server.register(
    defineMethod({
      name: 'system_syncState',
      params: tupleParams(),
      handler: () => ({ startingBlock: 0, currentBlock: chain.head.number, highestBlock: Math.max(chain.head.number, node.highestBlock()) }),
    }),
  );
  server.register(
    defineMethod({
      name: 'system_accountNextIndex',
      params: tupleParams(z.string().min(1).max(128)),
      handler: ([who]) => {
        let account: Uint8Array;
        try {
          account = who.startsWith('0x') ? Buffer.from(who.slice(2), 'hex') : decodeAddress(who);
        } catch (e) {
          throw invalidParams(`params[0]: not an SS58 address or 0x account id: ${(e as Error).message}`);
        }
        if (account.length !== 32) throw invalidParams('params[0]: an account id is 32 bytes');
        return node.txs.nextNonce(new Uint8Array(account));
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'system_dryRun',
      unsafe: true,
      params: tupleParams(hexBytes, optionalBlockHash),
      handler: ([xt, at]) => {
        const hash = resolveAt(node, at);
        // Substrate decodes the extrinsic (call included) before applying it; bytes that do not decode are an
        // RPC error there, not an `Invalid(Call)` apply result.
        try {
          chain.runtime.decodeCall(decodeExtrinsic(xt).call);
        } catch (e) {
          throw new RpcError(DRY_RUN_DECODE_ERROR, 'Unable to dry run extrinsic.', (e as Error).message);
        }
        const header = chain.header(hash)!;
        const state = chain.stateAt(hash)!;
        // Apply on top of `at` as the first extrinsic of a hypothetical next block.
        const exec = chain.runtime.beginBlock(state, { parentHash: hash, number: header.number + 1, digest: { logs: [] } }, node.txs.checker);
        exec.initialize();
        // The inherents of the earliest next block (its time the least after `at`'s that the runtime allows).
        for (const inherentXt of chain.runtime.inherentExtrinsics(state, { nowMs: 0n })) {
          const inherent = exec.applyExtrinsic(inherentXt, { enforceLimits: true });
          if (!inherent.ok) throw new RpcError(-32603, 'could not start a block for the dry run');
        }
        const r = exec.applyExtrinsic(xt, { enforceLimits: true });
        const value = r.ok
          ? { ok: true as const, value: r.applied.dispatch.ok ? { ok: true as const, value: null } : { ok: false as const, error: r.applied.dispatch.error } }
          : {
              ok: false as const,
              error:
                r.error.kind === 'invalid'
                  ? { tag: 'Invalid' as const, value: r.error.reason === 'Custom' ? { tag: 'Custom' as const, value: 0 } : { tag: r.error.reason } }
                  : { tag: 'Unknown' as const, value: r.error.reason === 'Custom' ? { tag: 'Custom' as const, value: 0 } : { tag: r.error.reason } },
            };
        return toHex(ApplyExtrinsicResult.encode(value as never));
      },
    }),
  );
  server.register(defineMethod({ name: 'rpc_methods', params: tupleParams(), handler: () => ({ version: 1, methods: server.methodNames() }) }));
  void bytesCodec;
}
