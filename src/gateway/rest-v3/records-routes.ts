// v3 produce: POST /v3/clusters/{c}/topics/{t}/records takes one record object, or a stream of
// them (the "streaming mode": objects concatenated in one chunked body) and answers one result
// object per record, in order (error_code 200 with partition, offset and timestamp, or the
// record's error). One record gets an ordinary response whose status is the record's; a stream
// gets 200 with newline-separated results written as records are acknowledged. Records that
// arrive together are produced together (one batch per partition). The records:batch form takes
// `{ "entries": [...] }` with an `id` per entry and answers 207 with successes and failures.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TopicView } from '../../client/index.js';
import { HttpError } from '../http-error.js';
import { JsonStreamError, JsonValueSplitter } from '../produce/json-stream.js';
import { RecordProducer, type OutgoingRecord } from '../produce/record-producer.js';
import type { GatewayContext } from '../context.js';
import { clusterFor, v3 } from './cluster-routes.js';
import { decodeBase64, encodeData, type V3Data } from './record-data.js';
import { errors, topicParams } from './resources.js';

interface V3Record {
  id?: string;
  partition_id?: number | null;
  headers?: { name: string; value?: string | null }[];
  key?: V3Data | null;
  value?: V3Data | null;
  timestamp?: string | null;
}

type Result = Record<string, unknown>;

const dataSchema = {
  type: ['object', 'null'],
  properties: {
    type: { type: 'string' },
    data: {},
    schema_id: { type: 'integer' },
    schema_version: { type: 'integer' },
    subject: { type: 'string' },
    subject_name_strategy: { type: 'string' },
    schema: { type: 'string' },
  },
} as const;
const recordSchema = {
  type: 'object',
  properties: {
    partition_id: { type: ['integer', 'null'], minimum: 0 },
    headers: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, value: { type: ['string', 'null'] } }, required: ['name'] } },
    key: dataSchema,
    value: dataSchema,
    timestamp: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;
const resultSchema = {
  type: 'object',
  properties: {
    error_code: { type: 'integer' },
    message: { type: 'string' },
    cluster_id: { type: 'string' },
    topic_name: { type: 'string' },
    partition_id: { type: 'integer' },
    offset: { type: 'integer' },
    timestamp: { type: 'string' },
    key: { type: ['object', 'null'] },
    value: { type: ['object', 'null'] },
  },
  required: ['error_code'],
} as const;

/** Turns one request record into an outgoing record (throws HttpError 400/404/422 on bad data). */
async function prepare(ctx: GatewayContext, topic: TopicView, r: V3Record): Promise<{ out: OutgoingRecord; keyType: string; valueType: string }> {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new HttpError(400, 400, 'A record must be a JSON object');
  const key = await encodeData(r.key, topic.name, true, ctx.schemas);
  const value = await encodeData(r.value, topic.name, false, ctx.schemas);
  let timestamp: number | undefined;
  if (r.timestamp !== undefined && r.timestamp !== null) {
    timestamp = Date.parse(r.timestamp);
    if (!Number.isFinite(timestamp)) throw new HttpError(400, 400, `Invalid timestamp ${r.timestamp}`);
  }
  if (r.partition_id !== undefined && r.partition_id !== null && (!Number.isInteger(r.partition_id) || r.partition_id < 0 || r.partition_id >= topic.partitions.length)) {
    throw new HttpError(404, 40403, 'This server does not host this topic-partition.');
  }
  const headers = (r.headers ?? []).map((h) => {
    if (typeof h?.name !== 'string') throw new HttpError(400, 400, 'A header needs a name');
    return { key: h.name, value: h.value === undefined || h.value === null ? null : decodeBase64(h.value, `header ${h.name}`) };
  });
  return { out: { partition: r.partition_id ?? undefined, key: key.bytes, value: value.bytes, headers, timestamp }, keyType: key.type, valueType: value.type };
}

/** Produces records parsed from JSON texts or objects; one result per input, in order. */
async function produceAll(ctx: GatewayContext, producer: RecordProducer, clusterId: string, topic: TopicView, inputs: unknown[]): Promise<Result[]> {
  const results: Result[] = new Array(inputs.length);
  const ready: { index: number; out: OutgoingRecord; keyType: string; valueType: string }[] = [];
  for (let index = 0; index < inputs.length; index++) {
    const input = inputs[index];
    try {
      const r = (typeof input === 'string' ? JSON.parse(input) : input) as V3Record;
      ready.push({ index, ...(await prepare(ctx, topic, r)) });
    } catch (e) {
      const h = e instanceof HttpError ? e : new HttpError(400, 400, `Malformed record: ${e instanceof Error ? e.message : String(e)}`);
      results[index] = h.body();
    }
  }
  if (ready.length > 0) {
    try {
      const produced = await producer.produce(topic, ready.map((r) => r.out));
      ready.forEach((r, i) => {
        const p = produced[i]!;
        results[r.index] = {
          error_code: 200,
          cluster_id: clusterId,
          topic_name: topic.name,
          partition_id: p.partition,
          offset: Number(p.offset),
          timestamp: new Date(p.timestamp).toISOString(),
          key: r.out.key === null ? null : { type: r.keyType, size: r.out.key.length },
          value: r.out.value === null ? null : { type: r.valueType, size: r.out.value.length },
        };
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      for (const r of ready) results[r.index] = { error_code: 500, message: `Kafka error: ${message}` };
    }
  }
  return results;
}

export function registerRecordRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const producer = new RecordProducer(ctx.kafka);
  const tags = ['v3 records'];

  // The streaming form needs the raw body: this scope hands the request stream to the handler.
  void app.register(async (raw) => {
    raw.removeContentTypeParser('application/json');
    raw.addContentTypeParser('application/json', (_req, payload, done) => done(null, payload));
    raw.post<{ Params: { cluster_id: string; topic_name: string } }>(
      '/v3/clusters/:cluster_id/topics/:topic_name/records',
      {
        schema: {
          tags,
          summary: 'Produce a record, or a stream of records (objects concatenated in one body)',
          params: topicParams,
          body: recordSchema,
          response: { 200: resultSchema, ...errors(400, 404, 413, 415, 422, 500) },
        },
        // The body is a stream; its records are checked one by one in prepare().
        validatorCompiler: () => () => true,
      },
      async (request, reply) => {
        const stream = request.body as IncomingMessage;
        const { clusterId, topic } = await v3(async () => {
          const c = await clusterFor(ctx, request.params.cluster_id);
          const t = await ctx.kafka.topic(request.params.topic_name);
          if (!t) throw new HttpError(404, 404, `Topic ${request.params.topic_name} cannot be found.`);
          return { clusterId: c.clusterId, topic: t };
        });
        return streamProduce(ctx, producer, clusterId, topic, stream, reply);
      },
    );
  });

  app.post<{ Params: { cluster_id: string; topic_name: string }; Body: { entries: (V3Record & { id: string })[] } }>(
    '/v3/clusters/:cluster_id/topics/:topic_name/records::batch',
    {
      schema: {
        tags,
        summary: 'Produce a batch of records, each with an id',
        params: topicParams,
        body: {
          type: 'object',
          properties: { entries: { type: 'array', maxItems: 10000, items: { ...recordSchema, properties: { ...recordSchema.properties, id: { type: 'string' } }, required: ['id'] } } },
          required: ['entries'],
        },
        response: {
          207: { type: 'object', properties: { successes: { type: 'array', items: resultSchema }, failures: { type: 'array', items: resultSchema } } },
          ...errors(400, 404, 413, 415, 422, 500),
        },
      },
    },
    async (request, reply) => {
      const { clusterId, topic } = await v3(async () => {
        const c = await clusterFor(ctx, request.params.cluster_id);
        const t = await ctx.kafka.topic(request.params.topic_name);
        if (!t) throw new HttpError(404, 404, `Topic ${request.params.topic_name} cannot be found.`);
        return { clusterId: c.clusterId, topic: t };
      });
      const entries = request.body.entries;
      const results = await produceAll(ctx, producer, clusterId, topic, entries);
      const successes: Result[] = [];
      const failures: Result[] = [];
      results.forEach((r, i) => (r.error_code === 200 ? successes : failures).push({ id: entries[i]!.id, ...r }));
      return reply.code(207).send({ successes, failures });
    },
  );
}

async function streamProduce(ctx: GatewayContext, producer: RecordProducer, clusterId: string, topic: TopicView, stream: IncomingMessage, reply: FastifyReply): Promise<unknown> {
  const splitter = new JsonValueSplitter(ctx.options.maxBodyBytes);
  const pending: string[] = [];
  let streaming = false;
  const write = (results: Result[]): void => {
    for (const r of results) reply.raw.write(`${JSON.stringify(r)}\n`);
  };
  try {
    for await (const chunk of stream) {
      pending.push(...splitter.push(chunk as Buffer));
      if (!streaming && pending.length >= 2) {
        streaming = true;
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'application/json' });
      }
      if (streaming && pending.length > 0) write(await produceAll(ctx, producer, clusterId, topic, pending.splice(0)));
    }
    if (!splitter.atBoundary) throw new JsonStreamError('The request body ends inside a JSON object', 400);
  } catch (e) {
    const h = e instanceof JsonStreamError ? new HttpError(e.status, e.status, e.message) : e instanceof HttpError ? e : new HttpError(400, 400, e instanceof Error ? e.message : String(e));
    if (!streaming) throw h;
    write([h.body()]);
    reply.raw.end();
    stream.resume();
    return reply;
  }
  if (streaming) {
    if (pending.length > 0) write(await produceAll(ctx, producer, clusterId, topic, pending));
    reply.raw.end();
    return reply;
  }
  if (pending.length === 0) throw new HttpError(400, 400, 'The request body holds no record');
  const [result] = await produceAll(ctx, producer, clusterId, topic, pending);
  return reply.code(result!.error_code === 200 ? 200 : Number(result!.error_code) >= 1000 ? Math.floor(Number(result!.error_code) / 100) : Number(result!.error_code)).send(result);
}
