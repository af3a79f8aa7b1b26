// Metadata (key 3): this node as the only broker, controller and leader of every partition.
// v0 asks for all topics with an empty list, v1+ with null. Topics missing from the log are
// auto-created when the request allows it (v4+ flag; always for v0-3) and the broker's
// auto.create.topics.enable is on. v10+ may name topics by id.
import { apis } from '../../protocol/messages/index.js';
import type { MetadataResponseTopic } from '../../protocol/messages/metadata.js';
import type { MessageInput } from '../../protocol/primitives/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { TopicInfo } from '../../storage/index.js';
import type { BrokerState } from '../broker-state.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { authorize, operationsFor, permitted } from './authorize.js';
import { isInternalTopic } from '../topics/internal-topics.js';
import { ZERO_UUID, isZeroTopicId, topicIdToWire } from '../topics/topic-ids.js';
import { defineHandler } from './handler.js';

type TopicOut = MessageInput<MetadataResponseTopic>;
type TopicOps = (topic: string) => number;

const FIRST_TOPIC_ID_VERSION = 10;

export default defineHandler({
  api: apis.Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(request, ctx) {
    const { broker, header } = ctx;
    const v = header.apiVersion;
    // KIP-430: what the authorizer allows this connection on each topic.
    const topicOps: TopicOps = (name) => operationsFor(ctx, request.includeTopicAuthorizedOperations, 'topic', name);
    const allTopics = request.topics === null || (v === 0 && request.topics.length === 0);
    let topics: TopicOut[];
    // ACLs as KafkaApis.handleTopicMetadataRequest: listing every topic shows only those the principal
    // may DESCRIBE; a named topic it may not DESCRIBE is TOPIC_AUTHORIZATION_FAILED whether it exists or
    // not; auto-creating needs CREATE on the cluster or on the topic.
    const denied = (name: string): TopicOut => missing(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, topicOps);
    if (allTopics) {
      topics = broker.topics
        .list()
        .filter((t) => permitted(ctx, AclOperation.DESCRIBE, 'topic', t.name))
        .map((t) => describeTopic(broker, t, topicOps));
    } else {
      topics = await Promise.all(
        request.topics!.map(async (wanted): Promise<TopicOut> => {
          // Topic ids exist from v10; before that an empty name is just an invalid one.
          if (v >= FIRST_TOPIC_ID_VERSION && (wanted.name === null || wanted.name === '')) {
            const name = isZeroTopicId(wanted.topicId) ? undefined : broker.topics.nameForId(wanted.topicId);
            const t = name === undefined ? undefined : broker.topics.get(name);
            // The response's name is nullable only from v12.
            if (t && !authorize(ctx, AclOperation.DESCRIBE, 'topic', t.name)) return { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, name: v >= 12 ? null : '', topicId: wanted.topicId, partitions: [], topicAuthorizedOperations: topicOps('') };
            if (!t) return { errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: v >= 12 ? null : '', topicId: wanted.topicId, partitions: [], topicAuthorizedOperations: topicOps('') };
            return describeTopic(broker, t, topicOps);
          }
          if (wanted.name === null || wanted.name === '') return missing('', ErrorCode.INVALID_TOPIC_EXCEPTION, topicOps);
          if (!authorize(ctx, AclOperation.DESCRIBE, 'topic', wanted.name)) return denied(wanted.name);
          const existing = broker.topics.get(wanted.name);
          if (existing) return describeTopic(broker, existing, topicOps);
          if (!request.allowAutoTopicCreation) return missing(wanted.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, topicOps);
          if (!permitted(ctx, AclOperation.CREATE, 'cluster', CLUSTER_RESOURCE_NAME) && !authorize(ctx, AclOperation.CREATE, 'topic', wanted.name)) return denied(wanted.name);
          const outcome = await broker.topics.autoCreate(wanted.name);
          if (outcome.topic) return describeTopic(broker, outcome.topic, topicOps);
          return missing(wanted.name, outcome.errorCode, topicOps);
        }),
      );
    }
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.nodeId, host: (ctx.session?.advertised ?? broker.advertised).host, port: (ctx.session?.advertised ?? broker.advertised).port, rack: broker.config.get('broker.rack') }],
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      topics,
      clusterAuthorizedOperations: operationsFor(ctx, request.includeClusterAuthorizedOperations, 'cluster', CLUSTER_RESOURCE_NAME),
    };
  },
});

function describeTopic(broker: BrokerState, t: TopicInfo, topicOps: TopicOps): TopicOut {
  const partitions = [];
  for (let p = 0; p < t.partitions; p++) {
    const log = broker.logs.getLog(t.name, p);
    const offline = !log || log.isOffline;
    partitions.push({
      errorCode: offline ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.NONE,
      partitionIndex: p,
      leaderId: offline ? -1 : broker.nodeId,
      leaderEpoch: 0,
      replicaNodes: [broker.nodeId],
      isrNodes: offline ? [] : [broker.nodeId],
      offlineReplicas: offline ? [broker.nodeId] : [],
    });
  }
  return {
    errorCode: ErrorCode.NONE,
    name: t.name,
    topicId: topicIdToWire(t.topicId),
    isInternal: isInternalTopic(t.name),
    partitions,
    topicAuthorizedOperations: topicOps(t.name),
  };
}

function missing(name: string, errorCode: number, topicOps: TopicOps): TopicOut {
  return { errorCode, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: topicOps(name) };
}
