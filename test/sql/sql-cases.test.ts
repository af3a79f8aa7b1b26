// Table-driven cases of the SQL compiler on the brook/streams TestDriver: DDL statements, one
// persistent query, input records with timestamps, and the exact records the query writes
// (key and value as the sink's formats serialize them). No broker: the same topology the engine
// starts on a cluster runs in-process, so each case is quick and exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App, TestDriver } from '../../src/streams/index.js';
import { analyzeQuery } from '../../src/sql/analyzer/query-analyzer.js';
import { MetaStore } from '../../src/sql/catalog/metastore.js';
import { builtinRegistry } from '../../src/sql/functions/builtins.js';
import { parseStatement } from '../../src/sql/parser/index.js';
import { planQuery } from '../../src/sql/planner/query-planner.js';
import { buildSource, formatsOf, PropertyReader } from '../../src/sql/engine/source-definition.js';
import { SqlError } from '../../src/sql/errors.js';

interface Case {
  name: string;
  ddl: string[];
  query: string;
  /** [topic, key, value, timestamp] */
  input: Array<[string, string | null, string | null, number]>;
  /** [key, value] as text; windowed keys as `key@windowStart`. */
  output?: Array<[string | null, string | null]>;
  error?: RegExp;
}

const STREAM = "CREATE STREAM s (id STRING KEY, name STRING, n INT, price DOUBLE, tags ARRAY<STRING>, addr STRUCT<city STRING, zip INT>) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');";
const CSV = "CREATE STREAM c (id STRING KEY, name STRING, n INT) WITH (KAFKA_TOPIC='c', VALUE_FORMAT='DELIMITED');";
const TABLE = "CREATE TABLE t (id STRING PRIMARY KEY, name STRING, n INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');";

const CASES: Case[] = [
  {
    name: 'projection, aliases, arithmetic and string functions',
    ddl: [STREAM],
    query: "CREATE STREAM o AS SELECT id, UCASE(name) AS up, n * 2 + 1 AS m, CONCAT(name, '-', CAST(n AS STRING)) AS tag FROM s;",
    input: [['s', 'k1', '{"name":"ab","n":3}', 10]],
    output: [['k1', '{"UP":"AB","M":7,"TAG":"ab-3"}']],
  },
  {
    name: 'WHERE with AND, LIKE, IS NOT NULL; rows failing it are dropped',
    ddl: [STREAM],
    query: "CREATE STREAM o AS SELECT id, name FROM s WHERE name LIKE 'a%' AND n IS NOT NULL AND n BETWEEN 1 AND 5;",
    input: [
      ['s', 'k1', '{"name":"ab","n":3}', 1],
      ['s', 'k2', '{"name":"bb","n":3}', 2],
      ['s', 'k3', '{"name":"ac"}', 3],
      ['s', 'k4', '{"name":"ad","n":9}', 4],
      ['s', 'k5', '{"name":"ae","n":1}', 5],
    ],
    output: [
      ['k1', '{"NAME":"ab"}'],
      ['k5', '{"NAME":"ae"}'],
    ],
  },
  {
    name: 'struct dereference, array index and CASE',
    ddl: [STREAM],
    query: "CREATE STREAM o AS SELECT id, addr->city AS city, tags[1] AS first, CASE WHEN n > 2 THEN 'big' ELSE 'small' END AS sz FROM s;",
    input: [['s', 'k', '{"n":3,"tags":["x","y"],"addr":{"city":"Oslo","zip":1}}', 1]],
    output: [['k', '{"CITY":"Oslo","FIRST":"x","SZ":"big"}']],
  },
  {
    name: 'PARTITION BY re-keys the stream',
    ddl: [STREAM],
    query: 'CREATE STREAM o AS SELECT name, id, n FROM s PARTITION BY name;',
    input: [['s', 'k1', '{"name":"ab","n":3}', 1]],
    output: [['ab', '{"ID":"k1","N":3}']],
  },
  {
    name: 'EXPLODE: one row per array element',
    ddl: [STREAM],
    query: 'CREATE STREAM o AS SELECT id, EXPLODE(tags) AS tag FROM s;',
    input: [['s', 'k', '{"tags":["x","y"]}', 1]],
    output: [
      ['k', '{"TAG":"x"}'],
      ['k', '{"TAG":"y"}'],
    ],
  },
  {
    name: 'DELIMITED in, JSON out; an undecodable record is skipped',
    ddl: [CSV],
    query: "CREATE STREAM o WITH (VALUE_FORMAT='JSON') AS SELECT id, name, n FROM c;",
    input: [
      ['c', 'k1', 'ab,3', 1],
      ['c', 'k2', 'ab,notanumber', 2],
      ['c', 'k3', '"x,y",4', 3],
    ],
    output: [
      ['k1', '{"NAME":"ab","N":3}'],
      ['k3', '{"NAME":"x,y","N":4}'],
    ],
  },
  {
    name: 'GROUP BY with COUNT, SUM, AVG, MIN, MAX: one update per input record',
    ddl: [STREAM],
    query: 'CREATE TABLE o AS SELECT name, COUNT(*) AS c, SUM(n) AS s, AVG(price) AS a, MIN(n) AS lo, MAX(n) AS hi FROM s GROUP BY name;',
    input: [
      ['s', 'k1', '{"name":"a","n":3,"price":1.0}', 1],
      ['s', 'k2', '{"name":"a","n":5,"price":2.0}', 2],
      ['s', 'k3', '{"name":"b","n":1,"price":4.5}', 3],
    ],
    output: [
      ['a', '{"C":1,"S":3,"A":1.0,"LO":3,"HI":3}'],
      ['a', '{"C":2,"S":8,"A":1.5,"LO":3,"HI":5}'],
      ['b', '{"C":1,"S":1,"A":4.5,"LO":1,"HI":1}'],
    ],
  },
  {
    name: 'GROUP BY an expression with HAVING: a group shows once it matches',
    ddl: [STREAM],
    query: 'CREATE TABLE o AS SELECT UCASE(name) AS k, COUNT(*) AS c FROM s GROUP BY UCASE(name) HAVING COUNT(*) > 1;',
    input: [
      ['s', 'k1', '{"name":"a"}', 1],
      ['s', 'k2', '{"name":"A"}', 2],
    ],
    output: [['A', '{"C":2}']],
  },
  {
    name: 'tumbling windows with WINDOWSTART and WINDOWEND',
    ddl: [STREAM],
    query: 'CREATE TABLE o AS SELECT name, WINDOWSTART AS ws, WINDOWEND AS we, COUNT(*) AS c FROM s WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY name;',
    input: [
      ['s', 'k1', '{"name":"a"}', 1000],
      ['s', 'k2', '{"name":"a"}', 9000],
      ['s', 'k3', '{"name":"a"}', 12000],
    ],
    output: [
      ['a@0', '{"WS":0,"WE":10000,"C":1}'],
      ['a@0', '{"WS":0,"WE":10000,"C":2}'],
      ['a@10000', '{"WS":10000,"WE":20000,"C":1}'],
    ],
  },
  {
    name: 'EMIT FINAL: a window once, after its grace period',
    ddl: [STREAM],
    query: 'CREATE TABLE o AS SELECT name, COUNT(*) AS c FROM s WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY name EMIT FINAL;',
    input: [
      ['s', 'k1', '{"name":"a"}', 1000],
      ['s', 'k2', '{"name":"a"}', 2000],
      ['s', 'k3', '{"name":"a"}', 25000],
    ],
    output: [['a@0', '{"C":2}']],
  },
  {
    name: 'table source: WHERE and projection keep the primary key; a delete of a matching row is a tombstone',
    ddl: [TABLE],
    query: 'CREATE TABLE o AS SELECT id, n * 10 AS n10 FROM t WHERE n > 0;',
    input: [
      ['t', 'k1', '{"name":"a","n":1}', 1],
      ['t', 'k2', '{"name":"b","n":0}', 2],
      ['t', 'k1', null, 3],
    ],
    output: [
      ['k1', '{"N10":10}'],
      ['k1', null],
    ],
  },
  {
    name: 'stream-table LEFT JOIN on a non-key column (re-keyed through a repartition topic)',
    ddl: [STREAM, TABLE],
    query: 'CREATE STREAM o AS SELECT s.name AS name, s.id AS sid, t.n AS tn FROM s LEFT JOIN t ON s.name = t.id;',
    input: [
      ['t', 'a', '{"name":"A","n":7}', 1],
      ['s', 'k1', '{"name":"a"}', 2],
      ['s', 'k2', '{"name":"zz"}', 3],
    ],
    output: [
      ['a', '{"SID":"k1","TN":7}'],
      ['zz', '{"SID":"k2","TN":null}'],
    ],
  },
  {
    name: 'stream-table INNER JOIN on the stream key, then GROUP BY',
    ddl: [STREAM, TABLE],
    query: 'CREATE TABLE o AS SELECT t.name AS tname, SUM(s.n * t.n) AS total FROM s JOIN t ON s.id = t.id GROUP BY t.name;',
    input: [
      ['t', 'a', '{"name":"A","n":2}', 1],
      ['s', 'a', '{"n":3}', 2],
      ['s', 'b', '{"n":3}', 3],
      ['s', 'a', '{"n":1}', 4],
    ],
    output: [
      ['A', '{"TOTAL":6}'],
      ['A', '{"TOTAL":8}'],
    ],
  },
  { name: 'unknown column', ddl: [STREAM], query: 'CREATE STREAM o AS SELECT id, nope FROM s;', input: [], error: /SELECT column 'NOPE' cannot be resolved/ },
  { name: 'comparison of mismatched types', ddl: [STREAM], query: "CREATE STREAM o AS SELECT id FROM s WHERE n = 'x';", input: [], error: /Error in WHERE expression: Cannot compare N \(INTEGER\) to 'x' \(STRING\) with EQUAL/ },
  { name: 'a non-boolean WHERE', ddl: [STREAM], query: 'CREATE STREAM o AS SELECT id FROM s WHERE name;', input: [], error: /Type mismatch: expected BOOLEAN but got STRING in NAME/ },
  { name: 'non-aggregate column outside GROUP BY', ddl: [STREAM], query: 'CREATE TABLE o AS SELECT name, n, COUNT(*) FROM s GROUP BY name;', input: [], error: /Non-aggregate SELECT expression\(s\) not part of GROUP BY: N/ },
  { name: 'key missing from the projection', ddl: [STREAM], query: 'CREATE STREAM o AS SELECT name FROM s;', input: [], error: /Key missing from projection/ },
  { name: 'aggregate without GROUP BY', ddl: [STREAM], query: 'CREATE TABLE o AS SELECT COUNT(*) FROM s;', input: [], error: /without a GROUP BY clause/ },
  { name: 'unknown source', ddl: [], query: 'CREATE STREAM o AS SELECT * FROM nowhere;', input: [], error: /NOWHERE.* does not exist/ },
];

function windowedKeyText(key: Buffer): string {
  return `${key.subarray(0, key.length - 8).toString()}@${key.readBigInt64BE(key.length - 8)}`;
}

for (const c of CASES) {
  test(`sql case: ${c.name}`, async () => {
    const metastore = new MetaStore();
    const registry = builtinRegistry();
    for (const ddl of c.ddl) {
      const stmt = parseStatement(ddl);
      assert.equal(stmt.kind, 'createSource');
      if (stmt.kind === 'createSource') metastore.putSource(buildSource(stmt, metastore, 1).source);
    }
    const run = async (): Promise<Array<[string | null, string | null]>> => {
      const stmt = parseStatement(c.query);
      if (stmt.kind !== 'createAsSelect') throw new Error('cases are CREATE ... AS SELECT');
      const q = analyzeQuery(stmt.query, { mode: 'persistent', metastore, registry, sinkName: stmt.name });
      const first = q.bindings[0]!.source;
      const formats = formatsOf(new PropertyReader(stmt.properties), { key: first.keyFormat, value: first.valueFormat });
      const app = new App({ appId: 'sql-case', onDeserializationError: 'skip' });
      const errors: string[] = [];
      planQuery(app, q, { queryId: 'q', log: { error: (_q, m) => errors.push(m) } }, { kind: 'topic', topic: 'out', keyFormat: formats.key, valueFormat: formats.value }, '');
      const driver = await TestDriver.create(app);
      for (const [topic, k, v, ts] of c.input) await driver.pipeRaw(topic, k === null ? null : Buffer.from(k), v === null ? null : Buffer.from(v), { timestamp: ts });
      const out = driver.output('out', { name: 'raw', serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b }, { name: 'raw', serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b });
      const records = out.readRecords().map((r): [string | null, string | null] => [r.key === null ? null : q.resultWindow ? windowedKeyText(r.key) : r.key.toString(), r.value === null ? null : r.value.toString()]);
      await driver.close();
      return records;
    };
    if (c.error) {
      await assert.rejects(run(), (e: unknown) => e instanceof SqlError && c.error!.test(e.message));
      return;
    }
    assert.deepEqual(await run(), c.output);
  });
}
