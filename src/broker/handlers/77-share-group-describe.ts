// ShareGroupDescribe (key 77, v1; KIP-932): state, epochs, assignor and members (with their
// subscriptions and assignments) of share groups. An id that is not a share group is
// GROUP_ID_NOT_FOUND ("Group X is not a share group." when it is a classic group), an empty id
// INVALID_GROUP_ID.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { AclOperation, NOT_REQUESTED } from '../topics/authorized-operations.js';
import { authorize, operationsFor } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.ShareGroupDescribe,
  minVersion: 1,
  maxVersion: 1,
  handle(request, ctx) {
    const shares = ctx.broker.shareGroups;
    const groups = request.groupIds.map((groupId) => {
      const base = { groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [], authorizedOperations: NOT_REQUESTED };
      // DESCRIBE on the group, per group (KafkaApis.handleShareGroupDescribe).
      if (!authorize(ctx, AclOperation.DESCRIBE, 'group', groupId)) return { ...base, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: null };
      if (groupId === '') return { ...base, errorCode: ErrorCode.INVALID_GROUP_ID, errorMessage: 'The group id is empty.' };
      const g = shares.groups.get(groupId);
      if (!g) {
        const message = ctx.broker.groups.groups.has(groupId) ? `Group ${groupId} is not a share group.` : `Group ${groupId} not found.`;
        return { ...base, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: message };
      }
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        groupId,
        groupState: g.state,
        groupEpoch: g.groupEpoch,
        assignmentEpoch: g.assignmentEpoch,
        assignorName: 'simple',
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          rackId: m.rackId,
          memberEpoch: m.memberEpoch,
          clientId: m.clientId,
          clientHost: m.clientHost,
          subscribedTopicNames: m.subscribedTopicNames,
          assignment: { topicPartitions: shares.wireAssignment(m.assignment) },
        })),
        authorizedOperations: operationsFor(ctx, request.includeAuthorizedOperations, 'group', groupId),
      };
    });
    return { throttleTimeMs: 0, groups };
  },
});
