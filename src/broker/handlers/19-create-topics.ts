// CreateTopics (key 19): validate-only, explicit partition counts or replica assignments (one
// node: every replica list must be [this node]), -1 for the broker defaults (v4+), topic
// configs, and (v5+) the created topic's resolved configs in the response.
import { apis } from '../../protocol/messages/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { ConfigSource } from '../config/broker-config.js';
import type { CreateTopicSpec } from '../topics/topic-service.js';
import { ZERO_UUID, topicIdToWire } from '../topics/topic-ids.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  async handle(request, ctx) {
    const { broker } = ctx;
    const seen = new Map<string, number>();
    for (const t of request.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
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
        if (request.validateOnly) return { ...base, ...described, errorCode: ErrorCode.NONE, errorMessage: null };
        const outcome = await broker.topics.create(spec);
        if (!outcome.topic) return { ...base, errorCode: outcome.errorCode, errorMessage: outcome.errorMessage };
        return { ...base, ...described, topicId: topicIdToWire(outcome.topic.topicId), errorCode: ErrorCode.NONE, errorMessage: null };
      }),
    );
    return { throttleTimeMs: 0, topics: results };
  },
});
