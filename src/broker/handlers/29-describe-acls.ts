// DescribeAcls (key 29), v0-3: the bindings matching one filter, grouped by resource pattern. Needs
// DESCRIBE on the cluster; SECURITY_DISABLED without an authorizer, as Kafka answers.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { filterMatches, PatternType } from '../security/acl-model.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { authorize } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DescribeAcls,
  minVersion: 0,
  maxVersion: 3,
  handle(request, ctx) {
    const { security } = ctx.broker;
    const none = { throttleTimeMs: 0, errorMessage: null, resources: [] };
    if (security.authorizer === null) return { ...none, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.' };
    if (!authorize(ctx, AclOperation.DESCRIBE, 'cluster', CLUSTER_RESOURCE_NAME)) return { ...none, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED };
    // v0 has no pattern type: it means LITERAL.
    const patternTypeFilter = ctx.header.apiVersion === 0 ? PatternType.LITERAL : request.patternTypeFilter;
    const filter = { resourceType: request.resourceTypeFilter, resourceName: request.resourceNameFilter, patternType: patternTypeFilter, principal: request.principalFilter, host: request.hostFilter, operation: request.operation, permission: request.permissionType };
    const groups = new Map<string, { resourceType: number; resourceName: string; patternType: number; acls: { principal: string; host: string; operation: number; permissionType: number }[] }>();
    for (const b of security.acls.all) {
      if (!filterMatches(filter, b)) continue;
      const key = `${b.resourceType}\u0000${b.patternType}\u0000${b.resourceName}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, acls: [] }));
      g.acls.push({ principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permission });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: [...groups.values()] };
  },
});
