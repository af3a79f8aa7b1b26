// The controller_mutation_rate quota of the request's principal and client id (KIP-599,
// security/controller-mutation-quota.ts), strict from the version that can answer
// THROTTLING_QUOTA_EXCEEDED (Kafka's ControllerMutationQuotaManager.newQuotaFor). Without any client
// quota stored it costs one branch.
import { ErrorCode } from '../../protocol/errors.js';
import { UNBOUNDED_MUTATIONS, type MutationQuota } from '../security/controller-mutation-quota.js';
import { principalOf } from './authorize.js';
import type { RequestContext } from './handler.js';

export function mutationQuotaFor(ctx: RequestContext, strictSinceVersion: number): MutationQuota {
  const quotas = ctx.broker.security.quotas;
  if (!quotas.active) return UNBOUNDED_MUTATIONS;
  const principal = principalOf(ctx);
  const user = principal.slice(principal.indexOf(':') + 1);
  return quotas.mutationQuota(user, ctx.header.clientId ?? '', ctx.header.apiVersion >= strictSinceVersion, Date.now);
}

/** A topic a strict quota refused (Errors.THROTTLING_QUOTA_EXCEEDED's message). */
export const THROTTLED = { errorCode: ErrorCode.THROTTLING_QUOTA_EXCEEDED, errorMessage: 'The throttling quota has been exceeded.' } as const;
