// Incremental reconciliation of one member towards its target assignment (KIP-848, Kafka's
// CurrentAssignmentBuilder). A pure function: member, target and the group's partition ownership in,
// the member's next state out. The heartbeat flow calls it on every heartbeat that may move the member.
//
// The rules that keep a partition from being owned by two members at once:
//   1. Partitions leaving the member are revoked first: the member enters UNREVOKED_PARTITIONS at its
//      current epoch and gets nothing new until a heartbeat shows it no longer owns them.
//   2. A partition still owned by another member (its partition epoch is set, and it is not merely
//      pending revocation from this very member) is withheld: the member goes to the target epoch in
//      UNRELEASED_PARTITIONS and receives it on a later heartbeat, once the owner released it.
//   3. Only then is the member STABLE at the target epoch.
//
//   state                  target epoch != member epoch     same epoch, subscription changed
//   STABLE                 next assignment                  drop unsubscribed topics
//   UNREVOKED_PARTITIONS   still owns revoked? wait; else next assignment (either way)
//   UNRELEASED_PARTITIONS  next assignment (retries the withheld partitions)
//   UNKNOWN                only if it owns nothing: next assignment, else FENCED_MEMBER_EPOCH
//
// Each newly assigned partition carries the target epoch as its assignment epoch (KIP-1251); kept
// partitions keep theirs.
import type { Assignment, AssignmentWithEpochs, TopicPartitionsById } from './assignment.js';
import { ownsAnyOf } from './assignment.js';
import { MemberState, bumpedTo, withChanges, type ConsumerMember } from './consumer-member.js';

export interface ReconcileInput {
  member: ConsumerMember;
  targetEpoch: number;
  target: Assignment;
  /** True when the member's subscription changed in this heartbeat. */
  subscriptionChanged: boolean;
  /** Topic ids the member subscribes to now (names and regex, resolved to existing topics). */
  subscribedTopicIds: ReadonlySet<string>;
  /** The epoch of the member owning a partition, or -1 (ConsumerGroup.currentPartitionEpoch). */
  partitionEpoch: (topicId: string, partition: number) => number;
  /** What the member reported owning in this heartbeat; null when it did not say. */
  owned: readonly TopicPartitionsById[] | null;
}

/** Thrown when the member must rejoin (FENCED_MEMBER_EPOCH). */
export class FencedMemberError extends Error {}

export function reconcile(input: ReconcileInput): ConsumerMember {
  const { member } = input;
  switch (member.state) {
    case MemberState.STABLE:
      if (member.memberEpoch !== input.targetEpoch) return nextAssignment(input, member.memberEpoch, member.assignedPartitions);
      if (input.subscriptionChanged) return dropUnsubscribed(input);
      return member;
    case MemberState.UNREVOKED_PARTITIONS:
      if (ownsAnyOf(input.owned, member.partitionsPendingRevocation)) {
        return input.subscriptionChanged ? dropUnsubscribed(input) : member;
      }
      return nextAssignment(input, member.memberEpoch, member.assignedPartitions);
    case MemberState.UNRELEASED_PARTITIONS:
      return nextAssignment(input, member.memberEpoch, member.assignedPartitions);
    default:
      if (input.owned !== null && input.owned.length === 0) return nextAssignment(input, input.targetEpoch, member.assignedPartitions);
      throw new FencedMemberError('The consumer group member is in an unknown state. The member must abandon all its partitions and rejoin.');
  }
}

/** Same epoch, narrower subscription: partitions of topics no longer subscribed move to revocation. */
function dropUnsubscribed(input: ReconcileInput): ConsumerMember {
  const { member, subscribedTopicIds } = input;
  let assigned: Map<string, ReadonlyMap<number, number>>;
  let revoking: Map<string, ReadonlyMap<number, number>>;
  if (subscribedTopicIds.size === 0 && member.partitionsPendingRevocation.size === 0) {
    assigned = new Map();
    revoking = new Map(member.assignedPartitions);
  } else {
    assigned = new Map(member.assignedPartitions);
    revoking = new Map(member.partitionsPendingRevocation);
    let changed = false;
    for (const [topicId, ps] of member.assignedPartitions) {
      if (subscribedTopicIds.has(topicId)) continue;
      changed = true;
      assigned.delete(topicId);
      revoking.set(topicId, new Map([...(revoking.get(topicId) ?? []), ...ps]));
    }
    if (!changed) return member;
  }
  if (revoking.size > 0 && ownsAnyOf(input.owned, revoking)) {
    return withChanges(member, { state: MemberState.UNREVOKED_PARTITIONS, ...bumpedTo(member, member.memberEpoch), assignedPartitions: assigned, partitionsPendingRevocation: revoking });
  }
  return withChanges(member, { ...bumpedTo(member, member.memberEpoch), assignedPartitions: assigned });
}

function nextAssignment(input: ReconcileInput, memberEpoch: number, current: AssignmentWithEpochs): ConsumerMember {
  const { member, target, targetEpoch, subscribedTopicIds } = input;
  let unreleased = false;
  const assigned = new Map<string, Map<number, number>>();
  const revoking = new Map<string, Map<number, number>>();
  const pending = new Map<string, number[]>();
  for (const topicId of new Set([...target.keys(), ...current.keys()])) {
    const wanted = subscribedTopicIds.has(topicId) ? (target.get(topicId) ?? new Set<number>()) : new Set<number>();
    const mine = current.get(topicId) ?? new Map<number, number>();
    const keep = new Map<number, number>();
    const revoke = new Map<number, number>();
    for (const [p, epoch] of mine) (wanted.has(p) ? keep : revoke).set(p, epoch);
    const add: number[] = [];
    const revokingFromMe = member.partitionsPendingRevocation.get(topicId);
    for (const p of wanted) {
      if (keep.has(p)) continue;
      // Owned elsewhere, and not just by this member's own pending revocation: wait for its release.
      if (input.partitionEpoch(topicId, p) !== -1 && !revokingFromMe?.has(p)) unreleased = true;
      else add.push(p);
    }
    if (keep.size > 0) assigned.set(topicId, keep);
    if (revoke.size > 0) revoking.set(topicId, revoke);
    if (add.length > 0) pending.set(topicId, add);
  }
  if (revoking.size > 0 && ownsAnyOf(input.owned, revoking)) {
    return withChanges(member, { state: MemberState.UNREVOKED_PARTITIONS, ...bumpedTo(member, memberEpoch), assignedPartitions: assigned, partitionsPendingRevocation: revoking });
  }
  for (const [topicId, ps] of pending) {
    let byPartition = assigned.get(topicId);
    if (!byPartition) assigned.set(topicId, (byPartition = new Map()));
    for (const p of ps) byPartition.set(p, targetEpoch);
  }
  return withChanges(member, {
    state: unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE,
    ...bumpedTo(member, targetEpoch),
    assignedPartitions: assigned,
    partitionsPendingRevocation: new Map(),
  });
}
