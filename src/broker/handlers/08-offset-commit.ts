// OffsetCommit (key 8). v0 commits without a generation (simple consumers); v1+ name the member and
// generation (checked as Kafka does, see classic-group.ts offsetCommitError); v1 alone carries a
// per-partition commit timestamp; v2-4 a retention time (ignored: offsets.retention.minutes rules,
// as in Kafka 2.1+); v6+ the leader epoch; v7+ group.instance.id (KIP-345); v9+ KIP-848 members
// send their member epoch where the generation was (consumer groups check it: STALE_MEMBER_EPOCH),
// and a member of a group that does not exist is GROUP_ID_NOT_FOUND. Answered once the records are
// fsynced in __consumer_offsets.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import type { CommitPartition } from '../groups/committed-offsets.js';
import { groupByTopic } from '../groups/topic-grouping.js';
import { authorize } from './authorize.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    // ACLs (KafkaApis.handleOffsetCommitRequest): READ on the group, else GROUP_AUTHORIZATION_FAILED for
    // every partition; READ on each topic, else TOPIC_AUTHORIZATION_FAILED for its partitions.
    const groupDenied = !authorize(ctx, AclOperation.READ, 'group', request.groupId);
    const deniedTopics = request.topics.filter((t) => groupDenied || !authorize(ctx, AclOperation.READ, 'topic', t.name));
    const refused = deniedTopics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: groupDenied ? ErrorCode.GROUP_AUTHORIZATION_FAILED : ErrorCode.TOPIC_AUTHORIZATION_FAILED })),
    }));
    const partitions: CommitPartition[] = [];
    for (const t of request.topics) {
      if (deniedTopics.includes(t)) continue;
      for (const p of t.partitions) {
        partitions.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata: p.committedMetadata,
          commitTimestamp: Number(p.commitTimestamp),
        });
      }
    }
    if (partitions.length === 0 && refused.length > 0) return { throttleTimeMs: 0, topics: refused };
    const results = await ctx.broker.groups.offsets.commit({
      groupId: request.groupId,
      generationId: request.generationIdOrMemberEpoch,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      partitions,
      apiVersion: ctx.header.apiVersion,
    });
    return {
      throttleTimeMs: 0,
      topics: [
        ...refused,
        ...groupByTopic(results).map(({ topic, items }) => ({
          name: topic,
          partitions: items.map((r) => ({ partitionIndex: r.partition, errorCode: r.errorCode })),
        })),
      ],
    };
  },
});
