// The one call every handler makes to check a request against the broker's authorizer: the
// connection's principal and host, one audit line per denial. Without an authorizer configured
// (ALLOW_EVERYTHING) it costs one comparison, so the unauthenticated hot path stays as it was.
import { ANONYMOUS_PRINCIPAL } from '../security/principal.js';
import { AclOperation, ALLOW_EVERYTHING, CLUSTER_RESOURCE_NAME, requestedOperations, type AclOperationCode, type ResourceKind } from '../topics/authorized-operations.js';
import { ErrorCode } from '../../protocol/errors.js';
import { ConfigResourceType } from '../config/resource-types.js';
import type { RequestContext } from './handler.js';

/** Whether the request's principal may do `operation` on the resource; a denial is audited. */
export function authorize(ctx: RequestContext, operation: AclOperationCode, resource: ResourceKind, name: string): boolean {
  const authorizer = ctx.broker.authorizer;
  if (authorizer === ALLOW_EVERYTHING) return true;
  const principal = ctx.session?.principal ?? ANONYMOUS_PRINCIPAL;
  if (authorizer.allows({ principal, operation, resource, name, host: ctx.session?.clientHost ?? '' })) return true;
  ctx.broker.security.audit.info('denied', { principal, host: ctx.session?.clientHost ?? '', apiKey: ctx.header.apiKey, operation, resource, name });
  return false;
}

/**
 * The same for checks whose denial is not an error (what Metadata or ListGroups may list, a cluster
 * right tried before the per-resource one): Kafka passes logIfDenied = false there, and its authorizer
 * then writes the denial at DEBUG instead of INFO. So do we: an audit line at debug level.
 */
export function permitted(ctx: RequestContext, operation: AclOperationCode, resource: ResourceKind, name: string): boolean {
  const authorizer = ctx.broker.authorizer;
  if (authorizer === ALLOW_EVERYTHING) return true;
  const principal = ctx.session?.principal ?? ANONYMOUS_PRINCIPAL;
  if (authorizer.allows({ principal, operation, resource, name, host: ctx.session?.clientHost ?? '' })) return true;
  const audit = ctx.broker.security.audit;
  // Metadata may filter thousands of topics per request: no fields object for a line below the log level.
  if (audit.enabled('debug')) audit.debug('denied', { principal, host: ctx.session?.clientHost ?? '', apiKey: ctx.header.apiKey, operation, resource, name, filtered: true });
  return false;
}

/** The connection's principal (ANONYMOUS outside a connection). */
export function principalOf(ctx: RequestContext): string {
  return ctx.session?.principal ?? ANONYMOUS_PRINCIPAL;
}

/** The KIP-430 bitfield for the connection's principal and host (or "not requested"). */
export function operationsFor(ctx: RequestContext, included: boolean, resource: ResourceKind, name: string): number {
  return requestedOperations(included, ctx.broker.authorizer, principalOf(ctx), resource, name, ctx.session?.clientHost ?? '');
}

/**
 * DescribeConfigs / AlterConfigs / IncrementalAlterConfigs on one config resource (KafkaApis):
 * DESCRIBE_CONFIGS or ALTER_CONFIGS on the topic, the group, or the cluster (broker and logger
 * resources); null when allowed, else the resource's authorization error.
 */
export function configAccessDenied(ctx: RequestContext, resourceType: number, resourceName: string, alter: boolean): { errorCode: number; errorMessage: string } | null {
  const operation = alter ? AclOperation.ALTER_CONFIGS : AclOperation.DESCRIBE_CONFIGS;
  if (resourceType === ConfigResourceType.TOPIC) return authorize(ctx, operation, 'topic', resourceName) ? null : { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Authorization failed.' };
  if (resourceType === ConfigResourceType.GROUP) return authorize(ctx, operation, 'group', resourceName) ? null : { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, errorMessage: 'Authorization failed.' };
  return authorize(ctx, operation, 'cluster', CLUSTER_RESOURCE_NAME) ? null : { errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Authorization failed.' };
}

/**
 * Kafka's filterByAuthorized: the distinct names among `names` the principal may do `operation` on
 * (one decision and at most one audit line per distinct name).
 */
export function authorizedNames(ctx: RequestContext, operation: AclOperationCode, resource: ResourceKind, names: Iterable<string>): Set<string> {
  const allowed = new Set<string>();
  if (ctx.broker.authorizer === ALLOW_EVERYTHING) {
    for (const n of names) allowed.add(n);
    return allowed;
  }
  const decided = new Set<string>();
  for (const n of names) {
    if (decided.has(n)) continue;
    decided.add(n);
    if (authorize(ctx, operation, resource, n)) allowed.add(n);
  }
  return allowed;
}

/** Whether any authorizer other than allow-everything is in force (skip per-item work without one). */
export function aclsEnforced(ctx: RequestContext): boolean {
  return ctx.broker.authorizer !== ALLOW_EVERYTHING;
}
