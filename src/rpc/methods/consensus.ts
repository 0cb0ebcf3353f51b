/**
 * `dcn_*` consensus methods (beyond Substrate's surface): the equivocations this node has seen, and the consensus
 * engine's current state. On a node without consensus (`--dev`) they answer `[]` and `null`.
 */
import type { EquivocationReport } from '../../node/consensus-service.js';
import type { EngineSnapshot } from '../../consensus/engine.js';
import { defineMethod, type RpcServer } from '../server.js';
import { tupleParams } from '../params.js';
import type { RpcNode } from './context.js';

/** What these methods read from the node: its consensus service, when it runs one. */
export interface ConsensusRpcSource {
  equivocations(): EquivocationReport[];
  snapshot(): EngineSnapshot;
  /** Whether this node signs (it has a session key in the set). */
  readonly isValidator: boolean;
}

/** Register `dcn_equivocations` and `dcn_consensusState`. */
export function registerConsensusMethods(server: RpcServer, node: RpcNode & { consensus?: ConsensusRpcSource }): void {
  server.register(
    defineMethod({
      name: 'dcn_equivocations',
      params: tupleParams(),
      // Oldest first: { offence: { height, round, validatorIndex, step }, sessionKey, evidence (SCALE hex), detectedAtMs }.
      handler: () => node.consensus?.equivocations() ?? [],
    }),
  );
  server.register(
    defineMethod({
      name: 'dcn_consensusState',
      params: tupleParams(),
      handler: () => {
        const c = node.consensus;
        if (c === undefined) return null;
        const s = c.snapshot();
        return { height: s.height, round: s.round, step: s.phase, validatorIndex: s.selfIndex, lockedRound: s.lockedRound, validRound: s.validRound, lastSigned: s.lastSigned ?? null };
      },
    }),
  );
}
