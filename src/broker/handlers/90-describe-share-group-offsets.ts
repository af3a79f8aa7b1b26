// DescribeShareGroupOffsets (key 90, v0-1; KIP-932, v1 adds Lag (KIP-1226)): each share-partition's
// start offset (and lag) for the groups asked (groups/share/share-offsets-admin.ts). The response
// also carries Brook's in-flight counts in a tagged field Kafka clients skip
// (protocol/extensions/share-in-flight.ts), for `brook group describe`.
import { describeShareGroupOffsetsWithInFlight, type ShareInFlight } from '../../protocol/extensions/share-in-flight.js';
import { describeOffsets } from '../groups/share/share-offsets-admin.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: describeShareGroupOffsetsWithInFlight,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const shares = ctx.broker.shareGroups;
    const inFlight: ShareInFlight[] = [];
    const groups = request.groups.map((g) => {
      const described = describeOffsets(ctx.broker, shares, g.groupId, g.topics);
      for (const t of described.topics) {
        for (const p of t.partitions) {
          const stats = shares.engine.stats({ groupId: g.groupId, topicId: t.topicId, partition: p.partitionIndex });
          if (stats) inFlight.push({ groupId: g.groupId, topicId: t.topicId, partition: p.partitionIndex, acquired: stats.acquired, available: stats.available, endOffset: BigInt(stats.endOffset) });
        }
      }
      return { groupId: g.groupId, ...described };
    });
    return { throttleTimeMs: 0, groups, inFlight };
  },
});
