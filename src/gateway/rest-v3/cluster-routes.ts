// v3 clusters and brokers: GET /v3/clusters, /v3/clusters/{id}, /brokers, /brokers/{id},
// /brokers/{id}/configs and /broker-configs (the cluster-wide defaults broker 0.. reports).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeCluster, type BrokerView, type ClusterView } from '../../client/index.js';
import { HttpError } from '../http-error.js';
import { v3ErrorFrom } from '../kafka-access.js';
import type { GatewayContext } from '../context.js';
import { anyList, anyResource, clusterParams, crn, errors, links, list, related, resource } from './resources.js';

const BROKER_RESOURCE = 4;
const CONFIG_SOURCES: Record<number, string> = {
  0: 'UNKNOWN',
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
};

export function configSourceName(source: number): string {
  return CONFIG_SOURCES[source] ?? 'UNKNOWN';
}

/** Runs a v3 handler body, turning client-layer failures into v3 error bodies. */
export async function v3<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    throw v3ErrorFrom(e);
  }
}

export async function clusterFor(ctx: GatewayContext, clusterId: string): Promise<ClusterView> {
  const cluster = await describeCluster(ctx.kafka.admin);
  if (cluster.clusterId !== clusterId) throw new HttpError(404, 404, `Cluster ${clusterId} cannot be found.`);
  return cluster;
}

function clusterBody(request: FastifyRequest, c: ClusterView): Record<string, unknown> {
  const l = links(request, c.clusterId);
  return resource('KafkaCluster', l.cluster, crn(c.clusterId), {
    cluster_id: c.clusterId,
    controller: related(`${l.cluster}/brokers/${c.controllerId}`),
    acls: related(`${l.cluster}/acls`),
    brokers: related(`${l.cluster}/brokers`),
    broker_configs: related(`${l.cluster}/broker-configs`),
    consumer_groups: related(`${l.cluster}/consumer-groups`),
    topics: related(`${l.cluster}/topics`),
    partition_reassignments: related(`${l.cluster}/topics/-/partitions/-/reassignment`),
  });
}

function brokerBody(request: FastifyRequest, clusterId: string, b: BrokerView): Record<string, unknown> {
  const l = links(request, clusterId);
  const self = `${l.cluster}/brokers/${b.nodeId}`;
  return resource('KafkaBroker', self, crn(clusterId, ['broker', b.nodeId]), {
    cluster_id: clusterId,
    broker_id: b.nodeId,
    host: b.host,
    port: b.port,
    rack: b.rack,
    configs: related(`${self}/configs`),
    partition_replicas: related(`${self}/partition-replicas`),
  });
}

const brokerParams = {
  type: 'object',
  properties: { cluster_id: { type: 'string' }, broker_id: { type: 'integer', minimum: 0, maximum: 2147483647 } },
  required: ['cluster_id', 'broker_id'],
} as const;

export function registerClusterRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const tags = ['v3 clusters'];
  app.get('/v3/clusters', { schema: { tags, summary: 'List clusters (the one this gateway serves)', response: { 200: anyList, ...errors(500) } } }, async (request) =>
    v3(async () => {
      const c = await describeCluster(ctx.kafka.admin);
      return list('KafkaClusterList', `${links(request, c.clusterId).base}/clusters`, [clusterBody(request, c)]);
    }),
  );
  app.get<{ Params: { cluster_id: string } }>(
    '/v3/clusters/:cluster_id',
    { schema: { tags, summary: 'Get the cluster', params: clusterParams, response: { 200: anyResource, ...errors(404, 500) } } },
    async (request) => v3(async () => clusterBody(request, await clusterFor(ctx, request.params.cluster_id))),
  );
  app.get<{ Params: { cluster_id: string } }>(
    '/v3/clusters/:cluster_id/brokers',
    { schema: { tags, summary: 'List brokers', params: clusterParams, response: { 200: anyList, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        return list('KafkaBrokerList', `${links(request, c.clusterId).cluster}/brokers`, c.brokers.map((b) => brokerBody(request, c.clusterId, b)));
      }),
  );
  app.get<{ Params: { cluster_id: string; broker_id: number } }>(
    '/v3/clusters/:cluster_id/brokers/:broker_id',
    { schema: { tags, summary: 'Get a broker', params: brokerParams, response: { 200: anyResource, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const b = c.brokers.find((x) => x.nodeId === request.params.broker_id);
        if (!b) throw new HttpError(404, 404, `Broker ${request.params.broker_id} cannot be found.`);
        return brokerBody(request, c.clusterId, b);
      }),
  );
  app.get<{ Params: { cluster_id: string; broker_id: number } }>(
    '/v3/clusters/:cluster_id/brokers/:broker_id/configs',
    { schema: { tags, summary: "List a broker's configs", params: brokerParams, response: { 200: anyList, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const id = request.params.broker_id;
        if (!c.brokers.some((b) => b.nodeId === id)) throw new HttpError(404, 404, `Broker ${id} cannot be found.`);
        const self = `${links(request, c.clusterId).cluster}/brokers/${id}/configs`;
        return list('KafkaBrokerConfigList', self, await brokerConfigs(ctx, c.clusterId, id, self));
      }),
  );
  app.get<{ Params: { cluster_id: string } }>(
    '/v3/clusters/:cluster_id/broker-configs',
    { schema: { tags, summary: 'List cluster-wide broker configs', params: clusterParams, response: { 200: anyList, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const self = `${links(request, c.clusterId).cluster}/broker-configs`;
        const first = c.brokers[0]?.nodeId ?? 0;
        const all = await brokerConfigs(ctx, c.clusterId, first, self);
        return list('KafkaClusterConfigList', self, all.map((x) => ({ ...x, kind: 'KafkaClusterConfig', config_type: 'BROKER' })));
      }),
  );
}

async function brokerConfigs(ctx: GatewayContext, clusterId: string, brokerId: number, base: string): Promise<Record<string, unknown>[]> {
  const [described] = await ctx.kafka.admin.describeConfigs({ resources: [{ resourceType: BROKER_RESOURCE, resourceName: String(brokerId) }], includeSynonyms: true });
  return (described?.configs ?? [])
    .slice()
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((cfg) =>
      resource('KafkaBrokerConfig', `${base}/${cfg.name}`, crn(clusterId, ['broker', brokerId], ['config', cfg.name]), {
        cluster_id: clusterId,
        broker_id: brokerId,
        name: cfg.name,
        value: cfg.isSensitive ? null : cfg.value,
        is_default: cfg.configSource === 5,
        is_read_only: cfg.readOnly,
        is_sensitive: cfg.isSensitive,
        source: configSourceName(cfg.configSource),
        synonyms: cfg.synonyms.map((s) => ({ name: s.name, value: s.value, source: configSourceName(s.source) })),
      }),
    );
}
