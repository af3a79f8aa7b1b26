// DescribeUserScramCredentials (key 50), v0 (KIP-554): each user's SCRAM mechanisms and iteration
// counts, never salts or keys. Needs DESCRIBE on the cluster (else CLUSTER_AUTHORIZATION_FAILED for
// the whole request). A null or empty list describes every user; a user named twice is
// DUPLICATE_RESOURCE, an unknown one RESOURCE_NOT_FOUND, as Kafka answers.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { scramMechanism } from '../security/scram.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { ANONYMOUS_PRINCIPAL } from '../security/principal.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.DescribeUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  handle(request, ctx) {
    const { broker } = ctx;
    const principal = ctx.session?.principal ?? ANONYMOUS_PRINCIPAL;
    if (!broker.authorizer.allows({ principal, operation: AclOperation.DESCRIBE, resource: 'cluster', name: CLUSTER_RESOURCE_NAME, host: ctx.session?.clientHost })) {
      broker.security.audit.info('denied', { principal, api: 'DescribeUserScramCredentials', operation: 'DESCRIBE', resource: 'cluster' });
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: 'Not authorized to describe SCRAM credentials', results: [] };
    }
    const store = broker.security.credentials;
    const describe = (user: string) => {
      const found = store.list().find((u) => u.user === user);
      if (!found) return { user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to describe a user credential that does not exist', credentialInfos: [] };
      return { user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos: found.mechanisms.map((m) => ({ mechanism: scramMechanism(m.mechanism)!.code, iterations: m.iterations })) };
    };
    const asked = request.users;
    if (asked === null || asked.length === 0) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results: store.list().map((u) => describe(u.user)) };
    const counts = new Map<string, number>();
    for (const u of asked) counts.set(u.name, (counts.get(u.name) ?? 0) + 1);
    const results = [...counts.entries()].map(([user, n]) =>
      n > 1 ? { user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request', credentialInfos: [] } : describe(user),
    );
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
  },
});
