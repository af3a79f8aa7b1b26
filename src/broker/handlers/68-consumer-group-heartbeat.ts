// ConsumerGroupHeartbeat (key 68, KIP-848): the consumer group protocol's one request, joining
// (epoch 0), heartbeating with subscription and owned partitions, and leaving (epoch -1, or -2 for a
// static member coming back). v1+ (KIP-1082): the client generates its member id, so it must be set;
// v1+ may subscribe with a regular expression evaluated on the broker (RE2 syntax). The response is
// sent once the group's records are fsynced; its assignment lists the partitions the member may own
// now (null when unchanged). See groups/consumer/heartbeat-flow.ts.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { assignmentToList } from '../groups/consumer/assignment.js';
import { clientHostOf } from '../groups/client-host.js';
import { aclsEnforced, authorize, authorizedNames } from './authorize.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.ConsumerGroupHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const v = ctx.header.apiVersion;
    // ACLs: READ on the group (KafkaApis.handleConsumerGroupHeartbeat).
    if (!authorize(ctx, AclOperation.READ, 'group', request.groupId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
    }
    // Then DESCRIBE on every subscribed topic name (Kafka 4.x KafkaApis): one refused, the heartbeat is.
    const names = request.subscribedTopicNames ?? [];
    if (aclsEnforced(ctx) && names.length > 0 && authorizedNames(ctx, AclOperation.DESCRIBE, 'topic', names).size < new Set(names).size) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null };
    }
    const out = await ctx.broker.groups.protocols.consumerHeartbeat(
      {
        groupId: request.groupId,
        memberId: request.memberId,
        memberEpoch: request.memberEpoch,
        instanceId: request.instanceId,
        rackId: request.rackId,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        subscribedTopicNames: request.subscribedTopicNames,
        subscribedTopicRegex: v >= 1 ? request.subscribedTopicRegex : null,
        serverAssignor: request.serverAssignor,
        topicPartitions: request.topicPartitions,
        clientId: ctx.header.clientId ?? '',
        clientHost: clientHostOf(ctx.clientAddress),
      },
      v,
    );
    return {
      throttleTimeMs: 0,
      errorCode: out.errorCode,
      errorMessage: out.errorMessage,
      memberId: out.memberId,
      memberEpoch: out.memberEpoch,
      heartbeatIntervalMs: out.heartbeatIntervalMs,
      assignment: out.assignment === null ? null : { topicPartitions: assignmentToList(out.assignment) },
    };
  },
});
