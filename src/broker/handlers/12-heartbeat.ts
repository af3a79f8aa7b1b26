// Heartbeat (key 12): keeps a member's session alive and tells it when to rejoin
// (REBALANCE_IN_PROGRESS). v3+ carry group.instance.id (KIP-345).
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { authorize } from './authorize.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle(request, ctx) {
    // ACLs: READ on the group.
    if (!authorize(ctx, AclOperation.READ, 'group', request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    const instanceId = ctx.header.apiVersion >= 3 ? request.groupInstanceId : null;
    const errorCode = ctx.broker.groups.protocols.heartbeat(request.groupId, request.memberId, instanceId, request.generationId);
    return { throttleTimeMs: 0, errorCode };
  },
});
