// OffsetFetch (key 9). v0-7 ask for one group; v8+ for many (KIP-709), each answered on its own.
// v2+ may ask for every partition the group committed (topics null) and carry a group-level error;
// v5+ leader epochs; v7+ requireStable (KIP-447): a requested partition with a transactional offset
// still waiting for its marker (groups/txn-offsets.ts) answers UNSTABLE_OFFSET_COMMIT and offset -1,
// so the consumer retries instead of starting from an offset the transaction may abort; as in Kafka,
// "all partitions" (topics null) is answered from committed offsets without that check. v9+ a member of
// a KIP-848 consumer group names itself by member id and epoch, which must be current
// (UNKNOWN_MEMBER_ID, STALE_MEMBER_EPOCH as the group error); classic groups ignore them.
// A partition without a commit answers offset -1, leader epoch -1, metadata "".
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import type { FetchedOffset } from '../groups/committed-offsets.js';
import { groupByTopic } from '../groups/topic-grouping.js';
import type { BrokerState } from '../broker-state.js';
import { authorize, authorizedNames, permitted } from './authorize.js';
import type { RequestContext } from './handler.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

type Wanted = readonly { name: string; partitionIndexes: readonly number[] }[] | null;

/**
 * DESCRIBE on each topic (KafkaApis.handleOffsetFetchRequest): a named topic refused answers
 * TOPIC_AUTHORIZATION_FAILED on its partitions; "every partition" leaves refused topics out.
 */
function fetchAuthorized(ctx: RequestContext, groupId: string, topics: Wanted, requireStable: boolean, member?: { id: string | null; epoch: number }): { errorCode: number; offsets: FetchedOffset[] } {
  if (topics === null) {
    const r = fetchGroup(ctx.broker, groupId, null, requireStable, member);
    return { ...r, offsets: r.offsets.filter((o) => permitted(ctx, AclOperation.DESCRIBE, 'topic', o.topic)) };
  }
  const described = authorizedNames(ctx, AclOperation.DESCRIBE, 'topic', topics.map((t) => t.name));
  const r = fetchGroup(ctx.broker, groupId, topics.filter((t) => described.has(t.name)), requireStable, member);
  if (r.errorCode !== ErrorCode.NONE) return r;
  const refused = topics.filter((t) => !described.has(t.name)).flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })));
  return { errorCode: r.errorCode, offsets: [...r.offsets, ...refused] };
}

function fetchGroup(broker: BrokerState, groupId: string, topics: Wanted, requireStable: boolean, member: { id: string | null; epoch: number } = { id: null, epoch: -1 }): { errorCode: number; offsets: FetchedOffset[] } {
  if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, offsets: [] };
  const memberError = broker.groups.offsets.fetchError(groupId, member.id, member.epoch);
  if (memberError !== ErrorCode.NONE) return { errorCode: memberError, offsets: [] };
  const wanted = topics === null ? null : topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes }));
  const offsets = broker.groups.offsets.fetch(groupId, wanted);
  if (!requireStable || wanted === null) return { errorCode: ErrorCode.NONE, offsets };
  const txn = broker.groups.txnOffsets;
  return { errorCode: ErrorCode.NONE, offsets: offsets.map((o) => (txn.isPending(groupId, o.topic, o.partition) ? unstable(o) : o)) };
}

/** Kafka's answer for a partition with a pending transactional commit (GroupMetadataManager.getOffsets). */
function unstable(o: FetchedOffset): FetchedOffset {
  return { ...o, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT };
}

function byTopic(offsets: readonly FetchedOffset[], errorCode: number) {
  return groupByTopic(offsets).map(({ topic, items }) => ({
    name: topic,
    partitions: items.map((o) => ({
      partitionIndex: o.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: o.leaderEpoch,
      metadata: o.metadata,
      errorCode: errorCode !== ErrorCode.NONE ? errorCode : o.errorCode,
    })),
  }));
}

export default defineHandler({
  api: apis.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  handle(request, ctx) {
    const v = ctx.header.apiVersion;
    if (v >= 8) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map((g) => {
          // ACLs: DESCRIBE on the group (KafkaApis.handleOffsetFetchRequest).
          if (!authorize(ctx, AclOperation.DESCRIBE, 'group', g.groupId)) return { groupId: g.groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics: [] };
          const r = fetchAuthorized(ctx, g.groupId, g.topics, request.requireStable, v >= 9 ? { id: g.memberId, epoch: g.memberEpoch } : undefined);
          return { groupId: g.groupId, errorCode: r.errorCode, topics: byTopic(r.offsets, ErrorCode.NONE) };
        }),
      };
    }
    if (!authorize(ctx, AclOperation.DESCRIBE, 'group', request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics: [] };
    const r = fetchAuthorized(ctx, request.groupId, v >= 2 ? request.topics : (request.topics ?? []), request.requireStable);
    // v0-1 have no group-level error: it goes on every partition.
    return { throttleTimeMs: 0, errorCode: r.errorCode, topics: byTopic(r.offsets, v < 2 ? r.errorCode : ErrorCode.NONE) };
  },
});
