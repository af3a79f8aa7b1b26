// AlterUserScramCredentials (key 51), v0 (KIP-554): upserts and deletes SCRAM credentials. The client
// sends the salted password (never the password); the broker keeps StoredKey and ServerKey derived
// from it (security/scram.ts), durably before answering. Needs ALTER on the cluster. Per user, as
// Kafka checks: a user named more than once is DUPLICATE_RESOURCE, an unknown mechanism
// UNSUPPORTED_SASL_MECHANISM, an empty name, empty salt, wrong key length or an iteration count outside
// 4096..16384 UNACCEPTABLE_CREDENTIAL, deleting what does not exist RESOURCE_NOT_FOUND. A user with
// any error changes nothing. Every change is an audit log line.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { credentialFromSalted, MAX_ITERATIONS, MIN_ITERATIONS, scramMechanism, type ScramCredential, type ScramMechanismName } from '../security/scram.js';
import { ANONYMOUS_PRINCIPAL } from '../security/principal.js';
import { AclOperation, CLUSTER_RESOURCE_NAME } from '../topics/authorized-operations.js';
import { defineHandler } from './handler.js';

type Result = { user: string; errorCode: number; errorMessage: string | null };

export default defineHandler({
  api: apis.AlterUserScramCredentials,
  minVersion: 0,
  maxVersion: 0,
  async handle(request, ctx) {
    const { broker } = ctx;
    const principal = ctx.session?.principal ?? ANONYMOUS_PRINCIPAL;
    const users = [...new Set([...request.deletions.map((d) => d.name), ...request.upsertions.map((u) => u.name)])];
    if (!broker.authorizer.allows({ principal, operation: AclOperation.ALTER, resource: 'cluster', name: CLUSTER_RESOURCE_NAME, host: ctx.session?.clientHost })) {
      broker.security.audit.info('denied', { principal, api: 'AlterUserScramCredentials', operation: 'ALTER', resource: 'cluster' });
      return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null })) };
    }
    const store = broker.security.credentials;
    const errors = new Map<string, Result>();
    const failUser = (user: string, errorCode: number, errorMessage: string): void => {
      if (!errors.has(user)) errors.set(user, { user, errorCode, errorMessage });
    };
    const seen = new Map<string, number>();
    for (const name of [...request.deletions.map((d) => d.name), ...request.upsertions.map((u) => u.name)]) seen.set(name, (seen.get(name) ?? 0) + 1);
    for (const [user, n] of seen) if (n > 1) failUser(user, ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request');
    const deletions: { user: string; mechanism: ScramMechanismName }[] = [];
    for (const d of request.deletions) {
      const m = scramMechanism(d.mechanism);
      if (d.name === '') failUser(d.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
      else if (!m) failUser(d.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
      else if (!store.get(d.name, m.name)) failUser(d.name, ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist');
      else deletions.push({ user: d.name, mechanism: m.name });
    }
    const upserts: { user: string; mechanism: ScramMechanismName; credential: ScramCredential }[] = [];
    for (const u of request.upsertions) {
      const m = scramMechanism(u.mechanism);
      if (u.name === '') failUser(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
      else if (!m) failUser(u.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
      else if (u.iterations < MIN_ITERATIONS) failUser(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, `Too few iterations: at least ${MIN_ITERATIONS}`);
      else if (u.iterations > MAX_ITERATIONS) failUser(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, `Too many iterations: at most ${MAX_ITERATIONS}`);
      else if (u.salt.length === 0 || u.saltedPassword.length !== m.keyLength) failUser(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, `The salt must not be empty and the salted password must be ${m.keyLength} bytes`);
      else upserts.push({ user: u.name, mechanism: m.name, credential: credentialFromSalted(m, Buffer.from(u.saltedPassword), Buffer.from(u.salt), u.iterations) });
    }
    const ok = (x: { user: string }): boolean => !errors.has(x.user);
    const applied = { upserts: upserts.filter(ok), deletions: deletions.filter(ok) };
    if (applied.upserts.length + applied.deletions.length > 0) {
      await store.change(applied.upserts, applied.deletions);
      for (const u of applied.upserts) broker.security.audit.info('user credential changed', { principal, user: u.user, mechanism: u.mechanism, iterations: u.credential.iterations });
      for (const d of applied.deletions) broker.security.audit.info('user credential deleted', { principal, user: d.user, mechanism: d.mechanism });
    }
    return { throttleTimeMs: 0, results: users.map((user) => errors.get(user) ?? { user, errorCode: ErrorCode.NONE, errorMessage: null }) };
  },
});
