// Share-group administration over the wire (KIP-932's ShareGroupDescribe and
// DescribeShareGroupOffsets, which @platformatic/kafka 1.x has no API for), for `brook group
// describe`: members with their assignments, and per partition the start offset, the lag and --
// from Brook's tagged-field extension, absent on Kafka -- the records in flight.
import type { Admin } from '@platformatic/kafka';
import { describeShareGroupOffsetsWithInFlight } from '../protocol/extensions/share-in-flight.js';
import { apis } from '../protocol/messages/index.js';
import { connectionTo, findGroupCoordinator, sendRequest } from './share-wire.js';

const GROUP_ID_NOT_FOUND = 69;

export interface ShareGroupPartitionInfo {
  topic: string;
  partition: number;
  startOffset: bigint;
  /** KIP-1226: records between the start offset and the high watermark not yet done; -1 if unknown. */
  lag: bigint;
  /** Records locked to a consumer now (Brook only; null on Kafka). */
  acquired: number | null;
  /** Records in the window waiting to be delivered again (Brook only; null on Kafka). */
  available: number | null;
}

export interface ShareGroupInfo {
  groupId: string;
  state: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignor: string;
  members: { memberId: string; clientId: string; clientHost: string; memberEpoch: number; assignment: { topic: string; partitions: number[] }[] }[];
  partitions: ShareGroupPartitionInfo[];
}

/** The share group `groupId`, or null when no share group has that id. */
export async function describeShareGroup(admin: Admin, groupId: string): Promise<ShareGroupInfo | null> {
  let node: number;
  try {
    node = await findGroupCoordinator(admin, groupId);
  } catch {
    return null;
  }
  const c = await connectionTo(admin, node);
  const described = (await sendRequest(c, apis.ShareGroupDescribe, 1, { groupIds: [groupId], includeAuthorizedOperations: false })).groups[0];
  if (!described || described.errorCode === GROUP_ID_NOT_FOUND || described.errorCode !== 0) return null;
  const offsets = await sendRequest(c, describeShareGroupOffsetsWithInFlight, 1, { groups: [{ groupId, topics: null }] });
  const inFlight = new Map((offsets.inFlight ?? []).map((f) => [`${f.topicId}:${f.partition}`, f]));
  const partitions: ShareGroupPartitionInfo[] = [];
  for (const t of offsets.groups[0]?.topics ?? []) {
    for (const p of t.partitions) {
      const f = inFlight.get(`${t.topicId}:${p.partitionIndex}`);
      partitions.push({ topic: t.topicName, partition: p.partitionIndex, startOffset: p.startOffset, lag: p.lag, acquired: f?.acquired ?? null, available: f?.available ?? null });
    }
  }
  return {
    groupId,
    state: described.groupState,
    groupEpoch: described.groupEpoch,
    assignmentEpoch: described.assignmentEpoch,
    assignor: described.assignorName,
    members: described.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberEpoch: m.memberEpoch,
      assignment: m.assignment.topicPartitions.map((tp) => ({ topic: tp.topicName, partitions: [...tp.partitions].sort((a, b) => a - b) })),
    })),
    partitions: partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
  };
}
