// AlterClientQuotas (key 49), v0-1 (KIP-546): sets and removes client quotas per entity, durably
// (security/quota-store.ts) before answering. Needs ALTER_CONFIGS on the cluster, else every entry is
// CLUSTER_AUTHORIZATION_FAILED. Each entry is checked as Kafka's ClientQuotaControlManager checks it
// (entity types and combination, keys valid for the entity, values > 0, integral where the key is):
// a failing entry is INVALID_REQUEST with Kafka's message and changes nothing; the others apply.
// validate_only checks without changing. Every change is an audit log line.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { ANONYMOUS_PRINCIPAL } from '../security/principal.js';
import { checkQuotaValue, entityFromWire, entityKey, keysFor, QuotaRequestError, type QuotaEntity } from '../security/quota-model.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.AlterClientQuotas,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const { broker } = ctx;
    const principal = ctx.session?.principal ?? ANONYMOUS_PRINCIPAL;
    const echo = (entity: readonly { entityType: string; entityName: string | null }[]) => entity.map((e) => ({ entityType: e.entityType, entityName: e.entityName }));
    if (!broker.authorizer.allows({ principal, operation: AclOperation.ALTER_CONFIGS, resource: 'cluster', name: CLUSTER_RESOURCE_NAME, host: ctx.session?.clientHost })) {
      broker.security.audit.info('denied', { principal, api: 'AlterClientQuotas', operation: 'ALTER_CONFIGS', resource: 'cluster' });
      return { throttleTimeMs: 0, entries: request.entries.map((e) => ({ errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Cluster authorization failed.', entity: echo(e.entity) })) };
    }
    const changes: { entity: QuotaEntity; ops: Map<string, number | null> }[] = [];
    const seen = new Set<string>();
    const entries = request.entries.map((entry) => {
      try {
        const entity = entityFromWire(entry.entity);
        const key = entityKey(entity);
        if (seen.has(key)) throw new QuotaRequestError(`Entity ${key} appears more than once in the request`);
        seen.add(key);
        const keys = keysFor(entity);
        const ops = new Map<string, number | null>();
        for (const op of entry.ops) {
          if (ops.has(op.key)) throw new QuotaRequestError(`Duplicate quota key ${op.key} not updated`);
          if (op.remove) ops.set(op.key, null);
          else {
            checkQuotaValue(keys, op.key, op.value);
            ops.set(op.key, op.value);
          }
        }
        changes.push({ entity, ops });
        return { errorCode: ErrorCode.NONE, errorMessage: null, entity: echo(entry.entity) };
      } catch (e) {
        if (!(e instanceof QuotaRequestError)) throw e;
        return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: e.message, entity: echo(entry.entity) };
      }
    });
    if (!request.validateOnly && changes.length > 0) {
      await broker.security.quotaStore.alter(changes);
      for (const c of changes) {
        broker.security.audit.info('client quotas altered', { principal, entity: entityKey(c.entity), ops: JSON.stringify(Object.fromEntries(c.ops)) });
      }
    }
    return { throttleTimeMs: 0, entries };
  },
});
