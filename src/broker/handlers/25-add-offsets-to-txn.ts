// AddOffsetsToTxn (key 25), v0-4: the __consumer_offsets partition of the group joins the transaction,
// so the offsets TxnOffsetCommit then writes there are decided by the transaction's marker.
// Fenced producers: PRODUCER_FENCED from v2 (KIP-588), INVALID_PRODUCER_EPOCH before.
// __consumer_offsets is created on first use (groups/lazy-internal-topic.ts); its partition can only
// join a transaction once it exists, so this request creates it when it is the first use.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { authorize } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const fenced = ctx.header.apiVersion >= 2 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
    // WRITE on the transactional id, then READ on the group (KafkaApis.handleAddOffsetsToTxnRequest).
    if (!authorize(ctx, AclOperation.WRITE, 'transactional-id', request.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    if (!authorize(ctx, AclOperation.READ, 'group', request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    if (!(await ctx.broker.groups.ensureOffsetsTopic())) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    const errorCode = await ctx.broker.transactions.addOffsets(request.transactionalId, Number(request.producerId), request.producerEpoch, request.groupId, fenced);
    return { throttleTimeMs: 0, errorCode };
  },
});
