// CreateTopics (key 19): validate-only, explicit partition counts or replica assignments (one
// node: every replica list must be [this node]), -1 for the broker defaults (v4+), topic
// configs, and (v5+) the created topic's resolved configs in the response.
//
// Bounded (docs/limits.md): a request whose topics add up to more than brook.max.partitions.per.request
// partitions (10,000, Kafka 4's limit, ReplicationControlManager.validateTotalNumberOfPartitions) is
// refused whole before anything is touched, every topic POLICY_VIOLATION with Kafka's message; each
// topic must also fit the broker's brook.max.partitions (topics/topic-service.ts). A creation still
// running when the request's timeoutMs is up is answered REQUEST_TIMED_OUT, as Kafka's controller
// answers, and completes in the background.
//
// controller_mutation_rate (KIP-599, handlers/mutation-quota.ts): each topic that passed every check is
// charged its partition count, validate-only too (as KRaft's controller charges it); from v6 a topic
// over the quota is THROTTLING_QUOTA_EXCEEDED, before v6 it is created and the response throttled.
import { apis } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { ConfigSource } from '../config/broker-config.js';
import type { CreateTopicSpec } from '../topics/topic-service.js';
import { ZERO_UUID, topicIdToWire } from '../topics/topic-ids.js';
import { authorize, permitted } from './authorize.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';
import { mutationQuotaFor, THROTTLED } from './mutation-quota.js';

/** Kafka's sum (validateTotalNumberOfPartitions): -1 counts the default, explicit assignments their length. */
function requestedPartitions(topics: readonly { numPartitions: number; assignments: readonly unknown[] }[], defaultPartitions: number): number {
  let total = 0;
  for (const t of topics) {
    if (t.assignments.length > 0) total += t.assignments.length;
    else if (t.numPartitions === -1) total += defaultPartitions;
    else if (t.numPartitions > 0) total += t.numPartitions;
  }
  return total;
}

const TIMED_OUT = Symbol('timed-out');

/** `work`'s value, or TIMED_OUT once `timeoutMs` passes first (timeoutMs <= 0: no deadline). */
async function withinTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T | typeof TIMED_OUT> {
  if (timeoutMs <= 0) return work;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs)));
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export default defineHandler({
  api: apis.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  async handle(request, ctx) {
    const { broker } = ctx;
    const maxPerRequest = broker.config.getNumber('brook.max.partitions.per.request');
    if (requestedPartitions(request.topics, broker.config.getNumber('num.partitions')) > maxPerRequest) {
      const errorMessage = 'Excessively large number of partitions per request.';
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({ name: t.name, topicId: ZERO_UUID, numPartitions: -1, replicationFactor: -1, configs: null, topicConfigErrorCode: ErrorCode.NONE, errorCode: ErrorCode.POLICY_VIOLATION, errorMessage })),
      };
    }
    const seen = new Map<string, number>();
    for (const t of request.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const quota = mutationQuotaFor(ctx, 6);
    const results = await Promise.all(
      request.topics.map(async (t) => {
        const configs: Record<string, string> = {};
        for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
        const spec: CreateTopicSpec = {
          name: t.name,
          numPartitions: t.numPartitions,
          replicationFactor: t.replicationFactor,
          configs,
          assignments: t.assignments.map((a) => ({ partitionIndex: a.partitionIndex, brokerIds: a.brokerIds })),
        };
        // A refused topic has an empty config list (v5+), as Kafka answers, not a null one.
        const base = { name: t.name, topicId: ZERO_UUID, numPartitions: -1, replicationFactor: -1, configs: [], topicConfigErrorCode: ErrorCode.NONE };
        if ((seen.get(t.name) ?? 0) > 1) {
          return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Create topics request from client contains the topic '${t.name}' more than once` };
        }
        // ACLs: CREATE on the cluster or on the topic (KafkaApis.handleCreateTopicsRequest).
        if (!permitted(ctx, AclOperation.CREATE, 'cluster', CLUSTER_RESOURCE_NAME) && !authorize(ctx, AclOperation.CREATE, 'topic', t.name)) {
          return { ...base, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Authorization failed.' };
        }
        const invalid = broker.topics.validate(spec);
        if (invalid) return { ...base, errorCode: invalid.errorCode, errorMessage: invalid.errorMessage };
        const partitions = broker.topics.partitionsFor(spec);
        const described = {
          numPartitions: partitions,
          replicationFactor: 1,
          configs: broker.config.resolveAllTopic(configs).map((r) => ({
            name: r.name,
            value: r.value,
            readOnly: false,
            configSource: ConfigSource[r.source],
            isSensitive: r.definition.type === 'PASSWORD',
          })),
        };
        if (!quota.record(partitions)) return { ...base, ...THROTTLED };
        if (request.validateOnly) return { ...base, ...described, errorCode: ErrorCode.NONE, errorMessage: null };
        const outcome = await withinTimeout(broker.topics.create(spec), request.timeoutMs);
        if (outcome === TIMED_OUT) {
          return { ...base, errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: `Creating topic '${t.name}' did not finish within ${request.timeoutMs} ms; it goes on in the background.` };
        }
        if (!outcome.topic) return { ...base, errorCode: outcome.errorCode, errorMessage: outcome.errorMessage };
        return { ...base, ...described, topicId: topicIdToWire(outcome.topic.topicId), errorCode: ErrorCode.NONE, errorMessage: null };
      }),
    );
    return { throttleTimeMs: quota.throttleTimeMs(), topics: results };
  },
});
