// ConsumerGroupHeartbeat (KIP-848), the one API a consumer-protocol member speaks: joining (epoch 0),
// heartbeating with its subscription and owned partitions, and leaving (epoch -1, or -2 for a static
// member that will come back). Each heartbeat may move the group epoch (subscription or topic
// metadata changed), compute a new target assignment (at most once per assignment interval), and
// reconcile the member one step towards its target. Ported from Kafka 4.4's GroupMetadataManager
// (consumerGroupHeartbeat, consumerGroupLeave), whose error codes and fields it reproduces.
import { ErrorCode } from '../../../protocol/errors.js';
import { samePartitions, type AssignmentWithEpochs, type TopicPartitionsById } from './assignment.js';
import type { ConsumerGroup } from './consumer-group.js';
import { LEAVE_GROUP_STATIC_MEMBER_EPOCH, normalizeTopicNames, withChanges, type ConsumerMember } from './consumer-member.js';
import type { FlowContext } from './flow-context.js';
import { GroupError } from './group-error.js';
import { currentAssignmentRecord } from './member-records.js';
import {
  consumerGroupFor,
  dynamicMember,
  existingMember,
  fenceMembers,
  maybeBumpGroupEpoch,
  maybeReconcile,
  newMemberId,
  regexStatus,
  scheduleSession,
  staticMember,
  staticMemberOrThrow,
  subscriptionChanged,
  targetFor,
  throwIfGroupFull,
  throwIfInstanceFenced,
} from './membership-steps.js';
import type { Operation } from './operation.js';

export interface HeartbeatRequest {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  topicPartitions: TopicPartitionsById[] | null;
  clientId: string;
  clientHost: string;
}

export interface HeartbeatResponse {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  /** Partitions the member may use now; null when unchanged. */
  assignment: AssignmentWithEpochs | null;
}

/** Kafka's request validation (GroupCoordinatorService.throwIfConsumerGroupHeartbeatRequestIsInvalid). */
export function heartbeatRequestError(req: HeartbeatRequest, apiVersion: number, assignorNames: readonly string[]): GroupError | null {
  const invalid = (m: string): GroupError => new GroupError(ErrorCode.INVALID_REQUEST, m);
  // v1+ (KIP-1082): the client generates its member id; v0 only asks for one when joining.
  if ((apiVersion >= 1 || req.memberEpoch > 0 || req.memberEpoch === -1) && req.memberId === '') return invalid("MemberId can't be empty.");
  if (req.groupId === '') return invalid("GroupId can't be empty.");
  if (req.instanceId === '') return invalid("InstanceId can't be empty.");
  if (req.rackId === '') return invalid("RackId can't be empty.");
  if (req.memberEpoch === 0) {
    if (req.rebalanceTimeoutMs === -1) return invalid('RebalanceTimeoutMs must be provided in first request.');
    if (req.topicPartitions === null || req.topicPartitions.length > 0) return invalid('TopicPartitions must be empty when (re-)joining.');
    if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) return invalid('Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.');
  } else if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    if (req.instanceId === null) return invalid("InstanceId can't be null.");
  } else if (req.memberEpoch < -2) {
    return invalid('MemberEpoch is invalid.');
  }
  if (req.serverAssignor !== null && !assignorNames.includes(req.serverAssignor)) {
    return new GroupError(ErrorCode.UNSUPPORTED_ASSIGNOR, `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${assignorNames.join(', ')}.`);
  }
  return null;
}

export function consumerGroupHeartbeat(ctx: FlowContext, op: Operation, req: HeartbeatRequest): HeartbeatResponse {
  if (req.memberEpoch === -1 || req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) return leave(ctx, op, req);
  const joining = req.memberEpoch === 0;
  const group = consumerGroupFor(ctx, op, joining);
  throwIfGroupFull(ctx, group, req.memberId, req.instanceId);
  const memberId = req.memberId === '' ? newMemberId() : req.memberId;
  const member =
    req.instanceId === null
      ? dynamicMember(ctx, group, memberId, req.memberEpoch, req.topicPartitions, joining, false)
      : staticMember(ctx, op, group, memberId, req.memberEpoch, req.instanceId, req.topicPartitions, joining, false);
  const updated = withChanges(member, {
    ...(req.instanceId !== null ? { instanceId: req.instanceId } : {}),
    ...(req.rackId !== null ? { rackId: req.rackId } : {}),
    ...(req.rebalanceTimeoutMs !== -1 ? { rebalanceTimeoutMs: req.rebalanceTimeoutMs } : {}),
    ...(req.serverAssignor !== null ? { serverAssignor: req.serverAssignor } : {}),
    ...(req.subscribedTopicNames !== null ? { subscribedTopicNames: normalizeTopicNames(req.subscribedTopicNames) } : {}),
    ...(req.subscribedTopicRegex !== null ? { subscribedTopicRegex: req.subscribedTopicRegex } : {}),
    clientId: req.clientId,
    clientHost: req.clientHost,
    classicMemberMetadata: null,
  });
  const namesChanged = subscriptionChanged(op, member, updated);
  const regex = regexStatus(ctx, op, group, member, updated);
  const preferredChanged = (group.preferredServerAssignor(member, updated) ?? ctx.assignors.defaultName) !== (group.preferredServerAssignor() ?? ctx.assignors.defaultName);
  const hasSubscriptionChanged = namesChanged || regex !== 'no-change';
  const groupEpoch = maybeBumpGroupEpoch(ctx, op, group, member, updated, namesChanged || regex === 'updated-and-resolved' || preferredChanged);
  const target = targetFor(ctx, op, group, groupEpoch, member, updated);
  const reconciled = maybeReconcile(ctx, op, group, updated, target, hasSubscriptionChanged, req.topicPartitions);
  scheduleSession(ctx, group.groupId, memberId, ctx.settings.sessionTimeoutMs(group.groupId));
  // The full assignment goes back on a join, on a full request (a client that lost track of it),
  // and whenever what the member may own changed.
  const fullRequest = req.rebalanceTimeoutMs !== -1 && (req.subscribedTopicNames !== null || req.subscribedTopicRegex !== null) && req.topicPartitions !== null;
  const sendAssignment = joining || fullRequest || !samePartitions(member.assignedPartitions, reconciled.assignedPartitions);
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    memberId: reconciled.memberId,
    memberEpoch: reconciled.memberEpoch,
    heartbeatIntervalMs: ctx.settings.heartbeatIntervalMs(group.groupId),
    assignment: sendAssignment ? reconciled.assignedPartitions : null,
  };
}

function leave(ctx: FlowContext, op: Operation, req: HeartbeatRequest): HeartbeatResponse {
  const group = consumerGroupFor(ctx, op, false);
  const response: HeartbeatResponse = { errorCode: ErrorCode.NONE, errorMessage: null, memberId: req.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
  if (req.instanceId === null) {
    const member = existingMember(group, req.memberId);
    ctx.logger.info('member left the consumer group', { group: group.groupId, memberId: req.memberId });
    fenceMembers(ctx, op, group, [member]);
    return response;
  }
  const member = staticMemberOrThrow(group, req.instanceId);
  throwIfInstanceFenced(member, req.memberId, req.instanceId);
  if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    staticTemporaryLeave(ctx, op, group, member);
    return { ...response, memberId: member.memberId, memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH };
  }
  ctx.logger.info('static member left the consumer group', { group: group.groupId, memberId: req.memberId, instance: req.instanceId });
  fenceMembers(ctx, op, group, [member]);
  return response;
}

/**
 * KIP-848 static membership: a static member shutting down keeps its place (epoch -2) with its
 * partitions, now at assignment epoch 0, until its session expires; a new member with the same
 * instance id takes them over without a rebalance.
 */
function staticTemporaryLeave(ctx: FlowContext, op: Operation, group: ConsumerGroup, member: ConsumerMember): void {
  const zeroed = new Map([...member.assignedPartitions].map(([t, ps]) => [t, new Map([...ps.keys()].map((p) => [p, 0]))]));
  const leaving = withChanges(member, { memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH, partitionsPendingRevocation: new Map(), assignedPartitions: zeroed });
  op.add(currentAssignmentRecord(group.groupId, leaving));
  ctx.logger.info('static member temporarily left the consumer group', { group: group.groupId, memberId: member.memberId, instance: member.instanceId });
}
