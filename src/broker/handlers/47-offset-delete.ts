// OffsetDelete (key 47, KIP-496): removes committed offsets of partitions the group does not consume
// (GROUP_SUBSCRIBED_TO_TOPIC for those it does); a group with members of a non-consumer protocol is
// NON_EMPTY_GROUP; tombstones are fsynced before the answer.
import { apis } from '../../protocol/messages/index.js';
import { groupByTopic } from '../groups/topic-grouping.js';
import { ErrorCode } from '../../protocol/errors.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { authorize, authorizedNames } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    // DELETE on the group (refused: a top-level error), then READ on each topic
    // (KafkaApis.handleOffsetDeleteRequest).
    if (!authorize(ctx, AclOperation.DELETE, 'group', request.groupId)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, throttleTimeMs: 0, topics: [] };
    const readable = authorizedNames(ctx, AclOperation.READ, 'topic', request.topics.map((t) => t.name));
    const wanted = request.topics.filter((t) => readable.has(t.name)).flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })));
    const r = await ctx.broker.groups.offsets.delete(request.groupId, wanted);
    const refused = request.topics.filter((t) => !readable.has(t.name)).flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })));
    return {
      errorCode: r.errorCode,
      throttleTimeMs: 0,
      topics: groupByTopic(r.errorCode === ErrorCode.NONE ? [...r.partitions, ...refused] : []).map(({ topic, items }) => ({
        name: topic,
        partitions: items.map((p) => ({ partitionIndex: p.partition, errorCode: p.errorCode })),
      })),
    };
  },
});
