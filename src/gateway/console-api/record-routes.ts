// GET /console/api/topics/{t}/records: the message browser's reads (record-browse.ts), with
// keys, values and header values as base64 (the page renders text, JSON or hex) and, when a
// value is in the schema registry's wire format with a schema the registry knows, the value
// decoded through it (Avro or JSON Schema) beside the raw bytes.
import type { FastifyInstance } from 'fastify';
import { describeTopics, type FetchedRecord } from '../../client/index.js';
import { HttpError } from '../http-error.js';
import type { GatewayContext } from '../context.js';
import { decodeWithSchema, unframe } from '../registry/wire-format.js';
import { browse, type RecordFilter, type StartFrom } from './record-browse.js';
import { FilterSyntaxError, parseFilter } from './filter-expression.js';
import { consoleErrors, consoleRoute } from './console-route.js';

interface RecordsQuery {
  partition?: string;
  from?: 'earliest' | 'newest' | 'offset' | 'timestamp';
  offset?: number;
  timestamp?: string;
  limit?: number;
  key?: string;
  value?: string;
  header?: string;
  expr?: string;
}

const MAX_SCANNED = 100_000;

function startFrom(q: RecordsQuery): StartFrom {
  switch (q.from ?? 'newest') {
    case 'earliest':
      return { kind: 'earliest' };
    case 'offset':
      if (q.offset === undefined) throw new HttpError(422, 422, 'from=offset needs offset=N');
      return { kind: 'offset', offset: BigInt(q.offset) };
    case 'timestamp': {
      const ms = q.timestamp === undefined ? NaN : /^\d+$/.test(q.timestamp) ? Number(q.timestamp) : Date.parse(q.timestamp);
      if (!Number.isFinite(ms) || ms < 0) throw new HttpError(422, 422, 'from=timestamp needs timestamp=<ms since the epoch or an ISO-8601 date>');
      return { kind: 'timestamp', timestamp: BigInt(Math.floor(ms)) };
    }
    default:
      return { kind: 'newest' };
  }
}

export function registerRecordRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const b64 = (b: Buffer | null): string | null => (b === null ? null : b.toString('base64'));
  const body = (r: FetchedRecord): Record<string, unknown> => {
    let schema: { id: number; type: string; value: unknown } | null = null;
    const framed = ctx.schemas && r.value ? unframe(r.value) : undefined;
    if (framed && ctx.schemas && r.value) {
      try {
        const decoded = decodeWithSchema(ctx.schemas, r.value);
        const known = ctx.schemas.store.state.schemaById(framed.id);
        if (decoded !== undefined && known) schema = { id: framed.id, type: known.schemaType, value: decoded };
      } catch {
        // Bytes that merely look framed: shown raw.
      }
    }
    return {
      partition: r.partition,
      offset: Number(r.offset),
      timestamp: Number(r.timestamp),
      key: b64(r.key),
      value: b64(r.value),
      headers: r.headers.map(([k, v]) => ({ key: k.toString('utf8'), value: b64(v) })),
      schema,
    };
  };
  app.get<{ Params: { topic: string }; Querystring: RecordsQuery }>(
    '/console/api/topics/:topic/records',
    {
      schema: {
        tags: ['console'],
        summary: "Read a topic's records from a position, filtered by key, value or header substrings or a filter expression",
        params: { type: 'object', properties: { topic: { type: 'string', minLength: 1, maxLength: 249 } }, required: ['topic'] },
        querystring: {
          type: 'object',
          properties: {
            partition: { type: 'string', pattern: '^(all|[0-9]+)$' },
            from: { type: 'string', enum: ['earliest', 'newest', 'offset', 'timestamp'] },
            offset: { type: 'integer', minimum: 0 },
            timestamp: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
            key: { type: 'string', maxLength: 1024 },
            value: { type: 'string', maxLength: 1024 },
            header: { type: 'string', maxLength: 1024 },
            expr: { type: 'string', maxLength: 1024 },
          },
        },
        response: { 200: { type: 'object', additionalProperties: true }, ...consoleErrors },
      },
    },
    async (request) =>
      consoleRoute(async () => {
        const q = request.query;
        const topic = (await describeTopics(ctx.kafka.admin, [request.params.topic])).get(request.params.topic);
        if (!topic) throw new HttpError(404, 40403, `Topic ${request.params.topic} cannot be found.`);
        let partitions = topic.partitions.map((p) => p.partition);
        if (q.partition !== undefined && q.partition !== 'all') {
          const p = Number(q.partition);
          if (!partitions.includes(p)) throw new HttpError(404, 40402, `Partition ${p} cannot be found.`);
          partitions = [p];
        }
        const filter: RecordFilter = { ...(q.key ? { key: q.key } : {}), ...(q.value ? { value: q.value } : {}), ...(q.header ? { header: q.header } : {}) };
        if (q.expr && q.expr.trim() !== '') {
          try {
            filter.expression = parseFilter(q.expr);
          } catch (e) {
            if (e instanceof FilterSyntaxError) throw new HttpError(422, 422, `Filter: ${e.message}`);
            throw e;
          }
        }
        const result = await browse(ctx.kafka.admin, ctx.kafka.reader(0, 4 * 1024 * 1024), { topic, partitions, from: startFrom(q), limit: q.limit ?? 100, filter, maxScanned: MAX_SCANNED });
        return { topic: topic.name, records: result.records.map(body), scanned: result.scanned, positions: result.positions };
      }),
  );
}
