// Classic-protocol members of a consumer group (KIP-848 online migration): consumers not yet upgraded
// keep speaking JoinGroup/SyncGroup/Heartbeat/LeaveGroup and the coordinator translates. Their
// JoinGroup is a heartbeat with their subscription (embedded consumer protocol) and the partitions a
// cooperative member still owns; the generation they get is their member epoch; SyncGroup hands them
// their current assignment; Heartbeat answers REBALANCE_IN_PROGRESS whenever they must rejoin to move
// on (a newer target, partitions to revoke, or partitions now released). Ported from Kafka 4.4's
// classicGroupJoinToConsumerGroup / ...SyncToConsumerGroup / ...HeartbeatToConsumerGroup /
// ...LeaveToConsumerGroup.
import { ErrorCode } from '../../../protocol/errors.js';
import type { JoinGroupRequestProtocol } from '../../../protocol/messages/join-group.js';
import type { JoinOutcome, SyncOutcome } from '../member.js';
import type { ConsumerGroup } from './consumer-group.js';
import { MemberState, normalizeTopicNames, usesClassicProtocol, withChanges, type ConsumerMember } from './consumer-member.js';
import { MalformedProtocolError, decodeSubscription, encodeAssignment, ownedPartitions, protocolVersion } from './consumer-protocol.js';
import { timerKey, type FlowContext } from './flow-context.js';
import { GroupError } from './group-error.js';
import { withoutEpochs } from './assignment.js';
import {
  canDowngradeReplacing,
  downgrade,
  dynamicMember,
  existingMember,
  fenceMembers,
  maybeBumpGroupEpoch,
  maybeReconcile,
  newMemberId,
  regexStatus,
  staticMember,
  staticMemberOrThrow,
  subscriptionChanged,
  targetFor,
  throwIfGroupFull,
  throwIfInstanceFenced,
} from './membership-steps.js';
import type { Operation } from './operation.js';

export interface ClassicJoin {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: readonly JoinGroupRequestProtocol[];
  requireKnownMemberId: boolean;
}

/** What happens once the operation's records are durable. */
export interface ClassicJoinResult {
  outcome: JoinOutcome;
  /** Start the member's timers (not after a downgrade: the classic group runs its own). */
  afterWrite: () => void;
}

function joinOutcome(errorCode: number, memberId: string, generationId = -1, protocolName: string | null = null): JoinOutcome {
  return { errorCode, generationId, protocolType: errorCode === ErrorCode.NONE ? 'consumer' : null, protocolName, leader: '', memberId, skipAssignment: false, members: [] };
}

export function classicJoinToConsumerGroup(ctx: FlowContext, op: Operation, group: ConsumerGroup, req: ClassicJoin): ClassicJoinResult {
  if (ctx.settings.migrationPolicy === 'disabled') {
    throw new GroupError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `Cannot join the consumer group ${group.groupId} with the classic protocol because the group migration is disabled.`);
  }
  const unknown = req.memberId === '';
  const memberId = unknown ? newMemberId() : req.memberId;
  throwIfGroupFull(ctx, group, memberId, req.groupInstanceId);
  if (!group.supportsClassicProtocols(req.protocolType, req.protocols.map((p) => p.name))) {
    throw new GroupError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `Member ${memberId}'s protocols are not supported.`);
  }
  if (unknown && req.groupInstanceId === null && req.requireKnownMemberId) {
    // KIP-394: hand out the member id first.
    ctx.logger.info('classic member with unknown member id joins the consumer group; asking it to rejoin with its id', { group: group.groupId, memberId });
    return { outcome: joinOutcome(ErrorCode.MEMBER_ID_REQUIRED, memberId), afterWrite: () => undefined };
  }
  const member =
    req.groupInstanceId === null
      ? dynamicMember(ctx, group, memberId, -1, [], true, true)
      : staticMember(ctx, op, group, memberId, -1, req.groupInstanceId, [], unknown, true);
  const replacedStatic = req.groupInstanceId !== null ? group.staticMember(req.groupInstanceId) : undefined;
  const willDowngrade = replacedStatic !== undefined && replacedStatic.memberId !== memberId && canDowngradeReplacing(ctx, group, replacedStatic);
  let subscription;
  try {
    subscription = decodeSubscription(req.protocols[0]!.metadata);
  } catch (e) {
    if (e instanceof MalformedProtocolError) throw new GroupError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, 'Malformed embedded consumer protocol in subscription deserialization.');
    throw e;
  }
  const updated = withChanges(member, {
    ...(req.groupInstanceId !== null ? { instanceId: req.groupInstanceId } : {}),
    ...(subscription.rackId !== null ? { rackId: subscription.rackId } : {}),
    ...(req.rebalanceTimeoutMs !== -1 ? { rebalanceTimeoutMs: req.rebalanceTimeoutMs } : {}),
    subscribedTopicNames: normalizeTopicNames(subscription.topics),
    subscribedTopicRegex: '',
    clientId: req.clientId,
    clientHost: req.clientHost,
    classicMemberMetadata: { sessionTimeoutMs: req.sessionTimeoutMs, supportedProtocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })) },
  });
  const namesChanged = subscriptionChanged(op, member, updated);
  const regex = regexStatus(ctx, op, group, member, updated);
  const bump = namesChanged || regex !== 'no-change';
  const groupEpoch = maybeBumpGroupEpoch(ctx, op, group, member, updated, bump);
  const owned = ownedPartitions(subscription, ctx.topics);
  let reconciled: ConsumerMember = updated;
  if (willDowngrade) {
    const rebalance = group.assignmentEpoch < groupEpoch;
    if (!rebalance) reconciled = maybeReconcile(ctx, op, group, updated, { epoch: group.assignmentEpoch, assignment: group.targetFor(updated.memberId, updated.instanceId) }, bump, owned);
    downgrade(ctx, op, group, [], reconciled, rebalance ? `Downgrade group ${group.groupId} from consumer to classic with stale assignment.` : null);
  } else {
    const target = targetFor(ctx, op, group, groupEpoch, member, updated);
    reconciled = maybeReconcile(ctx, op, group, updated, target, bump, owned);
  }
  const outcome = joinOutcome(ErrorCode.NONE, reconciled.memberId, reconciled.memberEpoch, req.protocols[0]!.name);
  return {
    outcome,
    afterWrite: () => {
      ctx.timers.cancel(timerKey.join(group.groupId, outcome.memberId));
      if (willDowngrade) return;
      ctx.timers.schedule(timerKey.session(group.groupId, outcome.memberId), req.sessionTimeoutMs, () => ctx.fenceLater(group.groupId, outcome.memberId, 'the member session expired'));
      ctx.timers.schedule(timerKey.sync(group.groupId, outcome.memberId), req.rebalanceTimeoutMs, () =>
        ctx.fenceLater(group.groupId, outcome.memberId, 'the member failed to sync within timeout'),
      );
    },
  };
}

function classicMember(group: ConsumerGroup, memberId: string, instanceId: string | null): ConsumerMember {
  let member: ConsumerMember;
  if (instanceId === null) {
    member = existingMember(group, memberId);
  } else {
    const m = group.staticMember(instanceId);
    if (!m) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Member with instance id ${instanceId} is not a member of group ${group.groupId}.`);
    throwIfInstanceFenced(m, memberId, instanceId);
    member = m;
  }
  if (!usesClassicProtocol(member)) throw new GroupError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${member.memberId} does not use the classic protocol.`);
  return member;
}

/** A classic member must rejoin within its rebalance timeout once told to (Kafka's join timeout). */
function scheduleJoinTimeout(ctx: FlowContext, group: ConsumerGroup, member: ConsumerMember): void {
  ctx.timers.scheduleIfAbsent(timerKey.join(group.groupId, member.memberId), member.rebalanceTimeoutMs, () =>
    ctx.fenceLater(group.groupId, member.memberId, 'the classic member failed to join within the rebalance timeout'),
  );
}

export function classicSyncToConsumerGroup(
  ctx: FlowContext,
  group: ConsumerGroup,
  req: { memberId: string; groupInstanceId: string | null; generationId: number; protocolType: string | null; protocolName: string | null },
): SyncOutcome {
  const member = classicMember(group, req.memberId, req.groupInstanceId);
  if (member.memberEpoch !== req.generationId) {
    throw new GroupError(ErrorCode.ILLEGAL_GENERATION, `The request generation id ${req.generationId} is not equal to the member epoch ${member.memberEpoch} of member ${member.memberId}.`);
  }
  const protocol = member.classicMemberMetadata!.supportedProtocols[0]!;
  if (req.protocolType !== null && req.protocolType !== 'consumer') throw new GroupError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `The protocol type ${req.protocolType} is not consumer.`);
  if (req.protocolName !== null && req.protocolName !== protocol.name) {
    throw new GroupError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `The protocol name ${req.protocolName} is not the protocol name ${protocol.name} returned in the join response.`);
  }
  if (group.assignmentEpoch > member.memberEpoch && member.state !== MemberState.UNREVOKED_PARTITIONS) {
    scheduleJoinTimeout(ctx, group, member);
    throw new GroupError(ErrorCode.REBALANCE_IN_PROGRESS, `A new rebalance is triggered in group ${group.groupId} and member ${member.memberId} should rejoin to catch up.`);
  }
  ctx.timers.cancel(timerKey.sync(group.groupId, member.memberId));
  ctx.timers.schedule(timerKey.session(group.groupId, member.memberId), member.classicMemberMetadata!.sessionTimeoutMs, () =>
    ctx.fenceLater(group.groupId, member.memberId, 'the member session expired'),
  );
  let version = 0;
  try {
    version = protocolVersion(protocol.metadata);
  } catch {
    version = 0;
  }
  return { errorCode: ErrorCode.NONE, protocolType: req.protocolType, protocolName: req.protocolName, assignment: encodeAssignment(withoutEpochs(member.assignedPartitions), ctx.topics, version) };
}

export function classicHeartbeatToConsumerGroup(ctx: FlowContext, group: ConsumerGroup, memberId: string, instanceId: string | null, generationId: number): number {
  const member = classicMember(group, memberId, instanceId);
  if (member.memberEpoch !== generationId) {
    throw new GroupError(ErrorCode.ILLEGAL_GENERATION, `The request generation id ${generationId} is not equal to the member epoch ${member.memberEpoch} of member ${memberId}.`);
  }
  ctx.timers.schedule(timerKey.session(group.groupId, memberId), member.classicMemberMetadata!.sessionTimeoutMs, () => ctx.fenceLater(group.groupId, memberId, 'the member session expired'));
  const mustRejoin =
    member.memberEpoch < group.assignmentEpoch ||
    member.state === MemberState.UNREVOKED_PARTITIONS ||
    (member.state === MemberState.UNRELEASED_PARTITIONS && !group.waitingOnUnreleasedPartition(member));
  if (!mustRejoin) return ErrorCode.NONE;
  scheduleJoinTimeout(ctx, group, member);
  return ErrorCode.REBALANCE_IN_PROGRESS;
}

export function classicLeaveConsumerGroup(
  ctx: FlowContext,
  op: Operation,
  group: ConsumerGroup,
  leaving: readonly { memberId: string; groupInstanceId: string | null }[],
): { memberId: string; groupInstanceId: string | null; errorCode: number }[] {
  const responses: { memberId: string; groupInstanceId: string | null; errorCode: number }[] = [];
  const valid: ConsumerMember[] = [];
  for (const l of leaving) {
    try {
      let member: ConsumerMember;
      if (l.groupInstanceId === null) {
        member = existingMember(group, l.memberId);
      } else {
        member = staticMemberOrThrow(group, l.groupInstanceId);
        if (l.memberId !== '') throwIfInstanceFenced(member, l.memberId, l.groupInstanceId);
      }
      ctx.logger.info('member left the consumer group with LeaveGroup', { group: group.groupId, memberId: member.memberId, instance: l.groupInstanceId });
      responses.push({ ...l, errorCode: ErrorCode.NONE });
      if (!valid.includes(member)) valid.push(member);
    } catch (e) {
      if (!(e instanceof GroupError)) throw e;
      responses.push({ ...l, errorCode: e.errorCode });
    }
  }
  fenceMembers(ctx, op, group, valid);
  return responses;
}
