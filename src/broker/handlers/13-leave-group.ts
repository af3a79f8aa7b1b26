// LeaveGroup (key 13). v0-2 name one member; v3+ a batch of members, each by member id and/or
// group.instance.id (KIP-345), answered per member. v5+ add a reason (logged by clients only).
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { authorize } from './authorize.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    // ACLs: READ on the group.
    if (!authorize(ctx, AclOperation.READ, 'group', request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] };
    const batched = ctx.header.apiVersion >= 3;
    const leaving = batched ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId })) : [{ memberId: request.memberId, groupInstanceId: null }];
    const result = await ctx.broker.groups.protocols.leave(request.groupId, leaving);
    if (batched) return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members };
    // One member: its own error is the response's error.
    const single = result.members[0]?.errorCode ?? result.errorCode;
    return { throttleTimeMs: 0, errorCode: result.errorCode !== 0 ? result.errorCode : single, members: [] };
  },
});
