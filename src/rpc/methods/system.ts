/** `system_*` (basic set) and `rpc_methods`. */
import { defineMethod, type RpcServer } from '../server.js';
import { tupleParams } from '../params.js';
import type { RpcNode } from './context.js';

/** Register `system_*` and `rpc_methods`. */
export function registerSystemMethods(server: RpcServer, node: RpcNode): void {
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
  server.register(defineMethod({ name: 'rpc_methods', params: tupleParams(), handler: () => ({ version: 1, methods: server.methodNames() }) }));
}
