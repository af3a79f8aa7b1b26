// AddPartitionsToTxn (key 24), v0-5. v0-3: one transaction per request (the client's), results per
// topic. v4+ (KIP-890 part 1): a batch of transactions, each possibly `verifyOnly` (a broker asking
// whether a partition is already in the transaction before appending); results per transaction.
// v5 only adds the TRANSACTION_ABORTABLE error, which this broker never returns.
// Fenced producers: PRODUCER_FENCED from v2 (KIP-588), INVALID_PRODUCER_EPOCH before.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import type { PartitionResult } from '../transactions/transaction-coordinator.js';
import { defineHandler } from './handler.js';

const FIRST_BATCHED_VERSION = 4;

function toTopicResults(results: PartitionResult[]) {
  return results.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p.partition, partitionErrorCode: p.errorCode })) }));
}

export default defineHandler({
  api: apis.AddPartitionsToTxn,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const v = ctx.header.apiVersion;
    const fenced = v >= 2 ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH;
    const txns = ctx.broker.transactions;
    if (v < FIRST_BATCHED_VERSION) {
      const results = await txns.addPartitions(
        request.v3AndBelowTransactionalId,
        Number(request.v3AndBelowProducerId),
        request.v3AndBelowProducerEpoch,
        request.v3AndBelowTopics,
        false,
        fenced,
      );
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction: [], resultsByTopicV3AndBelow: toTopicResults(results) };
    }
    const resultsByTransaction = await Promise.all(
      request.transactions.map(async (t) => ({
        transactionalId: t.transactionalId,
        topicResults: toTopicResults(await txns.addPartitions(t.transactionalId, Number(t.producerId), t.producerEpoch, t.topics, t.verifyOnly, fenced)),
      })),
    );
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction, resultsByTopicV3AndBelow: [] };
  },
});
