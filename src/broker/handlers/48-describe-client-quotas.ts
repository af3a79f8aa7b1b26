// DescribeClientQuotas (key 48), v0-1 (KIP-546): the stored client quotas whose entity passes the
// filter (security/quota-model.ts: exact name, the default, or any specified name per entity type;
// strict also excludes entities with other types). Needs DESCRIBE_CONFIGS on the cluster, else
// CLUSTER_AUTHORIZATION_FAILED; a bad filter is INVALID_REQUEST with Kafka's message.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { ANONYMOUS_PRINCIPAL } from '../security/principal.js';
import { checkFilter, filterMatches, QuotaRequestError } from '../security/quota-model.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DescribeClientQuotas,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const { broker } = ctx;
    const principal = ctx.session?.principal ?? ANONYMOUS_PRINCIPAL;
    if (!broker.authorizer.allows({ principal, operation: AclOperation.DESCRIBE_CONFIGS, resource: 'cluster', name: CLUSTER_RESOURCE_NAME, host: ctx.session?.clientHost })) {
      broker.security.audit.info('denied', { principal, api: 'DescribeClientQuotas', operation: 'DESCRIBE_CONFIGS', resource: 'cluster' });
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', entries: null };
    }
    try {
      checkFilter(request.components);
    } catch (e) {
      if (!(e instanceof QuotaRequestError)) throw e;
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: e.message, entries: null };
    }
    const entries = [];
    for (const stored of broker.security.quotaStore.all) {
      if (!filterMatches(request.components, request.strict, stored.entity)) continue;
      entries.push({
        entity: [...stored.entity.entries()].map(([entityType, entityName]) => ({ entityType, entityName })),
        values: [...stored.quotas.entries()].map(([key, value]) => ({ key, value })),
      });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, entries };
  },
});
