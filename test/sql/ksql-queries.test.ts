// Persistent query lifecycle and joins on a live broker, through the ksqlDB REST API:
// CREATE OR REPLACE ... AS SELECT replaces the running query in place (same id, sink and state),
// TERMINATE and DROP remove a query's internal topics, DROP terminates the query that created the
// source, and table-table, foreign-key and stream-stream joins and table aggregations write the
// records they should.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAdmin, topicNames } from '../../src/client/index.js';
import type { TestGateway } from '../gateway/gateway-harness.js';
import { http } from '../gateway/gateway-harness.js';
import { ksql, ksqlError, produce, query, startSqlGateway, text, until, waitForRecords, readTopic } from './sql-harness.js';

async function topicsWithPrefix(g: TestGateway, prefix: string): Promise<string[]> {
  const admin = createAdmin({ brokers: [g.broker.bootstrap], clientId: 'sql-test-topics' });
  try {
    return (await topicNames(admin, true)).filter((t) => t.startsWith(prefix));
  } finally {
    await new Promise<void>((resolve) => admin.close(() => resolve()));
  }
}

function queryIds(entities: Array<Record<string, unknown>>): string[] {
  return (entities[0]!.queries as Array<Record<string, unknown>>).map((q) => String(q.id)).sort();
}

test('query lifecycle: CREATE OR REPLACE in place, TERMINATE and DROP clean up internal topics', async (t) => {
  let g = await startSqlGateway();
  t.after(() => g.close());
  await ksql(g, "CREATE STREAM ev (id STRING KEY, kind STRING, n INT) WITH (KAFKA_TOPIC='ev', VALUE_FORMAT='JSON', PARTITIONS=1);");
  await produce(g, 'ev', [{ key: 'a', value: '{"KIND":"x","N":1}', timestamp: 1000 }]);

  // GROUP BY a value column: a repartition topic and a changelog topic.
  const [created] = await ksql(g, 'CREATE TABLE per_kind AS SELECT kind, COUNT(*) AS c FROM ev GROUP BY kind;');
  const qid = String((created!.commandStatus as Record<string, unknown>).queryId);
  assert.match(qid, /^CTAS_PER_KIND_\d+$/);
  const prefix = `_confluent-ksql-default_query_${qid}-`;
  await waitForRecords(g, 'PER_KIND', 1);
  const internal = await topicsWithPrefix(g, prefix);
  assert.ok(internal.some((n) => n.endsWith('-repartition')) && internal.some((n) => n.endsWith('-changelog')), internal.join());

  // An incompatible replacement is refused with ksqlDB's message; the query keeps running.
  const incompatible = await ksqlError(g, 'CREATE OR REPLACE TABLE per_kind AS SELECT kind, SUM(n) AS c, COUNT(*) AS k FROM ev GROUP BY kind;');
  assert.match(String(incompatible.body.message), /^Cannot upgrade data source: DataSource '`PER_KIND`' has schema = `KIND` STRING KEY, `C` BIGINT which is not upgradeable to `KIND` STRING KEY, `C` INTEGER, `K` BIGINT\. \(The following columns are changed, missing or reordered: \[`C` BIGINT\]\)$/);

  const refused = await ksqlError(g, 'CREATE OR REPLACE TABLE per_kind AS SELECT kind, COUNT(*) AS c, SUM(n) AS total FROM ev GROUP BY kind;');
  assert.match(String(refused.body.message), /^StreamAggregate must have matching aggregate functions\. Values differ: \[COUNT\(\*\)\] vs\. \[COUNT\(\*\), SUM\(EV\.N\)\]$/);

  // A compatible one (a new filter) replaces the query in place: same id, and the count goes on
  // from the old query's state.
  const [replaced] = await ksql(g, 'CREATE OR REPLACE TABLE per_kind AS SELECT kind, COUNT(*) AS c FROM ev WHERE n > 1 GROUP BY kind;');
  assert.equal((replaced!.commandStatus as Record<string, unknown>).queryId, qid);
  assert.deepEqual(queryIds(await ksql(g, 'SHOW QUERIES;')), [qid]);
  await produce(g, 'ev', [
    { key: 'b', value: '{"KIND":"x","N":0}', timestamp: 2000 },
    { key: 'c', value: '{"KIND":"x","N":5}', timestamp: 3000 },
  ]);
  const out = await waitForRecords(g, 'PER_KIND', 2);
  assert.deepEqual(out.map((r) => [text(r.key), JSON.parse(text(r.value)!)]), [
    ['x', { C: 1 }],
    ['x', { C: 2 }],
  ]);
  await produce(g, 'ev', [{ key: 'd', value: '{"KIND":"x","N":2}', timestamp: 4000 }]);
  const out3 = await waitForRecords(g, 'PER_KIND', 3);
  assert.deepEqual(JSON.parse(text(out3[2]!.value)!), { C: 3 });
  assert.equal((await readTopic(g, 'PER_KIND')).length, 3, 'the replaced query no longer writes (it would have counted N=0)');

  // IF NOT EXISTS over the existing table starts no second query.
  const [kept] = await ksql(g, 'CREATE TABLE IF NOT EXISTS per_kind AS SELECT kind, COUNT(*) AS c FROM ev GROUP BY kind;');
  assert.equal((kept!.commandStatus as Record<string, unknown>).message, 'A table with the same name already exists');
  assert.deepEqual(queryIds(await ksql(g, 'SHOW QUERIES;')), [qid]);

  // After a restart the command topic replays both statements: one query, the replacement, same id.
  g = await g.restart();
  const [listed] = await ksql(g, 'SHOW QUERIES;');
  assert.deepEqual((listed!.queries as Array<Record<string, unknown>>).map((q) => [q.id, q.queryString]), [[qid, 'CREATE OR REPLACE TABLE per_kind AS SELECT kind, COUNT(*) AS c FROM ev WHERE n > 1 GROUP BY kind;']]);
  await produce(g, 'ev', [
    { key: 'e', value: '{"KIND":"x","N":0}', timestamp: 5000 },
    { key: 'f', value: '{"KIND":"x","N":3}', timestamp: 6000 },
  ]);
  const out4 = await waitForRecords(g, 'PER_KIND', 4);
  assert.deepEqual(JSON.parse(text(out4[3]!.value)!), { C: 4 });

  // TERMINATE removes the internal topics.
  await ksql(g, `TERMINATE ${qid};`);
  await until('the internal topics of the terminated query deleted', async () => ((await topicsWithPrefix(g, prefix)).length === 0 ? true : undefined), 30_000);
  assert.deepEqual(queryIds(await ksql(g, 'SHOW QUERIES;')), []);

  // DROP terminates the query that created the source and deletes its internal topics (and,
  // with DELETE TOPIC, the sink topic); a source another query reads cannot be dropped.
  const [csas] = await ksql(g, "CREATE STREAM rekeyed AS SELECT kind, id, n FROM ev PARTITION BY kind;");
  const csasId = String((csas!.commandStatus as Record<string, unknown>).queryId);
  await waitForRecords(g, 'REKEYED', 6);
  // A stateless query may gain a column: it goes on from its committed offsets, with the new column.
  const [widened] = await ksql(g, 'CREATE OR REPLACE STREAM rekeyed AS SELECT kind, id, n, n * 10 AS n10 FROM ev PARTITION BY kind;');
  assert.equal((widened!.commandStatus as Record<string, unknown>).queryId, csasId);
  await produce(g, 'ev', [{ key: 'g', value: '{"KIND":"y","N":4}', timestamp: 7000 }]);
  const rekeyed = await waitForRecords(g, 'REKEYED', 7);
  assert.deepEqual([text(rekeyed[6]!.key), JSON.parse(text(rekeyed[6]!.value)!)], ['y', { ID: 'g', N: 4, N10: 40 }]);
  await ksql(g, 'CREATE STREAM big AS SELECT kind, n FROM rekeyed WHERE n > 1;');
  const blocked = await ksqlError(g, 'DROP STREAM rekeyed;');
  assert.match(String(blocked.body.message), /^Cannot drop REKEYED\.\nThe following queries read from this source: \[CSAS_BIG_\d+\]\.\nThe following queries write into this source: \[\]\.\nYou need to terminate them before dropping REKEYED\.$/);
  const [dropped] = await ksql(g, 'DROP STREAM big DELETE TOPIC;');
  assert.match(String((dropped!.commandStatus as Record<string, unknown>).message), /Source `BIG` \(topic: BIG\) was dropped/);
  await ksql(g, 'DROP STREAM rekeyed DELETE TOPIC;');
  assert.deepEqual(queryIds(await ksql(g, 'SHOW QUERIES;')), []);
  await until('the sink topics and internal topics gone', async () => {
    const left = [...(await topicsWithPrefix(g, 'REKEYED')), ...(await topicsWithPrefix(g, 'BIG')), ...(await topicsWithPrefix(g, `_confluent-ksql-default_query_${csasId}-`))];
    return left.length === 0 ? true : undefined;
  }, 30_000);
});

test('joins and table aggregation on a live broker: table-table, foreign-key, stream-stream', async (t) => {
  const g = await startSqlGateway();
  t.after(() => g.close());
  await ksql(g, "CREATE TABLE customers (id STRING PRIMARY KEY, name STRING, region STRING) WITH (KAFKA_TOPIC='customers', VALUE_FORMAT='JSON', PARTITIONS=2);");
  await ksql(g, "CREATE TABLE accounts (id STRING PRIMARY KEY, balance INT) WITH (KAFKA_TOPIC='accounts', VALUE_FORMAT='JSON', PARTITIONS=2);");
  await ksql(g, "CREATE TABLE regions (code STRING PRIMARY KEY, label STRING) WITH (KAFKA_TOPIC='regions', VALUE_FORMAT='JSON', PARTITIONS=1);");
  await ksql(g, "CREATE STREAM views (id STRING KEY, page STRING) WITH (KAFKA_TOPIC='views', VALUE_FORMAT='JSON', PARTITIONS=2);");
  await ksql(g, "CREATE STREAM buys (id STRING KEY, amount INT) WITH (KAFKA_TOPIC='buys', VALUE_FORMAT='JSON', PARTITIONS=2);");
  await produce(g, 'customers', [
    { key: 'c1', value: '{"NAME":"Ann","REGION":"eu"}' },
    { key: 'c2', value: '{"NAME":"Bo","REGION":"us"}' },
  ]);
  await produce(g, 'accounts', [{ key: 'c1', value: '{"BALANCE":10}' }]);
  await produce(g, 'regions', [
    { key: 'eu', value: '{"LABEL":"Europe"}' },
    { key: 'us', value: '{"LABEL":"Americas"}' },
  ]);
  await ksql(g, 'CREATE TABLE with_balance AS SELECT c.id AS id, c.name AS name, a.balance AS balance FROM customers c LEFT JOIN accounts a ON c.id = a.id;');
  await ksql(g, 'CREATE TABLE with_region AS SELECT c.id AS id, c.name AS name, r.label AS label FROM customers c JOIN regions r ON c.region = r.code;');
  await ksql(g, 'CREATE TABLE per_region AS SELECT region, COUNT(*) AS n FROM customers GROUP BY region;');
  await ksql(g, 'CREATE STREAM view_then_buy AS SELECT v.id AS id, v.page AS page, b.amount AS amount FROM views v JOIN buys b WITHIN 1 MINUTE ON v.id = b.id;');

  const latest = async (topic: string, n: number): Promise<Record<string, unknown>> => {
    const rs = await waitForRecords(g, topic, n, 2);
    const out: Record<string, unknown> = {};
    for (const r of rs) out[text(r.key)!] = r.value === null ? null : JSON.parse(text(r.value)!);
    return out;
  };
  await until('the table-table join', async () => {
    const m = await latest('WITH_BALANCE', 2);
    return JSON.stringify(m) === JSON.stringify({ c1: { NAME: 'Ann', BALANCE: 10 }, c2: { NAME: 'Bo', BALANCE: null } }) || JSON.stringify(m) === JSON.stringify({ c2: { NAME: 'Bo', BALANCE: null }, c1: { NAME: 'Ann', BALANCE: 10 } }) ? m : undefined;
  }, 60_000);
  await until('the foreign-key join', async () => {
    const m = await latest('WITH_REGION', 2);
    return m.c1 !== undefined && m.c2 !== undefined ? m : undefined;
  }, 60_000).then((m) => assert.deepEqual(m, { ...m, c1: { NAME: 'Ann', LABEL: 'Europe' }, c2: { NAME: 'Bo', LABEL: 'Americas' } }));

  // A change on the right of the foreign-key join reaches every left row referring to it.
  await produce(g, 'regions', [{ key: 'eu', value: '{"LABEL":"EU"}' }]);
  await until('the foreign-key join after the right row changed', async () => {
    const m = await latest('WITH_REGION', 3);
    return JSON.stringify(m.c1) === JSON.stringify({ NAME: 'Ann', LABEL: 'EU' }) ? m : undefined;
  }, 60_000);

  // A push query over a join runs the same join in-process.
  const pushed = await query(g, 'SELECT c.id AS id, c.name AS name, a.balance AS balance FROM customers c JOIN accounts a ON c.id = a.id EMIT CHANGES LIMIT 1;', { 'auto.offset.reset': 'earliest' });
  assert.deepEqual(pushed.rows, [['c1', 'Ann', 10]]);

  // Aggregating a table: c2 moving to eu is retracted from us and added to eu.
  await until('the table aggregation', async () => {
    const m = await latest('PER_REGION', 2);
    return JSON.stringify(m.eu) === JSON.stringify({ N: 1 }) && JSON.stringify(m.us) === JSON.stringify({ N: 1 }) ? m : undefined;
  }, 60_000);
  await produce(g, 'customers', [{ key: 'c2', value: '{"NAME":"Bo","REGION":"eu"}' }]);
  await until('the table aggregation after an update', async () => {
    const m = await latest('PER_REGION', 4);
    return JSON.stringify(m) === JSON.stringify({ eu: { N: 2 }, us: { N: 0 } }) || JSON.stringify(m) === JSON.stringify({ us: { N: 0 }, eu: { N: 2 } }) ? m : undefined;
  }, 60_000);

  const now = Date.now();
  await produce(g, 'views', [{ key: 'c1', value: '{"PAGE":"/shoes"}', timestamp: now }]);
  await produce(g, 'buys', [
    { key: 'c1', value: '{"AMOUNT":30}', timestamp: now + 1000 },
    { key: 'c2', value: '{"AMOUNT":5}', timestamp: now + 2000 },
  ]);
  const joined = await waitForRecords(g, 'VIEW_THEN_BUY', 1, 2);
  assert.deepEqual(joined.map((r) => [text(r.key), JSON.parse(text(r.value)!)]), [['c1', { PAGE: '/shoes', AMOUNT: 30 }]]);
});

test('pull queries read the state store of the aggregation: by key, IN, WINDOWSTART bounds, scans and their errors', async (t) => {
  const g = await startSqlGateway();
  t.after(() => g.close());
  const T0 = 1_700_000_040_000;
  await ksql(g, "CREATE STREAM orders (id STRING KEY, customer STRING, amount INT) WITH (KAFKA_TOPIC='orders', VALUE_FORMAT='JSON', PARTITIONS=2);");
  await ksql(g, "CREATE TABLE prices (item STRING PRIMARY KEY, price INT) WITH (KAFKA_TOPIC='prices', VALUE_FORMAT='JSON', PARTITIONS=1);");
  await produce(g, 'prices', [{ key: 'pen', value: '{"PRICE":2}' }]);
  await produce(g, 'orders', [
    { key: 'o1', value: '{"CUSTOMER":"a","AMOUNT":10}', timestamp: T0 + 1000 },
    { key: 'o2', value: '{"CUSTOMER":"b","AMOUNT":5}', timestamp: T0 + 2000 },
    { key: 'o3', value: '{"CUSTOMER":"a","AMOUNT":7}', timestamp: T0 + 61_000 },
  ]);
  await ksql(g, 'CREATE TABLE totals AS SELECT customer, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY customer;');
  await ksql(g, 'CREATE TABLE per_minute AS SELECT customer, COUNT(*) AS n FROM orders WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY customer;');
  const noScan = { 'ksql.query.pull.table.scan.enabled': false };
  const sorted = (rows: unknown[][]): string => JSON.stringify([...rows].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))));

  // A key lookup needs no scan: with scans disabled it is still answered, from the store.
  const byKey = await until('the aggregate of a', async () => {
    const r = await query(g, "SELECT * FROM totals WHERE customer = 'a';", noScan);
    return JSON.stringify(r.rows) === JSON.stringify([['a', 2, 17]]) ? r : undefined;
  }, 60_000);
  assert.deepEqual(byKey.header.columnNames, ['CUSTOMER', 'N', 'TOTAL']);
  await until('both customers by IN', async () => {
    const r = await query(g, "SELECT customer, total FROM totals WHERE customer IN ('a', 'b', 'zz');", noScan);
    return sorted(r.rows) === JSON.stringify([['a', 17], ['b', 5]]) ? r : undefined;
  }, 60_000);
  // A key range is a scan of the store, filtered by the whole WHERE clause.
  assert.deepEqual((await query(g, "SELECT customer, n FROM totals WHERE customer > 'a';")).rows, [['b', 1]]);
  const refused = await http(g.url, 'POST', '/query-stream', { body: { sql: "SELECT * FROM totals WHERE customer > 'a';", properties: noScan } });
  assert.equal(refused.status, 400);
  assert.equal((refused.json as Record<string, unknown>).message, 'Query requires table scan to be enabled. Table scans can be enabled by setting ksql.query.pull.table.scan.enabled=true');

  // Windowed: a key's windows, narrowed by WINDOWSTART bounds.
  await until('the windows of a', async () => {
    const r = await query(g, "SELECT customer, WINDOWSTART, WINDOWEND, n FROM per_minute WHERE customer = 'a';", noScan);
    return JSON.stringify(r.rows) === JSON.stringify([['a', T0, T0 + 60_000, 1], ['a', T0 + 60_000, T0 + 120_000, 1]]) ? r : undefined;
  }, 60_000);
  const late = await query(g, `SELECT customer, WINDOWSTART, n FROM per_minute WHERE customer = 'a' AND WINDOWSTART >= ${T0 + 60_000};`, noScan);
  assert.deepEqual(late.rows, [['a', T0 + 60_000, 1]]);
  const early = await query(g, `SELECT customer, n FROM per_minute WHERE WINDOWSTART < ${T0 + 60_000};`);
  assert.equal(sorted(early.rows), JSON.stringify([['a', 1], ['b', 1]]));

  // A table no query materializes: its topic is scanned, unless scans are disabled.
  assert.deepEqual((await query(g, "SELECT * FROM prices WHERE item = 'pen';")).rows, [['pen', 2]]);
  const notQueryable = await http(g.url, 'POST', '/query-stream', { body: { sql: "SELECT * FROM prices WHERE item = 'pen';", properties: noScan } });
  assert.equal(notQueryable.status, 400);
  assert.equal(
    (notQueryable.json as Record<string, unknown>).message,
    "The `PRICES` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_PRICES AS SELECT * FROM PRICES'. See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query.",
  );
});
