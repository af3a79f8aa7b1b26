// ksqlDB statements end to end on a live broker, through the gateway's ksqlDB REST API: sources
// over existing topics, persistent queries writing topics, pull and push queries, the catalog
// statements, errors in ksqlDB's shapes, and persistent queries surviving a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { http } from '../gateway/gateway-harness.js';
import { ksql, ksqlError, produce, query, startSqlGateway, text, until, waitForRecords } from './sql-harness.js';

const MINUTE = 60_000;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE);

test('CREATE STREAM, CSAS with WHERE and projection, CTAS with a tumbling window, pull and push queries, restart', async (t) => {
  let g = await startSqlGateway();
  t.after(() => g.close());

  const created = await ksql(
    g,
    "CREATE STREAM pageviews (user_id STRING KEY, page STRING, dwell INT) WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON', PARTITIONS=1);",
  );
  assert.equal(created[0]!['@type'], 'currentStatus');
  assert.deepEqual((created[0]!.commandStatus as Record<string, unknown>).message, 'Stream created');

  await produce(g, 'pageviews', [
    { key: 'alice', value: '{"PAGE":"home","DWELL":5}', timestamp: T0 + 1000 },
    { key: 'bob', value: '{"PAGE":"cart","DWELL":7}', timestamp: T0 + 2000 },
    { key: 'alice', value: '{"PAGE":"cart","DWELL":3}', timestamp: T0 + 3000 },
    { key: 'alice', value: '{"PAGE":"home","DWELL":11}', timestamp: T0 + MINUTE + 1000 },
    { key: 'carol', value: 'not json', timestamp: T0 + MINUTE + 2000 },
  ]);

  const csas = await ksql(g, "CREATE STREAM home_views AS SELECT user_id, UCASE(page) AS page, dwell * 2 AS double_dwell FROM pageviews WHERE page = 'home' EMIT CHANGES;");
  const status = csas[0]!.commandStatus as Record<string, unknown>;
  assert.match(String(status.queryId), /^CSAS_HOME_VIEWS_\d+$/);
  const home = await waitForRecords(g, 'HOME_VIEWS', 2);
  assert.deepEqual(
    home.map((r) => [text(r.key), JSON.parse(text(r.value)!), Number(r.timestamp)]),
    [
      ['alice', { PAGE: 'HOME', DOUBLE_DWELL: 10 }, T0 + 1000],
      ['alice', { PAGE: 'HOME', DOUBLE_DWELL: 22 }, T0 + MINUTE + 1000],
    ],
  );

  await ksql(g, 'CREATE TABLE views_per_minute AS SELECT user_id, COUNT(*) AS views, SUM(dwell) AS total FROM pageviews WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id EMIT CHANGES;');
  const expected = [
    ['alice', T0, T0 + MINUTE, 2, 8],
    ['alice', T0 + MINUTE, T0 + 2 * MINUTE, 1, 11],
    ['bob', T0, T0 + MINUTE, 1, 7],
  ];
  const pulled = await until('the windowed counts', async () => {
    const r = await query(g, 'SELECT * FROM views_per_minute;');
    const rows = r.rows.map((x) => x).sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1]));
    return JSON.stringify(rows) === JSON.stringify(expected) ? r : undefined;
  }, 60_000);
  assert.deepEqual(pulled.header.columnNames, ['USER_ID', 'WINDOWSTART', 'WINDOWEND', 'VIEWS', 'TOTAL']);
  assert.deepEqual(pulled.header.columnTypes, ['STRING', 'BIGINT', 'BIGINT', 'BIGINT', 'INTEGER']);
  const byKey = await query(g, `SELECT user_id, views FROM views_per_minute WHERE user_id = 'bob';`);
  assert.deepEqual(byKey.rows, [['bob', 1]]);

  // A push query from the start of the topic, ended by LIMIT.
  const pushed = await query(g, "SELECT user_id, page FROM pageviews WHERE dwell > 4 EMIT CHANGES LIMIT 3;", { 'auto.offset.reset': 'earliest' });
  assert.deepEqual(pushed.rows, [
    ['alice', 'home'],
    ['bob', 'cart'],
    ['alice', 'home'],
  ]);

  // Catalog statements.
  const [streams] = await ksql(g, 'SHOW STREAMS;');
  assert.deepEqual(
    (streams!.streams as Array<Record<string, unknown>>).map((s) => [s.name, s.topic, s.keyFormat, s.valueFormat]),
    [
      ['HOME_VIEWS', 'HOME_VIEWS', 'KAFKA', 'JSON'],
      ['PAGEVIEWS', 'pageviews', 'KAFKA', 'JSON'],
    ],
  );
  const [tables] = await ksql(g, 'LIST TABLES;');
  assert.deepEqual((tables!.tables as Array<Record<string, unknown>>).map((s) => [s.name, s.isWindowed]), [['VIEWS_PER_MINUTE', true]]);
  const [described] = await ksql(g, 'DESCRIBE views_per_minute;');
  const desc = described!.sourceDescription as Record<string, unknown>;
  assert.equal(desc.windowType, 'TUMBLING');
  assert.deepEqual(
    (desc.fields as Array<Record<string, unknown>>).map((f) => [f.name, (f.schema as Record<string, unknown>).type, f.type ?? 'VALUE']),
    [
      ['USER_ID', 'STRING', 'KEY'],
      ['VIEWS', 'BIGINT', 'VALUE'],
      ['TOTAL', 'INTEGER', 'VALUE'],
    ],
  );
  const [queries] = await ksql(g, 'SHOW QUERIES;');
  const ids = (queries!.queries as Array<Record<string, unknown>>).map((q) => String(q.id)).sort();
  assert.equal(ids.length, 2);
  assert.ok(ids.every((id) => /^(CSAS_HOME_VIEWS|CTAS_VIEWS_PER_MINUTE)_\d+$/.test(id)), ids.join());

  // Restart: the engine replays the command topic and the queries go on where they stopped.
  g = await g.restart();
  const [again] = await ksql(g, 'SHOW QUERIES;');
  assert.deepEqual((again!.queries as Array<Record<string, unknown>>).map((q) => String(q.id)).sort(), ids);
  await produce(g, 'pageviews', [{ key: 'bob', value: '{"PAGE":"home","DWELL":1}', timestamp: T0 + 4000 }]);
  await until('bob counted once more after the restart', async () => {
    const r = await query(g, `SELECT views, total FROM views_per_minute WHERE user_id = 'bob';`);
    return JSON.stringify(r.rows) === JSON.stringify([[2, 8]]) ? r : undefined;
  }, 60_000);
  const homeAfter = await waitForRecords(g, 'HOME_VIEWS', 3);
  assert.deepEqual(JSON.parse(text(homeAfter[2]!.value)!), { PAGE: 'HOME', DOUBLE_DWELL: 2 });
  assert.equal(homeAfter.length, 3, 'no record written twice after the restart');

  // TERMINATE and DROP.
  const csasId = ids.find((id) => id.startsWith('CSAS_'))!;
  const dropEarly = await ksqlError(g, 'DROP STREAM pageviews;');
  assert.match(String(dropEarly.body.message), /Cannot drop PAGEVIEWS/);
  const [terminated] = await ksql(g, `TERMINATE ${csasId};`);
  assert.equal((terminated!.commandStatus as Record<string, unknown>).message, 'Query terminated.');
  const [dropped] = await ksql(g, 'DROP STREAM home_views DELETE TOPIC;');
  assert.match(String((dropped!.commandStatus as Record<string, unknown>).message), /Source `HOME_VIEWS` \(topic: HOME_VIEWS\) was dropped/);
  const [after] = await ksql(g, 'SHOW STREAMS;');
  assert.deepEqual((after!.streams as Array<Record<string, unknown>>).map((s) => s.name), ['PAGEVIEWS']);
});

test('DELIMITED and KAFKA formats, INSERT INTO VALUES, errors in ksqlDB shapes, /info and /healthcheck', async (t) => {
  const g = await startSqlGateway();
  t.after(() => g.close());
  await ksql(g, "CREATE STREAM orders (id BIGINT KEY, item STRING, qty INT, price DOUBLE) WITH (KAFKA_TOPIC='orders_csv', VALUE_FORMAT='DELIMITED', KEY_FORMAT='KAFKA', PARTITIONS=1);");
  const idKey = (n: number): string => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(n));
    return b.toString('latin1');
  };
  void idKey;
  // The table row is older than the orders, so the join sees it whichever record it reads first.
  await ksql(g, "CREATE TABLE items (name STRING PRIMARY KEY, category STRING) WITH (KAFKA_TOPIC='items', VALUE_FORMAT='JSON', PARTITIONS=1);");
  await ksql(g, "INSERT INTO items (name, category) VALUES ('apple', 'fruit');");
  await ksql(g, "INSERT INTO orders (id, item, qty, price) VALUES (1, 'apple', 3, 0.5);");
  await ksql(g, "INSERT INTO orders (id, item, qty, price) VALUES (2, 'pear,green', 1, 1.25);");
  await ksql(g, "CREATE STREAM orders_json WITH (KAFKA_TOPIC='orders_json', VALUE_FORMAT='JSON') AS SELECT id, item, qty * price AS amount FROM orders;");
  const out = await waitForRecords(g, 'orders_json', 2);
  assert.deepEqual(
    out.map((r) => [r.key!.readBigInt64BE(0), JSON.parse(text(r.value)!)]),
    [
      [1n, { ITEM: 'apple', AMOUNT: 1.5 }],
      [2n, { ITEM: 'pear,green', AMOUNT: 1.25 }],
    ],
  );
  const raw = await waitForRecords(g, 'orders_csv', 2);
  assert.deepEqual(raw.map((r) => text(r.value)), ['apple,3,0.5', '"pear,green",1,1.25']);

  // A stream-table join on a non-key column, on the live broker (through a repartition topic).
  await ksql(g, "CREATE STREAM enriched WITH (VALUE_FORMAT='JSON') AS SELECT o.item AS item, o.id AS id, i.category AS category FROM orders o LEFT JOIN items i ON o.item = i.name;");
  const enriched = await waitForRecords(g, 'ENRICHED', 2);
  assert.deepEqual(
    enriched.map((r) => [text(r.key), JSON.parse(text(r.value)!)]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    [
      ['apple', { ID: 1, CATEGORY: 'fruit' }],
      ['pear,green', { ID: 2, CATEGORY: null }],
    ],
  );

  const unknown = await ksqlError(g, 'CREATE STREAM bad AS SELECT nope FROM orders;');
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body['@type'], 'statement_error');
  assert.equal(unknown.body.error_code, 40001);
  assert.match(String(unknown.body.message), /SELECT column 'NOPE' cannot be resolved/);
  assert.equal(unknown.body.statementText, 'CREATE STREAM bad AS SELECT nope FROM orders;');
  const nonAgg = await ksqlError(g, 'CREATE TABLE t AS SELECT item, qty, COUNT(*) FROM orders GROUP BY item;');
  assert.match(String(nonAgg.body.message), /Non-aggregate SELECT expression\(s\) not part of GROUP BY: QTY/);
  const missing = await ksqlError(g, "CREATE STREAM s (a INT) WITH (KAFKA_TOPIC='no_such_topic', VALUE_FORMAT='JSON');");
  assert.match(String(missing.body.message), /Topic 'no_such_topic' does not exist/);
  const select = await ksqlError(g, 'SELECT * FROM orders;');
  assert.equal(select.body.error_code, 40002);
  const parse = await ksqlError(g, 'CREATE STREAM (;');
  assert.equal(parse.body.error_code, 40001);
  const badPull = await http(g.url, 'POST', '/query-stream', { body: { sql: 'SELECT nope FROM orders;' } });
  assert.equal(badPull.status, 400);
  assert.match(String((badPull.json as Record<string, unknown>).message), /cannot be resolved/);

  const info = await http(g.url, 'GET', '/info');
  assert.equal(((info.json as Record<string, Record<string, unknown>>).KsqlServerInfo!).serverStatus, 'RUNNING');
  const health = await http(g.url, 'GET', '/healthcheck');
  assert.equal((health.json as Record<string, unknown>).isHealthy, true);
});

test('a push query streams rows produced after it started, until the client goes away', async (t) => {
  const g = await startSqlGateway();
  t.after(() => g.close());
  await ksql(g, "CREATE STREAM clicks (id STRING KEY, url STRING) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=2);");
  await produce(g, 'clicks', [{ key: 'old', value: '{"URL":"/before"}' }]);
  const abort = new AbortController();
  const response = await fetch(`${g.url}/query-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/vnd.ksqlapi.delimited.v1' },
    body: JSON.stringify({ sql: "SELECT id, url FROM clicks WHERE url <> '/skip' EMIT CHANGES;" }),
    signal: abort.signal,
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/vnd.ksqlapi.delimited.v1');
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  const nextLine = async (): Promise<unknown> => {
    for (;;) {
      const i = buffered.indexOf('\n');
      if (i >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        return JSON.parse(line);
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the push query ended');
      buffered += decoder.decode(value, { stream: true });
    }
  };
  const header = (await nextLine()) as Record<string, unknown>;
  assert.deepEqual(header.columnNames, ['ID', 'URL']);
  assert.match(String(header.queryId), /^transient_CLICKS_/);
  // The header is sent once the query reads from the end of the topic: the older record is not in it.
  await produce(g, 'clicks', [
    { key: 'a', value: '{"URL":"/skip"}' },
    { key: 'b', value: '{"URL":"/x"}' },
  ]);
  assert.deepEqual(await nextLine(), ['b', '/x']);
  abort.abort();
  await reader.cancel().catch(() => undefined);
});
