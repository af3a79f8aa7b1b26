// DescribeShareGroupOffsets (key 90, v0-1; KIP-932, v1 adds Lag (KIP-1226)): each share-partition's
// start offset (and lag) for the groups asked (groups/share/share-offsets-admin.ts). The response
// also carries Brook's in-flight counts in a tagged field Kafka clients skip
// (protocol/extensions/share-in-flight.ts), for `brook group describe`.
import { describeShareGroupOffsetsWithInFlight, type ShareInFlight } from '../../protocol/extensions/share-in-flight.js';
import { describeOffsets } from '../groups/share/share-offsets-admin.js';
import { ErrorCode } from '../../protocol/errors.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { ZERO_UUID } from '../topics/topic-ids.js';
import { authorize, permitted } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: describeShareGroupOffsetsWithInFlight,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const shares = ctx.broker.shareGroups;
    const inFlight: ShareInFlight[] = [];
    const groups = request.groups.map((g) => {
      // DESCRIBE on the group, then DESCRIBE on each topic: a named topic refused is answered
      // TOPIC_AUTHORIZATION_FAILED, "all topics" lists only those allowed (Kafka 4.x KafkaApis).
      if (!authorize(ctx, AclOperation.DESCRIBE, 'group', g.groupId)) return { groupId: g.groupId, topics: [], errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null };
      const allowed = g.topics?.filter((t) => authorize(ctx, AclOperation.DESCRIBE, 'topic', t.topicName)) ?? null;
      // Nothing allowed: the coordinator is not asked, so an unknown group is not reported either (as Kafka).
      const described = allowed !== null && allowed.length === 0 && g.topics!.length > 0 ? { topics: [] as ReturnType<typeof describeOffsets>['topics'], errorCode: ErrorCode.NONE, errorMessage: null } : describeOffsets(ctx.broker, shares, g.groupId, allowed);
      if (g.topics === null) described.topics = described.topics.filter((t) => permitted(ctx, AclOperation.DESCRIBE, 'topic', t.topicName));
      else {
        for (const t of g.topics) {
          if (allowed?.includes(t) === true) continue;
          const refused = t.partitions.map((partitionIndex) => ({ partitionIndex, startOffset: -1n, leaderEpoch: -1, lag: -1n, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null }));
          described.topics.push({ topicName: t.topicName, topicId: ZERO_UUID, partitions: refused });
        }
      }
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
