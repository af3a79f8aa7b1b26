// DescribeTransactions (key 65), v0 (KIP-664): the coordinator's view of each transactional id.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { groupPartitions } from '../transactions/txn-state.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { authorize, permitted } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      transactionStates: request.transactionalIds.map((id) => {
        // DESCRIBE on the transactional id; of its partitions only the topics the principal may
        // DESCRIBE are listed (KafkaApis.handleDescribeTransactionsRequest).
        if (!authorize(ctx, AclOperation.DESCRIBE, 'transactional-id', id)) {
          return { errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] };
        }
        const m = ctx.broker.transactions.get(id);
        if (!m) {
          return { errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [] };
        }
        return {
          errorCode: ErrorCode.NONE,
          transactionalId: id,
          transactionState: m.state,
          transactionTimeoutMs: m.timeoutMs,
          transactionStartTimeMs: BigInt(m.startTimestampMs),
          producerId: BigInt(m.producerId),
          producerEpoch: m.producerEpoch,
          topics: groupPartitions(m.partitions).filter((t) => permitted(ctx, AclOperation.DESCRIBE, 'topic', t.topic)),
        };
      }),
    };
  },
});
