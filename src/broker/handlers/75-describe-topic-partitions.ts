// DescribeTopicPartitions (key 75, KIP-966): topics and their partitions, paged. Topics are
// answered in name order (all topics when the list is empty); a cursor resumes at a topic and
// partition; at most responsePartitionLimit partitions are returned, and when more remain,
// nextCursor says where the next request should start. Unknown topics cost nothing against
// the limit. This node leads every partition; the ELR lists are empty (one replica).
import { apis } from '../../protocol/messages/index.js';
import type { DescribeTopicPartitionsResponseTopic } from '../../protocol/messages/describe-topic-partitions.js';
import type { MessageInput } from '../../protocol/primitives/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { TopicInfo } from '../../storage/index.js';
import { authorize, operationsFor, permitted } from './authorize.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { isInternalTopic } from '../topics/internal-topics.js';
import { ZERO_UUID, topicIdToWire } from '../topics/topic-ids.js';
import { defineHandler, type RequestContext } from './handler.js';

/** Kafka's max.request.partition.size.limit default: the ceiling on responsePartitionLimit. */
const MAX_PARTITION_LIMIT = 2000;

type TopicOut = MessageInput<DescribeTopicPartitionsResponseTopic>;

export default defineHandler({
  api: apis.DescribeTopicPartitions,
  minVersion: 0,
  maxVersion: 0,
  handle(request, ctx) {
    const { broker } = ctx;
    const cursor = request.cursor;
    const fetchAll = request.topics.length === 0;
    // ACLs: listing every topic shows only those the principal may DESCRIBE; a named one it may not is
    // TOPIC_AUTHORIZATION_FAILED (Kafka's DescribeTopicPartitionsRequestHandler).
    const names = fetchAll ? broker.topics.list().map((t) => t.name).filter((n) => permitted(ctx, AclOperation.DESCRIBE, 'topic', n)) : [...new Set(request.topics.map((t) => t.name))];
    names.sort();
    const topics: TopicOut[] = [];
    if (cursor && !fetchAll && !names.includes(cursor.topicName)) {
      return { throttleTimeMs: 0, topics: names.map((n) => missing(ctx, n, ErrorCode.INVALID_REQUEST)), nextCursor: null };
    }
    let remaining = Math.max(1, Math.min(request.responsePartitionLimit, MAX_PARTITION_LIMIT));
    let nextCursor: { topicName: string; partitionIndex: number } | null = null;
    for (const name of names) {
      if (cursor && name < cursor.topicName) continue;
      if (!fetchAll && !authorize(ctx, AclOperation.DESCRIBE, 'topic', name)) {
        topics.push(missing(ctx, name, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
        continue;
      }
      const topic = broker.topics.get(name);
      if (!topic) {
        topics.push(missing(ctx, name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        continue;
      }
      const start = cursor && name === cursor.topicName ? Math.max(0, cursor.partitionIndex) : 0;
      if (remaining === 0) {
        nextCursor = { topicName: name, partitionIndex: start };
        break;
      }
      const end = Math.min(topic.partitions, start + remaining);
      topics.push(describeTopic(ctx, topic, start, end));
      remaining -= end - start;
      if (end < topic.partitions) {
        nextCursor = { topicName: name, partitionIndex: end };
        break;
      }
    }
    return { throttleTimeMs: 0, topics, nextCursor };
  },
});

function describeTopic(ctx: RequestContext, t: TopicInfo, start: number, end: number): TopicOut {
  const { broker } = ctx;
  const partitions = [];
  for (let p = start; p < end; p++) {
    const log = broker.logs.getLog(t.name, p);
    const offline = !log || log.isOffline;
    partitions.push({
      errorCode: offline ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.NONE,
      partitionIndex: p,
      leaderId: offline ? -1 : broker.nodeId,
      leaderEpoch: 0,
      replicaNodes: [broker.nodeId],
      isrNodes: offline ? [] : [broker.nodeId],
      eligibleLeaderReplicas: [],
      lastKnownElr: [],
      offlineReplicas: offline ? [broker.nodeId] : [],
    });
  }
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: topicIdToWire(t.topicId),
    isInternal: isInternalTopic(t.name),
    partitions,
    topicAuthorizedOperations: operationsFor(ctx, true, 'topic', t.name),
  };
}

function missing(ctx: RequestContext, name: string, errorCode: number): TopicOut {
  return { errorCode, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: operationsFor(ctx, true, 'topic', name) };
}
