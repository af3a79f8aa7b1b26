// ksqlDB's WebSocket form of queries (GET /ws/query, the request JSON in the `request` parameter)
// on a live broker and gateway, driven by the `ws` package as a client: the schema message, then
// one {"row":{"columns":[...]}} per row of an EMIT CHANGES query; closing the socket stops the
// query; a bad statement or request closes with 1003 and ksqlDB's message; a pull query ends with
// 1000 "done". With the broker's security on, the upgrade needs credentials and the ACL /query needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startTestBroker } from '../helpers/broker.js';
import { createCredential, scramMechanism } from '../../src/broker/security/scram.js';
import { HttpSecurityView } from '../../src/broker/security/http-security-view.js';
import { startTestGateway, type TestGateway } from '../gateway/gateway-harness.js';
import { ksql, produce, startSqlGateway, until } from './sql-harness.js';

interface Socket {
  ws: WebSocket;
  /** The next text message (waits for it). */
  next(): Promise<unknown>;
  /** The close frame's code and reason. */
  closed: Promise<{ code: number; reason: string }>;
}

function wsUrl(g: TestGateway, request: unknown): string {
  return `${g.url.replace(/^http/, 'ws')}/ws/query?request=${encodeURIComponent(JSON.stringify(request))}`;
}

function open(url: string, headers: Record<string, string> = {}): Socket {
  const ws = new WebSocket(url, { headers });
  const queue: unknown[] = [];
  const waiting: Array<(m: unknown) => void> = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as unknown;
    const w = waiting.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  ws.on('error', () => undefined);
  return {
    ws,
    closed,
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve))),
  };
}

/** The HTTP status an upgrade is refused with. */
function refusal(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => undefined);
  });
}

test('/ws/query: schema then rows of a push query; closing the socket stops it; errors close with 1003', async (t) => {
  const g = await startSqlGateway();
  t.after(() => g.close());
  const engine = g.gateway.context.sql!;
  await ksql(g, "CREATE STREAM clicks (id STRING KEY, url STRING, n INT) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=1);");
  await produce(g, 'clicks', [{ key: 'a', value: '{"URL":"/old","N":1}' }]);

  const s = open(wsUrl(g, { ksql: 'SELECT id, url, n * 2 AS twice FROM clicks WHERE n > 0 EMIT CHANGES;', streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' } }));
  assert.deepEqual(await s.next(), [
    { name: 'ID', schema: { type: 'STRING', fields: null, memberSchema: null } },
    { name: 'URL', schema: { type: 'STRING', fields: null, memberSchema: null } },
    { name: 'TWICE', schema: { type: 'INTEGER', fields: null, memberSchema: null } },
  ]);
  assert.deepEqual(await s.next(), { row: { columns: ['a', '/old', 2] } });
  await produce(g, 'clicks', [
    { key: 'b', value: '{"URL":"/skip","N":0}' },
    { key: 'c', value: '{"URL":"/x","N":5}' },
  ]);
  assert.deepEqual(await s.next(), { row: { columns: ['c', '/x', 10] } });
  assert.equal(engine.transientQueries, 1);
  s.ws.close();
  await s.closed;
  await until('the push query to stop when its socket closes', () => (engine.transientQueries === 0 ? true : undefined), 30_000);

  // A pull query (a stream scan) ends after its rows with ksqlDB's normal closure.
  const pull = open(wsUrl(g, { ksql: "SELECT url FROM clicks WHERE id = 'c';" }));
  assert.deepEqual(await pull.next(), [{ name: 'URL', schema: { type: 'STRING', fields: null, memberSchema: null } }]);
  assert.deepEqual(await pull.next(), { row: { columns: ['/x'] } });
  assert.deepEqual(await pull.closed, { code: 1000, reason: 'done' });

  // LIMIT ends a push query the same way.
  const limited = open(wsUrl(g, { ksql: 'SELECT id FROM clicks EMIT CHANGES LIMIT 2;', streamsProperties: { 'auto.offset.reset': 'earliest' } }));
  await limited.next();
  assert.deepEqual([await limited.next(), await limited.next()], [{ row: { columns: ['a'] } }, { row: { columns: ['b'] } }]);
  assert.deepEqual(await limited.closed, { code: 1000, reason: 'done' });

  // Errors: the statement's (ksqlDB's message), a request without ksql, an unparsable request.
  const unknown = open(wsUrl(g, { ksql: 'SELECT * FROM nowhere EMIT CHANGES;' }));
  const unknownClose = await unknown.closed;
  assert.equal(unknownClose.code, 1003);
  assert.match(unknownClose.reason, /^Line: 1, Col: 15: Source `NOWHERE` does not exist\.$/);
  const empty = open(wsUrl(g, { streamsProperties: {} }));
  assert.deepEqual(await empty.closed, { code: 1003, reason: 'Error parsing request: "ksql" field of "request" must be populated' });
  const missing = open(`${g.url.replace(/^http/, 'ws')}/ws/query`);
  assert.deepEqual(await missing.closed, { code: 1003, reason: 'Error parsing request: missing request parameter' });
  const long = open(wsUrl(g, { ksql: `SELECT * FROM ${'x'.repeat(300)} EMIT CHANGES;` }));
  const longClose = await long.closed;
  assert.equal(longClose.code, 1003);
  assert.ok(Buffer.byteLength(longClose.reason) <= 123 && longClose.reason.endsWith('...'), longClose.reason);
  assert.equal(engine.transientQueries, 0);
});

test('/ws/query with security on: 401 without credentials, 403 without the cluster ACL, rows for an administrator', async (t) => {
  const b = await startTestBroker({
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin;User:ANONYMOUS',
      'group.initial.rebalance.delay.ms': '0',
    },
  });
  const m = scramMechanism('SCRAM-SHA-256')!;
  const users = await Promise.all(['admin', 'alice'].map(async (user) => ({ user, mechanism: m.name, credential: await createCredential(m, `${user}-pw`) })));
  await b.broker.state.security.credentials.change(users, []);
  const security = new HttpSecurityView(b.broker.state.security, b.broker.state.authorizer, b.broker.listeners().map((l) => l.protocol));
  const g = await startTestGateway({ security, sql: { commitIntervalMs: 100 }, schemasTopic: false }, b);
  t.after(() => g.close());
  const basic = (user: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${user}-pw`).toString('base64')}` });

  const r = await fetch(`${g.url}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...basic('admin') },
    body: JSON.stringify({ ksql: "CREATE STREAM s (id STRING KEY, v INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1);" }),
  });
  assert.equal(r.status, 200, await r.text());
  await produce(g, 's', [{ key: 'k', value: '{"V":7}' }]);

  const url = wsUrl(g, { ksql: 'SELECT id, v FROM s EMIT CHANGES;', streamsProperties: { 'auto.offset.reset': 'earliest' } });
  assert.equal(await refusal(url), 401);
  assert.equal(await refusal(url, { authorization: `Basic ${Buffer.from('alice:wrong').toString('base64')}` }), 401);
  assert.equal(await refusal(url, basic('alice')), 403);
  assert.equal(g.gateway.context.sql!.transientQueries, 0, 'a refused upgrade runs nothing');

  const s = open(url, basic('admin'));
  await s.next();
  assert.deepEqual(await s.next(), { row: { columns: ['k', 7] } });
  s.ws.close();
  await s.closed;
  await until('the push query to stop when its socket closes', () => (g.gateway.context.sql!.transientQueries === 0 ? true : undefined), 30_000);
});
