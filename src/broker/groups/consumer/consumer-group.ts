// A KIP-848 consumer group (Kafka's ConsumerGroup): its epochs, members, target assignment and the
// indexes derived from them. State changes only through `replay(record)`, for records written by a
// live operation and records read back at start alike, so what a restart rebuilds is exactly what
// was running (Kafka's coordinator replays its records the same way).
//
// Epochs: the group epoch moves when the group's membership, subscriptions or subscribed topics'
// metadata change; the assignment epoch is the group epoch the target assignment was computed for;
// each member's epoch is the target epoch it reconciled to. A new group starts at epoch 1 with an
// empty target assignment at epoch 1 (Kafka 4.3+), so the first join computes epoch 2.
//
// State (what ListGroups/ConsumerGroupDescribe show):
//   Empty        no members
//   Assigning    group epoch > assignment epoch (a new target assignment is pending)
//   Reconciling  some member is not yet stable at the assignment epoch
//   Stable       every member is stable at the assignment epoch
//
// Invariant (KIP-848): a partition is owned (assigned or pending revocation) by at most one member;
// `partitionEpochs` records the epoch of its owner, and a member gets a partition only once nobody
// else owns it (reconciliation.ts).
import { EMPTY_ASSIGNMENT, type Assignment, type AssignmentWithEpochs } from './assignment.js';
import { isReconciledTo, memberStateFromByte, newMember, usesClassicProtocol, withChanges, type ConsumerMember } from './consumer-member.js';
import type { ConsumerGroupRecord, ResolvedRegex } from './consumer-records.js';

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';

export const CONSUMER_GROUP_STATES: readonly ConsumerGroupState[] = ['Empty', 'Assigning', 'Reconciling', 'Stable', 'Dead'];

/** How many members subscribe to a topic by name, and how many resolved regexes include it. */
export interface SubscriptionCount {
  byName: number;
  byRegex: number;
}

export class ConsumerGroup {
  readonly type = 'consumer' as const;
  groupEpoch = 1;
  metadataHash = 0n;
  assignmentEpoch = 1;
  assignmentTimestamp = 0;
  /** A Kafka 4.0 subscription-metadata record exists; the next epoch bump deletes it. */
  hasSubscriptionMetadataRecord = false;
  /** Set once deleted or converted: late timers and writes must leave it alone. */
  dead = false;
  readonly members = new Map<string, ConsumerMember>();
  readonly targetAssignment = new Map<string, Assignment>();
  /** group.instance.id -> member id. */
  readonly staticMembers = new Map<string, string>();
  /** regex -> number of members subscribed with it. */
  readonly subscribedRegexes = new Map<string, number>();
  readonly resolvedRegexes = new Map<string, ResolvedRegex>();
  /** topic name -> subscribers (members by name, resolved regexes). */
  readonly subscribedTopics = new Map<string, SubscriptionCount>();
  /** topic id -> partition -> epoch of the member owning it. */
  private readonly partitionEpochs = new Map<string, Map<number, number>>();
  private readonly serverAssignors = new Map<string, number>();
  /** Protocol name -> classic-protocol members supporting it (KIP-848 migration). */
  readonly classicProtocols = new Map<string, number>();
  numClassicMembers = 0;
  /** When the state last changed to Empty (offset expiry of consumer groups counts from commits, not this). */
  createdAt: number;

  constructor(
    readonly groupId: string,
    now = Date.now(),
  ) {
    this.createdAt = now;
  }

  get state(): ConsumerGroupState {
    if (this.dead) return 'Dead';
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) if (!isReconciledTo(m, this.assignmentEpoch)) return 'Reconciling';
    return 'Stable';
  }

  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  get protocolType(): string {
    return 'consumer';
  }

  staticMemberId(instanceId: string | null): string | undefined {
    return instanceId === null ? undefined : this.staticMembers.get(instanceId);
  }

  staticMember(instanceId: string | null): ConsumerMember | undefined {
    const id = this.staticMemberId(instanceId);
    return id === undefined ? undefined : this.members.get(id);
  }

  /** The target of a member; a static member replacing another inherits the old one's. */
  targetFor(memberId: string, instanceId: string | null = null): Assignment {
    if (instanceId !== null) {
      const previous = this.staticMemberId(instanceId);
      return previous !== undefined ? (this.targetAssignment.get(previous) ?? EMPTY_ASSIGNMENT) : EMPTY_ASSIGNMENT;
    }
    return this.targetAssignment.get(memberId) ?? EMPTY_ASSIGNMENT;
  }

  /** Epoch of the member that owns the partition, or -1 when nobody does. */
  currentPartitionEpoch(topicId: string, partition: number): number {
    return this.partitionEpochs.get(topicId)?.get(partition) ?? -1;
  }

  /** The assignor most members asked for (ties: the first counted), or undefined when none asked. */
  preferredServerAssignor(oldMember?: ConsumerMember, newMember?: ConsumerMember): string | undefined {
    const counts = new Map(this.serverAssignors);
    if (oldMember?.serverAssignor) counts.set(oldMember.serverAssignor, (counts.get(oldMember.serverAssignor) ?? 0) - 1);
    if (newMember?.serverAssignor) counts.set(newMember.serverAssignor, (counts.get(newMember.serverAssignor) ?? 0) + 1);
    let best: string | undefined;
    let bestCount = 0;
    for (const [name, n] of counts) {
      if (n > bestCount) {
        best = name;
        bestCount = n;
      }
    }
    return best;
  }

  /** Subscribed topics as they would be with `oldMember` replaced by `newMember` (either may be absent). */
  subscribedTopicsWith(oldMember: ConsumerMember | undefined, newMember: ConsumerMember | undefined): Map<string, SubscriptionCount> {
    const out = new Map<string, SubscriptionCount>();
    for (const [t, c] of this.subscribedTopics) out.set(t, { ...c });
    const bump = (topic: string, byName: number, byRegex: number): void => {
      const c = out.get(topic) ?? { byName: 0, byRegex: 0 };
      c.byName += byName;
      c.byRegex += byRegex;
      if (c.byName <= 0 && c.byRegex <= 0) out.delete(topic);
      else out.set(topic, c);
    };
    if (oldMember) for (const t of oldMember.subscribedTopicNames) bump(t, -1, 0);
    if (newMember) for (const t of newMember.subscribedTopicNames) bump(t, 1, 0);
    const oldRegex = oldMember?.subscribedTopicRegex ?? '';
    const newRegex = newMember?.subscribedTopicRegex ?? '';
    // A regex whose last subscriber moves away no longer contributes its topics.
    if (oldRegex !== '' && oldRegex !== newRegex && this.subscribedRegexes.get(oldRegex) === 1) {
      for (const t of this.resolvedRegexes.get(oldRegex)?.topics ?? []) bump(t, 0, -1);
    }
    return out;
  }

  /** The topics a member's assignment may come from: its names plus its regex's resolution. */
  memberTopics(m: ConsumerMember): Set<string> {
    const topics = new Set(m.subscribedTopicNames);
    if (m.subscribedTopicRegex !== '') for (const t of this.resolvedRegexes.get(m.subscribedTopicRegex)?.topics ?? []) topics.add(t);
    return topics;
  }

  numSubscribedMembers(regex: string): number {
    return this.subscribedRegexes.get(regex) ?? 0;
  }

  usesOnlyClassicProtocolExcept(excluded: readonly ConsumerMember[]): boolean {
    const excludedClassic = excluded.filter((m) => usesClassicProtocol(m)).length;
    return this.numClassicMembers - excludedClassic === this.members.size - excluded.length;
  }

  /** KIP-848 migration: a classic member may join only with a protocol every classic member supports. */
  supportsClassicProtocols(protocolType: string, protocolNames: readonly string[]): boolean {
    if (protocolType !== 'consumer') return false;
    if (this.isEmpty) return protocolNames.length > 0;
    return protocolNames.some((n) => (this.classicProtocols.get(n) ?? 0) === this.numClassicMembers);
  }

  /** A classic member waiting for partitions another member still owns (Kafka's waitingOnUnreleasedPartition). */
  waitingOnUnreleasedPartition(m: ConsumerMember): boolean {
    if (m.state !== 2) return false;
    for (const [topicId, ps] of this.targetAssignment.get(m.memberId) ?? EMPTY_ASSIGNMENT) {
      const mine = m.assignedPartitions.get(topicId);
      for (const p of ps) if (!mine?.has(p) && this.currentPartitionEpoch(topicId, p) !== -1) return true;
    }
    return false;
  }

  // ---- replay ------------------------------------------------------------------------------------

  replay(r: ConsumerGroupRecord): void {
    switch (r.type) {
      case 'group-epoch':
        if (r.value) {
          this.groupEpoch = r.value.epoch;
          this.metadataHash = r.value.metadataHash;
        } else {
          this.dead = true;
        }
        return;
      case 'partition-metadata':
        this.hasSubscriptionMetadataRecord = r.present;
        return;
      case 'member-metadata': {
        if (!r.value) {
          if (this.members.has(r.memberId)) this.removeMember(r.memberId);
          return;
        }
        const v = r.value;
        const old = this.members.get(r.memberId) ?? newMember(r.memberId);
        this.updateMember(
          withChanges(old, {
            instanceId: v.instanceId,
            rackId: v.rackId,
            clientId: v.clientId,
            clientHost: v.clientHost,
            subscribedTopicNames: [...new Set(v.subscribedTopicNames)].sort(),
            subscribedTopicRegex: v.subscribedTopicRegex ?? '',
            rebalanceTimeoutMs: v.rebalanceTimeoutMs,
            serverAssignor: v.serverAssignor,
            classicMemberMetadata: v.classicMemberMetadata,
          }),
        );
        return;
      }
      case 'target-metadata':
        if (r.value) {
          this.assignmentEpoch = r.value.assignmentEpoch;
          this.assignmentTimestamp = r.value.assignmentTimestamp;
        } else {
          this.assignmentEpoch = -1;
          this.assignmentTimestamp = 0;
        }
        return;
      case 'target-member':
        if (r.value) this.targetAssignment.set(r.memberId, r.value);
        else this.targetAssignment.delete(r.memberId);
        return;
      case 'current-assignment': {
        const old = this.members.get(r.memberId);
        if (!r.value) {
          if (old) this.updateMember(withChanges(old, { memberEpoch: -1, previousMemberEpoch: -1, assignedPartitions: new Map(), partitionsPendingRevocation: new Map() }));
          return;
        }
        const v = r.value;
        this.updateMember(
          withChanges(old ?? newMember(r.memberId), {
            memberEpoch: v.memberEpoch,
            previousMemberEpoch: v.previousMemberEpoch,
            state: memberStateFromByte(v.state),
            assignedPartitions: v.assignedPartitions,
            partitionsPendingRevocation: v.partitionsPendingRevocation,
          }),
        );
        return;
      }
      case 'regex':
        this.setResolvedRegex(r.regex, r.value);
        return;
    }
  }

  private updateMember(m: ConsumerMember): void {
    const old = this.members.get(m.memberId);
    this.members.set(m.memberId, m);
    this.unindex(old);
    this.index(m);
  }

  private removeMember(memberId: string): void {
    const old = this.members.get(memberId);
    this.members.delete(memberId);
    this.unindex(old);
  }

  private index(m: ConsumerMember): void {
    for (const t of m.subscribedTopicNames) this.countTopic(t, 1, 0);
    if (m.subscribedTopicRegex !== '') this.subscribedRegexes.set(m.subscribedTopicRegex, (this.subscribedRegexes.get(m.subscribedTopicRegex) ?? 0) + 1);
    if (m.serverAssignor) this.serverAssignors.set(m.serverAssignor, (this.serverAssignors.get(m.serverAssignor) ?? 0) + 1);
    if (m.instanceId !== null) this.staticMembers.set(m.instanceId, m.memberId);
    if (m.classicMemberMetadata) {
      this.numClassicMembers++;
      for (const p of m.classicMemberMetadata.supportedProtocols) this.classicProtocols.set(p.name, (this.classicProtocols.get(p.name) ?? 0) + 1);
    }
    this.addPartitionEpochs(m.assignedPartitions, m.memberEpoch);
    this.addPartitionEpochs(m.partitionsPendingRevocation, m.memberEpoch);
  }

  private unindex(m: ConsumerMember | undefined): void {
    if (!m) return;
    for (const t of m.subscribedTopicNames) this.countTopic(t, -1, 0);
    if (m.subscribedTopicRegex !== '') decrement(this.subscribedRegexes, m.subscribedTopicRegex);
    if (m.serverAssignor) decrement(this.serverAssignors, m.serverAssignor);
    if (m.instanceId !== null && this.staticMembers.get(m.instanceId) === m.memberId) this.staticMembers.delete(m.instanceId);
    if (m.classicMemberMetadata) {
      this.numClassicMembers--;
      for (const p of m.classicMemberMetadata.supportedProtocols) decrement(this.classicProtocols, p.name);
    }
    this.removePartitionEpochs(m.assignedPartitions, m.memberEpoch);
    this.removePartitionEpochs(m.partitionsPendingRevocation, m.memberEpoch);
  }

  private setResolvedRegex(regex: string, resolved: ResolvedRegex | null): void {
    const old = this.resolvedRegexes.get(regex);
    if (old) for (const t of old.topics) this.countTopic(t, 0, -1);
    this.resolvedRegexes.delete(regex);
    if (resolved) {
      this.resolvedRegexes.set(regex, resolved);
      for (const t of resolved.topics) this.countTopic(t, 0, 1);
    }
  }

  private countTopic(topic: string, byName: number, byRegex: number): void {
    const c = this.subscribedTopics.get(topic) ?? { byName: 0, byRegex: 0 };
    c.byName += byName;
    c.byRegex += byRegex;
    if (c.byName <= 0 && c.byRegex <= 0) this.subscribedTopics.delete(topic);
    else this.subscribedTopics.set(topic, c);
  }

  private addPartitionEpochs(a: AssignmentWithEpochs, epoch: number): void {
    for (const [topicId, ps] of a) {
      let byPartition = this.partitionEpochs.get(topicId);
      if (!byPartition) this.partitionEpochs.set(topicId, (byPartition = new Map()));
      for (const p of ps.keys()) byPartition.set(p, epoch);
    }
  }

  /** Only removes an epoch the member itself set: a partition already handed on keeps its new owner's. */
  private removePartitionEpochs(a: AssignmentWithEpochs, epoch: number): void {
    for (const [topicId, ps] of a) {
      const byPartition = this.partitionEpochs.get(topicId);
      if (!byPartition) continue;
      for (const p of ps.keys()) if (byPartition.get(p) === epoch) byPartition.delete(p);
      if (byPartition.size === 0) this.partitionEpochs.delete(topicId);
    }
  }
}

function decrement(m: Map<string, number>, key: string): void {
  const n = (m.get(key) ?? 0) - 1;
  if (n <= 0) m.delete(key);
  else m.set(key, n);
}
