// DeleteAcls (key 31), v0-3: removes every binding matching each filter (durably before answering)
// and returns what each filter removed. Needs ALTER on the cluster; SECURITY_DISABLED without an
// authorizer. Each binding removed is an audit line.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { operationName, PatternType, permissionName, resourceTypeName, patternTypeName } from '../security/acl-model.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { authorize, principalOf } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DeleteAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const { security } = ctx.broker;
    const all = (errorCode: number, errorMessage: string | null) => ({ throttleTimeMs: 0, filterResults: request.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })) });
    if (security.authorizer === null) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    if (!authorize(ctx, AclOperation.ALTER, 'cluster', CLUSTER_RESOURCE_NAME)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
    const filters = request.filters.map((f) => ({
      resourceType: f.resourceTypeFilter,
      resourceName: f.resourceNameFilter,
      patternType: ctx.header.apiVersion === 0 ? PatternType.LITERAL : f.patternTypeFilter,
      principal: f.principalFilter,
      host: f.hostFilter,
      operation: f.operation,
      permission: f.permissionType,
    }));
    const removed = await security.acls.remove(filters);
    for (const b of removed.flat()) {
      security.audit.info('acl deleted', { by: principalOf(ctx), resourceType: resourceTypeName(b.resourceType), resourceName: b.resourceName, patternType: patternTypeName(b.patternType), principal: b.principal, host: b.host, operation: operationName(b.operation), permission: permissionName(b.permission) });
    }
    return {
      throttleTimeMs: 0,
      filterResults: removed.map((list) => ({
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        matchingAcls: list.map((b) => ({ errorCode: ErrorCode.NONE, errorMessage: null, resourceType: b.resourceType, resourceName: b.resourceName, patternType: b.patternType, principal: b.principal, host: b.host, operation: b.operation, permissionType: b.permission })),
      })),
    };
  },
});
