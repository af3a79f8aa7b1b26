// CreateAcls (key 30), v0-3: adds bindings, durably before answering, one result per creation.
// Needs ALTER on the cluster. An invalid binding (ANY/UNKNOWN codes, MATCH pattern, bad principal)
// is INVALID_REQUEST for that creation only; SECURITY_DISABLED without an authorizer. Each binding
// added is an audit line.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { invalidBinding, operationName, PatternType, permissionName, resourceTypeName, patternTypeName, type AclBinding } from '../security/acl-model.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { authorize, principalOf } from './authorize.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.CreateAcls,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const { security } = ctx.broker;
    const all = (errorCode: number, errorMessage: string | null) => ({ throttleTimeMs: 0, results: request.creations.map(() => ({ errorCode, errorMessage })) });
    if (security.authorizer === null) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured.');
    if (!authorize(ctx, AclOperation.ALTER, 'cluster', CLUSTER_RESOURCE_NAME)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
    const results: { errorCode: number; errorMessage: string | null }[] = [];
    const valid: AclBinding[] = [];
    for (const c of request.creations) {
      const binding: AclBinding = {
        resourceType: c.resourceType,
        resourceName: c.resourceName,
        patternType: ctx.header.apiVersion === 0 ? PatternType.LITERAL : c.resourcePatternType,
        principal: c.principal,
        host: c.host,
        operation: c.operation,
        permission: c.permissionType,
      };
      const problem = invalidBinding(binding);
      results.push(problem === null ? { errorCode: ErrorCode.NONE, errorMessage: null } : { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: problem });
      if (problem === null) valid.push(binding);
    }
    if (valid.length > 0) {
      await security.acls.add(valid);
      for (const b of valid) {
        security.audit.info('acl created', { by: principalOf(ctx), resourceType: resourceTypeName(b.resourceType), resourceName: b.resourceName, patternType: patternTypeName(b.patternType), principal: b.principal, host: b.host, operation: operationName(b.operation), permission: permissionName(b.permission) });
      }
    }
    return { throttleTimeMs: 0, results };
  },
});
