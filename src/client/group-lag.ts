// Consumer-group lag as Kafka's tools compute it: for every partition the group has committed
// an offset for, lag = log end offset - committed offset (never below zero), with the member
// currently assigned the partition (if any). Used by the gateway's v3 lag routes and /metrics.
import type { Admin } from '@platformatic/kafka';
import { describeGroupLeniently, type GroupInfo } from './group-members.js';
import { LATEST_TIMESTAMP, committedOffsets, listOffsetsAt } from './offsets.js';

export interface PartitionLag {
  topic: string;
  partition: number;
  committedOffset: bigint;
  logEndOffset: bigint;
  lag: bigint;
  /** The member assigned this partition now, if any. */
  consumerId: string | null;
  instanceId: string | null;
  clientId: string | null;
}

export interface GroupLag {
  group: GroupInfo;
  partitions: PartitionLag[];
}

/** Names and states of every group the cluster knows. */
export async function listGroups(admin: Admin): Promise<{ id: string; state: string; protocolType: string }[]> {
  const groups = await admin.listGroups();
  return [...groups.values()].map((g) => ({ id: g.id, state: g.state, protocolType: g.protocolType })).sort((a, b) => a.id.localeCompare(b.id));
}

export async function groupLag(admin: Admin, groupId: string): Promise<GroupLag> {
  const [group, committed] = await Promise.all([describeGroupLeniently(admin, groupId), committedOffsets(admin, groupId)]);
  const owners = new Map<string, (typeof group.members)[number]>();
  for (const m of group.members) for (const a of m.assignment) for (const p of a.partitions) owners.set(`${a.topic}:${p}`, m);
  const partitions = [...committed.keys()].map((key) => {
    const at = key.lastIndexOf(':');
    return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
  });
  let ends = new Map<string, bigint>();
  try {
    ends = await listOffsetsAt(admin, partitions, LATEST_TIMESTAMP);
  } catch {
    // A committed topic deleted since: its partitions are reported with lag 0 below.
  }
  return {
    group,
    partitions: partitions
      .map(({ topic, partition }) => {
        const key = `${topic}:${partition}`;
        const committedOffset = committed.get(key)!;
        const logEndOffset = ends.get(key) ?? committedOffset;
        const owner = owners.get(key);
        const lag = logEndOffset > committedOffset ? logEndOffset - committedOffset : 0n;
        return { topic, partition, committedOffset, logEndOffset, lag, consumerId: owner?.id ?? null, instanceId: owner?.groupInstanceId ?? null, clientId: owner?.clientId ?? null };
      })
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
  };
}

/**
 * Commits offsets for a group as a "simple" consumer (OffsetCommit with generation -1 and no
 * member id), as Kafka's tools and a Java consumer using assign() do. Kafka accepts it only
 * while the group has no active members.
 */
export async function commitAsSimpleConsumer(admin: Admin, groupId: string, offsets: readonly { topic: string; partition: number; offset: bigint }[]): Promise<void> {
  if (offsets.length === 0) return;
  const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
  for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: o.offset }]);
  await admin.alterConsumerGroupOffsets({ groupId, topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })) });
}
