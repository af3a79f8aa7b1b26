// ksqlDB's REST API (its docs' "REST API reference") on the gateway's port, over brook/sql:
//   POST /ksql          statements -> an array of entities; a failure is 400 with a
//                       `statement_error` body (error_code, message, statementText, entities)
//   POST /query-stream  a SELECT: push queries stream until the client disconnects (or LIMIT),
//                       pull queries end after their rows. Newline-delimited JSON
//                       (application/vnd.ksqlapi.delimited.v1, the default): a header object
//                       {queryId, columnNames, columnTypes}, then one JSON array per row; or one
//                       JSON array of all of them with Accept: application/json
//   POST /query         the older form: a JSON array streamed as [{header}, {row}, ...]
//   GET  /info, /healthcheck, /status
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, SqlError, messageOf } from '../../sql/errors.js';
import { StatementError, type SqlEngine } from '../../sql/engine/engine.js';
import { formatType } from '../../sql/types/sql-type.js';
import { writeJson } from '../../sql/formats/json-values.js';
import { formatSchema, type Column } from '../../sql/catalog/data-source.js';
import type { Row } from '../../sql/formats/format.js';
import { packageInfo } from '../../util/package-info.js';
import type { GatewayContext } from '../context.js';

const KSQL_TYPE = 'application/vnd.ksql.v1+json';
const DELIMITED = 'application/vnd.ksqlapi.delimited.v1';

const statementBody = {
  type: 'object',
  properties: {
    ksql: { type: 'string' },
    sql: { type: 'string' },
    streamsProperties: { type: 'object', additionalProperties: true },
    properties: { type: 'object', additionalProperties: true },
    sessionVariables: { type: 'object', additionalProperties: true },
  },
} as const;

interface StatementRequest {
  ksql?: string;
  sql?: string;
  streamsProperties?: Record<string, unknown>;
  properties?: Record<string, unknown>;
}

function errorBody(e: unknown, statementText: string): { status: number; body: Record<string, unknown> } {
  const sql = e instanceof StatementError ? e.cause : e instanceof SqlError ? e : undefined;
  const code = sql?.code ?? ErrorCode.SERVER_ERROR;
  const text = e instanceof StatementError ? e.statementText : statementText;
  const entities = e instanceof StatementError ? e.entities : [];
  const status = Math.floor(code / 100);
  return { status, body: { '@type': status >= 500 ? 'generic_error' : 'statement_error', error_code: code, message: sql?.message ?? messageOf(e), statementText: text, entities } };
}

function stringProps(p: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(p ?? {}).map(([k, v]) => [k, String(v)]));
}

function rowJson(row: Row, columns: readonly Column[]): string {
  let out = '[';
  for (let i = 0; i < columns.length; i++) out += (i > 0 ? ',' : '') + writeJson(row[i] ?? null, columns[i]!.type);
  return out + ']';
}

function requireEngine(ctx: GatewayContext, reply: FastifyReply): SqlEngine | undefined {
  if (ctx.sql) return ctx.sql;
  void reply.code(503).type('application/json').send({ '@type': 'generic_error', error_code: ErrorCode.SERVER_NOT_READY, message: 'The SQL engine is not enabled on this gateway.' });
  return undefined;
}

/** Runs a SELECT, writing its header and rows through `write` until it ends or the client goes away. */
async function streamQuery(engine: SqlEngine, request: FastifyRequest, reply: FastifyReply, form: 'delimited' | 'json' | 'v1'): Promise<void> {
  const body = (request.body ?? {}) as StatementRequest;
  const text = (body.sql ?? body.ksql ?? '').trim();
  const abort = new AbortController();
  const res = reply.raw;
  // The response's 'close' is the client going away (or the response ending); the request's own
  // 'close' only says its body was read, which fastify has done already.
  res.on('close', () => abort.abort());
  let started = false;
  let first = true;
  let columns: readonly Column[] = [];
  const begin = (): void => {
    if (started) return;
    started = true;
    reply.hijack();
    res.writeHead(200, { 'content-type': form === 'delimited' ? DELIMITED : form === 'json' ? 'application/json' : KSQL_TYPE, 'transfer-encoding': 'chunked' });
    if (form !== 'delimited') res.write('[');
  };
  const item = (s: string): void => {
    if (form === 'delimited') res.write(s + '\n');
    else {
      res.write((first ? '' : ',\n') + s);
      first = false;
    }
  };
  try {
    await engine.query(
      text,
      { ...(body.streamsProperties ?? {}), ...(body.properties ?? {}) },
      {
        header: (queryId, cols) => {
          columns = cols;
          begin();
          if (form === 'v1') item(JSON.stringify({ header: { queryId, schema: formatSchema(cols) } }));
          else item(JSON.stringify({ queryId, columnNames: cols.map((c) => c.name), columnTypes: cols.map((c) => formatType(c.type)) }));
        },
        row: (row) => {
          if (abort.signal.aborted) return;
          const json = rowJson(row, columns);
          item(form === 'v1' ? `{"row":{"columns":${json}}}` : json);
        },
      },
      abort.signal,
    );
  } catch (e) {
    if (!started) {
      const { status, body: err } = errorBody(e, text);
      await reply.code(status).type('application/json').send(err);
      return;
    }
    item(JSON.stringify({ '@type': 'generic_error', error_code: ErrorCode.SERVER_ERROR, message: messageOf(e) }));
  }
  if (!started) return;
  if (!res.writableEnded) {
    if (form !== 'delimited') res.write(']');
    res.end();
  }
}

export function registerKsqlRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  app.post('/ksql', { schema: { tags: ['ksql'], summary: 'Run ksqlDB statements (DDL, persistent queries, SHOW, DESCRIBE, ...)', body: statementBody } }, async (request, reply) => {
    const engine = requireEngine(ctx, reply);
    if (!engine) return reply;
    const body = (request.body ?? {}) as StatementRequest;
    const text = body.ksql ?? body.sql;
    if (typeof text !== 'string') return reply.code(400).type(KSQL_TYPE).send({ '@type': 'statement_error', error_code: ErrorCode.BAD_REQUEST, message: "The request has no 'ksql' field.", statementText: '', entities: [] });
    try {
      const entities = await engine.execute(text, stringProps(body.streamsProperties));
      return reply.code(200).type(KSQL_TYPE).send(entities);
    } catch (e) {
      const { status, body: err } = errorBody(e, text);
      if (status >= 500) ctx.logger.error('ksql statement failed', { error: messageOf(e) });
      return reply.code(status).type(KSQL_TYPE).send(err);
    }
  });
  app.post('/query-stream', { schema: { tags: ['ksql'], summary: 'Run a push or pull query; rows stream back', body: statementBody } }, async (request, reply) => {
    const engine = requireEngine(ctx, reply);
    if (!engine) return reply;
    const accept = String(request.headers.accept ?? '');
    await streamQuery(engine, request, reply, accept.includes('application/json') && !accept.includes(DELIMITED) ? 'json' : 'delimited');
    return reply;
  });
  app.post('/query', { schema: { tags: ['ksql'], summary: 'Run a push or pull query (the older streaming form)', body: statementBody } }, async (request, reply) => {
    const engine = requireEngine(ctx, reply);
    if (!engine) return reply;
    await streamQuery(engine, request, reply, 'v1');
    return reply;
  });
  app.get('/info', { schema: { tags: ['ksql'], summary: 'ksqlDB server information' } }, async (_request, reply) => {
    return reply.type('application/json').send({
      KsqlServerInfo: { version: `brook-${packageInfo.version}`, kafkaClusterId: '', ksqlServiceId: ctx.sql?.serviceId ?? 'default_', serverStatus: ctx.sql ? 'RUNNING' : 'DISABLED' },
    });
  });
  app.get('/healthcheck', { schema: { tags: ['ksql'], summary: 'ksqlDB health check' } }, async (_request, reply) => {
    const healthy = ctx.sql !== null;
    return reply
      .code(healthy ? 200 : 503)
      .type('application/json')
      .send({ isHealthy: healthy, details: { metastore: { isHealthy: healthy }, kafka: { isHealthy: healthy }, commandRunner: { isHealthy: healthy } } });
  });
  app.get('/status', { schema: { tags: ['ksql'], summary: 'Status of the commands run' } }, async (_request, reply) => {
    const statuses: Record<string, string> = {};
    for (const q of ctx.sql?.queryInfos() ?? []) statuses[q.id] = q.state === 'RUNNING' ? 'SUCCESS' : 'ERROR';
    return reply.type('application/json').send({ commandStatuses: statuses });
  });
}
