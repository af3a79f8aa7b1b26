// OffsetFetch (key 9). v0-7 ask for one group; v8+ for many (KIP-709), each answered on its own.
// v2+ may ask for every partition the group committed (topics null) and carry a group-level error;
// v5+ leader epochs; v7+ requireStable (no transactional offsets exist yet, so every offset is
// stable); v9 member id/epoch are for KIP-848 consumer groups and ignored for classic groups.
// A partition without a commit answers offset -1, leader epoch -1, metadata "".
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import type { FetchedOffset } from '../groups/committed-offsets.js';
import { groupByTopic } from '../groups/topic-grouping.js';
import type { BrokerState } from '../broker-state.js';
import { defineHandler } from './handler.js';

type Wanted = readonly { name: string; partitionIndexes: readonly number[] }[] | null;

function fetchGroup(broker: BrokerState, groupId: string, topics: Wanted): { errorCode: number; offsets: FetchedOffset[] } {
  if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, offsets: [] };
  const wanted = topics === null ? null : topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes }));
  return { errorCode: ErrorCode.NONE, offsets: broker.groups.offsets.fetch(groupId, wanted) };
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
          const r = fetchGroup(ctx.broker, g.groupId, g.topics);
          return { groupId: g.groupId, errorCode: r.errorCode, topics: byTopic(r.offsets, ErrorCode.NONE) };
        }),
      };
    }
    const r = fetchGroup(ctx.broker, request.groupId, v >= 2 ? request.topics : (request.topics ?? []));
    // v0-1 have no group-level error: it goes on every partition.
    return { throttleTimeMs: 0, errorCode: r.errorCode, topics: byTopic(r.offsets, v < 2 ? r.errorCode : ErrorCode.NONE) };
  },
});
