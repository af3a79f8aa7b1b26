// Routes the group membership APIs to the kind of group that holds the id, as Kafka's
// GroupMetadataManager does:
//
//   JoinGroup       non-empty consumer group -> its classic-member translation (KIP-848 migration);
//                   empty consumer group     -> deleted, then a classic group takes the id;
//                   share group              -> INCONSISTENT_GROUP_PROTOCOL;
//                   otherwise                -> the classic protocol (group-membership.ts)
//   SyncGroup, Heartbeat, LeaveGroup         -> the consumer group's translation when the id is one
//   ConsumerGroupHeartbeat                   -> consumer groups (an empty classic group is replaced, a
//                                               non-empty one upgraded when the policy allows)
import { ErrorCode } from '../../protocol/errors.js';
import { classicHeartbeatToConsumerGroup, classicJoinToConsumerGroup, classicLeaveConsumerGroup, classicSyncToConsumerGroup, type ClassicJoinResult } from './consumer/classic-member-flow.js';
import type { ConsumerGroupService } from './consumer/consumer-group-service.js';
import { GroupError } from './consumer/group-error.js';
import { consumerGroupHeartbeat, heartbeatRequestError, type HeartbeatRequest, type HeartbeatResponse } from './consumer/heartbeat-flow.js';
import { joinError, type GroupMembership, type JoinRequest, type LeaveResult, type SyncRequest } from './group-membership.js';
import type { JoinOutcome, SyncOutcome } from './member.js';

function syncError(errorCode: number): SyncOutcome {
  return { errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
}

export class GroupProtocols {
  constructor(
    private readonly classic: GroupMembership,
    private readonly consumer: ConsumerGroupService,
  ) {}

  async join(req: JoinRequest): Promise<JoinOutcome> {
    // A share group's id cannot be joined with the classic protocol (Kafka's classicGroupJoin).
    if (this.consumer.isShareGroup(req.groupId)) return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId);
    const group = this.consumer.consumerGroup(req.groupId);
    if (group && !group.isEmpty) {
      const result = await this.consumer.run<ClassicJoinResult | null>(
        req.groupId,
        (op) => {
          op.group = group;
          return classicJoinToConsumerGroup(this.consumer, op, group, req);
        },
        (errorCode) => ({ outcome: joinError(errorCode, req.memberId), afterWrite: () => undefined }),
        (r) => r?.afterWrite(),
      );
      return result!.outcome;
    }
    if (group) {
      // An empty consumer group gives its id to a classic group (its offsets stay).
      const deleted = await this.consumer.run(
        req.groupId,
        (op) => {
          this.consumer.deleteGroupRecords(op, group);
          return ErrorCode.NONE;
        },
        (errorCode) => errorCode,
      );
      if (deleted !== ErrorCode.NONE) return joinError(deleted, req.memberId);
      this.consumer.logger.info('converted the empty consumer group to a classic group', { group: req.groupId });
    }
    return this.classic.join(req);
  }

  sync(req: SyncRequest): Promise<SyncOutcome> {
    const group = this.consumer.consumerGroup(req.groupId);
    if (!group) return this.classic.sync(req);
    try {
      return Promise.resolve(classicSyncToConsumerGroup(this.consumer, group, req));
    } catch (e) {
      if (e instanceof GroupError) return Promise.resolve(syncError(e.errorCode));
      throw e;
    }
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    const group = this.consumer.consumerGroup(groupId);
    if (!group) return this.classic.heartbeat(groupId, memberId, groupInstanceId, generationId);
    try {
      return classicHeartbeatToConsumerGroup(this.consumer, group, memberId, groupInstanceId, generationId);
    } catch (e) {
      if (e instanceof GroupError) return e.errorCode;
      throw e;
    }
  }

  async leave(groupId: string, leaving: readonly { memberId: string; groupInstanceId: string | null }[]): Promise<LeaveResult> {
    const group = this.consumer.consumerGroup(groupId);
    if (!group) return this.classic.leave(groupId, leaving);
    return this.consumer.run<LeaveResult>(
      groupId,
      (op) => {
        op.group = group;
        return { errorCode: ErrorCode.NONE, members: classicLeaveConsumerGroup(this.consumer, op, group, leaving) };
      },
      (errorCode) => ({ errorCode, members: [] }),
    );
  }

  /** ConsumerGroupHeartbeat (KIP-848). */
  consumerHeartbeat(req: HeartbeatRequest, apiVersion: number): Promise<HeartbeatResponse> {
    const error = (errorCode: number, errorMessage: string | null): HeartbeatResponse => ({ errorCode, errorMessage, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null });
    const invalid = heartbeatRequestError(req, apiVersion, this.consumer.assignors.names);
    if (invalid) return Promise.resolve(error(invalid.errorCode, invalid.message));
    return this.consumer.run(req.groupId, (op) => consumerGroupHeartbeat(this.consumer, op, req), error);
  }
}
