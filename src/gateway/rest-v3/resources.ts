// REST Proxy v3's resource envelope: every object has a `kind`, `metadata.self` (its absolute
// URL) and `metadata.resource_name` (a Confluent Resource Name, `crn:///kafka=<cluster>/topic=<name>`),
// and links to related collections as `{ related: <url> }`; lists are `{ kind, metadata: { self,
// next: null }, data: [...] }`. URLs are built from the request's Host, as kafka-rest does.
import type { FastifyRequest } from 'fastify';

export interface Links {
  base: string;
  cluster: string;
}

export function links(request: FastifyRequest, clusterId: string): Links {
  const host = request.headers.host ?? `${request.hostname}`;
  const base = `${request.protocol}://${host}/v3`;
  return { base, cluster: `${base}/clusters/${encodeURIComponent(clusterId)}` };
}

export function crn(clusterId: string, ...parts: [string, string | number][]): string {
  return `crn:///kafka=${clusterId}${parts.map(([k, v]) => `/${k}=${v}`).join('')}`;
}

export function resource(kind: string, self: string, resourceName: string | null, body: Record<string, unknown>): Record<string, unknown> {
  return { kind, metadata: { self, resource_name: resourceName }, ...body };
}

export function list(kind: string, self: string, data: unknown[]): Record<string, unknown> {
  return { kind, metadata: { self, next: null }, data };
}

export const related = (url: string): { related: string } => ({ related: url });

// JSON schemas shared by the v3 route declarations (for validation and the OpenAPI document).
export const clusterParams = { type: 'object', properties: { cluster_id: { type: 'string' } }, required: ['cluster_id'] } as const;
export const topicParams = {
  type: 'object',
  properties: { cluster_id: { type: 'string' }, topic_name: { type: 'string', minLength: 1, maxLength: 249 } },
  required: ['cluster_id', 'topic_name'],
} as const;
export const v3Error = {
  type: 'object',
  properties: { error_code: { type: 'integer' }, message: { type: 'string' } },
  required: ['error_code', 'message'],
} as const;
export const anyResource = { type: 'object', additionalProperties: true, properties: { kind: { type: 'string' }, metadata: { type: 'object' } } } as const;
export const anyList = { type: 'object', additionalProperties: true, properties: { kind: { type: 'string' }, data: { type: 'array', items: { type: 'object' } } } } as const;

export function errors(...statuses: number[]): Record<number, typeof v3Error> {
  return Object.fromEntries(statuses.map((s) => [s, v3Error]));
}
