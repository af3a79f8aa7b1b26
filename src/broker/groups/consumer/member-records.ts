// The records that describe one member (Kafka's GroupCoordinatorRecordHelpers for members): its
// subscription (ConsumerGroupMemberMetadata) and its reconciliation state (CurrentMemberAssignment).
import type { ConsumerMember } from './consumer-member.js';
import type { ConsumerGroupRecord } from './consumer-records.js';

export function memberMetadataRecord(groupId: string, m: ConsumerMember): ConsumerGroupRecord {
  return {
    type: 'member-metadata',
    groupId,
    memberId: m.memberId,
    value: {
      instanceId: m.instanceId,
      rackId: m.rackId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: [...m.subscribedTopicNames],
      subscribedTopicRegex: m.subscribedTopicRegex,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      serverAssignor: m.serverAssignor,
      classicMemberMetadata: m.classicMemberMetadata,
    },
  };
}

export function currentAssignmentRecord(groupId: string, m: ConsumerMember): ConsumerGroupRecord {
  return {
    type: 'current-assignment',
    groupId,
    memberId: m.memberId,
    value: {
      memberEpoch: m.memberEpoch,
      previousMemberEpoch: m.previousMemberEpoch,
      state: m.state,
      assignedPartitions: m.assignedPartitions,
      partitionsPendingRevocation: m.partitionsPendingRevocation,
    },
  };
}

/** A member leaving: its reconciliation state, target and subscription go, in that order. */
export function memberTombstones(groupId: string, memberId: string): ConsumerGroupRecord[] {
  return [
    { type: 'current-assignment', groupId, memberId, value: null },
    { type: 'target-member', groupId, memberId, value: null },
    { type: 'member-metadata', groupId, memberId, value: null },
  ];
}
