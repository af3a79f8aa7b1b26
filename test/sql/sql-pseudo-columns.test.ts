// Pseudo columns and header columns (ksqlDB 0.24+): ROWTIME, ROWPARTITION and ROWOFFSET of the
// input record, `HEADERS` (every header, in order) and `HEADER('k')` (the last header with key k),
// in push queries and in a persistent query's output; and the type rules of header columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProducer } from '../../src/client/index.js';
import { ksql, ksqlError, query, startSqlGateway, text, waitForRecords } from './sql-harness.js';

const T0 = 1_700_000_000_000;

test('ROWPARTITION, ROWOFFSET, ROWTIME, HEADERS and HEADER(k) columns', async (t) => {
  const g = await startSqlGateway();
  t.after(() => g.close());
  await ksql(
    g,
    "CREATE STREAM clicks (id STRING KEY, page STRING, hs ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>> HEADERS, trace BYTES HEADER('trace')) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON', PARTITIONS=2);",
  );
  const producer = createProducer({ brokers: [g.broker.bootstrap], clientId: 'headers-producer' }, { acks: -1 });
  try {
    const h = (pairs: Array<[string, string]>): Map<Buffer, Buffer> => new Map(pairs.map(([k, v]) => [Buffer.from(k), Buffer.from(v)]));
    await producer.send({
      messages: [
        { topic: 'clicks', partition: 0, key: Buffer.from('a'), value: Buffer.from('{"PAGE":"home"}'), timestamp: BigInt(T0), headers: h([['trace', 't1'], ['user', 'ann']]) },
        { topic: 'clicks', partition: 1, key: Buffer.from('b'), value: Buffer.from('{"PAGE":"cart"}'), timestamp: BigInt(T0 + 1), headers: h([['trace', 'old'], ['trace', 't2']]) },
        { topic: 'clicks', partition: 0, key: Buffer.from('c'), value: Buffer.from('{"PAGE":"pay"}'), timestamp: BigInt(T0 + 2) },
      ],
    });
  } finally {
    await new Promise<void>((resolve) => producer.close(() => resolve()));
  }

  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const r = await query(g, 'SELECT id, ROWPARTITION AS p, ROWOFFSET AS o, ROWTIME AS ts, trace, hs FROM clicks EMIT CHANGES LIMIT 3;', { 'auto.offset.reset': 'earliest' });
  assert.deepEqual(r.header.columnTypes, ['STRING', 'INTEGER', 'BIGINT', 'BIGINT', 'BYTES', 'ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>>']);
  const rows = r.rows.sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  assert.deepEqual(rows, [
    ['a', 0, 0, T0, b64('t1'), [{ KEY: 'trace', VALUE: b64('t1') }, { KEY: 'user', VALUE: b64('ann') }]],
    ['b', 1, 0, T0 + 1, b64('t2'), [{ KEY: 'trace', VALUE: b64('old') }, { KEY: 'trace', VALUE: b64('t2') }]],
    ['c', 0, 1, T0 + 2, null, []],
  ]);

  // In a persistent query's output (header columns are read-only: they are not written back).
  await ksql(g, "CREATE STREAM positions AS SELECT id, page, ROWPARTITION AS p, ROWOFFSET AS o, FROM_BYTES(trace, 'utf8') AS trace FROM clicks EMIT CHANGES;", { 'auto.offset.reset': 'earliest' });
  const out = await waitForRecords(g, 'POSITIONS', 3, 2);
  assert.deepEqual(
    out.map((x) => [text(x.key), JSON.parse(text(x.value)!)]).sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    [
      ['a', { PAGE: 'home', P: 0, O: 0, TRACE: 't1' }],
      ['b', { PAGE: 'cart', P: 1, O: 0, TRACE: 't2' }],
      ['c', { PAGE: 'pay', P: 0, O: 1, TRACE: null }],
    ],
  );

  // Header columns have fixed types; pseudo column names are reserved.
  const badHeader = await ksqlError(g, "CREATE STREAM bad1 (h STRING HEADER('x')) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');");
  assert.match(String(badHeader.body.message), /Invalid type for HEADER\('x'\) column H: expected BYTES, got STRING/);
  const badHeaders = await ksqlError(g, "CREATE STREAM bad2 (h ARRAY<STRING> HEADERS) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');");
  assert.match(String(badHeaders.body.message), /Invalid type for HEADERS column H/);
  const reserved = await ksqlError(g, "CREATE STREAM bad3 (rowoffset BIGINT) WITH (KAFKA_TOPIC='clicks', VALUE_FORMAT='JSON');");
  assert.match(String(reserved.body.message), /'ROWOFFSET' is a reserved column name/);
});
