/** Every JSON-RPC method of the node, registered on one server. */
import type { RpcServer } from '../server.js';
import { registerAuthorMethods } from './author.js';
import { registerChainMethods } from './chain.js';
import { registerConsensusMethods } from './consensus.js';
import type { RpcNode } from './context.js';
import { registerStateMethods } from './state.js';
import { registerSystemMethods } from './system.js';
import { registerPaymentMethods } from './payment.js';
import { registerV1Methods } from './v1/index.js';
import { registerCreditMethods } from './credit.js';
import { registerDevMethods } from './dev.js';

export type { RpcNode } from './context.js';

/** Register all methods. */
export function registerAllMethods(server: RpcServer, node: RpcNode): void {
  registerSystemMethods(server, node);
  registerChainMethods(server, node);
  registerStateMethods(server, node);
  registerAuthorMethods(server, node);
  registerPaymentMethods(server, node);
  registerV1Methods(server, node);
  registerConsensusMethods(server, node);
  registerCreditMethods(server, node);
  if (node.devClock) registerDevMethods(server, node.devClock);
}
