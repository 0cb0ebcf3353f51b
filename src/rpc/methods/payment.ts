/** `payment_*`: fee estimates, as `TransactionPaymentApi` computes them. */
import { toHex } from '../../primitives/bytes.js';
import { RpcError } from '../errors.js';
import { defineMethod, type RpcServer } from '../server.js';
import { hexBytes, optionalBlockHash, tupleParams } from '../params.js';
import { resolveAt, type RpcNode } from './context.js';

/** Substrate's code for a payment query that cannot run. */
const PAYMENT_ERROR = 9000;

/** Register `payment_queryInfo` and `payment_queryFeeDetails`. */
export function registerPaymentMethods(server: RpcServer, node: RpcNode): void {
  const query = (xt: Uint8Array, at: Uint8Array | undefined) => {
    resolveAt(node, at);
    try {
      return node.chain.runtime.queryFee(xt);
    } catch (e) {
      throw new RpcError(PAYMENT_ERROR, 'Unable to query dispatch info.', (e as Error).message);
    }
  };
  server.register(
    defineMethod({
      name: 'payment_queryInfo',
      params: tupleParams(hexBytes, optionalBlockHash),
      handler: ([xt, at]) => {
        const q = query(xt, at);
        return { weight: { ref_time: Number(q.weight), proof_size: 0 }, class: q.class.toLowerCase(), partialFee: q.partialFee.toString() };
      },
    }),
  );
  server.register(
    defineMethod({
      name: 'payment_queryFeeDetails',
      params: tupleParams(hexBytes, optionalBlockHash),
      handler: ([xt, at]) => {
        const { fee } = query(xt, at);
        const hex = (v: bigint) => '0x' + v.toString(16);
        const pays = fee.baseFee + fee.lenFee + fee.adjustedWeightFee > 0n;
        return {
          inclusionFee: pays ? { baseFee: hex(fee.baseFee), lenFee: hex(fee.lenFee), adjustedWeightFee: hex(fee.adjustedWeightFee) } : null,
          tip: hex(fee.tip),
        };
      },
    }),
  );
  void toHex;
}
