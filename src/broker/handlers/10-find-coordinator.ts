// FindCoordinator (key 10): this node coordinates every group. v0-3 ask for one key; v4+ batch keys
// (KIP-699) and answer per key. Key type 0 is a group, key type 1 a transactional id: this node is the
// coordinator of both (transactions/transaction-coordinator.ts). Other key types (share groups,
// KIP-932) are INVALID_REQUEST.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { defineHandler, type RequestContext } from './handler.js';
import { authorize } from './authorize.js';
import { AclOperation } from '../topics/authorized-operations.js';

const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;

interface Answer {
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

function coordinatorFor(ctx: RequestContext, key: string, keyType: number): Answer {
  const { broker } = ctx;
  const at = ctx.session?.advertised ?? broker.advertised;
  const none = (errorCode: number, errorMessage: string): Answer => ({ nodeId: -1, host: '', port: -1, errorCode, errorMessage });
  if (keyType !== GROUP_KEY && keyType !== TRANSACTION_KEY) return none(ErrorCode.INVALID_REQUEST, `unsupported coordinator key type ${keyType}`);
  if (key === '') return none(ErrorCode.INVALID_REQUEST, keyType === GROUP_KEY ? 'the group id is empty' : 'the transactional id is empty');
  // ACLs: DESCRIBE on the group or transactional id (KafkaApis.handleFindCoordinatorRequest).
  if (keyType === GROUP_KEY && !authorize(ctx, AclOperation.DESCRIBE, 'group', key)) return none(ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Authorization failed.');
  if (keyType === TRANSACTION_KEY && !authorize(ctx, AclOperation.DESCRIBE, 'transactional-id', key)) return none(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'Authorization failed.');
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
        coordinators: request.coordinatorKeys.map((key) => ({ key, ...coordinatorFor(ctx, key, request.keyType) })),
      };
    }
    return { throttleTimeMs: 0, ...coordinatorFor(ctx, request.key, request.keyType) };
  },
});
