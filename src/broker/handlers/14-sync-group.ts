// SyncGroup (key 14): the leader brings the assignment, everyone leaves with their share.
// v3+ carry group.instance.id (KIP-345); v5+ name the protocol type and name, which must match the
// group's (INCONSISTENT_GROUP_PROTOCOL), and the response echoes them.
import { apis } from '../../protocol/messages/index.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request, ctx) {
    const v = ctx.header.apiVersion;
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
