// The steps a consumer-group operation is made of (Kafka's GroupMetadataManager helpers), shared by
// the ConsumerGroupHeartbeat flow and the classic-protocol members of consumer groups. Every step reads
// the group as it was when the operation started and adds records to the operation; nothing here
// changes the group itself (the service replays the records when the operation returns).
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../protocol/errors.js';
import { encodeGroupKey } from '../offsets-record-codec.js';
import { EMPTY_ASSIGNMENT, ownedIsSubsetOf, sameEpochs, type Assignment, type TopicPartitionsById } from './assignment.js';
import { ConsumerGroup } from './consumer-group.js';
import { MemberState, isReconciledTo, newMember, sameMetadata, usesClassicProtocol, withChanges, type ConsumerMember } from './consumer-member.js';
import type { ConsumerGroupRecord } from './consumer-records.js';
import { timerKey, type FlowContext } from './flow-context.js';
import { classicGroupFromConsumer, consumerGroupFromClassic, consumerGroupTombstones } from './group-conversion.js';
import { GroupError } from './group-error.js';
import { currentAssignmentRecord, memberMetadataRecord, memberTombstones } from './member-records.js';
import type { Operation } from './operation.js';
import { FencedMemberError, reconcile } from './reconciliation.js';
import { computeTargetAssignment } from './target-assignment.js';
import { metadataHash, topicIdsOf } from './topic-metadata.js';
import { regexError } from './topic-regex.js';

export function newMemberId(): string {
  return randomUUID();
}

/**
 * The consumer group for an operation (Kafka's getOrMaybeCreateConsumerGroup): an existing one; a new
 * one when allowed (replacing an empty classic group); or, when a non-empty classic group of consumers
 * is upgraded, one converted from it. Anything else is GROUP_ID_NOT_FOUND.
 */
export function consumerGroupFor(ctx: FlowContext, op: Operation, createIfNotExists: boolean): ConsumerGroup {
  const groupId = op.groupId;
  const existing = ctx.consumerGroup(groupId);
  if (existing) return (op.group = existing);
  if (ctx.isShareGroup(groupId)) throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`);
  const classic = ctx.classicGroup(groupId);
  if (!classic || classic.is('Dead')) {
    if (!createIfNotExists) throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${groupId} not found.`);
    return (op.group = new ConsumerGroup(groupId, ctx.now()));
  }
  if (!createIfNotExists) throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`);
  if (classic.size === 0) {
    // An empty classic group (maybe only offsets) becomes a consumer group, whatever the policy.
    op.raw(encodeGroupKey(groupId), null);
    op.replacedClassic = classic;
    ctx.logger.info('converted the empty classic group to a consumer group', { group: groupId });
    return (op.group = new ConsumerGroup(groupId, ctx.now()));
  }
  const policy = ctx.settings.migrationPolicy;
  if (policy !== 'bidirectional' && policy !== 'upgrade') {
    throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Cannot upgrade classic group ${groupId} to consumer group because online upgrade is disabled.`);
  }
  if (classic.protocolType !== 'consumer') {
    throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Cannot upgrade classic group ${groupId} to consumer group because the group does not use the consumer embedded protocol.`);
  }
  if (classic.size > ctx.settings.maxSize) {
    throw new GroupError(ErrorCode.GROUP_ID_NOT_FOUND, `Cannot upgrade classic group ${groupId} to consumer group because the group size exceeds the consumer group maximum size.`);
  }
  const converted = consumerGroupFromClassic(classic, ctx.topics, ctx.now());
  op.raw(encodeGroupKey(groupId), null);
  op.addAll(converted.records);
  op.group = converted.group;
  op.appliedUpTo = op.writes.length;
  op.replacedClassic = classic;
  for (const m of converted.group.members.values()) {
    scheduleSession(ctx, groupId, m.memberId, m.classicMemberMetadata!.sessionTimeoutMs);
  }
  ctx.logger.info('converted the classic group to a consumer group', { group: groupId, members: converted.group.members.size });
  return converted.group;
}

export function throwIfGroupFull(ctx: FlowContext, group: ConsumerGroup, memberId: string, instanceId: string | null): void {
  if (instanceId !== null && group.staticMembers.has(instanceId)) return;
  if (group.members.size >= ctx.settings.maxSize && (memberId === '' || !group.members.has(memberId))) {
    throw new GroupError(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${ctx.settings.maxSize} members.`);
  }
}

/** KIP-848 epoch fencing: a newer epoch than ours, or an older one that is not the previous one (with owned partitions within the assignment). */
export function throwIfMemberEpochInvalid(member: ConsumerMember, received: number, owned: readonly TopicPartitionsById[] | null): void {
  if (received === 0) return;
  if (received > member.memberEpoch) {
    throw new GroupError(
      ErrorCode.FENCED_MEMBER_EPOCH,
      `The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
    );
  }
  if (received < member.memberEpoch && (received !== member.previousMemberEpoch || !ownedIsSubsetOf(owned, member.assignedPartitions))) {
    throw new GroupError(
      ErrorCode.FENCED_MEMBER_EPOCH,
      `The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`,
    );
  }
}

export function existingMember(group: ConsumerGroup, memberId: string): ConsumerMember {
  const m = group.members.get(memberId);
  if (!m) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${group.groupId}.`);
  return m;
}

export function throwIfInstanceFenced(member: ConsumerMember, memberId: string, instanceId: string): void {
  if (member.memberId !== memberId) {
    throw new GroupError(ErrorCode.FENCED_INSTANCE_ID, `Static member ${memberId} with instance id ${instanceId} was fenced by member ${member.memberId}.`);
  }
}

export function staticMemberOrThrow(group: ConsumerGroup, instanceId: string): ConsumerMember {
  const m = group.staticMember(instanceId);
  if (!m) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${instanceId} is unknown.`);
  return m;
}

export function dynamicMember(ctx: FlowContext, group: ConsumerGroup, memberId: string, memberEpoch: number, owned: readonly TopicPartitionsById[] | null, create: boolean, classic: boolean): ConsumerMember {
  const existing = group.members.get(memberId);
  if (!existing && !create) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${group.groupId}.`);
  const member = existing ?? newMember(memberId);
  if (!classic) throwIfMemberEpochInvalid(member, memberEpoch, owned);
  if (create) ctx.logger.info('member joins the consumer group', { group: group.groupId, memberId, protocol: classic ? 'classic' : 'consumer' });
  return member;
}

/**
 * A static member (KIP-345 in KIP-848): joining with an instance id nobody holds creates it; taking over
 * an instance id whose member left temporarily (epoch -2) replaces that member, keeping its assignment.
 */
export function staticMember(
  ctx: FlowContext,
  op: Operation,
  group: ConsumerGroup,
  memberId: string,
  memberEpoch: number,
  instanceId: string,
  owned: readonly TopicPartitionsById[] | null,
  create: boolean,
  classic: boolean,
): ConsumerMember {
  const existing = group.staticMember(instanceId);
  if (create) {
    if (!existing) {
      ctx.logger.info('static member joins the consumer group', { group: group.groupId, memberId, instance: instanceId, protocol: classic ? 'classic' : 'consumer' });
      return group.members.get(memberId) ?? newMember(memberId);
    }
    if (!classic && !usesClassicProtocol(existing) && existing.memberEpoch !== -2) {
      throw new GroupError(
        ErrorCode.UNRELEASED_INSTANCE_ID,
        `Static member ${memberId} with instance id ${instanceId} cannot join the group because the instance id is owned by ${existing.memberId} member.`,
      );
    }
    const replacement = withChanges(existing, { memberId, memberEpoch: 0, previousMemberEpoch: 0 });
    replaceMember(ctx, op, group, existing, replacement);
    ctx.logger.info('static member rejoins the consumer group', { group: group.groupId, instance: instanceId, memberId, replaced: existing.memberId });
    return replacement;
  }
  if (!existing) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${instanceId} is unknown.`);
  throwIfInstanceFenced(existing, memberId, instanceId);
  if (!classic) throwIfMemberEpochInvalid(existing, memberEpoch, owned);
  return existing;
}

function replaceMember(ctx: FlowContext, op: Operation, group: ConsumerGroup, oldMember: ConsumerMember, newOne: ConsumerMember): void {
  op.addAll(memberTombstones(group.groupId, oldMember.memberId));
  cancelMemberTimers(ctx, group.groupId, oldMember.memberId);
  op.add(memberMetadataRecord(group.groupId, newOne));
  op.add({ type: 'target-member', groupId: group.groupId, memberId: newOne.memberId, value: group.targetFor(oldMember.memberId) });
  op.add(currentAssignmentRecord(group.groupId, newOne));
}

/** Writes the member's subscription when it changed; true when its subscribed topic names changed. */
export function subscriptionChanged(op: Operation, member: ConsumerMember, updated: ConsumerMember): boolean {
  if (sameMetadata(member, updated)) return false;
  op.add(memberMetadataRecord(op.groupId, updated));
  const a = member.subscribedTopicNames;
  const b = updated.subscribedTopicNames;
  return a.length !== b.length || a.some((n, i) => n !== b[i]);
}

export type RegexStatus = 'no-change' | 'updated' | 'updated-and-resolved';

/**
 * A member's regex changed (Kafka's maybeUpdateRegularExpressions): an unknown regex is validated
 * (INVALID_REGULAR_EXPRESSION) and resolved in a separate operation soon after; a regex other members
 * already resolved is usable at once. Also decides when the group's regexes are due for a refresh.
 */
export function regexStatus(ctx: FlowContext, op: Operation, group: ConsumerGroup, member: ConsumerMember, updated: ConsumerMember): RegexStatus {
  const oldRegex = member.subscribedTopicRegex;
  const newRegex = updated.subscribedTopicRegex;
  let status: RegexStatus = 'no-change';
  let requireRefresh = false;
  if (oldRegex !== newRegex) {
    status = 'updated';
    if (oldRegex !== '' && group.numSubscribedMembers(oldRegex) === 1) op.add({ type: 'regex', groupId: group.groupId, regex: oldRegex, value: null });
    if (newRegex !== '') {
      if (group.numSubscribedMembers(newRegex) === 0) {
        const problem = regexError(newRegex);
        if (problem !== null) throw new GroupError(ErrorCode.INVALID_REGULAR_EXPRESSION, `SubscribedTopicRegex \`${newRegex}\` is not a valid regular expression: ${problem}.`);
        requireRefresh = true;
      } else if (group.resolvedRegexes.has(newRegex)) {
        status = 'updated-and-resolved';
      }
    } else if (oldRegex !== '') {
      status = 'updated-and-resolved';
    }
  }
  if (requireRefresh || group.subscribedRegexes.size > 0) ctx.refreshRegexes(group.groupId, requireRefresh);
  return status;
}

/** Bumps the group epoch when asked to or when the subscribed topics' metadata changed; returns the epoch. */
export function maybeBumpGroupEpoch(ctx: FlowContext, op: Operation, group: ConsumerGroup, member: ConsumerMember | undefined, updated: ConsumerMember | undefined, bump: boolean): number {
  const subscribed = group.subscribedTopicsWith(member, updated);
  const hash = metadataHash(subscribed.keys(), ctx.topics);
  if (!bump && hash === group.metadataHash) return group.groupEpoch;
  const epoch = group.groupEpoch + 1;
  op.add({ type: 'group-epoch', groupId: group.groupId, value: { epoch, metadataHash: hash } });
  if (group.hasSubscriptionMetadataRecord) op.add({ type: 'partition-metadata', groupId: group.groupId, present: false });
  ctx.logger.info('bumped the group epoch', { group: group.groupId, epoch });
  return epoch;
}

/** KIP-1263: a new target is computed at most once per assignment interval (0: always; a fresh group: at once). */
function canComputeTarget(assignmentTimestamp: number, intervalMs: number, now: number): boolean {
  return assignmentTimestamp === 0 || intervalMs === 0 || now >= assignmentTimestamp + intervalMs;
}

/** The target epoch and assignment the member reconciles towards, computing a new target when due. */
export function targetFor(ctx: FlowContext, op: Operation, group: ConsumerGroup, groupEpoch: number, member: ConsumerMember, updated: ConsumerMember): { epoch: number; assignment: Assignment } {
  const last = { epoch: group.assignmentEpoch, assignment: group.targetFor(updated.memberId, updated.instanceId) };
  if (group.assignmentEpoch >= groupEpoch) return last;
  if (!canComputeTarget(group.assignmentTimestamp, ctx.settings.assignmentIntervalMs(group.groupId), ctx.now())) return last;
  const assignor = ctx.assignors.get(group.preferredServerAssignor(member, updated));
  const result = computeTargetAssignment(group, groupEpoch, updated, assignor, ctx.topics, ctx.now());
  op.addAll(result.records);
  ctx.logger.info('computed a new target assignment', { group: group.groupId, epoch: groupEpoch, assignor: assignor.name, members: result.targets.size });
  return { epoch: groupEpoch, assignment: result.targets.get(updated.memberId) ?? EMPTY_ASSIGNMENT };
}

/** Moves the member towards its target (reconciliation.ts) and writes its new state if it changed. */
export function maybeReconcile(
  ctx: FlowContext,
  op: Operation,
  group: ConsumerGroup,
  member: ConsumerMember,
  target: { epoch: number; assignment: Assignment },
  subscriptionHasChanged: boolean,
  owned: readonly TopicPartitionsById[] | null,
): ConsumerMember {
  if (!subscriptionHasChanged && isReconciledTo(member, target.epoch)) return member;
  let next: ConsumerMember;
  try {
    next = reconcile({
      member,
      targetEpoch: target.epoch,
      target: target.assignment,
      subscriptionChanged: subscriptionHasChanged,
      subscribedTopicIds: topicIdsOf(group.memberTopics(member), ctx.topics),
      partitionEpoch: (t, p) => group.currentPartitionEpoch(t, p),
      owned,
    });
  } catch (e) {
    if (e instanceof FencedMemberError) throw new GroupError(ErrorCode.FENCED_MEMBER_EPOCH, e.message);
    throw e;
  }
  const changed =
    next.memberEpoch !== member.memberEpoch ||
    next.previousMemberEpoch !== member.previousMemberEpoch ||
    next.state !== member.state ||
    !sameEpochs(next.assignedPartitions, member.assignedPartitions) ||
    !sameEpochs(next.partitionsPendingRevocation, member.partitionsPendingRevocation);
  if (!changed) return member;
  op.add(currentAssignmentRecord(group.groupId, next));
  if (!usesClassicProtocol(next)) {
    if (next.state === MemberState.UNREVOKED_PARTITIONS) {
      // KIP-848: a member must revoke within its rebalance timeout or it is fenced.
      ctx.timers.schedule(timerKey.rebalance(group.groupId, next.memberId), next.rebalanceTimeoutMs, () =>
        ctx.fenceLater(group.groupId, next.memberId, `it failed to revoke its partitions within ${next.rebalanceTimeoutMs}ms`, next.memberEpoch),
      );
    } else {
      ctx.timers.cancel(timerKey.rebalance(group.groupId, next.memberId));
    }
  }
  return next;
}

export function scheduleSession(ctx: FlowContext, groupId: string, memberId: string, timeoutMs: number): void {
  ctx.timers.schedule(timerKey.session(groupId, memberId), timeoutMs, () => ctx.fenceLater(groupId, memberId, 'the member session expired'));
}

export function cancelMemberTimers(ctx: FlowContext, groupId: string, memberId: string): void {
  ctx.timers.cancel(timerKey.session(groupId, memberId));
  ctx.timers.cancel(timerKey.rebalance(groupId, memberId));
  ctx.timers.cancel(timerKey.join(groupId, memberId));
  ctx.timers.cancel(timerKey.sync(groupId, memberId));
}

/** Kafka's validateOnlineDowngradeWithFencedMembers: only classic members would remain. */
function canDowngradeWithout(ctx: FlowContext, group: ConsumerGroup, leaving: readonly ConsumerMember[]): boolean {
  if (!group.usesOnlyClassicProtocolExcept(leaving)) return false;
  const remaining = group.members.size - leaving.length;
  if (remaining <= 0) return false;
  const policy = ctx.settings.migrationPolicy;
  if (policy !== 'bidirectional' && policy !== 'downgrade') {
    ctx.logger.info('not downgrading the consumer group: online downgrade is disabled', { group: group.groupId });
    return false;
  }
  if (remaining > ctx.settings.classicMaxSize) {
    ctx.logger.info('not downgrading the consumer group: it is larger than group.max.size', { group: group.groupId });
    return false;
  }
  return true;
}

/** Kafka's validateOnlineDowngradeWithReplacedMember: a static classic member replaces the last consumer-protocol one. */
export function canDowngradeReplacing(ctx: FlowContext, group: ConsumerGroup, replaced: ConsumerMember): boolean {
  if (!group.usesOnlyClassicProtocolExcept([replaced])) return false;
  const policy = ctx.settings.migrationPolicy;
  if (policy !== 'bidirectional' && policy !== 'downgrade') return false;
  return group.members.size <= ctx.settings.classicMaxSize;
}

export function downgrade(ctx: FlowContext, op: Operation, group: ConsumerGroup, leaving: readonly ConsumerMember[], joining: ConsumerMember | null, rebalanceReason: string | null): void {
  const replaced = joining ? group.staticMember(joining.instanceId) : undefined;
  op.addAll(consumerGroupTombstones(group, replaced && joining ? { from: replaced.memberId, to: joining.memberId } : undefined));
  const { classic, record } = classicGroupFromConsumer(group, leaving, joining, ctx.topics, ctx.now());
  op.raw(record.key, record.value);
  op.downgradedTo = { group: classic, rebalanceReason };
  ctx.timers.cancelPrefix(timerKey.group(group.groupId));
  ctx.logger.info('converted the consumer group to a classic group', { group: group.groupId, members: classic.size });
}

/**
 * Removes members (left, fenced, expired): their records, regexes nobody else uses, a group epoch bump
 * so the others rebalance, and, when the group empties, an assignment epoch that catches up. When only
 * classic members would remain, the group goes back to the classic protocol instead.
 */
export function fenceMembers(ctx: FlowContext, op: Operation, group: ConsumerGroup, members: readonly ConsumerMember[]): void {
  if (members.length === 0) return;
  if (canDowngradeWithout(ctx, group, members)) {
    downgrade(ctx, op, group, members, null, `Downgrade group ${group.groupId} from consumer to classic for member leaving.`);
    return;
  }
  for (const m of members) op.addAll(memberTombstones(group.groupId, m.memberId));
  const regexCounts = new Map<string, number>();
  for (const m of members) if (m.subscribedTopicRegex !== '') regexCounts.set(m.subscribedTopicRegex, (regexCounts.get(m.subscribedTopicRegex) ?? 0) + 1);
  const deletedRegexes: string[] = [];
  for (const [regex, n] of regexCounts) {
    if (group.numSubscribedMembers(regex) !== n) continue;
    op.add({ type: 'regex', groupId: group.groupId, regex, value: null });
    deletedRegexes.push(regex);
  }
  const subscribed = new Map(group.subscribedTopics);
  const dec = (t: string, byName: number, byRegex: number): void => {
    const c = subscribed.get(t);
    if (!c) return;
    const next = { byName: c.byName - byName, byRegex: c.byRegex - byRegex };
    if (next.byName <= 0 && next.byRegex <= 0) subscribed.delete(t);
    else subscribed.set(t, next);
  };
  for (const m of members) for (const t of m.subscribedTopicNames) dec(t, 1, 0);
  for (const regex of deletedRegexes) for (const t of group.resolvedRegexes.get(regex)?.topics ?? []) dec(t, 0, 1);
  const epoch = group.groupEpoch + 1;
  op.add({ type: 'group-epoch', groupId: group.groupId, value: { epoch, metadataHash: metadataHash(subscribed.keys(), ctx.topics) } });
  if (group.members.size === members.length) {
    op.add({ type: 'target-metadata', groupId: group.groupId, value: { assignmentEpoch: epoch, assignmentTimestamp: 0 } });
  }
  for (const m of members) cancelMemberTimers(ctx, group.groupId, m.memberId);
  ctx.logger.info('members left the consumer group', { group: group.groupId, members: members.map((m) => m.memberId).join(','), epoch });
}

export type { ConsumerGroupRecord };
