// EndTxn (key 26), v0-4: commit or abort. Answered once the markers are durable in every partition of
// the transaction (see transaction-coordinator.ts). v5 (KIP-890 part 2: the coordinator bumps the epoch
// on every commit and returns it) is not served: librdkafka 2.0.2, KafkaJS 2.2.4 and
// @platformatic/kafka 1.35 do not send it, and ApiVersions advertising v4 keeps clients that would on
// the v1 transaction protocol. Fenced producers: PRODUCER_FENCED from v2 (KIP-588).
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { authorize } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.EndTxn,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const fenced = ctx.header.apiVersion >= 2 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
    // WRITE on the transactional id (KafkaApis.handleEndTxnRequest).
    if (!authorize(ctx, AclOperation.WRITE, 'transactional-id', request.transactionalId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1n, producerEpoch: -1 };
    }
    const errorCode = await ctx.broker.transactions.endTxn(request.transactionalId, Number(request.producerId), request.producerEpoch, request.committed, fenced);
    return { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 };
  },
});
