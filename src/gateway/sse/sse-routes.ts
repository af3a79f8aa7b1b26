// GET /sse/topics/{topic}: a topic's records as Server-Sent Events (text/event-stream), for
// browsers' EventSource.
//   partition=0,2         which partitions (default: all)
//   offset=earliest|latest|N   where to start (default latest)
//   timestamp=<ms|ISO>     start at the first record at or after this time
//   group=G               start at G's committed offsets and commit what is delivered
//   format=string|base64|json  how keys, values and header values are written (default string)
//   Last-Event-ID (header, or lastEventId=) resume exactly after that event
// Each event: `id: <p>:<o>[;...]`, `event: record`, `data: {topic, partition, offset,
// timestamp, key, value, headers}`. A `: heartbeat` comment keeps idle streams open.
import type { FastifyInstance } from 'fastify';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsetsAt } from '../../client/index.js';
import { HttpError, rest } from '../http-error.js';
import { restErrorFrom } from '../kafka-access.js';
import type { GatewayContext } from '../context.js';
import { parseEventId } from './event-id.js';
import { GroupCommitter } from './group-committer.js';
import { SseSubscriber, type ValueFormat } from './sse-subscriber.js';

interface SseQuery {
  partition?: string;
  offset?: string;
  timestamp?: string;
  group?: string;
  format?: ValueFormat;
  lastEventId?: string;
}

function parsePartitions(text: string | undefined, count: number): number[] {
  if (text === undefined || text === '') return Array.from({ length: count }, (_, i) => i);
  const out = text.split(',').map((s) => Number(s.trim()));
  for (const p of out) if (!Number.isInteger(p) || p < 0 || p >= count) throw rest.partitionNotFound();
  return [...new Set(out)].sort((a, b) => a - b);
}

function parseTimestamp(text: string): bigint {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms) || ms < 0) throw rest.unprocessable(`timestamp must be milliseconds since the epoch or an ISO-8601 date, not "${text}"`);
  return BigInt(Math.floor(ms));
}

export function registerSseRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  app.get<{ Params: { topic: string }; Querystring: SseQuery }>(
    '/sse/topics/:topic',
    {
      schema: {
        tags: ['server-sent events'],
        summary: "Stream a topic's records as Server-Sent Events",
        params: { type: 'object', properties: { topic: { type: 'string', minLength: 1, maxLength: 249 } }, required: ['topic'] },
        querystring: {
          type: 'object',
          properties: {
            partition: { type: 'string', pattern: '^[0-9]+(,[0-9]+)*$' },
            offset: { type: 'string', pattern: '^(earliest|latest|[0-9]+)$' },
            timestamp: { type: 'string' },
            group: { type: 'string', minLength: 1, maxLength: 255 },
            format: { type: 'string', enum: ['string', 'base64', 'json'] },
            lastEventId: { type: 'string' },
          },
        },
        headers: { type: 'object', properties: { 'last-event-id': { type: 'string' } } },
        response: {
          200: { description: 'text/event-stream of `record` events', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          404: { type: 'object', properties: { error_code: { type: 'integer' }, message: { type: 'string' } } },
          422: { type: 'object', properties: { error_code: { type: 'integer' }, message: { type: 'string' } } },
          503: { type: 'object', properties: { error_code: { type: 'integer' }, message: { type: 'string' } } },
        },
      },
    },
    async (request, reply) => {
      if (ctx.sse.full) throw new HttpError(503, 503, 'Too many SSE subscribers; try again later.');
      const q = request.query;
      let committer: GroupCommitter | null = null;
      let setup;
      try {
        setup = await (async () => {
          const topic = await ctx.kafka.requireTopic(request.params.topic, true);
          const partitions = parsePartitions(q.partition, topic.partitions.length);
          const tps = partitions.map((partition) => ({ topic: topic.name, partition }));
          const positions = new Map<number, bigint>();
          const put = (found: Map<string, bigint>) => {
            for (const p of partitions) {
              const v = found.get(`${topic.name}:${p}`);
              if (v !== undefined && v >= 0n && !positions.has(p)) positions.set(p, v);
            }
          };
          const resumed = parseEventId((request.headers['last-event-id'] as string | undefined) ?? q.lastEventId);
          if (resumed) for (const [p, o] of resumed) if (partitions.includes(p)) positions.set(p, o + 1n);
          if (q.group !== undefined) {
            committer = new GroupCommitter(ctx.kafka.admin, ctx.kafka.client, q.group, topic.name, ctx.logger);
            for (const [p, o] of await committer.committed(partitions)) if (!positions.has(p)) positions.set(p, o);
          }
          if (q.timestamp !== undefined) put(await listOffsetsAt(ctx.kafka.admin, tps, parseTimestamp(q.timestamp)));
          const offset = q.offset ?? 'latest';
          if (/^\d+$/.test(offset)) for (const p of partitions) if (!positions.has(p)) positions.set(p, BigInt(offset));
          // Partitions still unset (or a timestamp past the end): the log start or end.
          put(await listOffsetsAt(ctx.kafka.admin, tps, offset === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP));
          const tail = await ctx.sse.tailFor(topic.name, Array.from({ length: topic.partitions.length }, (_, i) => i));
          return { positions, tail };
        })();
      } catch (e) {
        await (committer as GroupCommitter | null)?.close();
        throw restErrorFrom(e);
      }
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      // `retry` tells EventSource how soon to reconnect after the connection drops.
      raw.write('retry: 1000\n: connected\n\n');
      const c = committer as GroupCommitter | null;
      const subscriber = new SseSubscriber(setup.tail, setup.positions, raw, q.format ?? 'string', (fn) => ctx.sse.catchUp(fn), {
        bufferBytes: ctx.sse.settings.subscriberBufferBytes,
        ...(c ? { onDelivered: (d: ReadonlyMap<number, bigint>) => c.delivered(d) } : {}),
      });
      if (c) raw.on('close', () => void c.close());
      ctx.sse.add(subscriber);
    },
  );
}
