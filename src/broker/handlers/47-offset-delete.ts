// OffsetDelete (key 47, KIP-496): removes committed offsets of partitions the group does not consume
// (GROUP_SUBSCRIBED_TO_TOPIC for those it does); a group with members of a non-consumer protocol is
// NON_EMPTY_GROUP; tombstones are fsynced before the answer.
import { apis } from '../../protocol/messages/index.js';
import { groupByTopic } from '../groups/topic-grouping.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const wanted = request.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })));
    const r = await ctx.broker.groups.offsets.delete(request.groupId, wanted);
    return {
      errorCode: r.errorCode,
      throttleTimeMs: 0,
      topics: groupByTopic(r.partitions).map(({ topic, items }) => ({
        name: topic,
        partitions: items.map((p) => ({ partitionIndex: p.partition, errorCode: p.errorCode })),
      })),
    };
  },
});
