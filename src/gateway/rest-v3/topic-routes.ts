// v3 topics, their partitions and their configs:
//   GET/POST /v3/clusters/{c}/topics, GET/PATCH/DELETE /topics/{t},
//   GET /topics/{t}/partitions, /partitions/{p},
//   GET /topics/{t}/configs, GET/PUT/DELETE /configs/{name}, POST /configs:alter.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeTopics, topicNames, type TopicView } from '../../client/index.js';
import { HttpError } from '../http-error.js';
import type { GatewayContext } from '../context.js';
import { clusterFor, configSourceName, v3 } from './cluster-routes.js';
import { anyList, anyResource, clusterParams, crn, errors, links, list, related, resource, topicParams } from './resources.js';

const TOPIC_RESOURCE = 2;
// IncrementalAlterConfigs operations (KIP-339).
const SET = 0;
const DELETE = 1;

type TopicParams = { cluster_id: string; topic_name: string };

function topicBody(request: FastifyRequest, clusterId: string, t: TopicView): Record<string, unknown> {
  const self = `${links(request, clusterId).cluster}/topics/${encodeURIComponent(t.name)}`;
  return resource('KafkaTopic', self, crn(clusterId, ['topic', t.name]), {
    cluster_id: clusterId,
    topic_name: t.name,
    is_internal: t.name.startsWith('__'),
    replication_factor: t.partitions[0]?.replicas.length ?? 0,
    partitions_count: t.partitions.length,
    partitions: related(`${self}/partitions`),
    configs: related(`${self}/configs`),
    partition_reassignments: related(`${self}/partitions/-/reassignment`),
    authorized_operations: [],
  });
}

function partitionBody(request: FastifyRequest, clusterId: string, topic: string, p: TopicView['partitions'][number]): Record<string, unknown> {
  const self = `${links(request, clusterId).cluster}/topics/${encodeURIComponent(topic)}/partitions/${p.partition}`;
  return resource('KafkaPartition', self, crn(clusterId, ['topic', topic], ['partition', p.partition]), {
    cluster_id: clusterId,
    topic_name: topic,
    partition_id: p.partition,
    leader: related(`${self}/replicas/${p.leader}`),
    replicas: related(`${self}/replicas`),
    reassignment: related(`${self}/reassignment`),
  });
}

async function requireTopic(ctx: GatewayContext, name: string): Promise<TopicView> {
  const t = (await describeTopics(ctx.kafka.admin, [name])).get(name);
  if (!t) throw new HttpError(404, 404, `Topic ${name} cannot be found.`);
  return t;
}

const createBody = {
  type: 'object',
  properties: {
    topic_name: { type: 'string', minLength: 1, maxLength: 249, pattern: '^[a-zA-Z0-9._-]+$' },
    partitions_count: { type: 'integer', minimum: 1, maximum: 100000 },
    replication_factor: { type: 'integer', minimum: 1, maximum: 32767 },
    configs: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: ['string', 'null'] } }, required: ['name'] } },
    validate_only: { type: 'boolean' },
  },
  required: ['topic_name'],
} as const;

export function registerTopicRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const tags = ['v3 topics'];
  app.get<{ Params: { cluster_id: string } }>(
    '/v3/clusters/:cluster_id/topics',
    { schema: { tags, summary: 'List topics', params: clusterParams, response: { 200: anyList, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const views = await describeTopics(ctx.kafka.admin, await topicNames(ctx.kafka.admin, true));
        return list('KafkaTopicList', `${links(request, c.clusterId).cluster}/topics`, [...views.values()].map((t) => topicBody(request, c.clusterId, t)));
      }),
  );
  app.post<{ Params: { cluster_id: string }; Body: { topic_name: string; partitions_count?: number; replication_factor?: number; configs?: { name: string; value?: string | null }[]; validate_only?: boolean } }>(
    '/v3/clusters/:cluster_id/topics',
    { schema: { tags, summary: 'Create a topic', params: clusterParams, body: createBody, response: { 201: anyResource, 200: anyResource, ...errors(400, 404, 422, 500) } } },
    async (request, reply) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const b = request.body;
        const existing = await describeTopics(ctx.kafka.admin, [b.topic_name]);
        if (existing.has(b.topic_name)) throw new HttpError(400, 40002, `Topic '${b.topic_name}' already exists.`);
        if (b.validate_only) return reply.code(200).send(topicBody(request, c.clusterId, { name: b.topic_name, id: '', partitions: [] }));
        await ctx.kafka.admin.createTopics({
          topics: [b.topic_name],
          partitions: b.partitions_count ?? -1,
          replicas: b.replication_factor ?? -1,
          configs: (b.configs ?? []).map((x) => ({ name: x.name, value: x.value ?? null })),
        });
        ctx.kafka.forgetTopic(b.topic_name);
        const created = await requireTopic(ctx, b.topic_name);
        return reply.code(201).send(topicBody(request, c.clusterId, created));
      }),
  );
  app.get<{ Params: TopicParams }>(
    '/v3/clusters/:cluster_id/topics/:topic_name',
    { schema: { tags, summary: 'Get a topic', params: topicParams, response: { 200: anyResource, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        return topicBody(request, c.clusterId, await requireTopic(ctx, request.params.topic_name));
      }),
  );
  app.patch<{ Params: TopicParams; Body: { partitions_count: number } }>(
    '/v3/clusters/:cluster_id/topics/:topic_name',
    {
      schema: {
        tags,
        summary: "Increase a topic's partition count",
        params: topicParams,
        body: { type: 'object', properties: { partitions_count: { type: 'integer', minimum: 1, maximum: 100000 } }, required: ['partitions_count'] },
        response: { 200: anyResource, ...errors(400, 404, 422, 500) },
      },
    },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const t = await requireTopic(ctx, request.params.topic_name);
        if (request.body.partitions_count !== t.partitions.length) {
          await ctx.kafka.admin.createPartitions({ topics: [{ name: t.name, count: request.body.partitions_count }] });
          ctx.kafka.forgetTopic(t.name);
        }
        return topicBody(request, c.clusterId, await requireTopic(ctx, t.name));
      }),
  );
  app.delete<{ Params: TopicParams }>(
    '/v3/clusters/:cluster_id/topics/:topic_name',
    { schema: { tags, summary: 'Delete a topic', params: topicParams, response: { 204: { type: 'null', description: 'Deleted' }, ...errors(404, 500) } } },
    async (request, reply) =>
      v3(async () => {
        await clusterFor(ctx, request.params.cluster_id);
        const t = await requireTopic(ctx, request.params.topic_name);
        await ctx.kafka.admin.deleteTopics({ topics: [t.name] });
        ctx.kafka.forgetTopic(t.name);
        ctx.sse.forgetTopic(t.name);
        return reply.code(204).send();
      }),
  );

  const partitionParams = {
    type: 'object',
    properties: { ...topicParams.properties, partition_id: { type: 'integer', minimum: 0, maximum: 2147483647 } },
    required: ['cluster_id', 'topic_name', 'partition_id'],
  } as const;
  app.get<{ Params: TopicParams }>(
    '/v3/clusters/:cluster_id/topics/:topic_name/partitions',
    { schema: { tags, summary: "List a topic's partitions", params: topicParams, response: { 200: anyList, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const t = await requireTopic(ctx, request.params.topic_name);
        const self = `${links(request, c.clusterId).cluster}/topics/${encodeURIComponent(t.name)}/partitions`;
        return list('KafkaPartitionList', self, t.partitions.map((p) => partitionBody(request, c.clusterId, t.name, p)));
      }),
  );
  app.get<{ Params: TopicParams & { partition_id: number } }>(
    '/v3/clusters/:cluster_id/topics/:topic_name/partitions/:partition_id',
    { schema: { tags, summary: 'Get a partition', params: partitionParams, response: { 200: anyResource, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const t = await requireTopic(ctx, request.params.topic_name);
        const p = t.partitions[request.params.partition_id];
        if (!p) throw new HttpError(404, 404, `Partition ${request.params.partition_id} cannot be found.`);
        return partitionBody(request, c.clusterId, t.name, p);
      }),
  );
  registerTopicConfigRoutes(app, ctx);
}

function registerTopicConfigRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const tags = ['v3 topic configs'];
  const configParams = {
    type: 'object',
    properties: { ...topicParams.properties, name: { type: 'string', minLength: 1 } },
    required: ['cluster_id', 'topic_name', 'name'],
  } as const;

  const configsOf = async (request: FastifyRequest, clusterId: string, topic: string): Promise<Record<string, unknown>[]> => {
    const [described] = await ctx.kafka.admin.describeConfigs({ resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic }], includeSynonyms: true });
    const base = `${links(request, clusterId).cluster}/topics/${encodeURIComponent(topic)}/configs`;
    return (described?.configs ?? [])
      .slice()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((cfg) =>
        resource('KafkaTopicConfig', `${base}/${cfg.name}`, crn(clusterId, ['topic', topic], ['config', cfg.name]), {
          cluster_id: clusterId,
          topic_name: topic,
          name: cfg.name,
          value: cfg.isSensitive ? null : cfg.value,
          is_default: cfg.configSource === 5 || cfg.configSource === 4,
          is_read_only: cfg.readOnly,
          is_sensitive: cfg.isSensitive,
          source: configSourceName(cfg.configSource),
          synonyms: cfg.synonyms.map((s) => ({ name: s.name, value: s.value, source: configSourceName(s.source) })),
        }),
      );
  };
  const alter = async (topic: string, ops: { name: string; value: string | null; op: number }[]): Promise<void> => {
    await ctx.kafka.admin.incrementalAlterConfigs({
      resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configs: ops.map((o) => (o.op === DELETE ? { name: o.name, configOperation: 1 as const } : { name: o.name, value: o.value ?? '', configOperation: 0 as const })) }],
    });
  };

  app.get<{ Params: TopicParams }>(
    '/v3/clusters/:cluster_id/topics/:topic_name/configs',
    { schema: { tags, summary: "List a topic's configs", params: topicParams, response: { 200: anyList, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const t = await requireTopic(ctx, request.params.topic_name);
        return list('KafkaTopicConfigList', `${links(request, c.clusterId).cluster}/topics/${encodeURIComponent(t.name)}/configs`, await configsOf(request, c.clusterId, t.name));
      }),
  );
  app.get<{ Params: TopicParams & { name: string } }>(
    '/v3/clusters/:cluster_id/topics/:topic_name/configs/:name',
    { schema: { tags, summary: 'Get one topic config', params: configParams, response: { 200: anyResource, ...errors(404, 500) } } },
    async (request) =>
      v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const t = await requireTopic(ctx, request.params.topic_name);
        const found = (await configsOf(request, c.clusterId, t.name)).find((x) => x.name === request.params.name);
        if (!found) throw new HttpError(404, 404, `Config ${request.params.name} cannot be found for topic ${t.name}.`);
        return found;
      }),
  );
  app.put<{ Params: TopicParams & { name: string }; Body: { value: string | null } }>(
    '/v3/clusters/:cluster_id/topics/:topic_name/configs/:name',
    {
      schema: {
        tags,
        summary: 'Set one topic config',
        params: configParams,
        body: { type: 'object', properties: { value: { type: ['string', 'null'] } }, required: ['value'] },
        response: { 204: { type: 'null', description: 'Updated' }, ...errors(400, 404, 422, 500) },
      },
    },
    async (request, reply) =>
      v3(async () => {
        await clusterFor(ctx, request.params.cluster_id);
        const t = await requireTopic(ctx, request.params.topic_name);
        await alter(t.name, [{ name: request.params.name, value: request.body.value, op: SET }]);
        return reply.code(204).send();
      }),
  );
  app.delete<{ Params: TopicParams & { name: string } }>(
    '/v3/clusters/:cluster_id/topics/:topic_name/configs/:name',
    { schema: { tags, summary: 'Reset one topic config to its default', params: configParams, response: { 204: { type: 'null', description: 'Reset' }, ...errors(400, 404, 500) } } },
    async (request, reply) =>
      v3(async () => {
        await clusterFor(ctx, request.params.cluster_id);
        const t = await requireTopic(ctx, request.params.topic_name);
        await alter(t.name, [{ name: request.params.name, value: null, op: DELETE }]);
        return reply.code(204).send();
      }),
  );
  app.post<{ Params: TopicParams; Body: { data: { name: string; value?: string | null; operation?: string }[]; validate_only?: boolean } }>(
    '/v3/clusters/:cluster_id/topics/:topic_name/configs::alter',
    {
      schema: {
        tags,
        summary: 'Set and delete several topic configs at once',
        params: topicParams,
        body: {
          type: 'object',
          properties: {
            data: {
              type: 'array',
              items: {
                type: 'object',
                properties: { name: { type: 'string', minLength: 1 }, value: { type: ['string', 'null'] }, operation: { type: 'string', enum: ['SET', 'DELETE', 'set', 'delete'] } },
                required: ['name'],
              },
            },
            validate_only: { type: 'boolean' },
          },
          required: ['data'],
        },
        response: { 204: { type: 'null', description: 'Updated' }, ...errors(400, 404, 422, 500) },
      },
    },
    async (request, reply) =>
      v3(async () => {
        await clusterFor(ctx, request.params.cluster_id);
        const t = await requireTopic(ctx, request.params.topic_name);
        const ops = request.body.data.map((d) => ({ name: d.name, value: d.value ?? null, op: (d.operation ?? 'SET').toUpperCase() === 'DELETE' ? DELETE : SET }));
        if (!request.body.validate_only && ops.length > 0) await alter(t.name, ops);
        return reply.code(204).send();
      }),
  );
}
