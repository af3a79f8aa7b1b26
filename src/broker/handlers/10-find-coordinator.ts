// FindCoordinator (key 10): this node coordinates every group. v0-3 ask for one key; v4+ batch keys
// (KIP-699) and answer per key. Key type 0 is a group, key type 1 a transactional id: this node is the
// coordinator of both (transactions/transaction-coordinator.ts). Other key types (share groups,
// KIP-932) are INVALID_REQUEST.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import type { BrokerEndpoint, BrokerState } from '../broker-state.js';
import { defineHandler } from './handler.js';

const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;

interface Answer {
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

function coordinatorFor(broker: BrokerState, key: string, keyType: number, at: BrokerEndpoint): Answer {
  const none = (errorCode: number, errorMessage: string): Answer => ({ nodeId: -1, host: '', port: -1, errorCode, errorMessage });
  if (keyType !== GROUP_KEY && keyType !== TRANSACTION_KEY) return none(ErrorCode.INVALID_REQUEST, `unsupported coordinator key type ${keyType}`);
  if (key === '') return none(ErrorCode.INVALID_REQUEST, keyType === GROUP_KEY ? 'the group id is empty' : 'the transactional id is empty');
  return { nodeId: broker.nodeId, host: at.host, port: at.port, errorCode: ErrorCode.NONE, errorMessage: null };
}

export default defineHandler({
  api: apis.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  handle(request, ctx) {
    const v = ctx.header.apiVersion;
    if (v >= 4) {
      return {
        throttleTimeMs: 0,
        coordinators: request.coordinatorKeys.map((key) => ({ key, ...coordinatorFor(ctx.broker, key, request.keyType, ctx.session?.advertised ?? ctx.broker.advertised) })),
      };
    }
    return { throttleTimeMs: 0, ...coordinatorFor(ctx.broker, request.key, request.keyType, ctx.session?.advertised ?? ctx.broker.advertised) };
  },
});
