// ShareGroupHeartbeat (key 76, v1; KIP-932): joins (epoch 0), heartbeats and leaves (epoch -1) a
// share group; the answer carries the member epoch and, when it changed or was asked for, the
// member's assignment (groups/share/share-group-coordinator.ts).
import { apis } from '../../protocol/messages/index.js';
import { clientHostOf } from '../groups/client-host.js';
import { ErrorCode } from '../../protocol/errors.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { aclsEnforced, authorize, authorizedNames } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.ShareGroupHeartbeat,
  minVersion: 1,
  maxVersion: 1,
  handle(request, ctx) {
    // READ on the group (KafkaApis.handleShareGroupHeartbeat).
    if (!authorize(ctx, AclOperation.READ, 'group', request.groupId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
    }
    // Then DESCRIBE on every subscribed topic (Kafka 4.x KafkaApis): one refused, the heartbeat is.
    const names = request.subscribedTopicNames ?? [];
    if (aclsEnforced(ctx) && names.length > 0 && authorizedNames(ctx, AclOperation.DESCRIBE, 'topic', names).size < new Set(names).size) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
    }
    const out = ctx.broker.shareGroups.heartbeat({
      groupId: request.groupId,
      memberId: request.memberId,
      memberEpoch: request.memberEpoch,
      rackId: request.rackId,
      subscribedTopicNames: request.subscribedTopicNames,
      clientId: ctx.header.clientId ?? '',
      clientHost: clientHostOf(ctx.clientAddress),
    });
    const assignment = out.assignment ? { topicPartitions: out.assignment.topicPartitions.map((t) => ({ topicId: t.topicId, partitions: t.partitions })) } : null;
    return { throttleTimeMs: 0, ...out, assignment };
  },
});
