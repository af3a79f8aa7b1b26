// Client quotas through the Kafka protocol (KIP-546: DescribeClientQuotas, AlterClientQuotas), so
// `brook quota` works against Apache Kafka too. Sent over the library's own connection (share-wire.ts)
// rather than its admin methods, which know only user/client-id entities and three keys; this covers
// ip entities and connection_creation_rate as well, and reports each entity's error.
import type { Admin } from '@platformatic/kafka';
import { apis } from '../protocol/messages/index.js';
import { connectionTo, sendRequest } from './share-wire.js';
import { ClientFacingError } from './errors.js';

/** One part of an entity: type (user, client-id, ip) and name (null: the default). */
export interface QuotaEntityPart {
  entityType: string;
  entityName: string | null;
}

export interface ClientQuotaEntry {
  entity: QuotaEntityPart[];
  values: { key: string; value: number }[];
}

/** A refusal by the broker (INVALID_REQUEST, CLUSTER_AUTHORIZATION_FAILED, ...), shown to the user as is. */
export class ClientQuotaError extends ClientFacingError {
  constructor(
    message: string,
    readonly errorCode: number,
  ) {
    super(message);
  }
}

async function anyBroker(admin: Admin): Promise<Awaited<ReturnType<typeof connectionTo>>> {
  const metadata = await admin.metadata({ topics: [] });
  const node = [...metadata.brokers.keys()][0];
  if (node === undefined) throw new ClientQuotaError('the cluster reports no broker', -1);
  return connectionTo(admin, node);
}

/**
 * The quotas of every entity matching `filter` (per type: a name for that exact entity, null for the
 * default, undefined for any specified name); an empty filter lists everything.
 */
export async function describeClientQuotas(admin: Admin, filter: { entityType: string; match: string | null | undefined }[] = [], strict = false): Promise<ClientQuotaEntry[]> {
  const components = filter.map((f) => ({ entityType: f.entityType, matchType: f.match === undefined ? 2 : f.match === null ? 1 : 0, match: f.match ?? null }));
  const response = await sendRequest(await anyBroker(admin), apis.DescribeClientQuotas, 1, { components, strict });
  if (response.errorCode !== 0) throw new ClientQuotaError(response.errorMessage ?? `DescribeClientQuotas failed with Kafka error ${response.errorCode}`, response.errorCode);
  return (response.entries ?? []).map((e) => ({ entity: e.entity.map((p) => ({ entityType: p.entityType, entityName: p.entityName })), values: e.values.map((v) => ({ key: v.key, value: v.value })) }));
}

/** Sets (a number) or removes (null) quota keys of one entity. */
export async function alterClientQuotas(admin: Admin, entity: QuotaEntityPart[], ops: Record<string, number | null>, validateOnly = false): Promise<void> {
  const response = await sendRequest(await anyBroker(admin), apis.AlterClientQuotas, 1, {
    entries: [{ entity, ops: Object.entries(ops).map(([key, value]) => ({ key, value: value ?? 0, remove: value === null })) }],
    validateOnly,
  });
  for (const r of response.entries) {
    if (r.errorCode !== 0) throw new ClientQuotaError(r.errorMessage ?? `AlterClientQuotas failed with Kafka error ${r.errorCode}`, r.errorCode);
  }
}
