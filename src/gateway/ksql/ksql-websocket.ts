// ksqlDB's WebSocket form of queries, for browsers: GET /ws/query upgraded to a WebSocket, the
// request as URL-encoded JSON in the `request` query parameter ({"ksql": "SELECT ...",
// "streamsProperties": {...}}; an optional `version` parameter must be 1). The server sends one
// text message with the result's schema (ksqlDB's field list: [{name, schema: {type, fields,
// memberSchema}}, ...]), then one message per row ({"row":{"columns":[...]}}). A push query runs
// until the client closes the socket (which stops it) or LIMIT rows were sent; a pull query ends
// after its rows. Endings are close frames as ksqlDB sends them: 1000 "done" at the end of the
// rows, 1003 with the error's message for a bad request or statement, 1011 for a failure after the
// schema was sent (reasons cut to the 123 bytes a close frame holds).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { messageOf, SqlError } from '../../sql/errors.js';
import { StatementError, type SqlEngine } from '../../sql/engine/engine.js';
import { schemaOf } from '../../sql/engine/entities.js';
import { writeJson } from '../../sql/formats/json-values.js';
import type { Column } from '../../sql/catalog/data-source.js';
import type { Row } from '../../sql/formats/format.js';
import type { UpgradeAuth } from '../auth/auth-hooks.js';
import type { Logger } from '../../util/logger.js';

export const KSQL_WS_PATH = '/ws/query';

const NORMAL = 1000;
const INVALID_MESSAGE_TYPE = 1003;
const UNEXPECTED_CONDITION = 1011;
const MAX_REASON_BYTES = 123;

/** A close reason fits a control frame: longer ones end in "..." as ksqlDB cuts them. */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= MAX_REASON_BYTES) return text;
  let cut = text.slice(0, MAX_REASON_BYTES - 3);
  while (Buffer.byteLength(cut) > MAX_REASON_BYTES - 3) cut = cut.slice(0, -1);
  return cut + '...';
}

interface WsRequest {
  ksql: string;
  properties: Record<string, unknown>;
}

function parseRequest(url: URL): WsRequest {
  const version = url.searchParams.get('version');
  if (version !== null && version !== '1') throw new Error(`Received invalid api version: ${version}`);
  const raw = url.searchParams.get('request');
  let parsed: unknown;
  try {
    if (raw === null || raw === '') throw new Error('missing request parameter');
    parsed = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the request is not a JSON object');
  } catch (e) {
    throw new Error(`Error parsing request: ${messageOf(e)}`);
  }
  const body = parsed as { ksql?: unknown; streamsProperties?: unknown };
  if (typeof body.ksql !== 'string' || body.ksql.trim() === '') throw new Error('Error parsing request: "ksql" field of "request" must be populated');
  const props = typeof body.streamsProperties === 'object' && body.streamsProperties !== null ? (body.streamsProperties as Record<string, unknown>) : {};
  return { ksql: body.ksql, properties: props };
}

function rowMessage(row: Row, columns: readonly Column[]): string {
  let out = '{"row":{"columns":[';
  for (let i = 0; i < columns.length; i++) out += (i > 0 ? ',' : '') + writeJson(row[i] ?? null, columns[i]!.type);
  return out + ']}}';
}

export class KsqlWebSocketEndpoint {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly running = new Set<AbortController>();

  constructor(
    private readonly engine: SqlEngine,
    private readonly auth: UpgradeAuth,
    private readonly log: Logger,
  ) {}

  /** Completes an upgrade request for KSQL_WS_PATH (after the HTTP security check) and runs its query. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    void this.auth(request, KSQL_WS_PATH).then(
      (decision) => {
        if (!decision.ok) {
          const headers = { ...decision.headers, 'content-length': String(Buffer.byteLength(decision.body)), connection: 'close' };
          const status = decision.status === 401 ? 'Unauthorized' : 'Forbidden';
          socket.end(`HTTP/1.1 ${decision.status} ${status}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${decision.body}`);
          return;
        }
        this.wss.handleUpgrade(request, socket, head, (ws) => this.serve(ws, request));
      },
      (e: unknown) => {
        this.log.warn('ksql websocket: authentication failed', { error: messageOf(e) });
        socket.destroy();
      },
    );
  }

  private serve(ws: WebSocket, request: IncomingMessage): void {
    // Messages from the client mean nothing here (ksqlDB ignores them too).
    ws.on('error', () => ws.terminate());
    let req: WsRequest;
    try {
      req = parseRequest(new URL(request.url ?? '/', 'http://localhost'));
    } catch (e) {
      ws.close(INVALID_MESSAGE_TYPE, closeReason(messageOf(e)));
      return;
    }
    const abort = new AbortController();
    this.running.add(abort);
    ws.on('close', () => abort.abort());
    let columns: readonly Column[] = [];
    let started = false;
    const send = (text: string): void => {
      if (ws.readyState === ws.OPEN) ws.send(text);
    };
    this.engine
      .query(
        req.ksql,
        req.properties,
        {
          header: (_queryId, cols) => {
            columns = cols;
            started = true;
            send(JSON.stringify(cols.map((c) => ({ name: c.name, schema: schemaOf(c.type) }))));
          },
          row: (row) => {
            if (!abort.signal.aborted) send(rowMessage(row, columns));
          },
        },
        abort.signal,
      )
      .then(
        () => {
          if (ws.readyState === ws.OPEN) ws.close(NORMAL, 'done');
        },
        (e: unknown) => {
          if (ws.readyState !== ws.OPEN) return;
          const sql = e instanceof StatementError ? e.cause : e instanceof SqlError ? e : undefined;
          ws.close(started ? UNEXPECTED_CONDITION : INVALID_MESSAGE_TYPE, closeReason(sql?.message ?? messageOf(e)));
        },
      )
      .finally(() => this.running.delete(abort));
  }

  /** Stops every query and closes the sockets (the gateway is closing). */
  close(): void {
    for (const a of this.running) a.abort();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
