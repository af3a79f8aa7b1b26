// Online migration between the classic protocol and KIP-848 (Kafka's GroupMetadataManager
// convertToConsumerGroup / convertToClassicGroup), governed by group.consumer.migration.policy:
//
//   upgrade    a non-empty classic group whose members use the consumer embedded protocol becomes a
//              consumer group when the first member joins with ConsumerGroupHeartbeat. Its members
//              stay, as classic-protocol members of the consumer group, each at the group's generation
//              as member epoch, owning what the last SyncGroup gave it (which is also its target).
//   downgrade  a consumer group whose remaining members all use the classic protocol becomes a classic
//              group again when its last consumer-protocol member leaves (or a static classic member
//              replaces it); the classic group starts Stable at the group epoch with each member's
//              target assignment, then rebalances.
//
// Empty groups convert either way whatever the policy. Offsets are keyed by group id in
// __consumer_offsets and are untouched by either conversion. Both return the records of the new group
// together with the tombstones of the old one, written in one batch by the operation.
import { ErrorCode } from '../../../protocol/errors.js';
import { ClassicGroup } from '../classic-group.js';
import { GroupMember } from '../member.js';
import { encodeGroupKey, encodeGroupValue } from '../offsets-record-codec.js';
import { withEpoch } from './assignment.js';
import { ConsumerGroup } from './consumer-group.js';
import { MemberState, newMember, normalizeTopicNames, withChanges, type ConsumerMember } from './consumer-member.js';
import { decodeAssignment, decodeSubscription, encodeAssignment, protocolVersion } from './consumer-protocol.js';
import type { ConsumerGroupRecord } from './consumer-records.js';
import { GroupError } from './group-error.js';
import { metadataHash, type TopicsView } from './topic-metadata.js';
import { memberMetadataRecord, currentAssignmentRecord } from './member-records.js';

/** The records that build a consumer group equal to `classic` (after a GroupMetadata tombstone). */
export function consumerGroupFromClassic(classic: ClassicGroup, topics: TopicsView, now: number): { group: ConsumerGroup; records: ConsumerGroupRecord[] } {
  const groupId = classic.groupId;
  const generation = classic.generationId;
  const members: ConsumerMember[] = [];
  const targets = new Map<string, ReturnType<typeof decodeAssignment>['assignment']>();
  for (const m of classic.members.values()) {
    const metadata = classic.protocolName !== null ? m.metadataFor(classic.protocolName) : (m.protocols[0]?.metadata ?? Buffer.alloc(0));
    let subscription;
    let assigned;
    try {
      subscription = decodeSubscription(metadata);
      assigned = decodeAssignment(m.assignment, topics);
    } catch (e) {
      throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Cannot upgrade classic group ${groupId} to consumer group because the embedded consumer protocol is malformed: ${String(e)}.`);
    }
    if (assigned.hasUserData) {
      throw new GroupError(
        ErrorCode.GROUP_ID_NOT_FOUND,
        `Cannot upgrade classic group ${groupId} to consumer group because an unsupported custom assignor is in use. Please refer to the documentation or switch to a default assignor before re-attempting the upgrade.`,
      );
    }
    targets.set(m.memberId, assigned.assignment);
    members.push(
      withChanges(newMember(m.memberId), {
        memberEpoch: generation,
        previousMemberEpoch: generation,
        state: MemberState.STABLE,
        instanceId: m.groupInstanceId,
        rackId: subscription.rackId,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        clientId: m.clientId,
        clientHost: m.clientHost,
        subscribedTopicNames: normalizeTopicNames(subscription.topics),
        assignedPartitions: withEpoch(assigned.assignment, generation),
        classicMemberMetadata: { sessionTimeoutMs: m.sessionTimeoutMs, supportedProtocols: m.protocols.map((p) => ({ name: p.name, metadata: p.metadata })) },
      }),
    );
  }
  const subscribed = new Set(members.flatMap((m) => m.subscribedTopicNames));
  const records: ConsumerGroupRecord[] = [];
  for (const m of members) records.push(memberMetadataRecord(groupId, m));
  records.push({ type: 'group-epoch', groupId, value: { epoch: generation, metadataHash: metadataHash(subscribed, topics) } });
  for (const m of members) records.push({ type: 'target-member', groupId, memberId: m.memberId, value: targets.get(m.memberId)! });
  records.push({ type: 'target-metadata', groupId, value: { assignmentEpoch: generation, assignmentTimestamp: 0 } });
  for (const m of members) records.push(currentAssignmentRecord(groupId, m));
  const group = new ConsumerGroup(groupId, now);
  for (const r of records) group.replay(r);
  return { group, records };
}

/** Tombstones of every record of a consumer group; `renamed` maps a leaving static member id to its successor's. */
export function consumerGroupTombstones(group: ConsumerGroup, renamed?: { from: string; to: string }): ConsumerGroupRecord[] {
  const groupId = group.groupId;
  const ids = [...group.members.keys()].map((id) => (renamed && id === renamed.from ? renamed.to : id));
  const records: ConsumerGroupRecord[] = [];
  for (const memberId of ids) records.push({ type: 'current-assignment', groupId, memberId, value: null });
  for (const memberId of ids) records.push({ type: 'target-member', groupId, memberId, value: null });
  records.push({ type: 'target-metadata', groupId, value: null });
  for (const memberId of ids) records.push({ type: 'member-metadata', groupId, memberId, value: null });
  for (const regex of group.resolvedRegexes.keys()) records.push({ type: 'regex', groupId, regex, value: null });
  records.push({ type: 'partition-metadata', groupId, present: false });
  records.push({ type: 'group-epoch', groupId, value: null });
  return records;
}

/**
 * The classic group a consumer group becomes when `leaving` members go (and `joining`, a static classic
 * member, replaces the member holding its instance id), with its GroupMetadata record.
 */
export function classicGroupFromConsumer(
  group: ConsumerGroup,
  leaving: readonly ConsumerMember[],
  joining: ConsumerMember | null,
  topics: TopicsView,
  now: number,
): { classic: ClassicGroup; record: { key: Buffer; value: Buffer } } {
  const classic = new ClassicGroup(group.groupId, now);
  classic.generationId = group.groupEpoch;
  const leavingIds = new Set(leaving.map((m) => m.memberId));
  const replaced = joining ? group.staticMember(joining.instanceId) : undefined;
  const targetOf = new Map<string, string>();
  const toClassic = (m: ConsumerMember): GroupMember =>
    new GroupMember({
      memberId: m.memberId,
      groupInstanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      sessionTimeoutMs: m.classicMemberMetadata!.sessionTimeoutMs,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      protocolType: 'consumer',
      protocols: m.classicMemberMetadata!.supportedProtocols.map((p) => ({ name: p.name, metadata: p.metadata })),
    });
  for (const m of group.members.values()) {
    if (leavingIds.has(m.memberId) || (replaced && m.memberId === replaced.memberId)) continue;
    classic.add(toClassic(m));
    targetOf.set(m.memberId, m.memberId);
  }
  if (joining) {
    classic.add(toClassic(joining));
    targetOf.set(joining.memberId, replaced?.memberId ?? joining.memberId);
  }
  classic.protocolName = classic.selectProtocol();
  for (const m of classic.members.values()) {
    const metadata = m.metadataFor(classic.protocolName);
    let version = 0;
    try {
      version = protocolVersion(metadata);
    } catch {
      throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Cannot downgrade the consumer group ${group.groupId}: malformed consumer protocol metadata.`);
    }
    m.assignment = encodeAssignment(group.targetFor(targetOf.get(m.memberId)!), topics, version);
  }
  classic.state = 'Stable';
  classic.currentStateTimestamp = now;
  return { classic, record: { key: encodeGroupKey(group.groupId), value: encodeGroupValue(classic.toRecord()) } };
}
