// KIP-848 consumer-group administration over the wire (ConsumerGroupDescribe, which @platformatic/kafka
// 1.x has no API for), for `brook group describe`: the group's epochs and assignor, and per member its
// epoch, protocol (consumer or classic), subscription, current and target assignment.
import type { Admin } from '@platformatic/kafka';
import { apis } from '../protocol/messages/index.js';
import { connectionTo, findGroupCoordinator, sendRequest } from './share-wire.js';

const GROUP_ID_NOT_FOUND = 69;

export interface ConsumerGroupMemberInfo {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  memberEpoch: number;
  /** "consumer" (ConsumerGroupHeartbeat) or "classic" (JoinGroup, during a migration). */
  protocol: 'consumer' | 'classic';
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  assignment: { topic: string; partitions: number[] }[];
  targetAssignment: { topic: string; partitions: number[] }[];
}

export interface ConsumerGroupInfo {
  groupId: string;
  state: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignor: string;
  members: ConsumerGroupMemberInfo[];
}

type Listed = readonly { topicName: string; partitions: number[] }[];

function byTopic(list: Listed): { topic: string; partitions: number[] }[] {
  return list.map((t) => ({ topic: t.topicName, partitions: [...t.partitions].sort((a, b) => a - b) })).sort((a, b) => a.topic.localeCompare(b.topic));
}

/** The KIP-848 consumer group `groupId`, or null when none has that id (a classic group, or a broker without KIP-848). */
export async function describeConsumerGroup(admin: Admin, groupId: string): Promise<ConsumerGroupInfo | null> {
  let node: number;
  try {
    node = await findGroupCoordinator(admin, groupId);
  } catch {
    return null;
  }
  const c = await connectionTo(admin, node);
  let described;
  try {
    described = (await sendRequest(c, apis.ConsumerGroupDescribe, 0, { groupIds: [groupId], includeAuthorizedOperations: false })).groups[0];
  } catch {
    // A broker without KIP-848 (no ConsumerGroupDescribe): the group can only be a classic one.
    return null;
  }
  if (!described || described.errorCode === GROUP_ID_NOT_FOUND || described.errorCode !== 0) return null;
  return {
    groupId,
    state: described.groupState,
    groupEpoch: described.groupEpoch,
    assignmentEpoch: described.assignmentEpoch,
    assignor: described.assignorName,
    members: described.members.map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberEpoch: m.memberEpoch,
      protocol: m.memberType === 0 ? 'classic' : 'consumer',
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex === '' ? null : m.subscribedTopicRegex,
      assignment: byTopic(m.assignment.topicPartitions),
      targetAssignment: byTopic(m.targetAssignment.topicPartitions),
    })),
  };
}
