// REST Proxy v2 consumer instances: POST /consumers/{group} creates one; under
// /consumers/{group}/instances/{instance}: DELETE, subscription (POST/GET/DELETE),
// assignments (POST/GET), positions (POST, /beginning, /end), offsets (POST commits, GET reads
// committed ones) and GET records (in the instance's embedded format, which the Accept header
// must name: 40601 otherwise). Control bodies are application/vnd.kafka.v2+json.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { topicNames, type TopicPartition } from '../../client/index.js';
import { V2, acceptedTypes, embeddedFormat, type EmbeddedFormat } from '../content-types.js';
import { HttpError, rest } from '../http-error.js';
import { restErrorFrom } from '../kafka-access.js';
import type { GatewayContext } from '../context.js';
import type { ConsumerInstance, InstanceConfig } from './consumer-instances.js';
import { fromBytes } from './embedded-formats.js';
import { v2Errors } from './topic-routes.js';

const tags = ['v2 consumers'];
const groupParams = { type: 'object', properties: { group: { type: 'string', minLength: 1 } }, required: ['group'] } as const;
const instanceParams = { type: 'object', properties: { group: { type: 'string', minLength: 1 }, instance: { type: 'string', minLength: 1 } }, required: ['group', 'instance'] } as const;
type InstanceParams = { group: string; instance: string };
const tp = { type: 'object', properties: { topic: { type: 'string', minLength: 1 }, partition: { type: 'integer', minimum: 0, maximum: 2147483647 } }, required: ['topic', 'partition'] } as const;
const tpOffset = { type: 'object', properties: { ...tp.properties, offset: { type: 'integer', minimum: 0 } }, required: ['topic', 'partition', 'offset'] } as const;
const partitionsBody = { type: 'object', properties: { partitions: { type: 'array', items: tp } }, required: ['partitions'] } as const;
const offsetsBody = { type: 'object', properties: { offsets: { type: 'array', items: tpOffset } }, required: ['offsets'] } as const;
const noContent = { 204: { type: 'null', description: 'Done' } } as const;
const FORMATS = ['binary', 'json', 'avro', 'jsonschema'];
const MAX_GET_BODY = 1024 * 1024;

/** GET with a JSON body (kafka-rest's GET .../offsets): fastify leaves such bodies unread. */
async function readGetBody(request: FastifyRequest): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of request.raw) {
    size += (c as Buffer).length;
    if (size > MAX_GET_BODY) throw new HttpError(413, 413, 'Request body is larger than the gateway accepts.');
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new HttpError(400, 400, `Malformed JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function guarded<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    throw restErrorFrom(e);
  }
}

export function registerV2ConsumerRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const instance = (request: { params: InstanceParams; principal: string | null }): ConsumerInstance => ctx.consumers.get(request.params.group, request.params.instance, request.principal);
  const done = (reply: FastifyReply) => reply.code(204).send();
  const base = '/consumers/:group/instances/:instance';

  app.post<{ Params: { group: string }; Body: Record<string, unknown> }>(
    '/consumers/:group',
    {
      schema: {
        tags,
        summary: 'Create a consumer instance in a group',
        params: groupParams,
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._-]+$' },
            format: { type: 'string', enum: FORMATS },
            'auto.offset.reset': { type: 'string', enum: ['earliest', 'latest', 'smallest', 'largest'] },
            'auto.commit.enable': { type: ['string', 'boolean'], enum: ['true', 'false', true, false] },
            'fetch.min.bytes': { type: ['string', 'integer'] },
            'consumer.request.timeout.ms': { type: ['string', 'integer'] },
          },
        },
        response: { 200: { type: 'object', properties: { instance_id: { type: 'string' }, base_uri: { type: 'string' } } }, ...v2Errors(409, 422, 503) },
      },
    },
    async (request, reply) => {
      const b = request.body ?? {};
      const reset = String(b['auto.offset.reset'] ?? 'latest');
      const timeout = Number(b['consumer.request.timeout.ms'] ?? 1000);
      if (!Number.isFinite(timeout) || timeout < 0 || timeout > 300_000) throw rest.invalidConsumerConfig('consumer.request.timeout.ms must be from 0 to 300000');
      const config: InstanceConfig = {
        format: (b.format as EmbeddedFormat | undefined) ?? 'binary',
        autoOffsetReset: reset === 'earliest' || reset === 'smallest' ? 'earliest' : 'latest',
        autoCommit: String(b['auto.commit.enable'] ?? 'false') === 'true',
        requestTimeoutMs: timeout,
        fetchMinBytes: Number(b['fetch.min.bytes'] ?? 1),
      };
      const i = ctx.consumers.create(request.params.group, b.name as string | undefined, config, request.principal);
      const host = request.headers.host ?? request.hostname;
      return reply
        .code(200)
        .type(V2)
        .send({ instance_id: i.id, base_uri: `${request.protocol}://${host}/consumers/${encodeURIComponent(i.group)}/instances/${encodeURIComponent(i.id)}` });
    },
  );
  app.delete<{ Params: InstanceParams }>(base, { schema: { tags, summary: 'Delete a consumer instance', params: instanceParams, response: { ...noContent, ...v2Errors(404) } } }, async (request, reply) => {
    await ctx.consumers.delete(request.params.group, request.params.instance, request.principal);
    return done(reply);
  });

  app.post<{ Params: InstanceParams; Body: { topics?: string[]; topic_pattern?: string } }>(
    `${base}/subscription`,
    {
      schema: {
        tags,
        summary: 'Subscribe to topics (or a pattern)',
        params: instanceParams,
        body: { type: 'object', properties: { topics: { type: 'array', items: { type: 'string', minLength: 1 } }, topic_pattern: { type: 'string' } } },
        response: { ...noContent, ...v2Errors(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const i = instance(request);
      const { topics, topic_pattern } = request.body ?? {};
      if ((topics === undefined) === (topic_pattern === undefined)) throw rest.unprocessable('Give either topics or topic_pattern');
      await i.run(() =>
        guarded(async () => {
          let names = topics ?? [];
          if (topic_pattern !== undefined) {
            let re: RegExp;
            try {
              re = new RegExp(`^(?:${topic_pattern})$`);
            } catch {
              throw rest.unprocessable(`Invalid topic_pattern ${topic_pattern}`);
            }
            // The pattern is matched against the topics that exist now (not re-evaluated later).
            names = (await topicNames(ctx.kafka.admin)).filter((n) => re.test(n));
          }
          await i.subscribe(names);
        }),
      );
      return done(reply);
    },
  );
  app.get<{ Params: InstanceParams }>(
    `${base}/subscription`,
    { schema: { tags, summary: 'Subscribed topics', params: instanceParams, response: { 200: { type: 'object', properties: { topics: { type: 'array', items: { type: 'string' } } } }, ...v2Errors(404) } } },
    async (request, reply) => reply.code(200).type(V2).send({ topics: instance(request).subscription }),
  );
  app.delete<{ Params: InstanceParams }>(`${base}/subscription`, { schema: { tags, summary: 'Unsubscribe', params: instanceParams, response: { ...noContent, ...v2Errors(404) } } }, async (request, reply) => {
    const i = instance(request);
    await i.run(() => i.unsubscribe());
    return done(reply);
  });
  app.post<{ Params: InstanceParams; Body: { partitions: TopicPartition[] } }>(
    `${base}/assignments`,
    { schema: { tags, summary: 'Assign partitions manually', params: instanceParams, body: partitionsBody, response: { ...noContent, ...v2Errors(404, 409, 422) } } },
    async (request, reply) => {
      const i = instance(request);
      await i.run(async () => i.assign(request.body.partitions));
      return done(reply);
    },
  );
  app.get<{ Params: InstanceParams }>(
    `${base}/assignments`,
    { schema: { tags, summary: 'Current assignment', params: instanceParams, response: { 200: { type: 'object', properties: { partitions: { type: 'array', items: tp } } }, ...v2Errors(404) } } },
    async (request, reply) => reply.code(200).type(V2).send({ partitions: instance(request).assignment() }),
  );
  app.post<{ Params: InstanceParams; Body: { offsets: { topic: string; partition: number; offset: number }[] } }>(
    `${base}/positions`,
    { schema: { tags, summary: 'Seek to offsets', params: instanceParams, body: offsetsBody, response: { ...noContent, ...v2Errors(404, 409, 422) } } },
    async (request, reply) => {
      const i = instance(request);
      await i.run(async () => i.seek(request.body.offsets.map((o) => ({ ...o, offset: BigInt(o.offset) }))));
      return done(reply);
    },
  );
  for (const where of ['beginning', 'end'] as const) {
    app.post<{ Params: InstanceParams; Body: { partitions: TopicPartition[] } }>(
      `${base}/positions/${where}`,
      { schema: { tags, summary: `Seek to the ${where} of partitions`, params: instanceParams, body: partitionsBody, response: { ...noContent, ...v2Errors(404, 409, 422) } } },
      async (request, reply) => {
        const i = instance(request);
        await i.run(() => guarded(() => i.seekTo(request.body.partitions, where)));
        return done(reply);
      },
    );
  }
  app.post<{ Params: InstanceParams; Body: { offsets?: { topic: string; partition: number; offset: number }[] } | undefined }>(
    `${base}/offsets`,
    {
      schema: {
        tags,
        summary: 'Commit offsets (all consumed positions when the body is empty)',
        params: instanceParams,
        body: { type: ['object', 'null'], properties: { offsets: { type: 'array', items: tpOffset } } },
        response: { 200: { type: 'null', description: 'Committed' }, ...v2Errors(404, 409, 422, 500) },
      },
    },
    async (request, reply) => {
      const i = instance(request);
      const offsets = request.body?.offsets;
      await i.run(() => guarded(() => i.commit(offsets?.map((o) => ({ ...o, offset: BigInt(o.offset) })))));
      return reply.code(200).send();
    },
  );
  app.get<{ Params: InstanceParams }>(
    `${base}/offsets`,
    {
      schema: {
        tags,
        summary: 'Committed offsets of partitions (partitions in a JSON body, as kafka-rest takes them)',
        params: instanceParams,
        response: { 200: { type: 'object', properties: { offsets: { type: 'array', items: { type: 'object' } } } }, ...v2Errors(400, 404, 422, 500) },
      },
    },
    async (request, reply) => {
      const i = instance(request);
      const body = (await readGetBody(request)) as { partitions?: unknown };
      const partitions = Array.isArray(body.partitions) ? body.partitions : [];
      for (const p of partitions as TopicPartition[]) {
        if (typeof p?.topic !== 'string' || !Number.isInteger(p.partition) || p.partition < 0) throw rest.unprocessable('partitions must be [{"topic": string, "partition": int}]');
      }
      const offsets = await i.run(() => guarded(() => i.committed(partitions as TopicPartition[])));
      return reply.code(200).type(V2).send({ offsets });
    },
  );
  app.get<{ Params: InstanceParams; Querystring: { timeout?: number; max_bytes?: number } }>(
    `${base}/records`,
    {
      schema: {
        tags,
        summary: 'Fetch records (Accept must name the instance format)',
        params: instanceParams,
        querystring: { type: 'object', properties: { timeout: { type: 'integer', minimum: 0, maximum: 300000 }, max_bytes: { type: 'integer', minimum: 1, maximum: 67108864 } } },
        response: {
          200: {
            type: 'array',
            items: { type: 'object', properties: { topic: { type: 'string' }, key: {}, value: {}, partition: { type: 'integer' }, offset: { type: 'integer' } } },
          },
          ...v2Errors(404, 406, 409, 500),
        },
      },
    },
    async (request, reply) => {
      const i = instance(request);
      const wanted = acceptedTypes(request.headers.accept).map(embeddedFormat).find((f) => f !== undefined);
      if (wanted !== undefined && wanted !== i.config.format) throw rest.consumerFormatMismatch();
      const timeout = request.query.timeout ?? i.config.requestTimeoutMs;
      const maxBytes = request.query.max_bytes ?? 64 * 1024 * 1024;
      // Converted before the positions move: a record that does not convert is not skipped.
      const body = await i.run(() =>
        guarded(async () => {
          const records = await i.poll(timeout, maxBytes);
          const converted = records.map((r) => ({
            topic: r.topic,
            key: fromBytes(i.config.format, r.key, ctx.schemas),
            value: fromBytes(i.config.format, r.value, ctx.schemas),
            partition: r.partition,
            offset: Number(r.offset),
          }));
          await i.delivered(records);
          return converted;
        }),
      );
      return reply.code(200).type(`application/vnd.kafka.${i.config.format}.v2+json`).send(body);
    },
  );
}
