// ConsumerGroupDescribe (KIP-848) of one group: epochs, state, the assignor in use and, per member,
// its epoch, subscription, current assignment (assigned plus pending revocation) and target. Topics
// are listed by id and name; a topic deleted since is left out, as Kafka leaves it out.
import { ErrorCode } from '../../../protocol/errors.js';
import type { Assignment, AssignmentWithEpochs } from './assignment.js';
import type { ConsumerGroup } from './consumer-group.js';
import { usesClassicProtocol } from './consumer-member.js';
import type { TopicsView } from './topic-metadata.js';

export interface DescribedTopicPartitions {
  topicId: string;
  topicName: string;
  partitions: number[];
}

export interface DescribedConsumerMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  memberEpoch: number;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  assignment: { topicPartitions: DescribedTopicPartitions[] };
  targetAssignment: { topicPartitions: DescribedTopicPartitions[] };
  /** 0: classic protocol, 1: consumer protocol. */
  memberType: number;
}

export interface DescribedConsumerGroup {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  members: DescribedConsumerMember[];
}

function listed(parts: readonly (Assignment | AssignmentWithEpochs)[], topics: TopicsView): DescribedTopicPartitions[] {
  const byTopic = new Map<string, Set<number>>();
  for (const a of parts) {
    for (const [topicId, ps] of a) {
      let s = byTopic.get(topicId);
      if (!s) byTopic.set(topicId, (s = new Set()));
      for (const p of ps.keys()) s.add(p);
    }
  }
  const out: DescribedTopicPartitions[] = [];
  for (const [topicId, ps] of byTopic) {
    const meta = topics.byId(topicId);
    if (meta) out.push({ topicId, topicName: meta.name, partitions: [...ps].sort((a, b) => a - b) });
  }
  return out.sort((a, b) => (a.topicName < b.topicName ? -1 : a.topicName > b.topicName ? 1 : 0));
}

export function notFound(groupId: string, message: string): DescribedConsumerGroup {
  return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: message, groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [] };
}

export function describeConsumerGroup(group: ConsumerGroup, defaultAssignor: string, topics: TopicsView): DescribedConsumerGroup {
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    groupId: group.groupId,
    groupState: group.state,
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    assignorName: group.preferredServerAssignor() ?? defaultAssignor,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      memberEpoch: m.memberEpoch,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: [...m.subscribedTopicNames],
      subscribedTopicRegex: m.subscribedTopicRegex,
      assignment: { topicPartitions: listed([m.assignedPartitions, m.partitionsPendingRevocation], topics) },
      targetAssignment: { topicPartitions: listed([group.targetAssignment.get(m.memberId) ?? new Map()], topics) },
      memberType: usesClassicProtocol(m) ? 0 : 1,
    })),
  };
}
