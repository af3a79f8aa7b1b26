// SyncGroup (key 14): the leader brings the assignment, everyone leaves with their share.
// v3+ carry group.instance.id (KIP-345); v5+ name the protocol type and name, which must match the
// group's (INCONSISTENT_GROUP_PROTOCOL), and the response echoes them.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { authorize } from './authorize.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const v = ctx.header.apiVersion;
    // ACLs: READ on the group.
    if (!authorize(ctx, AclOperation.READ, 'group', request.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    const out = await ctx.broker.groups.protocols.sync({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: v >= 3 ? request.groupInstanceId : null,
      protocolType: v >= 5 ? request.protocolType : null,
      protocolName: v >= 5 ? request.protocolName : null,
      assignments: request.assignments,
    });
    return { throttleTimeMs: 0, ...out };
  },
});
