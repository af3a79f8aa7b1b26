// AddPartitionsToTxn (key 24), v0-5. v0-3: one transaction per request (the client's), results per
// topic. v4+ (KIP-890 part 1): a batch of transactions, each possibly `verifyOnly` (a broker asking
// whether a partition is already in the transaction before appending); results per transaction.
// v5 only adds the TRANSACTION_ABORTABLE error, which this broker never returns.
// Fenced producers: PRODUCER_FENCED from v2 (KIP-588), INVALID_PRODUCER_EPOCH before.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import type { PartitionResult } from '../transactions/transaction-coordinator.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { isInternalTopic } from '../topics/internal-topics.js';
import { authorize, authorizedNames } from './authorize.js';
import { defineHandler } from './handler.js';

const FIRST_BATCHED_VERSION = 4;

function toTopicResults(results: PartitionResult[]) {
  return results.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p.partition, partitionErrorCode: p.errorCode })) }));
}

type Topics = readonly { name: string; partitions: readonly number[] }[];

/**
 * A client's transaction (v0-3) needs WRITE on its transactional id, then WRITE on every topic
 * (internal topics excepted); one denied topic fails the whole transaction: TOPIC_AUTHORIZATION_FAILED
 * for its partitions, OPERATION_NOT_ATTEMPTED for the others (KafkaApis.handleAddPartitionsToTxnRequest).
 * Null when everything is allowed.
 */
function deniedResults(ctx: Parameters<typeof authorize>[0], transactionalId: string, topics: Topics): PartitionResult[] | null {
  if (!authorize(ctx, AclOperation.WRITE, 'transactional-id', transactionalId)) {
    return topics.map((t) => ({ name: t.name, partitions: t.partitions.map((partition) => ({ partition, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED })) }));
  }
  const writable = authorizedNames(ctx, AclOperation.WRITE, 'topic', topics.filter((t) => !isInternalTopic(t.name)).map((t) => t.name));
  const denied = (name: string) => !isInternalTopic(name) && !writable.has(name);
  if (!topics.some((t) => denied(t.name))) return null;
  return topics.map((t) => ({ name: t.name, partitions: t.partitions.map((partition) => ({ partition, errorCode: denied(t.name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.OPERATION_NOT_ATTEMPTED })) }));
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
      const denied = deniedResults(ctx, request.v3AndBelowTransactionalId, request.v3AndBelowTopics);
      if (denied) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction: [], resultsByTopicV3AndBelow: toTopicResults(denied) };
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
    // v4+ comes only from brokers: CLUSTER_ACTION on the cluster, else one top-level error.
    if (!authorize(ctx, AclOperation.CLUSTER_ACTION, 'cluster', CLUSTER_RESOURCE_NAME)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, resultsByTransaction: [], resultsByTopicV3AndBelow: [] };
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
