// Consumer-group lag as Kafka's tools compute it: for every partition the group has committed
// an offset for, lag = log end offset - committed offset (never below zero), with the member
// currently assigned the partition (if any). Used by the gateway's v3 lag routes and /metrics.
import type { Admin } from '@platformatic/kafka';
import { describeConsumerGroup } from './consumer-group-admin.js';
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

/** A described group and its protocol: "classic" (JoinGroup/SyncGroup) or "consumer" (KIP-848). */
export type AnyGroupInfo = GroupInfo & { type: 'classic' | 'consumer' };

export interface GroupLag {
  group: AnyGroupInfo;
  partitions: PartitionLag[];
}

export interface ListedGroup {
  id: string;
  state: string;
  /** ListGroups v5's group type (KIP-848): "classic" or "consumer". */
  type: string;
  protocolType: string;
}

/**
 * Names and states of every consumer group the cluster knows: classic groups and KIP-848 consumer
 * groups. ListGroups v5 (KIP-848) filters by type and @platformatic/kafka asks for classic groups
 * only unless told otherwise, which hid every group of a `group.protocol=consumer` client. Share
 * groups (KIP-932) are not consumer groups (they commit no offsets); the console lists them apart.
 */
export async function listGroups(admin: Admin): Promise<ListedGroup[]> {
  const groups = await admin.listGroups({ types: ['classic', 'consumer'] });
  return [...groups.values()]
    .map((g) => ({ id: g.id, state: g.state, type: g.groupType || 'classic', protocolType: g.protocolType }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * A consumer group of either protocol. DescribeGroups describes classic groups only (Kafka answers a
 * KIP-848 group as Dead, or GROUP_ID_NOT_FOUND from v6); such a group is then described with
 * ConsumerGroupDescribe and shown in the same shape: protocol type "consumer", the server-side
 * assignor as the protocol, each member's current assignment.
 */
export async function describeAnyGroup(admin: Admin, groupId: string): Promise<AnyGroupInfo> {
  const classic = { ...(await describeGroupLeniently(admin, groupId)), type: 'classic' as const };
  if (classic.errorCode === 0 && !(classic.state === 'Dead' && classic.members.length === 0)) return classic;
  const modern = await describeConsumerGroup(admin, groupId);
  if (!modern) return classic;
  return {
    id: groupId,
    type: 'consumer',
    errorCode: 0,
    state: modern.state,
    protocolType: 'consumer',
    protocol: modern.assignor,
    members: modern.members.map((m) => ({
      id: m.memberId,
      groupInstanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      topics: m.subscribedTopicNames,
      assignment: m.assignment,
    })),
  };
}

export async function groupLag(admin: Admin, groupId: string): Promise<GroupLag> {
  const [group, committed] = await Promise.all([describeAnyGroup(admin, groupId), committedOffsets(admin, groupId)]);
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
