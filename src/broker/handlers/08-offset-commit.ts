// OffsetCommit (key 8). v0 commits without a generation (simple consumers); v1+ name the member and
// generation (checked as Kafka does, see classic-group.ts offsetCommitError); v1 alone carries a
// per-partition commit timestamp; v2-4 a retention time (ignored: offsets.retention.minutes rules,
// as in Kafka 2.1+); v6+ the leader epoch; v7+ group.instance.id (KIP-345); v9+ KIP-848 members
// send their member epoch where the generation was (consumer groups check it: STALE_MEMBER_EPOCH),
// and a member of a group that does not exist is GROUP_ID_NOT_FOUND. Answered once the records are
// fsynced in __consumer_offsets.
import { apis } from '../../protocol/messages/index.js';
import type { CommitPartition } from '../groups/committed-offsets.js';
import { groupByTopic } from '../groups/topic-grouping.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const partitions: CommitPartition[] = [];
    for (const t of request.topics) {
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
      topics: groupByTopic(results).map(({ topic, items }) => ({
        name: topic,
        partitions: items.map((r) => ({ partitionIndex: r.partition, errorCode: r.errorCode })),
      })),
    };
  },
});
