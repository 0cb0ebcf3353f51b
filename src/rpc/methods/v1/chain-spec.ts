/** `chainSpec_v1_*`: the chain's name, genesis hash and properties, as the chain spec gives them. */
import { toHex } from '../../../primitives/bytes.js';
import { defineMethod, type RpcServer } from '../../server.js';
import { tupleParams } from '../../params.js';
import type { V1Node } from './common.js';

/** Register `chainSpec_v1_chainName`, `chainSpec_v1_genesisHash` and `chainSpec_v1_properties`. */
export function registerChainSpecMethods(server: RpcServer, node: V1Node): void {
  server.register(defineMethod({ name: 'chainSpec_v1_chainName', params: tupleParams(), handler: () => node.spec.name }));
  server.register(defineMethod({ name: 'chainSpec_v1_genesisHash', params: tupleParams(), handler: () => toHex(node.chain.genesisHash) }));
  server.register(defineMethod({ name: 'chainSpec_v1_properties', params: tupleParams(), handler: () => node.spec.properties ?? {} }));
}
