// v3 consumer groups: GET /consumer-groups, /consumer-groups/{g}, /{g}/consumers,
// /{g}/consumers/{id}, /{g}/lag-summary, /{g}/lags, /{g}/lags/{topic}/partitions/{p}.
// Lag per partition is log end offset - committed offset, as kafka-consumer-groups computes it.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { groupLag, listGroups, type GroupLag, type PartitionLag } from '../../client/index.js';
import { HttpError } from '../http-error.js';
import type { GatewayContext } from '../context.js';
import { clusterFor, v3 } from './cluster-routes.js';
import { anyList, anyResource, clusterParams, crn, errors, links, list, related, resource } from './resources.js';

const groupParams = { type: 'object', properties: { cluster_id: { type: 'string' }, consumer_group_id: { type: 'string', minLength: 1 } }, required: ['cluster_id', 'consumer_group_id'] } as const;
type GroupParams = { cluster_id: string; consumer_group_id: string };

// Kafka's group states as v3 spells them.
const STATES: Record<string, string> = { Stable: 'STABLE', Empty: 'EMPTY', Dead: 'DEAD', PreparingRebalance: 'PREPARING_REBALANCE', CompletingRebalance: 'COMPLETING_REBALANCE' };
const stateName = (s: string): string => STATES[s] ?? s.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();

function groupBase(request: FastifyRequest, clusterId: string, group: string): string {
  return `${links(request, clusterId).cluster}/consumer-groups/${encodeURIComponent(group)}`;
}

function groupBody(request: FastifyRequest, clusterId: string, lag: GroupLag, coordinator: number): Record<string, unknown> {
  const self = groupBase(request, clusterId, lag.group.id);
  return resource('KafkaConsumerGroup', self, crn(clusterId, ['consumer-group', lag.group.id]), {
    cluster_id: clusterId,
    consumer_group_id: lag.group.id,
    is_simple: lag.group.protocolType === '',
    partition_assignor: lag.group.protocol,
    state: stateName(lag.group.state),
    type: lag.group.type === 'consumer' ? 'CONSUMER' : 'CLASSIC',
    coordinator: related(`${links(request, clusterId).cluster}/brokers/${coordinator}`),
    consumers: related(`${self}/consumers`),
    lag_summary: related(`${self}/lag-summary`),
  });
}

function lagBody(request: FastifyRequest, clusterId: string, group: string, p: PartitionLag): Record<string, unknown> {
  const self = `${groupBase(request, clusterId, group)}/lags/${encodeURIComponent(p.topic)}/partitions/${p.partition}`;
  return resource('KafkaConsumerLag', self, crn(clusterId, ['consumer-group', group], ['lag', `${p.topic}-${p.partition}`]), {
    cluster_id: clusterId,
    consumer_group_id: group,
    topic_name: p.topic,
    partition_id: p.partition,
    current_offset: Number(p.committedOffset),
    log_end_offset: Number(p.logEndOffset),
    lag: Number(p.lag),
    consumer_id: p.consumerId ?? '',
    instance_id: p.instanceId,
    client_id: p.clientId ?? '',
  });
}

async function requireGroup(ctx: GatewayContext, id: string): Promise<GroupLag> {
  const lag = await groupLag(ctx.kafka.admin, id);
  if (lag.group.errorCode !== 0 || (lag.group.state === 'Dead' && lag.partitions.length === 0)) throw new HttpError(404, 404, `Consumer group ${id} cannot be found.`);
  return lag;
}

export function registerGroupRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const tags = ['v3 consumer groups'];
  app.get<{ Params: { cluster_id: string } }>(
    '/v3/clusters/:cluster_id/consumer-groups',
    { schema: { tags, summary: 'List consumer groups', params: clusterParams, response: { 200: anyList, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const groups = await listGroups(ctx.kafka.admin);
        const bodies = await Promise.all(groups.map(async (g) => groupBody(request, c.clusterId, await groupLag(ctx.kafka.admin, g.id), c.controllerId)));
        return list('KafkaConsumerGroupList', `${links(request, c.clusterId).cluster}/consumer-groups`, bodies);
      }),
  );
  app.get<{ Params: GroupParams }>(
    '/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id',
    { schema: { tags, summary: 'Get a consumer group', params: groupParams, response: { 200: anyResource, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        return groupBody(request, c.clusterId, await requireGroup(ctx, request.params.consumer_group_id), c.controllerId);
      }),
  );
  app.get<{ Params: GroupParams }>(
    '/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id/consumers',
    { schema: { tags, summary: "A group's members", params: groupParams, response: { 200: anyList, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const lag = await requireGroup(ctx, request.params.consumer_group_id);
        const base = `${groupBase(request, c.clusterId, lag.group.id)}/consumers`;
        return list(
          'KafkaConsumerList',
          base,
          lag.group.members.map((m) =>
            resource('KafkaConsumer', `${base}/${encodeURIComponent(m.id)}`, crn(c.clusterId, ['consumer-group', lag.group.id], ['consumer', m.id]), {
              cluster_id: c.clusterId,
              consumer_group_id: lag.group.id,
              consumer_id: m.id,
              instance_id: m.groupInstanceId,
              client_id: m.clientId,
              assignments: related(`${base}/${encodeURIComponent(m.id)}/assignments`),
            }),
          ),
        );
      }),
  );
  app.get<{ Params: GroupParams }>(
    '/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id/lag-summary',
    { schema: { tags, summary: "A group's total and maximum lag", params: groupParams, response: { 200: anyResource, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const lag = await requireGroup(ctx, request.params.consumer_group_id);
        const base = groupBase(request, c.clusterId, lag.group.id);
        const max = lag.partitions.reduce<PartitionLag | undefined>((m, p) => (m === undefined || p.lag > m.lag ? p : m), undefined);
        return resource('KafkaConsumerGroupLagSummary', `${base}/lag-summary`, crn(c.clusterId, ['consumer-group', lag.group.id], ['lag-summary', lag.group.id]), {
          cluster_id: c.clusterId,
          consumer_group_id: lag.group.id,
          max_lag_consumer_id: max?.consumerId ?? '',
          max_lag_instance_id: max?.instanceId ?? null,
          max_lag_client_id: max?.clientId ?? '',
          max_lag_topic_name: max?.topic ?? '',
          max_lag_partition_id: max?.partition ?? 0,
          max_lag: Number(max?.lag ?? 0n),
          total_lag: Number(lag.partitions.reduce((s, p) => s + p.lag, 0n)),
          max_lag_consumer: related(`${base}/consumers/${encodeURIComponent(max?.consumerId ?? '')}`),
          max_lag_partition: related(`${links(request, c.clusterId).cluster}/topics/${encodeURIComponent(max?.topic ?? '')}/partitions/${max?.partition ?? 0}`),
        });
      }),
  );
  app.get<{ Params: GroupParams }>(
    '/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id/lags',
    { schema: { tags, summary: "A group's lag per partition", params: groupParams, response: { 200: anyList, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const lag = await requireGroup(ctx, request.params.consumer_group_id);
        return list('KafkaConsumerLagList', `${groupBase(request, c.clusterId, lag.group.id)}/lags`, lag.partitions.map((p) => lagBody(request, c.clusterId, lag.group.id, p)));
      }),
  );
  app.get<{ Params: GroupParams & { topic_name: string; partition_id: number } }>(
    '/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id/lags/:topic_name/partitions/:partition_id',
    {
      schema: {
        tags,
        summary: "A group's lag on one partition",
        params: {
          type: 'object',
          properties: { ...groupParams.properties, topic_name: { type: 'string', minLength: 1 }, partition_id: { type: 'integer', minimum: 0, maximum: 2147483647 } },
          required: ['cluster_id', 'consumer_group_id', 'topic_name', 'partition_id'],
        },
        response: { 200: anyResource, ...errors(404, 500) },
      },
    },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const lag = await requireGroup(ctx, request.params.consumer_group_id);
        const p = lag.partitions.find((x) => x.topic === request.params.topic_name && x.partition === request.params.partition_id);
        if (!p) throw new HttpError(404, 404, `Consumer lag for ${request.params.topic_name}-${request.params.partition_id} cannot be found.`);
        return lagBody(request, c.clusterId, lag.group.id, p);
      }),
  );
}
