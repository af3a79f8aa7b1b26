// REST Proxy v2 topics and produce: GET /topics, /topics/{t}, /topics/{t}/partitions[/{p}],
// /topics/{t}/partitions/{p}/offsets, GET /brokers, and POST /topics/{t} and
// /topics/{t}/partitions/{p} to produce in the embedded format the Content-Type names.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, describeCluster, listOffsetsAt, topicNames, type TopicView } from '../../client/index.js';
import { V2, embeddedFormat } from '../content-types.js';
import { HttpError, rest } from '../http-error.js';
import { restErrorFrom } from '../kafka-access.js';
import { RecordProducer, type OutgoingRecord } from '../produce/record-producer.js';
import type { GatewayContext } from '../context.js';
import { schemaIdsFor, toBytes, type V2ProduceBody } from './embedded-formats.js';

const TOPIC_RESOURCE = 2;
const tags = ['v2 topics'];
export const v2Error = { type: 'object', properties: { error_code: { type: 'integer' }, message: { type: 'string' } }, required: ['error_code', 'message'] } as const;
export const v2Errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, v2Error]));
const topicParams = { type: 'object', properties: { topic: { type: 'string', minLength: 1, maxLength: 249 } }, required: ['topic'] } as const;
const partitionParams = {
  type: 'object',
  properties: { topic: { type: 'string', minLength: 1, maxLength: 249 }, partition: { type: 'integer', minimum: 0, maximum: 2147483647 } },
  required: ['topic', 'partition'],
} as const;
const partitionBody = {
  type: 'object',
  properties: {
    partition: { type: 'integer' },
    leader: { type: 'integer' },
    replicas: { type: 'array', items: { type: 'object', properties: { broker: { type: 'integer' }, leader: { type: 'boolean' }, in_sync: { type: 'boolean' } } } },
  },
} as const;
const produceBody = {
  type: 'object',
  properties: {
    records: {
      type: 'array',
      maxItems: 100000,
      items: { type: 'object', properties: { key: {}, value: {}, partition: { type: ['integer', 'null'], minimum: 0 } } },
    },
    key_schema: { type: ['string', 'null'] },
    key_schema_id: { type: ['integer', 'null'] },
    value_schema: { type: ['string', 'null'] },
    value_schema_id: { type: ['integer', 'null'] },
  },
  required: ['records'],
} as const;
const produceAnswer = {
  type: 'object',
  properties: {
    key_schema_id: { type: ['integer', 'null'] },
    value_schema_id: { type: ['integer', 'null'] },
    offsets: {
      type: 'array',
      items: {
        type: 'object',
        properties: { partition: { type: ['integer', 'null'] }, offset: { type: ['integer', 'null'] }, error_code: { type: ['integer', 'null'] }, error: { type: ['string', 'null'] } },
      },
    },
  },
} as const;

function partitionJson(p: TopicView['partitions'][number]): Record<string, unknown> {
  const isr = new Set(p.isr);
  return { partition: p.partition, leader: p.leader, replicas: p.replicas.map((b) => ({ broker: b, leader: b === p.leader, in_sync: isr.has(b) })) };
}

async function v2<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    throw restErrorFrom(e);
  }
}

export function registerV2TopicRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const producer = new RecordProducer(ctx.kafka);
  const send = (reply: FastifyReply, body: unknown) => reply.code(200).type(V2).send(body);

  app.get('/topics', { schema: { tags, summary: 'List topic names', response: { 200: { type: 'array', items: { type: 'string' } }, ...v2Errors(500) } } }, async (_q, reply) =>
    v2(async () => send(reply, await topicNames(ctx.kafka.admin))),
  );
  app.get<{ Params: { topic: string } }>(
    '/topics/:topic',
    {
      schema: {
        tags,
        summary: 'Topic metadata and configs',
        params: topicParams,
        response: { 200: { type: 'object', properties: { name: { type: 'string' }, configs: { type: 'object', additionalProperties: { type: ['string', 'null'] } }, partitions: { type: 'array', items: partitionBody } } }, ...v2Errors(404, 500) },
      },
    },
    async (request, reply) =>
      v2(async () => {
        const t = await ctx.kafka.requireTopic(request.params.topic, true);
        const [described] = await ctx.kafka.admin.describeConfigs({ resources: [{ resourceType: TOPIC_RESOURCE, resourceName: t.name }] });
        const configs = Object.fromEntries((described?.configs ?? []).map((c) => [c.name, c.isSensitive ? null : c.value]));
        return send(reply, { name: t.name, configs, partitions: t.partitions.map(partitionJson) });
      }),
  );
  app.get<{ Params: { topic: string } }>(
    '/topics/:topic/partitions',
    { schema: { tags, summary: "A topic's partitions", params: topicParams, response: { 200: { type: 'array', items: partitionBody }, ...v2Errors(404, 500) } } },
    async (request, reply) => v2(async () => send(reply, (await ctx.kafka.requireTopic(request.params.topic, true)).partitions.map(partitionJson))),
  );
  app.get<{ Params: { topic: string; partition: number } }>(
    '/topics/:topic/partitions/:partition',
    { schema: { tags, summary: 'One partition', params: partitionParams, response: { 200: partitionBody, ...v2Errors(404, 500) } } },
    async (request, reply) =>
      v2(async () => {
        const p = (await ctx.kafka.requireTopic(request.params.topic, true)).partitions[request.params.partition];
        if (!p) throw rest.partitionNotFound();
        return send(reply, partitionJson(p));
      }),
  );
  app.get<{ Params: { topic: string; partition: number } }>(
    '/topics/:topic/partitions/:partition/offsets',
    {
      schema: {
        tags,
        summary: "A partition's beginning and end offsets",
        params: partitionParams,
        response: { 200: { type: 'object', properties: { beginning_offset: { type: 'integer' }, end_offset: { type: 'integer' } } }, ...v2Errors(404, 500) },
      },
    },
    async (request, reply) =>
      v2(async () => {
        const t = await ctx.kafka.requireTopic(request.params.topic, true);
        if (!t.partitions[request.params.partition]) throw rest.partitionNotFound();
        const tp = [{ topic: t.name, partition: request.params.partition }];
        const [start, end] = await Promise.all([listOffsetsAt(ctx.kafka.admin, tp, EARLIEST_TIMESTAMP), listOffsetsAt(ctx.kafka.admin, tp, LATEST_TIMESTAMP)]);
        const key = `${t.name}:${request.params.partition}`;
        return send(reply, { beginning_offset: Number(start.get(key) ?? 0n), end_offset: Number(end.get(key) ?? 0n) });
      }),
  );
  app.get('/brokers', { schema: { tags: ['v2 brokers'], summary: 'Broker ids', response: { 200: { type: 'object', properties: { brokers: { type: 'array', items: { type: 'integer' } } } }, ...v2Errors(500) } } }, async (_q, reply) =>
    v2(async () => send(reply, { brokers: (await describeCluster(ctx.kafka.admin)).brokers.map((b) => b.nodeId) })),
  );

  const produce = async (request: FastifyRequest<{ Body: V2ProduceBody }>, reply: FastifyReply, topicName: string, partition: number | undefined) => {
    const format = embeddedFormat(request.headers['content-type']);
    if (format === undefined) throw new HttpError(415, 415, 'HTTP 415 Unsupported Media Type: produce with application/vnd.kafka.{json,binary,avro,jsonschema}.v2+json');
    const topic = await v2(() => ctx.kafka.topicForProduce(topicName));
    if (partition !== undefined && !topic.partitions[partition]) throw rest.partitionNotFound();
    const body = request.body;
    const ids = await schemaIdsFor(format, body, topic.name, ctx.schemas);
    const records: OutgoingRecord[] = body.records.map((r, i) => ({
      partition: partition ?? (r.partition === null ? undefined : r.partition),
      key: toBytes(format, r.key, ids.key, ctx.schemas, `records[${i}].key`),
      value: toBytes(format, r.value, ids.value, ctx.schemas, `records[${i}].value`),
    }));
    for (const r of records) if (r.partition !== undefined && !topic.partitions[r.partition]) throw rest.partitionNotFound();
    let offsets: Record<string, unknown>[];
    try {
      const produced = await producer.produce(topic, records);
      offsets = produced.map((p) => ({ partition: p.partition, offset: Number(p.offset), error_code: null, error: null }));
    } catch (e) {
      const err = restErrorFrom(e);
      offsets = records.map(() => ({ partition: null, offset: null, error_code: err.errorCode, error: err.message }));
    }
    return send(reply, { key_schema_id: ids.key, value_schema_id: ids.value, offsets });
  };
  app.post<{ Params: { topic: string }; Body: V2ProduceBody }>(
    '/topics/:topic',
    { schema: { tags, summary: 'Produce records (format from the Content-Type)', params: topicParams, body: produceBody, response: { 200: produceAnswer, ...v2Errors(404, 413, 415, 422, 500) } } },
    async (request, reply) => produce(request, reply, request.params.topic, undefined),
  );
  app.post<{ Params: { topic: string; partition: number }; Body: V2ProduceBody }>(
    '/topics/:topic/partitions/:partition',
    { schema: { tags, summary: 'Produce records to one partition', params: partitionParams, body: produceBody, response: { 200: produceAnswer, ...v2Errors(404, 413, 415, 422, 500) } } },
    async (request, reply) => produce(request, reply, request.params.topic, request.params.partition),
  );
}
