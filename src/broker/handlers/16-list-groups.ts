// ListGroups (key 16): every group this coordinator knows: classic, KIP-848 consumer and share (KIP-932)
// groups, through the group-kind registry (groups/group-kinds.ts). v4+ filter by state (KIP-518), v5+ by
// group type ("classic", "consumer", "share"; KIP-848).
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { permitted } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, ctx) {
    const v = ctx.header.apiVersion;
    const groups = ctx.broker.groups.kinds.list(v >= 4 ? request.statesFilter : [], v >= 5 ? request.typesFilter : []);
    // KafkaApis.handleListGroupsRequest: all groups with DESCRIBE on the cluster, else only the groups
    // the principal may DESCRIBE; neither denial is an error nor an audit line (logIfDenied = false).
    const visible = permitted(ctx, AclOperation.DESCRIBE, 'cluster', CLUSTER_RESOURCE_NAME) ? groups : groups.filter((g) => permitted(ctx, AclOperation.DESCRIBE, 'group', g.groupId));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: visible };
  },
});
