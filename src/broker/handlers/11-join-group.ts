// JoinGroup (key 11). v1+ carry a rebalance timeout (v0: the session timeout serves as both);
// v4+ make an unknown member rejoin with the member id it is given (MEMBER_ID_REQUIRED, KIP-394);
// v5+ static membership (group.instance.id, KIP-345); v7+ echo the protocol type; v8+ a reason;
// v9+ skipAssignment for a restarted static leader (KIP-814).
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { clientHostOf } from '../groups/client-host.js';
import { authorize } from './authorize.js';
import { AclOperation } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  async handle(request, ctx) {
    const v = ctx.header.apiVersion;
    // ACLs: READ on the group (KafkaApis.handleJoinGroupRequest).
    if (!authorize(ctx, AclOperation.READ, 'group', request.groupId)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, generationId: -1, protocolType: null, protocolName: v >= 7 ? null : '', leader: '', skipAssignment: false, memberId: '', members: [] };
    }
    const out = await ctx.broker.groups.protocols.join({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: v >= 5 ? request.groupInstanceId : null,
      clientId: ctx.header.clientId ?? '',
      clientHost: clientHostOf(ctx.clientAddress),
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: v >= 1 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols,
      requireKnownMemberId: v >= 4,
      supportsSkipAssignment: v >= 9,
    });
    return {
      throttleTimeMs: 0,
      errorCode: out.errorCode,
      generationId: out.generationId,
      protocolType: out.protocolType,
      protocolName: v >= 7 ? out.protocolName : (out.protocolName ?? ''),
      leader: out.leader,
      skipAssignment: out.skipAssignment,
      memberId: out.memberId,
      members: out.members,
    };
  },
});
