// Computes a group's target assignment for a new group epoch (Kafka's TargetAssignmentBuilder): the
// group's members with one added or updated (a static member replacing its old incarnation inherits
// its target), each with the topic ids it subscribes to (names plus its regex's resolution), run
// through the group's assignor. Returns the records to write: the target of each member whose target
// changed, then the target metadata (assignment epoch and when it was computed).
import { sameAssignment, type Assignment } from './assignment.js';
import type { PartitionAssignor } from './assignors/assignor.js';
import type { ConsumerGroup } from './consumer-group.js';
import type { ConsumerMember } from './consumer-member.js';
import type { ConsumerGroupRecord } from './consumer-records.js';
import { describer, topicIdsOf, type TopicsView } from './topic-metadata.js';

export interface TargetAssignmentResult {
  records: ConsumerGroupRecord[];
  targets: Map<string, Assignment>;
}

export function computeTargetAssignment(
  group: ConsumerGroup,
  groupEpoch: number,
  updated: ConsumerMember | undefined,
  assignor: PartitionAssignor,
  topics: TopicsView,
  now: number,
): TargetAssignmentResult {
  const members = new Map(group.members);
  const targets = new Map(group.targetAssignment);
  if (updated) {
    const previousId = group.staticMemberId(updated.instanceId);
    if (previousId !== undefined && previousId !== updated.memberId) {
      const inherited = targets.get(previousId);
      if (inherited) targets.set(updated.memberId, inherited);
      members.delete(previousId);
      targets.delete(previousId);
    }
    members.set(updated.memberId, updated);
  }
  const specs = [...members.values()].map((m) => ({
    memberId: m.memberId,
    instanceId: m.instanceId,
    rackId: m.rackId,
    topicIds: topicIdsOf(group.memberTopics(m), topics),
    current: targets.get(m.memberId) ?? new Map(),
  }));
  const next = assignor.assign(specs, describer(topics));
  const records: ConsumerGroupRecord[] = [];
  const result = new Map<string, Assignment>();
  for (const spec of specs) {
    const target = next.get(spec.memberId) ?? new Map<string, Set<number>>();
    result.set(spec.memberId, target);
    const old = targets.get(spec.memberId);
    if (!old || !sameAssignment(old, target)) records.push({ type: 'target-member', groupId: group.groupId, memberId: spec.memberId, value: target });
  }
  records.push({ type: 'target-metadata', groupId: group.groupId, value: { assignmentEpoch: groupEpoch, assignmentTimestamp: now } });
  return { records, targets: result };
}
