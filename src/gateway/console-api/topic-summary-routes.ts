// The console's Topics page in one request per view instead of one per topic:
//   GET  /console/api/topics                    every topic with its partition count, replication,
//                                               size on disk, record count, retention and cleanup policy
//   GET  /console/api/topics/{t}/partitions     per partition: leader, log start and end offsets, size
//   POST /console/api/topics/{t}/delete-records move log start offsets forward (DeleteRecords, KIP-107)
// Creating, deleting, partition counts and configs reuse the REST v3 routes.
import type { FastifyInstance } from 'fastify';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, describeTopics, listOffsetsAt, partitionKey, topicNames, type TopicView } from '../../client/index.js';
import { HttpError } from '../http-error.js';
import type { GatewayContext } from '../context.js';
import { consoleErrors, consoleRoute } from './console-route.js';

const TOPIC_RESOURCE = 2;
const topicParam = { type: 'object', properties: { topic: { type: 'string', minLength: 1, maxLength: 249 } }, required: ['topic'] } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

async function sizes(ctx: GatewayContext, views: TopicView[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (views.length === 0) return out;
  const dirs = await ctx.kafka.admin.describeLogDirs({ topics: views.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partition) })) }).catch(() => []);
  for (const b of dirs) for (const d of b.results) for (const t of d.topics) for (const p of t.partitions) out.set(partitionKey(t.name, p.partitionIndex), Number(p.partitionSize));
  return out;
}

async function offsets(ctx: GatewayContext, views: TopicView[]): Promise<{ start: Map<string, bigint>; end: Map<string, bigint> }> {
  const partitions = views.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
  if (partitions.length === 0) return { start: new Map(), end: new Map() };
  const [start, end] = await Promise.all([listOffsetsAt(ctx.kafka.admin, partitions, EARLIEST_TIMESTAMP), listOffsetsAt(ctx.kafka.admin, partitions, LATEST_TIMESTAMP)]);
  return { start, end };
}

async function requireView(ctx: GatewayContext, name: string): Promise<TopicView> {
  const t = (await describeTopics(ctx.kafka.admin, [name])).get(name);
  if (!t) throw new HttpError(404, 40403, `Topic ${name} cannot be found.`);
  return t;
}

export function registerTopicSummaryRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const tags = ['console'];
  app.get('/console/api/topics', { schema: { tags, summary: 'Every topic with its size, record count and retention', response: { 200: anyObject, ...consoleErrors } } }, async () =>
    consoleRoute(async () => {
      const names = await topicNames(ctx.kafka.admin, true);
      // Configs need only the names, so they are asked for beside the metadata.
      const configsAsked =
        names.length === 0 ? Promise.resolve([]) : ctx.kafka.admin.describeConfigs({ resources: names.map((name) => ({ resourceType: TOPIC_RESOURCE, resourceName: name, configurationKeys: ['retention.ms', 'retention.bytes', 'cleanup.policy'] })), includeSynonyms: false });
      configsAsked.catch(() => undefined);
      const views = [...(await describeTopics(ctx.kafka.admin, names)).values()].sort((a, b) => a.name.localeCompare(b.name));
      const [bytes, logs, configs] = await Promise.all([sizes(ctx, views), offsets(ctx, views), configsAsked]);
      const configOf = new Map(configs.map((c) => [c.resourceName, new Map(c.configs.map((x) => [x.name, x.value]))]));
      return {
        topics: views.map((t) => {
          let size = 0;
          let records = 0n;
          for (const p of t.partitions) {
            const key = partitionKey(t.name, p.partition);
            size += bytes.get(key) ?? 0;
            records += (logs.end.get(key) ?? 0n) - (logs.start.get(key) ?? 0n);
          }
          const cfg = configOf.get(t.name);
          return {
            name: t.name,
            internal: t.name.startsWith('__') || t.name === '_schemas',
            partitions: t.partitions.length,
            replicationFactor: t.partitions[0]?.replicas.length ?? 0,
            sizeBytes: size,
            records: Number(records),
            retentionMs: cfg?.get('retention.ms') ?? null,
            retentionBytes: cfg?.get('retention.bytes') ?? null,
            cleanupPolicy: cfg?.get('cleanup.policy') ?? null,
          };
        }),
      };
    }),
  );
  app.get<{ Params: { topic: string } }>(
    '/console/api/topics/:topic/partitions',
    { schema: { tags, summary: "A topic's partitions with offsets and sizes", params: topicParam, response: { 200: anyObject, ...consoleErrors } } },
    async (request) =>
      consoleRoute(async () => {
        const t = await requireView(ctx, request.params.topic);
        const [bytes, logs] = await Promise.all([sizes(ctx, [t]), offsets(ctx, [t])]);
        return {
          topic: t.name,
          partitions: t.partitions.map((p) => {
            const key = partitionKey(t.name, p.partition);
            return { partition: p.partition, leader: p.leader, replicas: p.replicas, startOffset: Number(logs.start.get(key) ?? 0n), endOffset: Number(logs.end.get(key) ?? 0n), sizeBytes: bytes.get(key) ?? 0 };
          }),
        };
      }),
  );
  app.post<{ Params: { topic: string }; Body: { partitions: { partition: number; offset: number }[] } }>(
    '/console/api/topics/:topic/delete-records',
    {
      schema: {
        tags,
        summary: 'Delete the records before an offset (-1: all) on some partitions',
        params: topicParam,
        body: {
          type: 'object',
          properties: { partitions: { type: 'array', minItems: 1, items: { type: 'object', properties: { partition: { type: 'integer', minimum: 0 }, offset: { type: 'integer', minimum: -1 } }, required: ['partition', 'offset'] } } },
          required: ['partitions'],
        },
        response: { 200: anyObject, ...consoleErrors },
      },
    },
    async (request) =>
      consoleRoute(async () => {
        const t = await requireView(ctx, request.params.topic);
        for (const p of request.body.partitions) if (p.partition >= t.partitions.length) throw new HttpError(404, 40402, `Partition ${p.partition} cannot be found.`);
        // -1 is DeleteRecords' "up to the high watermark" (everything written so far).
        const deleted = await ctx.kafka.admin.deleteRecords({ topics: [{ name: t.name, partitions: request.body.partitions.map((p) => ({ partition: p.partition, offset: BigInt(p.offset) })) }] });
        return { partitions: deleted.flatMap((x) => x.partitions.map((p) => ({ partition: p.partition, lowWatermark: Number(p.lowWatermark) }))) };
      }),
  );
}
