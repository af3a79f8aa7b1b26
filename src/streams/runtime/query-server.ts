// The HTTP endpoint other instances use to query this instance's stores (runtime/
// interactive-queries.ts), served on the app's `applicationServer` address with node:http, and the
// client side of it. One route, GET only, JSON in and out:
//
//   GET /brook/streams/v1/query?kind=key|range|windows|window-range&store=<name>&partition=<n>
//        [&key=<base64>][&from=<base64>][&to=<base64>][&fromTime=<ms>][&toTime=<ms>][&standby=1]
//   200  the answer (InteractiveQueries' WireAnswer)
//   400  a malformed query            404  unknown store or route
//   409  this instance does not hold that partition (the caller's metadata is stale: try another)
//   500  the query failed here (e.g. a range query on a window store)
// Errors are {"error": "<code>", "message": "<sentence>"}.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamsError } from '../errors.js';
import { QueryError, type InteractiveQueries, type QueryKind, type WireAnswer, type WireQuery } from './interactive-queries.js';

const PATH = '/brook/streams/v1/query';
const KINDS: ReadonlySet<string> = new Set(['key', 'range', 'windows', 'window-range']);
const REMOTE_TIMEOUT_MS = 10_000;

export class QueryServer {
  private constructor(
    private readonly server: Server,
    /** `host:port` as bound (the port resolved when 0 was asked for). */
    readonly endpoint: string,
  ) {}

  /** Listen on `host:port` (port 0: any free port); `queries` is set once the app is wired. */
  static async listen(address: string, answer: () => InteractiveQueries | undefined): Promise<QueryServer> {
    const at = address.lastIndexOf(':');
    const host = address.slice(0, at);
    const port = Number(address.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new StreamsError('TOPOLOGY_INVALID', `applicationServer '${address}' must be host:port`);
    }
    const server = createServer((req, res) => handle(req, res, answer()));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const bound = (server.address() as AddressInfo).port;
    return new QueryServer(server, `${host}:${bound}`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections?.();
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
  res.end(bytes);
}

function handle(req: IncomingMessage, res: ServerResponse, queries: InteractiveQueries | undefined): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method !== 'GET' || url.pathname !== PATH) return reply(res, 404, { error: 'NOT_FOUND', message: `no route ${req.method} ${url.pathname}` });
  if (!queries) return reply(res, 409, { error: 'STORE_NOT_READY', message: 'this instance is starting' });
  const p = url.searchParams;
  const kind = p.get('kind') ?? '';
  const store = p.get('store') ?? '';
  const partition = Number(p.get('partition'));
  const num = (name: string) => (p.has(name) ? Number(p.get(name)) : undefined);
  const b64 = (name: string) => {
    const v = p.get(name);
    return v === null ? undefined : v;
  };
  if (!KINDS.has(kind) || store === '' || !Number.isInteger(partition) || partition < 0) {
    return reply(res, 400, { error: 'BAD_REQUEST', message: 'kind (key, range, windows, window-range), store and partition are required' });
  }
  for (const t of ['fromTime', 'toTime']) {
    const v = num(t);
    if (v !== undefined && !Number.isFinite(v)) return reply(res, 400, { error: 'BAD_REQUEST', message: `${t} must be a number` });
  }
  for (const k of ['key', 'from', 'to']) {
    const v = b64(k);
    if (v !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) return reply(res, 400, { error: 'BAD_REQUEST', message: `${k} must be base64` });
  }
  if ((kind === 'key' || kind === 'windows') && b64('key') === undefined) return reply(res, 400, { error: 'BAD_REQUEST', message: `a ${kind} query needs key` });
  const q: WireQuery = { kind: kind as QueryKind, store, partition, key: b64('key'), from: b64('from'), to: b64('to'), fromTime: num('fromTime'), toTime: num('toTime'), allowStandby: p.get('standby') === '1' };
  try {
    const answer = queries.answerLocally(q);
    if (!answer) return reply(res, 409, { error: 'STORE_NOT_READY', message: `this instance does not hold store '${store}' partition ${partition}${q.allowStandby ? '' : ' as an active'}` });
    reply(res, 200, answer);
  } catch (e) {
    const code = e instanceof StreamsError ? e.code : 'QUERY_FAILED';
    reply(res, code === 'STORE_NOT_FOUND' ? 404 : 500, { error: code, message: e instanceof Error ? e.message : String(e) });
  }
}

/** Ask the instance at `endpoint` (over HTTP) for one partition's answer. */
export async function queryRemote(endpoint: string, q: WireQuery): Promise<WireAnswer> {
  const p = new URLSearchParams({ kind: q.kind, store: q.store, partition: String(q.partition) });
  for (const [k, v] of [['key', q.key], ['from', q.from], ['to', q.to]] as const) if (v !== undefined) p.set(k, v);
  if (q.fromTime !== undefined) p.set('fromTime', String(q.fromTime));
  if (q.toTime !== undefined) p.set('toTime', String(q.toTime));
  if (q.allowStandby) p.set('standby', '1');
  let res: Response;
  try {
    res = await fetch(`http://${endpoint}${PATH}?${p}`, { signal: AbortSignal.timeout(REMOTE_TIMEOUT_MS) });
  } catch (e) {
    throw new QueryError('QUERY_FAILED', `instance ${endpoint} is unreachable: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const body = (await res.json().catch(() => undefined)) as (WireAnswer & { error?: string; message?: string }) | undefined;
  if (res.status === 200 && body && 'kind' in body) return body;
  if (res.status === 409) throw new QueryError('QUERY_FAILED', `instance ${endpoint} does not hold it (not ready)`);
  throw new QueryError('QUERY_FAILED', `instance ${endpoint} answered ${res.status}: ${body?.message ?? 'no detail'}`);
}
